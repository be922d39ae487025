"""From a one-stop export to checked dossier records: the import preview.

`build_preview` reads a sheet once, finds its header (`headers.find_header`), turns the rows into
dossier fields and collects every problem as an `Issue` with sheet, row and column. Nothing is
written here: `services.log_io.commit_import` writes the rows of a preview in one transaction.

What the importer fills in when the file does not say it:
- applicant type from the name (“Công ty…”, “HTX…”, “Trường…” → tổ chức), words in log_import.json;
- channel from the notes (“Nộp trực tuyến”, “qua bưu chính công ích”), but not from a clause about
  how the result was handed back (“Trả kết quả qua bưu điện”);
- address and phone from one “address - ĐT: phone” cell;
- field (lĩnh vực) from the procedure catalogue;
- whether the applicant lives in the province, from a province named in the address (former
  provinces map to their 2025 successor), against the office's province or, when no office is
  set, the province most addresses name.

This is the hot part of a 100,000-row import, so rows are handled in chunks and column by column:
each distinct cell of a column is converted once (dates, names, procedures, notes repeat a lot)
and the column is then mapped through that cache at C speed; `records.rows_to_validate` settles
validate_record's rules for whole columns, and only the rows it names are checked one by one.
The preview keeps the rows as columns (`ImportPreview.data`); `DossierRecord`s are made only when
someone asks for `records`.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import Issue, IssueList, Level
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.text import DateError, fold, nfc
from sipas_desktop.core.tthc_log.cells import (
    clean_text,
    clean_texts,
    convert,
    normalise_phones,
    parse_cell_date,
    split_address_phones,
)
from sipas_desktop.core.tthc_log.headers import (
    HeaderLayout,
    Vocabulary,
    field_label,
    header_key,
    load_vocabulary,
)
from sipas_desktop.core.tthc_log.records import (
    RECORD_FIELDS,
    DossierRecord,
    records_from_columns,
    rows_to_validate,
    validate_record,
)


@dataclass(frozen=True)
class ColumnInfo:
    index: int
    header: str
    key: str | None          # field key, or None when the column is not used
    label: str               # Vietnamese label of the field ("" when unused)
    sample: str = ""         # the column's first values, to recognise it when mapping by hand


def _empty_columns() -> dict[str, list[Any]]:
    return {name: [] for name in RECORD_FIELDS}


@dataclass
class ImportPreview:
    """What a file would import: its dossiers (as columns), their rows, and every problem found."""

    path: Path
    sheet: str
    kind: str
    reader: str
    layout: HeaderLayout
    mapping_source: str                      # "auto" | "remembered" | "user"
    # Every DossierRecord field but id → one value per dossier row, in sheet order. Columns are
    # what the commit writes (zip → executemany); records are made only on demand.
    data: dict[str, list[Any]] = field(default_factory=_empty_columns)
    row_numbers: list[int] = field(default_factory=list)    # 1-based sheet row of each dossier
    invalid: set[int] = field(default_factory=set)          # indexes of rows with an error
    issues: IssueList = field(default_factory=IssueList)
    skipped_rows: int = 0
    file_errors: list[Issue] = field(default_factory=list)  # e.g. a required column missing
    samples: list[list[str]] = field(default_factory=list)  # the first data rows, as text
    _records: list[DossierRecord] | None = field(default=None, repr=False, compare=False)

    @property
    def columns(self) -> list[ColumnInfo]:
        width = max([len(self.layout.headers), *map(len, self.samples)])
        return [ColumnInfo(i, self.layout.header_of(i), self.layout.mapping.get(i),
                           field_label(self.layout.mapping[i]) if i in self.layout.mapping else "",
                           " · ".join(row[i] for row in self.samples if i < len(row) and row[i]))
                for i in range(width)]

    @property
    def records(self) -> list[DossierRecord]:
        """The dossiers as records (made on first use; the commit works from `data`)."""
        if self._records is None:
            self._records = records_from_columns(self.data)
        return self._records

    @property
    def total(self) -> int:
        return len(self.row_numbers)

    @property
    def error_count(self) -> int:
        return len(self.invalid)

    @property
    def valid_count(self) -> int:
        return self.total - len(self.invalid)

    @property
    def ok(self) -> bool:
        """True when everything can be imported as it is."""
        return not self.file_errors and not self.invalid

    @property
    def errors(self) -> list[Issue]:
        return self.file_errors + self.issues.errors

    def valid_data(self) -> dict[str, list[Any]]:
        """`data` without the rows that have an error."""
        if not self.invalid:
            return self.data
        bad = self.invalid
        keep = [i not in bad for i in range(self.total)]
        return {name: list(compress(values, keep)) for name, values in self.data.items()}

    def valid_records(self) -> list[DossierRecord]:
        return records_from_columns(self.valid_data())


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


# --------------------------------------------------------------------------- the rows, by columns

_TEXT_KEYS = ("code", "procedure_name", "field_name", "applicant_name", "address", "phone",
              "agency", "result_method", "notes")
_DATE_KEYS = ("received_date", "due_date", "transferred_date", "result_in_date", "returned_date",
              "birth_date")
_UNIQUE_KEYS = frozenset({"code", "applicant_name", "address", "phone"})
CHUNK_ROWS = 10_000          # rows per step: progress and Cancel between chunks, memory flat
_CACHE_LIMIT = 200_000       # distinct values kept per column across chunks


@dataclass
class ParseContext:
    """What the row loop needs from outside: the office's province and the catalogue lookup."""

    home_province: str | None = None                       # folded 2025 province name
    field_of_procedure: Callable[[str], str | None] = lambda name: None
    source: str = ""


class _Bad:
    """A cell that could not be converted; `message` says why (Vietnamese)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _quantity(raw: Any) -> int | _Bad:
    if raw is None or raw == "":
        return 1
    try:
        number = float(str(raw).replace(",", ".")) if isinstance(raw, str) else float(raw)
        if not number.is_integer():
            raise ValueError
        return int(number)
    except (ValueError, TypeError, OverflowError):
        return _Bad(f"số lượng “{clean_text(raw)}” không phải số nguyên")


def _cell_date(raw: Any) -> date | None | _Bad:
    if raw.__class__ is date:  # calamine gives date cells as dates: nothing to do
        return raw
    try:
        return parse_cell_date(raw)
    except DateError as exc:
        return _Bad(str(exc))


def _take(values: Sequence[Any], positions: list[int]) -> list[Any]:
    return [values[i] for i in positions]


class _RowParser:
    """Turns chunks of sheet rows into the preview's columns and issues, column by column."""

    def __init__(self, preview: ImportPreview, layout: HeaderLayout, vocab: Vocabulary, lex: _Lexicon,
                 ctx: ParseContext) -> None:
        self.preview, self.lex, self.ctx, self.sheet = preview, lex, ctx, layout.sheet
        columns: dict[str, int] = {}
        for col, key in layout.mapping.items():
            if key not in vocab.ignored:
                columns.setdefault(key, col)
        self.columns = columns                       # field key → sheet column
        self.mapped = sorted(set(columns.values()))
        self.width = max(self.mapped) + 1
        self.label = {k: field_label(k) for k in columns}
        self.caches: dict[str, dict[Any, Any]] = {}
        self.find_province = _ProvinceFinder(lex)
        self.provinces: list[str | None] = []        # province an address names, per row
        self.seen_codes: set[str] = set()
        self.source = nfc(ctx.source)

    def cache(self, name: str) -> dict[Any, Any]:
        found = self.caches.get(name)
        if found is None or len(found) > _CACHE_LIMIT:
            found = self.caches[name] = {}
        return found

    # --- one chunk ----------------------------------------------------------------------------
    def add(self, chunk: list[Sequence[Any]], first_row: int) -> None:
        width = self.width
        shortest = min(map(len, chunk))
        if shortest < width:
            chunk = [row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in chunk]
            shortest = width
        if shortest <= 2 * len(self.mapped):
            # zip(*rows) gives every column of the shortest row (all the mapped ones: each row is
            # at least `width` long) ≈2× faster than an itemgetter per column, when few are unused.
            every = list(zip(*chunk, strict=False))
            cells: list[Sequence[Any]] = [every[c] for c in self.mapped]
        else:
            cells = [list(map(operator.itemgetter(c), chunk)) for c in self.mapped]
        numbers = list(range(first_row, first_row + len(chunk)))
        pending: dict[int, list[Issue]] = {}       # sheet row → its issues, in the order found
        keep = self._kept(chunk, cells[self.mapped.index(self.columns["received_date"])], numbers,
                          pending)
        if keep is not None:
            cells = [_take(c, keep) for c in cells]
            numbers = _take(numbers, keep)
        base = len(self.preview.row_numbers)
        if numbers:
            raw = {key: cells[self.mapped.index(col)] for key, col in self.columns.items()}
            data = self._fields(raw, numbers, pending)
            self._check(data, numbers, pending)
            for name, values in data.items():
                self.preview.data[name].extend(values)
            self.preview.row_numbers.extend(numbers)
        issues, invalid = self.preview.issues.items, self.preview.invalid
        for row_no in sorted(pending):
            found = pending[row_no]
            issues.extend(found)
            if any(i.level is Level.ERROR for i in found):
                pos = bisect.bisect_left(numbers, row_no)
                if pos < len(numbers) and numbers[pos] == row_no:
                    invalid.add(base + pos)

    def _kept(self, chunk: list[Sequence[Any]], received: Sequence[Any], numbers: list[int],
              pending: dict[int, list[Issue]]) -> list[int] | None:
        """Positions of the dossier rows, or None when all are: blank, total and signature rows
        have no date of receipt (or text in its column)."""
        def no_date(v: Any) -> bool:
            return v is None or (v.__class__ is str and not v[:1].isdigit())

        try:
            if not any(map(no_date, set(received))):
                return None
        except TypeError:
            pass
        skipped = set()
        for i, value in enumerate(received):
            if no_date(value) and self._skip(chunk[i], numbers[i], pending):
                skipped.add(i)
        if not skipped:
            return None
        self.preview.skipped_rows += len(skipped)
        return [i for i in range(len(received)) if i not in skipped]

    def _skip(self, row: Sequence[Any], row_no: int, pending: dict[int, list[Issue]]) -> bool:
        filled = [row[c] for c in self.mapped if row[c] is not None and row[c] != ""]
        if not filled:
            return True
        texts = " ".join(clean_text(v) for v in row if v is not None and v != "").lower()
        if any(w in texts for w in self.lex.skip_words):
            return True
        # A signer's name under the signature line; a real dossier has more than that.
        code = row[self.columns["code"]]
        if len(filled) == 1 or (len(filled) == 2 and (code is None or code == "")):
            pending.setdefault(row_no, []).append(Issue(
                "LOG_IMP_120", f"bỏ qua dòng chỉ có “{texts[:60]}”", Level.WARNING, self.sheet, row_no))
            return True
        return False

    def _issue(self, pending: dict[int, list[Issue]], row_no: int, code: str, message: str,
               key: str, level: Level = Level.ERROR) -> None:
        pending.setdefault(row_no, []).append(Issue(code, message, level, self.sheet, row_no,
                                                    self.label[key]))

    def _fields(self, raw: dict[str, Sequence[Any]], numbers: list[int],
                pending: dict[int, list[Issue]]) -> dict[str, list[Any]]:
        """Every DossierRecord field as a column; problems of single cells go to `pending`."""
        n = len(numbers)
        out: dict[str, list[Any]] = {}
        for key in _TEXT_KEYS:
            col = raw.get(key)
            if col is None:
                out[key] = [""] * n
            elif key in _UNIQUE_KEYS:  # (nearly) every cell differs: no cache, one joined text
                out[key] = clean_texts(col)
            else:
                out[key] = convert(col, self.cache(key), clean_text)
        if "phone" in raw:  # a phone split off an address below is already clean
            out["phone"] = normalise_phones(out["phone"])
        for key in _DATE_KEYS:
            col = raw.get(key)
            if col is None:
                out[key] = [None] * n
            else:
                kinds: set[type] = set()
                out[key] = self._bad_cells(convert(col, self.cache(key), _cell_date, kinds), kinds, key,
                                           "LOG_IMP_101", None, numbers, pending)
        if "address_phone" in raw:
            split = split_address_phones(clean_texts(raw["address_phone"]), self.cache("address_phone"))
            for key, part in (("address", split[0]), ("phone", split[1])):
                if key in raw:
                    out[key] = [value or other for value, other in zip(out[key], part, strict=True)]
                else:
                    out[key] = part
        col = raw.get("quantity")
        if col is None:
            out["quantity"] = [1] * n
        else:
            kinds = set()
            out["quantity"] = self._bad_cells(convert(col, self.cache("quantity"), _quantity, kinds), kinds,
                                              "quantity", "LOG_IMP_102", 0, numbers, pending)
        out["applicant_type"] = self._applicant_types(raw, out["applicant_name"], numbers, pending)
        out["channel"] = self._channels(raw, out["notes"], numbers, pending)
        in_province, explicit = self._in_province(raw, numbers, pending)
        out["in_province"] = in_province
        field_of = self.cache("field_of")
        for procedure in set(out["procedure_name"]).difference(field_of):
            field_of[procedure] = nfc(self.ctx.field_of_procedure(procedure) or "") if procedure else ""
        if "field_name" in raw:
            out["field_name"] = [f or field_of[p] for f, p in zip(out["field_name"], out["procedure_name"],
                                                                   strict=True)]
        else:
            out["field_name"] = list(map(field_of.__getitem__, out["procedure_name"]))
        out["source"] = [self.source] * n
        provinces = convert(out["address"], self.cache("province"), self.find_province)
        for i in explicit:
            provinces[i] = None
        self.provinces.extend(provinces)
        return {name: out[name] for name in RECORD_FIELDS}

    def _bad_cells(self, values: list[Any], kinds: set[type], key: str, code: str, fill: Any,
                   numbers: list[int], pending: dict[int, list[Issue]]) -> list[Any]:
        """Replace the cells that did not convert by `fill` and report each of them."""
        if _Bad in kinds:
            for i, value in enumerate(values):
                if value.__class__ is _Bad:
                    values[i] = fill
                    self._issue(pending, numbers[i], code, value.message, key)
        return values

    def _lookup_column(self, raw: dict[str, Sequence[Any]], key: str,
                       meaning: Callable[[str], Any]) -> tuple[list[str], dict[str, Any]] | None:
        """A column of words (type, channel, in province): its cleaned texts and what each means."""
        col = raw.get(key)
        if col is None:
            return None
        texts = convert(col, self.cache(key + ":text"), clean_text)
        known = self.cache(key)
        for text in set(texts).difference(known):
            known[text] = meaning(text) if text else None
        return texts, known

    def _coded_column(self, raw: dict[str, Sequence[Any]], key: str, meaning: Callable[[str], Any],
                      fallback: list[str], numbers: list[int], pending: dict[int, list[Issue]],
                      code: str, unknown: str) -> list[str]:
        """A column of words with a code each (type, channel). Where there is no such column, or a
        cell says nothing understood, the row's `fallback` (a guess from elsewhere) stands; an
        unknown word is a warning `unknown.format(text)` on that cell."""
        found = self._lookup_column(raw, key, meaning)
        if found is None:
            return fallback
        texts, known = found
        out = []
        for i, text in enumerate(texts):
            value = known[text]
            if value is None:
                if text:
                    self._issue(pending, numbers[i], code, unknown.format(text), key, Level.WARNING)
                value = fallback[i]
            out.append(value)
        return out

    def _applicant_types(self, raw: dict[str, Sequence[Any]], names: list[str], numbers: list[int],
                         pending: dict[int, list[Issue]]) -> list[str]:
        """From a type column, else guessed from the name (Công ty, HTX, UBND, … → tổ chức)."""
        lex = self.lex
        guess = self.cache("organisation")
        for name in set(names).difference(guess):
            guess[name] = "to_chuc" if name and is_organisation(name, lex) else "ca_nhan"
        return self._coded_column(raw, "applicant_type", lambda t: lex.types.get(header_key(t)),
                                  list(map(guess.__getitem__, names)), numbers, pending, "LOG_IMP_103",
                                  "không hiểu loại người nộp “{}”; đoán theo tên")

    def _channels(self, raw: dict[str, Sequence[Any]], notes: list[str], numbers: list[int],
                  pending: dict[int, list[Issue]]) -> list[str]:
        """From a channel column, else read from the notes, else trực tiếp."""
        lex = self.lex
        from_notes = self.cache("notes:channel")
        for text in set(notes).difference(from_notes):
            from_notes[text] = (channel_from_notes(text, lex) if text else None) or "truc_tiep"
        return self._coded_column(raw, "channel",
                                  lambda t: lex.channels.get(header_key(t)) or channel_from_notes(t, lex),
                                  list(map(from_notes.__getitem__, notes)), numbers, pending, "LOG_IMP_104",
                                  "không hiểu kênh tiếp nhận “{}”; coi là trực tiếp")

    def _in_province(self, raw: dict[str, Sequence[Any]], numbers: list[int],
                     pending: dict[int, list[Issue]]) -> tuple[list[bool], list[int]]:
        """(lives in the province, positions where a column says so explicitly)."""
        found = self._lookup_column(raw, "in_province", lambda t: self.lex.in_province.get(header_key(t)))
        if found is None:
            return [True] * len(numbers), []
        texts, known = found
        out, explicit = [], []
        for i, text in enumerate(texts):
            value = known[text]
            if value is None:
                if text:
                    self._issue(pending, numbers[i], "LOG_IMP_105", f"không hiểu “{text}” (trong tỉnh?)",
                                "in_province", Level.WARNING)
                value = True
            else:
                explicit.append(i)
            out.append(value)
        return out, explicit

    def _check(self, data: dict[str, list[Any]], numbers: list[int],
               pending: dict[int, list[Issue]]) -> None:
        """validate_record on the rows that need it, then codes repeated inside the file."""
        for i in rows_to_validate(data):
            record = DossierRecord(*[data[name][i] for name in RECORD_FIELDS])
            found = validate_record(record, sheet=self.sheet, row=numbers[i])
            if found:
                # A cell that could not be read (31/02/2020, "hai" as a quantity) already has its
                # precise error; validate_record would add a vaguer one for the value left empty
                # ("thiếu ngày nhận hồ sơ"): one problem, one issue.
                unread = {x.column for x in pending.get(numbers[i], ()) if x.level is Level.ERROR}
                pending.setdefault(numbers[i], []).extend(x for x in found if x.column not in unread)
        codes, seen = data["code"], self.seen_codes
        fresh = set(codes)
        if len(fresh) == len(codes) and "" not in fresh and seen.isdisjoint(fresh):
            seen |= fresh
            return
        # A code seen before: where first? (rare, so the earlier rows are searched only now)
        first_row = dict(zip(reversed(self.preview.data["code"]), reversed(self.preview.row_numbers),
                             strict=True))
        for code, row_no in zip(codes, numbers, strict=True):
            if code:
                first = first_row.setdefault(code, row_no)
                if first != row_no:
                    self._issue(pending, row_no, "LOG_IMP_106", f"mã hồ sơ “{code}” trùng với dòng {first} "
                                "của tệp", "code")
        seen |= fresh

    def finish(self) -> None:
        """Mark applicants whose address names another province as living outside it."""
        named = Counter(filter(None, self.provinces))
        if not named:
            return
        home = self.ctx.home_province
        if home is None:  # no office set: the province most addresses name is home
            home = named.most_common(1)[0][0]
        if not named.keys() - {home}:
            return
        in_province = self.preview.data["in_province"]
        for i, province in enumerate(self.provinces):
            if province is not None and province != home:
                in_province[i] = False


def build_preview(rows: Iterable[Sequence[Any]], layout: HeaderLayout, *, path: Path, kind: str,
                  reader: str, mapping_source: str = "auto", total_rows: int = 0,
                  context: ParseContext | None = None, progress: Progress | None = None,
                  vocab: Vocabulary | None = None) -> ImportPreview:
    """Turn the data rows of a sheet into a preview (columns + issues). Writes nothing."""
    vocab = vocab or load_vocabulary()
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
    parser = _RowParser(preview, layout, vocab, _Lexicon(vocab), ctx)
    total = max(total_rows - layout.data_start, 0)
    rows = islice(rows, layout.data_start, None)
    done = 0
    while True:
        report(progress, done, total, "Đang đọc và kiểm tra các dòng…")
        chunk = list(islice(rows, CHUNK_ROWS))
        if not chunk:
            break
        parser.add(chunk, layout.data_start + done + 1)
        done += len(chunk)
    parser.finish()
    report(progress, total, total, "Đã kiểm tra xong.")
    return preview


def home_province_key(province_name: str | None) -> str | None:
    """Folded 2025 province name (“Tỉnh Hà Tĩnh” → “ha tinh”) as the province finder returns it."""
    if not province_name:
        return None
    key = fold(province_name)
    for prefix in ("thanh pho ", "tinh "):
        if key.startswith(prefix):
            key = key[len(prefix):]
    return key
