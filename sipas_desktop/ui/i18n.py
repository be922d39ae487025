"""User-visible strings and the Tk-side language setup.

The program speaks one language, Vietnamese, so strings are written in Vietnamese at the call
site and go through `tr` (a single seam should a second language ever be needed: it formats
`{name}` fields and normalises to NFC). `install(root)` does what ttkbootstrap cannot do for us:
it registers Vietnamese for the few words its own dialogs print (OK, Hủy, Có, Không, month and
day names of the date picker) and picks a UI font that has every Vietnamese glyph.
"""

from __future__ import annotations

import sys
import tkinter
import unicodedata
from tkinter import font as tkfont

LOCALE = "vi"

# ttkbootstrap's own dialog words (its catalogue has no Vietnamese); keys are its English sources.
TTKBOOTSTRAP_WORDS: dict[str, str] = {
    "OK": "Đồng ý", "Ok": "Đồng ý", "Cancel": "Hủy", "Yes": "Có", "No": "Không",
    "Retry": "Thử lại", "Delete": "Xóa", "Next": "Tiếp", "Prev": "Trước", "Previous": "Trước",
    "Open": "Mở", "Close": "Đóng", "Add": "Thêm", "Remove": "Bỏ", "Submit": "Gửi",
    "Search": "Tìm", "Page": "Trang", "of": "/", "Continue": "Tiếp tục",
    "Should be of data type": "Phải là kiểu dữ liệu", "Invalid data type": "Kiểu dữ liệu không hợp lệ",
    "Number cannot be greater than": "Số không được lớn hơn", "Out of range": "Ngoài phạm vi",
    "Select new date": "Chọn ngày",
    "January": "Tháng 1", "February": "Tháng 2", "March": "Tháng 3", "April": "Tháng 4",
    "May": "Tháng 5", "June": "Tháng 6", "July": "Tháng 7", "August": "Tháng 8",
    "September": "Tháng 9", "October": "Tháng 10", "November": "Tháng 11", "December": "Tháng 12",
    "Mo": "T2", "Tu": "T3", "We": "T4", "Th": "T5", "Fr": "T6", "Sa": "T7", "Su": "CN",
}

# Families known to carry the whole Vietnamese repertoire (ư ơ ạ ế ữ …), best first.
# Windows: Segoe UI; Debian: DejaVu Sans / Noto Sans; Liberation Sans 2.x also has them.
FONT_CANDIDATES = ("Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Tahoma")
DEFAULT_SIZE = 10


def tr(text: str, /, **fields: object) -> str:
    """The one function user strings go through: fill `{name}` fields, return NFC text."""
    if fields:
        text = text.format(**fields)
    return unicodedata.normalize("NFC", text)


def pick_font_family(available: set[str] | list[str]) -> str | None:
    """The first family from FONT_CANDIDATES that this machine has, or None."""
    present = set(available)
    for family in FONT_CANDIDATES:
        if family in present:
            return family
    return None


def install(root: tkinter.Misc) -> str | None:
    """Register the Vietnamese dialog words and set the UI font; returns the family chosen."""
    from ttkbootstrap.localization import MessageCatalog

    pairs: list[str] = []
    for source, translated in TTKBOOTSTRAP_WORDS.items():
        pairs.extend((source, translated))
    MessageCatalog.set_many(LOCALE, *pairs)
    MessageCatalog.locale(LOCALE)
    family = pick_font_family(tkfont.families(root))
    if family:
        size = DEFAULT_SIZE if sys.platform != "win32" else 10
        for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont", "TkCaptionFont",
                     "TkSmallCaptionFont", "TkIconFont", "TkTooltipFont"):
            try:
                tkfont.nametofont(name, root=root).configure(family=family)
            except tkinter.TclError:
                continue
        for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont"):
            try:
                tkfont.nametofont(name, root=root).configure(size=size)
            except tkinter.TclError:
                continue
    return family
