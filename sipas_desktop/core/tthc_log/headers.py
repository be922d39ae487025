"""Finding the table in a one-stop export and mapping its columns by meaning.

Real exports put a title block above the table, split the header over two rows ("Ngày, tháng,
năm" merged over five date columns), add a row of column numbers "(1) (2) …" and name the same
column in many ways ("Tên TTHC" / "Tên thủ tục hành chính"). The vocabulary is data, in
`core/data/log_import.json`; this module only knows how to compare: accent- and case-insensitive,
punctuation ignored except "/", an exact synonym first, else the longest synonym contained as
whole words.

The layout of a file is summed up by a signature (a hash of its folded header texts) so that a
mapping the user corrected once is found again for the next export of the same software. When no
header is recognised the user maps the columns by hand (`manual_layout`); the row just above the
data then keys that mapping (`MANUAL_PREFIX` + its signature) for the next file like it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sipas_desktop.core.text import fold, nfc
from sipas_desktop.core.tthc_log.records import LABELS

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "log_import.json"
HEADER_SCAN_ROWS = 40        # a title block is never longer than this
EXTRA_LABELS = {
    "address_phone": "Địa chỉ, số điện thoại",
    "row_number": "Số thứ tự",
    "signature": "Ký nhận",
}
_PUNCT = re.compile(r"[^\w/]+")
_SLASH = re.compile(r"\s*/\s*")
_COLUMN_NUMBER = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


def header_key(text: object) -> str:
    """Folded header text with punctuation (except '/') turned into single spaces."""
    key = _PUNCT.sub(" ", fold(text).replace("_", " "))
    return _SLASH.sub("/", " ".join(key.split()))


def field_label(key: str) -> str:
    return LABELS.get(key) or EXTRA_LABELS.get(key, key)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The importer's vocabulary, loaded from the JSON layout file."""

    synonyms: dict[str, tuple[str, ...]]       # field key → header keys
    ignored: frozenset[str]
    group_headers: frozenset[str]
    required: tuple[str, ...]
    raw: dict = field(repr=False, default_factory=dict)
    exact: dict[str, str] = field(repr=False, default_factory=dict)   # header key → field key

    @property
    def keys(self) -> list[str]:
        return list(self.synonyms)

    def match(self, text: object) -> tuple[str | None, int]:
        """(field key, score) for one header text: 1000 for an exact synonym, else the length of
        the longest synonym it contains as whole words; (None, 0) when nothing fits."""
        key = header_key(text)
        if not key:
            return None, 0
        exact = self.exact.get(key)
        if exact:
            return exact, 1000
        padded = f" {key} "
        best: tuple[str | None, int] = (None, 0)
        hits: set[str] = set()
        for fkey, syns in self.synonyms.items():
            for syn in syns:
                if f" {syn} " in padded:
                    hits.add(fkey)
                    if len(syn) > best[1]:
                        best = (fkey, len(syn))
        # "Địa chỉ, điện thoại liên hệ": both an address and a phone word → the combined column.
        if "address" in hits and "phone" in hits and "address_phone" in self.synonyms:
            return "address_phone", best[1] + 1
        return best

    def is_group(self, text: object) -> bool:
        return header_key(text) in self.group_headers


@functools.cache
def load_vocabulary(path: str | None = None) -> Vocabulary:
    data = json.loads(Path(path or DATA_FILE).read_text("utf-8"))
    synonyms: dict[str, tuple[str, ...]] = {}
    ignored = set()
    for entry in data["fields"]:
        synonyms[entry["key"]] = tuple(dict.fromkeys(header_key(s) for s in entry["synonyms"]))
        if entry.get("ignored"):
            ignored.add(entry["key"])
    exact: dict[str, str] = {}
    for fkey, syns in synonyms.items():
        for syn in syns:
            exact.setdefault(syn, fkey)
    return Vocabulary(synonyms=synonyms, ignored=frozenset(ignored),
                      group_headers=frozenset(header_key(g) for g in data.get("group_headers", [])),
                      required=tuple(data["required"]), raw=data, exact=exact)


@dataclass(frozen=True)
class HeaderLayout:
    """Where the table is and what each column means (0-based rows and columns)."""

    sheet: str
    header_rows: tuple[int, ...]
    data_start: int
    headers: tuple[str, ...]          # header text per column, group and sub-header joined
    mapping: dict[int, str]           # column → field key (ignored keys included)
    signature: str

    def columns_of(self, key: str) -> list[int]:
        return [c for c, k in self.mapping.items() if k == key]

    def header_of(self, column: int) -> str:
        text = self.headers[column] if column < len(self.headers) else ""
        return text or _column_letter(column)

    def with_mapping(self, mapping: dict[int, str]) -> HeaderLayout:
        return HeaderLayout(self.sheet, self.header_rows, self.data_start, self.headers,
                            dict(mapping), self.signature)


def _column_letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return f"cột {name}"


def _text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return nfc(value)
    return ""  # numbers, dates: never header text


def _is_texty(row: Sequence[object]) -> bool:
    """A header row holds only text (a data row has dates and numbers)."""
    return all(v is None or v == "" or isinstance(v, str) for v in row)


def _combine(top: Sequence[object], bottom: Sequence[object] | None, vocab: Vocabulary,
             spans: dict[int, int]) -> list[tuple[str, str, str]]:
    """Per column (display text, sub text, group text) for a one- or two-row header.

    `spans` maps a column inside a horizontally merged top cell to the merge's first column;
    without merge information a group header ("Ngày, tháng, năm") is carried right over empty
    top cells that have a sub-header below.
    """
    width = max(len(top), len(bottom or ()))
    out: list[tuple[str, str, str]] = []
    carry = ""
    for c in range(width):
        t = _text(top[c]) if c < len(top) else ""
        b = _text(bottom[c]) if bottom is not None and c < len(bottom) else ""
        if t:
            carry = t if (b and (vocab.is_group(t) or bottom is not None)) else ""
            group = t
        elif c in spans:
            first = spans[c]
            group = _text(top[first]) if first < len(top) else ""
        else:
            group = carry if b else ""
        if b and group:
            out.append((f"{group} – {b}", b, group))
        else:
            out.append((b or group, b, group))
    return out


def _assign(cols: list[tuple[str, str, str]], vocab: Vocabulary) -> dict[int, str]:
    """Best field per column; each field taken once, by the column that fits it best."""
    candidates: list[tuple[int, int, str]] = []
    for c, (display, sub, group) in enumerate(cols):
        key, score = vocab.match(sub) if sub else (None, 0)
        if key is None:
            key, score = vocab.match(display)
        if key is None and group and not vocab.is_group(group):
            key, score = vocab.match(group)
        if key is not None:
            candidates.append((score, c, key))
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for _score, c, key in sorted(candidates, key=lambda t: (-t[0], t[1])):
        if key in taken and key not in vocab.ignored:
            continue
        taken.add(key)
        mapping[c] = key
    return dict(sorted(mapping.items()))


def _useful(mapping: dict[int, str], vocab: Vocabulary) -> tuple[int, int]:
    keys = {k for k in mapping.values() if k not in vocab.ignored}
    return len(keys & set(vocab.required)), len(keys)


def _merge_spans(merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None,
                 row: int) -> dict[int, int]:
    spans: dict[int, int] = {}
    for (r0, c0), (r1, c1) in merged or ():
        if r0 <= row <= r1 and c1 > c0:
            for c in range(c0 + 1, c1 + 1):
                spans[c] = c0
    return spans


def signature_of(headers: Sequence[str]) -> str:
    keys = [header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha1("|".join(keys).encode("utf-8")).hexdigest()[:20]


def find_header(rows: Sequence[Sequence[object]], sheet: str, vocab: Vocabulary | None = None,
                merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None = None,
                ) -> HeaderLayout | None:
    """The header of the table in the first rows of a sheet, or None when none is recognisable.

    A header needs at least two of the required columns (code, procedure, applicant, date of
    receipt) and three recognised columns in all. A second header row is taken when it holds
    text only and adds recognised columns (the five dates under "Ngày, tháng, năm").
    """
    vocab = vocab or load_vocabulary()
    best: tuple[tuple[int, int, int], HeaderLayout] | None = None
    limit = min(len(rows), HEADER_SCAN_ROWS)
    for r in range(limit):
        top = rows[r]
        if not any(_text(v) for v in top):
            continue
        spans = _merge_spans(merged, r)
        options = [(r,)]
        if r + 1 < len(rows) and _is_sub_header(top, rows[r + 1], vocab, spans):
            options.append((r, r + 1))
        for header_rows in options:
            bottom = rows[r + 1] if len(header_rows) == 2 else None
            cols = _combine(top, bottom, vocab, spans)
            mapping = _assign(cols, vocab)
            required, total = _useful(mapping, vocab)
            if required < 2 or total < 3:
                continue
            # More required fields, then more fields, then the shorter header wins.
            rank = (required, total, -len(header_rows))
            if best is None or rank > best[0]:
                headers = tuple(display for display, _, _ in cols)
                data_start = header_rows[-1] + 1
                if data_start < len(rows) and _is_column_numbers(rows[data_start]):
                    data_start += 1
                best = (rank, HeaderLayout(sheet, header_rows, data_start, headers, mapping,
                                           signature_of(headers)))
    return best[1] if best else None


def _is_sub_header(top: Sequence[object], bottom: Sequence[object], vocab: Vocabulary,
                   spans: dict[int, int]) -> bool:
    """Is `bottom` the second row of a split header, not the first row of data?

    It must be text only, hold at least two exact column names, and sit (at least in one
    column) under an empty or merged top cell or under a group title — the shape of
    "Ngày, tháng, năm" over its five dates. A text-only data row (a .csv, dates as text) under a
    full one-row header has none of these.
    """
    if not _is_texty(bottom):
        return False
    exact = sum(1 for v in bottom if _text(v) and vocab.match(v)[1] >= 1000)
    if exact < 2:
        return False
    for c, value in enumerate(bottom):
        if not _text(value):
            continue
        above = _text(top[c]) if c < len(top) else ""
        if not above or c in spans or vocab.is_group(above):
            return True
    return False


def _is_column_numbers(row: Sequence[object]) -> bool:
    """The row of column numbers "(1) (2) …" or 1 2 3 printed under many official headers."""
    values = [v for v in row if v is not None and v != ""]
    if len(values) < 3:
        return False
    numbers = []
    for v in values:
        if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
            numbers.append(int(v))
        elif isinstance(v, str) and _COLUMN_NUMBER.match(v.strip()):
            numbers.append(int(v.strip().strip("()").strip()))
        else:
            return False
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# --------------------------------------------------------------------------- mapped by hand

MANUAL_PREFIX = "tay:"       # signatures of layouts whose columns the user mapped by hand


def _filled(row: Sequence[object]) -> list[object]:
    return [v for v in row if v is not None and v != ""]


def _looks_like_data(row: Sequence[object]) -> bool:
    """A number, a date or a text starting with a digit (a date typed as text) in the row."""
    return any(not isinstance(v, str) or v.strip()[:1].isdigit() for v in _filled(row))


def guess_data_start(rows: Sequence[Sequence[object]]) -> int:
    """The first row (0-based) that looks like data and holds at least half as many cells as the
    fullest row; 0 when none does."""
    width = max((len(_filled(r)) for r in rows), default=0)
    for index, row in enumerate(rows):
        if len(_filled(row)) >= max(2, width // 2) and _looks_like_data(row):
            return index
    return 0


def _header_above(rows: Sequence[Sequence[object]], data_start: int) -> int | None:
    """The row naming the columns above the data: the nearest one above it, past empty rows and
    rows of data, with at least two texts; None when a title (or nothing) comes first."""
    for index in range(min(data_start, len(rows)) - 1, -1, -1):
        row = rows[index]
        if not _filled(row) or _looks_like_data(row):
            continue
        return index if sum(1 for v in row if _text(v)) >= 2 else None
    return None


def manual_layout(rows: Sequence[Sequence[object]], sheet: str, data_start: int | None = None,
                  mapping: dict[int, str] | None = None) -> HeaderLayout:
    """The layout of a sheet whose header was not recognised, for a mapping made by hand.

    `rows` are the first rows of the sheet; `data_start` (0-based) is where the data begins,
    guessed when None. The row naming the columns above the data (`_header_above`) keys the
    layout for the next file like it; without one the mapping cannot be remembered (signature "").
    """
    if data_start is None:
        data_start = guess_data_start(rows)
    width = max((len(r) for r in rows), default=0)
    header = _header_above(rows, data_start)
    if header is None:
        return HeaderLayout(sheet, (), data_start, ("",) * width, dict(mapping or {}), "")
    texts = tuple(_text(v) for v in rows[header]) + ("",) * max(0, width - len(rows[header]))
    return HeaderLayout(sheet, (header,), data_start, texts, dict(mapping or {}),
                        MANUAL_PREFIX + signature_of(texts))


def manual_candidates(rows: Sequence[Sequence[object]]) -> dict[str, int]:
    """Signature → row for every row of the first rows of a sheet that could name its columns:
    looked up against the layouts mapped by hand before (the top-most row first)."""
    found: dict[str, int] = {}
    for index in range(min(len(rows), HEADER_SCAN_ROWS)):
        row = rows[index]
        if sum(1 for v in row if _text(v)) >= 2 and not _looks_like_data(row):
            width = max(len(r) for r in rows)
            texts = tuple(_text(v) for v in row) + ("",) * (width - len(row))
            found.setdefault(MANUAL_PREFIX + signature_of(texts), index)
    return found
