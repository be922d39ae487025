"""The official dossier log (Mẫu số 06, Thông tư 01/2018/TT-VPCP) as an .xlsx ready to print.

The layout is data (`core/data/log_export_forms.json`): columns, their titles, the group title
"Ngày, tháng, năm" over the five dates, widths. This module draws any such form: an NĐ 30/2020
heading (issuing body top left with its superior above, national title top right, texts from
`core/reporting/heading.py`), the title "SỔ THEO DÕI HỒ SƠ" and the period, a two-row header with
a row of column numbers, bordered wrapped cells, A4 landscape fitted to the page width, the header
rows repeated on every printed page, and a signature line.

It streams rows with openpyxl's write-only mode (100,000 dossiers in tens of megabytes) reusing
one styled cell per column, writes to a temporary name and then `os.replace`s, so a failed export
never leaves a half file under the real name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.files import save_workbook
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE, Heading, heading_for_unit
from sipas_desktop.core.text import format_date
from sipas_desktop.core.tthc_log.records import APPLICANT_TYPES, CHANNELS, LogFilter

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl's ILLEGAL_CHARACTERS_RE
FORMS_FILE = Path(__file__).resolve().parent.parent / "data" / "log_export_forms.json"
FONT_NAME = "Times New Roman"
DATE_FORMAT = "dd/mm/yyyy"
_ROW_FIELDS = ("id", "code", "procedure_name", "field_name", "quantity", "applicant_name",
               "applicant_type", "address", "phone", "agency", "received_date", "due_date",
               "transferred_date", "result_in_date", "returned_date", "channel", "in_province",
               "birth_date", "result_method", "notes")
_DATE_VALUES = {"received_date", "due_date", "transferred_date", "result_in_date", "returned_date",
                "birth_date"}


@dataclass(frozen=True)
class FormColumn:
    header: str
    value: str
    width: float
    group: str = ""


@dataclass(frozen=True)
class LogForm:
    key: str
    name: str
    form_number: str
    title: str
    columns: tuple[FormColumn, ...]
    column_numbers: bool = True

    @property
    def has_groups(self) -> bool:
        return any(c.group for c in self.columns)


def load_forms(path: Path | None = None) -> tuple[str, dict[str, LogForm]]:
    data = json.loads((path or FORMS_FILE).read_text("utf-8"))
    forms = {}
    for key, spec in data["forms"].items():
        columns = tuple(FormColumn(c["header"], c.get("value", ""), float(c.get("width", 12)),
                                   c.get("group", "")) for c in spec["columns"])
        forms[key] = LogForm(key, spec["name"], spec.get("form_number", ""), spec["title"], columns,
                             bool(spec.get("column_numbers", True)))
    return data["default"], forms


def get_form(key: str | None = None) -> LogForm:
    default, forms = load_forms()
    key = key or default
    if key not in forms:
        raise UserError(f"Không có mẫu sổ “{key}”; có: {', '.join(forms)}.", code="LOG_EXP_001")
    return forms[key]


def _letter(index: int) -> str:
    """Excel column letter of a 1-based column index."""
    name = ""
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _lines(text: Any, width: float) -> int:
    """Printed lines of a wrapped cell: Times New Roman 11 fits about 1,15 characters per unit."""
    if text is None or not isinstance(text, str) or not text:
        return 1
    per_line = max(1, int(width * 1.15))
    return max(1, -(-len(text) // per_line))


LINE_HEIGHT = 14.5   # points per line of 11-point text


def _cell_value(key: str, row: dict[str, Any], number: int) -> Any:
    if key == "row_number":
        return number
    if key == "address_phone":
        address, phone = row["address"] or "", row["phone"] or ""
        text = f"{address} - ĐT: {phone}" if address and phone else (address or phone)
        return _ILLEGAL.sub("", text) or None
    if key == "channel_label":
        return CHANNELS.get(row["channel"], row["channel"])
    if key == "applicant_type_label":
        return APPLICANT_TYPES.get(row["applicant_type"], row["applicant_type"])
    if key == "in_province":
        return "Trong tỉnh" if row["in_province"] else "Ngoài tỉnh"
    if not key:
        return None
    value = row.get(key)
    if value.__class__ is str:
        if not value:
            return None
        if _ILLEGAL.search(value):  # control characters are not allowed in the XML of a sheet
            value = _ILLEGAL.sub("", value)
    return value


def _dossier_rows(flt: LogFilter | None) -> tuple[int, Iterator[dict[str, Any]]]:
    from sipas_desktop.core import models
    from sipas_desktop.core.services.log import where_filter  # the grid's own filter, not a copy

    D = models.Dossier
    query = where_filter(D.select(*[getattr(D, f) for f in _ROW_FIELDS]), flt)
    count = query.count()
    ordered = query.order_by(D.received_date, D.code, D.id)
    return count, (dict(zip(_ROW_FIELDS, r, strict=True)) for r in ordered.tuples().iterator())


def _heading() -> Heading:
    from sipas_desktop.core.services.app import get_office

    office = get_office()
    if office.unit is None:  # not set up yet: leave the lines to be written by hand
        return Heading(issuer="……………………………", superior="", place="", title="SỔ THEO DÕI HỒ SƠ")
    return heading_for_unit(office.unit.name, office.unit.parent_name, title="SỔ THEO DÕI HỒ SƠ")


def _period(flt: LogFilter | None) -> tuple[date | None, date | None]:
    from peewee import fn

    from sipas_desktop.core import models

    D = models.Dossier
    low, high = (flt.date_from, flt.date_to) if flt else (None, None)
    if low is None or high is None:
        first, last = D.select(fn.MIN(D.received_date), fn.MAX(D.received_date)).scalar(as_tuple=True)
        low = low or first
        high = high or last
    return low, high


def export_xlsx(path: Path, *, flt: LogFilter | None = None, progress: Progress | None = None,
                form: str | None = None, heading: Heading | None = None) -> Path:
    """Write the log (filtered by `flt`) to `path` in the layout `form`; returns the path."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.properties import PageSetupProperties

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp xuất phải có đuôi .xlsx (đã cho “{path.name}”).", code="LOG_EXP_002")
    spec = get_form(form)
    heading = heading or _heading()
    total, rows = _dossier_rows(flt)
    first, last = _period(flt)
    width = len(spec.columns)
    last_letter = _letter(width)

    wb = Workbook(write_only=True)
    wb.properties.creator = "SIPAS Desktop"
    wb.properties.title = spec.title
    ws = wb.create_sheet("Sổ theo dõi hồ sơ")
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)

    def font(size: int = 12, **kw: Any) -> Font:
        return Font(name=FONT_NAME, size=size, **kw)

    def cell(value: Any, *, f: Font | None = None, align: Alignment | None = None,
             border: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        c.font = f or font()
        if align is not None:
            c.alignment = align
        if border:
            c.border = box
        return c

    # Write-only mode writes the sheet properties and columns with the first row: set them now.
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for i, col in enumerate(spec.columns, start=1):
        ws.column_dimensions[_letter(i)].width = col.width

    # NĐ 30/2020 heading: issuing body left (superior above it), national title right.
    split = max(2, round(width * 0.4))           # columns of the left block
    right_first = split + 1 if width - split >= 3 else width
    right_range = f"{_letter(right_first)}{{r}}:{last_letter}{{r}}"
    left_range = f"A{{r}}:{_letter(split)}{{r}}"

    def heading_row(r: int, left_cell: WriteOnlyCell | None, right_cell: WriteOnlyCell | None) -> None:
        values: list[Any] = [None] * width
        if left_cell is not None:
            values[0] = left_cell
            ws.merged_cells.add(left_range.format(r=r))
        if right_cell is not None:
            values[right_first - 1] = right_cell
            ws.merged_cells.add(right_range.format(r=r))
        ws.append(values)

    upper = heading.superior
    heading_row(1, cell(upper or heading.issuer, f=font(12, bold=not upper), align=top_centre),
                cell(NATIONAL_TITLE, f=font(12, bold=True), align=top_centre))
    heading_row(2, cell(heading.issuer, f=font(12, bold=True), align=top_centre) if upper else None,
                cell(NATIONAL_MOTTO, f=font(13, bold=True, underline="single"), align=top_centre))
    heading_row(3, None, cell(spec.form_number, f=font(11, italic=True), align=top_centre)
                if spec.form_number else None)
    ws.append([cell(spec.title, f=font(14, bold=True), align=centre)] + [None] * (width - 1))
    ws.merged_cells.add(f"A4:{last_letter}4")
    period = ""
    if first and last:
        period = f"(Từ ngày {format_date(first)} đến ngày {format_date(last)})"
    ws.append([cell(period, f=font(12, italic=True), align=centre)] + [None] * (width - 1))
    ws.merged_cells.add(f"A5:{last_letter}5")
    ws.append([])

    # Table header: one or two rows, then the column numbers; repeated on every printed page.
    header_top = 7
    two_rows = spec.has_groups
    top_cells, sub_cells = [], []
    previous_group = None
    for i, col in enumerate(spec.columns, start=1):
        letter = _letter(i)
        if two_rows and col.group:
            top_cells.append(cell(col.group if col.group != previous_group else None,
                                  f=font(11, bold=True), align=centre, border=True))
            sub_cells.append(cell(col.header, f=font(11, bold=True), align=centre, border=True))
        else:
            top_cells.append(cell(col.header, f=font(11, bold=True), align=centre, border=True))
            sub_cells.append(cell(None, f=font(11, bold=True), align=centre, border=True))
            if two_rows:
                ws.merged_cells.add(f"{letter}{header_top}:{letter}{header_top + 1}")
        previous_group = col.group or None
    if two_rows:
        start = None
        for i, col in enumerate(list(spec.columns) + [FormColumn("", "", 0)], start=1):
            group = col.group
            if start is not None and group != spec.columns[start - 1].group:
                if i - 1 > start:
                    ws.merged_cells.add(f"{_letter(start)}{header_top}:{_letter(i - 1)}{header_top}")
                start = None
            if group and start is None:
                start = i
    # Row heights: wrapped text only grows rows that have an explicit height in every reader.
    ws.row_dimensions[header_top].height = LINE_HEIGHT * max(
        _lines(col.header if not (two_rows and col.group) else col.group, col.width) + (1 if two_rows else 0)
        for col in spec.columns) if not two_rows else LINE_HEIGHT * max(
        _lines(col.group or "", col.width) for col in spec.columns if col.group)
    ws.append(top_cells)
    if two_rows:
        ws.row_dimensions[header_top + 1].height = LINE_HEIGHT * max(
            max(_lines(col.header, col.width) for col in spec.columns if col.group),
            max(_lines(col.header, col.width) for col in spec.columns if not col.group) - 1)
        ws.append(sub_cells)
    header_bottom = header_top + (1 if two_rows else 0)
    if spec.column_numbers:
        ws.append([cell(f"({i})", f=font(10, italic=True), align=centre, border=True)
                   for i in range(1, width + 1)])
        header_bottom += 1
    ws.print_title_rows = f"{header_top}:{header_bottom}"

    # Data rows: one reusable styled cell per column (write-only mode serialises on append).
    body_font = font(11)
    templates = []
    for col in spec.columns:
        c = WriteOnlyCell(ws)
        c.font = body_font
        c.border = box
        if col.value in _DATE_VALUES or col.value in ("row_number", "quantity"):
            c.alignment = top_centre
        else:
            c.alignment = left
        if col.value in _DATE_VALUES:
            c.number_format = DATE_FORMAT
        templates.append(c)
    keys = [c.value for c in spec.columns]
    widths = [c.width for c in spec.columns]
    step = max(1, total // 100)
    dims = ws.row_dimensions
    for number, row in enumerate(rows, start=1):
        lines = 1
        for c, key, w in zip(templates, keys, widths, strict=True):
            value = c.value = _cell_value(key, row, number)
            if value.__class__ is str and len(value) > w:
                lines = max(lines, _lines(value, w))
        if lines > 1:
            dims[header_bottom + number].height = LINE_HEIGHT * lines + 2
        ws.append(templates)
        if number % step == 0:
            report(progress, number, total, "Đang xuất sổ hồ sơ…")

    # Signature: place and date, who keeps the log.
    ws.append([])
    sign_first = right_first
    sign_range = f"{_letter(sign_first)}{{r}}:{last_letter}{{r}}"
    signature_top = header_bottom + total + 2
    for offset, (text, f) in enumerate([
            (heading.place_date, font(12, italic=True)),
            ("NGƯỜI GHI SỔ", font(12, bold=True)),
            ("(Ký, ghi rõ họ tên)", font(11, italic=True))]):
        if not text:
            ws.append([])
            continue
        values: list[Any] = [None] * width
        values[sign_first - 1] = cell(text, f=f, align=centre)
        ws.append(values)
        ws.merged_cells.add(sign_range.format(r=signature_top + offset))

    # Print: A4 landscape, fit all columns on the page width, pages as tall as needed.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4 (openpyxl: Worksheet.PAPERSIZE_A4)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT_NAME
    save_workbook(wb, path, code="LOG_EXP_004")
    report(progress, total, total, "Đã xuất sổ hồ sơ.")
    return path
