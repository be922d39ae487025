"""From a one-stop export to checked dossier records: the import preview.

`build_preview` reads a sheet once, finds its header (`headers.find_header`), turns each row into
a `DossierRecord` and collects every problem as an `Issue` with sheet, row and column. Nothing is
written here: `services.log_io.commit_import` writes the records of a preview in one transaction.

What the importer fills in when the file does not say it:
- applicant type from the name (“Công ty…”, “HTX…”, “Trường…” → tổ chức), words in log_import.json;
- channel from the notes (“Nộp trực tuyến”, “qua bưu chính công ích”), but not from a clause about
  how the result was handed back (“Trả kết quả qua bưu điện”);
- address and phone from one “address - ĐT: phone” cell;
- field (lĩnh vực) from the procedure catalogue;
- whether the applicant lives in the province, from a province named in the address (former
  provinces map to their 2025 successor), against the office's province or, when no office is
  set, the province most addresses name.

This is the hot loop of a 100,000-row import, so values that repeat (procedure names, dates as
text, notes) are cleaned once and cached, and the per-row work is plain attribute access.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import Issue, IssueList, Level
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.text import DateError, fold, nfc, parse_date
from sipas_desktop.core.tthc_log.headers import (
    HeaderLayout,
    Vocabulary,
    field_label,
    header_key,
    load_vocabulary,
)
from sipas_desktop.core.tthc_log.records import DossierRecord, validate_record

_EXCEL_EPOCH = date(1899, 12, 30)
_PHONE_CHARS = "0123456789 .-+()"
_PHONE_LABEL_END = re.compile(r"(?:^|(?<=\W))(?:s[ốo]\s*)?(?:điện\s*thoại|dien\s*thoai|đtdđ|dtdd|sđt|sdt"
                              r"|đt|dt|dđ|tel|mobile)$", re.IGNORECASE)
_NON_DIGITS = re.compile(r"[^0-9]")
_PHONE_AT_END = re.compile(r"(?<![\d])(\+\d[\d .]{7,15}\d|0\d(?:[ .]?\d){7,10})[\s)]*$")
_DATE_TIME = re.compile(r"^(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4})[ T]+\d{1,2}:\d{2}(?::\d{2})?\s*$")


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    header: str
    key: str | None          # field key, or None when the column is not used
    label: str               # Vietnamese label of the field ("" when unused)


@dataclass
class ImportPreview:
    """What a file would import: records, their rows, and every problem found."""

    path: Path
    sheet: str
    kind: str
    reader: str
    layout: HeaderLayout
    mapping_source: str                      # "auto" | "remembered" | "user"
    records: list[DossierRecord] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)    # 1-based sheet row of each record
    invalid: set[int] = field(default_factory=set)          # indexes into records
    issues: IssueList = field(default_factory=IssueList)
    skipped_rows: int = 0
    file_errors: list[Issue] = field(default_factory=list)  # e.g. a required column missing

    @property
    def columns(self) -> list[ColumnInfo]:
        return [ColumnInfo(i, self.layout.header_of(i), self.layout.mapping.get(i),
                           field_label(self.layout.mapping[i]) if i in self.layout.mapping else "")
                for i in range(len(self.layout.headers))]

    @property
    def total(self) -> int:
        return len(self.records)

    @property
    def error_count(self) -> int:
        return len(self.invalid)

    @property
    def valid_count(self) -> int:
        return len(self.records) - len(self.invalid)

    @property
    def ok(self) -> bool:
        """True when everything can be imported as it is."""
        return not self.file_errors and not self.invalid

    @property
    def errors(self) -> list[Issue]:
        return self.file_errors + self.issues.errors

    def valid_records(self) -> list[DossierRecord]:
        bad = self.invalid
        return [r for i, r in enumerate(self.records) if i not in bad]


# --------------------------------------------------------------------------- value helpers

class _Lexicon:
    """Value vocabularies from log_import.json, folded once."""

    def __init__(self, vocab: Vocabulary) -> None:
        raw = vocab.raw
        self.org_prefixes = tuple(p.lower() for p in raw["organisation_prefixes"])
        words = "|".join(re.escape(w.lower()) for w in raw["organisation_words"])
        self.org_words = re.compile(rf"\b(?:{words})\b")
        folded = "|".join(re.escape(fold(w)) for w in raw["organisation_words"])
        self.org_words_folded = re.compile(rf"\b(?:{folded})\b")
        self.person_prefixes = tuple(p.lower() for p in raw["person_prefixes"])
        self.types = {header_key(v): k for k, vs in raw["applicant_type_values"].items() for v in vs}
        self.channels = {header_key(v): k for k, vs in raw["channel_values"].items() for v in vs}
        self.channel_notes = [(k, tuple(fold(w) for w in ws)) for k, ws in raw["channel_notes"].items()]
        self.result_words = tuple(fold(w) for w in raw["result_clause_words"])
        self.in_province = {header_key(v): k == "true" for k, vs in raw["in_province_values"].items()
                            for v in vs}
        self.skip_words = tuple(w.lower() for w in raw["skip_row_words"])
        self.former = {fold(k): fold(v) for k, v in raw["former_provinces"].items()}


def _province_names() -> list[str]:
    """The 34 provinces (2025) as folded names without “tỉnh”/“thành phố”."""
    try:
        from vietnam_provinces import Province

        names = [p.name for p in Province.iter_all()]
    except Exception:  # the list is only used to guess “lives in the province”
        names = []
    out = []
    for name in names:
        key = fold(name)
        for prefix in ("thanh pho ", "tinh "):
            if key.startswith(prefix):
                key = key[len(prefix):]
        out.append(key)
    return out


class _ProvinceFinder:
    """Finds the province an address names (“…, tỉnh Hà Tĩnh”, “TP. Hồ Chí Minh”)."""

    def __init__(self, lexicon: _Lexicon) -> None:
        names = set(_province_names()) | set(lexicon.former)
        self.successor = {n: lexicon.former.get(n, n) for n in names}
        alternation = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
        self.pattern = re.compile(rf"\b(?:tinh|thanh pho|tp)[\s.]*({alternation})\s*$|"
                                  rf"\b(?:tinh|thanh pho|tp)[\s.]*({alternation})\b")
        self.cache: dict[str, str | None] = {}

    def __call__(self, address: str) -> str | None:
        if not address:
            return None
        hit = self.cache.get(address, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        match = self.pattern.search(fold(address).replace("-", " "))
        found = None
        if match:
            found = self.successor.get(match.group(1) or match.group(2))
        if len(self.cache) < 200_000:
            self.cache[address] = found
        return found


def clean_text(value: Any) -> str:
    """Cell → NFC text with white space folded; numbers without a trailing “.0”.

    For text this is exactly `text.nfc` (inlined: it runs for every cell), so the records it
    makes are already normalised and `record_to_model_dict(..., normalised=True)` may trust them.
    """
    if value is None:
        return ""
    if value.__class__ is str:
        if not value:
            return ""
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        return " ".join(value.split())
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() \
            else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def parse_cell_date(value: Any) -> date | None:
    """A date from a cell: a date, an Excel serial number, or dd/mm/yyyy text (time ignored)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial dates run from 1900 to 9999
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise DateError(f"“{clean_text(value)}” không phải ngày hợp lệ")
    text = clean_text(value)
    match = _DATE_TIME.match(text)
    if match:
        text = match.group(1)
    return parse_date(text)


def normalise_phone(text: str) -> str:
    """Digits of a phone number; a 9-digit mobile number that lost its 0 in Excel gets it back."""
    if not text:
        return ""
    if text.isdigit() and text.isascii():
        digits, lead = text, ""
    else:
        lead = "+" if text.startswith("+") else ""
        digits = _NON_DIGITS.sub("", text)
        if not digits:
            return text
    if not lead and len(digits) == 9 and digits[0] in "35789":
        digits = "0" + digits
    return lead + digits


def split_address_phone(text: str) -> tuple[str, str]:
    """“Thôn A, xã B - ĐT: 0912 345 678” → (“Thôn A, xã B”, “0912345678”)."""
    if not text:
        return "", ""
    # Only the trailing run of phone characters is searched (C-speed rstrip, short regex).
    head = text.rstrip(_PHONE_CHARS)
    tail = text[len(head):]
    match = _PHONE_AT_END.search(tail)
    if match is None:
        return text, ""
    rest = text[:len(head) + match.start(1)].rstrip(" :.-(")
    label = _PHONE_LABEL_END.search(rest, max(0, len(rest) - 20))
    if label is not None:
        rest = rest[:label.start()]
    return rest.strip(" ,;-–—(:"), normalise_phone(match.group(1))


def is_organisation(name: str, lexicon: _Lexicon) -> bool:
    low = name.lower()
    if low.startswith(lexicon.person_prefixes):
        return False
    if low.startswith(lexicon.org_prefixes):
        return True
    # Accented names are compared with accented words; only unaccented input needs folding.
    if name.isascii():
        return lexicon.org_words_folded.search(fold(name)) is not None
    return lexicon.org_words.search(low) is not None


def channel_from_notes(notes: str, lexicon: _Lexicon) -> str | None:
    """The channel a note names, ignoring clauses about handing the result back."""
    key = fold(notes)
    for clause in re.split(r"[;,.\n]| - ", key):
        if any(w in clause for w in lexicon.result_words):
            continue
        for channel, words in lexicon.channel_notes:
            if any(w in clause for w in words):
                return channel
    return None


# --------------------------------------------------------------------------- the row loop

_TEXT_KEYS = ("code", "procedure_name", "field_name", "applicant_name", "address", "phone",
              "agency", "result_method", "notes")
_CACHED_TEXT = frozenset({"procedure_name", "field_name", "agency", "result_method", "notes"})
_DATE_KEYS = ("received_date", "due_date", "transferred_date", "result_in_date", "returned_date",
              "birth_date")


@dataclass
class ParseContext:
    """What the row loop needs from outside: the office's province and the catalogue lookup."""

    home_province: str | None = None                       # folded 2025 province name
    field_of_procedure: Callable[[str], str | None] = lambda name: None
    source: str = ""


def build_preview(rows: Iterable[Sequence[Any]], layout: HeaderLayout, *, path: Path, kind: str,
                  reader: str, mapping_source: str = "auto", total_rows: int = 0,
                  context: ParseContext | None = None, progress: Progress | None = None,
                  vocab: Vocabulary | None = None) -> ImportPreview:
    """Turn the data rows of a sheet into a preview (records + issues). Writes nothing."""
    vocab = vocab or load_vocabulary()
    lex = _Lexicon(vocab)
    ctx = context or ParseContext()
    preview = ImportPreview(path=path, sheet=layout.sheet, kind=kind, reader=reader, layout=layout,
                            mapping_source=mapping_source)
    missing = [k for k in vocab.required if k not in layout.mapping.values()]
    if missing:
        names = ", ".join(f"“{field_label(k)}”" for k in missing)
        preview.file_errors.append(Issue(
            "LOG_IMP_020", f"không tìm thấy cột {names}; hãy chỉ cột tương ứng trong bảng ghép cột",
            Level.ERROR, layout.sheet))
        return preview

    columns: dict[str, int] = {}
    for col, key in layout.mapping.items():
        if key not in vocab.ignored:
            columns.setdefault(key, col)
    sheet = layout.sheet
    ctx.source = nfc(ctx.source)
    issues = preview.issues.items
    records = preview.records
    row_numbers = preview.row_numbers
    invalid = preview.invalid
    find_province = _ProvinceFinder(lex)
    provinces: list[tuple[int, str]] = []       # (record index, province) when an address names one
    text_cache: dict[Any, str] = {}
    date_cache: dict[Any, date | None] = {}
    type_cache: dict[str, str | None] = {}
    channel_cache: dict[str, str | None] = {}
    notes_channel_cache: dict[str, str | None] = {}
    field_cache: dict[str, str] = {}
    seen_codes: dict[str, int] = {}
    label = {k: field_label(k) for k in columns}
    width_needed = max(columns.values()) + 1
    plain_cols = [(k, columns[k]) for k in _TEXT_KEYS if k in columns and k not in _CACHED_TEXT]
    cached_cols = [(k, columns[k]) for k in _TEXT_KEYS if k in columns and k in _CACHED_TEXT]
    date_cols = [(k, columns[k]) for k in _DATE_KEYS if k in columns]
    c_received = columns["received_date"]
    c_code = columns["code"]
    c_addr_phone = columns.get("address_phone")
    c_quantity = columns.get("quantity")
    c_type = columns.get("applicant_type")
    c_channel = columns.get("channel")
    c_in_prov = columns.get("in_province")
    mapped_cols = sorted(set(columns.values()))
    # Every DossierRecord field with its default: a row starts as a copy (one C-level call).
    template: dict[str, Any] = {
        "code": "", "procedure_name": "", "applicant_name": "", "received_date": None,
        "field_name": "", "quantity": 1, "applicant_type": "ca_nhan", "address": "", "phone": "",
        "agency": "", "due_date": None, "transferred_date": None, "result_in_date": None,
        "returned_date": None, "channel": "truc_tiep", "in_province": True, "birth_date": None,
        "result_method": "", "notes": "", "source": ctx.source}
    step = 2000
    total = max(total_rows - layout.data_start, 0)

    def cached_text(value: Any) -> str:
        try:
            return text_cache[value]
        except KeyError:
            text_cache[value] = result = clean_text(value)
            return result
        except TypeError:  # unhashable: never from our readers, but be safe
            return clean_text(value)

    for offset, row in enumerate(rows):
        if offset < layout.data_start:
            continue
        row_no = offset + 1
        if offset % step == 0:
            report(progress, offset - layout.data_start, total, "Đang đọc và kiểm tra các dòng…")
        if len(row) < width_needed:
            row = list(row) + [None] * (width_needed - len(row))
        received_raw = row[c_received]
        if received_raw is None or (received_raw.__class__ is str and not received_raw[:1].isdigit()):
            # Blank, total and signature rows have no date of receipt (or text in its column).
            filled = [row[c] for c in mapped_cols if row[c] is not None and row[c] != ""]
            if not filled:
                preview.skipped_rows += 1
                continue
            texts = " ".join(clean_text(v) for v in row if v is not None and v != "").lower()
            if any(w in texts for w in lex.skip_words):
                preview.skipped_rows += 1
                continue
            # A signer's name under the signature line; a real dossier has more than that.
            if len(filled) == 1 or (len(filled) == 2 and (row[c_code] is None or row[c_code] == "")):
                preview.skipped_rows += 1
                issues.append(Issue("LOG_IMP_120", f"bỏ qua dòng chỉ có “{texts[:60]}”", Level.WARNING,
                                    sheet, row_no))
                continue
        values = template.copy()
        row_issues: list[Issue] = []
        for key, col in plain_cols:
            values[key] = clean_text(row[col])
        for key, col in cached_cols:
            raw = row[col]
            text = text_cache.get(raw) if raw.__class__ is str else None
            values[key] = cached_text(raw) if text is None else text
        for key, col in date_cols:
            raw = row[col]
            if raw.__class__ is date:  # calamine gives date cells as dates: nothing to do
                values[key] = raw
                continue
            try:
                values[key] = date_cache[raw]
            except KeyError:
                try:
                    values[key] = date_cache[raw] = parse_cell_date(raw)
                except DateError as exc:
                    values[key] = None
                    row_issues.append(Issue("LOG_IMP_101", str(exc), Level.ERROR, sheet, row_no, label[key]))
            except TypeError:
                values[key] = None
        if values["phone"]:  # from a phone column; a phone split off an address is already clean
            values["phone"] = normalise_phone(values["phone"])
        if c_addr_phone is not None:
            address, phone = split_address_phone(clean_text(row[c_addr_phone]))
            if not values["address"]:
                values["address"] = address
            if not values["phone"]:
                values["phone"] = phone
        if c_quantity is not None:
            raw = row[c_quantity]
            if raw is None or raw == "":
                values["quantity"] = 1
            else:
                try:
                    number = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
                    if not number.is_integer():
                        raise ValueError
                    values["quantity"] = int(number)
                except (ValueError, TypeError):
                    values["quantity"] = 0
                    row_issues.append(Issue("LOG_IMP_102", f"số lượng “{clean_text(raw)}” không phải số "
                                            "nguyên", Level.ERROR, sheet, row_no, label["quantity"]))
        name = values["applicant_name"]
        applicant_type = None
        if c_type is not None:
            raw_type = cached_text(row[c_type])
            if raw_type:
                applicant_type = type_cache.get(raw_type, "?")
                if applicant_type == "?":
                    applicant_type = type_cache[raw_type] = lex.types.get(header_key(raw_type))
                if applicant_type is None:
                    row_issues.append(Issue("LOG_IMP_103", f"không hiểu loại người nộp “{raw_type}”; "
                                            "đoán theo tên", Level.WARNING, sheet, row_no,
                                            label["applicant_type"]))
        if applicant_type is None:
            applicant_type = "to_chuc" if name and is_organisation(name, lex) else "ca_nhan"
        channel = None
        if c_channel is not None:
            raw_channel = cached_text(row[c_channel])
            if raw_channel:
                channel = channel_cache.get(raw_channel, "?")
                if channel == "?":
                    channel = channel_cache[raw_channel] = lex.channels.get(header_key(raw_channel)) \
                        or channel_from_notes(raw_channel, lex)
                if channel is None:
                    row_issues.append(Issue("LOG_IMP_104", f"không hiểu kênh tiếp nhận “{raw_channel}”; "
                                            "coi là trực tiếp", Level.WARNING, sheet, row_no,
                                            label["channel"]))
        if channel is None:
            notes = values["notes"]
            if notes:
                channel = notes_channel_cache.get(notes, "?")
                if channel == "?":
                    channel = notes_channel_cache[notes] = channel_from_notes(notes, lex)
            channel = channel or "truc_tiep"
        in_province = True
        explicit_province = False
        if c_in_prov is not None:
            raw_prov = cached_text(row[c_in_prov])
            if raw_prov:
                known = lex.in_province.get(header_key(raw_prov))
                if known is None:
                    row_issues.append(Issue("LOG_IMP_105", f"không hiểu “{raw_prov}” (trong tỉnh?)",
                                            Level.WARNING, sheet, row_no, label["in_province"]))
                else:
                    in_province, explicit_province = known, True
        procedure = values["procedure_name"]
        if not values["field_name"] and procedure:
            field_name = field_cache.get(procedure)
            if field_name is None:
                field_name = field_cache[procedure] = nfc(ctx.field_of_procedure(procedure) or "")
            values["field_name"] = field_name
        values["applicant_type"] = applicant_type
        values["channel"] = channel
        values["in_province"] = in_province
        record = DossierRecord(**values)
        row_issues.extend(validate_record(record, sheet=sheet, row=row_no))
        index = len(records)
        code = record.code
        if code:
            first = seen_codes.get(code)
            if first is None:
                seen_codes[code] = row_no
            else:
                row_issues.append(Issue("LOG_IMP_106", f"mã hồ sơ “{code}” trùng với dòng {first} của tệp",
                                        Level.ERROR, sheet, row_no, label["code"]))
        if not explicit_province and record.address:
            province = find_province(record.address)
            if province is not None:
                provinces.append((index, province))
        records.append(record)
        row_numbers.append(row_no)
        if row_issues:
            issues.extend(row_issues)
            if any(i.level is Level.ERROR for i in row_issues):
                invalid.add(index)
    _settle_provinces(records, provinces, ctx.home_province)
    report(progress, total, total, "Đã kiểm tra xong.")
    return preview


def _settle_provinces(records: list[DossierRecord], provinces: list[tuple[int, str]],
                      home: str | None) -> None:
    """Mark applicants whose address names another province as living outside it."""
    if not provinces:
        return
    if home is None:  # no office set: the province most addresses name is home
        home = Counter(p for _, p in provinces).most_common(1)[0][0]
    for index, province in provinces:
        if province != home:
            records[index] = replace(records[index], in_province=False)


def home_province_key(province_name: str | None) -> str | None:
    """Folded 2025 province name (“Tỉnh Hà Tĩnh” → “ha tinh”) as the province finder returns it."""
    if not province_name:
        return None
    key = fold(province_name)
    for prefix in ("thanh pho ", "tinh "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key
