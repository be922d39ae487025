"""The standard report file (tệp báo cáo chuẩn): write, read, verify. Format: docs/report-file.md.

This module holds the content model, anonymity, the canonical digests and the writer; the
reader and verifier live in `exchange_read.py` and are reached through `verify_report_file` and
`read_report_file` here.

One `.xlsx` per unit and plan. A person reads the first sheets in Excel (summary, indices,
respondents, expectations, breakdowns: written by `reporting.bao_cao_xlsx`); a program reads the
machine sheets that follow (META, MAU, CHI_SO, PHIEU, TRA_LOI) and KIEM_TRA, which holds
SHA-256 digests:

- `content_sha256` over a canonical form of every cell of every sheet but KIEM_TRA (sheet names
  and order, absolute row numbers, each value in a canonical text): any changed, added or deleted
  cell, row or sheet is detected; one digest per sheet says where;
- `data_sha256` over the canonical JSON of the data (unit, plan, questionnaire, answers, sample
  facts, double-entry figures), without the creation time and the program version: two files with
  the same data have the same `data_sha256` (the merge uses it to spot a file sent twice);
- each answer row carries a short digest of its own cells, so a changed row is named.

The file holds no personal data: form numbers, answers, categories (field, applicant type) and
counts only; text answers pass `redact()`, which masks phone numbers, dossier codes and the names
the caller knows (the sample list). Writing is deterministic: the same content (including
`created_at`) gives byte-identical files (fixed zip times and document properties). Files are
written to a temporary name and renamed, so a failure never leaves half a file.

API for the merge (issue 6): `verify_report_file(path) -> Verification` never raises for a bad
file and says why; `read_report_file(path) -> ReportFile` returns the checked content, the
questionnaire it was keyed with (`Form`, rebuilt from the TOML embedded in sheet PHIEU) and the
recomputed `Scores`, or raises `UserError` (code REPORT_100) carrying every problem as an `Issue`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tomllib
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import Issue, UserError
from sipas_desktop.core.exchange_canon import (  # noqa: F401  (re-exported: the format's one door)
    FORMAT_NAME,
    FORMAT_VERSION,
    SEP,
    canon_cell,
    canon_row,
    canon_rows,
    canon_sheet_digest,
    content_digest,
    row_check,
    sheet_digest,
)
from sipas_desktop.core.forms.schema import Answer, Form
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.scoring import Response, Scores, round2, score
from sipas_desktop.core.text import fold, nfc

SUPPORTED_VERSIONS = (1,)

# Machine sheets, in file order after the readable ones; KIEM_TRA is always last.
META, SAMPLE, INDICES, FORM_SOURCE, ANSWERS, CHECKSUMS = "META", "MAU", "CHI_SO", "PHIEU", "TRA_LOI", \
    "KIEM_TRA"
MACHINE_SHEETS = (META, SAMPLE, INDICES, FORM_SOURCE, ANSWERS, CHECKSUMS)
ANSWER_FIXED = ("so_phieu", "linh_vuc", "doi_tuong")
ROW_CHECK = "kiem_tra"


# --- the content -----------------------------------------------------------------------------

@dataclass(frozen=True)
class StratumFacts:
    """One stratum of the draw: N, n, the interval k and the start as printed on the sample sheet."""

    stratum: str              # "ca_nhan" | "to_chuc"
    population: int           # N
    sample: int               # n
    interval: str             # k, as printed ("4,2667" or "64/15")
    start: str                # random start s
    reserve: int              # size of the reserve list


@dataclass(frozen=True)
class SampleFacts:
    population_n: int
    sample_n: int
    seed: str
    reserve_n: int
    substitutions: int
    strata: tuple[StratumFacts, ...] = ()
    substitution_reasons: tuple[tuple[str, int], ...] = ()
    population_by_field: tuple[tuple[str, int], ...] = ()
    forms_issued: int | None = None
    forms_returned: int | None = None
    drawn_at: str = ""        # ISO date-time of the draw used

    @property
    def response_rate(self) -> float | None:
        """Forms returned / forms issued, in % (None when not known)."""
        if not self.forms_issued or self.forms_returned is None:
            return None
        return float(Fraction(100 * self.forms_returned, self.forms_issued))


@dataclass(frozen=True)
class EntryQuality:
    """Double entry: how many forms were keyed twice and how many answers differed."""

    forms_keyed: int
    forms_double_entered: int
    answers_compared: int
    answers_differing: int

    @property
    def share_verified(self) -> float | None:
        return float(Fraction(100 * self.forms_double_entered,
                              self.forms_keyed)) if self.forms_keyed else None

    @property
    def error_rate(self) -> float | None:
        return float(Fraction(100 * self.answers_differing, self.answers_compared)) \
            if self.answers_compared else None


@dataclass(frozen=True)
class ReportContent:
    """Everything the standard report file carries (anonymous)."""

    unit_code: str
    unit_name: str
    plan_id: str
    plan_title: str
    form_id: str
    form_version: str
    form_source: str                      # the questionnaire file (TOML) the answers were keyed with
    responses: tuple[Response, ...]
    created_at: datetime
    app_version: str
    parent_code: str = ""
    parent_name: str = ""
    plan_year: int | None = None
    window_from: date | None = None
    window_to: date | None = None
    sample: SampleFacts | None = None
    quality: EntryQuality | None = None
    # Further machine sheets, written after TRA_LOI and digested like the others; the reader returns
    # them in file order. An aggregate file (merge, issue 6) lists its source units in "DON_VI".
    extra_sheets: tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...] = ()


@dataclass(frozen=True)
class WrittenReport:
    path: Path
    content_sha256: str
    data_sha256: str
    size: int
    forms: int


@dataclass(frozen=True)
class ReportFile:
    """A report file that passed every check."""

    path: str
    format_version: int
    content: ReportContent
    form: Form
    scores: Scores
    content_sha256: str
    data_sha256: str


@dataclass(frozen=True)
class ReportSummary:
    """What a file holds, for `sipas report verify` and the merge preview."""

    unit_code: str
    unit_name: str
    plan_id: str
    plan_title: str
    form_id: str
    form_version: str
    forms: int
    valid_forms: int | None
    overall: float | None
    created_at: str
    app_version: str


@dataclass(frozen=True)
class Verification:
    path: str
    intact: bool
    format_version: int | None
    problems: tuple[Issue, ...]
    warnings: tuple[Issue, ...] = ()
    stored_sha256: str | None = None
    computed_sha256: str | None = None
    data_sha256: str | None = None
    summary: ReportSummary | None = None
    report: ReportFile | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        s = self.summary
        return {
            "path": self.path, "intact": self.intact, "format": FORMAT_NAME,
            "format_version": self.format_version,
            "content_sha256": self.stored_sha256, "computed_sha256": self.computed_sha256,
            "data_sha256": self.data_sha256,
            "problems": [i.to_dict() for i in self.problems],
            "warnings": [i.to_dict() for i in self.warnings],
            "summary": None if s is None else {
                "unit_code": s.unit_code, "unit_name": s.unit_name, "plan_id": s.plan_id,
                "plan_title": s.plan_title, "form_id": s.form_id, "form_version": s.form_version,
                "forms": s.forms, "valid_forms": s.valid_forms, "overall": round2(s.overall),
                "created_at": s.created_at, "app_version": s.app_version},
        }


# --- anonymity -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# 9–12 digits, possibly split by spaces, dots or dashes, optionally +84: a Vietnamese phone number.
_PHONE = re.compile(r"(?<!\w)(?:\+?84[\s.\-]?)?\d(?:[\s.\-]?\d){8,11}(?!\w)")
# A dossier code of a one-stop system (000.17.22.H56-210531-0001) or any long code with dots/dashes.
_DOSSIER = re.compile(r"(?<!\w)[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+){2,}(?!\w)")
PHONE_MASK, CODE_MASK, NAME_MASK = "[đã che số điện thoại]", "[đã che mã hồ sơ]", "[đã che tên]"


def clean_text(text: str, limit: int = 2000) -> str:
    """NFC, control characters removed, newlines normalised, cut to `limit` characters."""
    value = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()[:limit]


class NameIndex:
    """Personal names to mask in free text: whole words, accents and case ignored.

    Names of one word are left out (a comment saying "lan" is not a name), so are names that
    fold to nothing. Matching walks the comment's words once and looks word runs up in a set, so
    an index of every applicant in a 200,000-row log costs little per comment.
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._runs: dict[int, set[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(re.findall(r"\w+", fold(name)))
            if len(words) >= 2:
                self._runs.setdefault(len(words), set()).add(words)
        self._lengths = sorted(self._runs, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._runs)

    def mask(self, text: str) -> str:
        if not self._runs:
            return text
        tokens = list(re.finditer(r"\w+", _fold_same_length(text)))
        words = [t.group(0) for t in tokens]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            for n in self._lengths:
                if i + n <= len(tokens) and tuple(words[i:i + n]) in self._runs[n]:
                    spans.append((tokens[i].start(), tokens[i + n - 1].end()))
                    i += n
                    break
            else:
                i += 1
        for begin, end in reversed(spans):
            text = text[:begin] + NAME_MASK + text[end:]
        return text


def _looks_like_code(token: str) -> bool:
    """A dossier code has letters and digits (000.17.22.H56-…) or many digits in 4+ parts."""
    digits = sum(ch.isdigit() for ch in token)
    letters = any(ch.isalpha() for ch in token)
    parts = len(re.split(r"[.\-]", token))
    return (letters and digits >= 4) or (parts >= 4 and digits >= 10)


def redact(text: str, names: NameIndex | Iterable[str] = ()) -> str:
    """Mask phone numbers, dossier codes and known personal names in a free-text answer."""
    value = _DOSSIER.sub(lambda m: CODE_MASK if _looks_like_code(m.group(0)) else m.group(0), text)
    value = _PHONE.sub(PHONE_MASK, value)
    index = names if isinstance(names, NameIndex) else NameIndex(names)
    return index.mask(value)


def _fold_same_length(text: str) -> str:
    """Lower case without diacritics, one character for one (so positions stay valid)."""
    out = []
    for ch in text:
        base = "".join(c for c in unicodedata.normalize("NFD", ch.lower().replace("đ", "d"))
                       if unicodedata.category(c) != "Mn")
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def normalize_answers(form: Form, answers: Mapping[str, Answer], names: NameIndex | Iterable[str] = ()
                      ) -> dict[str, Answer]:
    """The canonical answers of one form: blanks dropped, multiple choice sorted, text cleaned."""
    out: dict[str, Answer] = {}
    for q in form.questions:
        value = answers.get(q.id)
        if value is None:
            continue
        if q.type == "multiple":
            if isinstance(value, list | tuple) and value:
                out[q.id] = sorted({int(v) for v in value})
        elif q.type == "text":
            text = redact(clean_text(str(value), q.max_length or 2000), names)
            if text:
                out[q.id] = text
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            out[q.id] = value
    return out


def anonymous_responses(form: Form, responses: Iterable[Response], names: NameIndex | Iterable[str] = ()
                        ) -> tuple[Response, ...]:
    """Responses fit for the file: canonical answers, redacted text, sorted by form number."""
    names = names if isinstance(names, NameIndex) else NameIndex(names)
    out = [Response(nfc(r.number), normalize_answers(form, r.answers, names), nfc(r.field),
                    r.applicant_type) for r in responses]
    return tuple(sorted(out, key=lambda r: _number_key(r.number)))


def _number_key(number: str) -> tuple[int, int, str]:
    return (0, int(number), "") if number.isdigit() else (1, 0, number)


def _facts_dict(content: ReportContent) -> dict[str, Any]:
    s, q = content.sample, content.quality
    return {
        "sample": None if s is None else {
            "population_n": s.population_n, "sample_n": s.sample_n, "seed": s.seed,
            "reserve_n": s.reserve_n, "substitutions": s.substitutions,
            "strata": [[x.stratum, x.population, x.sample, x.interval, x.start, x.reserve] for x in s.strata],
            "substitution_reasons": [list(x) for x in s.substitution_reasons],
            "population_by_field": [list(x) for x in s.population_by_field],
            "forms_issued": s.forms_issued, "forms_returned": s.forms_returned, "drawn_at": s.drawn_at},
        "quality": None if q is None else {
            "forms_keyed": q.forms_keyed, "forms_double_entered": q.forms_double_entered,
            "answers_compared": q.answers_compared, "answers_differing": q.answers_differing},
    }


def data_digest(content: ReportContent, encoded: Sequence[str | None] = ()) -> str:
    """SHA-256 of the canonical JSON of the data (no creation time, no program version).

    `encoded` may give, per response, its JSON already written by the reader (None: not known)."""
    doc = {
        "format": FORMAT_NAME, "unit_code": content.unit_code, "plan_id": content.plan_id,
        "form_id": content.form_id, "form_version": content.form_version,
        "form_source_sha256": text_sha256(content.form_source),
        "window": [_iso(content.window_from), _iso(content.window_to)],
        "responses": [],
        **_facts_dict(content),
    }
    if content.extra_sheets:     # absent for a unit's file, so its digest does not change
        doc["extra_sheets"] = [[name, [canon_row(r) for r in rows]] for name, rows in content.extra_sheets]
    text = _json(doc)
    # The answers are most of the text: written by `_responses_json`, byte for byte what
    # json.dumps gives for [[number, field, applicant type, sorted answer pairs], …] (tested), in a
    # fraction of the time. '"responses":' occurs once: a quote inside a JSON string is escaped.
    marker = '"responses":[]'
    if text.count(marker) == 1:
        text = text.replace(marker, '"responses":' + _responses_json(content.responses, encoded), 1)
    else:                        # cannot happen (see above); the plain way, should it ever
        doc["responses"] = [[r.number, r.field, r.applicant_type, sorted(r.answers.items())]
                            for r in content.responses]
        text = _json(doc)
    return hashlib.sha256(text.encode()).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_ANSWER_TYPES = frozenset({int, str, list})
_PAIR_PREFIX: dict[str, str] = {}
_KEY_ORDER: dict[tuple[Any, ...], list[Any]] = {}


def _responses_json(responses: Sequence[Response], encoded: Sequence[str | None] = ()) -> str:
    """`_json([[r.number, r.field, r.applicant_type, sorted(r.answers.items())] for r in responses])`."""
    from json.encoder import encode_basestring  # the C escaper json.dumps uses (ensure_ascii=False)

    if len(_KEY_ORDER) > 1000 or len(_PAIR_PREFIX) > 10_000:
        _KEY_ORDER.clear()
        _PAIR_PREFIX.clear()
    known = len(encoded) == len(responses)
    if known and None not in encoded:         # every row written by the reader: no answer looked at
        return "[" + ",".join(encoded) + "]"  # type: ignore[arg-type]
    out = []
    for i, r in enumerate(responses):
        if known and encoded[i] is not None:
            out.append(encoded[i])            # type: ignore[arg-type]
            continue
        answers = r.answers
        head = (r.number, r.field, r.applicant_type)
        if set(map(type, head)) <= {str} and set(map(type, answers.values())) <= _ANSWER_TYPES:
            keys = tuple(answers)
            order = _KEY_ORDER.get(keys)
            if order is None:
                order = _KEY_ORDER[keys] = sorted(keys)      # raises on mixed key types, like sorted(items)
            try:
                pairs = [_PAIR_PREFIX[k] + (str(v) if type(v) is int else encode_basestring(v)
                                            if type(v) is str else _int_list_json(v)) + "]"
                         for k, v in zip(order, map(answers.__getitem__, order), strict=True)]
            except KeyError:
                for k in order:
                    _PAIR_PREFIX.setdefault(k, "[" + _json(k) + ",")
                pairs = [_PAIR_PREFIX[k] + (str(v) if type(v) is int else encode_basestring(v)
                                            if type(v) is str else _int_list_json(v)) + "]"
                         for k, v in zip(order, map(answers.__getitem__, order), strict=True)]
            out.append(f"[{encode_basestring(r.number)},{encode_basestring(r.field)},"
                       f"{encode_basestring(r.applicant_type)},[{','.join(pairs)}]]")
        else:
            out.append(_json([r.number, r.field, r.applicant_type, sorted(answers.items())]))
    return "[" + ",".join(out) + "]"


def _int_list_json(values: list[Any]) -> str:
    if set(map(type, values)) <= {int}:
        return "[" + ",".join(map(str, values)) + "]"
    return _json(values)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


# --- questionnaire from its embedded source --------------------------------------------------

_FORM_CACHE: dict[tuple[str, str], tuple[Form | None, tuple[Issue, ...]]] = {}
_LAST_SHA: list[tuple[str, str]] = [("", hashlib.sha256(b"").hexdigest())]


def text_sha256(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 text. The last one is kept for the very same str object: the
    reader hands the questionnaire text of one file to both the form cache and the data digest, and
    reuses one text object for the files of a merge that embed the same questionnaire."""
    last = _LAST_SHA[0]
    if last[0] is text:
        return last[1]
    digest = hashlib.sha256(text.encode()).hexdigest()
    _LAST_SHA[0] = (text, digest)
    return digest


def form_from_source(source: str, form_id: str) -> tuple[Form | None, list[Issue]]:
    """Rebuild the questionnaire from its TOML text (the answers were keyed with exactly this).

    Cached by text: a merge reads hundreds of files embedding the same questionnaire, and a Form
    is immutable."""
    key = (text_sha256(source), form_id)
    if key not in _FORM_CACHE:
        if len(_FORM_CACHE) >= 16:
            _FORM_CACHE.clear()
        form, errors = _form_from_source(source, form_id)
        _FORM_CACHE[key] = (form, tuple(errors))
    form, errors = _FORM_CACHE[key]
    return form, list(errors)


def _form_from_source(source: str, form_id: str) -> tuple[Form | None, list[Issue]]:
    from sipas_desktop.core.forms.loader import check_form_dict

    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        return None, [Issue("REPORT_030", f"phiếu khảo sát nhúng trong tệp bị hỏng: {exc}",
                            sheet=FORM_SOURCE)]
    form, issues = check_form_dict(data, Path(f"{form_id}.toml"))
    errors = [Issue("REPORT_031", f"phiếu khảo sát nhúng trong tệp có lỗi: {i}", sheet=FORM_SOURCE)
              for i in issues if i.is_error]
    return form, errors


def form_source_of(form: Form) -> str:
    """The text of the questionnaire file a Form was loaded from."""
    try:
        return Path(form.path).read_text("utf-8-sig")
    except OSError as exc:
        raise UserError(f"Không đọc được tệp phiếu “{form.path}”: {exc.strerror or exc}.",
                        code="REPORT_002") from exc


# --- writing -----------------------------------------------------------------------------------

def _answer_cell(value: Answer) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def _meta_rows(content: ReportContent, scores: Scores) -> list[list[Any]]:
    s, q = content.sample, content.quality
    rows: list[list[Any]] = [
        ["khoa", "gia_tri", "mo_ta"],
        ["format", FORMAT_NAME, "Tệp báo cáo chuẩn SIPAS Desktop"],
        ["format_version", FORMAT_VERSION, "Phiên bản định dạng"],
        ["app_version", content.app_version, "Phiên bản chương trình tạo tệp"],
        ["created_at", content.created_at.replace(microsecond=0).isoformat(), "Thời điểm tạo tệp"],
        ["unit_code", content.unit_code, "Mã đơn vị"],
        ["unit_name", content.unit_name, "Tên đơn vị"],
        ["parent_code", content.parent_code or None, "Mã đơn vị cấp trên"],
        ["parent_name", content.parent_name or None, "Tên đơn vị cấp trên"],
        ["plan_id", content.plan_id, "Mã kế hoạch"],
        ["plan_title", content.plan_title, "Tên kế hoạch"],
        ["plan_year", content.plan_year, "Năm"],
        ["window_from", _iso(content.window_from) or None, "Hồ sơ từ ngày"],
        ["window_to", _iso(content.window_to) or None, "Hồ sơ đến ngày"],
        ["form_id", content.form_id, "Mã phiếu khảo sát"],
        ["form_version", content.form_version, "Phiên bản phiếu"],
        ["forms", len(content.responses), "Số phiếu trong tệp (số dòng TRA_LOI)"],
        ["valid_forms", scores.valid_forms, "Số phiếu hợp lệ"],
    ]
    if s is not None:
        rows += [[f"sample.{k}", v, d] for k, v, d in (
            ("population_n", s.population_n, "N: số người trong danh sách tổng thể"),
            ("sample_n", s.sample_n, "n: cỡ mẫu"),
            ("seed", s.seed, "Hạt giống ngẫu nhiên của lần chọn mẫu"),
            ("reserve_n", s.reserve_n, "Số người trong danh sách dự phòng"),
            ("substitutions", s.substitutions, "Số lần thay bằng người dự phòng"),
            ("forms_issued", s.forms_issued, "Số phiếu phát ra"),
            ("forms_returned", s.forms_returned, "Số phiếu thu về"),
            ("drawn_at", s.drawn_at or None, "Thời điểm chọn mẫu"),
        )]
        rows += [[f"sample.substitution_reason.{i}", reason, count]
                 for i, (reason, count) in enumerate(s.substitution_reasons, start=1)]
        rows += [[f"sample.population_by_field.{i}", name, count]
                 for i, (name, count) in enumerate(s.population_by_field, start=1)]
    if q is not None:
        rows += [[f"quality.{k}", v, d] for k, v, d in (
            ("forms_keyed", q.forms_keyed, "Số phiếu đã nhập"),
            ("forms_double_entered", q.forms_double_entered, "Số phiếu nhập kép (nhập lại để kiểm tra)"),
            ("answers_compared", q.answers_compared, "Số ô trả lời đã so khi nhập kép"),
            ("answers_differing", q.answers_differing, "Số ô trả lời khác nhau giữa hai lần nhập"),
        )]
    return rows


def _sample_rows(content: ReportContent) -> list[list[Any]]:
    rows: list[list[Any]] = [["nhom", "N", "n", "k", "diem_xuat_phat", "du_phong"]]
    if content.sample is not None:
        rows += [[x.stratum, x.population, x.sample, x.interval, x.start, x.reserve]
                 for x in content.sample.strata]
    return rows


def _index_rows(scores: Scores) -> list[list[Any]]:
    def value(v: float | None) -> float | None:
        return None if v is None else round(v, 4)

    rows: list[list[Any]] = [["loai", "ma", "chi_so", "hop_le", "hai_long"]]
    rows += [["index", i.id, value(i.index), None, None] for i in scores.indices]
    rows += [["block", b.id, value(b.index), None, None] for b in scores.blocks]
    rows += [["element", e.id, value(e.index), None, None] for e in scores.elements]
    rows += [["criterion", c.id, value(c.index), c.valid, c.satisfied] for c in scores.criteria]
    rows += [["expectation", x.question_id, value(x.index), x.answered,
              x.counted] for x in scores.expectations]
    return rows


def _answer_rows(form: Form, content: ReportContent) -> list[list[Any]]:
    qids = [q.id for q in form.questions]
    rows: list[list[Any]] = [[*ANSWER_FIXED, *qids, ROW_CHECK]]
    for r in content.responses:
        cells = [r.number, r.field or None, r.applicant_type or None,
                 *(_answer_cell(r.answers.get(qid)) for qid in qids)]
        rows.append([*cells, row_check(cells)])
    return rows


def machine_sheets(form: Form, content: ReportContent, scores: Scores) -> list[tuple[str, list[list[Any]]]]:
    source_rows: list[list[Any]] = [["dong", "noi_dung"]]
    source_rows += [[i, line or None] for i, line in enumerate(content.form_source.split("\n"), start=1)]
    return [(META, _meta_rows(content, scores)), (SAMPLE, _sample_rows(content)),
            (INDICES, _index_rows(scores)), (FORM_SOURCE, source_rows), (ANSWERS, _answer_rows(form,
                                                                                               content)),
            *((name, [list(r) for r in rows]) for name, rows in content.extra_sheets)]


def _fill(ws: Any, rows: Sequence[Sequence[Any]]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"          # text, never a formula


def build_workbook(content: ReportContent, *, progress: Progress | None = None
                   ) -> tuple[bytes, str, str, Scores]:
    """The file's bytes, its content and data digests, and the scores written into it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from sipas_desktop.core.reporting import bao_cao_xlsx

    form, errors = form_from_source(content.form_source, content.form_id)
    if form is None or errors:
        raise UserError("Phiếu khảo sát dùng để nhập không đọc lại được; chưa ghi tệp.", code="REPORT_003",
                        issues=errors)
    report(progress, 1, 5, "Tính chỉ số")
    scores = score(form, content.responses)
    wb = Workbook()
    wb.remove(wb.active)
    readable = bao_cao_xlsx.readable_sheets(content, form, scores)
    report(progress, 2, 5, "Ghi các bảng tổng hợp")
    digests: list[tuple[str, str]] = []
    for sheet in readable:
        ws = wb.create_sheet(sheet.name)
        sheet.render(ws)
        digests.append((sheet.name, sheet_digest(sheet.name, sheet.rows)))
    report(progress, 3, 5, "Ghi dữ liệu phiếu")
    bold = Font(bold=True)
    for name, rows in machine_sheets(form, content, scores):
        ws = wb.create_sheet(name)
        _fill(ws, rows)
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        digests.append((name, sheet_digest(name, rows)))
    content_sha = content_digest(digests)
    data_sha = data_digest(content)
    ws = wb.create_sheet(CHECKSUMS)
    check_rows: list[list[Any]] = [
        ["khoa", "gia_tri"],
        ["algorithm", "sha256"],
        ["content_sha256", content_sha],
        ["data_sha256", data_sha],
        *[[f"sheet:{name}", digest] for name, digest in digests],
        [],
        ["Ghi chú", "Không sửa tệp này. Mọi thay đổi ở bất kỳ ô nào sẽ bị phát hiện khi kiểm tra, "
                    "tổng hợp (docs/report-file.md)."],
    ]
    _fill(ws, check_rows)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70
    report(progress, 4, 5, "Đóng gói tệp")
    props = wb.properties
    props.creator = props.lastModifiedBy = "SIPAS Desktop"
    props.title = f"Báo cáo kết quả tự khảo sát – {content.unit_name}"
    when = content.created_at.replace(microsecond=0, tzinfo=None)
    props.created = props.modified = when
    return _deterministic_bytes(wb, when), content_sha, data_sha, scores


def _deterministic_bytes(wb: Any, when: datetime) -> bytes:
    """Save without openpyxl's "modified = now" and with every zip entry stamped `when`."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary name in the same folder, then rename: never half a file."""
    from sipas_desktop.core.files import write_bytes

    write_bytes(path, data, code="REPORT_004")


def write_report_file(content: ReportContent, path: Path | str, *,
                      progress: Progress | None = None) -> WrittenReport:
    """Write the standard report file (atomically); refuse an empty one."""
    if not content.responses:
        raise UserError("Chưa có phiếu nào được nhập; chưa tạo được tệp báo cáo.", code="REPORT_001")
    data, content_sha, data_sha, _ = build_workbook(content, progress=progress)
    write_atomic(Path(path), data)
    report(progress, 5, 5, "Xong")
    return WrittenReport(Path(path), content_sha, data_sha, len(data), len(content.responses))


# --- reading (exchange_read.py) ------------------------------------------------------------

def verify_report_file(path: Path | str, *, progress: Progress | None = None,
                       breakdowns: bool = True) -> Verification:
    """Check a report file completely; never raises for a bad file, says why instead.

    `breakdowns=False` skips the per-field / per-applicant-type indices (the merge does not use them).
    The checks and their codes are in `exchange_read` and docs/report-file.md §10."""
    from sipas_desktop.core.exchange_read import verify

    return verify(path, progress=progress, breakdowns=breakdowns)


def read_report_file(path: Path | str, *, progress: Progress | None = None) -> ReportFile:
    """The checked content of a report file; `UserError` (REPORT_100) with every problem otherwise."""
    result = verify_report_file(path, progress=progress)
    if result.report is None:
        name = Path(path).name
        raise UserError(f"Tệp “{name}” không dùng được: {len(result.problems)} lỗi kiểm tra "
                        f"(tệp hỏng, bị sửa hoặc không phải tệp báo cáo chuẩn).", code="REPORT_100",
                        issues=list(result.problems))
    return result.report


def with_responses(content: ReportContent, responses: Sequence[Response]) -> ReportContent:
    """A copy with other responses (tests, filters)."""
    return replace(content, responses=tuple(responses))
