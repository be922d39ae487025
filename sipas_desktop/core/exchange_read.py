"""Reading and verifying the standard report file (the writer is `exchange.py`; format: docs/report-file.md).

Use it through `exchange.verify_report_file` and `exchange.read_report_file`. Sheets are read
with python-calamine (every number a float, hence `canon_cell`); every problem becomes an `Issue`
with a stable code REPORT_0NN and its place (sheet, row, column), so a bad file is explained, not
raised: the file is recognised, its version checked, every digest recomputed, the embedded
questionnaire rebuilt, the answers parsed and checked row by row, and every stored index recomputed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from itertools import chain, compress
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from operator import itemgetter
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import Issue, Level, UserError
from sipas_desktop.core.exchange import (
    ANSWER_FIXED,
    ANSWERS,
    CHECKSUMS,
    FORM_SOURCE,
    FORMAT_NAME,
    INDICES,
    META,
    ROW_CHECK,
    SAMPLE,
    SEP,
    SUPPORTED_VERSIONS,
    EntryQuality,
    ReportContent,
    ReportFile,
    ReportSummary,
    SampleFacts,
    StratumFacts,
    Verification,
    canon_cell,
    canon_rows,
    canon_sheet_digest,
    content_digest,
    data_digest,
    form_from_source,
)
from sipas_desktop.core.forms.schema import Answer, Form
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.scoring import Response, Scores, round2, score
from sipas_desktop.core.scoring_table import AnswerTable


def _read_sheets(path: Path) -> tuple[list[tuple[str, list[list[Any]]]], list[Issue]]:
    """Every sheet as rows from A1 (empty cells ""), with calamine or, where its compiled module
    does not load (wine, odd platforms, SIPAS_NO_CALAMINE=1), with openpyxl."""
    from sipas_desktop.core.tthc_log.readers import _calamine

    if not path.is_file():
        return [], [Issue("REPORT_010", f"không có tệp “{path}”")]
    calamine = _calamine()
    try:
        if calamine is not None:
            wb = calamine.CalamineWorkbook.from_path(str(path))
            sheets = [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
                      for name in wb.sheet_names]
        else:
            sheets = _read_sheets_openpyxl(path)
    except Exception as exc:  # calamine/openpyxl raise their own types for zip/xml damage
        # the reader's own text is English and technical: keep it for the log, not the user
        logging.getLogger("sipas").info("report file %s unreadable: %s", path, exc)
        return [], [Issue("REPORT_011", "không đọc được tệp Excel: tệp hỏng, tải về chưa hết (bị cắt cụt) "
                                        "hoặc không phải tệp .xlsx")]
    return sheets, []


def _read_sheets_openpyxl(path: Path) -> list[tuple[str, list[list[Any]]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [["" if v is None else v for v in row]
                    for row in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
            width = max((len(r) for r in rows), default=0)
            sheets.append((ws.title, [r + [""] * (width - len(r)) for r in rows]))
        return sheets
    finally:
        wb.close()


def _num(value: Any) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value.strip())
    raise ValueError(value)


_text = canon_cell       # the text of a cell (an alias: a merge calls it hundreds of times per file)


class _Parser:
    """Machine sheets → ReportContent; every problem becomes an Issue with sheet/row/column."""

    def __init__(self, sheets: dict[str, list[list[Any]]],
                 canonical: dict[str, list[list[str]]] | None = None) -> None:
        self.sheets = sheets
        self.canonical = canonical if canonical is not None else {}   # canon_rows, when already made
        self.issues: list[Issue] = []
        self.encoded: list[str | None] = []    # per response its JSON for the data digest, if written
        self._source: str | None = None

    def problem(self, code: str, message: str, sheet: str | None = None, row: int | None = None,
                column: str | None = None) -> None:
        self.issues.append(Issue(code, message, Level.ERROR, sheet, row, column))

    def meta(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row in self.sheets.get(META, [])[1:]:
            if row and _text(row[0]):
                out[_text(row[0])] = row[1] if len(row) > 1 else None
                if _text(row[0]).startswith(("sample.substitution_reason.", "sample.population_by_field.")):
                    out[_text(row[0])] = (_text(row[1]), _num(row[2]) if len(row) > 2 else 0)
        return out

    def form_source(self) -> str:
        """The questionnaire text of PHIEU: column B joined by newlines (from the canonical rows,
        whose trailing empty cells are removed: an empty line has no column B)."""
        if self._source is None:
            rows = self.canonical.get(FORM_SOURCE) or canon_rows(self.sheets.get(FORM_SOURCE, []))
            last = _LAST_SOURCE[0]
            if last[0] is rows:           # the canonical rows of the last file, reused (`_canon_rows`)
                self._source = last[1]
            else:
                self._source = "\n".join([r[1] if len(r) > 1 else "" for r in rows[1:]])
                _LAST_SOURCE[0] = (rows, self._source)
        return self._source

    def int_of(self, meta: dict[str, Any], key: str, required: bool = False) -> int | None:
        value = meta.get(key)
        try:
            number = _num(value)
        except ValueError:
            self.problem("REPORT_021", f"“{key}” phải là số nguyên, đang là “{value}”", META,
                         column="gia_tri")
            return None
        if number is None and required:
            self.problem("REPORT_020", f"thiếu khóa “{key}”", META)
        return number

    def content(self, meta: dict[str, Any], form: Form) -> ReportContent | None:
        def text(key: str, required: bool = True) -> str:
            value = _text(meta.get(key))
            if required and not value:
                self.problem("REPORT_020", f"thiếu khóa “{key}”", META)
            return value

        def day(key: str) -> date | None:
            value = text(key, False)
            try:
                return date.fromisoformat(value) if value else None
            except ValueError:
                self.problem("REPORT_021", f"“{key}” không phải ngày: “{value}”", META)
                return None

        try:
            created = datetime.fromisoformat(text("created_at"))
        except ValueError:
            self.problem("REPORT_021", f"“created_at” không phải thời điểm: “{meta.get('created_at')}”", META)
            created = datetime(1980, 1, 1)
        responses = self.responses(form)
        forms = self.int_of(meta, "forms", True)
        if forms is not None and responses is not None and forms != len(responses):
            what = "thiếu" if len(responses) < forms else "thừa"
            self.problem("REPORT_040", f"tệp ghi {forms} phiếu nhưng trang “{ANSWERS}” có {len(responses)} "
                         f"dòng phiếu ({what} {abs(forms - len(responses))} dòng)", ANSWERS)
        source = self.form_source()
        content = ReportContent(
            unit_code=text("unit_code"), unit_name=text("unit_name"), plan_id=text("plan_id"),
            plan_title=text("plan_title", False), form_id=text("form_id"), form_version=text("form_version"),
            form_source=source, created_at=created,
            responses=responses if isinstance(responses, AnswerTable) else tuple(responses or ()),
            app_version=text("app_version", False), parent_code=text("parent_code", False),
            parent_name=text("parent_name", False), plan_year=self.int_of(meta, "plan_year"),
            window_from=day("window_from"), window_to=day("window_to"),
            sample=self.sample(meta), quality=self.quality(meta))
        return content if responses is not None else None

    def sample(self, meta: dict[str, Any]) -> SampleFacts | None:
        if "sample.population_n" not in meta:
            return None
        strata = []
        for n, row in enumerate(self.sheets.get(SAMPLE, [])[1:], start=2):
            cells = [*row, *[None] * 6][:6]
            if not _text(cells[0]):
                continue
            try:
                strata.append(StratumFacts(_text(cells[0]), _num(cells[1]) or 0, _num(cells[2]) or 0,
                                           _text(cells[3]), _text(cells[4]), _num(cells[5]) or 0))
            except ValueError:
                self.problem("REPORT_021", "N, n và số dự phòng phải là số nguyên", SAMPLE, n)
        reasons = tuple(v for k, v in sorted(meta.items(), key=lambda kv: _suffix(kv[0]))
                        if k.startswith("sample.substitution_reason."))
        by_field = tuple(v for k, v in sorted(meta.items(), key=lambda kv: _suffix(kv[0]))
                         if k.startswith("sample.population_by_field."))
        return SampleFacts(
            population_n=self.int_of(meta, "sample.population_n", True) or 0,
            sample_n=self.int_of(meta, "sample.sample_n", True) or 0, seed=_text(meta.get("sample.seed")),
            reserve_n=self.int_of(meta, "sample.reserve_n") or 0,
            substitutions=self.int_of(meta, "sample.substitutions") or 0, strata=tuple(strata),
            substitution_reasons=reasons, population_by_field=by_field,
            forms_issued=self.int_of(meta, "sample.forms_issued"),
            forms_returned=self.int_of(meta, "sample.forms_returned"),
            drawn_at=_text(meta.get("sample.drawn_at")))

    def quality(self, meta: dict[str, Any]) -> EntryQuality | None:
        if "quality.forms_keyed" not in meta:
            return None
        return EntryQuality(*(self.int_of(meta, f"quality.{k}") or 0 for k in (
            "forms_keyed", "forms_double_entered", "answers_compared", "answers_differing")))

    def responses(self, form: Form) -> Sequence[Response] | None:
        """The forms of TRA_LOI: an `AnswerTable` when every cell is one its column's parser knows
        (row checks, numbers and the data digest's JSON done here, no `Response` built yet), else a
        list of `Response` read the long way, cell by cell."""
        table = self._table(form)
        return table if table is not None else self._responses(form)

    def _table(self, form: Form) -> AnswerTable | None:
        rows = self.sheets.get(ANSWERS)
        if not rows:
            return None
        canonical = self.canonical.get(ANSWERS) or canon_rows(rows)
        expected = [*ANSWER_FIXED, *(q.id for q in form.questions), ROW_CHECK]
        if canonical[0] != expected:
            return None
        issues = len(self.issues)
        out: list[list[str]] = []
        seen: set[str] = set()
        width = len(expected)
        _, parsers, pair_json, pick = _column_parsers(form)
        encoded = self.encoded = []
        for n, cells in enumerate(canonical[1:], start=2):
            cells = self._checked_row(cells, width, n, seen)
            if cells is None:
                continue
            number = cells[0]
            try:        # parses every answer cell: a text no parser knows raises
                pairs = ",".join(filter(None, map(_lookup, pair_json, pick(cells))))
            except (KeyError, ValueError):
                del self.issues[issues:]          # the long way reports this row and all the others
                return None
            encoded.append(f"[{_js(number)},{_js(cells[1])},{_js(cells[2])},[{pairs}]]")
            out.append(cells)
        return AnswerTable(form, out, parsers)

    def _checked_row(self, cells: list[str], width: int, n: int, seen: set[str]) -> list[str] | None:
        """Row n of TRA_LOI padded to the full width, after its row check (REPORT_043) and the
        uniqueness of its form number (REPORT_044, `seen` holds the numbers met so far); None for
        an empty row, which is skipped."""
        if len(cells) != width:
            cells = [*cells, *[""] * width][:width]
        if not any(cells):
            return None
        checked = cells[:-1]
        while checked and checked[-1] == "":
            checked.pop()
        if cells[-1] != _sha256(SEP.join(checked).encode()).hexdigest()[:16]:
            self.problem("REPORT_043", "nội dung dòng khác mã kiểm tra của dòng (dòng đã bị sửa)",
                         ANSWERS, n, ROW_CHECK)
        number = cells[0]
        if number in seen:
            self.problem("REPORT_044", f"số phiếu “{number}” xuất hiện hai lần", ANSWERS, n, "so_phieu")
        seen.add(number)
        return cells

    def _responses(self, form: Form) -> list[Response] | None:
        rows = self.sheets.get(ANSWERS)
        if not rows:
            self.problem("REPORT_041", "không có trang dữ liệu phiếu", ANSWERS)
            return None
        canonical = self.canonical.get(ANSWERS) or canon_rows(rows)
        header = canonical[0]                        # canonical cells, trailing empty ones removed
        expected = [*ANSWER_FIXED, *(q.id for q in form.questions), ROW_CHECK]
        if header != expected:
            missing = [h for h in expected if h not in header]
            extra = [h for h in header if h not in expected]
            detail = (f"; thiếu cột {', '.join(missing)}" if missing else "") + \
                     (f"; thừa cột {', '.join(extra)}" if extra else "")
            self.problem("REPORT_042", "dòng tiêu đề không khớp với các câu của phiếu" + (detail or
                         " (thứ tự cột bị đổi)"), ANSWERS, 1)
            return None
        out: list[Response] = []
        seen: set[str] = set()
        width = len(expected)
        qids, parsers, pair_json, pick = _column_parsers(form)
        encoded = self.encoded = []
        # Each row is read from its canonical cells (made once, for the sheet digest too): what the
        # row check hashes, and the answers through one lookup per cell. A cell the fast parsers do
        # not know (a bad code, a number written as text, …) sends the row to `_answer`.
        for n, (row, cells) in enumerate(zip(rows[1:], canonical[1:], strict=True), start=2):
            cells = self._checked_row(cells, width, n, seen)
            if cells is None:
                continue
            number = cells[0]
            given = cells[3:-1]
            try:            # {qid: parse[cell] for each non-empty cell}, without a Python loop
                answers: dict[str, Answer] = dict(zip(compress(qids, given), map(
                    _lookup, compress(parsers, given), compress(given, given)), strict=True))
            except (KeyError, ValueError):
                answers = self._answers(form, [*row, *[None] * width][:width], n)
                encoded.append(None)          # the data digest writes this one the plain way
            else:
                # Its JSON for the data digest, from the same cells: the [id, answer] pair of each
                # answered column in sorted id order, each distinct pair written once (a blank cell
                # gives "" and is dropped). Tested against json.dumps.
                pairs = ",".join(filter(None, map(_lookup, pair_json, pick(cells))))
                encoded.append(f"[{_js(number)},{_js(cells[1])},{_js(cells[2])},[{pairs}]]")
            out.append(Response(number, answers, cells[1], cells[2]))
        return out

    def _answers(self, form: Form, cells: list[Any], row: int) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        for q, value in zip(form.questions, cells[3:-1], strict=True):
            parsed = self._answer(q.type, value, row, q.id)
            if parsed is not None:
                answers[q.id] = parsed
        return answers

    def _answer(self, qtype: str, value: Any, row: int, column: str) -> Answer:
        if value is None or value == "":
            return None
        try:
            if qtype == "text":
                return _text(value)
            if qtype == "multiple":
                parts = _text(value).split(";")
                return sorted(int(p) for p in parts if p.strip())
            return _num(value)
        except ValueError:
            self.problem("REPORT_045", f"giá trị “{_text(value)}” không phải mã trả lời hợp lệ", ANSWERS, row,
                         column)
            return None

    def stored_indices(self) -> dict[tuple[str, str], float | None]:
        out = {}
        for row in self.sheets.get(INDICES, [])[1:]:
            if len(row) >= 2 and _text(row[0]):
                value = row[2] if len(row) > 2 else None
                out[(_text(row[0]), _text(row[1]))] = None if value in (None, "") else float(value)
        return out


def _suffix(key: str) -> int:
    tail = key.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else 0


# The canonical text of a whole number → the number: a code read from a number cell. Only the exact
# canonical form of an int is a key ("4", not "04", " 4" or "4.0"), so a hit means the same as
# `_num` on the cell; anything else raises KeyError and goes the long way.
_CODES = {str(i): i for i in range(-999, 10_000)}


class _Text(dict[str, str]):
    """A text answer is its canonical text."""

    def __missing__(self, value: str) -> str:
        return value


class _Codes(dict[str, list[int]]):
    """A multiple-choice answer, "1;3" → [1, 3], as `_Parser._answer` reads it (ValueError if not);
    a new list each time (answers are not shared between forms), from the codes parsed once."""

    def __init__(self) -> None:
        super().__init__()
        self.parsed: dict[str, tuple[int, ...]] = {}

    def __missing__(self, value: str) -> list[int]:
        codes = self.parsed.get(value)
        if codes is None:
            codes = tuple(sorted(int(p) for p in value.split(";") if p.strip()))
            if len(self.parsed) > 10_000:
                self.parsed.clear()
            self.parsed[value] = codes
        return list(codes)


_PARSER_OF: dict[str, dict[str, Any]] = {"text": _Text(), "multiple": _Codes()}
_sha256 = hashlib.sha256
_lookup = dict.__getitem__       # on a dict subclass: its __missing__ for a key it does not hold
_PARSERS: dict[int, tuple[Any, ...]] = {}


def _column_parsers(form: Form) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[_PairJson, ...],
                                         Callable[[list[str]], tuple[str, ...]]]:
    """Per answer column its question id and its parser; then, in sorted question-id order (the
    order of the data digest), per column its `_PairJson` and a function picking those cells from a
    row. Kept per form: a merge reads thousands of files of the same questionnaire."""
    cached = _PARSERS.get(id(form))
    if cached is None or cached[0] is not form:
        if len(_PARSERS) > 32:
            _PARSERS.clear()
        questions = form.questions
        order = sorted(range(len(questions)), key=lambda i: questions[i].id)
        pairs = tuple(_PairJson(questions[i].id, questions[i].type) for i in order)
        pick = itemgetter(*(3 + i for i in order)) if len(order) > 1 else \
            (lambda cells: tuple(cells[3 + i] for i in order))
        cached = _PARSERS[id(form)] = (form, tuple(q.id for q in questions),
                                       tuple(_PARSER_OF.get(q.type, _CODES) for q in questions), pairs, pick)
    return cached[1], cached[2], cached[3], cached[4]


class _PairJson(dict[str, str]):
    """One answer column: canonical cell → the JSON of [question id, answer] exactly as json.dumps
    writes it in the data digest, the answer parsed as `_Parser.responses` parses it on its fast
    path; a blank cell → "" (no pair)."""

    def __init__(self, qid: str, kind: str) -> None:
        super().__init__({"": ""})
        self.qid = qid
        self.parse = _PARSER_OF.get(kind, _CODES)

    def __missing__(self, cell: str) -> str:
        text = json.dumps([self.qid, self.parse[cell]], ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))
        if len(self) > 20_000:            # free-text columns: keep the memory bounded
            self.clear()
            self[""] = ""
        if len(cell) <= 200:
            self[cell] = text
        return text

_js = encode_basestring          # the C string writer json.dumps uses with ensure_ascii=False


# The questionnaire sheet of the last file read, canonical and digested: every file of a merge
# embeds the same questionnaire text, and comparing the cells read with the ones of the last file
# (both only float and str, which compare equal only to the same value of the same type) costs
# far less than canonicalising and hashing them again. Same rows → same canonical rows → same digest.
_LAST: dict[str, tuple[list[list[Any]], list[list[str]], str | None]] = {}
# …and its questionnaire text, joined from those canonical rows: the same text object for every file
# whose PHIEU reuses them (so its SHA-256 and the caches keyed by it are not computed again).
_LAST_SOURCE: list[tuple[list[list[str]], str]] = [([], "")]
_PLAIN_CELLS = frozenset({float, str})


def _canon_rows(name: str, rows: list[list[Any]]) -> list[list[str]]:
    if name != FORM_SOURCE:
        return canon_rows(rows)
    last = _LAST.get(name)
    if last is not None and last[0] == rows and set(map(type, chain.from_iterable(rows))) <= _PLAIN_CELLS:
        return last[1]
    canonical = canon_rows(rows)
    if set(map(type, chain.from_iterable(rows))) <= _PLAIN_CELLS:
        _LAST[name] = (rows, canonical, None)
    return canonical


def _sheet_digest(name: str, canonical: list[list[str]]) -> str:
    last = _LAST.get(name)
    if last is not None and last[1] is canonical:
        if last[2] is None:
            _LAST[name] = (last[0], canonical, canon_sheet_digest(name, canonical))
        return _LAST[name][2]  # type: ignore[return-value]
    return canon_sheet_digest(name, canonical)


def _check_digests(sheets: list[tuple[str, list[list[Any]]]], problems: list[Issue],
                   canonical: dict[str, list[list[str]]] | None = None
                   ) -> tuple[str | None, str | None, str | None]:
    names = [n for n, _ in sheets]
    if CHECKSUMS not in names:
        problems.append(Issue("REPORT_012", "không có trang mã kiểm tra KIEM_TRA: không phải tệp báo cáo "
                              "chuẩn hoặc đã bị cắt"))
        return None, None, None
    stored: dict[str, str] = {}
    for row in dict(sheets)[CHECKSUMS][1:]:
        if len(row) >= 2 and _text(row[0]):
            stored[_text(row[0])] = _text(row[1])
    canonical = canonical if canonical is not None else {}
    digests = [(n, _sheet_digest(n, canonical[n] if n in canonical else canon_rows(rows)))
               for n, rows in sheets if n != CHECKSUMS]
    computed = content_digest(digests)
    claimed = stored.get("content_sha256")
    if claimed != computed:
        listed = [k.removeprefix("sheet:") for k in stored if k.startswith("sheet:")]
        for name, digest in digests:
            if f"sheet:{name}" not in stored:
                problems.append(Issue("REPORT_014", "trang này không có trong tệp gốc (đã thêm vào)",
                                      sheet=name))
            elif stored[f"sheet:{name}"] != digest:
                problems.append(Issue("REPORT_015", "nội dung trang đã bị thay đổi sau khi tạo tệp",
                                      sheet=name))
        for name in listed:
            if name not in names:
                problems.append(Issue("REPORT_016", "trang này đã bị xóa khỏi tệp", sheet=name))
        if [n for n, _ in digests] != [n for n in listed if n in names] and not any(
                p.code in ("REPORT_014", "REPORT_016") for p in problems):
            problems.append(Issue("REPORT_017", "thứ tự các trang đã bị thay đổi"))
        problems.append(Issue("REPORT_013", "mã kiểm tra SHA-256 không khớp: tệp đã bị sửa hoặc bị cắt "
                              "sau khi tạo", sheet=CHECKSUMS))
    return claimed, computed, stored.get("data_sha256")


def verify(path: Path | str, *, progress: Progress | None = None, breakdowns: bool = True,
           lazy: bool = False) -> Verification:
    """Check a report file completely; never raises for a bad file, says why instead.

    `breakdowns=False` skips the per-field / per-applicant-type indices (the merge does not use them).
    `lazy=True` (the merge) may leave the answers as an `AnswerTable` in `content.responses`: the same
    checks, a `Response` per form only built if someone iterates them."""
    path = Path(path)
    report(progress, 0, 4, "Đọc tệp")
    sheet_list, problems = _read_sheets(path)
    if problems:
        return Verification(str(path), False, None, tuple(problems))
    sheets = dict(sheet_list)
    parser = _Parser(sheets, canonical := {})
    meta = parser.meta()
    if _text(meta.get("format")) != FORMAT_NAME:
        return Verification(str(path), False, None, (Issue(
            "REPORT_012", "tệp không phải tệp báo cáo chuẩn SIPAS (không có trang META hợp lệ)",
            sheet=META),))
    version = parser.int_of(meta, "format_version", True)
    if version not in SUPPORTED_VERSIONS:
        return Verification(str(path), False, version, (Issue(
            "REPORT_018", f"định dạng phiên bản {version} chưa được hỗ trợ (chương trình đọc phiên bản "
                          f"{', '.join(map(str, SUPPORTED_VERSIONS))}); hãy cập nhật SIPAS Desktop",
            sheet=META),))
    report(progress, 1, 4, "Kiểm tra mã SHA-256")
    # Every cell canonicalised once: for the digests, then the answers are read from the same rows.
    # (A workbook with two sheets of one name is digested sheet by sheet, parsed by its last one.)
    if len(sheets) == len(sheet_list):
        canonical.update((name, _canon_rows(name, rows)) for name, rows in sheet_list if name != CHECKSUMS)
    claimed, computed, data_sha = _check_digests(sheet_list, problems, canonical)
    report(progress, 2, 4, "Đọc dữ liệu phiếu")
    source = parser.form_source()
    form, form_issues = form_from_source(source, _text(meta.get("form_id")) or "phieu")
    problems += form_issues
    content = parser.content(meta, form) if form is not None else None
    if content is not None:
        content = replace(content, extra_sheets=_extra_sheets(sheet_list))
    problems += parser.issues
    scores = None
    warnings: list[Issue] = []
    if content is not None and form is not None:
        if (form.id, form.version) != (content.form_id, content.form_version):
            problems.append(Issue("REPORT_032", f"phiếu nhúng là “{form.id}” phiên bản {form.version}, khác "
                                  f"“{content.form_id}” phiên bản {content.form_version} ghi ở META",
                                  sheet=META))
        report(progress, 3, 4, "Tính lại chỉ số")
        try:
            responses = content.responses
            scores = responses.score(form, breakdowns=breakdowns) if isinstance(responses, AnswerTable) \
                else score(form, responses, breakdowns=breakdowns)
        except UserError as exc:
            problems.append(Issue(exc.code, exc.message, sheet=FORM_SOURCE))
        if scores is not None:
            _compare_indices(parser.stored_indices(), scores, problems)
            valid = parser.int_of(meta, "valid_forms")
            if valid is not None and valid != scores.valid_forms:
                problems.append(Issue("REPORT_051", f"tệp ghi {valid} phiếu hợp lệ, tính lại được "
                                      f"{scores.valid_forms}", sheet=META))
            warnings += scores.warnings
        if data_sha and data_sha != data_digest(content, parser.encoded):
            problems.append(Issue("REPORT_019", "mã dữ liệu data_sha256 không khớp với dữ liệu phiếu",
                                  sheet=CHECKSUMS))
    summary = None
    if content is not None:
        summary = ReportSummary(content.unit_code, content.unit_name, content.plan_id, content.plan_title,
                                content.form_id, content.form_version, len(content.responses),
                                scores.valid_forms if scores else None, scores.overall if scores else None,
                                content.created_at.isoformat(), content.app_version)
    if content is not None and not lazy and isinstance(content.responses, AnswerTable):
        content = replace(content, responses=content.responses.responses())
    intact = not problems
    parsed = ReportFile(str(path), version, content, form, scores, claimed or "", data_sha or "") \
        if intact and content is not None and form is not None and scores is not None else None
    report(progress, 4, 4, "Xong")
    return Verification(str(path), intact, version, tuple(problems), tuple(warnings), claimed, computed,
                        data_sha, summary, parsed)


def _extra_sheets(sheet_list: list[tuple[str, list[list[Any]]]]
                  ) -> tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]:
    """The sheets between TRA_LOI and KIEM_TRA (see ReportContent.extra_sheets)."""
    names = [n for n, _ in sheet_list]
    if ANSWERS not in names:
        return ()
    after = sheet_list[names.index(ANSWERS) + 1:]
    return tuple((n, tuple(tuple(r) for r in rows)) for n, rows in after if n != CHECKSUMS)


def _compare_indices(stored: dict[tuple[str, str], float | None], scores: Scores,
                     problems: list[Issue]) -> None:
    expected: dict[tuple[str, str], float | None] = {}
    expected.update({("index", i.id): i.index for i in scores.indices})
    expected.update({("block", b.id): b.index for b in scores.blocks})
    expected.update({("element", e.id): e.index for e in scores.elements})
    expected.update({("criterion", c.id): c.index for c in scores.criteria})
    expected.update({("expectation", x.question_id): x.index for x in scores.expectations})
    for key, value in expected.items():
        got = stored.get(key, "missing")
        if got == "missing":
            problems.append(Issue("REPORT_050", f"thiếu chỉ số {key[0]} “{key[1]}”", sheet=INDICES))
        elif (got is None) != (value is None) or (
                got is not None and value is not None and abs(got - value) > 0.00051):
            problems.append(Issue("REPORT_050",
                                  f"chỉ số {key[0]} “{key[1]}” ghi trong tệp ({got}) khác giá trị "
                                  f"tính lại từ phiếu ({round2(value)})", sheet=INDICES))
