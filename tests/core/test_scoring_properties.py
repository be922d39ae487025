"""Properties of the indices that must hold for any answers (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipas_desktop.core.forms import load_form
from sipas_desktop.core.scoring import Response, score

FORMS = {name: load_form(name) for name in ("sipas-2017", "sipas-2023")}


def scored_ids(form):
    return sorted({q for e in form.scoring.elements for c in e.criteria for q in c.questions})


def forms_strategy(form, min_size=0):
    value = st.sampled_from([1, 2, 3, 4, 5, 9, 7, None])
    one = st.fixed_dictionaries({q: value for q in scored_ids(form)})
    return st.lists(one, min_size=min_size, max_size=25)


def all_values(scores):
    out = [i.index for i in scores.indices] + [b.index for b in scores.blocks]
    out += [e.index for e in scores.elements] + [c.index for c in scores.criteria]
    out += [x.index for x in scores.expectations]
    return [v for v in out if v is not None]


def keyed(scores):
    values = {("i", i.id): i.exact for i in scores.indices}
    values.update({("b", b.id): b.exact for b in scores.blocks})
    values.update({("e", e.id): e.exact for e in scores.elements})
    values.update({("c", c.id): c.exact for c in scores.criteria})
    return values


def build(answers):
    return [Response(str(n), {k: v for k, v in a.items() if v is not None}) for n, a in enumerate(answers, 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(FORMS)))
def test_every_index_lies_between_0_and_100(data, name):
    form = FORMS[name]
    scores = score(form, build(data.draw(forms_strategy(form))))
    assert all(0 <= v <= 100 for v in all_values(scores))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(FORMS)))
def test_adding_a_fully_satisfied_form_never_lowers_an_index(data, name):
    form = FORMS[name]
    forms = build(data.draw(forms_strategy(form)))
    best = max(form.scoring.satisfied_codes)
    happy = Response("99999", {q: best for q in scored_ids(form)})
    before, after = keyed(score(form, forms)), keyed(score(form, [*forms, happy]))
    for key, value in before.items():
        if value is not None:
            assert after[key] is not None and after[key] >= value, key
    assert all(v == 100 for k, v in after.items() if before[k] is None)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_order_of_the_forms_does_not_change_any_index(data):
    form = FORMS["sipas-2017"]
    forms = build(data.draw(forms_strategy(form, min_size=1)))
    shuffled = data.draw(st.permutations(forms))
    assert keyed(score(form, forms)) == keyed(score(form, shuffled))


def odd_forms_strategy(form):
    """Answers of every type a form can carry, including the ones that compare equal as keys
    (1, 1.0, True) but do not classify alike, lists and tuples, blanks and the no-answer code.
    Mostly plain values, so that the by-value counting is taken and meets the odd ones."""
    plain = st.sampled_from([1, 2, 3, 5, 9, 7, 0, -1, "", " ", "khác", None])
    odd = st.sampled_from([1.0, 2.5, True, False, "3"])
    codes = st.lists(st.sampled_from([1, 2, 3, 9]), max_size=3)
    odd_codes = st.lists(st.sampled_from([1, 2, 9, 1.0, True, "1"]), max_size=3)
    value = st.one_of(plain, plain, plain, plain, odd, codes, codes, codes.map(tuple), odd_codes)
    one = st.fixed_dictionaries({q.id: value for q in form.questions})
    return st.lists(one, min_size=0, max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(FORMS)))
def test_counting_each_distinct_value_once_agrees_with_classifying_each_form(data, name):
    from sipas_desktop.core import scoring

    form = FORMS[name]
    forms = build(data.draw(odd_forms_strategy(form)))
    sc = form.scoring
    for q in form.questions:
        for codes in (None, sc.valid_codes):
            allowed = frozenset(codes if codes is not None else q.codes)
            by_form = scoring._tally_by_form(q, forms, form.no_answer_code, allowed)
            by_value = scoring._tally_by_value(q, forms, form.no_answer_code, allowed)
            if by_value is not None:
                assert +scoring.Counter(by_value[0]) == +scoring.Counter(by_form[0]), q.id
                assert by_value[1] == by_form[1], q.id


def test_plain_answers_are_counted_by_value():
    from sipas_desktop.core import scoring

    form = FORMS["sipas-2023"]
    forms = build([{"c9_01": 4, "c1_quan_tam": [1, 3], "a1_gioi_tinh": 1}, {"c9_01": 9}, {}])
    for qid in ("c9_01", "c1_quan_tam", "a1_gioi_tinh"):
        q = form.question(qid)
        assert scoring._tally_by_value(q, forms, 9, frozenset(q.codes)) is not None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_forms_with_skipped_questions_are_counted_as_skipped_not_blank(data):
    form = FORMS["sipas-2023"]
    skipper = next(q for q in form.questions if q.skip_if)
    cond = skipper.skip_if[0]
    answers = data.draw(st.lists(st.sampled_from([cond.codes[0], None, 99]), min_size=1, max_size=10))
    forms = build([{cond.question: a, form.scoring.elements[0].criteria[0].questions[0]: 4}
                   for a in answers])
    counts = {c.question_id: c for c in score(form, forms, breakdowns=False).question_counts}[skipper.id]
    valid_forms = len(forms)
    assert counts.skipped == sum(1 for a in answers if a == cond.codes[0])
    assert counts.blank == valid_forms - counts.skipped


def test_values_that_are_equal_keys_but_classify_differently_are_not_counted_together():
    from sipas_desktop.core import scoring

    form = FORMS["sipas-2023"]
    cases = {"c9_01": [[4, 4.0, True], [True, 1, 1.0], [1.0, 1]],
             "c1_quan_tam": [[[1], [1.0], [True]], [(1.0,), (1,)], [[True], [1]]]}
    for qid, orders in cases.items():
        q = form.question(qid)
        for values in orders:
            forms = build([{qid: v} for v in values])
            allowed = frozenset(q.codes)
            expected = scoring._tally_by_form(q, forms, 9, allowed)
            got = scoring._tally_by_value(q, forms, 9, allowed) or expected
            assert +scoring.Counter(got[0]) == +scoring.Counter(expected[0]), values
            assert got[1] == expected[1], values
