"""The aggregate report file: a merge written in the standard format, to be merged again above.

Commune → district → province (plans before 7/2025) or commune → province (now): an aggregating
office sends up one file in the same standard format (`exchange`), so the next level verifies
and merges it like any other. The representation (docs/report-file.md, "Tệp tổng hợp"):

- META names the aggregating unit (`unit_code` = the office's unit); the questionnaire is the
  office's copy of the planned version; the sample and double-entry facts are sums.
- Every form keeps its source unit in its number: `<unit code>/<number>` (e.g. `18352/0007`), so
  form numbers stay unique and the next level can split the forms by unit and recompute each
  unit's index, the pooled index and the mean of units exactly. Nested aggregates keep the leaf
  (commune) code: a district's `18352/0007` stays `18352/0007` in the province's file.
- An extra machine sheet `DON_VI` (after TRA_LOI, covered by the SHA-256 like every sheet) lists
  the source units: code, name, parent, number of forms, the `data_sha256` of the file the unit
  sent (provenance), its creation time, and its sample and double-entry facts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sipas_desktop.core import exchange
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.scoring import Response

SOURCES_SHEET = "DON_VI"
SEPARATOR = "/"
SOURCE_COLUMNS = ("ma_don_vi", "ten_don_vi", "ma_cap_tren", "so_phieu", "data_sha256", "created_at",
                  "N", "n", "du_phong", "thay_the", "phieu_phat", "phieu_thu",
                  "phieu_nhap", "phieu_nhap_kep", "o_so_sanh", "o_khac")


@dataclass(frozen=True)
class SourceUnit:
    """One unit whose forms an aggregate file holds."""

    unit_code: str
    unit_name: str
    parent_code: str
    forms: int
    data_sha256: str = ""
    created_at: str = ""
    sample: exchange.SampleFacts | None = None
    quality: exchange.EntryQuality | None = None


def is_aggregate(content: exchange.ReportContent) -> bool:
    return any(name == SOURCES_SHEET for name, _ in content.extra_sheets)


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def sources_of(content: exchange.ReportContent) -> tuple[SourceUnit, ...]:
    """The source units listed in DON_VI (the file is verified: the sheet is as written)."""
    rows = next((rows for name, rows in content.extra_sheets if name == SOURCES_SHEET), ())
    out = []
    for row in rows[1:]:
        cells = [*row, *([None] * len(SOURCE_COLUMNS))][:len(SOURCE_COLUMNS)]
        code = exchange.canon_cell(cells[0])
        if not code:
            continue
        n_pop, n, reserve, subs, issued, returned, keyed, double, compared, differing = \
            (_int(v) for v in cells[6:16])
        sample = None
        if n_pop is not None or n is not None:
            sample = exchange.SampleFacts(n_pop or 0, n or 0, "", reserve or 0, subs or 0,
                                          forms_issued=issued, forms_returned=returned)
        quality = None
        if keyed is not None:
            quality = exchange.EntryQuality(keyed, double or 0, compared or 0, differing or 0)
        out.append(SourceUnit(code, exchange.canon_cell(cells[1]), exchange.canon_cell(cells[2]),
                              _int(cells[3]) or 0, exchange.canon_cell(cells[4]),
                              exchange.canon_cell(cells[5]), sample, quality))
    return tuple(out)


def source_rows(sources: Sequence[SourceUnit]) -> tuple[tuple[Any, ...], ...]:
    rows: list[tuple[Any, ...]] = [SOURCE_COLUMNS]
    for s in sources:
        sm, q = s.sample, s.quality
        rows.append((s.unit_code, s.unit_name, s.parent_code or None, s.forms, s.data_sha256 or None,
                     s.created_at or None,
                     sm.population_n if sm else None, sm.sample_n if sm else None,
                     sm.reserve_n if sm else None, sm.substitutions if sm else None,
                     sm.forms_issued if sm else None, sm.forms_returned if sm else None,
                     q.forms_keyed if q else None, q.forms_double_entered if q else None,
                     q.answers_compared if q else None, q.answers_differing if q else None))
    return tuple(rows)


# --- sums --------------------------------------------------------------------------------------

def _sum_optional(values: Sequence[int | None]) -> int | None:
    """The sum when every unit knows the figure, None otherwise (a partial sum would mislead)."""
    return None if not values or any(v is None for v in values) else sum(v for v in values if v is not None)


def summed_sample(samples: Sequence[exchange.SampleFacts | None]) -> exchange.SampleFacts | None:
    known = [s for s in samples if s is not None]
    if not known:
        return None
    strata: dict[str, list[int]] = {}
    for s in known:
        for x in s.strata:
            acc = strata.setdefault(x.stratum, [0, 0, 0])
            acc[0] += x.population
            acc[1] += x.sample
            acc[2] += x.reserve
    reasons: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    for s in known:
        reasons.update(dict(s.substitution_reasons))
        by_field.update(dict(s.population_by_field))
    complete = len(known) == len(samples)
    return exchange.SampleFacts(
        population_n=sum(s.population_n for s in known), sample_n=sum(s.sample_n for s in known),
        seed="", reserve_n=sum(s.reserve_n for s in known),
        substitutions=sum(s.substitutions for s in known),
        # k and the start belong to one draw; an aggregate has many, so they are left empty.
        strata=tuple(exchange.StratumFacts(k, v[0], v[1], "", "", v[2]) for k, v in sorted(strata.items())),
        substitution_reasons=tuple(sorted(reasons.items())),
        population_by_field=tuple(sorted(by_field.items())),
        forms_issued=_sum_optional([s.forms_issued for s in known]) if complete else None,
        forms_returned=_sum_optional([s.forms_returned for s in known]) if complete else None)


def summed_quality(qualities: Sequence[exchange.EntryQuality | None]) -> exchange.EntryQuality | None:
    known = [q for q in qualities if q is not None]
    if not known:
        return None
    return exchange.EntryQuality(sum(q.forms_keyed for q in known),
                                 sum(q.forms_double_entered for q in known),
                                 sum(q.answers_compared for q in known),
                                 sum(q.answers_differing for q in known))


# --- building ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AggregateUnit:
    """Who writes the aggregate: the office's unit."""

    code: str
    name: str
    parent_code: str = ""
    parent_name: str = ""


def _prefixed(unit_code: str, responses: Sequence[Response]) -> list[Response]:
    return [Response(f"{unit_code}{SEPARATOR}{r.number}", r.answers, r.field, r.applicant_type)
            for r in responses]


def collect(files: Sequence[str], *, progress: Progress | None = None
            ) -> tuple[list[Response], list[SourceUnit], exchange.ReportFile]:
    """Read the accepted files again and gather their forms and source units (leaf units)."""
    responses: list[Response] = []
    sources: list[SourceUnit] = []
    first: exchange.ReportFile | None = None
    for done, path in enumerate(files, start=1):
        report(progress, done, len(files), f"Gộp phiếu: {Path(path).name}")
        verification = exchange.verify_report_file(path, breakdowns=False)
        if verification.report is None:   # changed on disk since the merge read it
            raise UserError(f"Tệp “{Path(path).name}” đã thay đổi sau khi tổng hợp; hãy tổng hợp lại.",
                            code="MERGE_060", issues=list(verification.problems))
        rf = verification.report
        first = first or rf
        c = rf.content
        if is_aggregate(c):
            responses.extend(c.responses)
            sources.extend(sources_of(c))
        else:
            responses.extend(_prefixed(c.unit_code, c.responses))
            sources.append(SourceUnit(c.unit_code, c.unit_name, c.parent_code, len(c.responses),
                                      rf.data_sha256, c.created_at.replace(microsecond=0).isoformat(),
                                      c.sample, c.quality))
    if first is None:
        raise UserError("Không có tệp hợp lệ nào để lập tệp tổng hợp.", code="MERGE_061")
    return responses, sources, first


def build_content(office: AggregateUnit, files: Sequence[str], *, form_source: str, plan_id: str,
                  plan_title: str, created_at: datetime | None = None, app_version: str = "",
                  progress: Progress | None = None) -> exchange.ReportContent:
    """The aggregate's content from the accepted files (read again; the merge keeps no answers)."""
    from sipas_desktop import __version__

    responses, sources, first = collect(files, progress=progress)
    c = first.content
    sources.sort(key=lambda s: s.unit_code)
    return exchange.ReportContent(
        unit_code=office.code, unit_name=office.name, plan_id=plan_id, plan_title=plan_title or c.plan_title,
        form_id=c.form_id, form_version=c.form_version, form_source=form_source or c.form_source,
        responses=tuple(sorted(responses, key=_number_key)),
        created_at=(created_at or datetime.now()).replace(microsecond=0),
        app_version=app_version or __version__, parent_code=office.parent_code,
        parent_name=office.parent_name,
        plan_year=c.plan_year, window_from=c.window_from, window_to=c.window_to,
        sample=summed_sample([s.sample for s in sources]),
        quality=summed_quality([s.quality for s in sources]),
        extra_sheets=((SOURCES_SHEET, source_rows(sources)),))


def _number_key(r: Response) -> tuple[str, int, int, str]:
    """Unit code, then the unit's form number in numeric order (“18352/9” before “18352/10”)."""
    unit, _, tail = r.number.partition(SEPARATOR)
    return (unit, 0, int(tail), "") if tail.isdigit() else (unit, 1, 0, tail)


def write_aggregate(office: AggregateUnit, files: Sequence[str], out: Path | str, *, form_source: str,
                    plan_id: str, plan_title: str = "", created_at: datetime | None = None,
                    progress: Progress | None = None) -> exchange.WrittenReport:
    content = build_content(office, files, form_source=form_source, plan_id=plan_id, plan_title=plan_title,
                            created_at=created_at, progress=progress)
    return exchange.write_report_file(content, out)
