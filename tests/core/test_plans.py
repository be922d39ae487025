"""Survey plans: creating them for a commune or a province, checks, and the plan file (.xlsx).

Every file here is a real .xlsx written and read back; "edited in Excel" is simulated by opening
the plan file with openpyxl, changing cells, and saving it, as another spreadsheet program would.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sipas_desktop.core import plan_file, plans
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.plan_models import Plan, PlanQuota
from sipas_desktop.core.services import app as app_services
from sipas_desktop.core.services import plans as services

FORM = "sipas-2017"


def new_plan(**kw) -> plans.PlanData:
    args = dict(individuals=15, organizations=10)
    args.update(kw)
    return services.create_plan("Kế hoạch khảo sát sự hài lòng năm 2020", date(2020, 1, 2),
                                date(2020, 8, 31), FORM, **args)


def cell_of(path: Path, label: str) -> tuple[int, int]:
    """(row, value column) of a labelled row on the plan sheet."""
    ws = load_workbook(path)[plan_file.SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return r, 4
    raise AssertionError(label)


def quota_row(path: Path, unit_code: str) -> int:
    ws = load_workbook(path)[plan_file.SHEET]
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == unit_code:
            return r
    raise AssertionError(unit_code)


def edit(path: Path, changes: dict[tuple[int, int], object], *, delete_meta: bool = False) -> Path:
    wb = load_workbook(path)
    ws = wb[plan_file.SHEET]
    for (r, c), value in changes.items():
        ws.cell(r, c).value = value
    if delete_meta:
        del wb[plan_file.META_SHEET]
    wb.save(path)
    return path


@pytest.fixture
def province(app):
    return app_services.init_office("42", "tong-hop")


# --- creating plans -------------------------------------------------------------------------

def test_a_commune_plan_has_one_quota_row_its_own_and_becomes_current(commune):
    plan = new_plan()
    assert [(q.unit_code, q.individuals, q.organizations, q.total) for q in plan.quotas] == [
        ("18352", 15, 10, 25)]
    assert plan.form_version == "2017.1"      # taken from the questionnaire catalogue
    assert plan.origin == "local" and plan.issuer_name == "UBND Xã Nghi Xuân"
    assert services.current_plan().plan_id == plan.plan_id
    assert plan.plan_id.startswith("KH-2020-")


def test_a_province_plan_lists_every_commune_of_the_province(province):
    plan = new_plan()
    assert len(plan.quotas) == 69 and all(q.total == 25 for q in plan.quotas)
    assert {q.unit_code for q in plan.quotas} >= {"18352"}
    assert plan.origin == "issued"


def test_without_quotas_the_plan_says_the_size_comes_from_the_formula(commune):
    plan = new_plan(individuals=None, organizations=None)
    assert plan.quotas[0].computed and plan.quotas[0].as_quotas() is None


def test_an_office_not_yet_declared_gets_one_quota_row_for_any_unit(app):
    plan = new_plan()
    assert [(q.unit_code, q.total) for q in plan.quotas] == [(plans.ANY_UNIT, 25)]
    assert plan.quota_for("99999").total == 25


def test_bad_plans_are_refused_with_every_problem_and_nothing_is_stored(commune):
    with pytest.raises(UserError) as err:
        services.create_plan("", date(2020, 8, 31), date(2020, 1, 2), "khong-co", reserve_ratio="1.5")
    codes = {i.code for i in err.value.issues}
    assert {"PLAN_101", "PLAN_103", "PLAN_107", "PLAN_108"} <= codes
    assert "khong-co" in str(err.value.issues) or any("khong-co" in i.message for i in err.value.issues)
    assert Plan.select().count() == 0


def test_a_unit_changes_its_quota_and_the_plan_keeps_its_id(commune):
    plan = new_plan()
    changed = services.set_quota("18352", 20, 5)
    assert changed.plan_id == plan.plan_id
    assert changed.quota_for("18352").total == 25 and changed.quota_for("18352").individuals == 20


# --- the plan file --------------------------------------------------------------------------

def test_the_plan_file_reads_back_as_the_same_plan(commune, tmp_path):
    plan = new_plan(fields=["Hộ tịch", "Chứng thực"], min_age=18, legal_basis="Quyết định số 2640/QĐ-BNV",
                    reserve_ratio="0.25", sample_deadline=date(2020, 9, 15), window_basis="received")
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    read = plan_file.read_plan_file(path)
    assert not read.issues.errors, [str(i) for i in read.issues]
    back = read.plan
    for name in ("plan_id", "title", "year", "window_from", "window_to", "fields", "min_age",
                 "legal_basis", "reserve_ratio", "margin_e", "sample_deadline", "report_deadline",
                 "form_id", "form_version", "require_returned", "direct_only", "in_province_only",
                 "issuer_code", "issuer_name", "window_basis", "quotas"):
        assert getattr(back, name) == getattr(plan, name), name


def test_the_first_sheet_is_the_readable_plan_with_the_quota_table(province, tmp_path):
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx", new_plan().plan_id)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Kế hoạch" and wb[plan_file.META_SHEET].sheet_state == "hidden"
    ws = wb["Kế hoạch"]
    values = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    header = next(r for r in values if r[0] == "TT")
    assert header == ["TT", "Mã đơn vị", "Đơn vị", "Cá nhân", "Tổ chức", "Tổng", "Ghi chú"]
    assert values[0][3] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert any(r[0] == "Mã kế hoạch" and str(r[3]).startswith("KH-2020-") for r in values)
    assert wb.custom_doc_props["sipas_plan_id"].value.startswith("KH-2020-")


def test_quotas_edited_in_excel_are_taken_by_the_import_and_update_the_same_plan(province, tmp_path):
    plan = new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r = quota_row(path, "18352")
    edit(path, {(r, 4): 30, (r, 5): "12", (r, 7): "Phường đông dân"})
    result = services.import_plan_file(path)
    assert result.updated and result.plan.plan_id == plan.plan_id
    q = result.plan.quota_for("18352")
    assert (q.individuals, q.organizations, q.note) == (30, 12, "Phường đông dân")
    assert result.plan.origin == "issued"      # the issuing office re-read its own file
    assert Plan.select().count() == 1


def test_bad_cells_are_reported_by_sheet_row_and_column_and_nothing_changes(province, tmp_path):
    plan = new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r1, r2 = quota_row(path, "18352"), quota_row(path, "18115")
    edit(path, {(r1, 4): -5, (r2, 5): "mười"})
    before = [(q.unit_code, q.individuals, q.organizations) for q in PlanQuota.select()]
    with pytest.raises(UserError) as err:
        services.import_plan_file(path)
    where = {(i.code, i.row, i.column) for i in err.value.issues}
    assert ("PLAN_113", r1, "Cá nhân") in where and ("PLAN_213", r2, "Tổ chức") in where
    assert "Chưa thay đổi gì" in err.value.message
    assert [(q.unit_code, q.individuals, q.organizations) for q in PlanQuota.select()] == before
    assert services.current_plan() == plan


def test_a_window_ending_before_it_starts_is_reported_on_its_row(commune, tmp_path):
    new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r, c = cell_of(path, "Hồ sơ đến ngày")
    edit(path, {(r, c): "01/01/2020"})
    with pytest.raises(UserError) as err:
        services.import_plan_file(path)
    issue = next(i for i in err.value.issues if i.code == "PLAN_103")
    assert (issue.sheet, issue.row, issue.column) == ("Kế hoạch", r, "Hồ sơ đến ngày")
    assert "trước thời gian bắt đầu" in issue.message


def test_an_unknown_unit_and_an_unknown_questionnaire_are_refused(province, tmp_path):
    new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r = quota_row(path, "18352")
    form_row, c = cell_of(path, "Mã phiếu khảo sát")
    edit(path, {(r, 2): "99999", (form_row, c): "phieu-la"})
    with pytest.raises(UserError) as err:
        services.import_plan_file(path)
    by_code = {i.code: i for i in err.value.issues}
    assert by_code["PLAN_112"].row == r and "99999" in by_code["PLAN_112"].message
    assert by_code["PLAN_108"].row == form_row and "phieu-la" in by_code["PLAN_108"].message


def test_an_impossible_date_and_a_bad_switch_are_reported(commune, tmp_path):
    new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r, c = cell_of(path, "Hồ sơ từ ngày")
    r2, _ = cell_of(path, "Chỉ người đã nhận kết quả")
    edit(path, {(r, c): "31/02/2020", (r2, c): "có lẽ"})
    with pytest.raises(UserError) as err:
        services.import_plan_file(path)
    codes = {(i.code, i.row) for i in err.value.issues}
    assert ("PLAN_207", r) in codes and ("PLAN_209", r2) in codes


def test_a_commune_imports_the_province_plan_and_sees_its_own_quota(tmp_path):
    from sipas_desktop.core.db import close_database

    app_services.open_app(tmp_path / "tinh.db")
    app_services.init_office("42", "tong-hop")
    plan = new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    close_database()
    app_services.open_app(tmp_path / "xa.db")
    app_services.init_office("18352", "xa")
    result = services.import_plan_file(path)
    assert result.plan.plan_id == plan.plan_id and result.plan.origin == "imported"
    assert services.current_plan().quota_for("18352").total == 25
    close_database()


def test_a_commune_missing_from_the_quota_table_is_told_so(tmp_path):
    from sipas_desktop.core.db import close_database

    app_services.open_app(tmp_path / "tinh.db")
    app_services.init_office("42", "tong-hop")
    new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    close_database()
    app_services.open_app(tmp_path / "xa.db")
    app_services.init_office("00004", "xa")   # Phường Ba Đình, Hà Nội: another province
    with pytest.raises(UserError) as err:
        services.import_plan_file(path)
    assert err.value.code == "PLAN_220" and Plan.select().count() == 0
    close_database()


def test_old_units_defined_in_the_file_are_added_to_a_database_that_lacks_them(tmp_path):
    from sipas_desktop.core import units
    from sipas_desktop.core.db import close_database

    app_services.open_app(tmp_path / "huyen.db")
    units.add_unit("H436", "Huyện Nghi Xuân", "huyen", "42")
    units.add_unit("X43601", "Xã Xuân Hội", "xa", "H436")
    units.add_unit("X43602", "Xã Xuân Trường", "xa", "H436")
    app_services.init_office("H436", "tong-hop")
    plan = new_plan()
    assert [q.unit_code for q in plan.quotas] == ["X43601", "X43602"]
    path = services.export_plan_file(tmp_path / "ke-hoach-2020.xlsx")
    close_database()
    app_services.open_app(tmp_path / "moi.db")
    result = services.import_plan_file(path)
    assert result.added_units == ("H436", "X43601", "X43602")
    assert units.get_unit("X43601").historical and units.get_unit("X43601").parent == "H436"
    close_database()


def test_the_plan_id_survives_a_save_by_another_program_and_the_loss_of_the_hidden_sheet(commune, tmp_path):
    plan = new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    wb = load_workbook(path)
    ws = wb[plan_file.SHEET]
    ws.insert_rows(3, 2)   # a clerk adds blank lines above the plan: labels still found
    wb.save(path)
    assert plan_file.read_plan_file(path).plan.plan_id == plan.plan_id
    edit(path, {}, delete_meta=True)
    read = plan_file.read_plan_file(path)
    assert read.plan.plan_id == plan.plan_id and not read.issues.errors


def test_a_workbook_from_another_tool_is_not_taken_for_a_plan(commune, tmp_path):
    wb = Workbook()
    wb.active.append(["Mã hồ sơ", "Tên"])
    wb.save(tmp_path / "so.xlsx")
    with pytest.raises(UserError) as err:
        services.import_plan_file(tmp_path / "so.xlsx")
    assert err.value.code == "PLAN_202"
    (tmp_path / "hong.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(UserError) as err:
        services.import_plan_file(tmp_path / "hong.xlsx")
    assert err.value.code == "PLAN_201"
    with pytest.raises(UserError) as err:
        services.import_plan_file(tmp_path / "khong-co.xlsx")
    assert err.value.code == "PLAN_200"


def test_percent_and_decimal_cells_are_read_as_staff_type_them():
    assert plan_file._ratio_cell(20) == "0.2"
    assert plan_file._ratio_cell("25 %") == "0.25"
    assert plan_file._ratio_cell(0.3) == "0.3"    # a percent-formatted cell holds the fraction
    assert plan_file._ratio_cell(None) == "0.2"
    assert plan_file._decimal_cell("0,05") == "0.05"
    assert plan_file._int_cell(15.0) == 15 and plan_file._int_cell(" ") is None
    with pytest.raises(ValueError):
        plan_file._int_cell(2.5)


def test_leading_zeros_lost_by_excel_in_unit_codes_are_restored(province, tmp_path):
    new_plan()
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    r = quota_row(path, "18352")
    edit(path, {(r, 2): 18352, (r, 4): 7})
    assert services.import_plan_file(path).plan.quota_for("18352").individuals == 7
