"""The log view on a real database: paging, search, filters, sorting, the dossier form, delete."""

from __future__ import annotations

from datetime import date

from sipas_desktop.core.services import log as log_services
from tests.ui.conftest import add_dossiers, pump


def make_view(window, ctx):
    from sipas_desktop.ui.views.log import LogView

    view = LogView(window, ctx)
    view.pack(fill="both", expand=True)
    pump(window)
    return view


def shown_codes(view) -> list[str]:
    return [row.code for row in view.grid_widget.visible_rows()]


def test_opening_the_view_on_many_dossiers_loads_only_the_first_page(window, ctx):
    add_dossiers(3000)
    view = make_view(window, ctx)
    grid = view.grid_widget
    assert grid.total == 3000
    assert grid.pages_loaded == 1
    assert 10 <= len(grid.visible_rows()) <= 60
    assert len(grid.tree.get_children()) == len(grid.visible_rows())
    assert "3.000 hồ sơ" in view.count_var.get()
    # newest first by default
    assert grid.visible_rows()[0].received_date >= grid.visible_rows()[-1].received_date


def test_scrolling_to_the_end_shows_the_last_dossiers_without_loading_the_middle(window, ctx):
    add_dossiers(3000)
    view = make_view(window, ctx)
    grid = view.grid_widget
    grid._on_scrollbar("moveto", "1.0")
    pump(window)
    rows = grid.visible_rows()
    assert rows[-1].code == log_services.query_dossiers(None, sort="received_date", descending=True,
                                                        offset=2999, limit=1)[0].code
    assert grid.pages_loaded <= 3


def test_search_ignores_accents_and_case_and_finds_codes_and_phones(window, ctx):
    add_dossiers(80)
    view = make_view(window, ctx)
    view.set_filter(text="nguyen van an")
    assert view.grid_widget.total == 10
    assert {r.applicant_name for r in view.grid_widget.visible_rows()} == {"Nguyễn Văn An"}
    assert "10 / 80 hồ sơ" in view.count_var.get()
    view.set_filter(text="T-000042")
    assert shown_codes(view) == ["T-000042"]
    view.set_filter(text="0900000007")
    assert shown_codes(view) == ["T-000007"]


def test_filters_by_channel_status_and_date_range_combine(window, ctx):
    add_dossiers(120)
    view = make_view(window, ctx)
    view.set_filter(channel="truc_tuyen")
    assert view.grid_widget.total == 40
    view.set_filter(status="pending")
    # pending: i % 4 == 0; online: i % 3 == 1 → i ≡ 4 (mod 12): 10 of 120
    assert view.grid_widget.total == 10
    view.clear_filters()
    view.set_filter(date_from=date(2025, 1, 2), date_to=date(2025, 1, 11))
    assert view.grid_widget.total == 10
    assert all(date(2025, 1, 2) <= r.received_date <= date(2025, 1, 11)
               for r in view.grid_widget.visible_rows())


def test_a_date_range_ending_before_it_starts_is_refused_with_a_message(window, ctx):
    add_dossiers(20)
    view = make_view(window, ctx)
    view.set_filter(date_from=date(2025, 3, 1), date_to=date(2025, 2, 1))
    assert "trước" in view.filter_error_var.get()
    assert view.grid_widget.total == 20
    view.date_to.entry.delete(0, "end")
    view.date_to.entry.insert(0, "31/02/2025")
    view.apply_filters()
    assert "không có thật" in view.filter_error_var.get()


def test_clicking_the_name_header_sorts_in_vietnamese_order(window, ctx):
    add_dossiers(16)
    view = make_view(window, ctx)
    view.sort_by("applicant_name")
    names = [r.applicant_name for r in view.grid_widget.visible_rows()]
    firsts = list(dict.fromkeys(names))
    # Vietnamese order: A < Ă < Â … C < D < Đ, with "Công ty" under C and "Đặng" after "D…"
    assert firsts == ["Công ty TNHH Hòa Bình", "Đặng Văn Đức", "Hoàng Thị Ánh", "Lê Văn Cường",
                      "Nguyễn Văn An", "Phạm Thị Dung", "Trần Thị Bình", "Vũ Văn Em"]
    assert view.grid_widget.tree.heading("applicant_name", "text").endswith("▲")
    view.sort_by("applicant_name")
    assert view.grid_widget.visible_rows()[0].applicant_name == "Vũ Văn Em"


def test_an_empty_log_says_what_to_do_next(window, ctx):
    view = make_view(window, ctx)
    assert view.empty.winfo_manager() == "pack"
    assert not view.grid_widget.winfo_manager()
    add_dossiers(3)
    view.reload()
    assert view.grid_widget.winfo_manager() == "pack"
    assert not view.empty.winfo_manager()


def test_adding_a_dossier_through_the_form_puts_it_in_the_grid(window, ctx):
    view = make_view(window, ctx)
    dialog = view.add()
    dialog.set_values(code="H56-2025-0001", applicant_name="Nguyễn Thị Hoa",
                      procedure_name="Chứng thực bản sao từ bản chính", field_name="Chứng thực",
                      received_date="03/02/2025", returned_date=date(2025, 2, 3), channel="truc_tiep",
                      phone="0912345678")
    saved = dialog.save()
    assert saved is not None and saved.id
    pump(window)
    assert shown_codes(view) == ["H56-2025-0001"]
    stored = log_services.get_dossier(saved.id)
    assert stored.applicant_name == "Nguyễn Thị Hoa" and stored.returned_date == date(2025, 2, 3)
    assert not dialog.winfo_exists()


def test_the_form_shows_each_problem_next_to_its_field_and_saves_nothing(window, ctx):
    view = make_view(window, ctx)
    dialog = view.add()
    dialog.set_values(code="", applicant_name="Lê Văn Tám", procedure_name="Đăng ký kết hôn",
                      received_date="10/03/2025", returned_date="01/03/2025", due_date="31/02/2025",
                      quantity="hai")
    assert dialog.save() is None
    messages = dialog.field_messages()
    assert "thiếu mã hồ sơ" in messages["code"]
    assert "trước ngày nhận hồ sơ" in messages["returned_date"]
    assert "không có thật" in messages["due_date"]
    assert "số nguyên" in messages["quantity"]
    assert log_services.count_dossiers() == 0
    assert dialog.winfo_exists()
    dialog.close()


def test_a_dossier_code_already_in_the_log_is_refused_by_the_code_field(window, ctx):
    add_dossiers(2)
    view = make_view(window, ctx)
    dialog = view.add()
    dialog.set_values(code="T-000001", applicant_name="Ai đó", procedure_name="Đăng ký khai sinh",
                      received_date="05/05/2025")
    assert dialog.save() is None
    assert "đã có trong sổ" in dialog.field_messages()["code"]
    dialog.close()


def test_enter_on_the_grid_opens_the_selected_dossier_and_an_edit_is_saved(window, ctx):
    add_dossiers(30)
    view = make_view(window, ctx)
    view.set_filter(text="T-000005")
    tree = view.grid_widget.tree
    tree.focus_force()
    pump(window)
    before = set(window.winfo_children())
    tree.event_generate("<Return>")
    pump(window)
    dialogs = [w for w in set(window.winfo_children()) - before if w.winfo_class() == "Toplevel"]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.vars["code"].get() == "T-000005"
    dialog.set_values(applicant_name="Nguyễn Văn Bảy", address="Xóm 3, Nghi Xuân")
    dialog.save_button.invoke()
    pump(window)
    assert view.grid_widget.visible_rows()[0].applicant_name == "Nguyễn Văn Bảy"
    assert log_services.get_dossier_by_code("T-000005").address == "Xóm 3, Nghi Xuân"


def test_delete_asks_first_and_keeps_the_dossier_when_the_answer_is_no(window, ctx, prompter):
    add_dossiers(10)
    view = make_view(window, ctx)
    grid = view.grid_widget
    grid.select_position(0)
    grid.select_position(2, extend=True)
    assert len(grid.selected_ids()) == 3
    prompter.answers = [False, True]
    assert view.delete_selected() == 0
    assert prompter.last("question")[2].startswith("Xóa 3 hồ sơ đã chọn")
    assert log_services.count_dossiers() == 10
    grid.tree.focus_force()
    pump(window)
    grid.tree.event_generate("<Delete>")
    pump(window)
    assert log_services.count_dossiers() == 7
    assert grid.total == 7


def test_arrow_keys_move_the_selection_and_scroll_the_window(window, ctx):
    add_dossiers(500)
    view = make_view(window, ctx)
    grid = view.grid_widget
    grid.tree.focus_force()
    pump(window)
    for _ in range(grid.visible + 2):
        grid.tree.event_generate("<Down>")
    pump(window)
    assert grid.cursor == grid.visible + 2
    assert grid.offset == 3
    grid.tree.event_generate("<End>")
    pump(window)
    assert grid.cursor == 499 and grid.offset == 500 - grid.visible
    assert grid.selected_ids() == [grid.cursor_row().id]


def test_the_catalogue_dialog_adds_renames_and_moves_and_the_log_follows(window, ctx, prompter):
    add_dossiers(3)  # field "Hộ tịch", one of the built-in commune fields
    view = make_view(window, ctx)
    ctx.data_changed_callback = view.refresh  # as the main window wires every view
    dialog = view.open_catalogue()
    dialog.field_name_var.set("Văn thư – Lưu trữ")
    assert dialog.add_field() is True
    assert dialog.selected_field_name() == "Văn thư – Lưu trữ"
    dialog.proc_name_var.set("Cấp bản sao văn bản lưu trữ")
    dialog.proc_field_var.set("Văn thư – Lưu trữ")
    assert dialog.add_procedure() is True
    assert [p.name for p in dialog.procedures] == ["Cấp bản sao văn bản lưu trữ"]
    dialog.field_name_var.set("VĂN THƯ – lưu trữ")
    assert dialog.add_field() is False
    assert "đã có" in dialog.message_var.get()
    prompter.answers = [True]
    assert dialog.delete_field() is False  # it still has a procedure
    assert "còn thủ tục" in dialog.message_var.get()
    hotich = next(f for f in dialog.fields if f.name == "Hộ tịch")
    dialog.field_tree.selection_set(str(hotich.id))
    pump(window)
    dialog.field_name_var.set("Tư pháp – Hộ tịch")
    assert dialog.rename_field() is True
    assert log_services.get_dossier_by_code("T-000001").field_name == "Tư pháp – Hộ tịch"
    assert "Tư pháp – Hộ tịch" in view.field_box.cget("values")
    dialog.close()


def test_a_catalogue_file_with_a_problem_changes_nothing(window, ctx, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Lĩnh vực", "Thủ tục hành chính"])
    ws.append(["Chứng thực", "Chứng thực chữ ký"])
    ws.append(["Đất đai", None])
    wb.save(tmp_path / "danh-muc.xlsx")
    view = make_view(window, ctx)
    dialog = view.open_catalogue()
    before = log_services.list_fields()
    assert dialog.import_file(tmp_path / "danh-muc.xlsx") is False
    assert "dòng 3" in dialog.message_var.get()
    assert log_services.list_fields() == before
    dialog.close()
