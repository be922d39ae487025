"""The texts of an official document's heading (Nghị định 30/2020/NĐ-CP), format-free.

Every writer (xlsx, PDF, DOCX) renders the same `Heading`: the issuing body top left (superior
body above it, not bold), the national title top right, the number, the place and date in
italics, the title and subject centred.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


def place_date(place: str, when: date) -> str:
    """“Xuân Hội, ngày 05 tháng 9 năm 2020”: leading zero for days < 10 and months 1–2."""
    month = f"{when.month:02d}" if when.month < 3 else str(when.month)
    return f"{place}, ngày {when.day:02d} tháng {month} năm {when.year}"


def short_place(unit_name: str) -> str:
    """Drop the unit kind from a name for the place line: “Xã Nghi Xuân” → “Nghi Xuân”."""
    for prefix in ("Thành phố ", "Đặc khu ", "Phường ", "Xã ", "Tỉnh ", "Thị trấn ", "Huyện ",
                   "Thị xã ", "Quận "):
        if unit_name.startswith(prefix):
            return unit_name[len(prefix):]
    return unit_name


@dataclass(frozen=True)
class Heading:
    issuer: str                      # “UBND XÃ NGHI XUÂN” (caps, bold)
    superior: str = ""               # “UBND TỈNH HÀ TĨNH” (caps, not bold); may be empty
    number: str = "Số:      /BC-UBND"
    place: str = ""
    when: date = field(default_factory=date.today)
    title: str = "BÁO CÁO"
    subject: str = ""

    @property
    def place_date(self) -> str:
        return place_date(self.place, self.when) if self.place else ""


def heading_for_unit(unit_name: str, parent_name: str | None, *, title: str, subject: str = "",
                     number: str = "Số:      /BC-UBND", when: date | None = None) -> Heading:
    """A heading for a commune (UBND xã) or a province office, from unit names."""
    issuer = f"ỦY BAN NHÂN DÂN {unit_name.upper()}"
    superior = f"UBND {parent_name.upper()}" if parent_name else ""
    return Heading(issuer=issuer, superior=superior, number=number, place=short_place(unit_name),
                   when=when or date.today(), title=title, subject=subject)
