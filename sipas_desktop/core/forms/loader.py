"""Load a questionnaire file: file → dict (tomllib) → checked → frozen `Form` (pyxform style).

`check_form_file(path)` returns every problem (errors and warnings) with its code and place;
`load_form_file(path)` returns the `Form` or raises `UserError` carrying all the issues. The file
format is documented in docs/forms.md (why TOML: docs/decisions/0004-forms-as-toml.md).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms.issues import FormIssue, IssueCollector
from sipas_desktop.core.forms.schema import (
    BLANK_RULES,
    CHOICE_TYPES,
    CRITERION_RULES,
    ELEMENT_RULES,
    INDEX_RULES,
    QUESTION_TYPES,
    Block,
    Choice,
    Criterion,
    Element,
    Expectations,
    Form,
    Grid,
    Index,
    Question,
    Scoring,
    Section,
    SkipCondition,
)
from sipas_desktop.core.text import nfc

FORMAT_VERSION = 1
SUFFIX = ".toml"
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")

TOP_KEYS = {"format", "id", "version", "title", "short_title", "legal_basis", "source", "unconfirmed",
            "intro", "closing", "no_answer_code", "no_answer_label", "scales", "sections", "scoring"}
SECTION_KEYS = {"id", "title", "intro", "questions"}
QUESTION_KEYS = {"id", "number", "text", "type", "required", "choices", "scale", "skip_if", "min", "max",
                 "max_length", "max_choices", "note", "items"}
ITEM_KEYS = QUESTION_KEYS - {"items"}
SCORING_KEYS = {"valid_codes", "satisfied_codes", "blank", "criterion_rule", "element_rule", "elements",
                "blocks", "indices", "expectations", "note"}
TYPE_NAMES = {str: "chuỗi chữ", int: "số nguyên", bool: "true/false", list: "danh sách", dict: "bảng"}


class _Reader:
    """Typed access to one table of the file; every problem goes to the collector with its place."""

    def __init__(self, issues: IssueCollector, table: dict[str, Any], allowed: set[str], *,
                 section: str | None = None, question: str | None = None, part: str | None = None):
        self.issues, self.table = issues, table
        self.where = {"section": section, "question": question, "part": part}
        for key in table:
            if key not in allowed:
                issues.warn("FORM_005", f"khóa “{key}” không được dùng ở đây (gõ nhầm?); đã bỏ qua",
                            **self.where)

    def get(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        if key not in self.table:
            if required:
                self.issues.add("FORM_003", f"thiếu khóa bắt buộc “{key}”", **self.where)
            return default
        value = self.table[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            self.issues.add("FORM_004", f"“{key}” phải là {TYPE_NAMES.get(kind, kind.__name__)}, "
                            f"đang là {value!r}", **self.where)
            return default
        return nfc(value) if kind is str else value

    def ident(self, key: str = "id", *, required: bool = True) -> str | None:
        value = self.get(key, str, required=required)
        if value is not None and not _ID.match(value):
            self.issues.add("FORM_006", f"mã “{value}” chỉ được dùng chữ thường không dấu, số và _ . -",
                            **self.where)
        return value

    def codes(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
        value = self.get(key, list, None)
        if value is None:
            return default
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            self.issues.add("FORM_004", f"“{key}” phải là danh sách số nguyên, đang là {value!r}",
                            **self.where)
            return default
        return tuple(value)


def read_form_dict(path: Path, issues: IssueCollector) -> dict[str, Any] | None:
    """Step 1 of the pipeline: the file as a dict, or None with FORM_001/FORM_002."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        issues.add("FORM_001", f"không đọc được tệp: {exc.strerror or exc}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        issues.add("FORM_001", "tệp không phải văn bản UTF-8; hãy lưu lại với bảng mã UTF-8")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message is English; keep it as detail, but say where in Vietnamese
        detail = str(exc)
        at = _TOML_AT.search(detail)
        if at:
            where = f"dòng {at.group(1)}, cột {at.group(2)}"
        else:
            where = "cuối tệp" if "end of document" in detail else None
        issues.add("FORM_002", "sai cú pháp TOML (thiếu dấu ngoặc kép, dấu “=” hay dấu phẩy?); chi tiết: "
                   + _TOML_AT.sub("", detail).strip(), part=where)
        return None


def _choices(r: _Reader, raw: Any, no_answer: int) -> tuple[Choice, ...]:
    if not isinstance(raw, list):
        r.issues.add("FORM_004", "“choices” phải là danh sách các {code = …, label = …}", **r.where)
        return ()
    out: list[Choice] = []
    seen: set[int] = set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            r.issues.add("FORM_004", f"lựa chọn thứ {n} phải có dạng {{code = 1, label = \"…\"}}", **r.where)
            continue
        code, label = item.get("code"), item.get("label")
        if code is None:
            r.issues.add("FORM_023", f"lựa chọn thứ {n} (“{label or ''}”) không có mã (code)", **r.where)
            continue
        if not isinstance(code, int) or isinstance(code, bool) or not 0 <= code <= 99:
            r.issues.add("FORM_025", f"mã của lựa chọn thứ {n} phải là số nguyên 0–99, đang là {code!r}",
                         **r.where)
            continue
        if code == no_answer:
            r.issues.add("FORM_025", f"mã {code} của lựa chọn thứ {n} trùng mã “không trả lời” "
                         f"({no_answer})", **r.where)
            continue
        if code in seen:
            r.issues.add("FORM_024", f"mã {code} dùng hai lần trong cùng một câu", **r.where)
            continue
        if not isinstance(label, str) or not nfc(label):
            r.issues.add("FORM_026", f"lựa chọn mã {code} không có nhãn (label)", **r.where)
            continue
        seen.add(code)
        out.append(Choice(code, nfc(label)))
    return tuple(out)


def _skip_conditions(r: _Reader, raw: Any) -> tuple[SkipCondition, ...]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("question"), str) \
                or not isinstance(item.get("codes"), list) \
                or not all(isinstance(c, int) and not isinstance(c, bool) for c in item["codes"]):
            r.issues.add("FORM_004", "“skip_if” phải có dạng {question = \"mã câu\", codes = [2, 3]}",
                         **r.where)
            continue
        out.append(SkipCondition(item["question"], tuple(item["codes"])))
    return tuple(out)


class _Builder:
    def __init__(self, data: dict[str, Any], issues: IssueCollector) -> None:
        self.data, self.issues = data, issues
        self.scales: dict[str, tuple[Choice, ...]] = {}
        self.questions: dict[str, Question] = {}
        self.all_ids: set[str] = set()   # every question id in the file, for "later question"
        self.no_answer = 9

    # -- top level ------------------------------------------------------------------------------
    def build(self, path: Path) -> Form | None:
        r = _Reader(self.issues, self.data, TOP_KEYS)
        fmt = r.get("format", int, FORMAT_VERSION)
        if fmt != FORMAT_VERSION:
            self.issues.add("FORM_007", f"định dạng phiên bản {fmt} chưa được hỗ trợ "
                            f"(chương trình đọc phiên bản {FORMAT_VERSION})")
            return None
        form_id = r.ident("id")
        if form_id and path.stem != form_id:
            self.issues.warn("FORM_008", f"mã phiếu “{form_id}” khác tên tệp “{path.stem}”")
        version = r.get("version", str, required=True)
        title = r.get("title", str, required=True)
        self.no_answer = r.get("no_answer_code", int, 9)
        unconfirmed = r.get("unconfirmed", list, [])
        self._scales(r.get("scales", dict, {}))
        self._collect_ids()
        sections = self._sections(r.get("sections", list, None, required=True) or [])
        scoring_raw = r.get("scoring", dict, None)
        scoring = self._scoring(scoring_raw) if scoring_raw is not None else None
        if self.issues.errors:
            return None
        return Form(
            id=form_id, version=version, title=title,
            legal_basis=r.get("legal_basis", str, ""), source=r.get("source", str, ""),
            unconfirmed=tuple(nfc(u) for u in unconfirmed if isinstance(u, str)),
            sections=tuple(sections), scoring=scoring, no_answer_code=self.no_answer,
            no_answer_label=r.get("no_answer_label", str, "Không trả lời"),
            intro=r.get("intro", str, ""), closing=r.get("closing", str, ""),
            short_title=r.get("short_title", str, ""), path=str(path),
        )

    def _scales(self, raw: dict[str, Any]) -> None:
        for name, table in raw.items():
            part = f"thang đo “{name}”"
            if not isinstance(table, dict):
                self.issues.add("FORM_004", "thang đo phải là một bảng có “choices”", part=part)
                continue
            r = _Reader(self.issues, table, {"choices"}, part=part)
            self.scales[name] = _choices(r, r.get("choices", list, [], required=True), self.no_answer)

    # -- sections and questions -----------------------------------------------------------------
    def _collect_ids(self) -> None:
        for section in self.data.get("sections", []) if isinstance(self.data.get("sections"), list) else []:
            for q in section.get("questions", []) if isinstance(section, dict) else []:
                if not isinstance(q, dict):
                    continue
                rows = q.get("items") if isinstance(q.get("items"), list) else [q]
                self.all_ids.update(i["id"] for i in rows
                                    if isinstance(i, dict) and isinstance(i.get("id"), str))

    def _sections(self, raw: list[Any]) -> list[Section]:
        sections: list[Section] = []
        seen: set[str] = set()
        for n, table in enumerate(raw, start=1):
            if not isinstance(table, dict):
                self.issues.add("FORM_004", f"phần thứ {n} phải là một bảng [[sections]]")
                continue
            r = _Reader(self.issues, table, SECTION_KEYS, section=str(table.get("id", n)))
            sid = r.ident("id") or f"#{n}"
            if sid in seen:
                self.issues.add("FORM_010", f"mã phần “{sid}” dùng hai lần", section=sid)
            seen.add(sid)
            questions = self._questions(sid, r.get("questions", list, []))
            if not questions:
                self.issues.add("FORM_011", "phần không có câu hỏi nào", section=sid)
            sections.append(Section(sid, r.get("title", str, "", required=True), tuple(questions),
                                    r.get("intro", str, "")))
        return sections

    def _questions(self, sid: str, raw: list[Any]) -> list[Question]:
        out: list[Question] = []
        for n, table in enumerate(raw, start=1):
            if not isinstance(table, dict):
                self.issues.add("FORM_004", f"câu thứ {n} phải là một bảng [[sections.questions]]",
                                section=sid)
                continue
            if "items" in table:
                out.extend(self._grid(sid, table))
            else:
                question = self._question(sid, table, {})
                if question:
                    out.append(question)
        return out

    def _grid(self, sid: str, table: dict[str, Any]) -> list[Question]:
        r = _Reader(self.issues, table, QUESTION_KEYS, section=sid, question=str(table.get("id", "")))
        gid = r.ident("id") or ""
        grid = Grid(gid, r.get("text", str, ""))
        items = r.get("items", list, [])
        if not items:
            self.issues.add("FORM_034", "bảng nhận định (items) không có dòng nào", section=sid, question=gid)
        shared = {k: v for k, v in table.items() if k not in ("id", "items", "text", "number", "note")}
        out = []
        for item in items:
            if not isinstance(item, dict):
                self.issues.add("FORM_004", "mỗi dòng của items phải có dạng {id = …, text = …}",
                                section=sid, question=gid)
                continue
            question = self._question(sid, {**shared, **item}, {"grid": grid})
            if question:
                out.append(question)
        return out

    def _question(self, sid: str, table: dict[str, Any], extra: dict[str, Any]) -> Question | None:
        qid_raw = table.get("id")
        r = _Reader(self.issues, table, QUESTION_KEYS if not extra else ITEM_KEYS, section=sid,
                    question=str(qid_raw) if qid_raw is not None else None)
        qid = r.ident("id")
        if qid is None:
            return None
        if qid in self.questions:
            self.issues.add("FORM_020", f"mã câu “{qid}” dùng hai lần (mã câu phải duy nhất trong phiếu)",
                            section=sid, question=qid)
            return None
        qtype = r.get("type", str, "", required=True)
        if qtype and qtype not in QUESTION_TYPES:
            self.issues.add("FORM_021", f"loại câu “{qtype}” không có; dùng một trong: "
                            + ", ".join(QUESTION_TYPES), section=sid, question=qid)
        text = r.get("text", str, "")
        if not text:
            self.issues.add("FORM_029", "câu hỏi không có nội dung (text)", section=sid, question=qid)
        choices: tuple[Choice, ...] = ()
        scale = r.get("scale", str, None)
        if qtype in CHOICE_TYPES:
            if scale is not None:
                if scale not in self.scales:
                    self.issues.add("FORM_027", f"thang đo “{scale}” chưa khai báo trong [scales]",
                                    section=sid, question=qid)
                choices = self.scales.get(scale, ())
            elif "choices" in table:
                choices = _choices(r, table["choices"], self.no_answer)
            if not choices and (scale is None or scale in self.scales):
                self.issues.add("FORM_022", "câu hỏi lựa chọn không có lựa chọn nào (choices hoặc scale)",
                                section=sid, question=qid)
        lo, hi = r.get("min", int, None), r.get("max", int, None)
        if lo is not None and hi is not None and lo > hi:
            self.issues.add("FORM_028", f"min ({lo}) lớn hơn max ({hi})", section=sid, question=qid)
        skip = _skip_conditions(r, table["skip_if"]) if "skip_if" in table else ()
        box = len(self.questions) + 1
        question = Question(
            id=qid, box=box, number=r.get("number", str, str(box)), text=text, type=qtype,
            required=r.get("required", bool, qtype != "text"), choices=choices, scale=scale,
            skip_if=skip, min=lo if qtype == "integer" else None,
            max=hi if qtype == "integer" else None, max_length=r.get("max_length", int, None),
            max_choices=r.get("max_choices", int, None), note=r.get("note", str, ""),
            grid=extra.get("grid"), section=sid,
        )
        self._check_skips(question)
        self.questions[qid] = question
        return question

    def _check_skips(self, q: Question) -> None:
        for cond in q.skip_if:
            where = {"section": q.section, "question": q.id}
            target = self.questions.get(cond.question)
            if cond.question == q.id or (target is None and cond.question in self.all_ids):
                self.issues.add("FORM_031", "điều kiện bỏ qua phải dựa vào một câu đứng trước", **where)
            elif target is None:
                self.issues.add("FORM_030", f"điều kiện bỏ qua nhắc tới câu “{cond.question}” không có "
                                "trong phiếu", **where)
            elif not target.is_choice:
                self.issues.add("FORM_033", f"điều kiện bỏ qua dựa vào câu “{target.id}” không có mã "
                                "lựa chọn", **where)
            else:
                bad = [c for c in cond.codes if c not in target.codes and c != self.no_answer]
                if bad:
                    self.issues.add("FORM_032", f"mã {', '.join(map(str, bad))} không phải mã của câu "
                                    f"“{target.id}”", **where)

    # -- scoring ----------------------------------------------------------------------------------
    def _scoring(self, raw: dict[str, Any]) -> Scoring | None:
        part = "phần tính điểm [scoring]"
        r = _Reader(self.issues, raw, SCORING_KEYS, part=part)
        valid = r.codes("valid_codes", (1, 2, 3, 4, 5))
        satisfied = r.codes("satisfied_codes", (4, 5))
        if not set(satisfied) <= set(valid):
            self.issues.add("FORM_048", "satisfied_codes phải nằm trong valid_codes", part=part)
        rules = {}
        for key, allowed, default in (("blank", BLANK_RULES, "exclude"),
                                      ("criterion_rule", CRITERION_RULES, "share_satisfied"),
                                      ("element_rule", ELEMENT_RULES, "mean_of_criteria")):
            rules[key] = r.get(key, str, default)
            if rules[key] not in allowed:
                self.issues.add("FORM_049", f"quy tắc {key} = “{rules[key]}” không có; dùng: "
                                + ", ".join(allowed), part=part)
        ids: set[str] = set()
        elements = self._elements(r.get("elements", list, []), valid, ids)
        known = {e.id for e in elements}
        blocks, block_ids = [], set()
        for table in r.get("blocks", list, []):
            br = self._table(table, {"id", "title", "elements"}, "khối")
            if br is None:
                continue
            bid = self._unique(br.ident("id") or "", block_ids, "khối")
            members = tuple(br.get("elements", list, []))
            for e in members:
                if e not in known:
                    self.issues.add("FORM_045", f"khối “{bid}” nhắc tới yếu tố “{e}” không có", part=part)
            blocks.append(Block(bid, br.get("title", str, "", required=True), members))
        indices = self._indices(r.get("indices", list, []), known, {b.id: b for b in blocks}, set())
        used = {e for i in indices for e in i.elements}
        for e in elements:
            if e.id not in used:
                self.issues.warn("FORM_053", f"yếu tố “{e.id}” không thuộc chỉ số nào", part=part)
        expectations = self._expectations(r.get("expectations", dict, {}))
        return Scoring(valid, satisfied, rules["blank"], rules["criterion_rule"], rules["element_rule"],
                       tuple(elements), tuple(indices), tuple(blocks), expectations, r.get("note", str, ""))

    def _table(self, table: Any, keys: set[str], what: str, part: str = "phần tính điểm [scoring]"):
        if not isinstance(table, dict):
            self.issues.add("FORM_004", f"mỗi {what} phải là một bảng", part=part)
            return None
        return _Reader(self.issues, table, keys, part=f"{part} › {what} “{table.get('id', '?')}”")

    def _unique(self, ident: str, seen: set[str], what: str) -> str:
        if ident in seen:
            self.issues.add("FORM_044", f"mã {what} “{ident}” dùng hai lần", part="phần tính điểm [scoring]")
        seen.add(ident)
        return ident

    def _elements(self, raw: list[Any], valid: tuple[int, ...], ids: set[str]) -> list[Element]:
        elements, scored = [], {}
        for table in raw:
            er = self._table(table, {"id", "title", "criteria"}, "yếu tố")
            if er is None:
                continue
            eid = self._unique(er.ident("id") or "", ids, "yếu tố")
            part = f"phần tính điểm › yếu tố “{eid}”"
            criteria = []
            for n, item in enumerate(er.get("criteria", list, []), start=1):
                if isinstance(item, str):          # short form: one question = one criterion
                    cid, ctitle, qids = item, "", [item]
                elif isinstance(item, dict):
                    cr = _Reader(self.issues, item, {"id", "title", "questions"}, part=part)
                    cid = cr.ident("id") or f"{eid}.{n}"
                    ctitle, qids = cr.get("title", str, ""), cr.get("questions", list, [])
                else:
                    self.issues.add("FORM_004", f"tiêu chí thứ {n} phải là mã câu hoặc bảng "
                                    "{id, title, questions}", part=part)
                    continue
                cid = self._unique(cid, ids, "tiêu chí")
                if not qids:
                    self.issues.add("FORM_043", f"tiêu chí “{cid}” không có câu hỏi nào", part=part)
                for qid in qids:
                    self._check_scored(qid, part, valid, scored, cid)
                if not ctitle and qids and qids[0] in self.questions:
                    ctitle = self.questions[qids[0]].text
                criteria.append(Criterion(cid, ctitle, tuple(q for q in qids if isinstance(q, str))))
            if not criteria:
                self.issues.add("FORM_042", f"yếu tố “{eid}” không có tiêu chí nào", part=part)
            elements.append(Element(eid, er.get("title", str, "", required=True), tuple(criteria)))
        return elements

    def _check_scored(self, qid: Any, part: str, valid: tuple[int, ...], scored: dict[str, str],
                      cid: str) -> None:
        if not isinstance(qid, str) or qid not in self.questions:
            self.issues.add("FORM_040", f"tiêu chí “{cid}” nhắc tới câu “{qid}” không có trong phiếu",
                            part=part)
            return
        q = self.questions[qid]
        if q.type not in ("scale", "single") or not set(valid) <= set(q.codes):
            self.issues.add("FORM_041", f"câu “{qid}” không phải câu thang đo có đủ các mã "
                            f"{', '.join(map(str, valid))}", part=part, question=qid)
        if qid in scored:
            self.issues.warn("FORM_050", f"câu “{qid}” đã dùng ở tiêu chí “{scored[qid]}”", part=part,
                             question=qid)
        scored[qid] = cid

    def _indices(self, raw: list[Any], known: set[str], blocks: dict[str, Block],
                 ids: set[str]) -> list[Index]:
        indices = []
        for table in raw:
            ir = self._table(table, {"id", "title", "elements", "blocks", "rule"}, "chỉ số")
            if ir is None:
                continue
            iid = self._unique(ir.ident("id") or "", ids, "chỉ số")
            part = f"phần tính điểm › chỉ số “{iid}”"
            rule = ir.get("rule", str, "mean_of_blocks" if "blocks" in table else "mean_of_elements")
            if rule not in INDEX_RULES:
                self.issues.add("FORM_049", f"quy tắc chỉ số “{rule}” không có; dùng: "
                                + ", ".join(INDEX_RULES), part=part)
            block_ids = tuple(ir.get("blocks", list, []))
            elements = list(ir.get("elements", list, []))
            for b in block_ids:
                if b not in blocks:
                    self.issues.add("FORM_045", f"chỉ số nhắc tới khối “{b}” không có", part=part)
                else:
                    elements.extend(e for e in blocks[b].elements if e not in elements)
            for e in elements:
                if e not in known:
                    self.issues.add("FORM_045", f"chỉ số nhắc tới yếu tố “{e}” không có", part=part)
            if not elements:
                self.issues.add("FORM_046", "chỉ số không có yếu tố nào", part=part)
            if rule == "mean_of_blocks" and not block_ids:
                self.issues.add("FORM_046", "quy tắc mean_of_blocks cần danh sách blocks", part=part)
            indices.append(Index(iid, ir.get("title", str, "", required=True), tuple(elements),
                                 block_ids, rule))
        if not indices:
            self.issues.add("FORM_047", "phần tính điểm chưa có chỉ số nào ([[scoring.indices]])",
                            part="phần tính điểm [scoring]")
        return indices

    def _expectations(self, raw: dict[str, Any]) -> Expectations:
        part = "phần tính điểm › mong đợi"
        r = _Reader(self.issues, raw, {"questions", "counted_codes"}, part=part)
        qids = tuple(r.get("questions", list, []))
        counted = r.codes("counted_codes")
        for qid in qids:
            q = self.questions.get(qid) if isinstance(qid, str) else None
            if q is None:
                self.issues.add("FORM_051", f"mong đợi nhắc tới câu “{qid}” không có", part=part)
            elif q.type == "single" and counted and not set(counted) <= set(q.codes):
                self.issues.add("FORM_052", f"counted_codes không phải mã của câu “{qid}”", part=part,
                                question=qid)
        return Expectations(qids, counted)


def check_form_dict(data: dict[str, Any], path: Path) -> tuple[Form | None, list[FormIssue]]:
    issues = IssueCollector(path.name)
    form = _Builder(data, issues).build(path)
    return form, issues.items


def check_form_file(path: Path | str) -> list[FormIssue]:
    """Every problem of a questionnaire file (errors and warnings), in file order."""
    path = Path(path)
    issues = IssueCollector(path.name)
    data = read_form_dict(path, issues)
    if data is None:
        return issues.items
    return check_form_dict(data, path)[1]


def load_form_file(path: Path | str) -> Form:
    """The `Form` in `path`; `UserError` (code FORM_100) listing every error if it is broken."""
    path = Path(path)
    issues = IssueCollector(path.name)
    data = read_form_dict(path, issues)
    form = None
    if data is not None:
        form, items = check_form_dict(data, path)
        issues.items = items
    if form is None:
        errors = [i for i in issues.items if i.is_error]
        raise UserError(f"Tệp phiếu “{path.name}” có {len(errors)} lỗi; chưa dùng được.",
                        code="FORM_100", issues=errors)
    return form
