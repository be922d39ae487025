"""The sample sheet (danh sách mẫu khảo sát) as .xlsx and PDF, and the population list as .xlsx.

One format-free `SampleSheet` is built from the current draw; both writers render it: the
NĐ 30/2020 heading, the title, a notice that the document holds personal data, the method box
(N, n, k, start, seed, order of the list: everything needed to redo the draw by hand), the main
list, the reserve list and the signature blocks (the list's author, the Fatherland Front and the
Veterans' Association who supervise, the commune's chairman). Files are written to a temporary
name and renamed, so a failure never leaves half a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from sipas_desktop.core import sampling
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.files import atomic_file, save_workbook
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE, Heading, heading_for_unit
from sipas_desktop.core.sample_store import FRAME_ORDER_TEXT, MAIN, ROLE_LABELS, EntryInfo
from sipas_desktop.core.text import format_date, format_int, format_number

if TYPE_CHECKING:
    from sipas_desktop.core.services.plans import PopulationView, SampleView

TITLE = ("DANH SÁCH MẪU KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC ĐỐI VỚI SỰ PHỤC VỤ "
         "CỦA CƠ QUAN HÀNH CHÍNH NHÀ NƯỚC")
NOTICE = ("TÀI LIỆU CÓ DỮ LIỆU CÁ NHÂN: chỉ dùng cho việc khảo sát; không công bố, không gửi kèm tệp "
          "báo cáo; bảo vệ theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân.")
FOOTER_NOTICE = "Có dữ liệu cá nhân – không công bố"
COLUMNS = ["STT", "Mã hồ sơ", "Họ tên / Tên tổ chức", "Cá nhân / Tổ chức", "Địa chỉ", "Số điện thoại",
           "Lĩnh vực", "Tên TTHC", "Ngày nhận hồ sơ", "Ngày trả kết quả",
           "STT trong DS tổng thể", "Mẫu chính / Dự phòng", "Tình trạng", "Ghi chú"]
SIGNATURES = [("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)"),
              ("ĐẠI DIỆN ỦY BAN MTTQ", "(Giám sát; ký, ghi rõ họ tên)"),
              ("ĐẠI DIỆN HỘI CỰU CHIẾN BINH", "(Giám sát; ký, ghi rõ họ tên)"),
              ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "(Ký, đóng dấu)")]
EXCEL_MAX_ROWS = 1_048_576


@dataclass(frozen=True)
class SampleSheet:
    heading: Heading
    method: tuple[tuple[str, str], ...]            # label, text
    strata_table: tuple[tuple[str, ...], ...]       # header row, then one row per stratum
    main: tuple[tuple[str, ...], ...]               # rows of COLUMNS
    reserve: tuple[tuple[str, ...], ...]
    progress: str                                   # statuses so far ("" before any)


def _frac(value: Fraction, places: int = 4) -> str:
    """An exact fraction for the sheet: 37/10 → "3,7"; 97/15 → "6,4667 (= 97/15)"."""
    if value.denominator == 1:
        return format_int(value.numerator)
    text = sampling.decimal_text(value)
    if len(text.split(".")[1]) <= places:
        return text.replace(".", ",")
    return f"{format_number(float(value), places)} (= {value.numerator}/{value.denominator})"


def _row(index: int, e: EntryInfo) -> tuple[str, ...]:
    return (str(index), e.code, e.applicant_name, sampling.STRATUM_LABELS.get(e.stratum, e.stratum),
            e.address, e.phone, e.field_name, e.procedure_name, format_date(e.received_date),
            format_date(e.returned_date), str(e.position),
            ROLE_LABELS[e.role], e.status_text, e.note)


def build_sheet(view: SampleView, when: date | None = None) -> SampleSheet:
    from sipas_desktop.core import units

    plan, draw = view.plan, view.draw
    parent_name = None
    if view.unit_code:
        try:
            unit = units.get_unit(view.unit_code)
            parent_name = unit.parent_name
        except UserError:
            parent_name = None
    unit_name = view.unit_name or plan.issuer_name or "Đơn vị"
    heading = heading_for_unit(unit_name, parent_name, title=TITLE,
                               subject=f"(Thực hiện {plan.title}; hồ sơ từ ngày "
                                       f"{format_date(plan.window_from)} đến ngày "
                                       f"{format_date(plan.window_to)})",
                               number="Số:      /DS-UBND", when=when or date.today())
    rules = [("giao dịch trực tiếp tại Bộ phận Một cửa" if plan.direct_only else "mọi kênh giao dịch"),
             ("đã nhận kết quả" if plan.require_returned else "kể cả chưa nhận kết quả"),
             ("cư trú trong tỉnh" if plan.in_province_only else "kể cả cư trú ngoài tỉnh")]
    if plan.min_age:
        rules.append(f"từ đủ {plan.min_age} tuổi (nếu biết ngày sinh)")
    excluded = {k: v for k, v in draw.excluded.items() if v}
    excluded_text = "; ".join(f"{sampling.REASON_LABELS[k].lower()}: {format_int(v)}"
                              for k, v in excluded.items()) or "không có"
    basis = "ngày nhận hồ sơ" if plan.window_basis == "received" else "ngày trả kết quả"
    counts = ", ".join(f"{m.label.lower()} {format_int(m.N)}" for m in draw.strata)
    method = [
        ("Kế hoạch", f"{plan.title} (mã {plan.plan_id}); phiếu {plan.form_id} {plan.form_version}".strip()),
        ("Điều kiện", f"hồ sơ có {basis} từ {format_date(plan.window_from)} đến "
                      f"{format_date(plan.window_to)}; lĩnh vực: {plan.fields_text.lower()}; "
                      + "; ".join(rules) + "; mỗi người chỉ tính một lần (cùng họ tên và số điện thoại, "
                      "hoặc cùng họ tên và địa chỉ)."),
        ("Danh sách tổng thể", f"N = {format_int(draw.N)} ({counts}). Hồ sơ bị loại: {excluded_text}."),
        ("Thứ tự danh sách", f"Mỗi nhóm đánh số riêng từ 1 theo {FRAME_ORDER_TEXT}."),
        ("Cách chọn", "Chọn mẫu hệ thống: khoảng cách k = N/n (giữ phần lẻ), điểm bắt đầu s ngẫu nhiên, "
                      "0 ≤ s < k; người thứ j (j = 0, 1, …, n − 1) là người có số thứ tự "
                      "[s + j × k] + 1 trong danh sách tổng thể của nhóm ([x] là phần nguyên của x, "
                      "ví dụ [7,9] = 7). Danh sách dự phòng chọn cùng "
                      "cách trong số người chưa được chọn (đánh số lại từ 1 theo thứ tự danh sách tổng "
                      "thể), dùng thay thế đúng theo thứ tự."),
        ("Hạt giống (seed)", f"{draw.seed}: s lấy từ random.Random({draw.seed}).random() của Python "
                             "(lần lượt: cá nhân – mẫu chính, cá nhân – dự phòng, tổ chức – mẫu chính, "
                             "tổ chức – dự phòng); với số u đó, s = [u × K] / 10 000, K là số nguyên nhỏ "
                             "nhất không nhỏ hơn k × 10 000."),
        ("Cỡ mẫu", f"n = {format_int(draw.n)}; dự phòng {_frac(Fraction(draw.reserve_ratio) * 100)} % "
                   "của n mỗi nhóm (làm tròn lên)."
                   + "".join(" " + m.note for m in draw.strata if m.note)),
        ("Lần chọn", f"lần số {draw.id}, lúc {draw.drawn_at:%H:%M} ngày {draw.drawn_at:%d/%m/%Y}"
                     + (f", người chọn: {draw.drawn_by}" if draw.drawn_by else "")
                     + f"; lý do: {draw.reason}."),
    ]
    strata_table = [("Nhóm", "N", "Chỉ tiêu", "n", "k = N/n", "s", "Còn lại", "Dự phòng", "k dự phòng",
                     "s dự phòng")]
    for m in draw.strata:
        strata_table.append((m.label, format_int(m.N), "" if m.quota is None else format_int(m.quota),
                             format_int(m.n), _frac(m.k), _frac(m.start), format_int(m.reserve_N),
                             format_int(m.reserve_n), _frac(m.reserve_k) if m.reserve_n else "",
                             _frac(m.reserve_start) if m.reserve_n else ""))
    main = tuple(_row(i, e) for i, e in enumerate((e for e in view.entries if e.role == MAIN), start=1))
    reserve = tuple(_row(i, e) for i, e in enumerate((e for e in view.entries if e.role != MAIN), start=1))
    c = view.counts
    progress = ""
    if c.total("issued") or c.total("refused") or c.total("unreachable") or c.total("substitutions"):
        rate = c.response_rate
        progress = (f"Tình hình đến ngày {format_date(when or date.today())}: đã phát "
                    f"{c.total('issued')}, đã thu {c.total('returned')}"
                    + (f" ({format_number(rate, 2)} % cỡ mẫu)" if rate is not None else "")
                    + f", từ chối {c.total('refused')}, không liên lạc được {c.total('unreachable')}, "
                    f"đã thay {c.total('substitutions')} người bằng dự phòng.")
    return SampleSheet(heading, tuple(method), tuple(strata_table), main, reserve, progress)


# --- xlsx -----------------------------------------------------------------------------------

def write_xlsx(sheet: SampleSheet, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách mẫu"
    widths = (5, 20, 22, 10, 24, 13, 14, 22, 11, 11, 11, 11, 16, 12)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
    font = "Times New Roman"
    bold, normal = Font(name=font, bold=True, size=12), Font(name=font, size=11)
    wrap_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    h = sheet.heading

    def put(row: int, col1: int, col2: int, text: str, font_: Font, align: Alignment) -> None:
        if col2 > col1:
            ws.merge_cells(start_row=row, start_column=col1, end_row=row, end_column=col2)
        cell = ws.cell(row, col1, text)
        cell.font, cell.alignment = font_, align

    put(1, 1, 4, h.superior, Font(name=font, size=12), wrap_center)
    put(2, 1, 4, h.issuer, bold, wrap_center)
    put(3, 1, 4, h.number, Font(name=font, size=12), wrap_center)
    put(1, 8, 14, NATIONAL_TITLE, bold, wrap_center)
    put(2, 8, 14, NATIONAL_MOTTO, Font(name=font, bold=True, size=13, underline="single"), wrap_center)
    put(3, 8, 14, h.place_date, Font(name=font, italic=True, size=13), wrap_center)
    put(5, 1, 14, h.title, Font(name=font, bold=True, size=14), wrap_center)
    ws.row_dimensions[5].height = 36
    put(6, 1, 14, h.subject, Font(name=font, italic=True, size=12), wrap_center)
    put(7, 1, 14, NOTICE, Font(name=font, bold=True, size=11, color="C00000"), wrap_center)
    ws.row_dimensions[7].height = 30
    row = 9
    put(row, 1, 14, "PHƯƠNG PHÁP CHỌN MẪU", bold, Alignment(horizontal="left"))
    for label, text in sheet.method:
        row += 1
        put(row, 1, 3, label, Font(name=font, bold=True, size=11), wrap_left)
        put(row, 4, 14, text, normal, wrap_left)
        ws.row_dimensions[row].height = 15 * max(1, 1 + len(text) // 150)
        for col in range(1, 15):
            ws.cell(row, col).border = box
    row += 2
    for r_index, cells in enumerate(sheet.strata_table):
        for col, text in enumerate(cells, start=2):
            cell = ws.cell(row, col, text)
            cell.font = Font(name=font, size=11, bold=r_index == 0)
            cell.alignment, cell.border = wrap_center, box
        row += 1
    for title, rows in (("I. DANH SÁCH MẪU CHÍNH", sheet.main), ("II. DANH SÁCH DỰ PHÒNG (dùng theo thứ tự)",
                                                                  sheet.reserve)):
        row += 1
        put(row, 1, 14, title, bold, Alignment(horizontal="left"))
        row += 1
        for col, text in enumerate(COLUMNS, start=1):
            cell = ws.cell(row, col, text)
            cell.font, cell.alignment, cell.border = Font(name=font, bold=True, size=10), wrap_center, box
        ws.row_dimensions[row].height = 42
        for cells in rows:
            row += 1
            for col, text in enumerate(cells, start=1):
                cell = ws.cell(row, col, int(text) if col == 1 else text)
                cell.font, cell.border = Font(name=font, size=10), box
                cell.alignment = wrap_center if col in (1, 4, 9, 10, 11, 12) else wrap_left
                if col == 2:
                    cell.number_format = "@"
        if not rows:
            row += 1
            put(row, 1, 14, "(không có)", Font(name=font, italic=True, size=11), wrap_center)
    if sheet.progress:
        row += 2
        put(row, 1, 14, sheet.progress, Font(name=font, italic=True, size=11), wrap_left)
    row += 2
    for i, (title, hint) in enumerate(SIGNATURES):
        col = 1 + i * 4 if i < 3 else 12
        end = col + 2 if i < 3 else 14
        put(row, col, end, title, bold, wrap_center)
        put(row + 1, col, end, hint, Font(name=font, italic=True, size=11), wrap_center)
    ws.row_dimensions[row].height = 32
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top, ws.page_margins.bottom = 20 / 25.4, 20 / 25.4
    ws.oddHeader.left.text = FOOTER_NOTICE
    ws.oddFooter.center.text = "Trang &P/&N"
    wb.properties.title = "Danh sách mẫu khảo sát"
    wb.properties.keywords = "SIPAS; dữ liệu cá nhân"
    return save_workbook(wb, path, code="SHEET_002")


# --- PDF ------------------------------------------------------------------------------------

def write_pdf(sheet: SampleSheet, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

    from sipas_desktop.core.reporting import fonts

    fonts.register_fonts()

    def _Table(data, **kw):  # noqa: N802
        # Table sets each cell's font even when it holds a Paragraph: without this the PDF
        # references Helvetica, which has no Vietnamese letters.
        kw["style"] = [("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)] + list(kw.get("style", []))
        return Table(data, **kw)
    path = Path(path)
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=12, leading=15)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    bold_c = ParagraphStyle("bold_c", parent=center, fontName=fonts.BOLD)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=9.5)
    small_c = ParagraphStyle("small_c", parent=small, alignment=TA_CENTER)
    small_h = ParagraphStyle("small_h", parent=small_c, fontName=fonts.BOLD)
    body = ParagraphStyle("body", parent=base, fontSize=10.5, leading=13, alignment=TA_JUSTIFY)
    h = sheet.heading

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    left = [Paragraph(esc(h.superior), center)] if h.superior else []
    left += [Paragraph(esc(h.issuer), bold_c), Paragraph("―――――", center),
             Paragraph(esc(h.number).replace("  ", "\u00a0\u00a0"), center)]
    right = [Paragraph(NATIONAL_TITLE, bold_c),
             Paragraph(f"<u>{NATIONAL_MOTTO}</u>", ParagraphStyle("motto", parent=bold_c, fontSize=13)),
             Spacer(1, 4),
             Paragraph(f"<i>{esc(h.place_date)}</i>", ParagraphStyle("pd", parent=center, fontSize=13,
                                                                  fontName=fonts.ITALIC))]
    width = landscape(A4)[0] - 45 * mm
    story: list = [_Table([[left, right]], colWidths=[width * 0.42, width * 0.58],
                         style=[("VALIGN", (0, 0), (-1, -1), "TOP")])]
    story += [Spacer(1, 8),
              Paragraph(esc(h.title), ParagraphStyle("title", parent=bold_c, fontSize=14, leading=18)),
              Paragraph(f"<i>{esc(h.subject)}</i>", ParagraphStyle("subj", parent=center, fontSize=12,
                                                                    fontName=fonts.ITALIC)),
              Spacer(1, 6)]
    red = colors.HexColor("#a00000")
    notice = ParagraphStyle("notice", parent=small_h, fontSize=10, leading=12, textColor=red)
    story.append(_Table([[Paragraph(esc(NOTICE), notice)]], colWidths=[width],
                       style=[("BOX", (0, 0), (-1, -1), 0.8, red)]))
    story += [Spacer(1, 8), Paragraph("<b>PHƯƠNG PHÁP CHỌN MẪU</b>", base), Spacer(1, 3)]
    method_rows = [[Paragraph(f"<b>{esc(label)}</b>", body), Paragraph(esc(text), body)]
                   for label, text in sheet.method]
    story.append(_Table(method_rows, colWidths=[38 * mm, width - 38 * mm], style=[
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(Spacer(1, 5))
    strata = [[Paragraph(esc(c), small_h if i == 0 else small_c) for c in cells]
              for i, cells in enumerate(sheet.strata_table)]
    story.append(_Table(strata, colWidths=[22 * mm] + [20 * mm] * 9, hAlign="LEFT", style=[
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    # The dossier code must not wrap (clerks read it out when they look a person up): its column
    # is as wide as the longest code; the other columns share the rest in fixed proportions.
    from reportlab.pdfbase.pdfmetrics import stringWidth

    longest = max((stringWidth(r[1], fonts.REGULAR, small.fontSize) for r in sheet.main + sheet.reserve),
                  default=0.0)
    code_width = min(max(longest + 6, 22 * mm), 55 * mm)
    col_mm = [8, 0, 28, 12, 27, 19, 17, 24, 16, 16, 12, 16, 21, 12]
    scale = (width - code_width) / (sum(col_mm) * mm)
    widths = [w * mm * scale if w else code_width for w in col_mm]
    for title, rows in (("I. DANH SÁCH MẪU CHÍNH", sheet.main),
                        ("II. DANH SÁCH DỰ PHÒNG (dùng thay thế đúng theo thứ tự)", sheet.reserve)):
        story += [Spacer(1, 8), Paragraph(f"<b>{title}</b>", base), Spacer(1, 3)]
        data = [[Paragraph(esc(c), small_h) for c in COLUMNS]]
        for cells in rows:
            data.append([Paragraph(esc(c), small_c if i in (0, 3, 8, 9, 10, 11) else small)
                         for i, c in enumerate(cells)])
        if not rows:
            data.append([Paragraph("(không có)", small_c)] + [""] * (len(COLUMNS) - 1))
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                 ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]
        if not rows:
            style.append(("SPAN", (0, 1), (-1, 1)))
        story.append(_Table(data, colWidths=widths, repeatRows=1, style=style))
    if sheet.progress:
        story += [Spacer(1, 6), Paragraph(f"<i>{esc(sheet.progress)}</i>", body)]
    hint_style = ParagraphStyle("sh", parent=center, fontSize=10, fontName=fonts.ITALIC)
    signs = [[Paragraph(esc(t).replace("\n", "<br/>"), ParagraphStyle("sg", parent=bold_c, fontSize=11,
                                                                       leading=14)) for t, _ in SIGNATURES],
             [Paragraph(f"<i>{esc(hint)}</i>", hint_style) for _, hint in SIGNATURES],
             [Spacer(1, 26 * mm)] * len(SIGNATURES)]
    story += [Spacer(1, 10), KeepTogether(_Table(signs, colWidths=[width / 4] * 4,
                                                style=[("VALIGN", (0, 0), (-1, -1), "TOP")]))]

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(fonts.ITALIC, 8.5)
        canvas.setFillColor(colors.HexColor("#a00000"))
        canvas.drawString(30 * mm, 12 * mm, FOOTER_NOTICE)
        canvas.setFillColor(colors.black)
        canvas.drawRightString(landscape(A4)[0] - 15 * mm, 12 * mm, f"Trang {doc.page}")
        canvas.restoreState()

    with atomic_file(path, code="SHEET_003") as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=landscape(A4), leftMargin=30 * mm, rightMargin=15 * mm,
                                topMargin=20 * mm, bottomMargin=20 * mm, title="Danh sách mẫu khảo sát",
                                author=h.issuer, subject=FOOTER_NOTICE,
                                initialFontName=fonts.REGULAR)  # no stray Helvetica in the file
        doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


# --- the population list --------------------------------------------------------------------

def _population_rows(view: PopulationView) -> Iterator[tuple[str, list[object]]]:
    for stratum in sampling.STRATA:
        for index, r in enumerate(view.population.frame(stratum), start=1):
            yield stratum, [index, r.code, r.applicant_name, r.address, r.phone, r.field_name,
                            r.procedure_name, format_date(r.received_date), format_date(r.returned_date)]


def write_population_xlsx(view: PopulationView, path: Path) -> Path:
    """Summary, one sheet per stratum (frame order, numbered from 1) and the excluded dossiers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    path = Path(path)
    wb = Workbook(write_only=True)   # a big log must not need a gigabyte of memory
    summary = wb.create_sheet("Tóm tắt")
    bold = Font(bold=True)

    def head(ws, cells: list[str]) -> None:
        row = []
        for text in cells:
            cell = WriteOnlyCell(ws, value=text)
            cell.font = bold
            row.append(cell)
        ws.append(row)

    plan = view.plan
    head(summary, ["DANH SÁCH TỔNG THỂ", ""])
    summary.append([NOTICE])
    summary.append(["Kế hoạch", f"{plan.title} ({plan.plan_id})"])
    summary.append(["Thời gian hồ sơ", plan.window_text])
    summary.append(["Thứ tự", FRAME_ORDER_TEXT])
    summary.append(["Tổng số hồ sơ trong sổ", view.population.total])
    for stratum, count in view.counts().items():
        summary.append([f"N – {sampling.STRATUM_LABELS[stratum]}", count])
    summary.append(["N – Tổng", view.N])
    summary.append([])
    head(summary, ["Lý do loại", "Số hồ sơ"])
    for reason, count in view.excluded_counts().items():
        summary.append([sampling.REASON_LABELS[reason], count])
    columns = ["STT trong DS tổng thể", "Mã hồ sơ", "Họ tên / Tên tổ chức", "Địa chỉ", "Số điện thoại",
               "Lĩnh vực", "Tên TTHC", "Ngày nhận hồ sơ", "Ngày trả kết quả"]
    sheets = {}
    for stratum in sampling.STRATA:
        ws = wb.create_sheet(f"DS tổng thể – {sampling.STRATUM_LABELS[stratum]}")
        head(ws, columns)
        sheets[stratum] = ws
    for stratum, cells in _population_rows(view):
        sheets[stratum].append(cells)
    ws = wb.create_sheet("Hồ sơ bị loại")
    head(ws, ["Mã hồ sơ", "Họ tên / Tên tổ chức", "Cá nhân / Tổ chức", "Ngày nhận hồ sơ", "Lý do loại",
              "Trùng với hồ sơ"])
    written, part = 1, 1
    for item in view.population.excluded:
        if written >= EXCEL_MAX_ROWS:  # an enormous log: continue on a new sheet
            part += 1
            ws = wb.create_sheet(f"Hồ sơ bị loại ({part})")
            written = 0
        r = item.row
        ws.append([r.code, r.applicant_name, sampling.STRATUM_LABELS.get(r.applicant_type, r.applicant_type),
                   format_date(r.received_date), item.label, item.duplicate_of or ""])
        written += 1
    return save_workbook(wb, path, code="SHEET_002")
