"""Services for keyed entry, double entry, and response files: the door the GUI and CLI use.

Everything works in a `SurveyContext` (office unit, current plan or none, questionnaire), from
`services.forms.survey_context`. Functions take plain values and return frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sipas_desktop.core.entry import exchange, responses, verify
from sipas_desktop.core.entry.numbers import format_number, parse_keyed
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import catalog
from sipas_desktop.core.progress import Progress
from sipas_desktop.core.services.app import require_office
from sipas_desktop.core.services.forms import SurveyContext, current_plan, survey_context

MODES = ("new", "verify", "resolve", "edit")


@dataclass(frozen=True)
class EntryStatus:
    printed: int
    keyed: int
    verified: int
    mismatch: int
    to_verify: int
    next_number: int | None
    share: int


@dataclass(frozen=True)
class NumberCheck:
    number: int
    text: str
    scanned: bool


def context(form_id: str | None = None) -> SurveyContext:
    return survey_context(form_id)


def current_user() -> str:
    try:
        from sipas_desktop.core.services.plans import current_user as plans_user
    except ImportError:
        return ""
    return plans_user()


def check_number(ctx: SurveyContext, text: str, mode: str = "new") -> NumberCheck:
    """Read a typed or scanned form number and check it may be keyed in `mode`; UserError if not."""
    keyed = parse_keyed(text)
    if keyed.unit_code is not None and keyed.unit_code != ctx.unit_code:
        raise UserError(f"Phiếu này của đơn vị mã {keyed.unit_code}, không phải {ctx.unit_name} "
                        f"({ctx.unit_code}).", code="ENTRY_013")
    if keyed.plan_id is not None and keyed.plan_id != ctx.plan_id:
        raise UserError(f"Phiếu này thuộc kế hoạch {keyed.plan_id}, không phải kế hoạch đang nhập "
                        f"({ctx.plan_id or 'chưa có'}).", code="ENTRY_014")
    number = keyed.number
    if mode == "new":
        responses.check_new_number(ctx.plan_id, ctx.unit_code, number, ctx.form)
    elif mode == "verify":
        verify.check_verify_number(ctx.plan_id, ctx.unit_code, number)
        _same_form(ctx, number)
    elif mode == "resolve":
        if not verify.fields_to_resolve(ctx.form, ctx.plan_id, ctx.unit_code, number):
            raise UserError(f"Phiếu số {format_number(number)} không có chỗ khác nhau cần đối chiếu.",
                            code="ENTRY_032")
    elif mode == "edit":
        _same_form(ctx, number)
    else:
        raise ValueError(mode)
    return NumberCheck(number, format_number(number), keyed.scanned)


def _same_form(ctx: SurveyContext, number: int) -> responses.ResponseInfo:
    info = responses.get_response(ctx.plan_id, ctx.unit_code, number)
    if (info.form_id, info.form_version) != (ctx.form.id, ctx.form.version):
        raise UserError(f"Phiếu số {info.number_text} được nhập theo mẫu {info.form_id} {info.form_version}.",
                        code="ENTRY_021")
    return info


def save_form(ctx: SurveyContext, number: int, answers: dict[str, Any], *, by: str = "",
              seconds: float | None = None) -> responses.ResponseInfo:
    return responses.save_response(ctx.plan_id, ctx.unit_code, number, ctx.form, answers, by=by,
                                   seconds=seconds)


def open_form(ctx: SurveyContext, number: int) -> responses.ResponseInfo:
    return _same_form(ctx, number)


def correct_form(ctx: SurveyContext, number: int, answers: dict[str, Any], *,
                 by: str = "") -> tuple[responses.ResponseInfo, int]:
    return responses.correct_response(ctx.plan_id, ctx.unit_code, number, ctx.form, answers, by=by)


def history(ctx: SurveyContext, number: int) -> list[responses.ChangeInfo]:
    return responses.changes(ctx.plan_id, ctx.unit_code, number)


def save_verification(ctx: SurveyContext, number: int, answers: dict[str, Any], *, by: str = "",
                      seconds: float | None = None) -> verify.VerificationResult:
    return verify.save_verification(ctx.plan_id, ctx.unit_code, number, ctx.form, answers, by=by,
                                    seconds=seconds)


def fields_to_resolve(ctx: SurveyContext, number: int,
                      paper_so_far: dict[str, Any] | None = None) -> list[str]:
    return verify.fields_to_resolve(ctx.form, ctx.plan_id, ctx.unit_code, number, paper_so_far)


def resolve(ctx: SurveyContext, number: int, paper: dict[str, Any], *, by: str = "") -> dict[str, Any]:
    return verify.resolve(ctx.plan_id, ctx.unit_code, number, ctx.form, paper, by=by)


def next_number(ctx: SurveyContext, mode: str = "new") -> int | None:
    """The number offered first: next unkeyed (new), next to verify, next with mismatches."""
    if mode == "verify":
        pending = verify.pending_verification(ctx.plan_id, ctx.unit_code)
        return pending[0] if pending else None
    if mode == "resolve":
        waiting = verify.forms_with_mismatches(ctx.plan_id, ctx.unit_code)
        return waiting[0] if waiting else None
    if mode == "new":
        return responses.next_number_to_key(ctx.plan_id, ctx.unit_code)
    return None


def status(ctx: SurveyContext) -> EntryStatus:
    printed = sum(r.count for r in responses.issued_ranges(ctx.plan_id, ctx.unit_code) if r.kind == "print")
    counts = responses.count_responses(ctx.plan_id, ctx.unit_code)
    return EntryStatus(printed, sum(counts.values()), counts.get("verified", 0), counts.get("mismatch", 0),
                       len(verify.pending_verification(ctx.plan_id, ctx.unit_code)),
                       responses.next_number_to_key(ctx.plan_id, ctx.unit_code), verify.verify_share())


def set_verify_share(percent: int) -> None:
    verify.set_verify_share(percent)


# --- files and report -------------------------------------------------------------------------

def write_template(out: Path | str, form_id: str | None = None) -> Path:
    try:
        ctx = survey_context(form_id)
        return exchange.write_template(ctx.form, out, plan_id=ctx.plan_id, unit_code=ctx.unit_code)
    except UserError as exc:
        if exc.code != "PRINT_011" or not form_id:
            raise
        return exchange.write_template(catalog.load_form(form_id), out)


def import_file(path: Path | str, *, keep_valid: bool = False, allow_unprinted: bool = False,
                form_id: str | None = None, by: str = "",
                progress: Progress | None = None) -> exchange.ImportResult:
    ctx = survey_context(form_id)
    return exchange.import_responses(path, ctx.plan_id, ctx.unit_code, ctx.form, by=by or current_user(),
                                     keep_valid=keep_valid, allow_unprinted=allow_unprinted,
                                     progress=progress)


def export_file(out: Path | str, form_id: str | None = None) -> tuple[Path, int]:
    ctx = survey_context(form_id)
    return exchange.export_responses(out, ctx.plan_id, ctx.unit_code, ctx.form)


def verify_report(all_plans: bool = False) -> list[verify.ClerkStats]:
    """Per clerk, for the office unit and the current plan (or every plan)."""
    if all_plans:
        return verify.clerk_report()
    office = require_office()
    assert office.unit is not None
    plan = current_plan()
    return verify.clerk_report(plan.plan_id if plan else "", office.unit.code)
