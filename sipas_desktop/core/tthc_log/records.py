"""One dossier as plain data, its validation, and the light row the log grid shows.

`validate_record` is the single set of checks used by the dossier form, the importer and the
CLI, so a dossier that one accepts the others accept too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace
from datetime import date

from sipas_desktop.core.errors import Issue, Level
from sipas_desktop.core.text import collation_key, fold, nfc

CHANNELS = {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "buu_chinh": "Bưu chính công ích"}
APPLICANT_TYPES = {"ca_nhan": "Cá nhân", "to_chuc": "Tổ chức"}

# Vietnamese column labels, used in messages and in the dossier form.
LABELS = {
    "code": "Mã hồ sơ",
    "procedure_name": "Tên TTHC",
    "field_name": "Lĩnh vực",
    "quantity": "Số lượng hồ sơ",
    "applicant_name": "Tên cá nhân, tổ chức",
    "applicant_type": "Cá nhân / Tổ chức",
    "address": "Địa chỉ",
    "phone": "Số điện thoại",
    "agency": "Cơ quan chủ trì giải quyết",
    "received_date": "Ngày nhận hồ sơ",
    "due_date": "Ngày hẹn trả kết quả",
    "transferred_date": "Ngày chuyển hồ sơ đến cơ quan giải quyết",
    "result_in_date": "Ngày nhận kết quả từ cơ quan giải quyết",
    "returned_date": "Ngày trả kết quả",
    "channel": "Kênh tiếp nhận",
    "in_province": "Cư trú trong tỉnh",
    "birth_date": "Ngày sinh",
    "result_method": "Phương thức nhận kết quả",
    "notes": "Ghi chú",
}


@dataclass(frozen=True)
class DossierRecord:
    code: str
    procedure_name: str
    applicant_name: str
    received_date: date | None
    field_name: str = ""
    quantity: int = 1
    applicant_type: str = "ca_nhan"
    address: str = ""
    phone: str = ""
    agency: str = ""
    due_date: date | None = None
    transferred_date: date | None = None
    result_in_date: date | None = None
    returned_date: date | None = None
    channel: str = "truc_tiep"
    in_province: bool = True
    birth_date: date | None = None
    result_method: str = ""
    notes: str = ""
    source: str = ""
    id: int | None = None

    def normalised(self) -> DossierRecord:
        """Text fields as NFC with folded white space (input methods may send NFD)."""
        changes = {f.name: nfc(getattr(self, f.name)) for f in fields(self)
                   if isinstance(getattr(self, f.name), str)}
        return replace(self, **changes)

    @property
    def returned(self) -> bool:
        return self.returned_date is not None


@dataclass(frozen=True)
class DossierRow:
    """What the log grid shows for one dossier (no lazy database access)."""

    id: int
    code: str
    applicant_name: str
    applicant_type: str
    procedure_name: str
    field_name: str
    received_date: date | None
    returned_date: date | None
    channel: str
    phone: str
    address: str
    in_province: bool


@dataclass(frozen=True)
class LogFilter:
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    field: str | None = None
    channel: str | None = None
    status: str | None = None          # "returned" | "pending"
    applicant_type: str | None = None


@dataclass(frozen=True)
class FieldInfo:
    id: int
    name: str
    active: bool
    procedure_count: int


@dataclass(frozen=True)
class ProcedureInfo:
    id: int
    name: str
    field_name: str


_DATE_ORDER = ("due_date", "transferred_date", "result_in_date", "returned_date")
_TODAY: list = [date.min, -1e9]


def _today() -> date:
    """date.today(), re-read at most once a second (it costs microseconds; imports check 100,000 rows)."""
    now = time.monotonic()
    if now - _TODAY[1] > 1.0:
        _TODAY[0], _TODAY[1] = date.today(), now
    return _TODAY[0]


def validate_record(record: DossierRecord, *, sheet: str | None = None,
                    row: int | None = None) -> list[Issue]:
    """Every problem with one dossier; `sheet`/`row` locate it in an imported file."""
    issues: list[Issue] = []

    def add(code: str, key: str, message: str, level: Level = Level.ERROR) -> None:
        issues.append(Issue(code, message, level, sheet, row, LABELS[key]))

    if not record.code:
        add("LOG_101", "code", "thiếu mã hồ sơ")
    elif len(record.code) > 100:
        add("LOG_102", "code", "mã hồ sơ dài quá 100 ký tự")
    if not record.applicant_name:
        add("LOG_103", "applicant_name", "thiếu tên cá nhân, tổ chức")
    if not record.procedure_name:
        add("LOG_104", "procedure_name", "thiếu tên thủ tục hành chính")
    if record.received_date is None:
        add("LOG_105", "received_date", "thiếu ngày nhận hồ sơ")
    else:
        for key in _DATE_ORDER:
            value = getattr(record, key)
            if value is not None and value < record.received_date:
                add("LOG_106", key, f"{LABELS[key].lower()} ({value:%d/%m/%Y}) trước ngày nhận hồ sơ "
                                    f"({record.received_date:%d/%m/%Y})")
        if record.received_date > _today():
            add("LOG_107", "received_date", "ngày nhận hồ sơ ở tương lai", Level.WARNING)
    if record.channel not in CHANNELS:
        add("LOG_108", "channel", f"kênh “{record.channel}” không hợp lệ (trực tiếp, trực tuyến, "
                                  "bưu chính công ích)")
    if record.applicant_type not in APPLICANT_TYPES:
        add("LOG_109", "applicant_type", f"loại người nộp “{record.applicant_type}” không hợp lệ "
                                         "(cá nhân hoặc tổ chức)")
    if not isinstance(record.quantity, int) or record.quantity < 1:
        add("LOG_110", "quantity", "số lượng hồ sơ phải là số nguyên từ 1 trở lên")
    if record.birth_date is not None and record.received_date is not None \
            and record.birth_date > record.received_date:
        add("LOG_111", "birth_date", "ngày sinh sau ngày nhận hồ sơ")
    phone = record.phone
    phone_digits = phone if phone.isdigit() else "".join(ch for ch in phone if ch.isdigit())
    if record.phone and not 8 <= len(phone_digits) <= 12:
        add("LOG_112", "phone", f"số điện thoại “{record.phone}” có vẻ không đúng", Level.WARNING)
    return issues


def search_text(record: DossierRecord) -> str:
    phone = record.phone
    phone_digits = phone if phone.isdigit() else "".join(ch for ch in phone if ch.isdigit())
    return " ".join(fold(v) for v in (record.code, record.applicant_name, record.phone, phone_digits))


_RECORD_FIELDS = tuple(f.name for f in fields(DossierRecord) if f.name != "id")


def record_to_model_dict(record: DossierRecord, *, normalised: bool = False) -> dict[str, object]:
    """Columns for a Dossier insert/update (without id, created_at, updated_at).

    `normalised=True`: the text fields are already `nfc`-clean (the importer cleans every cell
    with the same function), so they are taken as they are.
    """
    # Same as asdict(record.normalised()) without "id", without the deep copies: the importer
    # calls this for every row of a 100,000-row file.
    if normalised:
        data: dict[str, object] = {name: getattr(record, name) for name in _RECORD_FIELDS}
    else:
        data = {}
        for name in _RECORD_FIELDS:
            value = getattr(record, name)
            data[name] = nfc(value) if isinstance(value, str) else value
    data["search_fold"] = search_text(record)
    data["name_key"] = collation_key(record.applicant_name)
    return data


# Columns compared to decide "unchanged" on re-import.
COMPARED = [f.name for f in fields(DossierRecord) if f.name not in ("id", "source")]
