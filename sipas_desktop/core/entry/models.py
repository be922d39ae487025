"""Tables of printed form numbers, keyed responses, double entry and the answer audit trail.

Created by migration step `0005_questionnaire_responses`. Responses are keyed by the plan id
(text, `Plan.plan_id` of issue 3; "" when forms were printed without a plan) and the unit code,
not by foreign keys: a response must survive a plan being re-imported, and keying must work
before a plan exists. Answers are stored as JSON text in the conventions of
`core/forms/schema.py`.
"""

from __future__ import annotations

from datetime import datetime

import peewee as pw

from sipas_desktop.core.models import BaseModel


class IssuedRange(BaseModel):
    """Numbers printed for a plan and unit: one row per print run (or reprint of one number)."""

    plan_id = pw.CharField(index=True)
    unit_code = pw.CharField()
    form_id = pw.CharField()
    form_version = pw.CharField()
    first = pw.IntegerField()
    last = pw.IntegerField()
    kind = pw.CharField(default="print")              # print | reprint
    printed_at = pw.DateTimeField(default=datetime.now)
    printed_by = pw.CharField(default="")
    file = pw.CharField(default="")


class Response(BaseModel):
    """One questionnaire as keyed (first entry), corrected by resolutions and edits."""

    plan_id = pw.CharField()
    unit_code = pw.CharField()
    number = pw.IntegerField()
    form_id = pw.CharField()
    form_version = pw.CharField()
    answers = pw.TextField()                          # JSON {question id: value}
    status = pw.CharField(default="keyed", index=True)  # keyed | mismatch | verified
    source = pw.CharField(default="keyed")            # keyed | import:<file name>
    keyed_by = pw.CharField(default="")
    keyed_at = pw.DateTimeField(default=datetime.now)
    seconds = pw.FloatField(null=True)                # time spent keying (form number → save)
    fields = pw.IntegerField(default=0)               # answers keyed (questions not skipped)
    updated_at = pw.DateTimeField(default=datetime.now)
    updated_by = pw.CharField(default="")

    class Meta:
        indexes = ((("plan_id", "unit_code", "number"), True),)


class Verification(BaseModel):
    """The blind second keying of a response (double entry)."""

    response = pw.ForeignKeyField(Response, backref="verifications", on_delete="CASCADE", unique=True)
    answers = pw.TextField()
    keyed_by = pw.CharField(default="")
    keyed_at = pw.DateTimeField(default=datetime.now)
    seconds = pw.FloatField(null=True)
    fields = pw.IntegerField(default=0)
    mismatches = pw.IntegerField(default=0)
    resolved = pw.BooleanField(default=False)


class Mismatch(BaseModel):
    """A field where the two keyings differ; `paper` is the value a third person keyed from paper."""

    verification = pw.ForeignKeyField(Verification, backref="mismatch_rows", on_delete="CASCADE")
    question_id = pw.CharField()
    first = pw.TextField()                            # JSON value, "null" when absent
    second = pw.TextField()
    paper = pw.TextField(null=True)
    resolved_by = pw.CharField(null=True)
    resolved_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("verification", "question_id"), True),)


class ResponseChange(BaseModel):
    """Audit trail of answers: who, when, which field, old and new value (JSON)."""

    plan_id = pw.CharField()
    unit_code = pw.CharField()
    number = pw.IntegerField()
    at = pw.DateTimeField(default=datetime.now, index=True)
    user = pw.CharField(default="")
    action = pw.CharField()                           # create | edit | resolve | import
    question_id = pw.CharField(default="")
    old = pw.TextField(null=True)
    new = pw.TextField(null=True)

    class Meta:
        indexes = ((("plan_id", "unit_code", "number"), False),)


ENTRY_MODELS = [IssuedRange, Response, Verification, Mismatch, ResponseChange]
