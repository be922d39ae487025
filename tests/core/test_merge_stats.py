"""Pooled index, mean of units and ranking: exact, and equal to scoring all forms at once."""

from __future__ import annotations

from fractions import Fraction

import pytest

from sipas_desktop.core.forms import load_form
from sipas_desktop.core.merge_stats import mean_of_units, pool, rank
from sipas_desktop.core.scoring import Response, score
from tests.core import merge_data as md


@pytest.mark.parametrize("form_id", ["xa-rut-gon-2024", "sipas-2017", "sipas-2023"])
def test_the_pooled_scores_equal_scoring_every_form_together(form_id):
    form = load_form(form_id)
    units = [md.responses(form, n, seed=seed, satisfaction=s)
             for n, seed, s in ((30, 1, 0.9), (7, 2, 0.4), (55, 3, 0.7), (1, 4, 0.2))]
    parts = [score(form, forms, breakdowns=False) for forms in units]
    pooled = pool(form, parts)
    direct = score(form, [r for forms in units for r in forms], breakdowns=False)
    assert [i.exact for i in pooled.indices] == [i.exact for i in direct.indices]
    assert [b.exact for b in pooled.blocks] == [b.exact for b in direct.blocks]
    assert [e.exact for e in pooled.elements] == [e.exact for e in direct.elements]
    def figures(c):
        return c.exact, c.valid, c.satisfied, c.distribution, c.blank + c.no_answer

    assert [figures(c) for c in pooled.criteria] == [figures(c) for c in direct.criteria]
    assert [(x.exact, x.answered) for x in pooled.expectations] == \
        [(x.exact, x.answered) for x in direct.expectations]
    assert [[(r.code, r.count) for r in d.rows] for d in pooled.respondents] == \
        [[(r.code, r.count) for r in d.rows] for d in direct.respondents]
    assert pooled.valid_forms == direct.valid_forms and pooled.total_forms == direct.total_forms
    assert sorted((r.label, r.count) for r in pooled.applicant_types) == \
        sorted((r.label, r.count) for r in direct.applicant_types)


def test_the_worked_example_pools_to_86_67_percent():
    # SIPAS.md §5: 60 × 5, 70 × 4, 15 × 3, 3 × 2, 2 × 1 → 130 / 150, split over two units.
    form = load_form("xa-rut-gon-2024")
    qid = form.scoring.elements[0].criteria[0].questions[0]
    codes = [5] * 60 + [4] * 70 + [3] * 15 + [2] * 3 + [1] * 2
    unit_a = [Response(str(i), {qid: c}) for i, c in enumerate(codes[:80], 1)]
    unit_b = [Response(str(i), {qid: c}) for i, c in enumerate(codes[80:], 1)]
    pooled = pool(form, [score(form, unit_a, breakdowns=False), score(form, unit_b, breakdowns=False)])
    assert pooled.criteria[0].exact == Fraction(100 * 130, 150)
    assert round(pooled.criteria[0].index, 2) == 86.67


def test_the_mean_of_units_weighs_every_unit_the_same_whatever_its_size():
    form = load_form("xa-rut-gon-2024")
    qid = form.scoring.elements[0].criteria[0].questions[0]
    big = [Response(str(i), {qid: 5}) for i in range(1, 101)]       # 100 % from 100 forms
    small = [Response("1", {qid: 1})]                                 # 0 % from one form
    parts = [score(form, big, breakdowns=False), score(form, small, breakdowns=False)]
    assert mean_of_units(parts).criteria[form.scoring.elements[0].criteria[0].id] == 50.0
    assert pool(form, parts).criteria[0].exact == Fraction(10000, 101)


def test_ranking_shares_a_rank_on_equal_printed_values_and_skips_units_without_an_index():
    ranks = rank([("a", "Xã A", 80.0), ("b", "Xã Bình", 91.004), ("c", "Xã Cẩm", 90.996),
                  ("d", "Xã Đông", None), ("e", "Xã Én", 70.0)])
    assert ranks == {"b": 1, "c": 1, "a": 3, "e": 4, "d": None}


def test_breakdowns_under_the_scorers_counts_memo_equal_scoring_each_subset_alone():
    # score() memoises per-question counts within one call (the merge's speed); subsets built for
    # the breakdowns must never be served another list's counts.
    from sipas_desktop.core.scoring import filter_responses

    form = load_form("sipas-2017")
    forms = md.responses(form, 80, seed=11, satisfaction=0.7)
    full = score(form, forms)
    assert full.breakdowns
    for b in full.breakdowns:
        subset = filter_responses(forms, **{b.dimension: b.value})
        alone = score(form, subset, breakdowns=False)
        assert b.overall == alone.overall and dict(b.criteria) == {c.id: c.index for c in alone.criteria}
    assert [q.valid for q in full.question_counts] == \
        [q.valid for q in score(form, forms, breakdowns=False).question_counts]
