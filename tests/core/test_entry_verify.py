"""Double entry: blind second keying, mismatches, resolution from paper, per-clerk report."""

from __future__ import annotations

import pytest

from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry import verify
from sipas_desktop.core.entry.models import Mismatch
from sipas_desktop.core.entry.responses import changes, get_response, record_issue, save_response
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import load_form

PLAN, UNIT = "KH-2024-TEST", "18352"


def answers_2017(**overrides) -> dict:
    form = load_form("sipas-2017")
    answers = {q.id: (4 if q.type == "scale" else q.codes[0]) for q in form.questions if q.is_choice}
    answers.update(overrides)
    return answers


@pytest.fixture
def form(app):
    form = load_form("sipas-2017")
    with atomic():
        record_issue(PLAN, UNIT, form, 1, 50)
    return form


def test_identical_second_keying_verifies_the_form(form):
    save_response(PLAN, UNIT, 1, form, answers_2017(), by="Lan", seconds=60)
    result = verify.save_verification(PLAN, UNIT, 1, form, answers_2017(), by="Hùng", seconds=50)
    assert result.matched and result.fields == 34
    assert get_response(PLAN, UNIT, 1).status == "verified"
    with pytest.raises(UserError) as caught:
        verify.save_verification(PLAN, UNIT, 1, form, answers_2017(), by="Hùng")
    assert caught.value.code == "ENTRY_031"


def test_a_mismatch_is_flagged_and_resolved_by_the_paper_value_not_by_either_entry(form):
    save_response(PLAN, UNIT, 2, form, answers_2017(tc1_1=5, tc3_2=4), by="Lan", seconds=60)
    result = verify.save_verification(PLAN, UNIT, 2, form, answers_2017(tc1_1=4, tc3_2=2), by="Hùng",
                                      seconds=55)
    assert [(m.question_id, m.first, m.second) for m in result.mismatches] == [
        ("tc1_1", 5, 4), ("tc3_2", 4, 2)]
    assert get_response(PLAN, UNIT, 2).status == "mismatch"
    assert verify.forms_with_mismatches(PLAN, UNIT) == [2]
    assert verify.fields_to_resolve(form, PLAN, UNIT, 2) == ["tc1_1", "tc3_2"]
    with pytest.raises(UserError) as caught:
        verify.resolve(PLAN, UNIT, 2, form, {"tc1_1": 4}, by="Mai")
    assert caught.value.code == "ENTRY_033"
    resolved = verify.resolve(PLAN, UNIT, 2, form, {"tc1_1": 4, "tc3_2": 3}, by="Mai")
    assert resolved["tc1_1"] == 4 and resolved["tc3_2"] == 3   # paper said 3: neither entry
    info = get_response(PLAN, UNIT, 2)
    assert info.status == "verified" and info.answers["tc3_2"] == 3
    audit = {(c.question_id, c.old, c.new, c.user) for c in changes(PLAN, UNIT, 2) if c.action == "resolve"}
    assert audit == {("tc1_1", 5, 4, "Mai"), ("tc3_2", 4, 3, "Mai")}
    assert all(m.paper is not None for m in Mismatch.select())


def test_the_clerk_report_counts_forms_fields_mismatches_errors_and_speed(form):
    save_response(PLAN, UNIT, 3, form, answers_2017(tc1_1=5), by="Lan", seconds=60)
    verify.save_verification(PLAN, UNIT, 3, form, answers_2017(tc1_1=4), by="Hùng", seconds=60)
    verify.resolve(PLAN, UNIT, 3, form, {"tc1_1": 4}, by="Mai")     # Lan was wrong
    save_response(PLAN, UNIT, 4, form, answers_2017(), by="Lan", seconds=120)
    report = {s.clerk: s for s in verify.clerk_report(PLAN, UNIT)}
    lan, hung = report["Lan"], report["Hùng"]
    assert (lan.forms, lan.fields, lan.checked_fields, lan.mismatches, lan.errors) == (2, 68, 34, 1, 1)
    assert lan.errors_per_1000 == pytest.approx(1000 / 34)
    assert lan.forms_per_hour == pytest.approx(2 * 3600 / 180)
    assert (hung.forms_second, hung.errors, hung.errors_per_1000) == (1, 0, 0)
    assert hung.to_dict()["forms_per_hour"] == 60.0


def test_a_share_of_forms_is_chosen_for_verification_reproducibly(form):
    for n in range(1, 51):
        save_response(PLAN, UNIT, n, form, answers_2017(), by="Lan")
    verify.set_verify_share(20)
    chosen = verify.pending_verification(PLAN, UNIT)
    assert chosen == verify.pending_verification(PLAN, UNIT)
    assert 3 <= len(chosen) <= 20
    verify.set_verify_share(100)
    assert verify.pending_verification(PLAN, UNIT) == list(range(1, 51))
    with pytest.raises(UserError):
        verify.set_verify_share(120)


def test_resolving_a_skip_question_drops_the_mismatch_it_makes_moot(app):
    form = load_form("sipas-2023")
    with atomic():
        record_issue(PLAN, UNIT, form, 1, 5)
    base = {q.id: q.codes[0] for q in form.questions if q.type in ("single", "scale")}
    base.update(c1_quan_tam=[1], c2_kenh_thong_tin=[1], c6_kenh_gop_y=[2], a3_dan_toc=1)
    first = dict(base, c7_hinh_thuc=2)                      # online: câu 8 skipped
    second = dict(base, c7_hinh_thuc=1, c8_so_lan=2)
    save_response(PLAN, UNIT, 1, form, first, by="Lan")
    result = verify.save_verification(PLAN, UNIT, 1, form, second, by="Hùng")
    assert [m.question_id for m in result.mismatches] == ["c7_hinh_thuc", "c8_so_lan"]
    assert verify.fields_to_resolve(form, PLAN, UNIT, 1, {"c7_hinh_thuc": 2}) == []
    resolved = verify.resolve(PLAN, UNIT, 1, form, {"c7_hinh_thuc": 2}, by="Mai")
    assert resolved["c7_hinh_thuc"] == 2 and "c8_so_lan" not in resolved
