"""Keyed responses in a real SQLite file: printed ranges, atomic saves, refusals, audited corrections."""

from __future__ import annotations

import pytest

from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry import numbers
from sipas_desktop.core.entry.models import Response, ResponseChange
from sipas_desktop.core.entry.responses import (
    changes,
    correct_response,
    get_response,
    next_free_number,
    next_number_to_key,
    record_issue,
    save_response,
)
from sipas_desktop.core.errors import NotFoundError, UserError
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.forms.validation import check_value, is_skipped, validate_answers

PLAN, UNIT = "KH-2024-TEST", "18352"


def full_2017(value: int = 4) -> dict:
    form = load_form("sipas-2017")
    answers = {q.id: (value if q.type == "scale" else q.codes[0]) for q in form.questions if q.is_choice}
    answers["y_kien_khac"] = "Cần thêm ghế chờ"
    return answers


@pytest.fixture
def printed(app):
    form = load_form("sipas-2017")
    with atomic():
        record_issue(PLAN, UNIT, form, 1, 20, by="Lan")
    return form


def test_check_digits_catch_single_digit_errors_and_adjacent_swaps():
    for number in (1, 90, 123, 4711, 999999):
        text = numbers.format_number(number)
        digits = text.replace("-", "")
        assert numbers.parse_keyed(text).number == number
        assert numbers.parse_keyed(digits.lstrip("0")).number == number
        for i in range(len(digits)):
            for d in "0123456789":
                if d != digits[i]:
                    with pytest.raises(UserError):
                        numbers.parse_keyed(digits[:i] + d + digits[i + 1:])
        for i in range(len(digits) - 1):
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
            if swapped != digits:
                with pytest.raises(UserError):
                    numbers.parse_keyed(swapped)


def test_a_scanned_qr_payload_is_read_even_when_an_input_method_mangles_the_plan_id():
    payload = numbers.qr_payload("KH-2024-AAEE", UNIT, 17)
    read = numbers.parse_keyed(payload)
    assert (read.number, read.unit_code, read.plan_id, read.scanned) == (17, UNIT, "KH-2024-AAEE", True)
    mangled = payload.replace("AAEE", "ÂÊ")         # Unikey Telex on while scanning
    read = numbers.parse_keyed(mangled)
    assert (read.number, read.unit_code, read.plan_id) == (17, UNIT, None)


def test_a_saved_form_is_stored_with_its_audit_row_and_the_next_number_moves_on(printed):
    assert next_number_to_key(PLAN, UNIT) == 1
    info = save_response(PLAN, UNIT, 1, printed, full_2017(), by="Lan", seconds=42.0)
    assert info.status == "keyed" and info.fields == 34 and info.number_text == numbers.format_number(1)
    assert get_response(PLAN, UNIT, 1).answers["tc3_1"] == 4
    assert [c.action for c in changes(PLAN, UNIT, 1)] == ["create"]
    assert next_number_to_key(PLAN, UNIT) == 2
    assert next_free_number(PLAN, UNIT) == 21


@pytest.mark.parametrize("number, code", [(21, "ENTRY_010"), (1, "ENTRY_011")])
def test_a_number_not_printed_or_already_keyed_is_refused(printed, number, code):
    save_response(PLAN, UNIT, 1, printed, full_2017(), by="Lan")
    with pytest.raises(UserError) as caught:
        save_response(PLAN, UNIT, number, printed, full_2017(), by="Lan")
    assert caught.value.code == code
    assert Response.select().count() == 1


def test_a_number_printed_for_another_questionnaire_is_refused(printed):
    short = load_form("xa-rut-gon-2024")
    answers = {q.id: 1 for q in short.questions if q.is_choice}
    with pytest.raises(UserError) as caught:
        save_response(PLAN, UNIT, 3, short, answers, by="Lan")
    assert caught.value.code == "ENTRY_012"


def test_bad_answers_are_refused_with_every_problem_and_nothing_is_written(printed):
    answers = full_2017()
    answers["tc1_1"] = 7
    del answers["tc2_2"]
    with pytest.raises(UserError) as caught:
        save_response(PLAN, UNIT, 2, printed, answers, by="Lan")
    assert {i.code for i in caught.value.issues} == {"RESP_002", "RESP_003"}
    assert {i.column for i in caught.value.issues} == {"tc1_1", "tc2_2"}
    assert Response.select().count() == 0 and ResponseChange.select().count() == 0


def test_no_answer_code_9_is_accepted_and_codes_out_of_range_are_not():
    form = load_form("sipas-2017")
    q = form.question("tc1_1")
    assert check_value(form, q, 9) is None
    assert check_value(form, q, 6).code == "RESP_002"
    assert check_value(form, q, 0).code == "RESP_002"


def test_skip_conditions_skip_and_an_answer_to_a_skipped_question_is_refused():
    form = load_form("sipas-2023")
    q8 = form.question("c8_so_lan")
    assert is_skipped(q8, {"c7_hinh_thuc": 2}) and not is_skipped(q8, {"c7_hinh_thuc": 1})
    answers = {q.id: q.codes[0] for q in form.questions if q.type in ("single", "scale")}
    answers.update(c1_quan_tam=[1, 2], c2_kenh_thong_tin=[3], c6_kenh_gop_y=[], c7_hinh_thuc=2,
                   c8_so_lan=3, a3_dan_toc=1)
    assert [p.code for p in validate_answers(form, answers)] == ["RESP_004"]
    del answers["c8_so_lan"]
    assert validate_answers(form, answers) == []
    answers.update(c7_hinh_thuc=1, c8_so_lan=25)
    assert [p.code for p in validate_answers(form, answers)] == ["RESP_005"]


def test_a_correction_keeps_who_when_old_and_new_for_each_changed_field(printed):
    save_response(PLAN, UNIT, 5, printed, full_2017(), by="Lan")
    answers = full_2017()
    answers["tc3_1"] = 2
    answers["y_kien_khac"] = ""
    info, changed = correct_response(PLAN, UNIT, 5, printed, answers, by="Hùng")
    assert changed == 2 and info.answers["tc3_1"] == 2
    edits = [c for c in changes(PLAN, UNIT, 5) if c.action == "edit"]
    assert {(c.question_id, c.old, c.new, c.user) for c in edits} == {
        ("tc3_1", 4, 2, "Hùng"), ("y_kien_khac", "Cần thêm ghế chờ", "", "Hùng")}


def test_opening_a_number_never_keyed_says_so(printed):
    with pytest.raises(NotFoundError):
        get_response(PLAN, UNIT, 9)


def test_printing_over_printed_numbers_is_refused_but_a_reprint_is_recorded(printed):
    with pytest.raises(UserError) as caught, atomic():
        record_issue(PLAN, UNIT, printed, 15, 30)
    assert caught.value.code == "PRINT_004"
    with atomic():
        record_issue(PLAN, UNIT, printed, 7, 7, kind="reprint")
    assert next_free_number(PLAN, UNIT) == 21
