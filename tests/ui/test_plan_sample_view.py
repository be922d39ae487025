"""The plan-and-sample screen on a real database, driven as a clerk would use it (under Xvfb).

The walk-through: make a local plan → build the population list and read the exclusions → draw →
export the sheet → record returns and replace a refusal from the reserve list.
"""

from __future__ import annotations

from datetime import date

import pytest

from sipas_desktop.core.plan_models import Draw, Plan
from sipas_desktop.core.services import plans as services
from tests.core.plan_data import insert_log, random_log
from tests.ui.conftest import pump


def make_view(window, ctx):
    from sipas_desktop.ui.views.plan_sample import PlanSampleView

    view = PlanSampleView(window, ctx)
    view.pack(fill="both", expand=True)
    pump(window)
    return view


def tree_rows(tree) -> list[list[str]]:
    return [list(tree.item(i, "values")) for i in tree.get_children()]


def make_plan(view, **kw):
    values = dict(title="Kế hoạch khảo sát sự hài lòng năm 2020", date_from="02/01/2020",
                  date_to="31/08/2020", form="sipas-2017", individuals="15", organizations="10")
    values.update(kw)
    view.fill_plan_form(**values)
    view.save_plan_button.invoke()
    pump(view)


def test_the_area_of_the_main_window_opens_this_view():
    from sipas_desktop.ui.app import AREAS
    from sipas_desktop.ui.views.plan_sample import PlanSampleView

    area = next(a for a in AREAS if a.key == "plan")
    assert area.available() and area.load() is PlanSampleView


def test_a_clerk_walks_from_plan_to_returns(window, ctx, prompter, commune, tmp_path):
    insert_log(random_log(400))
    view = make_view(window, ctx)
    assert "Chưa có kế hoạch" in view.plan_var.get()

    # 1. a local plan from the form
    make_plan(view, sample_deadline="15/09/2020", report_deadline="30/10/2020")
    assert view.form_error_var.get() == ""
    assert services.current_plan().sample_deadline == date(2020, 9, 15)
    assert "hạn gửi báo cáo: 30/10/2020" in view.plan_var.get()
    assert "Kế hoạch khảo sát sự hài lòng năm 2020" in view.plan_var.get()
    assert "Chỉ tiêu: cá nhân 15, tổ chức 10, tổng 25" in view.plan_var.get()
    assert tree_rows(view.quota_tree) == [["1", "18352", "Xã Nghi Xuân", "15", "10", "25", ""]]

    # 2. the population list and why dossiers were left out
    ctx.jobs.wait(view.build_population(), timeout=30)
    pump(window)
    assert view.notebook.index("current") == 1
    assert "N = " in view.population_var.get() and "sổ có 400 hồ sơ" in view.population_var.get()
    reasons = dict(tuple(r) for r in tree_rows(view.reason_tree))
    assert int(reasons["Giao dịch trực tuyến"]) > 0 and "Trùng người (đã tính ở hồ sơ khác)" in reasons
    assert len(view.excluded_tree.get_children()) == len(view.population.population.excluded)

    # 3. the draw, and a redraw that needs a reason
    ctx.jobs.wait(view.draw(seed=2020), timeout=30)
    pump(window)
    assert "hạt giống 2020" in view.draw_var.get() and "k = " in view.draw_var.get()
    assert len(tree_rows(view.history_tree)) == 1
    assert len(view.entry_tree.get_children()) == 25 + 5
    ctx.jobs.wait(view.draw(seed=7), timeout=30)
    pump(window)
    assert "phải ghi lý do" in prompter.last("error")[2]
    assert Draw.select().count() == 1
    ctx.jobs.wait(view.draw(seed=2020, reason="Kiểm tra lại trước Ủy ban MTTQ"), timeout=30)
    pump(window)
    assert [r[6] for r in tree_rows(view.history_tree)] == ["Kiểm tra lại trước Ủy ban MTTQ",
                                                             "Chọn mẫu lần đầu"]

    # 4. the sample sheet, Excel and PDF
    assert view.export_sample(tmp_path / "danh-sach-mau.xlsx").exists()
    assert view.export_sample(tmp_path / "danh-sach-mau.pdf").stat().st_size > 5000
    assert "danh-sach-mau.pdf" in view.export_var.get()

    # 5. returns and a substitution from the reserve list, in order
    first = view.sample.main()[0]
    reserve = [e for e in view.sample.reserve() if e.stratum == first.stratum][0]
    view.select_code(first.code)
    view.status_choice.set("Từ chối")
    view.status_button.invoke()
    view.replace_reason_var.set("Từ chối trả lời")
    view.replace_button.invoke()
    pump(window)
    rows = {r[1]: r for r in tree_rows(view.entry_tree)}
    assert rows[first.code][6] == f"Từ chối; thay bằng dự phòng số {reserve.order}" == \
        "Từ chối; thay bằng dự phòng số 1"
    assert rows[reserve.code][6] == f"Chưa phát; thay cho mẫu chính số {first.order}"
    assert view.sample.entries[0].replaced_by == reserve.code
    assert view.selected_code() == reserve.code
    view.set_status(reserve.code, "da_thu")
    assert "đã thu 1" in view.counts_var.get() and "đã thay 1 người" in view.counts_var.get()


def test_a_province_office_plans_for_every_commune_and_sees_the_totals(window, ctx, app):
    from sipas_desktop.core.services.app import init_office

    init_office("42", "tong-hop")
    view = make_view(window, ctx)
    make_plan(view)
    assert "giao cho 69 đơn vị, tổng 1.725 người" in view.plan_var.get()
    assert len(view.quota_tree.get_children()) == 69


def test_a_plan_form_with_the_window_backwards_shows_the_problem_and_saves_nothing(window, ctx, commune):
    view = make_view(window, ctx)
    make_plan(view, date_from="31/08/2020", date_to="02/01/2020")
    assert "trước thời gian bắt đầu" in view.form_error_var.get()
    make_plan(view, individuals="mười")
    assert "không phải số nguyên" in view.form_error_var.get()
    make_plan(view, date_from="31/02/2020")
    assert "không có thật" in view.form_error_var.get()
    assert Plan.select().count() == 0


def test_a_plan_file_is_imported_and_a_bad_file_is_refused_with_a_message(window, ctx, prompter, commune,
                                                                         tmp_path):
    from openpyxl import Workbook

    services.create_plan("Kế hoạch của tỉnh", date(2020, 1, 2), date(2020, 8, 31), "sipas-2017",
                         individuals=20, organizations=5)
    path = services.export_plan_file(tmp_path / "ke-hoach.xlsx")
    view = make_view(window, ctx)
    assert view.export_plan(tmp_path / "ban-sao.xlsx").exists()
    assert view.import_plan(path) is not None
    assert prompter.last("info")[1] == "Nhập kế hoạch" and "Kế hoạch của tỉnh" in view.plan_var.get()
    bad = tmp_path / "khac.xlsx"
    Workbook().save(bad)
    assert view.import_plan(bad) is None
    assert "không phải tệp kế hoạch" in prompter.last("error")[2]


def test_drawing_from_a_log_with_nothing_eligible_says_so(window, ctx, prompter, commune):
    rows = random_log(40)
    for r in rows:
        r["channel"] = "buu_chinh"
    insert_log(rows)
    view = make_view(window, ctx)
    make_plan(view)
    ctx.jobs.wait(view.build_population(), timeout=30)
    pump(window)
    assert "Không có hồ sơ nào đủ điều kiện" in view.population_var.get()
    ctx.jobs.wait(view.draw(seed=1), timeout=30)
    pump(window)
    assert "không có hồ sơ nào đủ điều kiện" in prompter.last("error")[2]
    assert view.sample is None


@pytest.mark.parametrize("seed", ["", "-4", "abc"])
def test_a_seed_that_is_not_a_whole_number_is_refused_before_any_work(window, ctx, prompter, commune, seed):
    view = make_view(window, ctx)
    make_plan(view)
    assert view.draw(seed=seed) is None
    assert "phải là số nguyên không âm" in prompter.last("error")[2]
