"""Vietnamese text helpers: NFC normalisation, accent folding, sort order, dates, numbers.

Text typed through some Vietnamese input methods arrives decomposed (NFD) and prints with
misplaced accents, so everything coming in goes through `nfc`. Searches and header matching
compare `fold`ed text (no accents, no case, đ → d). Sorting uses `sort_key`, which follows the
Vietnamese alphabet (a ă â b c d đ e ê …) with tones as a secondary key.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

_SPACES = re.compile(r"\s+")


def nfc(value: object) -> str:
    """Text as NFC with runs of white space folded to one space and trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip()


def fold(value: object) -> str:
    """Lower case, no diacritics, đ → d: for accent- and case-insensitive matching."""
    text = unicodedata.normalize("NFD", nfc(value).lower().replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# Vietnamese alphabet with vowel shapes as letters; tones are the secondary key.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter


def _split_letter(ch: str) -> tuple[str, int]:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    shape = "".join(m for m in decomposed[1:] if m in _SHAPES)
    tone = next((_TONES[m] for m in decomposed[1:] if m in _TONES), 0)
    return unicodedata.normalize("NFC", base + shape), tone


def sort_key(value: object) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Key that sorts Vietnamese text in dictionary order (Ánh after Anh, Đức after Dũng)."""
    primary: list[int] = []
    tones: list[int] = []
    for ch in nfc(value).lower():
        letter, tone = _split_letter(ch)
        if letter in _ORDER:
            primary.append(100 + _ORDER[letter])
        elif letter.isdigit():
            primary.append(10 + int(letter))
        elif letter == " ":
            primary.append(1)
        else:
            primary.append(200 + ord(letter))
        tones.append(tone)
    return tuple(primary), tuple(tones)


def collation_key(value: object) -> str:
    """`sort_key` as a plain string that sorts by code point, for an indexed SQL column."""
    primary, tones = sort_key(value)
    return "".join(chr(0x100 + p) for p in primary) + "\u00ff" + "".join(str(t) for t in tones)


_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{2}|\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


class DateError(ValueError):
    """A date that cannot be read; the message is Vietnamese."""


def parse_date(value: object) -> date | None:
    """Read a date from a cell: a date/datetime, `dd/mm/yyyy` text (also - or .), or ISO text.

    Empty → None. Impossible dates (31/02/2020) raise DateError with a Vietnamese message.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = nfc(value)
    if not text:
        return None
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise DateError(f"“{text}” không phải ngày hợp lệ (cần dạng ngày/tháng/năm, ví dụ 05/09/2020)")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"ngày “{text}” không có thật trên lịch") from None


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_number(value: float, decimals: int = 2) -> str:
    """A number with a Vietnamese decimal comma and dot thousands: 1.234,57."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_percent(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{format_number(value, decimals)} %"


def format_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")
