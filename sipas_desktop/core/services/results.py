"""Services of the results screen and `sipas indices` / `sipas report …`: one function per action.

They gather what the current plan's survey produced in this office — keyed responses (entry),
the current draw and its counts (plans), the double-entry figures — into a `ReportContent`,
and hand it to the pure parts: `scoring.score`, `exchange.write_report_file`, the báo cáo
writers. Nothing personal leaves here: answers are keyed by form number only, and free-text
answers are masked for phones, dossier codes and every applicant name in the dossier log.

Categories for the breakdowns come from the questionnaire itself, because a keyed form is not
linked to a person of the sample list (that is the point of anonymity): the applicant type from
a choice question whose choices read "Cá nhân" / "… tổ chức", the field from a choice question
whose choices are field names of the catalogue. A questionnaire without such a question gives no
breakdown on that dimension (the screen and the báo cáo then say nothing about it).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sipas_desktop import __version__
from sipas_desktop.core import exchange, models, settings
from sipas_desktop.core.errors import Issue, Level, UserError
from sipas_desktop.core.forms.schema import Form, Question
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.scoring import Response, Scores, filter_responses, score
from sipas_desktop.core.text import fold, nfc

TEXTS_KEY = "report.texts.{plan}.{unit}"


@dataclass(frozen=True)
class Categories:
    """Which questions of the questionnaire give the applicant type and the field of a form."""

    applicant_question: str | None = None
    applicant_codes: tuple[tuple[int, str], ...] = ()     # code → "ca_nhan" | "to_chuc"
    field_question: str | None = None
    field_codes: tuple[tuple[int, str], ...] = ()         # code → field name

    def of(self, answers: dict[str, Any]) -> tuple[str, str]:
        field = dict(self.field_codes).get(answers.get(self.field_question or ""), "") \
            if self.field_question else ""
        kind = dict(self.applicant_codes).get(answers.get(self.applicant_question or ""), "") \
            if self.applicant_question else ""
        return field, kind


@dataclass(frozen=True)
class Survey:
    """Everything gathered for the current plan and office (no personal data)."""

    content: exchange.ReportContent
    form: Form
    categories: Categories
    plan_issuer: str
    plan_legal_basis: str
    warnings: tuple[Issue, ...]


@dataclass(frozen=True)
class Results:
    """What the results screen shows: scores for a filter, and what can be filtered on."""

    survey: Survey
    scores: Scores
    field: str | None
    applicant_type: str | None
    fields: tuple[str, ...]
    applicant_types: tuple[str, ...]


# --- categories from the questionnaire ---------------------------------------------------------

def _applicant_codes(q: Question) -> dict[int, str]:
    codes = {}
    for c in q.choices:
        label = fold(c.label)
        if label.startswith("ca nhan"):
            codes[c.code] = "ca_nhan"
        elif "to chuc" in label:
            codes[c.code] = "to_chuc"
    return codes if set(codes.values()) == {"ca_nhan", "to_chuc"} else {}


def find_categories(form: Form, field_names: list[str]) -> Categories:
    """The questions giving applicant type and field (see the module docstring); None if absent."""
    known = {fold(n): n for n in field_names}
    applicant: tuple[str | None, dict[int, str]] = (None, {})
    field: tuple[str | None, dict[int, str]] = (None, {})
    for q in form.questions:
        if q.type != "single":
            continue
        if applicant[0] is None:
            codes = _applicant_codes(q)
            if codes:
                applicant = (q.id, codes)
                continue
        if field[0] is None:
            matched = {c.code: known[fold(c.label)] for c in q.choices if fold(c.label) in known}
            if len(matched) >= 2:
                field = (q.id, {c.code: matched.get(c.code, c.label) for c in q.choices})
    return Categories(applicant[0], tuple(sorted(applicant[1].items())),
                      field[0], tuple(sorted(field[1].items())))


# --- gathering ---------------------------------------------------------------------------------

def _field_names() -> list[str]:
    return [f.name for f in models.Field.select(models.Field.name)]


def _applicant_names() -> exchange.NameIndex:
    """Every applicant name of the dossier log (the sample list's people are among them)."""
    cursor = models.Dossier.select(models.Dossier.applicant_name).distinct().tuples().iterator()
    return exchange.NameIndex(name for (name,) in cursor if name)


def _sample_facts(plan: Any, unit_code: str, warnings: list[Issue]) -> exchange.SampleFacts | None:
    from sipas_desktop.core import sample_store

    draw = sample_store.current_draw(plan.plan_id, unit_code)
    if draw is None:
        warnings.append(Issue("RESULTS_010", "Chưa chọn mẫu cho kế hoạch này: tệp báo cáo không có thông tin "
                              "về danh sách tổng thể và cỡ mẫu.", Level.WARNING))
        return None
    counts = sample_store.counts(draw.id)
    subs = sample_store.substitutions(draw.id)
    reasons: dict[str, int] = {}
    for s in subs:
        reasons[s.reason] = reasons.get(s.reason, 0) + 1
    strata = tuple(exchange.StratumFacts(m.stratum, m.N, m.n, _decimal(m.k), _decimal(m.start), m.reserve_n)
                   for m in draw.strata)
    by_field = _population_by_field(plan, draw)
    return exchange.SampleFacts(
        population_n=draw.N, sample_n=draw.n, seed=str(draw.seed),
        reserve_n=sum(m.reserve_n for m in draw.strata), substitutions=len(subs), strata=strata,
        substitution_reasons=tuple(sorted(reasons.items())), population_by_field=by_field,
        # Statuses never set (the clerk did not track handing out): unknown, not zero.
        forms_issued=counts.total("issued") or None,
        forms_returned=counts.total("returned") if counts.total("issued") else None,
        drawn_at=draw.drawn_at.replace(microsecond=0).isoformat())


def _decimal(value: Any) -> str:
    """A Fraction as printed on the sample sheet: four decimals, decimal comma."""
    from sipas_desktop.core.text import format_number

    return format_number(float(value), 4)


def _population_by_field(plan: Any, draw: Any) -> tuple[tuple[str, int], ...]:
    """N per field, from today's log, but only while it still gives the draw's frame."""
    from sipas_desktop.core import sample_store, sampling

    population = sampling.build_population(sample_store.load_log_rows(), plan.rules())
    if sample_store.frame_digest(population) != draw.frame_digest:
        return ()
    counts: dict[str, int] = {}
    for stratum in sampling.STRATA:
        for row in population.frame(stratum):
            counts[row.field_name or "Không rõ"] = counts.get(row.field_name or "Không rõ", 0) + 1
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], fold(kv[0]))))


def _quality(plan_id: str, unit_code: str) -> exchange.EntryQuality:
    from sipas_desktop.core.entry.models import Response as Row
    from sipas_desktop.core.entry.models import Verification

    keyed = Row.select().where((Row.plan_id == plan_id) & (Row.unit_code == unit_code)).count()
    checks = (Verification.select(Verification.fields, Verification.mismatches).join(Row)
              .where((Row.plan_id == plan_id) & (Row.unit_code == unit_code)))
    double = compared = differing = 0
    for v in checks:
        double += 1
        compared += v.fields
        differing += v.mismatches
    return exchange.EntryQuality(keyed, double, compared, differing)


def gather(progress: Progress | None = None) -> Survey:
    """The current plan's survey in this office, anonymous, checked (clear errors otherwise)."""
    from sipas_desktop.core import plans
    from sipas_desktop.core.entry.responses import list_responses
    from sipas_desktop.core.forms.catalog import load_form
    from sipas_desktop.core.services.app import require_office

    office = require_office()
    assert office.unit is not None
    unit = office.unit
    plan = plans.current_plan()
    report(progress, 0, 4, "Đọc phiếu đã nhập")
    rows = list_responses(plan.plan_id, unit.code)
    if not rows:
        raise UserError(f"Chưa có phiếu nào được nhập cho kế hoạch “{plan.title}”; chưa tính được chỉ số "
                        "và chưa lập được báo cáo.", code="RESULTS_001")
    form_id = plan.form_id or rows[0].form_id
    version = plan.form_version or rows[0].form_version
    other = [r for r in rows if (r.form_id, r.form_version) != (form_id, version)]
    if other:
        kinds = sorted({f"“{r.form_id}” phiên bản {r.form_version}" for r in other})
        numbers = ", ".join(r.number_text for r in other[:10]) + (" …" if len(other) > 10 else "")
        raise UserError(f"{len(other)} phiếu được nhập theo {', '.join(kinds)}, không phải phiếu của "
                        "kế hoạch "
                        f"(“{form_id}” phiên bản {version}): số phiếu {numbers}. Sửa kế hoạch hoặc nhập lại "
                        "các phiếu đó; chưa lập báo cáo.", code="RESULTS_002")
    form = load_form(form_id)
    if form.version != version:
        raise UserError(f"Phiếu “{form_id}” đang có phiên bản {form.version}, còn kế hoạch và các phiếu "
                        "đã nhập "
                        f"dùng phiên bản {version}. Cài lại đúng phiên bản tệp phiếu để tính chỉ số.",
                        code="RESULTS_003")
    warnings: list[Issue] = []
    pending = sum(1 for r in rows if r.status == "mismatch")
    if pending:
        warnings.append(Issue("RESULTS_011", f"{pending} phiếu nhập kép còn ô khác nhau chưa đối chiếu với "
                              "phiếu giấy; đang tính theo lần nhập thứ nhất.", Level.WARNING))
    report(progress, 1, 4, "Đọc danh sách mẫu")
    categories = find_categories(form, _field_names())
    has_text = any(q.type == "text" for q in form.questions)
    names = _applicant_names() if has_text else exchange.NameIndex()
    responses = []
    for r in rows:
        field, kind = categories.of(r.answers)
        responses.append(Response(str(r.number), r.answers, field, kind))
    anonymous = exchange.anonymous_responses(form, responses, names)
    sample = _sample_facts(plan, unit.code, warnings)
    report(progress, 2, 4, "Đếm nhập kép")
    content = exchange.ReportContent(
        unit_code=unit.code, unit_name=unit.name, plan_id=plan.plan_id, plan_title=plan.title,
        form_id=form.id, form_version=form.version, form_source=exchange.form_source_of(form),
        responses=anonymous, created_at=datetime.now().replace(microsecond=0), app_version=__version__,
        parent_code=unit.parent or "", parent_name=unit.parent_name or "", plan_year=plan.year,
        window_from=plan.window_from, window_to=plan.window_to, sample=sample,
        quality=_quality(plan.plan_id, unit.code))
    report(progress, 3, 4, "Xong")
    return Survey(content, form, categories, plan.issuer_name, plan.legal_basis, tuple(warnings))


# --- actions -----------------------------------------------------------------------------------

def compute_results(field: str | None = None, applicant_type: str | None = None, *,
                    survey: Survey | None = None, progress: Progress | None = None) -> Results:
    """Indices of the current plan, optionally for one field and/or one applicant type."""
    survey = survey or gather(progress)
    chosen = filter_responses(survey.content.responses, field=field, applicant_type=applicant_type)
    if not chosen:
        raise UserError("Không có phiếu nào thuộc nhóm đã chọn.", code="RESULTS_004")
    scores = score(survey.form, chosen)
    if survey.warnings:
        scores = replace(scores, warnings=(*survey.warnings, *scores.warnings))
    fields = tuple(sorted({r.field for r in survey.content.responses if r.field}, key=fold))
    kinds = tuple(k for k in ("ca_nhan",
                              "to_chuc") if any(r.applicant_type == k for r in survey.content.responses))
    return Results(survey, scores, field, applicant_type, fields, kinds)


def export_report_file(path: Path | str, *, survey: Survey | None = None,
                       progress: Progress | None = None) -> exchange.WrittenReport:
    """Write the standard report file of the current plan (all forms, never a filtered subset)."""
    survey = survey or gather()
    return exchange.write_report_file(survey.content, _suffixed(path, ".xlsx"), progress=progress)


def verify_report_file(path: Path | str, progress: Progress | None = None) -> exchange.Verification:
    return exchange.verify_report_file(path, progress=progress)


def load_texts(survey: Survey | None = None) -> Any:
    """The clerk's free texts for this plan's báo cáo (empty ones on first use)."""
    from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts

    key = _texts_key(survey)
    raw = settings.get(key) if key else None
    if not raw:
        return BaoCaoTexts()
    try:
        return BaoCaoTexts.from_dict(json.loads(raw))
    except (ValueError, TypeError):
        return BaoCaoTexts()


def save_texts(texts: Any, survey: Survey | None = None) -> None:
    key = _texts_key(survey)
    if key is None:
        raise UserError("Chưa có kế hoạch hiện hành để lưu nội dung báo cáo.", code="RESULTS_005")
    data = {k: nfc(v) if isinstance(v, str) else v for k, v in texts.to_dict().items()}
    settings.put(key, json.dumps(data, ensure_ascii=False))


def _texts_key(survey: Survey | None) -> str | None:
    from sipas_desktop.core import plans
    from sipas_desktop.core.services.app import get_office

    if survey is not None:
        return TEXTS_KEY.format(plan=survey.content.plan_id, unit=survey.content.unit_code)
    plan_id = plans.current_plan_id()
    office = get_office()
    if not plan_id or office.unit is None:
        return None
    return TEXTS_KEY.format(plan=plan_id, unit=office.unit.code)


def bao_cao_document(texts: Any = None, *, survey: Survey | None = None) -> Any:
    from sipas_desktop.core.reporting.bao_cao_content import BaoCaoData, build_document

    survey = survey or gather()
    texts = texts if texts is not None else load_texts(survey)
    scores = score(survey.form, survey.content.responses)
    return build_document(BaoCaoData(survey.content, survey.form, scores, texts, survey.plan_legal_basis,
                                     survey.plan_issuer))


def export_bao_cao_pdf(path: Path | str, texts: Any = None, *, survey: Survey | None = None,
                       progress: Progress | None = None) -> Path:
    from sipas_desktop.core.reporting.bao_cao_pdf import render_pdf

    document = bao_cao_document(texts, survey=survey)
    return render_pdf(document, _suffixed(path, ".pdf"), progress=progress)


def export_bao_cao_docx(path: Path | str, texts: Any = None, *, survey: Survey | None = None,
                        progress: Progress | None = None) -> Path:
    from sipas_desktop.core.reporting.bao_cao_docx import render_docx

    document = bao_cao_document(texts, survey=survey)
    return render_docx(document, _suffixed(path, ".docx"), progress=progress)


def export_data(path: Path | str, *, survey: Survey | None = None, progress: Progress | None = None) -> Path:
    """The anonymous answers as a plain table: .csv (UTF-8 with BOM, for Excel) or .xlsx."""
    survey = survey or gather()
    path = Path(path)
    questions = survey.form.questions
    header = ["so_phieu", "linh_vuc", "doi_tuong", *(q.id for q in questions)]
    labels = ["Số phiếu", "Lĩnh vực", "Đối tượng", *(f"Câu {q.number}. {q.text}" for q in questions)]
    rows = [[r.number, r.field, r.applicant_type,
             *(exchange._answer_cell(r.answers.get(q.id)) for q in questions)]
            for r in survey.content.responses]
    report(progress, 1, 2, "Ghi tệp dữ liệu")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Dữ liệu phiếu")
        for row in (labels, header, *rows):
            ws.append([None if v in ("", None) else v for v in row])
        import io

        buffer = io.BytesIO()
        wb.save(buffer)
        exchange.write_atomic(path, buffer.getvalue())
    else:
        path = _suffixed(path, ".csv")
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows([labels, header, *rows])
        exchange.write_atomic(path, buffer.getvalue().encode("utf-8-sig"))
    report(progress, 2, 2, "Xong")
    return path


def _suffixed(path: Path | str, suffix: str) -> Path:
    path = Path(path)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)
