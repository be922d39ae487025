"""Phase one of a merge: look at one submitted file on its own and say what it holds.

`inspect_file(path)` never raises for a bad file. It sniffs the file safely (`merge_safety`),
tells a report file from a plan file or any other workbook, verifies it completely with
`exchange.verify_report_file` (checksums, version, internal counts, indices recomputed with the
questionnaire embedded in the file), and then — recompute, don't trust — scores the answers again
with **this office's** copy of the questionnaire version: a commune cannot change how it is scored
by editing the questionnaire embedded in its file. Figures that differ from what the file
declares become warnings; the office's figures are the ones used.

The result (`FileOutcome`) is small and picklable, so that phase one runs in worker processes
for large merges (`merge.merge_files`); the answers themselves are not kept. Everything that
needs several files at once (plan, area, resubmissions, ranking) is phase two, in `merge.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sipas_desktop.core import exchange
from sipas_desktop.core.errors import Issue, Level, UserError
from sipas_desktop.core.exchange_read import verify
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.merge_safety import sniff
from sipas_desktop.core.scoring import Response, Scores, round2, score
from sipas_desktop.core.scoring_table import AnswerTable

# What a file turned out to be.
KIND_REPORT = "report"           # a unit's report file
KIND_AGGREGATE = "aggregate"     # an aggregate report file made by a lower aggregating office
KIND_PLAN = "plan"
KIND_WORKBOOK = "workbook"       # some other Excel file
KIND_INVALID = "invalid"         # looked like a report file but failed verification

# Excel's own lock file for an open workbook ("~$bao-cao.xlsx"): never a submission.
LOCK_PREFIX = "~$"

PLAN_SHEET = "Kế hoạch"
PLAN_PROPERTY = "sipas_plan_id"


@dataclass(frozen=True)
class Header:
    """Who sent what: the identifying facts of a verified report file."""

    unit_code: str
    unit_name: str
    parent_code: str
    plan_id: str
    plan_title: str
    form_id: str
    form_version: str
    created_at: datetime
    app_version: str
    data_sha256: str
    content_sha256: str
    forms: int


@dataclass(frozen=True)
class UnitPart:
    """The scores and sample facts of one unit in a file (an aggregate holds several)."""

    unit_code: str
    unit_name: str
    parent_code: str
    scores: Scores
    sample: exchange.SampleFacts | None = None
    quality: exchange.EntryQuality | None = None
    data_sha256: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class FileOutcome:
    path: str
    size: int
    kind: str
    ok: bool
    reason: str = ""                                  # Vietnamese; set when not ok
    problems: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    header: Header | None = None
    part: UnitPart | None = None                      # the file as one unit (for an aggregate: pooled)
    sources: tuple[UnitPart, ...] = ()                # an aggregate's units
    form_source_differs: bool = False
    seconds: float = 0.0
    modified: float = 0.0                             # the file's modification time (for twins)

    @property
    def name(self) -> str:
        return Path(self.path).name


def _refused(path: Path, size: int, kind: str, reason: str, problems: tuple[Issue, ...] = (),
             header: Header | None = None) -> FileOutcome:
    return FileOutcome(str(path), size, kind, False, reason, problems, header=header)


def inspect_file(path: Path | str) -> FileOutcome:
    """Everything phase one can say about one file; bad files come back with a reason."""
    import time

    started = time.perf_counter()
    path = Path(path)
    try:
        outcome = _inspect(path)
    except UserError as exc:            # a questionnaire of this office that cannot score, …
        outcome = _refused(path, 0, KIND_INVALID, exc.message, tuple(exc.issues))
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    return replace(outcome, seconds=time.perf_counter() - started, modified=modified)


def _inspect(path: Path) -> FileOutcome:
    if path.name.startswith(LOCK_PREFIX):
        return _refused(path, 0, KIND_WORKBOOK, "Tệp khóa tạm của Excel (tạo ra khi một tệp đang mở), "
                        "không phải tệp báo cáo.")
    sniffed = sniff(path)
    if not sniffed.ok:
        return _refused(path, sniffed.size, str(sniffed.kind), sniffed.reason)
    sheets = set(sniffed.sheet_names)
    if exchange.META not in sheets or exchange.CHECKSUMS not in sheets:
        if PLAN_PROPERTY in sniffed.properties or PLAN_SHEET in sheets:
            return _refused(path, sniffed.size, KIND_PLAN, "Đây là tệp kế hoạch khảo sát (gửi nhầm), "
                            "không phải tệp báo cáo kết quả của đơn vị.")
        shown = ", ".join(f"“{s}”" for s in sniffed.sheet_names[:6]) or "không có"
        return _refused(path, sniffed.size, KIND_WORKBOOK, "Tệp Excel nhưng không phải tệp báo cáo chuẩn "
                        f"của SIPAS Desktop (không có trang META và KIEM_TRA; các trang: {shown}).")
    verification = verify(path, breakdowns=False, lazy=True)
    if verification.report is None:
        return _refused(path, sniffed.size, KIND_INVALID, explain(verification.problems),
                        verification.problems, _header_of_summary(verification))
    return _accepted(path, sniffed.size, verification)


# --- reasons -----------------------------------------------------------------------------------

_ALTERED = {"REPORT_013", "REPORT_014", "REPORT_015", "REPORT_016", "REPORT_017", "REPORT_019",
            "REPORT_043"}


def explain(problems: tuple[Issue, ...] | list[Issue], limit: int = 3) -> str:
    """One Vietnamese sentence for the table, then the first problems with where they are."""
    codes = {p.code for p in problems}
    if "REPORT_018" in codes:
        lead = "Phiên bản định dạng tệp chưa được hỗ trợ"
    elif codes & _ALTERED:
        lead = "Tệp đã bị sửa hoặc bị cắt sau khi tạo (mã kiểm tra không khớp)"
    elif "REPORT_050" in codes or "REPORT_051" in codes or "REPORT_040" in codes:
        lead = "Số liệu trong tệp không khớp với chính dữ liệu phiếu của tệp"
    elif "REPORT_012" in codes:
        lead = "Không phải tệp báo cáo chuẩn"
    elif "REPORT_011" in codes:
        lead = "Không đọc được tệp Excel (tệp hỏng)"
    else:
        lead = "Tệp không hợp lệ"
    # The most telling problems first: the row or sheet that changed, then the digests.
    first = ("REPORT_043", "REPORT_015", "REPORT_014", "REPORT_016", "REPORT_040", "REPORT_050")
    ordered = sorted(problems, key=lambda p: first.index(p.code) if p.code in first else len(first))
    details = "; ".join(str(p) for p in ordered[:limit])
    more = f" (và {len(problems) - limit} lỗi khác)" if len(problems) > limit else ""
    return f"{lead}: {details}{more}." if details else f"{lead}."


def _header_of_summary(verification: exchange.Verification) -> Header | None:
    s = verification.summary
    if s is None:
        return None
    try:
        created = datetime.fromisoformat(s.created_at)
    except ValueError:
        created = datetime(1980, 1, 1)
    return Header(s.unit_code, s.unit_name, "", s.plan_id, s.plan_title, s.form_id, s.form_version,
                  created, s.app_version, verification.data_sha256 or "", verification.stored_sha256 or "",
                  s.forms)


# --- a verified file ---------------------------------------------------------------------------

@lru_cache(maxsize=16)
def office_form(form_id: str, version: str) -> tuple[Form | None, str]:
    """This office's copy of a questionnaire version and its source text; (None, "") if it has none."""
    from sipas_desktop.core.forms.catalog import load_form

    try:
        form = load_form(form_id)
    except UserError:
        return None, ""
    if form.version != version:
        return None, ""
    return form, exchange.form_source_of(form)


def _accepted(path: Path, size: int, verification: exchange.Verification) -> FileOutcome:
    report = verification.report
    assert report is not None
    content = report.content
    header = Header(content.unit_code, content.unit_name, content.parent_code, content.plan_id,
                    content.plan_title, content.form_id, content.form_version, content.created_at,
                    content.app_version, report.data_sha256, report.content_sha256, len(content.responses))
    warnings = list(_trim_warnings(verification.warnings))
    form, source = office_form(content.form_id, content.form_version)
    differs = False
    if form is None:
        form = report.form
        warnings.append(Issue("MERGE_030", f"Máy này không có mẫu phiếu “{content.form_id}” phiên bản "
                              f"{content.form_version}; chỉ số được tính lại theo phiếu nhúng trong tệp.",
                              Level.WARNING))
        scores = report.scores
    elif _normalised(source) == _normalised(content.form_source) or \
            scoring_signature(form) == scoring_signature(report.form):
        # Same text, or only comments and wording differ: the scores cannot differ.
        scores = report.scores
    else:
        differs = True
        mismatch = _question_mismatch(form, report.form)
        if mismatch:
            return _refused(path, size, KIND_INVALID, mismatch, header=header)
        scores = _rescore(form, content.responses)
        warnings.append(Issue("MERGE_031", "Phiếu nhúng trong tệp khác mẫu phiếu cùng phiên bản của máy "
                              "này (câu chữ hoặc quy tắc tính điểm); chỉ số được tính lại theo mẫu phiếu "
                              "của máy này.", Level.WARNING))
        warnings += declared_differences(report.scores, scores)
    scores = _lean(scores)
    sources = _aggregate_sources(report, form) if _is_aggregate(content) else ()
    part = UnitPart(content.unit_code, content.unit_name, content.parent_code, scores, content.sample,
                    content.quality, report.data_sha256, content.created_at.isoformat())
    kind = KIND_AGGREGATE if sources else KIND_REPORT
    return FileOutcome(str(path), size, kind, True, "", (), tuple(warnings), header, part, sources, differs)


_SIGNATURES: dict[int, tuple[Form, tuple[object, ...]]] = {}


def scoring_signature(form: Form) -> tuple[object, ...]:
    """Everything of a questionnaire that can change a figure: questions (id, type, codes, skips,
    ranges, which section), the no-answer code and the scoring rules. Not the wording.

    Kept per Form object (forms are immutable; a merge compares the same two for every file)."""
    cached = _SIGNATURES.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    if len(_SIGNATURES) > 32:
        _SIGNATURES.clear()
    signature = _scoring_signature(form)
    _SIGNATURES[id(form)] = (form, signature)
    return signature


def _scoring_signature(form: Form) -> tuple[object, ...]:
    questions = tuple((q.id, q.type, q.codes, q.skip_if, q.min, q.max, q.section) for q in form.questions)
    first = tuple(q.id for q in form.sections[0].questions) if form.sections else ()
    return questions, first, form.no_answer_code, form.scoring


@lru_cache(maxsize=8)        # every file of a merge embeds the same few questionnaire texts
def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def _trim_warnings(warnings: tuple[Issue, ...]) -> list[Issue]:
    # Scoring warnings of a small commune (a criterion nobody answered) matter; keep them, once.
    seen: set[str] = set()
    out = []
    for w in warnings:
        if w.message not in seen:
            seen.add(w.message)
            out.append(w)
    return out


def _question_mismatch(office: Form, embedded: Form) -> str:
    ours = [(q.id, q.type) for q in office.questions]
    theirs = [(q.id, q.type) for q in embedded.questions]
    if ours == theirs:
        return ""
    missing = [q for q, _ in ours if q not in {t for t, _ in theirs}]
    extra = [q for q, _ in theirs if q not in {o for o, _ in ours}]
    detail = ", ".join(filter(None, [f"thiếu câu {', '.join(missing[:5])}" if missing else "",
                                     f"thừa câu {', '.join(extra[:5])}" if extra else ""]))
    return ("Phiếu trong tệp khác mẫu phiếu cùng mã và phiên bản của máy này (các câu hỏi không khớp"
            + (f": {detail}" if detail else "") + "); không tính chung được.")


def _rescore(form: Form, responses: Sequence[Response]) -> Scores:
    """`score(form, responses, breakdowns=False)`; from the cell counts when read as a table."""
    if isinstance(responses, AnswerTable):
        return responses.score(form, breakdowns=False)
    return score(form, responses, breakdowns=False)


def _lean(scores: Scores) -> Scores:
    """Drop what a merge never shows per unit (free-text comments, per-question counts)."""
    return replace(scores, comments=(), question_counts=(), breakdowns=())


def declared_differences(declared: Scores, recomputed: Scores, limit: int = 5) -> list[Issue]:
    """Warnings for every index the file declares differently from the recomputed one."""
    pairs = [("chỉ số", declared.indices, recomputed.indices),
             ("khối", declared.blocks, recomputed.blocks),
             ("yếu tố", declared.elements, recomputed.elements),
             ("tiêu chí", declared.criteria, recomputed.criteria)]
    out: list[Issue] = []
    for label, theirs, ours in pairs:
        by_id = {x.id: x for x in ours}
        for item in theirs:
            mine = by_id.get(item.id)
            a, b = round2(item.index), round2(mine.index if mine else None)
            if a != b:
                out.append(Issue("MERGE_032", f"{label} “{item.title or item.id}”: tệp khai "
                                 f"{_pct(a)}, tính lại {_pct(b)}", Level.WARNING))
    if len(out) > limit:
        out = out[:limit] + [Issue("MERGE_032", f"… và {len(out) - limit} chỉ số khác cũng khác",
                                   Level.WARNING)]
    return out


def _pct(value: float | None) -> str:
    from sipas_desktop.core.text import format_number

    return "—" if value is None else f"{format_number(value, 2)} %"


# --- aggregate files ---------------------------------------------------------------------------

def _is_aggregate(content: exchange.ReportContent) -> bool:
    from sipas_desktop.core import merge_aggregate

    return merge_aggregate.is_aggregate(content)


def _aggregate_sources(report: exchange.ReportFile, form: Form) -> tuple[UnitPart, ...]:
    """Split an aggregate's forms by their source unit and score each unit on its own."""
    from sipas_desktop.core import merge_aggregate

    sources = merge_aggregate.sources_of(report.content)
    responses = report.content.responses
    table = responses if isinstance(responses, AnswerTable) else None
    groups: dict[str, list[Any]] = {s.unit_code: [] for s in sources}
    for r in (table.rows if table is not None else responses):     # a table row starts with its number
        number = r[0] if table is not None else r.number             # type: ignore[index,union-attr]
        groups.setdefault(number.split(merge_aggregate.SEPARATOR, 1)[0], []).append(r)
    parts = []
    for s in sources:
        forms = groups.get(s.unit_code, [])
        scores = table.subset(forms).score(form, breakdowns=False) if table is not None else \
            score(form, forms, breakdowns=False)
        parts.append(UnitPart(s.unit_code, s.unit_name, s.parent_code, _lean(scores), s.sample, s.quality,
                              s.data_sha256, s.created_at))
    return tuple(parts)


def form_digests(path: Path | str) -> dict[str, str]:
    """Form number → digest of its answers, for a verified file ({} if it does not verify)."""
    import hashlib
    import json

    verification = exchange.verify_report_file(path, breakdowns=False)
    if verification.report is None:
        return {}
    out = {}
    for r in verification.report.content.responses:
        doc = [r.field, r.applicant_type, sorted(r.answers.items())]
        out[r.number] = hashlib.sha256(json.dumps(doc, ensure_ascii=False).encode()).hexdigest()[:16]
    return out
