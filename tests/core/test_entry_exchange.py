"""Template, import and export of responses: real .xlsx/.csv files written and read back."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry.exchange import export_responses, import_responses, write_template
from sipas_desktop.core.entry.models import Response, ResponseChange
from sipas_desktop.core.entry.numbers import format_number
from sipas_desktop.core.entry.responses import get_response, record_issue, save_response
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import load_form

PLAN, UNIT = "KH-2024-TEST", "18352"


@pytest.fixture
def form(app):
    form = load_form("sipas-2017")
    with atomic():
        record_issue(PLAN, UNIT, form, 1, 100)
    return form


def good_row(form, number, **overrides) -> list:
    values = {q.id: (4 if q.type == "scale" else q.codes[0]) if q.is_choice else "" for q in form.questions}
    values.update(overrides)
    return [format_number(number), form.id, form.version] + [values[q.id] for q in form.questions]


def filled_template(tmp_path, form, rows):
    path = write_template(form, tmp_path / "mau.xlsx", plan_id=PLAN, unit_code=UNIT)
    wb = load_workbook(path)
    ws = wb["Phiếu"]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_the_template_has_keys_labels_a_guide_and_code_lists(tmp_path, form):
    path = write_template(form, tmp_path / "mau.xlsx", plan_id=PLAN, unit_code=UNIT)
    wb = load_workbook(path)
    ws = wb["Phiếu"]
    keys = [c.value for c in ws[1]]
    assert keys[:3] == ["so_phieu", "ma_phieu", "phien_ban"] and keys[3:] == [q.id for q in form.questions]
    labels = [c.value for c in ws[2]]
    assert labels[0] == "Số phiếu" and labels[3].startswith("Câu 1. Giới tính (1, 2; 9 = không trả lời)")
    assert any('"1,2,3,4,5,9"' in dv.formula1 for dv in ws.data_validations.dataValidation)
    guide = wb["Hướng dẫn"]
    assert any("tc3_1" == row[0] for row in guide.iter_rows(values_only=True))


def test_a_filled_template_imports_with_the_same_checks_as_keyed_entry(tmp_path, form):
    path = filled_template(tmp_path, form, [good_row(form, 1), good_row(form, 2, tc1_1=9, y_kien_khac="Tốt")])
    result = import_responses(path, PLAN, UNIT, form, by="Kiosk")
    assert (result.imported, result.refused, result.rows) == (2, 0, 2)
    assert get_response(PLAN, UNIT, 2).answers["tc1_1"] == 9
    assert get_response(PLAN, UNIT, 2).source == "import:mau.xlsx"
    assert ResponseChange.select().where(ResponseChange.action == "import").count() == 2


def test_bad_rows_are_refused_with_their_place_and_nothing_is_written(tmp_path, form):
    save_response(PLAN, UNIT, 5, form, {**{q.id: 4 if q.type == "scale" else q.codes[0]
                                           for q in form.questions if q.is_choice}}, by="Lan")
    rows = [good_row(form, 1),
            good_row(form, 2, tc2_3=6),                      # out of range
            good_row(form, 1),                               # duplicate number in the file
            good_row(form, 5),                               # already keyed
            good_row(form, 3)[:1] + ["sipas-2017", "2016.0"] + good_row(form, 3)[3:],   # other version
            good_row(form, 150),                             # never printed
            ["000007-1"] + good_row(form, 7)[1:]]            # wrong check digit
    path = filled_template(tmp_path, form, rows)
    before = Response.select().count()
    result = import_responses(path, PLAN, UNIT, form, by="Kiosk")
    assert result.imported == 0 and result.refused == 6 and result.held_back == 1
    assert Response.select().count() == before
    where = {(i.code, i.row, i.column) for i in result.issues if i.is_error}
    assert ("RESP_002", 4, "tc2_3") in where
    assert ("RESP_IMP_012", 5, "so_phieu") in where
    assert ("RESP_IMP_013", 6, "so_phieu") in where
    assert ("RESP_IMP_011", 7, "ma_phieu") in where
    assert ("RESP_IMP_014", 8, "so_phieu") in where
    assert ("RESP_IMP_010", 9, "so_phieu") in where
    assert all(i.sheet == "Phiếu" for i in result.issues)
    kept = import_responses(path, PLAN, UNIT, form, by="Kiosk", keep_valid=True)
    assert (kept.imported, kept.refused) == (1, 6)
    assert Response.select().count() == before + 1


def test_a_csv_with_semicolons_and_no_label_row_imports(tmp_path, form):
    path = tmp_path / "web.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["so_phieu", "ma_phieu", "phien_ban"] + [q.id for q in form.questions])
        writer.writerow(good_row(form, 11, y_kien_khac="Rất hài lòng với cán bộ"))
        writer.writerow(["12"] + good_row(form, 12)[1:])            # plain number, no check digit
    result = import_responses(path, PLAN, UNIT, form, by="Web")
    assert (result.imported, result.refused) == (2, 0), result.issues
    assert get_response(PLAN, UNIT, 11).answers["y_kien_khac"] == "Rất hài lòng với cán bộ"


def test_a_file_that_is_not_a_template_is_refused_clearly(tmp_path, form):
    path = tmp_path / "khac.csv"
    path.write_text("Họ tên,Địa chỉ\nA,B\n", "utf-8")
    with pytest.raises(UserError) as caught:
        import_responses(path, PLAN, UNIT, form)
    assert caught.value.code == "RESP_IMP_005"


def test_an_export_reads_back_and_imports_into_another_unit(tmp_path, form):
    answers = {q.id: 5 if q.type == "scale" else q.codes[-1] for q in form.questions if q.is_choice}
    save_response(PLAN, UNIT, 1, form, {**answers, "y_kien_khac": "Ổn"}, by="Lan")
    save_response(PLAN, UNIT, 2, form, answers, by="Lan")
    path, count = export_responses(tmp_path / "xuat.xlsx", PLAN, UNIT, form)
    assert count == 2
    ws = load_workbook(path)["Phiếu"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == format_number(1) and rows[0][-3] == "Đã nhập" and rows[0][-2] == "Lan"
    with atomic():
        record_issue(PLAN, "18355", form, 1, 10)
    result = import_responses(path, PLAN, "18355", form, by="Tổng hợp")
    assert result.imported == 2 and all(i.code == "RESP_IMP_006" for i in result.issues)
    assert get_response(PLAN, "18355", 1).answers == get_response(PLAN, UNIT, 1).answers
