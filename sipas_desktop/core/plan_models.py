"""Tables of survey plans and samples (issue 3). Created by migration step 0004_plans_and_samples.

Decimals that must stay exact (reserve ratio, margin of error) are kept as their typed text
("0.2"), never as a float, so that a draw redone later computes the same sizes.
"""

from __future__ import annotations

from datetime import datetime

import peewee as pw

from sipas_desktop.core.models import BaseModel


class Plan(BaseModel):
    """A survey plan (kế hoạch): issued by a province/district office or made by a commune."""

    plan_id = pw.CharField(primary_key=True)          # stable id carried by the plan file
    title = pw.CharField()
    year = pw.IntegerField()
    issuer_code = pw.CharField(default="")
    issuer_name = pw.CharField(default="")
    legal_basis = pw.TextField(default="")
    window_from = pw.DateField()
    window_to = pw.DateField()
    window_basis = pw.CharField(default="received")   # received | returned
    fields = pw.TextField(default="[]")                # JSON list of field names; [] = all
    require_returned = pw.BooleanField(default=True)
    direct_only = pw.BooleanField(default=True)
    in_province_only = pw.BooleanField(default=True)
    min_age = pw.IntegerField(null=True)
    form_id = pw.CharField(default="")
    form_version = pw.CharField(default="")
    reserve_ratio = pw.CharField(default="0.2")
    margin_e = pw.CharField(default="0.05")
    sample_deadline = pw.DateField(null=True)
    report_deadline = pw.DateField(null=True)
    origin = pw.CharField(default="local")             # local | issued | imported
    source_file = pw.CharField(default="")
    created_at = pw.DateTimeField(default=datetime.now)
    updated_at = pw.DateTimeField(default=datetime.now)


class PlanQuota(BaseModel):
    """One row of the plan's quota table: a unit's individuals and organisations."""

    plan = pw.ForeignKeyField(Plan, backref="quotas", on_delete="CASCADE")
    unit_code = pw.CharField()
    unit_name = pw.CharField(default="")
    individuals = pw.IntegerField(null=True)           # None: computed from N
    organizations = pw.IntegerField(null=True)
    note = pw.TextField(default="")
    sort_order = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("plan", "unit_code"), True),)


class Draw(BaseModel):
    """One draw of the sample, kept for ever: who, when, why, and every number behind it."""

    plan = pw.ForeignKeyField(Plan, backref="draws", on_delete="RESTRICT")
    unit_code = pw.CharField()
    seed = pw.CharField()                              # text: Python ints are unbounded
    drawn_at = pw.DateTimeField(default=datetime.now, index=True)
    drawn_by = pw.CharField(default="")
    reason = pw.TextField(default="")
    current = pw.BooleanField(default=True, index=True)
    population_n = pw.IntegerField()                   # N
    sample_n = pw.IntegerField()                       # n
    reserve_ratio = pw.CharField()
    frame_digest = pw.CharField()                      # sha256 of the frames: same log, same digest
    method = pw.TextField()                            # JSON: rules, per stratum N, n, k, start …
    excluded = pw.TextField()                          # JSON: count per exclusion reason


class SampleEntry(BaseModel):
    """A person on the main or reserve list of a draw, with a copy of what the sheet prints."""

    draw = pw.ForeignKeyField(Draw, backref="entries", on_delete="CASCADE")
    dossier_code = pw.CharField()
    stratum = pw.CharField()                           # ca_nhan | to_chuc
    role = pw.CharField()                              # main | reserve
    order = pw.IntegerField()                          # 1-based draw order within role and stratum
    position = pw.IntegerField()                       # 1-based position in the stratum's frame
    active = pw.BooleanField(default=False)            # on the list of people to survey now
    status = pw.CharField(default="chua_phat")
    replaces = pw.CharField(null=True)                 # code of the person this reserve replaced
    replaced_by = pw.CharField(null=True)
    note = pw.TextField(default="")
    applicant_name = pw.CharField(default="")
    applicant_type = pw.CharField(default="")
    address = pw.CharField(default="")
    phone = pw.CharField(default="")
    field_name = pw.CharField(default="")
    procedure_name = pw.CharField(default="")
    received_date = pw.DateField(null=True)
    returned_date = pw.DateField(null=True)
    updated_at = pw.DateTimeField(default=datetime.now)

    class Meta:
        indexes = ((("draw", "dossier_code"), True),)


class Substitution(BaseModel):
    """A sampled person replaced by the next reserve of the same stratum, with the reason."""

    draw = pw.ForeignKeyField(Draw, backref="substitutions", on_delete="CASCADE")
    original_code = pw.CharField()
    replacement_code = pw.CharField()
    stratum = pw.CharField()
    reason = pw.TextField()
    at = pw.DateTimeField(default=datetime.now)
    by = pw.CharField(default="")


PLAN_MODELS = [Plan, PlanQuota, Draw, SampleEntry, Substitution]
