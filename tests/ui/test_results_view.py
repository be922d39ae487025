"""ResultsView driven through its methods on a real database, under Xvfb."""

from __future__ import annotations

from datetime import date

import pytest

from sipas_desktop.core import exchange as ex
from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts
from sipas_desktop.core.services import results as services
from tests.core.results_data import build_commune_survey
from tests.ui.conftest import pump


@pytest.fixture
def view(ctx, commune, window):
    from sipas_desktop.ui.views.results import ResultsView

    build_commune_survey(30)
    v = ResultsView(window, ctx)
    v.pack(fill="both", expand=True)
    pump(window)
    ctx.jobs.wait(timeout=60)
    pump(window)
    return v


def test_the_view_shows_the_overall_index_with_a_decimal_comma(view):
    assert view.results is not None
    text = view.overall_var.get()
    assert text.startswith("Chỉ số chung: ")
    assert "," in text and text.endswith("%")
    assert "30 phiếu hợp lệ" in view.summary_var.get()


def test_criteria_are_listed_lowest_first(view):
    tree = view.criteria_tree
    rows = tree.get_children()
    assert len(rows) == 22
    indices = [view.results.scores.criterion(iid).exact for iid in rows]
    assert indices == sorted(indices)
    assert tree.set(rows[0], "rank") == "1"


def test_elements_and_charts_are_drawn(view):
    assert len(view.element_tree.get_children()) == 1 + 5
    assert view.element_chart.find_all() and view.spread_chart.find_all()
    texts = [view.element_chart.itemcget(i, "text") for i in view.element_chart.find_all()
             if view.element_chart.type(i) == "text"]
    assert "Công chức trực tiếp giải quyết công việc" in " ".join(texts)


def test_filtering_by_applicant_type_rescoring_the_cached_forms(view, ctx, window):
    total = view.results.scores.valid_forms
    assert list(view.kind_box.cget("values")) == ["Tất cả", "Cá nhân", "Tổ chức"]
    assert str(view.field_box.cget("state")) == "disabled"     # the 2017 form asks no field
    view.kind_var.set("Tổ chức")
    job = view.apply_filter()
    ctx.jobs.wait(job)
    pump(window)
    assert view.results.applicant_type == "to_chuc"
    assert 0 < view.results.scores.valid_forms < total
    assert "Đối tượng" in view.breakdown_tree.item(view.breakdown_tree.get_children()[0], "values")[0]


def test_people_tab_lists_respondent_structure_and_masked_comments(view):
    tree = view.people_tree
    groups = [tree.item(i, "values")[0] for i in tree.get_children()]
    assert "Câu 1. Giới tính" in groups
    comments = next(i for i in tree.get_children() if tree.item(i, "values")[0].startswith("Ý kiến khác"))
    texts = " ".join(tree.item(c, "values")[0] for c in tree.get_children(comments))
    assert ex.NAME_MASK in texts and "Bích Ngọc" not in texts


def test_texts_typed_in_the_view_are_saved_per_plan_and_come_back(view, ctx, window):
    view.set_texts(BaoCaoTexts(number="77", signer_name="Nguyễn Văn Bình", causes="Thiếu ghế chờ."))
    view.text_widgets["report_date"].insert(0, "05/09/2020")
    saved = view.save_texts()
    assert saved.report_date == date(2020, 9, 5) and saved.signer_position == "CHỦ TỊCH"
    assert services.load_texts(view.survey) == saved


def test_a_bad_report_date_is_said_clearly_and_nothing_is_saved(view, prompter):
    view.text_widgets["report_date"].insert(0, "31/02/2020")
    assert view.save_texts() is None
    kind, _title, message = prompter.last("error")
    assert "Ngày báo cáo" in message and "không có thật" in message


def test_export_buttons_write_the_report_file_pdf_docx_and_data(view, ctx, window, tmp_path, prompter):
    for method, name in ((view.export_report_file, "bc.xlsx"), (view.export_pdf, "bc.pdf"),
                         (view.export_docx, "bc.docx"), (view.export_data, "du-lieu.xlsx")):
        job = method(tmp_path / name)
        ctx.jobs.wait(job, timeout=60)
        pump(window)
        assert job.error is None, job.error
        assert (tmp_path / name).stat().st_size > 1000
    assert ex.verify_report_file(tmp_path / "bc.xlsx").intact
    job = view.verify_file(tmp_path / "bc.xlsx")
    ctx.jobs.wait(job)
    pump(window)
    assert "Tệp nguyên vẹn" in prompter.last("info")[2]


def test_without_keyed_forms_the_view_says_so_and_exports_are_disabled(ctx, commune, window):
    from sipas_desktop.core.services import plans as plan_services
    from sipas_desktop.ui.views.results import ResultsView

    plan_services.create_plan("Kế hoạch 2025", date(2025, 1, 2), date(2025, 8, 31), "sipas-2017")
    v = ResultsView(window, ctx)
    v.pack(fill="both", expand=True)
    pump(window)
    ctx.jobs.wait(timeout=30)
    pump(window)
    assert "Chưa có phiếu nào được nhập" in v.message_var.get()
    assert all(str(b.cget("state")) == "disabled" for b in v.buttons)
    assert v.export_report_file("/tmp/khong-ghi.xlsx") is None
