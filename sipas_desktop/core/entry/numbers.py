"""Form numbers: check digit, printed text, and the QR payload scanned back at entry.

Each printed questionnaire carries a number unique within (plan, unit), printed as
`000123-4`: six digits and a Damm check digit. Damm catches every single-digit error and every
swap of two adjacent digits (Luhn misses 09 ↔ 90), so a mistyped number is refused at once.

The QR code holds `SIPAS;<plan id>;<unit code>;<number>-<check>`. A keyboard-wedge scanner
"types" it followed by Enter; `parse_keyed` accepts that or a typed number. Scanners type through
the Vietnamese input method if one is on (Unikey Telex turns "AA" into "Â"), so the parser reads
the unit, number and check digit — digits only, untouched by input methods — from the end of
the text, and compares the plan id only when it arrived as plain ASCII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sipas_desktop.core.errors import UserError

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
WIDTH = 6                      # digits printed for the number (up to 999 999 forms per unit)
MAX_NUMBER = 10 ** WIDTH - 1
PREFIX = "SIPAS"
_QR = re.compile(r"(\d{1,8})\s*[;|/]\s*(\d{1,7})\s*-\s*(\d)\s*$")
_TYPED = re.compile(r"^\s*(\d{1,7})\s*-?\s*(\d)\s*$")


def check_digit(number: int) -> int:
    interim = 0
    for ch in str(number):
        interim = _DAMM[interim][int(ch)]
    return interim


def is_valid(number: int, check: int) -> bool:
    return check_digit(number) == check


def format_number(number: int) -> str:
    """`000123-4`: the text printed on the form and shown on screen."""
    return f"{number:0{WIDTH}d}-{check_digit(number)}"


def qr_payload(plan_id: str, unit_code: str, number: int) -> str:
    return f"{PREFIX};{plan_id};{unit_code};{format_number(number)}"


@dataclass(frozen=True)
class KeyedNumber:
    number: int
    unit_code: str | None = None      # from a scanned QR code
    plan_id: str | None = None        # from a scanned QR code, when it arrived as ASCII
    scanned: bool = False


def parse_keyed(text: str) -> KeyedNumber:
    """A typed number (`1234`, `123-4`, `000123-4`) or a scanned QR payload; UserError if wrong.

    The last digit is always the check digit, so a typo is caught here.
    """
    raw = (text or "").strip()
    if not raw:
        raise UserError("Chưa nhập số phiếu.", code="ENTRY_001")
    qr = _QR.search(raw) if not _TYPED.match(raw) else None
    if qr:
        unit, digits, check = qr.group(1), qr.group(2), qr.group(3)
        head = raw[:qr.start()].rstrip(";|/ ")
        plan_part = head.split(";", 1)[1] if head.upper().startswith(PREFIX) and ";" in head else None
        plan_id = plan_part if plan_part is not None and plan_part.isascii() else None
        number = int(digits)
        if not is_valid(number, int(check)):
            raise UserError(f"Mã QR “{raw}” không đúng (sai số kiểm tra); hãy quét lại hoặc gõ số phiếu.",
                            code="ENTRY_002")
        return KeyedNumber(number, unit, plan_id, True)
    typed = _TYPED.match(raw)
    if not typed:
        raise UserError(f"“{raw}” không phải số phiếu (gõ các chữ số in trên phiếu, kể cả số kiểm tra "
                        "sau dấu gạch, ví dụ 000123-4).", code="ENTRY_003")
    number, check = int(typed.group(1)), int(typed.group(2))
    if not is_valid(number, check):
        raise UserError(f"Số phiếu “{raw}” sai số kiểm tra: hãy xem lại số in trên phiếu "
                        f"(ví dụ phiếu số {number} phải gõ {format_number(number)}).", code="ENTRY_004")
    return KeyedNumber(number)
