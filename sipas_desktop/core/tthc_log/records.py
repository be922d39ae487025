"""One dossier as plain data, its validation, and the light row the log grid shows.

`validate_record` is the single set of checks used by the dossier form, the importer and the
CLI, so a dossier that one accepts the others accept too. The importer checks 100,000 rows at a
time: `rows_to_validate` settles each of validate_record's rules for whole columns at once and
names the few rows validate_record itself must look at (a hypothesis test holds the two together).
"""

from __future__ import annotations

import operator
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from itertools import compress, repeat
from typing import Any

from sipas_desktop.core.errors import Issue, Level
from sipas_desktop.core.text import collation_key, fold, fold_and_collation_keys, nfc

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
    if record.phone and not 8 <= len(_phone_digits(record.phone)) <= 12:
        add("LOG_112", "phone", f"số điện thoại “{record.phone}” có vẻ không đúng", Level.WARNING)
    return issues


def _phone_digits(phone: str) -> str:
    return phone if phone.isdigit() else "".join(ch for ch in phone if ch.isdigit())


# ----------------------------------------------------------------- many rows at once (the importer)

def _not_before(later: Sequence[Any], received: Sequence[Any], op: Callable[[Any, Any], bool]) -> bool:
    """No row has `op(later, received)` where `later` is set (C-level iterators, no Python loop)."""
    present = list(map(operator.is_not, later, repeat(None)))
    return not any(map(op, compress(later, present), compress(received, present)))


_PHONE_LENGTHS = frozenset({0, *range(8, 13)})


def _column_rules(today: date) -> list[tuple[tuple[str, ...], Callable[..., bool], Callable[..., bool]]]:
    """validate_record's rules, each as (columns, whole-column test, row test).

    The whole-column test is True when no row of the columns can break the rule; the row test is
    True when one row may (it may say so of a row validate_record accepts: that row is only
    checked again). Keep in step with validate_record: test_log_records' hypothesis test fails
    when a row validate_record would report is missed.
    """
    lt, gt = operator.lt, operator.gt
    rules: list[tuple[tuple[str, ...], Callable[..., bool], Callable[..., bool]]] = [
        (("code",), lambda c: all(c) and max(map(len, c), default=0) <= 100,
         lambda c: not c or len(c) > 100),                                          # LOG_101, 102
        (("applicant_name",), all, operator.not_),                                  # LOG_103
        (("procedure_name",), all, operator.not_),                                  # LOG_104
        (("received_date",), lambda r: None not in r and max(r, default=today) <= today,
         lambda r: r is None or r > today),                                          # LOG_105, 107
    ]
    for key in _DATE_ORDER:                                                          # LOG_106
        rules.append(((key, "received_date"), lambda d, r: _not_before(d, r, lt),
                      lambda d, r: d is not None and r is not None and d < r))
    rules += [
        (("channel",), lambda c: set(c) <= CHANNELS.keys(), lambda c: c not in CHANNELS),   # LOG_108
        (("applicant_type",), lambda t: set(t) <= APPLICANT_TYPES.keys(),
         lambda t: t not in APPLICANT_TYPES),                                        # LOG_109
        (("quantity",), lambda q: set(map(type, q)) <= {int} and min(q, default=1) >= 1,
         lambda q: q.__class__ is not int or q < 1),                                 # LOG_110
        (("birth_date", "received_date"), lambda b, r: _not_before(b, r, gt),
         lambda b, r: b is not None and r is not None and b > r),                    # LOG_111
        (("phone",), lambda p: (not (joined := "".join(p)) or joined.isdigit())
         and set(map(len, p)) <= _PHONE_LENGTHS,
         lambda p: bool(p) and not (p.isdigit() and 8 <= len(p) <= 12)),              # LOG_112
    ]
    return rules


def rows_to_validate(columns: Mapping[str, Sequence[Any]]) -> list[int]:
    """Positions of the rows for which `validate_record` may report something.

    `columns` holds every DossierRecord field as a column. On a clean file each rule is settled
    for its whole column with all()/set()/max() and no row is visited; a rule whose column test
    fails is checked row by row. Rows not returned get no issue from validate_record.
    """
    flagged: set[int] = set()
    for keys, column_test, row_test in _column_rules(_today()):
        cols = [columns[k] for k in keys]
        try:
            if column_test(*cols):
                continue
        except TypeError:  # values that do not compare (never from the importer): row by row
            pass
        for i, values in enumerate(zip(*cols, strict=True)):
            try:
                if row_test(*values):
                    flagged.add(i)
            except TypeError:
                flagged.add(i)
    return sorted(flagged)


def search_text(record: DossierRecord) -> str:
    phone = record.phone
    return " ".join(fold(v) for v in (record.code, record.applicant_name, phone, _phone_digits(phone)))


# Joins many texts into one for fold_each: ASCII (an ASCII text stays ASCII and fold skips its
# character table), not white space, a starter that composes with nothing, its own lower case,
# kept by fold; a text holding it is folded alone.
_SEP = "\x00"


def _joined_clean(texts: Sequence[str]) -> str | None:
    """The texts joined by _SEP when each is `nfc`-clean (then nfc, lower and fold's character
    table treat the joined text exactly as each text alone), else None."""
    blob = _SEP.join(texts)
    if blob.count(_SEP) != len(texts) - 1 or nfc(blob) != blob \
            or " " + _SEP in blob or _SEP + " " in blob:
        return None
    return blob


def fold_each(texts: Sequence[str]) -> list[str]:
    """`fold` of many `nfc`-clean texts, as one call on their joined text."""
    blob = _joined_clean(texts) if texts else None
    if blob is None:
        return [fold(t) for t in texts]
    return fold(blob).split(_SEP)


def collation_keys(names: Sequence[str], cache: dict[str, str] | None = None) -> list[str]:
    """`collation_key` of many names, each distinct name once (`cache` may be shared)."""
    cache = {} if cache is None else cache
    for name in set(names).difference(cache):
        cache[name] = collation_key(name)
    return list(map(cache.__getitem__, names))


def name_keys(names: Sequence[str], folded: dict[str, str], keys: dict[str, str]) -> None:
    """Put `fold` and `collation_key` of each distinct name not yet known into `folded` and
    `keys` (kept in step by the caller). One pass over the new names: when they are `nfc`-clean
    (as the importer makes them) they are lowered as one joined text, `nfc` is skipped (nfc of a
    clean text is the text itself) and both are made by `fold_and_collation_keys`."""
    new = list(set(names).difference(keys))
    if not new:
        return
    blob = _joined_clean(new)
    both = None if blob is None else fold_and_collation_keys(blob.lower().split(_SEP))
    if both is None:
        folded.update(zip(new, map(fold, new), strict=True))
        keys.update(zip(new, map(collation_key, new), strict=True))
        return
    folded.update(zip(new, both[0], strict=True))
    keys.update(zip(new, both[1], strict=True))


def search_texts(codes: Sequence[str], names: Sequence[str], phones: Sequence[str],
                 folded: dict[str, str] | None = None) -> list[str]:
    """`search_text` of many rows of `nfc`-clean values (as the importer makes them); each
    distinct name is folded once (`folded` may be shared between calls)."""
    folded = {} if folded is None else folded
    new = list(set(names).difference(folded))
    folded.update(zip(new, fold_each(new), strict=True))
    return search_texts_folded(codes, list(map(folded.__getitem__, names)), phones)


def search_texts_folded(codes: Sequence[str], folded_names: Sequence[str],
                        phones: Sequence[str]) -> list[str]:
    """`search_texts` given each row's name already folded."""
    joined = "".join(phones)
    if not joined or (joined.isdigit() and joined.isascii()):  # fold and digits change nothing
        phone_parts = phones
        digit_parts = phones
    else:
        phone_parts = [fold(p) for p in phones]
        digit_parts = [fold(_phone_digits(p)) for p in phones]
    return list(map(" ".join, zip(fold_each(codes), folded_names, phone_parts, digit_parts, strict=True)))


RECORD_FIELDS = tuple(f.name for f in fields(DossierRecord) if f.name != "id")
_RECORD_FIELDS = RECORD_FIELDS


def records_from_columns(columns: Mapping[str, Sequence[Any]]) -> list[DossierRecord]:
    """Column store (every field but id) → records, in DossierRecord's field order."""
    cols = [columns[name] for name in RECORD_FIELDS]
    if not cols[0]:
        return []
    return list(map(DossierRecord, *cols))


def record_to_model_dict(record: DossierRecord, *, normalised: bool = False) -> dict[str, object]:
    """Columns for a Dossier insert/update (without id, created_at, updated_at).

    `normalised=True`: the text fields are already `nfc`-clean (the importer cleans every cell
    with the same function), so they are taken as they are.
    """
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
