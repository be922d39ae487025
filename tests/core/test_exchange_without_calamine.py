"""The report file reads and verifies where python-calamine cannot load (wine, odd platforms)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from sipas_desktop.core import exchange as ex
from tests.core.results_data import make_content


@pytest.fixture
def no_calamine(monkeypatch):
    monkeypatch.setenv("SIPAS_NO_CALAMINE", "1")


def test_without_calamine_a_written_file_verifies_with_the_same_content(no_calamine, tmp_path):
    content = make_content()
    path = tmp_path / "bao-cao.xlsx"
    ex.write_report_file(content, path)
    result = ex.verify_report_file(path)
    assert result.intact, result.problems
    assert result.report.content == content


def test_without_calamine_a_changed_answer_is_still_caught(no_calamine, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    ex.write_report_file(make_content(), path)
    altered = tmp_path / "sua.xlsx"
    shutil.copy(path, altered)
    wb = openpyxl.load_workbook(altered)
    ws = wb[ex.ANSWERS]
    column = [c.value for c in ws[1]].index("tc3_1") + 1
    cell = ws.cell(row=10, column=column)
    cell.value = 5 if cell.value != 5 else 4
    wb.save(altered)
    result = ex.verify_report_file(altered)
    assert not result.intact
    assert any(p.code == "REPORT_043" and p.row == 10 for p in result.problems)
