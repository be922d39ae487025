"""The error catalog of questionnaire files: stable codes FORM_NNN and the place of each problem.

Every problem found in a form file is a `FormIssue` (an `Issue` that also knows the file, the
section and the question), so `sipas forms check` and the GUI can list them all at once.
Codes never change meaning; new problems get new codes. Messages are Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sipas_desktop.core.errors import Issue, Level

# code → short description (English, for developers and docs/forms.md)
CATALOG: dict[str, str] = {
    "FORM_001": "file cannot be read (missing, unreadable, not UTF-8)",
    "FORM_002": "file is not valid TOML (syntax error, with line and column)",
    "FORM_003": "a required key is missing",
    "FORM_004": "a value has the wrong type",
    "FORM_005": "unknown key (probably a typo) [warning]",
    "FORM_006": "an id uses characters other than a-z, 0-9, _ . -",
    "FORM_007": "unsupported format version",
    "FORM_008": "form id differs from the file name [warning]",
    "FORM_010": "duplicate section id",
    "FORM_011": "section without questions",
    "FORM_020": "duplicate question id",
    "FORM_021": "unknown question type",
    "FORM_022": "choice question without choices",
    "FORM_023": "choice without a code",
    "FORM_024": "duplicate choice code in a question",
    "FORM_025": "choice code not a whole number 0–99, or equal to the no-answer code",
    "FORM_026": "choice without a label",
    "FORM_027": "question names an unknown scale",
    "FORM_028": "integer question with min greater than max",
    "FORM_029": "question without text",
    "FORM_030": "skip condition names a missing question",
    "FORM_031": "skip condition names the question itself or a later one",
    "FORM_032": "skip condition code is not a code of the question it names",
    "FORM_033": "skip condition names a question without codes",
    "FORM_034": "grid without items",
    "FORM_040": "scoring names a missing question",
    "FORM_041": "scored question is not a scale/single-choice question with the valid codes",
    "FORM_042": "element with no criteria",
    "FORM_043": "criterion with no questions",
    "FORM_044": "duplicate element, criterion, block or index id",
    "FORM_045": "index or block names a missing element or block",
    "FORM_046": "index with no elements",
    "FORM_047": "scoring has no index",
    "FORM_048": "satisfied codes not among the valid codes",
    "FORM_049": "unknown scoring rule",
    "FORM_050": "question used in two criteria [warning]",
    "FORM_051": "expectations name a missing question",
    "FORM_052": "expectation codes are not codes of the question",
    "FORM_053": "element belongs to no index [warning]",
}


@dataclass(frozen=True)
class FormIssue(Issue):
    """A problem in a form file, with its place: file, section, question (or scoring part)."""

    file: str | None = None
    section: str | None = None
    question: str | None = None
    part: str | None = None          # e.g. "scoring › element tiep_can", "line 12, column 3"

    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(f"tệp “{self.file}”")
        if self.part:
            parts.append(self.part)
        if self.section:
            parts.append(f"phần “{self.section}”")
        if self.question:
            parts.append(f"câu “{self.question}”")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data.update(file=self.file, section=self.section, question=self.question, part=self.part)
        return data


class IssueCollector:
    """Collects `FormIssue`s for one file; `add` fills the file name in."""

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.items: list[FormIssue] = []

    def add(self, code: str, message: str, *, level: Level = Level.ERROR, section: str | None = None,
            question: str | None = None, part: str | None = None) -> None:
        assert code in CATALOG, code
        self.items.append(FormIssue(code, message, level, file=self.file, section=section,
                                    question=question, part=part))

    def warn(self, code: str, message: str, **where: str | None) -> None:
        self.add(code, message, level=Level.WARNING, **where)

    @property
    def errors(self) -> list[FormIssue]:
        return [i for i in self.items if i.is_error]
