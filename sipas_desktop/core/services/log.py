"""Services for the dossier log: query for the grid, one dossier's CRUD, the field catalogue.

Import and export live in `services/log_io.py`. Everything returns dataclasses; no peewee
model crosses into the GUI or the CLI.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import peewee as pw

from sipas_desktop.core import models
from sipas_desktop.core.db import atomic
from sipas_desktop.core.errors import IssueList, NotFoundError, UserError
from sipas_desktop.core.text import fold, nfc
from sipas_desktop.core.tthc_log.records import (
    COMPARED,
    DossierRecord,
    DossierRow,
    FieldInfo,
    LogFilter,
    ProcedureInfo,
    record_to_model_dict,
    validate_record,
)

D = models.Dossier

SORTS = {
    "code": D.code,
    "applicant_name": D.name_key,
    "procedure_name": D.procedure_name,
    "field_name": D.field_name,
    "received_date": D.received_date,
    "returned_date": D.returned_date,
    "channel": D.channel,
    "applicant_type": D.applicant_type,
}


def where_filter(query: pw.ModelSelect, flt: LogFilter | None) -> pw.ModelSelect:
    """Apply the grid's filter to a Dossier query (also used by the export of a filtered log)."""
    if flt is None:
        return query
    term = fold(flt.text)
    if term:
        for word in term.split():
            query = query.where(D.search_fold.contains(word))
    if flt.date_from:
        query = query.where(D.received_date >= flt.date_from)
    if flt.date_to:
        query = query.where(D.received_date <= flt.date_to)
    if flt.field:
        query = query.where(D.field_name == flt.field)
    if flt.channel:
        query = query.where(D.channel == flt.channel)
    if flt.applicant_type:
        query = query.where(D.applicant_type == flt.applicant_type)
    if flt.status == "returned":
        query = query.where(D.returned_date.is_null(False))
    elif flt.status == "pending":
        query = query.where(D.returned_date.is_null(True))
    return query


def count_dossiers(flt: LogFilter | None = None) -> int:
    return where_filter(D.select(), flt).count()


_ROW_COLUMNS = (D.id, D.code, D.applicant_name, D.applicant_type, D.procedure_name, D.field_name,
                D.received_date, D.returned_date, D.channel, D.phone, D.address, D.in_province)


def query_dossiers(flt: LogFilter | None = None, *, sort: str = "received_date",
                   descending: bool = False, offset: int = 0, limit: int = 200) -> list[DossierRow]:
    """One page of the log for the grid, in the requested order (names in Vietnamese order)."""
    column = SORTS.get(sort, D.received_date)
    order = [column.desc() if descending else column.asc(), D.id.desc() if descending else D.id.asc()]
    query = where_filter(D.select(*_ROW_COLUMNS), flt).order_by(*order).offset(offset).limit(limit)
    return [DossierRow(*row) for row in query.tuples()]


def _to_record(row: models.Dossier) -> DossierRecord:
    return DossierRecord(
        id=row.id, code=row.code, procedure_name=row.procedure_name, field_name=row.field_name,
        quantity=row.quantity, applicant_name=row.applicant_name, applicant_type=row.applicant_type,
        address=row.address, phone=row.phone, agency=row.agency, received_date=row.received_date,
        due_date=row.due_date, transferred_date=row.transferred_date, result_in_date=row.result_in_date,
        returned_date=row.returned_date, channel=row.channel, in_province=row.in_province,
        birth_date=row.birth_date, result_method=row.result_method, notes=row.notes, source=row.source)


def get_dossier(dossier_id: int) -> DossierRecord:
    row = D.get_or_none(D.id == dossier_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy hồ sơ số {dossier_id}.", code="LOG_001")
    return _to_record(row)


def get_dossier_by_code(code: str) -> DossierRecord:
    row = D.get_or_none(D.code == nfc(code))
    if row is None:
        raise NotFoundError(f"Không có hồ sơ mã “{code}” trong sổ.", code="LOG_002")
    return _to_record(row)


def _audit(action: str, entity_id: object, detail: object, user: str) -> None:
    models.AuditEntry.create(user=user, action=action, entity="dossier", entity_id=str(entity_id),
                             detail=json.dumps(detail, ensure_ascii=False, default=str))


def save_dossier(record: DossierRecord, user: str = "") -> DossierRecord:
    """Insert (id None) or update one dossier after validation; audited; atomic."""
    record = record.normalised()
    if not record.field_name and record.procedure_name:
        record = replace(record, field_name=field_of_procedure(record.procedure_name) or "")
    if not record.source:
        record = replace(record, source="nhập tay")
    issues = [i for i in validate_record(record) if i.is_error]
    if issues:
        raise UserError("Hồ sơ chưa hợp lệ: " + "; ".join(f"{i.column}: {i.message}" for i in issues),
                        code="LOG_100", issues=issues)
    data = record_to_model_dict(record)
    with atomic():
        clash = D.get_or_none(D.code == record.code)
        if clash is not None and clash.id != record.id:
            raise UserError(f"Mã hồ sơ “{record.code}” đã có trong sổ (của {clash.applicant_name}).",
                            code="LOG_003")
        if record.id is None:
            new_id = D.insert(**data).execute()
            _audit("them", new_id, {"code": record.code}, user)
            return get_dossier(new_id)
        old = get_dossier(record.id)
        changes = {k: [getattr(old, k), getattr(record, k)] for k in COMPARED
                   if getattr(old, k) != getattr(record, k)}
        if changes:
            data["updated_at"] = datetime.now()
            D.update(**data).where(D.id == record.id).execute()
            _audit("sua", record.id, changes, user)
        return get_dossier(record.id)


def delete_dossiers(ids: list[int], user: str = "") -> int:
    if not ids:
        return 0
    with atomic():
        codes = [r.code for r in D.select(D.code).where(D.id.in_(ids))]
        count = D.delete().where(D.id.in_(ids)).execute()
        _audit("xoa", ",".join(str(i) for i in ids), {"codes": codes}, user)
    return count


def distinct_fields_in_log() -> list[str]:
    return [r.field_name for r in D.select(D.field_name).distinct().where(D.field_name != "")]


# ---------------------------------------------------------------- catalogue of fields/procedures

def list_fields() -> list[FieldInfo]:
    F, P = models.Field, models.Procedure
    query = (F.select(F.id, F.name, F.active, pw.fn.COUNT(P.id).alias("n"))
             .join(P, pw.JOIN.LEFT_OUTER).group_by(F.id).order_by(F.sort_order, F.name))
    return [FieldInfo(f.id, f.name, f.active, f.n) for f in query]


def list_procedures(field_name: str | None = None) -> list[ProcedureInfo]:
    F, P = models.Field, models.Procedure
    query = P.select(P.id, P.name, F.name.alias("field_name")).join(F)
    if field_name:
        query = query.where(F.name == field_name)
    return [ProcedureInfo(p.id, p.name, p.field.name) for p in query.order_by(F.sort_order, P.name)]


def field_of_procedure(name: str) -> str | None:
    """The field a procedure belongs to (accent-insensitive; also a known prefix match)."""
    key = fold(name)
    if not key:
        return None
    P = models.Procedure
    hit = P.get_or_none(P.name_fold == key)
    if hit is None:
        for proc in P.select().order_by(pw.fn.LENGTH(P.name_fold).desc()):
            if key.startswith(proc.name_fold):
                hit = proc
                break
    return hit.field.name if hit else None


def _field_by_name(name: str) -> models.Field | None:
    target = fold(name)
    for field in models.Field.select():
        if fold(field.name) == target:
            return field
    return None


def save_field(name: str, field_id: int | None = None) -> FieldInfo:
    name = nfc(name)
    if not name:
        raise UserError("Cần nhập tên lĩnh vực.", code="CAT_001")
    other = _field_by_name(name)
    if other is not None and other.id != field_id:
        raise UserError(f"Lĩnh vực “{name}” đã có.", code="CAT_002")
    with atomic():
        if field_id is None:
            order = (models.Field.select(pw.fn.MAX(models.Field.sort_order)).scalar() or 0) + 1
            field = models.Field.create(name=name, sort_order=order)
        else:
            field = models.Field.get_by_id(field_id)
            old = field.name
            field.name = name
            field.save()
            D.update(field_name=name).where(D.field_name == old).execute()
    return next(f for f in list_fields() if f.id == field.id)


def delete_field(field_id: int) -> None:
    field = models.Field.get_or_none(models.Field.id == field_id)
    if field is None:
        raise NotFoundError("Không tìm thấy lĩnh vực.", code="CAT_003")
    if models.Procedure.select().where(models.Procedure.field == field).exists():
        raise UserError(f"Lĩnh vực “{field.name}” còn thủ tục; hãy xóa hoặc chuyển các thủ tục trước.",
                        code="CAT_004")
    with atomic():
        field.delete_instance()


def save_procedure(name: str, field_name: str, procedure_id: int | None = None) -> ProcedureInfo:
    name = nfc(name)
    if not name:
        raise UserError("Cần nhập tên thủ tục.", code="CAT_005")
    field = _field_by_name(field_name)
    if field is None:
        raise UserError(f"Không có lĩnh vực “{field_name}”.", code="CAT_006")
    P = models.Procedure
    other = P.get_or_none(P.name_fold == fold(name))
    if other is not None and other.id != procedure_id:
        raise UserError(f"Thủ tục “{name}” đã có (lĩnh vực {other.field.name}).", code="CAT_007")
    with atomic():
        if procedure_id is None:
            proc = P.create(name=name, name_fold=fold(name), field=field)
        else:
            proc = P.get_by_id(procedure_id)
            proc.name, proc.name_fold, proc.field = name, fold(name), field
            proc.save()
    return ProcedureInfo(proc.id, proc.name, field.name)


def delete_procedure(procedure_id: int) -> None:
    with atomic():
        models.Procedure.delete().where(models.Procedure.id == procedure_id).execute()


def import_catalogue(path: Path) -> tuple[int, int, IssueList]:
    """Fields and procedures from an .xlsx (columns Lĩnh vực · Thủ tục hành chính); all-or-nothing."""
    from openpyxl import load_workbook

    issues = IssueList()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds: wrap once at the boundary
        raise UserError(f"Không đọc được “{Path(path).name}”: không phải tệp Excel .xlsx hợp lệ.",
                        code="CAT_010") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    pairs: list[tuple[str, str]] = []
    for index, row in enumerate(rows[1:], start=2):
        cells = [nfc(c) for c in (list(row) + [None, None])[:2]]
        if not any(cells):
            continue
        if not cells[0] or not cells[1]:
            issues.add("CAT_011", "cần cả lĩnh vực và tên thủ tục", sheet=ws.title, row=index)
            continue
        pairs.append((cells[0], cells[1]))
    if issues.errors:
        return 0, 0, issues
    fields_added = procs_added = 0
    with atomic():
        for field_name, proc_name in pairs:
            if _field_by_name(field_name) is None:
                save_field(field_name)
                fields_added += 1
            if models.Procedure.get_or_none(models.Procedure.name_fold == fold(proc_name)) is None:
                save_procedure(proc_name, field_name)
                procs_added += 1
    return fields_added, procs_added, issues
