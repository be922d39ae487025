"""The questionnaire as frozen typed objects (the end of the load pipeline file → dict → objects).

A `Form` is one version of a questionnaire: sections of questions in paper order, each question
with its printed box number (the keying order), choices with their codes, skip conditions, and
the `Scoring` rules (indices → elements → criteria → question ids; which codes are valid and which
count as satisfied; how blanks and "no answer" count). Nothing here knows about files, the
database or Tk; `loader.py` builds these objects and `validation.py` checks answers against them.

Answer values, the same everywhere (entry, import, export, scoring):
- single / scale: an int code; the form's `no_answer_code` (9 by default) means "không trả lời";
- multiple: a sorted tuple/list of codes; an empty list means nothing ticked (no answer);
- integer: an int, or None for no answer;
- text: a str ("" for nothing written).
A question skipped by a skip condition, or an optional question left blank, has no key at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = ("single", "multiple", "scale", "integer", "text")
CHOICE_TYPES = ("single", "multiple", "scale")
CRITERION_RULES = ("share_satisfied",)
ELEMENT_RULES = ("mean_of_criteria",)
INDEX_RULES = ("mean_of_elements", "mean_of_blocks")
BLANK_RULES = ("exclude",)

Answer = int | list[int] | tuple[int, ...] | str | None


@dataclass(frozen=True)
class Choice:
    code: int
    label: str


@dataclass(frozen=True)
class SkipCondition:
    """The question is skipped when the answer to `question` is one of `codes`."""

    question: str
    codes: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "codes": list(self.codes)}


@dataclass(frozen=True)
class Grid:
    """A table of statements sharing one scale on paper (e.g. QĐ 1001 câu 9)."""

    id: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    box: int                         # printed box number = keying order (1-based)
    number: str                      # printed label, e.g. "9.15" or "A1"
    text: str
    type: str                        # one of QUESTION_TYPES
    required: bool
    choices: tuple[Choice, ...] = ()
    scale: str | None = None         # name of the scale the choices came from
    skip_if: tuple[SkipCondition, ...] = ()
    min: int | None = None           # integer questions
    max: int | None = None
    max_length: int | None = None    # text questions
    max_choices: int | None = None   # multiple-choice questions
    note: str = ""                   # printed under the question (e.g. "chọn tối đa 3")
    grid: Grid | None = None
    section: str = ""                # id of the section holding it

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(c.code for c in self.choices)

    def label_of(self, code: int) -> str:
        for choice in self.choices:
            if choice.code == code:
                return choice.label
        return ""

    @property
    def key_width(self) -> int:
        """Digits keyed for one code (1 for codes 0–9); auto-advance after this many."""
        if self.type == "integer":
            return max(len(str(self.max)) if self.max is not None else 4, 1)
        if not self.choices:
            return 1
        return max(len(str(c.code)) for c in self.choices)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]
    intro: str = ""


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    questions: tuple[str, ...]       # question ids (usually one)


@dataclass(frozen=True)
class Element:
    id: str
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q for c in self.criteria for q in c.questions)


@dataclass(frozen=True)
class Block:
    """A group of elements with its own index (QĐ 1001: policy block, service block)."""

    id: str
    title: str
    elements: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    id: str
    title: str
    elements: tuple[str, ...]        # element ids it covers (all of them, also for block rules)
    blocks: tuple[str, ...] = ()     # for rule "mean_of_blocks"
    rule: str = "mean_of_elements"


@dataclass(frozen=True)
class Expectations:
    """Expectation items: share of respondents answering one of `counted_codes`."""

    questions: tuple[str, ...] = ()
    counted_codes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Scoring:
    valid_codes: tuple[int, ...]
    satisfied_codes: tuple[int, ...]
    blank: str                       # "exclude": blanks and no-answer leave the denominator
    criterion_rule: str
    element_rule: str
    elements: tuple[Element, ...]
    indices: tuple[Index, ...]
    blocks: tuple[Block, ...] = ()
    expectations: Expectations = field(default_factory=Expectations)
    note: str = ""

    def element(self, element_id: str) -> Element:
        for element in self.elements:
            if element.id == element_id:
                return element
        raise KeyError(element_id)

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)


@dataclass(frozen=True)
class FormSummary:
    id: str
    version: str
    title: str
    legal_basis: str = ""
    path: str = ""
    questions: int = 0
    criteria: int = 0


@dataclass(frozen=True)
class Form:
    id: str
    version: str
    title: str
    legal_basis: str
    source: str                      # where the wording comes from
    unconfirmed: tuple[str, ...]     # what could not be checked against an official text
    sections: tuple[Section, ...]
    scoring: Scoring | None
    no_answer_code: int = 9
    no_answer_label: str = "Không trả lời"
    intro: str = ""
    closing: str = ""
    short_title: str = ""
    path: str = ""
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for q in self.questions})

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in paper (= keying) order."""
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, question_id: str) -> Question:
        try:
            return self._by_id[question_id]
        except KeyError:
            raise KeyError(question_id) from None

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def summary(self) -> FormSummary:
        criteria = sum(len(e.criteria) for e in self.scoring.elements) if self.scoring else 0
        return FormSummary(self.id, self.version, self.title, self.legal_basis, self.path,
                           len(self.questions), criteria)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for `sipas forms show --json` and for the report file."""
        return form_to_dict(self)


def _question_dict(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": q.id, "box": q.box, "number": q.number, "text": q.text, "type": q.type,
        "required": q.required,
        "choices": [{"code": c.code, "label": c.label} for c in q.choices],
    }
    if q.scale:
        data["scale"] = q.scale
    if q.skip_if:
        data["skip_if"] = [c.to_dict() for c in q.skip_if]
    if q.type == "integer":
        data["min"], data["max"] = q.min, q.max
    if q.max_length is not None:
        data["max_length"] = q.max_length
    if q.max_choices is not None:
        data["max_choices"] = q.max_choices
    if q.grid is not None:
        data["grid"] = q.grid.id
    return data


def _element_dict(e: Element) -> dict[str, Any]:
    return {"id": e.id, "title": e.title,
            "criteria": [{"id": c.id, "title": c.title, "questions": list(c.questions)}
                         for c in e.criteria]}


def form_to_dict(form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": form.id, "version": form.version, "title": form.title,
        "legal_basis": form.legal_basis, "source": form.source,
        "unconfirmed": list(form.unconfirmed),
        "no_answer_code": form.no_answer_code, "no_answer_label": form.no_answer_label,
        "sections": [{"id": s.id, "title": s.title,
                      "questions": [_question_dict(q) for q in s.questions]} for s in form.sections],
    }
    sc = form.scoring
    if sc is None:
        data["scoring"] = None
        return data
    elements = {e.id: e for e in sc.elements}
    data["scoring"] = {
        "valid_codes": list(sc.valid_codes),
        "satisfied_codes": list(sc.satisfied_codes),
        "blank": sc.blank,
        "criterion_rule": sc.criterion_rule,
        "element_rule": sc.element_rule,
        "note": sc.note,
        "indices": [{"id": i.id, "title": i.title, "rule": i.rule, "blocks": list(i.blocks),
                     "elements": [_element_dict(elements[e]) for e in i.elements]}
                    for i in sc.indices],
        "blocks": [{"id": b.id, "title": b.title, "elements": list(b.elements)} for b in sc.blocks],
        "elements": [_element_dict(e) for e in sc.elements],
        "expectations": {"questions": list(sc.expectations.questions),
                         "counted_codes": list(sc.expectations.counted_codes)},
    }
    return data
