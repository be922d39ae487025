"""Vietnamese text helpers: NFC normalisation, accent folding, sort order, dates, numbers.

Text typed through some Vietnamese input methods arrives decomposed (NFD) and prints with
misplaced accents, so everything coming in goes through `nfc`. Searches and header matching
compare `fold`ed text (no accents, no case, đ → d). Sorting uses `sort_key`, which follows the
Vietnamese alphabet (a ă â b c d đ e ê …) with tones as a secondary key.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime


def nfc(value: object) -> str:
    """Text as NFC with runs of white space folded to one space and trimmed."""
    if value is None:
        return ""
    text = value if value.__class__ is str else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on exactly the characters the regex \s matches: same result, faster.
    return " ".join(text.split())


class _CharTable(dict):
    """A str.translate table filled on first use: each character's image is computed once.

    Folding and sort keys are per-character functions of NFC text, so translating with a cached
    table gives the same result as the character loop, at C speed (the importer calls them for
    every row of a 100,000-row file).
    """

    def __init__(self, image) -> None:
        super().__init__()
        self._image = image

    def __missing__(self, code: int) -> str:
        value = self._image(chr(code))
        self[code] = value
        return value


def _fold_char(ch: str) -> str:
    if ch == "đ":
        return "d"
    return "".join(c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn")


_FOLD = _CharTable(_fold_char)


def fold(value: object) -> str:
    """Lower case, no diacritics, đ → d: for accent- and case-insensitive matching."""
    text = nfc(value).lower()
    if text.isascii():
        return text
    try:  # Vietnamese text: at C speed (see fold_and_collation_keys)
        encoded = _charmap_encode(text, "strict", _FAST_ENCODING)[0]
    except UnicodeEncodeError:
        return text.translate(_FOLD)
    return _charmap_decode(encoded, "strict", _FAST_FOLD)[0]


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
        weight, tone = _letter_key(ch)
        primary.append(weight)
        tones.append(tone)
    return tuple(primary), tuple(tones)


def _letter_key(ch: str) -> tuple[int, int]:
    """(primary weight, tone) of one lower-case character."""
    letter, tone = _split_letter(ch)
    if letter in _ORDER:
        return 100 + _ORDER[letter], tone
    if letter.isdecimal():  # not isdigit: "²" is a digit that int() refuses
        return 10 + int(letter), tone
    if letter == " ":
        return 1, tone
    # Capped so that collation_key's chr(0x100 + weight) exists even for the last code points.
    return min(200 + ord(letter), 0x10FFFF - 0x100), tone


def _primary_char(ch: str) -> str:
    return chr(0x100 + _letter_key(ch)[0])


def _tone_char(ch: str) -> str:
    return str(_letter_key(ch)[1])


_PRIMARY = _CharTable(_primary_char)
_TONE = _CharTable(_tone_char)


def collation_key(value: object) -> str:
    """`sort_key` as a plain string that sorts by code point, for an indexed SQL column."""
    text = nfc(value).lower()
    return text.translate(_PRIMARY) + "\u00ff" + text.translate(_TONE)


# Many texts at once (the importer: 36,000 distinct names in a 100,000-row file). str.translate
# looks every character up in a dict (≈60 ns a character); a charmap codec does the same at C
# speed: the text is encoded to one byte per character (printable ASCII and the Vietnamese lower-
# case letters; \x00 joins the texts) and those bytes are decoded with a table per image. The
# tables hold the very characters _FOLD, _PRIMARY and _TONE give, so the results are the same.
_FAST_CHARS = "\x00" + "".join(map(chr, range(32, 127))) + (
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
_UNDEFINED = "\ufffe" * (256 - len(_FAST_CHARS))   # bytes no character encodes to
_FAST_ENCODING = codecs.charmap_build(_FAST_CHARS + _UNDEFINED)


def _fast_table(image: _CharTable) -> str:
    images = [image[ord(ch)] for ch in _FAST_CHARS[1:]]
    assert all(len(i) == 1 for i in images)  # one character each, so byte i decodes to its image
    return "\x00" + "".join(images) + _UNDEFINED


_FAST_FOLD, _FAST_PRIMARY, _FAST_TONE = (_fast_table(t) for t in (_FOLD, _PRIMARY, _TONE))
_charmap_encode, _charmap_decode = codecs.charmap_encode, codecs.charmap_decode


def fold_and_collation_keys(lowered: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """(`fold` of each, `collation_key` of each) of texts that are already `nfc(...).lower()`, at
    C speed; None when one holds a character outside printable ASCII and the Vietnamese lower-case
    letters (then call fold and collation_key)."""
    if not lowered:
        return [], []
    blob = "\x00".join(lowered)
    if blob.count("\x00") != len(lowered) - 1:
        return None
    try:
        encoded = _charmap_encode(blob, "strict", _FAST_ENCODING)[0]
    except UnicodeEncodeError:
        return None
    folded = _charmap_decode(encoded, "strict", _FAST_FOLD)[0].split("\x00")
    primary = _charmap_decode(encoded, "strict", _FAST_PRIMARY)[0].split("\x00")
    tones = _charmap_decode(encoded, "strict", _FAST_TONE)[0].split("\x00")
    return folded, list(map("\u00ff".join, zip(primary, tones, strict=True)))


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
