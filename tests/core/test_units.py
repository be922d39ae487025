"""Administrative units: the built-in 2025 list and historical units added by hand."""

import pytest
from openpyxl import Workbook

from sipas_desktop.core import units
from sipas_desktop.core.errors import UserError


def test_search_is_accent_insensitive(app):
    found = units.search_units("nghi xuan")
    assert any(u.name == "Xã Nghi Xuân" and u.parent == "42" for u in found)


def test_a_historical_district_and_its_communes_can_be_added(app):
    units.add_unit("H-NX", "Huyện Nghi Xuân", "huyen", parent="42")
    units.add_unit("H-NX-01", "Xã Xuân Hội", "xa", parent="H-NX")
    assert units.descendants("H-NX") == {"H-NX-01"}
    assert "H-NX-01" in units.descendants("42")
    with pytest.raises(UserError):
        units.add_unit("H-NX", "Trùng mã", "huyen")


def test_importing_units_is_all_or_nothing(app, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên", "Loại", "Mã cấp trên"])
    ws.append(["H1", "Huyện Một", "Huyện", "42"])
    ws.append(["X1", "Xã Một", "xã", "H1"])
    ws.append(["X2", "Xã Hai", "làng", "H1"])
    path = tmp_path / "units.xlsx"
    wb.save(path)
    count, issues = units.import_units(path)
    assert count == 0 and issues.errors[0].row == 4 and issues.errors[0].column == "Loại"
    with pytest.raises(UserError):
        units.get_unit("H1")
