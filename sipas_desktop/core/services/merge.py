"""Services of the merge screen and `sipas merge`: one function per user action.

`merge_reports` gathers what this office knows (its unit and area, its plans with quota tables)
into `MergeOptions` and runs `core.merge.merge_files`; the exports write the summary workbook, the
báo cáo tổng hợp (PDF, DOCX) and the aggregate report file for the level above. Nothing here
holds answers: the merge result keeps scores and counts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sipas_desktop.core import merge_aggregate, units
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.merge import MergeOptions, MergeResult, PlanFacts, PlanQuota, merge_files
from sipas_desktop.core.progress import Progress
from sipas_desktop.core.reporting import merge_summary
from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts


def _plans() -> tuple[PlanFacts, ...]:
    from sipas_desktop.core import plans

    out = []
    for summary in plans.list_plans():
        plan = plans.load_plan(summary.plan_id)
        out.append(PlanFacts(plan.plan_id, plan.title, plan.form_id, plan.form_version,
                             tuple(PlanQuota(q.unit_code, q.unit_name, q.total) for q in plan.quotas)))
    return tuple(out)


def merge_options(*, plan_id: str = "", workers: int | None = None) -> MergeOptions:
    """This office's unit, area and plans; without a declared office the area is not checked."""
    from sipas_desktop.core.services.app import get_office

    office = get_office()
    unit = office.unit
    area: frozenset[str] | None = None
    if unit is not None and office.role == "tong-hop":
        area = frozenset(units.descendants(unit.code))
    return MergeOptions(
        office_code=unit.code if unit else "", office_name=unit.name if unit else "",
        office_parent_code=(unit.parent or "") if unit else "",
        office_parent_name=(unit.parent_name or "") if unit else "",
        area=area, plan_id=plan_id, plans=_plans(), workers=workers)


def merge_reports(inputs: Sequence[Path | str], *, plan_id: str = "", workers: int | None = None,
                  progress: Progress | None = None) -> MergeResult:
    """Merge the files and folders chosen; bad files are listed with their reason, never fatal."""
    options = merge_options(plan_id=plan_id, workers=workers)
    return merge_files(list(inputs), options, progress=progress)


def export_summary(result: MergeResult, path: Path | str) -> Path:
    return merge_summary.write_summary_xlsx(result, Path(path))


def export_bao_cao(result: MergeResult, path: Path | str, *, texts: BaoCaoTexts | None = None,
                   when: date | None = None, progress: Progress | None = None) -> Path:
    """The báo cáo tổng hợp as PDF or DOCX, by the file's extension."""
    path = Path(path)
    document = merge_summary.build_document(result, texts or BaoCaoTexts(), when=when)
    if path.suffix.lower() == ".docx":
        from sipas_desktop.core.reporting.bao_cao_docx import render_docx

        return render_docx(document, path, progress=progress)
    if path.suffix.lower() == ".pdf":
        from sipas_desktop.core.reporting.bao_cao_pdf import render_pdf

        return render_pdf(document, path, progress=progress)
    raise UserError(f"Tên tệp “{path.name}” phải có đuôi .pdf hoặc .docx.", code="MERGE_050")


@dataclass(frozen=True)
class AggregateWritten:
    path: Path
    forms: int
    units: int
    size: int


def export_aggregate(result: MergeResult, path: Path | str, *, created_at: datetime | None = None,
                     progress: Progress | None = None) -> AggregateWritten:
    """The aggregate report file (standard format) for the level above."""
    accepted = [f.path for f in result.accepted]
    if not accepted:
        raise UserError("Không có tệp hợp lệ nào nên chưa lập được tệp tổng hợp.", code="MERGE_061")
    opts = result.options
    if not opts.office_code:
        raise UserError("Chưa khai báo đơn vị của cơ quan tổng hợp: tệp tổng hợp cần mã đơn vị gửi. Chạy "
                        "“sipas init --unit MÃ --role tong-hop”.", code="MERGE_062")
    office = merge_aggregate.AggregateUnit(opts.office_code, opts.office_name, opts.office_parent_code,
                                           opts.office_parent_name)
    written = merge_aggregate.write_aggregate(office, accepted, Path(path), form_source=result.form_source,
                                              plan_id=result.plan_id, plan_title=result.plan_title,
                                              created_at=created_at, progress=progress)
    return AggregateWritten(written.path, written.forms, len(result.leaf_units), written.size)
