"""Small dossier-log files written inline for the import/export tests, and a database checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

MAU06_TOP = ["TT", "Mã hồ sơ", "Tên TTHC", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
             "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Ngày, tháng, năm", None, None,
             None, None, "Ghi chú"]
MAU06_SUB = [None] * 7 + ["Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
                          "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức", None]


def dossier(n: int, code: str | None = None, *, name: str = "Nguyễn Văn An",
            procedure: str = "Đăng ký khai sinh", address: str = "Thôn Xuân Hòa, xã Nghi Xuân, tỉnh Hà Tĩnh",
            phone: str = "0912345678", received: object = "05/03/2024", due: object = "06/03/2024",
            returned: object = "06/03/2024", notes: str = "") -> list[object]:
    """One Mẫu 06 data row (13 columns)."""
    cell = f"{address} - ĐT: {phone}" if phone else address
    return [n, code or f"000.42.52.H42-240305-{n:04d}", procedure, 1, name, cell, "UBND xã Nghi Xuân",
            received, due, None, None, returned, notes]


FOREIGN_HEADER = ["Code", "Procedure", "Applicant", "Received on", "Tel"]


def foreign_rows(title_rows: int, codes: range) -> list[list[object]]:
    """An export whose header the importer cannot read (English words) under a title block."""
    title = [["BÁO CÁO TỪ PHẦN MỀM KHÁC"]] + [[]] * (title_rows - 1)
    return title + [list(FOREIGN_HEADER)] + [
        [f"HS-{n}", "Đăng ký khai sinh", "Lê Văn Tám", f"0{n}/03/2024", "0912345678"] for n in codes]


def mau06_rows(data: Sequence[Sequence[object]], *, title: bool = True,
               footer: bool = True) -> list[list[object]]:
    rows: list[list[object]] = []
    if title:
        rows += [["UBND XÃ NGHI XUÂN", None, None, None, None, None, None, None, None, None,
                  "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                 [], ["SỔ THEO DÕI HỒ SƠ"], ["Từ ngày 01/01/2024 đến ngày 31/12/2024"], []]
    rows += [list(MAU06_TOP), list(MAU06_SUB), [f"({i})" for i in range(1, 14)]]
    rows += [list(r) for r in data]
    if footer:
        rows += [[], [None, "Tổng cộng", None, len(data)], [],
                 [None, "NGƯỜI LẬP SỔ", None, None, None, None, None, None, None, None, "THỦ TRƯỞNG"],
                 [None, "(Ký, ghi rõ họ tên)"], [None, "Trần Thị Bình"]]
    return rows


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, merged: Sequence[str] = (),
               sheet: str = "Sổ hồ sơ", date_format: str = "dd/mm/yyyy") -> Path:
    """An .xlsx written with openpyxl's normal mode (merged cells, real dates formatted)."""
    from datetime import date

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, date):
                cell.number_format = date_format
    for rng in merged:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def write_mau06(path: Path, data: Sequence[Sequence[object]], **kw: object) -> Path:
    """A Mẫu 06 export: title block, two-row merged header, column numbers, footer."""
    title = kw.get("title", True)
    top = 6 if title else 1
    merged = [f"{c}{top}:{c}{top + 1}" for c in "ABCDEFGM"] + [f"H{top}:L{top}"]
    return write_xlsx(path, mau06_rows(data, title=bool(title), footer=bool(kw.get("footer", True))),
                      merged=merged)


def db_checksum() -> str:
    """SHA-256 of every table's rows (sorted): equal before and after means nothing changed."""
    from sipas_desktop.core.db import database

    con = database.connection()
    digest = hashlib.sha256()
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    for table in tables:
        digest.update(table.encode())
        rows = sorted(repr(r) for r in con.execute(f'SELECT * FROM "{table}"'))
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()
