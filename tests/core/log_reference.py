"""The importer's rules read row by row and cell by cell, with no cache and no batch: the
reference the column-by-column importer is compared with (test_log_import_fast_paths).

This is how the importer worked before it was made fast; keep it plain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sipas_desktop.core.errors import Issue, Level
from sipas_desktop.core.text import DateError, nfc
from sipas_desktop.core.tthc_log.cells import (
    clean_text,
    normalise_phone,
    parse_cell_date,
    split_address_phone,
)
from sipas_desktop.core.tthc_log.headers import HeaderLayout, field_label, header_key, load_vocabulary
from sipas_desktop.core.tthc_log.importer import (
    ParseContext,
    _Lexicon,
    _ProvinceFinder,
    channel_from_notes,
    is_organisation,
)
from sipas_desktop.core.tthc_log.records import DossierRecord, validate_record

TEXT_KEYS = ("code", "procedure_name", "field_name", "applicant_name", "address", "phone", "agency",
             "result_method", "notes")
DATE_KEYS = ("received_date", "due_date", "transferred_date", "result_in_date", "returned_date", "birth_date")


def read_rows(rows: Sequence[Sequence[Any]], layout: HeaderLayout, ctx: ParseContext):
    """(records, row numbers, invalid indexes, issues, skipped rows) of the data rows."""
    vocab = load_vocabulary()
    lex = _Lexicon(vocab)
    find_province = _ProvinceFinder(lex)
    cols: dict[str, int] = {}
    for col, key in layout.mapping.items():
        if key not in vocab.ignored:
            cols.setdefault(key, col)
    mapped = sorted(set(cols.values()))
    sheet = layout.sheet
    records: list[DossierRecord] = []
    numbers: list[int] = []
    invalid: set[int] = set()
    issues: list[Issue] = []
    skipped = 0
    seen: dict[str, int] = {}
    provinces: list[tuple[int, str]] = []

    def issue(code: str, message: str, row_no: int, key: str, level: Level = Level.ERROR) -> Issue:
        return Issue(code, message, level, sheet, row_no, field_label(key))

    for offset, row in enumerate(rows):
        if offset < layout.data_start:
            continue
        row_no = offset + 1
        row = list(row) + [None] * (max(mapped) + 1 - len(row))
        received = row[cols["received_date"]]
        if received is None or (isinstance(received, str) and not received[:1].isdigit()):
            filled = [row[c] for c in mapped if row[c] is not None and row[c] != ""]
            texts = " ".join(clean_text(v) for v in row if v is not None and v != "").lower()
            if not filled or any(w in texts for w in lex.skip_words):
                skipped += 1
                continue
            code_cell = row[cols["code"]]
            if len(filled) == 1 or (len(filled) == 2 and (code_cell is None or code_cell == "")):
                skipped += 1
                issues.append(Issue("LOG_IMP_120", f"bỏ qua dòng chỉ có “{texts[:60]}”", Level.WARNING,
                                    sheet, row_no))
                continue
        found: list[Issue] = []
        values: dict[str, Any] = {k: clean_text(row[cols[k]]) if k in cols else "" for k in TEXT_KEYS}
        for key in DATE_KEYS:
            values[key] = None
            if key in cols:
                try:
                    values[key] = parse_cell_date(row[cols[key]])
                except DateError as exc:
                    found.append(issue("LOG_IMP_101", str(exc), row_no, key))
        values["phone"] = normalise_phone(values["phone"])
        if "address_phone" in cols:
            address, phone = split_address_phone(clean_text(row[cols["address_phone"]]))
            values["address"] = values["address"] or address
            values["phone"] = values["phone"] or phone
        values["quantity"] = 1
        if "quantity" in cols and row[cols["quantity"]] not in (None, ""):
            raw = row[cols["quantity"]]
            try:
                number = float(raw.replace(",", ".")) if isinstance(raw, str) else float(raw)
                if not number.is_integer():
                    raise ValueError
                values["quantity"] = int(number)
            except (ValueError, TypeError, OverflowError):
                values["quantity"] = 0
                found.append(issue("LOG_IMP_102", f"số lượng “{clean_text(raw)}” không phải số nguyên",
                                   row_no, "quantity"))
        name = values["applicant_name"]
        kind = None
        if "applicant_type" in cols:
            raw_type = clean_text(row[cols["applicant_type"]])
            if raw_type:
                kind = lex.types.get(header_key(raw_type))
                if kind is None:
                    found.append(issue("LOG_IMP_103", f"không hiểu loại người nộp “{raw_type}”; "
                                       "đoán theo tên", row_no, "applicant_type", Level.WARNING))
        values["applicant_type"] = kind or ("to_chuc" if name and is_organisation(name, lex) else "ca_nhan")
        channel = None
        if "channel" in cols:
            raw_channel = clean_text(row[cols["channel"]])
            if raw_channel:
                channel = lex.channels.get(header_key(raw_channel)) or channel_from_notes(raw_channel, lex)
                if channel is None:
                    found.append(issue("LOG_IMP_104", f"không hiểu kênh tiếp nhận “{raw_channel}”; coi là "
                                       "trực tiếp", row_no, "channel", Level.WARNING))
        if channel is None and values["notes"]:
            channel = channel_from_notes(values["notes"], lex)
        values["channel"] = channel or "truc_tiep"
        values["in_province"], explicit = True, False
        if "in_province" in cols:
            raw_prov = clean_text(row[cols["in_province"]])
            if raw_prov:
                known = lex.in_province.get(header_key(raw_prov))
                if known is None:
                    found.append(issue("LOG_IMP_105", f"không hiểu “{raw_prov}” (trong tỉnh?)", row_no,
                                       "in_province", Level.WARNING))
                else:
                    values["in_province"], explicit = known, True
        if not values["field_name"] and values["procedure_name"]:
            values["field_name"] = nfc(ctx.field_of_procedure(values["procedure_name"]) or "")
        record = DossierRecord(**values, source=nfc(ctx.source))
        unread = {i.column for i in found if i.level is Level.ERROR}  # reported once, precisely
        found += [i for i in validate_record(record, sheet=sheet, row=row_no) if i.column not in unread]
        if record.code:
            first = seen.setdefault(record.code, row_no)
            if first != row_no:
                found.append(issue("LOG_IMP_106", f"mã hồ sơ “{record.code}” trùng với dòng {first} của tệp",
                                   row_no, "code"))
        if not explicit and record.address:
            province = find_province(record.address)
            if province is not None:
                provinces.append((len(records), province))
        if any(i.level is Level.ERROR for i in found):
            invalid.add(len(records))
        issues += found
        records.append(record)
        numbers.append(row_no)
    if provinces:
        home = ctx.home_province
        if home is None:
            home = Counter(p for _, p in provinces).most_common(1)[0][0]
        for index, province in provinces:
            if province != home:
                records[index] = replace(records[index], in_province=False)
    return records, numbers, invalid, issues, skipped
