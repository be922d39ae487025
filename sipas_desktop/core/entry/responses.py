"""Keyed responses: the printed number ranges, saving a form (atomic, audited), correcting it.

A response is identified by (plan id, unit code, form number). Keying refuses a number that was
never printed for this plan and unit, one printed for another questionnaire, and one already
keyed. Every write is one transaction: the response and its audit rows land together or not at
all. Corrections record each changed field (who, when, old, new) in `ResponseChange`.

The plan id is `Plan.plan_id` (core/plans.py) or "" when forms were printed without a plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import peewee

from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry.models import IssuedRange, Response, ResponseChange
from sipas_desktop.core.entry.numbers import MAX_NUMBER, format_number
from sipas_desktop.core.errors import Issue, NotFoundError, UserError
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.forms.validation import AnswerProblem, clean_answers, field_count, validate_answers
from sipas_desktop.core.text import nfc

STATUS_LABELS = {"keyed": "Đã nhập", "mismatch": "Hai lần nhập khác nhau", "verified": "Đã kiểm tra"}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class IssuedInfo:
    first: int
    last: int
    form_id: str
    form_version: str
    kind: str
    printed_at: datetime
    printed_by: str
    file: str

    @property
    def count(self) -> int:
        return self.last - self.first + 1


@dataclass(frozen=True)
class ResponseInfo:
    plan_id: str
    unit_code: str
    number: int
    form_id: str
    form_version: str
    answers: dict[str, Any] = field(hash=False)
    status: str
    source: str
    keyed_by: str
    keyed_at: datetime
    seconds: float | None
    fields: int

    @property
    def number_text(self) -> str:
        return format_number(self.number)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class ChangeInfo:
    at: datetime
    user: str
    action: str
    question_id: str
    old: Any
    new: Any


def _info(row: Response) -> ResponseInfo:
    return ResponseInfo(row.plan_id, row.unit_code, row.number, row.form_id, row.form_version,
                        json.loads(row.answers), row.status, row.source, row.keyed_by, row.keyed_at,
                        row.seconds, row.fields)


def problems_error(problems: list[AnswerProblem], number: int) -> UserError:
    issues = [Issue(p.code, p.message, column=p.question) for p in problems]
    more = f" (và {len(problems) - 1} lỗi khác)" if len(problems) > 1 else ""
    return UserError(f"Phiếu số {format_number(number)}: {problems[0].message}{more}. Chưa lưu.",
                     code=problems[0].code, issues=issues)


# --- printed ranges ---------------------------------------------------------------------------

def record_issue(plan_id: str, unit_code: str, form: Form, first: int, last: int, *, kind: str = "print",
                 by: str = "", file: str = "") -> IssuedInfo:
    """Remember that numbers first…last were printed (call inside the print's transaction)."""
    if not 1 <= first <= last <= MAX_NUMBER:
        raise UserError(f"Số phiếu phải từ 1 đến {MAX_NUMBER}.", code="PRINT_002")
    if kind == "print":
        for other in issued_ranges(plan_id, unit_code):
            if other.kind == "print" and other.first <= last and first <= other.last:
                raise UserError(f"Số {format_number(max(first, other.first))} đã in ngày "
                                f"{other.printed_at:%d/%m/%Y}; muốn in lại một số, hãy dùng “in lại”.",
                                code="PRINT_004")
    row = IssuedRange.create(plan_id=plan_id, unit_code=unit_code, form_id=form.id,
                             form_version=form.version, first=first, last=last, kind=kind,
                             printed_by=by, file=file)
    return _issued(row)


def _issued(row: IssuedRange) -> IssuedInfo:
    return IssuedInfo(row.first, row.last, row.form_id, row.form_version, row.kind, row.printed_at,
                      row.printed_by, row.file)


def issued_ranges(plan_id: str, unit_code: str) -> list[IssuedInfo]:
    rows = (IssuedRange.select()
            .where((IssuedRange.plan_id == plan_id) & (IssuedRange.unit_code == unit_code))
            .order_by(IssuedRange.first, IssuedRange.id))
    return [_issued(r) for r in rows]


def next_free_number(plan_id: str, unit_code: str) -> int:
    """The first number after everything printed so far (1 for the first print)."""
    printed = [r.last for r in issued_ranges(plan_id, unit_code) if r.kind == "print"]
    return max(printed, default=0) + 1


def issued_form(plan_id: str, unit_code: str, number: int) -> tuple[str, str] | None:
    """(form id, version) the number was printed for, or None if it was never printed."""
    row = (IssuedRange.select()
           .where((IssuedRange.plan_id == plan_id) & (IssuedRange.unit_code == unit_code)
                  & (IssuedRange.kind == "print") & (IssuedRange.first <= number)
                  & (IssuedRange.last >= number))
           .order_by(IssuedRange.id.desc()).first())
    return (row.form_id, row.form_version) if row else None


def check_new_number(plan_id: str, unit_code: str, number: int, form: Form, *,
                     allow_unprinted: bool = False) -> None:
    """Refuse a number not printed here, printed for another questionnaire, or already keyed."""
    text = format_number(number)
    printed = issued_form(plan_id, unit_code, number)
    if printed is None and not allow_unprinted:
        ranges = [r for r in issued_ranges(plan_id, unit_code) if r.kind == "print"]
        where = ", ".join(f"{format_number(r.first)} – {format_number(r.last)}" for r in ranges) or "chưa in"
        raise UserError(f"Phiếu số {text} không có trong các số đã in cho đơn vị này ({where}).",
                        code="ENTRY_010")
    if printed is not None and printed != (form.id, form.version):
        raise UserError(f"Phiếu số {text} được in cho mẫu phiếu {printed[0]} (phiên bản {printed[1]}), "
                        f"không phải {form.id} (phiên bản {form.version}).", code="ENTRY_012")
    existing = Response.get_or_none((Response.plan_id == plan_id) & (Response.unit_code == unit_code)
                                    & (Response.number == number))
    if existing is not None:
        raise UserError(f"Phiếu số {text} đã nhập lúc {existing.keyed_at:%H:%M %d/%m/%Y}"
                        f"{' bởi ' + existing.keyed_by if existing.keyed_by else ''}; muốn sửa, hãy mở "
                        "phiếu đã nhập.", code="ENTRY_011")


def keyed_numbers(plan_id: str, unit_code: str) -> set[int]:
    query = Response.select(Response.number).where((Response.plan_id == plan_id)
                                                  & (Response.unit_code == unit_code)).tuples()
    return {number for (number,) in query}


def next_number_to_key(plan_id: str, unit_code: str) -> int | None:
    """The smallest printed number not keyed yet (offered first on the entry screen)."""
    keyed = keyed_numbers(plan_id, unit_code)
    for r in issued_ranges(plan_id, unit_code):
        if r.kind != "print":
            continue
        for number in range(r.first, r.last + 1):
            if number not in keyed:
                return number
    return None


# --- responses --------------------------------------------------------------------------------

def _normalise(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    return {k: nfc(v) if isinstance(v, str) else v for k, v in clean_answers(form, answers).items()}


def save_response(plan_id: str, unit_code: str, number: int, form: Form, answers: Mapping[str, Any], *,
                  by: str = "", seconds: float | None = None, source: str = "keyed",
                  allow_unprinted: bool = False) -> ResponseInfo:
    """Check and store a keyed form and its audit row in one transaction."""
    problems = validate_answers(form, answers)
    if problems:
        raise problems_error(problems, number)
    clean = _normalise(form, answers)
    with atomic():
        check_new_number(plan_id, unit_code, number, form, allow_unprinted=allow_unprinted)
        now = datetime.now()
        row = Response.create(plan_id=plan_id, unit_code=unit_code, number=number, form_id=form.id,
                              form_version=form.version, answers=dumps(clean), source=source,
                              keyed_by=by, keyed_at=now, seconds=seconds,
                              fields=field_count(form, clean), updated_at=now, updated_by=by)
        ResponseChange.create(plan_id=plan_id, unit_code=unit_code, number=number, at=now, user=by,
                              action="create" if source == "keyed" else "import", new=dumps(clean))
    return _info(row)


def _row(plan_id: str, unit_code: str, number: int) -> Response:
    row = Response.get_or_none((Response.plan_id == plan_id) & (Response.unit_code == unit_code)
                               & (Response.number == number))
    if row is None:
        raise NotFoundError(f"Phiếu số {format_number(number)} chưa được nhập.", code="ENTRY_020")
    return row


def get_response(plan_id: str, unit_code: str, number: int) -> ResponseInfo:
    return _info(_row(plan_id, unit_code, number))


def list_responses(plan_id: str, unit_code: str) -> list[ResponseInfo]:
    rows = (Response.select().where((Response.plan_id == plan_id) & (Response.unit_code == unit_code))
            .order_by(Response.number))
    return [_info(r) for r in rows]


def count_responses(plan_id: str, unit_code: str) -> dict[str, int]:
    query = (Response.select(Response.status, peewee.fn.COUNT(Response.id).alias("n"))
             .where((Response.plan_id == plan_id) & (Response.unit_code == unit_code))
             .group_by(Response.status))
    return {r.status: r.n for r in query}


def write_changes(row: Response, old: Mapping[str, Any], new: Mapping[str, Any], *, by: str,
                  action: str, form: Form) -> int:
    """Audit rows for every field whose value changed; returns how many."""
    now = datetime.now()
    changed = 0
    for q in form.questions:
        before, after = old.get(q.id), new.get(q.id)
        if (q.id in old) != (q.id in new) or before != after:
            ResponseChange.create(plan_id=row.plan_id, unit_code=row.unit_code, number=row.number, at=now,
                                  user=by, action=action, question_id=q.id,
                                  old=dumps(before) if q.id in old else None,
                                  new=dumps(after) if q.id in new else None)
            changed += 1
    return changed


def correct_response(plan_id: str, unit_code: str, number: int, form: Form, answers: Mapping[str, Any], *,
                     by: str = "") -> tuple[ResponseInfo, int]:
    """Replace a keyed form's answers after checking them; every changed field goes to the audit."""
    problems = validate_answers(form, answers)
    if problems:
        raise problems_error(problems, number)
    clean = _normalise(form, answers)
    with atomic():
        row = _row(plan_id, unit_code, number)
        if (row.form_id, row.form_version) != (form.id, form.version):
            raise UserError(f"Phiếu số {format_number(number)} được nhập theo mẫu {row.form_id} "
                            f"{row.form_version}, không sửa bằng mẫu {form.id} {form.version}.",
                            code="ENTRY_021")
        old = json.loads(row.answers)
        changed = write_changes(row, old, clean, by=by, action="edit", form=form)
        if changed:
            row.answers, row.updated_at, row.updated_by = dumps(clean), datetime.now(), by
            row.fields = field_count(form, clean)
            row.save()
    return _info(row), changed


def changes(plan_id: str, unit_code: str, number: int) -> list[ChangeInfo]:
    rows = (ResponseChange.select()
            .where((ResponseChange.plan_id == plan_id) & (ResponseChange.unit_code == unit_code)
                   & (ResponseChange.number == number))
            .order_by(ResponseChange.at, ResponseChange.id))
    return [ChangeInfo(r.at, r.user, r.action, r.question_id,
                       json.loads(r.old) if r.old is not None else None,
                       json.loads(r.new) if r.new is not None else None) for r in rows]
