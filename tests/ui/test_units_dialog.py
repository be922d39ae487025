"""The real units dialog under Xvfb: search, the tree, adding old units, importing from .xlsx."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from sipas_desktop.core import models, units
from tests.ui.conftest import pump


@pytest.fixture
def dialog(ctx, window):
    from sipas_desktop.ui.dialogs.units import UnitsDialog

    dlg = UnitsDialog(window, ctx)
    dlg.geometry("1000x660+0+0")
    pump(dlg)
    return dlg


def children_of(dlg, iid: str) -> list[str]:
    return list(dlg.tree.get_children(iid))


def write_units(path: Path, rows: list[tuple]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(["Mã", "Tên", "Loại", "Mã cấp trên"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_the_tree_starts_with_the_34_provinces_and_opens_a_province_to_its_communes(dialog):
    top = children_of(dialog, "")
    assert len(top) == 34 and "42" in top
    assert "34 tỉnh, thành phố" in dialog.count_var.get()
    assert children_of(dialog, "42") == ["42…"]              # not loaded until opened
    dialog.open_unit("42")
    communes = children_of(dialog, "42")
    assert "18352" in communes and len(communes) > 50
    assert dialog.tree.item("18352", "text") == "Xã Nghi Xuân"
    assert dialog.tree.item("18352", "values")[1] == "Xã"


def test_search_ignores_accents_and_case(dialog):
    found = dialog.search("NGHI xuan")
    assert "18352" in [u.code for u in found] and dialog.tree.exists("18352")
    assert "khớp “NGHI xuan”" in dialog.count_var.get()
    dialog.search("ha tinh")
    assert dialog.tree.item("42", "text") == "Tỉnh Hà Tĩnh"
    dialog.search("không có đơn vị này")
    assert children_of(dialog, "") == [] and "Không có đơn vị nào" in dialog.count_var.get()


def test_a_historical_district_and_a_commune_under_it_are_added_from_the_tree(dialog):
    dialog.tree.selection_set("42")                          # Hà Tĩnh chosen in the tree
    pump(dialog)
    assert dialog.parent_var.get() == "42" and dialog.kind_var.get() == "Huyện"
    assert "Tỉnh Hà Tĩnh" in dialog.parent_name_var.get()
    dialog.code_var.set("432")
    dialog.name_var.set("Huyện Nghi Xuân")
    district = dialog.add()
    assert district is not None, dialog.message_var.get()
    assert (district.level, district.kind, district.parent, district.historical) == (2, "huyen", "42", True)
    assert dialog.tree.selection() == ("432",) and dialog.tree.parent("432") == "42"
    assert dialog.tree.item("432", "values")[3] == "trước 1/7/2025"
    assert "Đã thêm Huyện Nghi Xuân (mã 432, huyện), thuộc Tỉnh Hà Tĩnh" in dialog.message_var.get()
    # the new district is selected, so it is the parent of the next unit, a commune
    pump(dialog)
    assert dialog.parent_var.get() == "432" and dialog.kind_var.get() == "Xã"
    dialog.code_var.set("18355-cu")
    dialog.name_var.set("Xã Xuân Hội")
    commune = dialog.add()
    assert commune is not None and (commune.level, commune.parent, commune.historical) == (3, "432", True)
    assert dialog.tree.parent("18355-cu") == "432" and dialog.tree.selection() == ("18355-cu",)
    assert units.descendants("432") == {"18355-cu"}
    found = dialog.search("xuan hoi")
    assert "18355-cu" in [u.code for u in found]
    assert dialog.tree.item("18355-cu", "values")[2] == "Huyện Nghi Xuân"


def test_a_unit_that_cannot_be_added_is_refused_with_its_reason_and_nothing_changes(dialog):
    before = models.Unit.select().count()
    dialog.parent_var.set("42")
    dialog.code_var.set("18352")                             # the code of an existing commune
    dialog.name_var.set("Xã trùng mã")
    assert dialog.add() is None and "đã có" in dialog.message_var.get()
    assert dialog.focus_get() == dialog.code_entry
    dialog.code_var.set("999")
    dialog.parent_var.set("77777")
    assert "Chưa có đơn vị mã “77777”" in dialog.parent_name_var.get()
    assert dialog.add() is None and "Không có đơn vị cấp trên mã “77777”" in dialog.message_var.get()
    dialog.parent_var.set("42")
    dialog.name_var.set("")
    assert dialog.add() is None and "Cần nhập cả mã và tên" in dialog.message_var.get()
    assert dialog.focus_get() == dialog.name_entry
    assert models.Unit.select().count() == before


def test_a_units_import_with_an_error_lists_it_by_place_and_changes_nothing(dialog, tmp_path):
    before = models.Unit.select().count()
    path = write_units(tmp_path / "don-vi.xlsx", [
        ("432", "Huyện Nghi Xuân", "Huyện", "42"),
        ("43201", "Xã Xuân Hội", "làng", "432"),             # not a kind of unit
        ("43202", "Xã Xuân Trường", "Xã", "999"),            # no such parent
    ])
    assert dialog.import_file(path) == 0
    rows = [dialog.issues.item(i, "values") for i in dialog.issues.get_children()]
    assert rows == [("trang tính “Đơn vị”, dòng 3, cột “Loại”",
                     "loại đơn vị “làng” không rõ (huyện, xã, phường, …)"),
                    ("trang tính “Đơn vị”, dòng 4, cột “Mã cấp trên”", "không có đơn vị cấp trên mã “999”")]
    assert "có 2 lỗi" in dialog.message_var.get() and "chưa nhập đơn vị nào" in dialog.message_var.get()
    assert models.Unit.select().count() == before
    assert models.Unit.get_or_none(models.Unit.code == "432") is None
    not_excel = tmp_path / "khong-phai.xlsx"
    not_excel.write_text("không phải bảng tính", encoding="utf-8")
    assert dialog.import_file(not_excel) == 0 and "không phải tệp Excel" in dialog.message_var.get()
    assert models.Unit.select().count() == before


def test_a_good_units_file_is_imported_through_the_file_dialog(dialog, tmp_path):
    path = write_units(tmp_path / "don-vi.xlsx", [
        ("432", "Huyện Nghi Xuân", "Huyện", "42"),
        ("43201", "Xã Xuân Hội", "Xã", "432"),
        ("43202", "Thị trấn Xuân An", "thi tran", "432"),
    ])
    dialog.ask_open_path = lambda: path                      # the person picks the file
    dialog.focus_set()
    dialog.event_generate("<Control-i>")
    assert dialog.last_import[0] == 3 and "Đã nhập 3 đơn vị" in dialog.message_var.get()
    assert units.get_unit("43202").kind == "thi_tran" and units.get_unit("43202").historical
    dialog.reveal("43201")
    assert dialog.tree.parent("43201") == "432" and dialog.tree.parent("432") == "42"
    assert dialog.tree.selection() == ("43201",)


def test_the_dialog_is_in_the_file_menu_and_its_keys_work(window, app, prompter):
    from sipas_desktop.ui.app import MainWindow
    from sipas_desktop.ui.dialogs.units import UnitsDialog

    win = MainWindow(window, prompter=prompter, prefs={}, modal=False)
    win.pack(fill="both", expand=True)
    menu = win.file_menu
    index = next(i for i in range(menu.index("end") + 1)
                 if menu.type(i) == "command" and menu.entrycget(i, "label") == "Đơn vị hành chính…")
    menu.invoke(index)
    dlg = win.last_dialog
    assert isinstance(dlg, UnitsDialog)
    dlg.focus_force()
    pump(dlg)
    for sequence, target in (("<Alt-m>", dlg.code_entry), ("<Alt-n>", dlg.name_entry),
                             ("<Alt-c>", dlg.parent_entry), ("<Alt-l>", dlg.kind_box)):
        dlg.event_generate(sequence)
        pump(dlg, 1)
        assert dlg.focus_get() == target, sequence
    dlg.parent_var.set("42")
    dlg.kind_var.set("Huyện")
    dlg.code_var.set("432")
    dlg.name_var.set("Huyện Nghi Xuân")
    dlg.name_entry.focus_set()
    dlg.name_entry.event_generate("<Control-Return>")
    assert units.get_unit("432").name == "Huyện Nghi Xuân"
    dlg.event_generate("<Escape>")
    pump(window)
    assert dlg.closed
