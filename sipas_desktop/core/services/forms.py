"""Services for questionnaires: list, show, check, and print numbered paper forms.

Printing uses the office's unit and the current plan (its questionnaire) when there is one;
without a plan a questionnaire id must be given and the forms carry no plan id. Every print run
is recorded (`IssuedRange`), which is what keyed entry later checks form numbers against. The PDF is
built under a temporary name and renamed inside the recording transaction, so either both the
file and the record exist, or neither.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sipas_desktop.core.db import atomic
from sipas_desktop.core.entry import responses
from sipas_desktop.core.entry.numbers import MAX_NUMBER, format_number
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import catalog
from sipas_desktop.core.forms.issues import FormIssue
from sipas_desktop.core.forms.loader import check_form_file
from sipas_desktop.core.forms.schema import Form, FormSummary
from sipas_desktop.core.progress import Progress
from sipas_desktop.core.reporting import forms_pdf
from sipas_desktop.core.services.app import require_office

MAX_PRINT = 5000


@dataclass(frozen=True)
class SurveyContext:
    """Whose forms: the plan (or none), the unit, and the questionnaire in use."""

    plan_id: str
    plan_title: str
    unit_code: str
    unit_name: str
    parent_name: str | None
    form: Form

    @property
    def label(self) -> str:
        plan = self.plan_title or "không theo kế hoạch"
        return f"{self.unit_name} · {plan} · {self.form.id} {self.form.version}"


@dataclass(frozen=True)
class PrintOutcome:
    path: Path
    first: int
    last: int
    forms: int
    pages: int
    pages_per_form: int
    seconds: float
    reprint: bool
    cover_path: Path | None
    context: SurveyContext

    def to_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "first": self.first, "last": self.last,
                "first_text": format_number(self.first), "last_text": format_number(self.last),
                "forms": self.forms, "pages": self.pages, "pages_per_form": self.pages_per_form,
                "seconds": round(self.seconds, 2), "reprint": self.reprint,
                "cover_list": str(self.cover_path) if self.cover_path else None,
                "plan_id": self.context.plan_id, "unit_code": self.context.unit_code,
                "form_id": self.context.form.id, "form_version": self.context.form.version}


def list_forms() -> list[FormSummary]:
    return catalog.available_forms()


def broken_forms() -> list[catalog.BrokenForm]:
    return catalog.broken_forms()


def show_form(form_id: str) -> Form:
    return catalog.load_form(form_id)


def check_form(path: Path | str) -> list[FormIssue]:
    return check_form_file(path)


def current_plan():
    try:
        from sipas_desktop.core.services.plans import current_plan_or_none
    except ImportError:  # plans not part of this build
        return None
    return current_plan_or_none()


def survey_context(form_id: str | None = None) -> SurveyContext:
    """The office unit, the current plan (if any) and its questionnaire (or `form_id`)."""
    office = require_office()
    assert office.unit is not None
    plan = current_plan()
    plan_form = plan.form_id if plan is not None else ""
    if form_id and plan_form and form_id != plan_form:
        raise UserError(f"Kế hoạch hiện hành dùng mẫu phiếu “{plan_form}”, không phải “{form_id}”.",
                        code="PRINT_010")
    chosen = form_id or plan_form
    if not chosen:
        raise UserError("Chưa có kế hoạch khảo sát nêu mẫu phiếu; hãy chọn mẫu phiếu "
                        "(ví dụ “--form sipas-2023”).", code="PRINT_011")
    form = catalog.load_form(chosen)
    if plan is not None and plan.form_version and plan.form_version != form.version:
        raise UserError(f"Kế hoạch dùng mẫu “{chosen}” phiên bản {plan.form_version}, nhưng máy đang có "
                        f"phiên bản {form.version}. Hãy cài tệp phiếu đúng phiên bản.", code="PRINT_012")
    return SurveyContext(plan.plan_id if plan else "", plan.title if plan else "", office.unit.code,
                         office.unit.name, office.unit.parent_name, form)


def _cover_rows(plan_id: str, unit_code: str, numbers: list[int]) -> list[forms_pdf.CoverRow]:
    """Number → sampled person. The k-th person of the sample list (in order, active entries)
    gets the k-th number ever printed for this plan and unit, so later print runs continue the
    list instead of starting again at its first person."""
    try:
        from sipas_desktop.core.services.plans import sample_view_or_none
    except ImportError:
        view = None
    else:
        view = sample_view_or_none()
    people = [e for e in view.entries if e.active] if view is not None else []
    printed = [r.first for r in responses.issued_ranges(plan_id, unit_code) if r.kind == "print"]
    base = min(printed + numbers)
    rows = []
    for number in numbers:
        i = number - base
        if 0 <= i < len(people):
            e = people[i]
            rows.append(forms_pdf.CoverRow(number, e.applicant_name, e.address, e.phone, e.code))
        else:
            rows.append(forms_pdf.CoverRow(number, ""))
    return rows


def print_forms(out: Path | str, *, count: int = 1, start: int | None = None, reprint: int | None = None,
                form_id: str | None = None, cover_list: Path | str | None = None, by: str = "",
                progress: Progress | None = None) -> PrintOutcome:
    """Print `count` consecutive new numbers (from `start`, default: after the last printed), or
    reprint one number already printed. Optionally write the cover list to a separate file."""
    began = time.perf_counter()
    ctx = survey_context(form_id)
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise UserError("Tệp in phiếu phải có đuôi .pdf.", code="PRINT_013")
    if reprint is not None:
        issued = responses.issued_form(ctx.plan_id, ctx.unit_code, reprint)
        if issued is None:
            raise UserError(f"Số {format_number(reprint)} chưa từng in, không in lại được.", code="PRINT_014")
        if issued != (ctx.form.id, ctx.form.version):
            raise UserError(f"Số {format_number(reprint)} đã in theo mẫu {issued[0]} {issued[1]}.",
                            code="PRINT_015")
        numbers = [reprint]
    else:
        if not 1 <= count <= MAX_PRINT:
            raise UserError(f"Số phiếu in một lần phải từ 1 đến {MAX_PRINT}.", code="PRINT_016")
        first = start if start is not None else responses.next_free_number(ctx.plan_id, ctx.unit_code)
        if first < 1 or first + count - 1 > MAX_NUMBER:
            raise UserError(f"Số phiếu phải từ 1 đến {MAX_NUMBER}.", code="PRINT_002")
        numbers = list(range(first, first + count))
    job = forms_pdf.PrintJob(ctx.form, ctx.plan_id, ctx.plan_title, ctx.unit_code, ctx.unit_name,
                             ctx.parent_name, tuple(numbers))
    staged = out.with_name(out.name + ".staged")
    try:
        try:
            result = forms_pdf.render_forms(job, staged, progress=progress)
        except OSError as exc:
            raise UserError(f"Không ghi được tệp “{out}”: {exc.strerror or exc}.", code="PRINT_017") from exc
        with atomic():
            responses.record_issue(ctx.plan_id, ctx.unit_code, ctx.form, numbers[0], numbers[-1],
                                   kind="reprint" if reprint is not None else "print", by=by,
                                   file=out.name)
            try:
                staged.replace(out)
            except OSError as exc:
                raise UserError(f"Không ghi được tệp “{out}”: {exc.strerror or exc}.",
                                code="PRINT_017") from exc
    finally:
        staged.unlink(missing_ok=True)
    cover_path = None
    if cover_list is not None:
        cover_path = forms_pdf.render_cover_list(job, _cover_rows(ctx.plan_id, ctx.unit_code, numbers),
                                                Path(cover_list))
    return PrintOutcome(out, numbers[0], numbers[-1], len(numbers), result.pages, result.pages_per_form,
                        time.perf_counter() - began, reprint is not None, cover_path, ctx)
