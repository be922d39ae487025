"""Cells of a one-stop export → dossier values: one cell at a time, and a whole column at a time.

The one-cell functions (`clean_text`, `parse_cell_date`, `normalise_phone`,
`split_address_phone`) define what a cell means. The importer handles 100,000 rows, where a
Python call per cell costs more than reading the file, so each has a column form that gives the
same values with C-level work: `convert` converts each distinct cell once and maps the column
through that cache; `clean_texts` cleans a column as one joined text; `split_address_phones`
finds every phone of a column with one regular-expression pass. Hypothesis tests compare every
column form with its one-cell function.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from itertools import repeat
from typing import Any

from sipas_desktop.core.text import DateError, parse_date

_EXCEL_EPOCH = date(1899, 12, 30)
_PHONE_CHARS = "0123456789 .-+()"
_PHONE_LABEL_END = re.compile(r"(?:^|(?<=\W))(?:s[ốo]\s*)?(?:điện\s*thoại|dien\s*thoai|đtdđ|dtdd|sđt|sdt"
                              r"|đt|dt|dđ|tel|mobile)$", re.IGNORECASE)
_NON_DIGITS = re.compile(r"[^0-9]")
_PHONE = r"\+\d[\d .]{7,15}\d|0\d(?:[ .]?\d){7,10}"
_PHONE_AT_END = re.compile(rf"(?<![\d])({_PHONE})[\s)]*$")
_DATE_TIME = re.compile(r"^(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2,4})[ T]+\d{1,2}:\d{2}(?::\d{2})?\s*$")


# --------------------------------------------------------------------------- one cell

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


def _address_before(rest: str) -> str:
    """The address part of a cell, given the text before its phone number."""
    rest = rest.rstrip(" :.-(")
    label = _PHONE_LABEL_END.search(rest, max(0, len(rest) - 20))
    if label is not None:
        rest = rest[:label.start()]
    return rest.strip(" ,;-–—(:")


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
    return _address_before(text[:len(head) + match.start(1)]), normalise_phone(match.group(1))


# --------------------------------------------------------------------------- a whole column

def convert(column: Sequence[Any], cache: dict[Any, Any], function: Callable[[Any], Any],
            kinds: set[type] | None = None) -> list[Any]:
    """`function(cell)` for every cell: each distinct cell is converted once (kept in `cache`)
    and the column is mapped through the cache at C speed. True, 1 and 1.0 are one dict key, so
    a column holding a boolean is converted cell by cell. `kinds` collects the types of the
    results (without a pass over the whole column)."""
    try:
        distinct = set(column)
    except TypeError:  # an unhashable cell (never from our readers)
        distinct = None
    if distinct is None or ((True in distinct or False in distinct) and bool in set(map(type, column))):
        values = [function(v) for v in column]
        if kinds is not None:
            kinds.update(map(type, values))
        return values
    for value in distinct.difference(cache):
        cache[value] = function(value)
    if kinds is not None:
        kinds.update(map(type, map(cache.__getitem__, distinct)))
    return list(map(cache.__getitem__, column))


# Joins a column into one text. A starter that composes with nothing (so NFC of the joined text
# is the joined NFC cells), printable (so isprintable() still tells that no tab, line break or
# no-break space is inside), not white space, and never typed: a cell holding it is cleaned alone.
_SEP = "\ufffc"


def clean_texts(column: Sequence[Any]) -> list[str]:
    """`clean_text` of every cell; a column of plain text is cleaned as one joined text."""
    try:
        blob = _SEP.join(column)
    except TypeError:  # numbers, dates, empty cells: cell by cell
        return [clean_text(v) for v in column]
    if not column or blob.count(_SEP) != len(column) - 1:
        return [clean_text(v) for v in column]
    cleaned = blob if blob.isascii() else unicodedata.normalize("NFC", blob)
    # Only spaces left, never two in a row: folding white space is trimming one space at the
    # edges of cells. Anything else (tabs, line breaks, double spaces) is cleaned cell by cell.
    if "  " in cleaned or not cleaned.isprintable():
        return [clean_text(v) for v in column]
    cleaned = cleaned.replace(" " + _SEP, _SEP).replace(_SEP + " ", _SEP)  # the same text when absent
    if cleaned[:1] == " ":
        cleaned = cleaned[1:]
    if cleaned[-1:] == " ":
        cleaned = cleaned[:-1]
    if cleaned is blob:  # every cell was clean already: keep the cells themselves
        return list(column)
    return cleaned.split(_SEP)


# One line per cell: the text before the phone (groups 1 and 2) and the phone (group 3), or no
# phone. Group 1 is text.rstrip(_PHONE_CHARS) (greedy, up to the last non-phone character), the
# phone is _PHONE_AT_END's leftmost match in the rest; \d and \s are spelled [0-9] and " "
# because in split_address_phone they only ever meet phone characters.
_PC = r"0-9 .\-+()"
_PHONE_LINES = re.compile(
    rf"^(.*[^{_PC}\n]|)(?:([{_PC}]*?)(?<![0-9])(\+[0-9][0-9 .]{{7,15}}[0-9]|0[0-9](?:[ .]?[0-9]){{7,10}})"
    rf"[ )]*|[{_PC}]*)$", re.MULTILINE)
def split_address_phones(texts: list[str],
                         cache: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """`split_address_phone` of every cleaned cell: (addresses, phones).

    The usual cell ends in a number of 9 to 12 digits starting with 0 after a space (“…, tỉnh
    Hà Tĩnh - ĐT: 0912345678”): the number is split off with rstrip, and the text before it
    repeats, so its address part is worked out once per distinct text (kept in `cache`). A
    column with any other ending is read with one regular-expression pass over its cells joined
    by line breaks (a cleaned cell holds none).
    """
    cache = {} if cache is None else cache
    heads = list(map(str.rstrip, texts, repeat(_PHONE_CHARS)))
    tails = [text[len(head):].lstrip() for text, head in zip(texts, heads, strict=True)]
    joined = "".join(tails)
    if (not joined or (joined.isdigit() and joined.isascii())) \
            and set(map(len, tails)) <= _USUAL_LENGTHS \
            and set(map(operator.itemgetter(slice(0, 1)), tails)) <= {"", "0"}:
        rests, phones = heads, tails   # the spaces before the number are stripped with the label
    else:
        blob = "\n".join(texts)
        found = _PHONE_LINES.findall(blob) if blob.count("\n") == len(texts) - 1 else []
        if len(found) != len(texts):
            pairs = [split_address_phone(t) for t in texts]
            return [p[0] for p in pairs], [p[1] for p in pairs]
        rests = list(map(operator.add, map(operator.itemgetter(0), found),
                         map(operator.itemgetter(1), found)))
        phones = normalise_phones(list(map(operator.itemgetter(2), found)))
    for rest in set(rests).difference(cache):
        cache[rest] = _address_before(rest)
    addresses = list(map(cache.__getitem__, rests))
    if "" in phones:  # cells without a phone keep their whole text as the address
        for i in [i for i, phone in enumerate(phones) if not phone]:
            addresses[i] = texts[i]
    return addresses, phones


_USUAL_LENGTHS = frozenset({0, 9, 10, 11, 12})


def normalise_phones(texts: list[str]) -> list[str]:
    """`normalise_phone` of every cell; nothing to do for a column of 10/11-digit numbers."""
    joined = "".join(texts)
    if (not joined or (joined.isdigit() and joined.isascii())) and 9 not in set(map(len, texts)):
        return list(texts)
    return [normalise_phone(t) for t in texts]
