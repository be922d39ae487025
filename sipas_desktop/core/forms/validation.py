"""Answers checked against a questionnaire: codes in range, required answers, skip conditions.

The same checks serve the entry screen (one field at a time, `check_value`) and whole forms
(keyed, imported from Excel, or resolved after double entry: `validate_answers`). Answer values
follow the conventions in `schema.py`. Problems are `AnswerProblem(question, code, message)` with
stable codes RESP_0NN; callers add the place (sheet, row, column) when they come from a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sipas_desktop.core.forms.schema import Answer, Form, Question

# code → short description (English; listed in docs/forms.md)
ANSWER_CODES = {
    "RESP_001": "answer to a question the form does not have",
    "RESP_002": "code is not one of the question's codes",
    "RESP_003": "required answer missing",
    "RESP_004": "answer given to a question that the skip conditions skip",
    "RESP_005": "number outside min–max",
    "RESP_006": "not a whole number",
    "RESP_007": "text too long",
    "RESP_008": "more codes ticked than max_choices",
    "RESP_009": "value of the wrong kind for the question type",
}


@dataclass(frozen=True)
class AnswerProblem:
    question: str
    code: str
    message: str


def is_skipped(question: Question, answers: Mapping[str, Any]) -> bool:
    """True when a skip condition of `question` holds for the answers given so far."""
    for cond in question.skip_if:
        value = answers.get(cond.question)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            if any(v in cond.codes for v in value):
                return True
        elif value in cond.codes:
            return True
    return False


def active_questions(form: Form, answers: Mapping[str, Any]) -> list[Question]:
    """The questions to key, in paper order, given the answers (skipped ones left out)."""
    return [q for q in form.questions if not is_skipped(q, answers)]


def check_value(form: Form, question: Question, value: Answer) -> AnswerProblem | None:
    """One answer on its own (range, kind); None if it is acceptable."""
    qid, na = question.id, form.no_answer_code

    def bad(code: str, message: str) -> AnswerProblem:
        return AnswerProblem(qid, code, message)

    if question.type in ("single", "scale"):
        if not isinstance(value, int) or isinstance(value, bool):
            return bad("RESP_009", f"câu {question.number} cần một mã số, không phải “{value}”")
        if value != na and value not in question.codes:
            return bad("RESP_002", f"câu {question.number}: mã {value} không có (chỉ được "
                       f"{_codes_text(question)} hoặc {na} = {form.no_answer_label.lower()})")
    elif question.type == "multiple":
        if not isinstance(value, list | tuple) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            return bad("RESP_009", f"câu {question.number} cần danh sách mã, không phải “{value}”")
        wrong = [v for v in value if v not in question.codes]
        if wrong:
            return bad("RESP_002", f"câu {question.number}: mã {', '.join(map(str, wrong))} không có "
                       f"(chỉ được {_codes_text(question)})")
        if question.max_choices is not None and len(set(value)) > question.max_choices:
            return bad("RESP_008", f"câu {question.number}: chọn {len(set(value))} ô, tối đa "
                       f"{question.max_choices}")
    elif question.type == "integer":
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            return bad("RESP_006", f"câu {question.number}: “{value}” không phải số nguyên")
        if (question.min is not None and value < question.min) or \
                (question.max is not None and value > question.max):
            return bad("RESP_005", f"câu {question.number}: {value} nằm ngoài khoảng "
                       f"{question.min if question.min is not None else '…'}–"
                       f"{question.max if question.max is not None else '…'}")
    elif question.type == "text":
        if not isinstance(value, str):
            return bad("RESP_009", f"câu {question.number} cần chữ, không phải “{value}”")
        if question.max_length is not None and len(value) > question.max_length:
            return bad("RESP_007", f"câu {question.number}: dài {len(value)} ký tự, tối đa "
                       f"{question.max_length}")
    return None


def validate_answers(form: Form, answers: Mapping[str, Any]) -> list[AnswerProblem]:
    """Every problem of a whole form's answers, in paper order."""
    problems: list[AnswerProblem] = []
    for qid in answers:
        if not form.has_question(qid):
            problems.append(AnswerProblem(qid, "RESP_001", f"phiếu {form.id} không có câu “{qid}”"))
    for question in form.questions:
        present = question.id in answers
        if is_skipped(question, answers):
            if present and not _empty(answers[question.id]):
                problems.append(AnswerProblem(question.id, "RESP_004", f"câu {question.number} phải "
                                              "bỏ qua theo điều kiện nhưng lại có trả lời"))
            continue
        if not present:
            if question.required:
                problems.append(AnswerProblem(question.id, "RESP_003", f"câu {question.number} chưa có "
                                              "trả lời (nếu bỏ trống, nhập “không trả lời”)"))
            continue
        problem = check_value(form, question, answers[question.id])
        if problem:
            problems.append(problem)
    return problems


def clean_answers(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers in paper order, skipped questions dropped, multiple choices sorted."""
    out: dict[str, Any] = {}
    for question in form.questions:
        if question.id not in answers or is_skipped(question, out):
            continue
        value = answers[question.id]
        if question.type == "multiple" and isinstance(value, list | tuple):
            value = sorted(set(value))
        out[question.id] = value
    return out


def field_count(form: Form, answers: Mapping[str, Any]) -> int:
    """Fields keyed for a form: the questions not skipped (used in the per-clerk report)."""
    return len(active_questions(form, answers))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _codes_text(question: Question) -> str:
    codes = question.codes
    if codes and list(codes) == list(range(codes[0], codes[-1] + 1)) and len(codes) > 2:
        return f"{codes[0]}–{codes[-1]}"
    return ", ".join(map(str, codes))
