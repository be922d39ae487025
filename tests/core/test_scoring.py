"""Indices from answers: the worked example, the rules of SIPAS.md §5, counts, breakdowns, bad rules."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.scoring import Response, round2, score


@pytest.fixture(scope="module")
def form():
    return load_form("sipas-2017")


def worked_example_codes() -> list[int]:
    return [5] * 60 + [4] * 70 + [3] * 15 + [2] * 3 + [1] * 2


def test_worked_example_of_the_domain_notes_gives_86_67_percent(form):
    forms = [Response(str(i), {"tc3_1": code}) for i, code in enumerate(worked_example_codes(), 1)]
    scores = score(form, forms)
    criterion = scores.criterion("tc3_1")
    assert (criterion.valid, criterion.satisfied) == (150, 130)
    assert round2(criterion.index) == 86.67
    assert scores.to_dict()["criteria"]["tc3_1"] == 86.67


def test_blank_and_no_answer_leave_the_denominator_and_are_counted_apart(form):
    forms = [Response(str(i), {"tc3_1": code, "tc3_2": 5}) for i, code in enumerate(worked_example_codes(),
                                                                                    1)]
    forms += [Response("900", {"tc3_1": 9, "tc3_2": 4}), Response("901", {"tc3_2": 4}),
              Response("902", {"tc3_1": 7, "tc3_2": 4})]
    scores = score(form, forms)
    c = scores.criterion("tc3_1")
    assert (c.valid, c.satisfied, c.no_answer, c.blank, c.invalid) == (150, 130, 1, 1, 1)
    assert round2(c.index) == 86.67
    counts = {q.question_id: q for q in scores.question_counts}["tc3_1"]
    assert (counts.valid, counts.blank, counts.no_answer, counts.invalid) == (150, 1, 1, 1)


def test_element_is_the_mean_of_its_criteria_and_overall_the_mean_of_elements(form):
    # tc3_1: 1 of 2 satisfied (50 %), tc3_2: 2 of 2 (100 %) → công chức 75 %; thủ tục: 0 %.
    forms = [Response("1", {"tc3_1": 5, "tc3_2": 4, "tc2_1": 1}), Response("2", {"tc3_1": 2, "tc3_2": 5})]
    scores = score(form, forms)
    assert scores.element("cong_chuc").index == 75.0
    assert scores.element("thu_tuc").index == 0.0
    assert scores.element("tiep_can").index is None          # no valid answer at all: left out
    assert scores.overall == 37.5
    assert any(w.code == "SCORE_011" for w in scores.warnings)


def test_a_form_without_any_valid_scored_answer_is_not_counted(form):
    forms = [Response("1", {"tc3_1": 5}), Response("2", {"tc3_1": 9, "gioi_tinh": 1})]
    scores = score(form, forms)
    assert (scores.total_forms, scores.valid_forms) == (2, 1)
    assert scores.respondents[0].counts.forms == 1


def test_expectations_are_the_share_of_rat_nhieu_and_nhieu(form):
    forms = [Response(str(i), {"tc3_1": 5, "md_1": code}) for i, code in enumerate([1, 2, 2, 3, 9], 1)]
    scores = score(form, forms)
    md1 = next(x for x in scores.expectations if x.question_id == "md_1")
    assert (md1.counted, md1.answered) == (3, 4)
    assert md1.index == 75.0


def test_respondent_structure_and_comments_are_distributions_and_grouped_texts(form):
    forms = [Response("1", {"tc3_1": 5, "gioi_tinh": 1, "y_kien_khac": "Tốt"}),
             Response("2", {"tc3_1": 4, "gioi_tinh": 2, "y_kien_khac": "tốt."}),
             Response("3", {"tc3_1": 4, "gioi_tinh": 2})]
    scores = score(form, forms)
    gender = next(d for d in scores.respondents if d.question_id == "gioi_tinh")
    assert [(r.label, r.count) for r in gender.rows] == [("Nam", 1), ("Nữ", 2)]
    assert round2(gender.rows[1].percent) == 66.67
    assert [(c.text, c.count) for c in scores.comments] == [("Tốt", 2)]


def test_breakdowns_by_field_and_applicant_type_score_each_group_separately(form):
    forms = [Response("1", {"tc3_1": 5}, "Hộ tịch", "ca_nhan"), Response("2", {"tc3_1": 1}, "Hộ tịch",
                                                                         "to_chuc"),
             Response("3", {"tc3_1": 4}, "Đất đai", "ca_nhan")]
    scores = score(form, forms)
    by = {(b.dimension, b.value): b for b in scores.breakdowns}
    assert by[("field", "Hộ tịch")].overall == 50.0
    assert by[("field", "Đất đai")].overall == 100.0
    assert by[("applicant_type", "ca_nhan")].overall == 100.0
    assert by[("applicant_type", "to_chuc")].label == "Tổ chức"
    assert by[("applicant_type", "to_chuc")].forms == 1


def test_a_dimension_nobody_knows_gives_no_breakdown(form):
    scores = score(form, [Response("1", {"tc3_1": 5}), Response("2", {"tc3_1": 4})])
    assert scores.breakdowns == ()


def test_every_output_names_its_rules(form):
    data = score(form, [Response("1", {"tc3_1": 5})]).to_dict()
    ids = [r["id"] for r in data["rules"]]
    assert {"share_satisfied", "exclude", "mean_of_criteria", "mean_of_elements", "rounding"} <= set(ids)
    assert all(r["text"] for r in data["rules"])
    assert "4, 5" in data["rules"][0]["text"]


def test_lowest_criteria_come_first(form):
    forms = [Response("1", {"tc1_1": 1, "tc2_1": 5, "tc3_1": 4}), Response("2", {"tc1_1": 2, "tc2_1": 3,
                                                                                 "tc3_1": 5})]
    low = score(form, forms).lowest_criteria(2)
    assert [c.id for c in low] == ["tc1_1", "tc2_1"]


def test_the_rules_come_from_the_form_file_not_from_code(form):
    # A province that counts only "rất hài lòng" as satisfied changes the file, not the program.
    strict = replace(form, scoring=replace(form.scoring, satisfied_codes=(5,)))
    forms = [Response(str(i), {"tc3_1": code}) for i, code in enumerate(worked_example_codes(), 1)]
    assert score(strict, forms).criterion("tc3_1").index == 40.0


def test_block_indices_and_mean_of_blocks_follow_the_2023_form():
    form = load_form("sipas-2023")
    sc = form.scoring
    assert sc.blocks, "the QĐ 1001 form declares a policy and a service block"
    first_q = {b.id: sc.element(b.elements[0]).criteria[0].questions[0] for b in sc.blocks}
    answers = {qid: (5 if i == 0 else 1) for i, qid in enumerate(first_q.values())}
    scores = score(form, [Response("1", answers)])
    values = {b.id: b.index for b in scores.blocks}
    assert sorted(values.values()) == [0.0, 100.0]
    data = scores.to_dict()
    assert set(data["blocks"]) == {b.id for b in sc.blocks}


def test_a_questionnaire_whose_scoring_leaves_an_element_empty_is_refused_clearly(form):
    empty = replace(form.scoring.elements[0], criteria=())
    broken = replace(form, scoring=replace(form.scoring, elements=(empty, *form.scoring.elements[1:])))
    with pytest.raises(UserError) as err:
        score(broken, [Response("1", {"tc3_1": 5})])
    assert err.value.code == "SCORE_002"
    assert "Tiếp cận dịch vụ hành chính công" in err.value.message


def test_a_questionnaire_without_scoring_rules_is_refused(form):
    with pytest.raises(UserError) as err:
        score(replace(form, scoring=None), [])
    assert err.value.code == "SCORE_001"


def test_rounding_is_half_up_on_the_decimal_value():
    assert round2(86.665) == 86.67
    assert round2(2.675) == 2.68        # binary floats would give 2.67
    assert round2(None) is None
