"""The dossier log's records, validation, grid queries and the field catalogue."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook

from sipas_desktop.core import models
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.tthc_log.records import DossierRecord, LogFilter, validate_record


def make(code: str, name: str = "Nguyễn Văn An", **kw) -> DossierRecord:
    base = dict(code=code, procedure_name="Đăng ký khai sinh", applicant_name=name,
                received_date=date(2020, 3, 2), returned_date=date(2020, 3, 5), phone="0912345678")
    base.update(kw)
    return DossierRecord(**base)


def test_a_returned_date_before_the_received_date_is_an_error_on_that_column():
    issues = validate_record(make("A", returned_date=date(2020, 3, 1)), sheet="Sổ", row=7)
    assert [(i.code, i.row, i.column) for i in issues] == [("LOG_106", 7, "Ngày trả kết quả")]


def test_missing_code_name_and_received_date_are_all_reported_at_once():
    issues = validate_record(DossierRecord(code="", procedure_name="", applicant_name="",
                                           received_date=None))
    assert {i.code for i in issues} == {"LOG_101", "LOG_103", "LOG_104", "LOG_105"}


def test_saving_fills_the_field_from_the_catalogue_and_audits(app):
    saved = log_services.save_dossier(make("HS-1"), user="thu")
    assert saved.id and saved.field_name == "Hộ tịch" and saved.source == "nhập tay"
    assert models.AuditEntry.select().where(models.AuditEntry.action == "them").count() == 1


def test_a_second_dossier_with_the_same_code_is_refused(app):
    log_services.save_dossier(make("HS-1"))
    with pytest.raises(UserError) as info:
        log_services.save_dossier(make("HS-1", name="Trần Thị Bình"))
    assert "đã có" in info.value.message
    assert log_services.count_dossiers() == 1


def test_an_invalid_edit_changes_nothing(app):
    saved = log_services.save_dossier(make("HS-1"))
    from dataclasses import replace

    with pytest.raises(UserError):
        log_services.save_dossier(replace(saved, returned_date=date(2019, 1, 1)))
    assert log_services.get_dossier(saved.id).returned_date == date(2020, 3, 5)


def test_search_is_accent_insensitive_by_name_code_or_phone(app):
    log_services.save_dossier(make("HS-1", name="Đặng Thị Hồng", phone="0912 345 678"))
    log_services.save_dossier(make("HS-2", name="Lê Văn Tám", phone="0988000111"))
    assert [r.code for r in log_services.query_dossiers(LogFilter(text="dang thi hong"))] == ["HS-1"]
    assert [r.code for r in log_services.query_dossiers(LogFilter(text="hs-2"))] == ["HS-2"]
    assert [r.code for r in log_services.query_dossiers(LogFilter(text="0912345678"))] == ["HS-1"]


def test_names_sort_in_vietnamese_order_and_filters_combine(app):
    for i, name in enumerate(["Đức", "Dũng", "Ánh", "Anh", "Bình"]):
        log_services.save_dossier(make(f"HS-{i}", name=name, channel="truc_tuyen" if i % 2 else "truc_tiep",
                                       returned_date=None if i == 4 else date(2020, 3, 5)))
    rows = log_services.query_dossiers(sort="applicant_name")
    assert [r.applicant_name for r in rows] == ["Anh", "Ánh", "Bình", "Dũng", "Đức"]
    pending = log_services.query_dossiers(LogFilter(status="pending"))
    assert [r.applicant_name for r in pending] == ["Bình"]
    assert log_services.count_dossiers(LogFilter(channel="truc_tuyen")) == 2


def test_deleting_removes_the_dossiers(app):
    a = log_services.save_dossier(make("HS-1"))
    log_services.save_dossier(make("HS-2"))
    assert log_services.delete_dossiers([a.id]) == 1
    assert [r.code for r in log_services.query_dossiers()] == ["HS-2"]


def test_the_catalogue_can_be_edited_and_imported(app, tmp_path):
    log_services.save_field("Tư pháp – Hộ tịch")
    log_services.save_procedure("Đăng ký giám hộ đặc biệt", "Tư pháp – Hộ tịch")
    assert log_services.field_of_procedure("dang ky giam ho dac biet") == "Tư pháp – Hộ tịch"
    with pytest.raises(UserError):
        log_services.save_field("tu phap – ho tich")
    wb = Workbook()
    wb.active.append(["Lĩnh vực", "Thủ tục hành chính"])
    wb.active.append(["Công thương", "Cấp giấy phép bán lẻ rượu"])
    wb.active.append(["Hộ tịch", "Đăng ký khai sinh"])
    wb.save(tmp_path / "cat.xlsx")
    fields_added, procs_added, issues = log_services.import_catalogue(tmp_path / "cat.xlsx")
    assert (fields_added, procs_added, len(issues)) == (1, 1, 0)
    assert log_services.field_of_procedure("Cấp giấy phép bán lẻ rượu") == "Công thương"
