"""Indices from answers: pure, generic over the scoring rules in the questionnaire file.

`score(form, responses)` turns the keyed answers of one unit into a frozen `Scores`: per criterion,
element, block and index; expectation items; distributions of the respondent and perception
questions; counts of valid, blank, "không trả lời", spoilt and skipped answers per question; the
comments; and the same indices broken down by field (lĩnh vực) and applicant type. Nothing here
knows a form id: every number follows the `Scoring` rules of the `Form` (SIPAS.md §5):

- criterion = 100 × (answers with a satisfied code) / (answers with a valid code); blanks, the
  no-answer code and codes outside the valid set leave the denominator and are counted apart;
- element = mean of its criteria; block = mean of its elements; an index = mean of its elements
  (rule `mean_of_elements`) or of its blocks (rule `mean_of_blocks`);
- expectation item = share of answers with a counted code among its answered codes;
- a form counts ("valid form") when it has at least one valid answer to a scored question.

Arithmetic is exact (`Fraction`) up to the final float, so the result does not depend on the order
of the forms and adding a fully satisfied form can never lower an index through rounding noise.
Printed values are rounded half-up to two decimals by `round2` (86,665 → 86,67).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sipas_desktop.core.errors import Issue, Level, UserError
from sipas_desktop.core.forms.schema import Answer, Form, Question, Scoring
from sipas_desktop.core.text import fold, nfc

APPLICANT_LABELS = {"ca_nhan": "Cá nhân", "to_chuc": "Tổ chức", "": "Không rõ"}

# Rule ids → Vietnamese text. Every output names the rules it used (`Scores.rules`).
RULE_TEXTS: dict[str, str] = {
    "share_satisfied": "Chỉ số tiêu chí = 100 × số trả lời có mã “hài lòng” ({satisfied}) / số trả lời "
                       "hợp lệ (mã {valid}).",
    "exclude": "Ô để trống, “không trả lời” (mã {no_answer}) và mã không có trên phiếu không tính vào "
               "mẫu số; được đếm riêng cho từng câu.",
    "mean_of_criteria": "Chỉ số yếu tố = trung bình cộng chỉ số các tiêu chí của yếu tố.",
    "mean_of_elements": "Chỉ số chung = trung bình cộng chỉ số các yếu tố.",
    "mean_of_blocks": "Chỉ số chung = trung bình cộng chỉ số các khối; chỉ số khối = trung bình cộng "
                      "chỉ số các yếu tố của khối.",
    "empty_criterion": "Tiêu chí không có trả lời hợp lệ nào thì không tính vào trung bình của yếu tố "
                       "(ghi trong phần cảnh báo).",
    "valid_form": "Phiếu hợp lệ là phiếu có ít nhất một trả lời hợp lệ ở câu tính điểm; phiếu không "
                  "hợp lệ không được tính.",
    "expectation": "Mong đợi = tỷ lệ % số người chọn mã {counted} trên số người trả lời câu đó.",
    "rounding": "Tính trên giá trị chưa làm tròn; kết quả làm tròn 2 chữ số thập phân (làm tròn lên từ 5).",
    "pooled": "Chỉ số của đơn vị tính gộp trên mọi phiếu hợp lệ (mỗi người trả lời có trọng số như nhau).",
}


def round2(value: float | Fraction | None) -> float | None:
    """Half-up to two decimals on the shortest decimal form (86.665 → 86.67); None stays None."""
    if value is None:
        return None
    text = str(float(value)) if not isinstance(value, Fraction) else \
        str(Decimal(value.numerator) / Decimal(value.denominator))
    return float(Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _mean(values: Iterable[Fraction | None]) -> Fraction | None:
    present = [v for v in values if v is not None]
    return sum(present, Fraction(0)) / len(present) if present else None


# --- input ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    """One keyed paper form, anonymous: its number, its answers and two categories for breakdowns."""

    number: str
    answers: Mapping[str, Answer]
    field: str = ""                # lĩnh vực of the dossier (from the sample list)
    applicant_type: str = ""       # "ca_nhan" | "to_chuc" | "" (unknown)


# --- output -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionCounts:
    """How one question was answered on the valid forms (they sum to `forms`)."""

    question_id: str
    forms: int
    valid: int        # a code of the question (for scored questions: a valid code)
    blank: int        # nothing keyed (no key, None, empty text or empty multiple choice)
    no_answer: int    # the form's no-answer code ("không trả lời")
    invalid: int      # a code the question does not have (for scored: outside valid_codes)
    skipped: int      # not asked because of a skip condition


@dataclass(frozen=True)
class CriterionScore:
    id: str
    title: str
    element_id: str
    questions: tuple[str, ...]
    valid: int
    satisfied: int
    blank: int
    no_answer: int
    invalid: int
    distribution: tuple[tuple[int, int], ...]   # (code, count) over the valid codes
    exact: Fraction | None = field(repr=False, compare=False, default=None)

    @property
    def index(self) -> float | None:
        return _as_float(self.exact)


@dataclass(frozen=True)
class ElementScore:
    id: str
    title: str
    criteria: tuple[CriterionScore, ...]
    exact: Fraction | None = field(repr=False, compare=False, default=None)

    @property
    def index(self) -> float | None:
        return _as_float(self.exact)


@dataclass(frozen=True)
class BlockScore:
    id: str
    title: str
    elements: tuple[str, ...]
    exact: Fraction | None = field(repr=False, compare=False, default=None)

    @property
    def index(self) -> float | None:
        return _as_float(self.exact)


@dataclass(frozen=True)
class IndexScore:
    id: str
    title: str
    rule: str
    elements: tuple[str, ...]
    blocks: tuple[str, ...]
    exact: Fraction | None = field(repr=False, compare=False, default=None)

    @property
    def index(self) -> float | None:
        return _as_float(self.exact)


@dataclass(frozen=True)
class DistributionRow:
    code: int
    label: str
    count: int
    percent: float | None       # of the answers with a code of the question


@dataclass(frozen=True)
class Distribution:
    """A choice question as counts per code (multiple choice: respondents ticking each code)."""

    question_id: str
    number: str
    text: str
    multiple: bool
    rows: tuple[DistributionRow, ...]
    counts: QuestionCounts

    @property
    def answered(self) -> int:
        return self.counts.valid


@dataclass(frozen=True)
class ExpectationScore:
    question_id: str
    number: str
    text: str
    counted: int
    answered: int
    distribution: tuple[DistributionRow, ...]
    exact: Fraction | None = field(repr=False, compare=False, default=None)

    @property
    def index(self) -> float | None:
        return _as_float(self.exact)


@dataclass(frozen=True)
class Comment:
    """One distinct comment text and how many forms wrote it (accent/case-insensitive)."""

    question_id: str
    text: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    """The indices of a subset of the forms (one field, one applicant type)."""

    dimension: str              # "field" | "applicant_type"
    value: str
    label: str
    forms: int
    overall: float | None
    elements: tuple[tuple[str, float | None], ...]
    criteria: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class Rule:
    id: str
    text: str


@dataclass(frozen=True)
class Scores:
    form_id: str
    form_version: str
    total_forms: int                          # forms given to scoring
    valid_forms: int                          # forms with at least one valid scored answer
    indices: tuple[IndexScore, ...]
    blocks: tuple[BlockScore, ...]
    elements: tuple[ElementScore, ...]
    expectations: tuple[ExpectationScore, ...]
    respondents: tuple[Distribution, ...]     # respondent structure (first section of the form)
    perceptions: tuple[Distribution, ...]     # the other unscored choice questions
    applicant_types: tuple[DistributionRow, ...]
    fields: tuple[DistributionRow, ...]
    comments: tuple[Comment, ...]
    question_counts: tuple[QuestionCounts, ...]
    breakdowns: tuple[Breakdown, ...]
    rules: tuple[Rule, ...]
    warnings: tuple[Issue, ...]

    @property
    def overall(self) -> float | None:
        """The form's first (main) index."""
        return self.indices[0].index if self.indices else None

    @property
    def criteria(self) -> tuple[CriterionScore, ...]:
        return tuple(c for e in self.elements for c in e.criteria)

    def element(self, element_id: str) -> ElementScore:
        return next(e for e in self.elements if e.id == element_id)

    def criterion(self, criterion_id: str) -> CriterionScore:
        return next(c for c in self.criteria if c.id == criterion_id)

    def lowest_criteria(self, count: int = 5) -> tuple[CriterionScore, ...]:
        """Criteria with an index, lowest first (ties in form order)."""
        scored = [c for c in self.criteria if c.exact is not None]
        return tuple(sorted(scored, key=lambda c: c.exact)[:count])  # type: ignore[arg-type,return-value]

    def satisfaction_distribution(self) -> tuple[tuple[int, int], ...]:
        """All valid scored answers together, per code: the "mức độ hài lòng" chart."""
        total: Counter[int] = Counter()
        for c in self.criteria:
            total.update(dict(c.distribution))
        codes = sorted({code for c in self.criteria for code, _ in c.distribution})
        return tuple((code, total[code]) for code in codes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of `sipas indices --json` (values rounded to two decimals)."""
        data: dict[str, Any] = {
            "form": {"id": self.form_id, "version": self.form_version},
            "overall": round2(self.overall),
            "indices": {i.id: round2(i.index) for i in self.indices},
            "elements": {e.id: round2(e.index) for e in self.elements},
            "criteria": {c.id: round2(c.index) for c in self.criteria},
            "valid_forms": self.valid_forms,
            "total_forms": self.total_forms,
            "expectations": {x.question_id: round2(x.index) for x in self.expectations},
            "counts": {q.question_id: {"valid": q.valid, "blank": q.blank, "no_answer": q.no_answer,
                                       "invalid": q.invalid, "skipped": q.skipped}
                       for q in self.question_counts},
            "rules": [{"id": r.id, "text": r.text} for r in self.rules],
            "warnings": [w.message for w in self.warnings],
        }
        if self.blocks:
            data["blocks"] = {b.id: round2(b.index) for b in self.blocks}
        data["breakdowns"] = [
            {"dimension": b.dimension, "value": b.value, "label": b.label, "forms": b.forms,
             "overall": round2(b.overall), "elements": {k: round2(v) for k, v in b.elements}}
            for b in self.breakdowns]
        return data


# --- answer classification --------------------------------------------------------------------

BLANK, NO_ANSWER, INVALID, SKIPPED, VALID = "blank", "no_answer", "invalid", "skipped", "valid"


def is_blank(value: Answer) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return len(value) == 0
    return False


def is_skipped(question: Question, answers: Mapping[str, Answer]) -> bool:
    """True when a skip condition of the question holds for these answers."""
    for cond in question.skip_if:
        value = answers.get(cond.question)
        if isinstance(value, int) and not isinstance(value, bool) and value in cond.codes:
            return True
    return False


def classify(question: Question, answers: Mapping[str, Answer], no_answer: int,
             valid_codes: Sequence[int] | None = None) -> str:
    """One of VALID, BLANK, NO_ANSWER, INVALID, SKIPPED for this question on one form."""
    allowed = frozenset(valid_codes) if valid_codes is not None else frozenset(question.codes)
    return _classify(question, answers, no_answer, allowed)


def _classify(question: Question, answers: Mapping[str, Answer], no_answer: int,
              allowed: frozenset[int]) -> str:
    """`classify` with the allowed codes computed once per question, not once per form."""
    value = answers.get(question.id)
    if is_blank(value):
        return SKIPPED if question.skip_if and is_skipped(question, answers) else BLANK
    return _kind_of(question, value, no_answer, allowed)


def _kind_of(question: Question, value: Answer, no_answer: int, allowed: frozenset[int]) -> str:
    """`_classify` of a value that is not blank: it depends on the value alone."""
    if question.type == "multiple":
        if not isinstance(value, list | tuple):
            return INVALID
        if list(value) == [no_answer]:
            return NO_ANSWER
        return VALID if all(isinstance(v, int) and v in allowed for v in value) else INVALID
    if question.type in ("single", "scale"):
        if not isinstance(value, int) or isinstance(value, bool):
            return INVALID
        if value == no_answer:
            return NO_ANSWER
        return VALID if value in allowed else INVALID
    if question.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return INVALID
        too_low = question.min is not None and value < question.min
        too_high = question.max is not None and value > question.max
        return INVALID if too_low or too_high else VALID
    return VALID if isinstance(value, str) else INVALID


# Within one `score` call the same question is counted over the same forms several times (for its
# criterion or distribution, then for the per-question counts); the memo computes it once. It holds
# the forms list itself, so its id cannot be reused by another list while the memo lives.
_MEMO: ContextVar[dict[tuple[Any, ...], tuple[Sequence[Response], Any]] | None] = \
    ContextVar("scoring_counts_memo", default=None)


def _counts(question: Question, forms: Sequence[Response], no_answer: int,
            valid_codes: Sequence[int] | None = None) -> tuple[QuestionCounts, Mapping[Any, int]]:
    """How the question was answered on these forms, and its valid values with their counts
    (a multiple-choice answer keyed as a tuple)."""
    memo = _MEMO.get()
    key = (id(forms), question.id, no_answer, None if valid_codes is None else tuple(valid_codes))
    if memo is not None and key in memo and memo[key][0] is forms:
        return memo[key][1]  # type: ignore[no-any-return]
    allowed = frozenset(valid_codes) if valid_codes is not None else frozenset(question.codes)
    counter = memo.get(("counter", id(forms))) if memo is not None else None
    if counter is not None and counter[0] is forms:     # forms given as a table (`score_counted`)
        result = counter[1](question, no_answer, allowed)
    else:
        result = _tally_by_value(question, forms, no_answer, allowed)
        if result is None:
            result = _tally_by_form(question, forms, no_answer, allowed)
    tally, valid_values = result
    counts = QuestionCounts(question.id, len(forms), tally.get(VALID, 0), tally.get(BLANK, 0),
                            tally.get(NO_ANSWER, 0), tally.get(INVALID, 0), tally.get(SKIPPED, 0))
    if memo is not None:
        memo[key] = (forms, (counts, valid_values))
    return counts, valid_values


def _column(forms: Sequence[Response], qid: str) -> Sequence[Answer]:
    """The answers of every form to one question. Within `score`, all the columns of the form's
    questions are taken at once (one `map` per form, then transposed): cheaper than a Python loop
    over the forms for each question."""
    memo = _MEMO.get()
    ids = memo.get(("question_ids",)) if memo is not None else None
    if memo is None or ids is None or qid not in ids[1] or not forms:
        return [r.answers.get(qid) for r in forms]
    key = ("columns", id(forms))
    entry = memo.get(key)
    if entry is None or entry[0] is not forms:
        order = ids[0]
        table = zip(*[list(map(r.answers.get, order)) for r in forms], strict=True)
        entry = memo[key] = (forms, dict(zip(order, table, strict=True)))
    return entry[1][qid]  # type: ignore[no-any-return]


def _tally_by_form(question: Question, forms: Sequence[Response], no_answer: int,
                   allowed: frozenset[int]) -> tuple[Mapping[str, int], Mapping[Any, int]]:
    """Every form classified on its own: the general way, for values of unusual types."""
    tally: Counter[str] = Counter()
    valid_values: Counter[Any] = Counter()
    for r in forms:
        kind = _classify(question, r.answers, no_answer, allowed)
        tally[kind] += 1
        if kind == VALID:
            value = r.answers[question.id]
            valid_values[tuple(value) if isinstance(value, list) else value] += 1
    return tally, valid_values


_NONE = type(None)
_PLAIN = frozenset({int, str, _NONE})
_PLAIN_OR_LIST = frozenset({int, str, _NONE, list, tuple})


def _tally_by_value(question: Question, forms: Sequence[Response], no_answer: int,
                    allowed: frozenset[int]) -> tuple[Mapping[str, int], Mapping[Any, int]] | None:
    """The same counts as `_tally_by_form`, classifying each distinct value once (a merge scores
    hundreds of thousands of forms). Only when values of one key are sure to classify alike: exact
    ints (1, 1.0 and True are equal dictionary keys but do not classify alike), text, None, and
    lists or tuples of exact ints; otherwise None and the caller classifies form by form."""
    qid = question.id
    values = _column(forms, qid)
    types = set(map(type, values))
    if not types <= _PLAIN:
        if not types <= _PLAIN_OR_LIST:
            return None
        values = [tuple(v) if type(v) is list else v for v in values]
        if not {type(x) for v in values if type(v) is tuple for x in v} <= {int}:
            return None
    tally = dict.fromkeys((VALID, BLANK, NO_ANSWER, INVALID, SKIPPED), 0)
    valid_values: dict[Any, int] = {}
    classified = 0
    for value, count in Counter(values).items():
        if is_blank(value):
            continue              # blank or skipped: depends on the other answers of each form
        kind = _kind_of(question, value, no_answer, allowed)
        tally[kind] += count
        classified += count
        if kind == VALID:
            valid_values[value] = count
    blanks = len(values) - classified
    if blanks:
        if question.skip_if:
            skipped = sum(1 for r, v in zip(forms, values, strict=True) if is_blank(v)
                          and is_skipped(question, r.answers))
            tally[SKIPPED] += skipped
            blanks -= skipped
        tally[BLANK] += blanks
    return tally, valid_values


def _pct(part: int, whole: int) -> float | None:
    # int / int is correctly rounded in Python, like float(Fraction(100 * part, whole)), and cheaper
    return 100 * part / whole if whole else None


# --- the scoring --------------------------------------------------------------------------------

def check_scoring(form: Form) -> Scoring:
    """The form's scoring rules, or a clear UserError when they cannot give an index."""
    sc = form.scoring
    if sc is None:
        raise UserError(f"Phiếu “{form.id}” (phiên bản {form.version}) không có phần tính điểm "
                        "[scoring]; không tính được chỉ số.", code="SCORE_001")
    for element in sc.elements:
        questions = [q for c in element.criteria for q in c.questions]
        if not element.criteria or not questions:
            raise UserError(f"Phiếu “{form.id}”: yếu tố “{element.title or element.id}” không có tiêu "
                            "chí (câu hỏi) nào để tính điểm; sửa phần [scoring] của tệp phiếu.",
                            code="SCORE_002")
        for qid in questions:
            if not form.has_question(qid):
                raise UserError(f"Phiếu “{form.id}”: tiêu chí của yếu tố “{element.title}” nhắc tới câu "
                                f"“{qid}” không có trên phiếu.", code="SCORE_003")
    if not sc.indices:
        raise UserError(f"Phiếu “{form.id}” chưa khai báo chỉ số nào trong [scoring].", code="SCORE_004")
    return sc


def scored_question_ids(sc: Scoring) -> set[str]:
    return {q for e in sc.elements for c in e.criteria for q in c.questions}


def is_valid_form(form: Form, sc: Scoring, response: Response) -> bool:
    for element in sc.elements:
        for criterion in element.criteria:
            for qid in criterion.questions:
                value = response.answers.get(qid)
                if isinstance(value, int) and not isinstance(value, bool) and value in sc.valid_codes:
                    return True
    return False


def _rules(form: Form, sc: Scoring) -> tuple[Rule, ...]:
    fmt = {"satisfied": ", ".join(map(str, sc.satisfied_codes)),
           "valid": ", ".join(map(str, sc.valid_codes)), "no_answer": form.no_answer_code,
           "counted": ", ".join(map(str, sc.expectations.counted_codes))}
    ids = [sc.criterion_rule, sc.blank, sc.element_rule]
    ids += sorted({i.rule for i in sc.indices})
    ids += ["empty_criterion", "valid_form"]
    if sc.expectations.questions:
        ids.append("expectation")
    ids += ["rounding", "pooled"]
    rules = [Rule(i, RULE_TEXTS[i].format(**fmt)) for i in ids if i in RULE_TEXTS]
    if sc.note:
        rules.append(Rule("form_note", f"Ghi chú của tệp phiếu: {sc.note}"))
    return tuple(rules)


def _criteria_scores(form: Form, sc: Scoring, forms: Sequence[Response],
                     warnings: list[Issue]) -> tuple[ElementScore, ...]:
    satisfied_codes = set(sc.satisfied_codes)
    elements = []
    for element in sc.elements:
        criteria = []
        for criterion in element.criteria:
            dist: dict[int, int] = {}
            blank = no_ans = invalid = valid = 0
            for qid in criterion.questions:
                counts, values = _counts(form.question(qid), forms, form.no_answer_code, sc.valid_codes)
                for value, n in values.items():
                    if isinstance(value, int):
                        dist[value] = dist.get(value, 0) + n
                valid += counts.valid
                blank += counts.blank + counts.skipped
                no_ans += counts.no_answer
                invalid += counts.invalid
            satisfied = sum(n for code, n in dist.items() if code in satisfied_codes)
            exact = Fraction(100 * satisfied, valid) if valid else None
            if exact is None and forms:
                warnings.append(Issue("SCORE_010", f"Tiêu chí “{criterion.title or criterion.id}” không có "
                                      "trả lời hợp lệ nào; không tính vào chỉ số yếu tố.", Level.WARNING))
            criteria.append(CriterionScore(
                criterion.id, criterion.title, element.id, criterion.questions, valid, satisfied, blank,
                no_ans, invalid, tuple((code, dist.get(code, 0)) for code in sc.valid_codes), exact))
        exact_e = _mean(c.exact for c in criteria)
        if exact_e is None and forms:
            warnings.append(Issue("SCORE_011", f"Yếu tố “{element.title or element.id}” không có tiêu chí "
                                  "nào có trả lời hợp lệ; không tính vào chỉ số chung.", Level.WARNING))
        elements.append(ElementScore(element.id, element.title, tuple(criteria), exact_e))
    return tuple(elements)


def _index_scores(sc: Scoring, elements: Sequence[ElementScore]
                  ) -> tuple[tuple[BlockScore, ...], tuple[IndexScore, ...]]:
    by_id = {e.id: e for e in elements}
    blocks = tuple(BlockScore(b.id, b.title, b.elements, _mean(by_id[e].exact for e in b.elements))
                   for b in sc.blocks)
    block_by_id = {b.id: b for b in blocks}
    indices = []
    for index in sc.indices:
        if index.rule == "mean_of_blocks":
            value = _mean(block_by_id[b].exact for b in index.blocks)
        else:
            value = _mean(by_id[e].exact for e in index.elements)
        indices.append(IndexScore(index.id, index.title, index.rule, index.elements, index.blocks, value))
    return blocks, tuple(indices)


def _distribution(question: Question, forms: Sequence[Response], no_answer: int) -> Distribution:
    counts, values = _counts(question, forms, no_answer)
    tally: dict[int, int] = {}
    for value, n in values.items():
        if isinstance(value, list | tuple):
            for code in set(value):
                tally[code] = tally.get(code, 0) + n
        elif isinstance(value, int):
            tally[value] = tally.get(value, 0) + n
    rows = tuple(DistributionRow(c.code, c.label, n, _pct(n, counts.valid))
                 for c in question.choices for n in (tally.get(c.code, 0),))
    return Distribution(question.id, question.number, question.text, question.type == "multiple",
                        rows, counts)


def _expectations(form: Form, sc: Scoring, forms: Sequence[Response]) -> tuple[ExpectationScore, ...]:
    counted_codes = set(sc.expectations.counted_codes)
    out = []
    for qid in sc.expectations.questions:
        q = form.question(qid)
        dist = _distribution(q, forms, form.no_answer_code)
        counted = sum(r.count for r in dist.rows if r.code in counted_codes)
        exact = Fraction(100 * counted, dist.answered) if dist.answered else None
        out.append(ExpectationScore(qid, q.number, q.text, counted, dist.answered, dist.rows, exact))
    return tuple(out)


def _category_rows(values: Iterable[str], labels: Mapping[str, str] | None = None,
                   order: Sequence[str] = ()) -> tuple[DistributionRow, ...]:
    tally = Counter(values)
    total = sum(tally.values())
    keys = [k for k in order if k in tally] + sorted(k for k in tally if k not in order)
    return tuple(DistributionRow(i, (labels or {}).get(k, k) or "Không rõ", tally[k], _pct(tally[k], total))
                 for i, k in enumerate(keys, start=1))


def _comments(form: Form, values: Callable[[str], Iterable[tuple[Answer, int]]]) -> tuple[Comment, ...]:
    """`values(question id)`: the answers of the forms in form order, as (answer, how many forms in a
    row or in all gave it) — one pair per form, or one per distinct answer in order of first use."""
    out: list[Comment] = []
    for q in form.questions:
        if q.type != "text" or q.skip_if:
            continue          # a text with a skip condition is a detail ("khác, ghi rõ"), not a comment
        groups: dict[str, Counter[str]] = {}
        for value, n in values(q.id):
            if isinstance(value, str) and nfc(value):
                texts = groups.setdefault(fold(value).strip(" .;,!"), Counter())
                texts[nfc(value)] += n
        for texts in groups.values():
            out.append(Comment(q.id, texts.most_common(1)[0][0], texts.total()))
    return tuple(sorted(out, key=lambda c: (-c.count, fold(c.text))))


def _core(form: Form, sc: Scoring, forms: Sequence[Response], warnings: list[Issue]
          ) -> tuple[tuple[ElementScore, ...], tuple[BlockScore, ...], tuple[IndexScore, ...]]:
    elements = _criteria_scores(form, sc, forms, warnings)
    blocks, indices = _index_scores(sc, elements)
    return elements, blocks, indices


def _breakdowns(form: Form, sc: Scoring, forms: Sequence[Response]) -> tuple[Breakdown, ...]:
    out = []
    for dimension, key, labels in (("field", lambda r: r.field, None),
                                   ("applicant_type", lambda r: r.applicant_type, APPLICANT_LABELS)):
        groups: dict[str, list[Response]] = {}
        for r in forms:
            groups.setdefault(key(r), []).append(r)
        if set(groups) <= {""}:
            continue          # nothing known about this dimension: no breakdown, not "Không rõ"
        order = sorted(groups, key=lambda v: (v == "", fold(v))) if dimension == "field" else \
            [k for k in ("ca_nhan", "to_chuc", "") if k in groups] + \
            sorted(k for k in groups if k not in ("ca_nhan", "to_chuc", ""))
        for value in order:
            subset = groups[value]
            elements, _, indices = _core(form, sc, subset, [])
            label = (labels or {}).get(value, value) or "Không rõ"
            out.append(Breakdown(dimension, value, label, len(subset),
                                 indices[0].index if indices else None,
                                 tuple((e.id, e.index) for e in elements),
                                 tuple((c.id, c.index) for e in elements for c in e.criteria)))
    return tuple(out)


def respondent_questions(form: Form, sc: Scoring) -> tuple[Question, ...]:
    """Respondent structure: the choice questions of the form's first section (Phần A)."""
    used = scored_question_ids(sc) | set(sc.expectations.questions)
    if not form.sections:
        return ()
    return tuple(q for q in form.sections[0].questions if q.is_choice and q.id not in used)


def perception_questions(form: Form, sc: Scoring) -> tuple[Question, ...]:
    used = scored_question_ids(sc) | set(sc.expectations.questions)
    first = {q.id for q in respondent_questions(form, sc)}
    return tuple(q for q in form.questions if q.is_choice and q.id not in used and q.id not in first)


def score(form: Form, responses: Sequence[Response], *, breakdowns: bool = True) -> Scores:
    """Every figure of the report from the answers of one unit (module docstring for the rules)."""
    ids = tuple(q.id for q in form.questions)
    token = _MEMO.set({("question_ids",): (ids, frozenset(ids))})
    try:
        return _score(form, responses, breakdowns)
    finally:
        _MEMO.reset(token)


def _score(form: Form, responses: Sequence[Response], breakdowns: bool) -> Scores:
    sc = check_scoring(form)
    valid = [r for r in responses if is_valid_form(form, sc, r)]
    return _assemble(form, sc, len(responses), valid, [r.applicant_type for r in valid],
                     [r.field for r in valid], lambda qid: ((r.answers.get(qid), 1) for r in valid),
                     _breakdowns(form, sc, valid) if breakdowns else ())


def score_counted(form: Form, total: int, valid: Sequence[Any], counter: Callable[..., Any],
                  applicant_types: Sequence[str], fields: Sequence[str],
                  values: Callable[[str], Iterable[tuple[Answer, int]]]) -> Scores:
    """`score(form, responses, breakdowns=False)` of forms given as a table (`scoring_table`): the
    same rules and code; only the counting per question comes from `counter(question, no_answer,
    allowed)`, which must return what `_tally_by_value` returns over the `valid` forms."""
    sc = check_scoring(form)
    ids = tuple(q.id for q in form.questions)
    token = _MEMO.set({("question_ids",): (ids, frozenset(ids)), ("counter", id(valid)): (valid, counter)})
    try:
        return _assemble(form, sc, total, valid, applicant_types, fields, values, ())
    finally:
        _MEMO.reset(token)


def _assemble(form: Form, sc: Scoring, total: int, valid: Sequence[Any], applicant_types: Sequence[str],
              fields: Sequence[str], values: Callable[[str], Iterable[tuple[Answer, int]]],
              breakdowns: tuple[Breakdown, ...]) -> Scores:
    warnings: list[Issue] = []
    if len(valid) < total:
        warnings.append(Issue("SCORE_012", f"{total - len(valid)} phiếu không có trả lời hợp lệ "
                              "nào ở các câu tính điểm; không được tính.", Level.WARNING))
    elements, blocks, indices = _core(form, sc, valid, warnings)
    shape = _shape(form, sc)
    respondents = tuple(_distribution(q, valid, form.no_answer_code) for q in shape.respondents)
    perceptions = tuple(_distribution(q, valid, form.no_answer_code) for q in shape.perceptions)
    counts = tuple(_counts(q, valid, form.no_answer_code, codes)[0] for q, codes in shape.counted)
    return Scores(
        form_id=form.id, form_version=form.version, total_forms=total, valid_forms=len(valid),
        indices=indices, blocks=blocks, elements=elements,
        expectations=_expectations(form, sc, valid),
        respondents=respondents, perceptions=perceptions,
        applicant_types=_category_rows(applicant_types, APPLICANT_LABELS, ("ca_nhan", "to_chuc", "")),
        fields=_category_rows(fields),
        comments=_comments(form, values), question_counts=counts,
        breakdowns=breakdowns, rules=shape.rules, warnings=tuple(warnings),
    )


@dataclass(frozen=True)
class _Shape:
    """What `_assemble` takes from the questionnaire alone, the same for every unit scored with it."""

    respondents: tuple[Question, ...]
    perceptions: tuple[Question, ...]
    counted: tuple[tuple[Question, tuple[int, ...] | None], ...]    # question, valid codes if scored
    rules: tuple[Rule, ...]


_SHAPES: dict[int, tuple[Form, Scoring, _Shape]] = {}


def _shape(form: Form, sc: Scoring) -> _Shape:
    """Kept per Form and Scoring object (both immutable): a merge scores thousands of units with one."""
    found = _SHAPES.get(id(form))
    if found is not None and found[0] is form and found[1] is sc:
        return found[2]
    scored = scored_question_ids(sc)
    shape = _Shape(respondent_questions(form, sc), perception_questions(form, sc),
                   tuple((q, sc.valid_codes if q.id in scored else None) for q in form.questions),
                   _rules(form, sc))
    if len(_SHAPES) > 32:
        _SHAPES.clear()
    _SHAPES[id(form)] = (form, sc, shape)
    return shape


def filter_responses(responses: Iterable[Response], *, field: str | None = None,
                     applicant_type: str | None = None) -> list[Response]:
    """The forms of one field and/or one applicant type (None: any)."""
    return [r for r in responses
            if (field is None or r.field == field)
            and (applicant_type is None or r.applicant_type == applicant_type)]
