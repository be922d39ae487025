"""Output files are written to a temporary name and renamed; failures leave the old file."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from sipas_desktop.core import files
from sipas_desktop.core.errors import UserError


def test_a_workbook_is_saved_whole_and_creates_its_folder(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "Sổ theo dõi hồ sơ"
    path = files.save_workbook(wb, tmp_path / "moi" / "so.xlsx")
    assert load_workbook(path).active["A1"].value == "Sổ theo dõi hồ sơ"
    assert [p.name for p in path.parent.iterdir()] == ["so.xlsx"]


def test_a_file_held_open_by_excel_gets_a_message_that_says_so_and_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(UserError) as err:
        files.save_workbook(Workbook(), path, code="LOG_EXP_004")
    assert err.value.code == "LOG_EXP_004" and "đang mở trong Excel" in err.value.message
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["so.xlsx"]


def test_an_error_inside_the_block_removes_the_temporary_file_and_passes_through(tmp_path):
    with pytest.raises(RuntimeError):
        with files.atomic_file(tmp_path / "x.pdf") as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("the renderer failed")
    assert list(tmp_path.iterdir()) == []
