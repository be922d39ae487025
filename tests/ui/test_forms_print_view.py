"""The real printing screen under Xvfb: questionnaire, numbered forms, reprint, cover list, keys.

PDFs are really written by the services on a worker thread and read back with `pdftotext`.
The file dialog and the desktop's folder opener are replaced by recorders (a person choosing a
file name, the desktop opening a folder), so no modal window ever waits in a test.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from sipas_desktop.core.entry.numbers import check_digit, format_number
from sipas_desktop.core.services import forms as form_services
from sipas_desktop.core.services import plans as plan_services
from tests.core.plan_data import insert_log, random_log
from tests.ui.conftest import pump

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
VIEW = "sipas_desktop.ui.views.forms_print:FormsPrintView"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


class Recorder:
    """Stands in for the file dialog (answers with `answer`) or the desktop (records what it opens)."""

    def __init__(self, answer: Path | None = None) -> None:
        self.answer = answer
        self.calls: list[tuple] = []

    def __call__(self, *args):
        self.calls.append(args)
        return self.answer


@pytest.fixture
def make_view(ctx, window):
    from sipas_desktop.ui.views.forms_print import FormsPrintView

    def make(save_as: Path | None = None) -> FormsPrintView:
        view = FormsPrintView(window, ctx)
        view.ask_save_path = Recorder(save_as)
        view.open_path = Recorder()
        view.pack(fill="both", expand=True)
        pump(window)
        return view

    return make


def run(view, job) -> None:
    assert job is not None, view.message_var.get()
    view.ctx.jobs.wait(job, timeout=120)
    pump(view)


def table_rows(view) -> list[tuple]:
    return [tuple(view.table.item(i, "values")) for i in view.table.get_children()]


def test_without_a_plan_the_questionnaire_is_chosen_and_its_parts_and_questions_are_shown(commune, make_view):
    view = make_view()
    assert view.overview is None and "Alt+M" in view.next_var.get()
    assert str(view.print_button.cget("state")) == "disabled"
    assert any(label.startswith("xa-rut-gon-2024 — ") for label in view.form_box.cget("values"))
    view.choose_form("xa-rut-gon-2024")
    assert view.overview.context.form.id == "xa-rut-gon-2024" and not view.overview.form_locked
    assert view.ctx.prefs["print.form_id"] == "xa-rut-gon-2024"
    sections = [view.sections.item(i, "values") for i in view.sections.get_children()]
    assert [(title[:3], int(count)) for title, count in sections] == [("I. ", 3), ("II.", 10)]
    assert "2 phần · 13 câu hỏi" in view.form_info_var.get()
    assert view.start_var.get() == format_number(1) and view.count_var.get() == "10"
    assert "Chưa in phiếu nào" in view.printed_var.get()
    assert view.next_var.get().startswith("Bước tiếp theo: in 10 phiếu (Ctrl+P)")
    assert str(view.print_button.cget("state")) == "normal"


def test_three_numbered_forms_are_printed_on_a_worker_into_one_pdf_read_back_with_pdftotext(
        commune, make_view, tmp_path):
    out = tmp_path / "in" / "phieu.pdf"
    out.parent.mkdir()
    view = make_view(save_as=out)
    view.choose_form("xa-rut-gon-2024")
    view.count_var.set("3")
    assert view.preview_var.get() == f"Sẽ in 3 phiếu: số {format_number(1)} đến {format_number(3)}."
    view.cover_var.set(False)
    run(view, view.print_new())                         # the "file dialog" answered with `out`
    assert view.ask_save_path.calls[0][1] == "phieu-xa-rut-gon-2024-so-000001-000003.pdf"
    text = pdf_text(out)
    for number in (1, 2, 3):
        assert f"Phiếu số: {format_number(number)}" in text
    assert f"Phiếu số: {format_number(4)}" not in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "Thông tin Ông/Bà cung cấp sẽ được bảo mật theo quy định" in text
    assert "Xã Nghi Xuân" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "LiberationSerif" in fonts and "Helvetica" not in fonts
    assert not list(tmp_path.glob("in/*.staged")) and not list(tmp_path.glob("in/*.tmp"))
    # the screen now shows the range, the next number and the way to the file
    assert table_rows(view)[0][:3] == (f"{format_number(1)} – {format_number(3)}", "3", "In mới")
    assert view.start_var.get() == format_number(4)
    assert "Số tiếp theo: " + format_number(4) in view.printed_var.get()
    assert f"Đã in 3 phiếu, số {format_number(1)} đến {format_number(3)}" in view.message_var.get()
    assert str(out) in view.message_var.get() and view.last_outcome.cover_path is None
    view.open_folder_button.invoke()
    assert view.open_path.calls == [(out.parent,)]


def test_one_number_is_reprinted_and_a_number_never_printed_is_refused_before_any_file_dialog(
        commune, make_view, tmp_path):
    form_services.print_forms(tmp_path / "dau.pdf", count=5, form_id="xa-rut-gon-2024")
    out = tmp_path / "in-lai.pdf"
    view = make_view(save_as=out)
    view.choose_form("xa-rut-gon-2024")
    view.reprint_var.set("9")
    assert view.reprint() is None
    assert "Số 000009" in view.message_var.get() and "chưa từng in" in view.message_var.get()
    assert format_number(1) in view.message_var.get() and not view.ask_save_path.calls
    view.reprint_var.set(f"000004-{(check_digit(4) + 1) % 10}")   # a wrong check digit
    assert view.reprint() is None and "kiểm tra" in view.message_var.get()
    # Enter on the printed range puts its first number in the reprint box; the clerk changes it
    view.table.selection_set("0")
    view.use_selected_range()
    assert view.reprint_var.get() == format_number(1) and view.focus_get() == view.reprint_entry
    view.reprint_var.set(format_number(4))
    run(view, view.reprint())
    text = pdf_text(out)
    assert f"Phiếu số: {format_number(4)}" in text
    assert all(f"Phiếu số: {format_number(n)}" not in text for n in (1, 2, 3, 5))
    rows = table_rows(view)
    assert [r[2] for r in rows] == ["In mới", "In lại"] and rows[1][0] == format_number(4)
    assert view.start_var.get() == format_number(6)       # a reprint takes no new number
    assert "In lại 1 lần" in view.printed_var.get()
    assert view.message_var.get().startswith(f"Đã in lại phiếu số {format_number(4)}")


def test_a_start_number_already_printed_is_refused_with_the_next_free_number(commune, make_view, tmp_path):
    form_services.print_forms(tmp_path / "dau.pdf", count=3, form_id="xa-rut-gon-2024")
    view = make_view(save_as=tmp_path / "x.pdf")
    view.choose_form("xa-rut-gon-2024")
    view.start_var.set("2")
    assert "Số 000002" in view.preview_var.get() and format_number(4) in view.preview_var.get()
    assert view.print_new() is None and not view.ask_save_path.calls
    assert "In lại" in view.message_var.get()
    view.count_var.set("abc")
    assert "số nguyên từ 1 đến 5.000" in view.preview_var.get()
    assert not (tmp_path / "x.pdf").exists()


def test_with_a_plan_and_a_sample_the_plan_form_is_used_and_the_cover_list_is_a_separate_file(
        commune, make_view, tmp_path):
    insert_log(random_log(300))
    plan_services.create_plan("Kế hoạch khảo sát năm 2020", date(2020, 1, 2), date(2020, 8, 31), "sipas-2017",
                              individuals=3, organizations=2)
    sample = plan_services.draw_sample(2020)
    people = [e for e in sample.entries if e.active]
    out = tmp_path / "phieu-ke-hoach.pdf"
    view = make_view(save_as=out)
    assert view.overview.form_locked and str(view.form_box.cget("state")) == "disabled"
    assert view.form_choice.get().startswith("sipas-2017 — ")
    assert "Kế hoạch khảo sát năm 2020" in view.lock_var.get()
    assert view.count_var.get() == str(len(people)) == "5" and view.cover_var.get()
    assert "5 người trong danh sách mẫu" in view.next_var.get()
    assert "thông tin cá nhân" in view.cover_note_var.get()
    view.choose_form("sipas-2023")                      # the plan fixes the questionnaire
    assert view.overview.context.form.id == "sipas-2017"
    run(view, view.print_new())
    cover = tmp_path / "phieu-ke-hoach-danh-sach-giao-phieu.pdf"
    assert view.last_outcome.cover_path == cover and cover.exists()
    forms_text, cover_text = pdf_text(out), pdf_text(cover)
    assert "DANH SÁCH GIAO PHIẾU KHẢO SÁT" in cover_text and "thông tin cá nhân" in cover_text
    for person in people:
        assert person.applicant_name.split()[-1] in cover_text
    assert all(person.applicant_name not in forms_text for person in people)   # no names on the forms
    assert f"Phiếu số: {format_number(5)}" in forms_text
    assert "danh-sach-giao-phieu" in view.message_var.get() and "giữ riêng" in view.message_var.get()
    assert "Bước tiếp theo: phát phiếu" in view.next_var.get()
    # a later run may carry a cover list too: it continues the sample list in order
    assert str(view.cover_check.cget("state")) != "disabled"
    view.cover_var.set(False)
    view.toggle_cover()
    assert view.cover_var.get()


def test_cancel_stops_the_print_run_and_leaves_no_file_and_no_printed_numbers(commune, make_view, tmp_path):
    out = tmp_path / "nhieu.pdf"
    view = make_view(save_as=out)
    view.choose_form("xa-rut-gon-2024")
    view.count_var.set("400")
    job = view.print_new()
    job.dialog.cancel()                                   # the Cancel button of the progress window
    run(view, job)
    assert not out.exists() and not list(tmp_path.glob("nhieu.pdf.*"))
    assert view.overview.printed == 0 and table_rows(view) == []
    kind, title, _ = view.ctx.prompter.last()
    assert (kind, title) == ("info", "Đã hủy")


def test_the_keys_shown_on_the_screen_work_in_the_main_window(window, app, commune, prompter, tmp_path):
    from sipas_desktop.ui.app import Area, MainWindow

    win = MainWindow(window, prompter=prompter, prefs={"print.form_id": "xa-rut-gon-2024"}, modal=False,
                     areas=[Area("forms", "Phiếu khảo sát (in phiếu)", "…", VIEW)])
    win.pack(fill="both", expand=True)
    window.focus_force()
    pump(window)
    view = win.show_area("forms")
    pump(window)
    labels = {win.view_menu.entrycget(i, "label"): win.view_menu.entrycget(i, "accelerator")
              for i in range(win.view_menu.index("end") + 1) if win.view_menu.type(i) == "command"}
    assert labels["In phiếu mới…"] == "Ctrl+P" and labels["In lại một số…"] == "Ctrl+R"
    assert labels["Chọn mẫu phiếu"] == "Alt+M" and labels["Số phiếu cần in lại"] == "Alt+L"
    assert view.focus_get() == view.count_box            # ready to type how many
    for sequence, target in (("<Alt-l>", view.reprint_entry), ("<Alt-b>", view.start_entry),
                             ("<Alt-m>", view.form_box), ("<Alt-s>", view.count_box)):
        view.focus_get().event_generate(sequence)
        pump(window, 1)
        assert view.focus_get() == target, sequence
    before = view.cover_var.get()
    view.focus_get().event_generate("<Alt-d>")
    assert view.cover_var.get() is not before
    view.count_var.set("2")
    view.ask_save_path = Recorder(tmp_path / "phim.pdf")
    view.open_path = Recorder()
    view.count_box.focus_set()
    view.count_box.event_generate("<Return>")            # Enter in the box prints
    run(view, view.last_job)
    assert (tmp_path / "phim.pdf").exists() and view.focus_get() == view.open_folder_button
    view.focus_get().event_generate("<Control-o>")
    assert view.open_path.calls == [(tmp_path,)]
    assert ("Ctrl+P", "In phiếu mới") in win.shortcut_table()


def test_answers_from_other_channels_come_in_through_the_template_bad_rows_listed_by_place(
        commune, make_view, tmp_path):
    from openpyxl import load_workbook

    from sipas_desktop.core.entry.responses import get_response
    from sipas_desktop.core.forms import load_form

    form_services.print_forms(tmp_path / "dau.pdf", count=5, form_id="xa-rut-gon-2024")
    view = make_view()
    view.choose_form("xa-rut-gon-2024")
    template = view.write_template(tmp_path / "mau.xlsx")
    assert template.exists() and view.last_file == template
    assert "Đã tạo tệp Excel mẫu" in view.message_var.get()
    form = load_form("xa-rut-gon-2024")
    good = [4 if q.type == "scale" else 1 if q.is_choice else "" for q in form.questions]
    wrong = [7 if q.type == "scale" else 1 if q.is_choice else "" for q in form.questions]
    wb = load_workbook(template)
    sheet = wb["Phiếu"]
    sheet.append([format_number(2), form.id, form.version] + good)
    sheet.append([format_number(3), form.id, form.version] + wrong)     # 7 is not on a 1–5 scale
    wb.save(template)
    view.ctx.prompter.answers = [False]                                 # "import the good rows?" no
    run(view, view.import_responses(template))
    kind, _, question = view.ctx.prompter.last()
    assert kind == "question" and "dòng 4" in question and "Nhập 1 dòng đúng" in question
    assert view.last_import.imported == 0 and "0 phiếu đã nhập" in view.message_var.get()
    view.ctx.prompter.answers = [True]                                  # this time: yes
    run(view, view.import_responses(template))
    run(view, view.last_job)                                            # the second pass, good rows only
    assert view.last_import.imported == 1 and view.last_import.refused == 1
    assert get_response("", "18352", 2).source == "import:mau.xlsx"
    job = view.export_responses(tmp_path / "ket-qua.xlsx")
    run(view, job)
    rows = list(load_workbook(tmp_path / "ket-qua.xlsx")["Phiếu"].iter_rows(values_only=True))
    assert any(row[0] == format_number(2) for row in rows)
    assert "Đã xuất 1 phiếu" in view.message_var.get()
