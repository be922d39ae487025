"""peewee models. Only `core` touches them; services hand dataclasses across, never a model.

Each schema change is a named step in `migrations.py`; never change a released table here
without adding a step there.
"""

from __future__ import annotations

from datetime import datetime

import peewee as pw

from sipas_desktop.core.db import database


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaMigration(BaseModel):
    name = pw.CharField(primary_key=True)
    applied_at = pw.DateTimeField(default=datetime.now)
    app_version = pw.CharField(default="")


class Setting(BaseModel):
    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class Unit(BaseModel):
    """An administrative unit: province, commune (xã/phường/đặc khu) or an old district (huyện).

    Codes: provinces two digits ("42"), communes five digits ("18550") as in the 2025 national
    list; units added by hand for historical plans get the code the user gives them.
    """

    code = pw.CharField(primary_key=True)
    name = pw.CharField()
    kind = pw.CharField()            # tinh, thanh_pho_tw, xa, phuong, dac_khu, huyen, thi_xa, ...
    level = pw.IntegerField()        # 1 province, 2 district (before 7/2025), 3 commune
    parent = pw.CharField(null=True, index=True)   # code of the unit above
    builtin = pw.BooleanField(default=True)
    historical = pw.BooleanField(default=False)    # exists only in plans before 1/7/2025
    name_fold = pw.CharField(index=True)


class Field(BaseModel):
    """Lĩnh vực: a group of administrative procedures."""

    name = pw.CharField(unique=True)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class Procedure(BaseModel):
    """Thủ tục hành chính (TTHC), mapped to its field."""

    name = pw.CharField()
    name_fold = pw.CharField(unique=True)
    field = pw.ForeignKeyField(Field, backref="procedures", on_delete="RESTRICT")
    code = pw.CharField(null=True)
    active = pw.BooleanField(default=True)


class Dossier(BaseModel):
    """One line of the dossier log (sổ theo dõi hồ sơ), keyed by the dossier code."""

    code = pw.CharField(unique=True)
    procedure_name = pw.CharField()
    field_name = pw.CharField(default="")              # ~15 values: a scan is as fast
    quantity = pw.IntegerField(default=1)
    applicant_name = pw.CharField()
    applicant_type = pw.CharField(default="ca_nhan")   # ca_nhan | to_chuc (2 values: no index)
    address = pw.CharField(default="")
    phone = pw.CharField(default="")   # searched through search_fold
    agency = pw.CharField(default="")                 # Cơ quan chủ trì giải quyết
    received_date = pw.DateField(index=True)           # Nhận hồ sơ
    due_date = pw.DateField(null=True)                 # Hẹn trả kết quả
    transferred_date = pw.DateField(null=True)         # Chuyển hồ sơ đến cơ quan giải quyết
    result_in_date = pw.DateField(null=True)           # Nhận kết quả từ cơ quan giải quyết
    returned_date = pw.DateField(null=True, index=True)  # Trả kết quả cho cá nhân, tổ chức
    channel = pw.CharField(default="truc_tiep")  # truc_tiep | truc_tuyen | buu_chinh (no index)
    in_province = pw.BooleanField(default=True)
    birth_date = pw.DateField(null=True)
    result_method = pw.CharField(default="")           # Phương thức nhận kết quả
    notes = pw.TextField(default="")
    search_fold = pw.TextField(default="")             # folded code + name + phone for search
    name_key = pw.CharField(default="", index=True)    # text.collation_key(applicant_name)
    source = pw.CharField(default="")                  # file it was imported from, or "nhập tay"
    created_at = pw.DateTimeField(default=datetime.now)
    updated_at = pw.DateTimeField(default=datetime.now)


class ImportLayout(BaseModel):
    """A header mapping the user confirmed, remembered by the layout's signature."""

    signature = pw.CharField(primary_key=True)
    mapping = pw.TextField()                           # JSON {column index: field key}
    updated_at = pw.DateTimeField(default=datetime.now)


class AuditEntry(BaseModel):
    """Who changed what, when: edits of dossiers, imports, restores, draws."""

    at = pw.DateTimeField(default=datetime.now, index=True)
    user = pw.CharField(default="")
    action = pw.CharField()
    entity = pw.CharField(default="")
    entity_id = pw.CharField(default="")
    detail = pw.TextField(default="")


FOUNDATION_MODELS = [SchemaMigration, Setting, Unit, Field, Procedure, Dossier, ImportLayout, AuditEntry]
