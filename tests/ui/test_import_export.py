"""The real log view end to end: import a demo one-stop export, see the rows, edit one, export it,
read the export back; a file with errors; correcting the column mapping; demo data from the wizard."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.services import log_io
from tests.ui.conftest import pump


@pytest.fixture
def view(window, ctx, commune):
    from sipas_desktop.ui.views.log import LogView

    v = LogView(window, ctx)
    v.pack(fill="both", expand=True)
    pump(window)
    return v


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    return log_io.make_demo_log(tmp_path / "so-mot-cua.xlsx", 150, 11)


def read_preview(view, path):
    job = view.import_file(path)
    view.ctx.jobs.wait(job, timeout=60)
    pump(view)
    assert job.error is None, job.error
    return view.last_preview_dialog


def commit(view, dialog, button):
    button.invoke()
    view.ctx.jobs.wait(dialog.job, timeout=60)
    pump(view)
    assert dialog.job.error is None, dialog.job.error


def sheet_texts(path: Path) -> list[str]:
    wb = load_workbook(path, read_only=True)
    texts = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
             if c is not None]
    wb.close()
    return texts


def test_import_a_demo_export_see_the_rows_edit_one_and_export_it(view, demo_file, tmp_path, prompter):
    dialog = read_preview(view, demo_file)
    assert dialog.preview.total == 150 and dialog.preview.ok
    assert "150 dòng hồ sơ" in dialog.summary_var.get()
    assert str(dialog.import_all_button.cget("state")) == "normal"
    assert not dialog.keep_valid_button.winfo_manager()
    assert log_services.count_dossiers() == 0  # the preview wrote nothing

    commit(view, dialog, dialog.import_all_button)
    assert dialog.result.new == 150 and dialog.result.refused == 0
    assert not dialog.winfo_exists()
    assert "150 hồ sơ mới" in prompter.last("info")[2]
    grid = view.grid_widget
    assert grid.total == 150 and grid.visible_rows()
    assert "150 hồ sơ" in view.count_var.get()

    first = grid.visible_rows()[0]
    grid.select_position(0)
    editor = view.edit_selected()
    assert editor.vars["code"].get() == first.code
    editor.set_values(applicant_name="Trịnh Thị Sửa Đổi")
    assert editor.save() is not None
    assert log_services.get_dossier(first.id).applicant_name == "Trịnh Thị Sửa Đổi"

    out = tmp_path / "xuat" / "so-theo-doi.xlsx"
    out.parent.mkdir()
    job = view.export(out)
    view.ctx.jobs.wait(job, timeout=60)
    assert job.error is None, job.error
    assert out.exists()
    texts = sheet_texts(out)
    assert "Trịnh Thị Sửa Đổi" in texts
    assert first.code in texts
    codes = {r.code for r in log_services.query_dossiers(limit=1000)}
    assert codes <= set(texts)
    assert "Đã xuất" in prompter.last("info")[2]


def test_reimporting_the_same_file_adds_nothing(view, demo_file, prompter):
    commit(view, d := read_preview(view, demo_file), d.import_all_button)
    again = read_preview(view, demo_file)
    commit(view, again, again.import_all_button)
    assert again.result.new == 0 and again.result.unchanged == 150
    assert view.grid_widget.total == 150


def broken_copy(source: Path, target: Path) -> Path:
    """The demo export with a date that does not exist and a returned date before receipt."""
    from openpyxl import load_workbook as open_book

    wb = open_book(source)
    ws = wb.worksheets[0]
    header_row = next(r for r in range(1, 20) if any("Mã hồ sơ" in str(c.value or "") for c in ws[r]))
    received_col = next(c.column for r in (header_row, header_row + 1) for c in ws[r]
                        if "Nhận hồ sơ" in str(c.value or "") or "Ngày nhận" in str(c.value or ""))
    first = next(r for r in range(header_row + 1, header_row + 6)
                 if str(ws.cell(r, 2).value or "").count("-") >= 2)
    ws.cell(first, received_col).value = "31/02/2025"
    wb.save(target)
    return target


def test_a_file_with_errors_lists_each_by_place_and_can_import_only_the_valid_rows(
        view, demo_file, tmp_path):
    bad = broken_copy(demo_file, tmp_path / "co-loi.xlsx")
    dialog = read_preview(view, bad)
    assert dialog.preview.error_count == 1
    assert str(dialog.import_all_button.cget("state")) == "disabled"
    assert str(dialog.keep_valid_button.cget("state")) == "normal"
    assert "149 hồ sơ" in dialog.keep_valid_button.cget("text")
    values = [dialog.issue_grid.row_values(row) for row in dialog.issue_grid.visible_rows()]
    errors = [v for v in values if v[0] == "Lỗi"]
    assert len(errors) == 1 and errors[0][1] and errors[0][2].isdigit() and errors[0][3]
    assert "31/02/2025" in errors[0][4]
    assert "Có 1 dòng lỗi" in dialog.advice_var.get()
    commit(view, dialog, dialog.keep_valid_button)
    assert dialog.result.new == 149 and dialog.result.refused == 1
    assert view.grid_widget.total == 149


def test_correcting_the_column_mapping_reads_the_file_again(view, demo_file):
    dialog = read_preview(view, demo_file)
    name_col = next(c.index for c in dialog.preview.columns if c.key == "applicant_name")
    dialog.set_mapping_label(name_col, "(không dùng)")
    job = dialog.reread()
    view.ctx.jobs.wait(job, timeout=60)
    pump(view)
    assert dialog.preview.mapping_source == "user"
    assert dialog.preview.file_errors or dialog.preview.error_count
    assert str(dialog.import_all_button.cget("state")) == "disabled"
    dialog.set_mapping_label(name_col, "Tên cá nhân, tổ chức")
    job = dialog.reread()
    view.ctx.jobs.wait(job, timeout=60)
    pump(view)
    assert dialog.preview.ok
    dialog.close()


def test_a_file_that_is_not_a_spreadsheet_gets_a_clear_message(view, tmp_path, prompter):
    fake = tmp_path / "so.xlsx"
    fake.write_text("không phải bảng tính", encoding="utf-8")
    job = view.import_file(fake)
    view.ctx.jobs.wait(job, timeout=30)
    pump(view)
    kind, title, message = prompter.last()
    assert kind == "error" and "so.xlsx" in message
    assert "Traceback" not in message
    assert log_services.count_dossiers() == 0


def test_the_first_run_wizard_loads_demo_data_through_the_importer(window, app, prompter):
    from sipas_desktop.ui.app import MainWindow

    main = MainWindow(window, prompter=prompter, modal=False)
    main.pack(fill="both", expand=True)
    main.show_area("log")
    wizard = main.open_first_run()
    wizard.search("nghi xuan")
    wizard.choose("18352")
    wizard.demo_var.set(True)
    assert wizard.finish() is True
    main.jobs.wait(wizard.job, timeout=120)
    pump(window)
    assert wizard.job.error is None, wizard.job.error
    assert log_services.count_dossiers() > 0
    assert main.views["log"].grid_widget.total == log_services.count_dossiers()
    assert "hồ sơ mẫu" in main.status_var.get()


def test_a_file_whose_header_is_not_recognised_opens_on_the_column_mapping_to_map_by_hand(
        view, tmp_path, prompter):
    from tests.core.log_data import foreign_rows, write_xlsx

    path = write_xlsx(tmp_path / "phan-mem-khac.xlsx", foreign_rows(2, range(1, 6)))
    dialog = read_preview(view, path)
    assert dialog.preview.mapping_source == "none" and dialog.preview.total == 0
    assert dialog.notebook.index(dialog.notebook.select()) == 1  # the "Ghép cột" tab
    assert "không nhận ra dòng tiêu đề" in dialog.advice_var.get()
    assert str(dialog.import_all_button.cget("state")) == "disabled"
    assert dialog.data_row_var.get() == "4"  # guessed: the first row that looks like data
    assert [box.get() for box in dialog.mapping_boxes.values()] == ["(không dùng)"] * 5
    for column, label in enumerate(["Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Ngày nhận hồ sơ",
                                    "Số điện thoại"]):
        dialog.set_mapping_label(column, label)
    dialog.data_row_var.set("5")  # the user skips the first dossier row
    job = dialog.reread()
    view.ctx.jobs.wait(job, timeout=60)
    pump(view)
    assert dialog.preview.mapping_source == "user" and dialog.preview.ok
    assert dialog.preview.row_numbers == [5, 6, 7, 8]
    commit(view, dialog, dialog.import_all_button)
    assert dialog.result.new == 4 and view.grid_widget.total == 4
    again = read_preview(view, tmp_path / "phan-mem-khac.xlsx")  # remembered for this layout
    assert again.preview.mapping_source == "remembered" and again.preview.row_numbers == [5, 6, 7, 8]
    again.close()
