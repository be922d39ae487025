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
