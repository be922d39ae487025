"""What the printing screen shows before anything is printed: one read, plain values out.

The screen "Phiếu khảo sát (in phiếu)" needs, in one go: the questionnaire in use (the current
plan's, or the one chosen when no plan names one), the number ranges already printed for this
unit and plan, the next unused number, and how many people the current sample holds (the
natural number of forms to print). Printing itself is `services.forms.print_forms`; this module
only reads, so the GUI never reaches into `core.entry` for its figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sipas_desktop.core.entry import responses
from sipas_desktop.core.entry.numbers import format_number
from sipas_desktop.core.entry.responses import IssuedInfo
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services.forms import SurveyContext, current_plan, survey_context

KIND_LABELS = {"print": "In mới", "reprint": "In lại"}


@dataclass(frozen=True)
class PrintOverview:
    """The questionnaire, the plan's form (if a plan names one), what was printed and what is next."""

    context: SurveyContext
    plan_form_id: str                 # "" when there is no current plan naming a questionnaire
    ranges: tuple[IssuedInfo, ...]    # every print and reprint, by first number
    printed: int                      # numbers printed (reprints not counted again)
    next_number: int                  # first number after everything printed
    sample_people: int | None         # people in use on the current sample list; None: no sample

    @property
    def form_locked(self) -> bool:
        """True when the current plan fixes the questionnaire (another one cannot be printed)."""
        return bool(self.plan_form_id)

    @property
    def suggested_count(self) -> int:
        """How many new forms to offer: the people on the sample not yet given a number, else 10."""
        if self.sample_people:
            left = self.sample_people - self.printed
            if left > 0:
                return left
        return 10

    def _printed_ranges(self) -> list[IssuedInfo]:
        return [r for r in self.ranges if r.kind == "print"]

    def was_printed(self, number: int) -> bool:
        """True when `number` was printed (so it may be reprinted)."""
        return any(r.first <= number <= r.last for r in self._printed_ranges())

    def first_printed_between(self, first: int, last: int) -> int | None:
        """The smallest number in first…last already printed, or None (the range is free)."""
        hits = [max(first, r.first) for r in self._printed_ranges() if r.first <= last and first <= r.last]
        return min(hits, default=None)

    def printed_text(self) -> str:
        """The printed numbers as ranges, e.g. “000001-3 – 000025-7, 000040-1 – 000049-0”."""
        spans = sorted((r.first, r.last) for r in self._printed_ranges())
        merged: list[list[int]] = []
        for first, last in spans:
            if merged and first <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        return ", ".join(format_number(a) if a == b else f"{format_number(a)} – {format_number(b)}"
                         for a, b in merged)


def plan_form_id() -> str:
    """The questionnaire id the current plan names, or "" (no plan, or a plan without one)."""
    plan = current_plan()
    return plan.form_id if plan is not None else ""


def sample_people() -> int | None:
    """People in use on the current plan's sample list (main list and reserves called in)."""
    try:
        from sipas_desktop.core.services.plans import sample_view_or_none
    except ImportError:  # plans not part of this build
        return None
    try:
        view = sample_view_or_none()
    except UserError:  # no office, no plan: simply no sample
        return None
    return sum(1 for e in view.entries if e.active) if view is not None else None


def print_overview(form_id: str | None = None) -> PrintOverview:
    """Everything the printing screen shows; UserError (PRINT_011 …) when nothing can be printed yet."""
    ctx = survey_context(form_id)
    ranges = tuple(responses.issued_ranges(ctx.plan_id, ctx.unit_code))
    printed = sum(r.count for r in ranges if r.kind == "print")
    return PrintOverview(ctx, plan_form_id(), ranges, printed,
                         responses.next_free_number(ctx.plan_id, ctx.unit_code), sample_people())
