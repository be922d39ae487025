"""Double entry: a second clerk keys a form blind; differences are resolved from the paper.

The second keying never sees the first. Every field whose two values differ becomes a
`Mismatch`. A third person then keys, for each mismatched field, the value on the paper; that
value — never simply one of the two entries — goes into the response, with an audit row.
Knowing the paper value tells who erred, which feeds the per-clerk report (forms, fields,
mismatches, errors per 1,000 fields, forms per hour).

Which forms to verify: all (100 %) or a share chosen by a stable hash of (plan, unit, number),
so the choice is random-like, reproducible and needs no stored state.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee

from sipas_desktop.core import settings
from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry.models import Mismatch, Response, Verification
from sipas_desktop.core.entry.numbers import format_number
from sipas_desktop.core.entry.responses import _row, dumps, problems_error, write_changes
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.forms.validation import clean_answers, field_count, is_skipped, validate_answers

SHARE_KEY = "entry.verify_share"
ABSENT = object()


@dataclass(frozen=True)
class MismatchInfo:
    question_id: str
    first: Any          # None when the question had no answer in that keying
    second: Any
    paper: Any = None
    resolved: bool = False


@dataclass(frozen=True)
class VerificationResult:
    number: int
    fields: int
    mismatches: tuple[MismatchInfo, ...]

    @property
    def matched(self) -> bool:
        return not self.mismatches


@dataclass(frozen=True)
class ClerkStats:
    clerk: str
    forms_first: int          # forms keyed first
    forms_second: int         # forms keyed blind for verification
    fields: int               # fields keyed (both kinds)
    checked_fields: int       # of those, fields in forms that went through double entry
    mismatches: int           # mismatched fields in forms this clerk keyed
    errors: int               # mismatches resolved against this clerk's value
    pending: int              # mismatches not yet resolved
    seconds: float            # time spent keying (forms with a measured time)
    timed_forms: int

    @property
    def forms(self) -> int:
        return self.forms_first + self.forms_second

    @property
    def errors_per_1000(self) -> float | None:
        return 1000 * self.errors / self.checked_fields if self.checked_fields else None

    @property
    def forms_per_hour(self) -> float | None:
        return self.timed_forms * 3600 / self.seconds if self.seconds > 0 else None

    def to_dict(self) -> dict[str, Any]:
        return {"clerk": self.clerk, "forms": self.forms, "forms_first": self.forms_first,
                "forms_second": self.forms_second, "fields": self.fields,
                "checked_fields": self.checked_fields, "mismatches": self.mismatches,
                "errors": self.errors, "pending": self.pending,
                "errors_per_1000_fields": _round(self.errors_per_1000),
                "forms_per_hour": _round(self.forms_per_hour)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- which forms ------------------------------------------------------------------------------

def verify_share() -> int:
    """Percentage of forms to key twice (100 by default)."""
    try:
        return max(0, min(100, int(settings.get(SHARE_KEY, "100") or 100)))
    except ValueError:
        return 100


def set_verify_share(percent: int) -> None:
    if not 0 <= percent <= 100:
        raise UserError("Tỷ lệ phiếu nhập kiểm tra phải từ 0 đến 100 %.", code="ENTRY_030")
    settings.put(SHARE_KEY, str(percent))


def selected(plan_id: str, unit_code: str, number: int, share: int | None = None) -> bool:
    share = verify_share() if share is None else share
    if share >= 100:
        return True
    digest = hashlib.sha256(f"{plan_id}|{unit_code}|{number}".encode()).hexdigest()
    return int(digest[:8], 16) % 10000 < share * 100


def pending_verification(plan_id: str, unit_code: str, share: int | None = None) -> list[int]:
    """Keyed numbers chosen for double entry and not yet keyed a second time."""
    share = verify_share() if share is None else share
    rows = (Response.select(Response.number)
            .join(Verification, peewee.JOIN.LEFT_OUTER, on=(Verification.response == Response.id))
            .where((Response.plan_id == plan_id) & (Response.unit_code == unit_code)
                   & (Response.source == "keyed") & Verification.id.is_null())
            .order_by(Response.number))
    return [r.number for r in rows if selected(plan_id, unit_code, r.number, share)]


def check_verify_number(plan_id: str, unit_code: str, number: int) -> None:
    """Refuse a number not keyed yet or already verified."""
    row = _row(plan_id, unit_code, number)
    if Verification.get_or_none(Verification.response == row.id) is not None:
        raise UserError(f"Phiếu số {format_number(number)} đã được nhập kiểm tra rồi.", code="ENTRY_031")


# --- second keying ----------------------------------------------------------------------------

def compare(form: Form, first: Mapping[str, Any], second: Mapping[str, Any]) -> list[MismatchInfo]:
    out = []
    for q in form.questions:
        a, b = first.get(q.id, ABSENT), second.get(q.id, ABSENT)
        if a != b:
            out.append(MismatchInfo(q.id, None if a is ABSENT else a, None if b is ABSENT else b))
    return out


def save_verification(plan_id: str, unit_code: str, number: int, form: Form, answers: Mapping[str, Any],
                      *, by: str = "", seconds: float | None = None) -> VerificationResult:
    """Store the blind second keying and its mismatches (one transaction)."""
    problems = validate_answers(form, answers)
    if problems:
        raise problems_error(problems, number)
    second = clean_answers(form, answers)
    with atomic():
        row = _row(plan_id, unit_code, number)
        check_verify_number(plan_id, unit_code, number)
        if (row.form_id, row.form_version) != (form.id, form.version):
            raise UserError(f"Phiếu số {format_number(number)} được nhập theo mẫu {row.form_id} "
                            f"{row.form_version}.", code="ENTRY_021")
        first = json.loads(row.answers)
        found = compare(form, first, second)
        fields = field_count(form, second)
        ver = Verification.create(response=row, answers=dumps(second), keyed_by=by, seconds=seconds,
                                  fields=fields, mismatches=len(found), resolved=not found)
        for m in found:
            Mismatch.create(verification=ver, question_id=m.question_id, first=dumps(m.first),
                            second=dumps(m.second))
        row.status = "mismatch" if found else "verified"
        row.save()
    return VerificationResult(number, fields, tuple(found))


def _mismatch_rows(plan_id: str, unit_code: str, number: int) -> tuple[Response, Verification | None]:
    row = _row(plan_id, unit_code, number)
    return row, Verification.get_or_none(Verification.response == row.id)


def mismatches(plan_id: str, unit_code: str, number: int) -> list[MismatchInfo]:
    _, ver = _mismatch_rows(plan_id, unit_code, number)
    if ver is None:
        return []
    return [MismatchInfo(m.question_id, json.loads(m.first), json.loads(m.second),
                         json.loads(m.paper) if m.paper is not None else None, m.paper is not None)
            for m in Mismatch.select().where(Mismatch.verification == ver).order_by(Mismatch.id)]


def forms_with_mismatches(plan_id: str, unit_code: str) -> list[int]:
    rows = (Response.select(Response.number)
            .where((Response.plan_id == plan_id) & (Response.unit_code == unit_code)
                   & (Response.status == "mismatch")).order_by(Response.number))
    return [r.number for r in rows]


def fields_to_resolve(form: Form, plan_id: str, unit_code: str, number: int,
                      paper_so_far: Mapping[str, Any] | None = None) -> list[str]:
    """Mismatched question ids still to key from paper, in paper order, skipping those the paper
    values keyed so far make skipped (a resolved skip question can make a later one moot)."""
    row = _row(plan_id, unit_code, number)
    open_ids = [m.question_id for m in mismatches(plan_id, unit_code, number) if not m.resolved]
    merged = {**json.loads(row.answers), **(paper_so_far or {})}
    done = paper_so_far or {}
    return [q.id for q in form.questions
            if q.id in open_ids and q.id not in done and not is_skipped(q, merged)]


def resolve(plan_id: str, unit_code: str, number: int, form: Form, paper: Mapping[str, Any], *,
            by: str = "") -> dict[str, Any]:
    """Apply the paper values of every mismatched field; the response becomes verified.

    `paper` maps each mismatched question id to the value on paper; a question the paper values
    make skipped may be left out. Returns the resolved answers.
    """
    with atomic():
        row, ver = _mismatch_rows(plan_id, unit_code, number)
        if ver is None or row.status != "mismatch":
            raise UserError(f"Phiếu số {format_number(number)} không có chỗ khác nhau cần đối chiếu.",
                            code="ENTRY_032")
        first = json.loads(row.answers)
        resolved = dict(first)
        rows = list(Mismatch.select().where((Mismatch.verification == ver) & Mismatch.paper.is_null()))
        for m in rows:
            if m.question_id in paper:
                value = paper[m.question_id]
                if value is None and not form.question(m.question_id).type == "integer":
                    resolved.pop(m.question_id, None)
                else:
                    resolved[m.question_id] = value
        resolved = clean_answers(form, resolved)
        missing = [m.question_id for m in rows if m.question_id not in paper
                   and not is_skipped(form.question(m.question_id), resolved)]
        if missing:
            raise UserError(f"Chưa nhập giá trị trên giấy cho câu {form.question(missing[0]).number}.",
                            code="ENTRY_033")
        problems = validate_answers(form, resolved)
        if problems:
            raise problems_error(problems, number)
        now = datetime.now()
        for m in rows:
            value = resolved.get(m.question_id)
            Mismatch.update(paper=dumps(value), resolved_by=by, resolved_at=now).where(
                Mismatch.id == m.id).execute()
        write_changes(row, first, resolved, by=by, action="resolve", form=form)
        row.answers, row.status, row.updated_at, row.updated_by = dumps(resolved), "verified", now, by
        row.fields = field_count(form, resolved)
        row.save()
        ver.resolved = True
        ver.save()
    return resolved


# --- report -----------------------------------------------------------------------------------

def clerk_report(plan_id: str | None = None, unit_code: str | None = None) -> list[ClerkStats]:
    """Per clerk: forms, fields, mismatches, errors per 1,000 checked fields, forms per hour."""
    stats: dict[str, dict[str, float]] = {}

    def bump(clerk: str, **values: float) -> None:
        entry = stats.setdefault(clerk or "(không ghi tên)", dict.fromkeys(
            ("forms_first", "forms_second", "fields", "checked_fields", "mismatches", "errors", "pending",
             "seconds", "timed_forms"), 0))
        for key, value in values.items():
            entry[key] += value

    query = Response.select().where(Response.source == "keyed")
    if plan_id is not None:
        query = query.where(Response.plan_id == plan_id)
    if unit_code is not None:
        query = query.where(Response.unit_code == unit_code)
    responses = {r.id: r for r in query}
    verifications = {v.response_id: v for v in
                     Verification.select().where(Verification.response.in_(list(responses)))} \
        if responses else {}
    for r in responses.values():
        v = verifications.get(r.id)
        bump(r.keyed_by, forms_first=1, fields=r.fields, checked_fields=r.fields if v else 0,
             seconds=r.seconds or 0, timed_forms=1 if r.seconds else 0)
        if v is None:
            continue
        bump(v.keyed_by, forms_second=1, fields=v.fields, checked_fields=v.fields,
             seconds=v.seconds or 0, timed_forms=1 if v.seconds else 0)
        for m in Mismatch.select().where(Mismatch.verification == v):
            bump(r.keyed_by, mismatches=1)
            bump(v.keyed_by, mismatches=1)
            if m.paper is None:
                bump(r.keyed_by, pending=1)
                bump(v.keyed_by, pending=1)
                continue
            paper = json.loads(m.paper)
            if json.loads(m.first) != paper:
                bump(r.keyed_by, errors=1)
            if json.loads(m.second) != paper:
                bump(v.keyed_by, errors=1)
    return [ClerkStats(clerk, int(s["forms_first"]), int(s["forms_second"]), int(s["fields"]),
                       int(s["checked_fields"]), int(s["mismatches"]), int(s["errors"]), int(s["pending"]),
                       float(s["seconds"]), int(s["timed_forms"]))
            for clerk, s in sorted(stats.items())]
