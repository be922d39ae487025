"""Questionnaires as data: schema (frozen objects), loader (TOML file → Form), catalog, validation.

Public entry points:
- `available_forms() -> list[FormSummary]` and `load_form(form_id) -> Form` (catalog);
- `check_form_file(path) -> list[FormIssue]` and `load_form_file(path) -> Form` (loader);
- `validate_answers(form, answers)` (validation).
"""

from sipas_desktop.core.forms.catalog import available_forms, broken_forms, load_form
from sipas_desktop.core.forms.issues import CATALOG, FormIssue
from sipas_desktop.core.forms.loader import check_form_file, load_form_file
from sipas_desktop.core.forms.schema import (
    Block,
    Choice,
    Criterion,
    Element,
    Form,
    FormSummary,
    Index,
    Question,
    Scoring,
    Section,
    SkipCondition,
)

__all__ = [
    "CATALOG", "Block", "Choice", "Criterion", "Element", "Form", "FormIssue", "FormSummary", "Index",
    "Question", "Scoring", "Section", "SkipCondition", "available_forms", "broken_forms",
    "check_form_file", "load_form", "load_form_file",
]
