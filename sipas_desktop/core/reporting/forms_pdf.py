"""Printed questionnaires: numbered A4 paper forms, and the separate cover list.

Speed comes from laying a questionnaire out **once**: each page's fixed content (heading, title,
plan and unit, questions with their numbered answer boxes) is drawn into a PDF Form XObject,
then every copy just places those XObjects and adds what differs — its number with the check
digit and its QR code (plan, unit, number) on every page. 500 copies of a three-page form are
1,500 cheap page placements, not 1,500 layouts, and the file stays small.

The QR code is built with the `qrcode` package (matrix only, error correction M) and drawn as one
vector path of merged dark runs, itself an XObject reused on every page of that copy: sharp at any
printer resolution, unlike a bitmap, and faster than reportlab's QR widget, which draws each module
as its own rectangle. Text uses the bundled Vietnamese font (`fonts.register_fonts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Frame,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from sipas_desktop.core.entry.numbers import format_number, qr_payload
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.files import atomic_file
from sipas_desktop.core.forms.schema import Form, Question
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.reporting import fonts
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE, heading_for_unit

CONFIDENTIALITY = "Thông tin Ông/Bà cung cấp sẽ được bảo mật theo quy định."
PAGE_W, PAGE_H = A4
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 20 * mm, 15 * mm, 14 * mm, 24 * mm
BOX = 3.4 * mm              # tick box side
FOOTER_QR = 17 * mm


@dataclass(frozen=True)
class PrintJob:
    """What to print: a questionnaire for a plan and a unit, with these form numbers."""

    form: Form
    plan_id: str
    plan_title: str
    unit_code: str
    unit_name: str
    parent_name: str | None
    numbers: tuple[int, ...]


@dataclass(frozen=True)
class PrintResult:
    path: Path
    forms: int
    pages_per_form: int
    pages: int
    first: int
    last: int


@dataclass(frozen=True)
class CoverRow:
    number: int
    name: str
    address: str = ""
    phone: str = ""
    dossier_code: str = ""
    note: str = ""


# --- styles -----------------------------------------------------------------------------------

def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_fonts()
    base = ParagraphStyle("base", fontName=fonts.REGULAR, fontSize=11, leading=13.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=10.5),
        "title": ParagraphStyle("title", parent=base, fontName=fonts.BOLD, fontSize=13, leading=16,
                                alignment=TA_CENTER, spaceAfter=2),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
        "italic": ParagraphStyle("italic", parent=base, fontName=fonts.ITALIC, alignment=TA_CENTER),
        "intro": ParagraphStyle("intro", parent=base, fontName=fonts.ITALIC, alignment=TA_JUSTIFY,
                                spaceBefore=3, spaceAfter=4),
        "section": ParagraphStyle("section", parent=base, fontName=fonts.BOLD, spaceBefore=7,
                                  spaceAfter=3),
        "question": ParagraphStyle("question", parent=base, fontName=fonts.BOLD, fontSize=10.5,
                                   leading=12.5),
        "note": ParagraphStyle("note", parent=base, fontName=fonts.ITALIC, fontSize=9, leading=10.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=fonts.BOLD, fontSize=8, leading=9,
                               alignment=TA_CENTER),
    }


# tables set a cell font before drawing even flowable cells: without this, Helvetica (not
# embedded, no Vietnamese) would be named in the PDF
_FONT = ("FONT", (0, 0), (-1, -1), fonts.REGULAR)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- flowables ----------------------------------------------------------------------------------

class BoxNumber(Flowable):
    """The keying number of an answer box: a small framed number in the left column."""

    def __init__(self, box: int) -> None:
        super().__init__()
        self.box = box
        self.width, self.height = 8 * mm, 4.6 * mm

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.6)
        c.setFillColor(colors.HexColor("#e6e6e6"))
        c.roundRect(0, 0, self.width, self.height, 1.2, stroke=1, fill=1)
        c.setFillColor(colors.black)
        c.setFont(fonts.BOLD, 8.5)
        c.drawCentredString(self.width / 2, 1.35 * mm, str(self.box))


class TickBox(Flowable):
    """An empty square to tick, centred in a table cell."""

    def __init__(self, size: float = BOX) -> None:
        super().__init__()
        self.width = self.height = size

    def draw(self) -> None:
        self.canv.setLineWidth(0.7)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


class NumberSlot(Spacer):
    """The gap on page 1 where each copy's number goes; remembers where the layout put it."""

    def __init__(self) -> None:
        super().__init__(1, 9 * mm)
        self.y = PAGE_H - 60 * mm

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 (reportlab's name)
        self.y = y
        super().drawOn(canvas, x, y, _sW)


class ChoiceLine(Flowable):
    """Choices laid out left to right, wrapping: [ ] 1. Nam   [ ] 2. Nữ …"""

    GAP = 5 * mm

    def __init__(self, items: Sequence[tuple[str, str]], font_size: float = 10.5) -> None:
        super().__init__()
        self.items, self.size = list(items), font_size
        self.rows: list[list[tuple[float, str, str]]] = []

    def _item_width(self, code: str, label: str) -> float:
        return BOX + 1.5 * mm + stringWidth(f"{code}. {label}", fonts.REGULAR, self.size)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        widths = [self._item_width(c, lab) for c, lab in self.items]
        # equal columns when they fit (neater), else flow left to right
        col = max(widths, default=0) + self.GAP
        per_row = max(1, int((avail_width + self.GAP) // col)) if col else 1
        self.rows = []
        if per_row >= 2 or len(self.items) == 1:
            for start in range(0, len(self.items), per_row):
                chunk = self.items[start:start + per_row]
                self.rows.append([(i * col, c, lab) for i, (c, lab) in enumerate(chunk)])
        else:
            for c, lab in self.items:
                self.rows.append([(0.0, c, lab)])
        self.width = avail_width
        self.height = len(self.rows) * (self.size + 4.5)
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.7)
        line_h = self.size + 4.5
        for r, row in enumerate(self.rows):
            y = self.height - (r + 1) * line_h + 2.2
            for x, code, label in row:
                c.rect(x, y - 0.4, BOX, BOX, stroke=1, fill=0)
                c.setFont(fonts.REGULAR, self.size)
                c.drawString(x + BOX + 1.5 * mm, y, f"{code}. {label}")


class DigitBoxes(Flowable):
    """Boxes to write a number in, one per digit, with a unit after them."""

    def __init__(self, digits: int, suffix: str = "") -> None:
        super().__init__()
        self.digits, self.suffix = digits, suffix
        self.width, self.height = digits * 6 * mm + 40 * mm, 7 * mm

    def draw(self) -> None:
        c = self.canv
        c.setLineWidth(0.7)
        for i in range(self.digits):
            c.rect(i * 6 * mm, 0.5 * mm, 5.5 * mm, 6 * mm, stroke=1, fill=0)
        if self.suffix:
            c.setFont(fonts.REGULAR, 10)
            c.drawString(self.digits * 6 * mm + 2 * mm, 2.2 * mm, self.suffix)


class WritingLines(Flowable):
    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.height = count * 7 * mm

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.setDash(1, 2)
        c.setLineWidth(0.5)
        for i in range(self.count):
            y = self.height - (i + 1) * 7 * mm + 1 * mm
            c.line(0, y, self.width, y)
        c.setDash()


# --- the story of one questionnaire ---------------------------------------------------------------

def _heading(job: PrintJob, st: dict[str, ParagraphStyle]) -> Table:
    head = heading_for_unit(job.unit_name, job.parent_name, title="")
    left = []
    if head.superior:
        left.append(Paragraph(_esc(head.superior), st["centre"]))
    left.append(Paragraph(f"<b>{_esc(head.issuer)}</b>", st["centre"]))
    left.append(Paragraph("<b>―――――</b>", st["centre"]))
    right = [Paragraph(f"<b>{NATIONAL_TITLE}</b>", ParagraphStyle("nt", parent=st["centre"], fontSize=11.5)),
             Paragraph(f"<b><u>{NATIONAL_MOTTO}</u></b>", st["centre"])]
    table = Table([[left, right]], colWidths=[72 * mm, PAGE_W - MARGIN_L - MARGIN_R - 72 * mm])
    table.setStyle(TableStyle([_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _skip_note(form: Form, q: Question) -> str:
    """“Bỏ qua câu này nếu ở câu A3 Ông/Bà chọn ô 1.” from the skip conditions."""
    parts = []
    for cond in q.skip_if:
        target = form.question(cond.question)
        codes = " hoặc ".join(str(c) for c in cond.codes)
        parts.append(f"ở câu {target.number} Ông/Bà chọn ô {codes}")
    return f"Bỏ qua câu này nếu {'; hoặc '.join(parts)}." if parts else ""


def _question_block(form: Form, q: Question, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    text = f"{_esc(q.number)}. {_esc(q.text)}"
    body: list[Flowable] = [Paragraph(text, st["question"])]
    note = q.note or _skip_note(form, q)
    if note:
        body.append(Paragraph(_esc(note), st["note"]))
    if q.type in ("single", "scale", "multiple"):
        body.append(ChoiceLine([(str(c.code), c.label) for c in q.choices]))
    elif q.type == "integer":
        body.append(DigitBoxes(q.key_width, "(ghi số)"))
    else:
        lines = 1 if (q.max_length or 200) <= 80 else 3
        body.append(WritingLines(lines))
    table = Table([[BoxNumber(q.box), body]], colWidths=[10 * mm, width - 10 * mm])
    table.setStyle(TableStyle([_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
    return table


def _grid_block(form: Form, questions: list[Question], st: dict[str, ParagraphStyle],
                width: float) -> list[Flowable]:
    grid = questions[0].grid
    choices = questions[0].choices
    code_w = 15 * mm if len(choices) <= 5 else 12 * mm
    widths = [10 * mm, 13 * mm, width - 23 * mm - code_w * len(choices)] + [code_w] * len(choices)
    header = [Paragraph("Ô", st["head"]), Paragraph("Câu", st["head"]), Paragraph("Nội dung", st["head"])]
    header += [Paragraph(f"{c.code}<br/>{_esc(c.label)}", st["head"]) for c in choices]
    rows = [header]
    for q in questions:
        rows.append([BoxNumber(q.box), Paragraph(_esc(q.number), st["cell"]),
                     Paragraph(_esc(q.text), st["cell"])] + [TickBox() for _ in choices])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        _FONT,
        ("GRID", (1, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (1, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (3, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ROWBACKGROUNDS", (1, 1), (-1, -1), [colors.white, colors.HexColor("#f6f6f6")]),
    ]))
    out: list[Flowable] = []
    if grid and grid.text:
        out.append(Paragraph(_esc(grid.text), st["question"]))
        out.append(Spacer(1, 1.5 * mm))
    out.append(table)
    out.append(Spacer(1, 2 * mm))
    return out


def _groups(questions: Sequence[Question]) -> list[list[Question]]:
    """Consecutive questions of one grid form one group; any other question is its own group."""
    groups: list[list[Question]] = []
    for q in questions:
        if q.grid is not None and groups and groups[-1][0].grid == q.grid:
            groups[-1].append(q)
        else:
            groups.append([q])
    return groups


def build_story(job: PrintJob, slot: NumberSlot | None = None) -> list[Flowable]:
    """The fixed content of the questionnaire, as platypus flowables, in paper order."""
    st = _styles()
    form = job.form
    width = PAGE_W - MARGIN_L - MARGIN_R
    story: list[Flowable] = [_heading(job, st), Spacer(1, 4 * mm),
                             Paragraph(_esc(form.title), st["title"])]
    if job.plan_title:
        story.append(Paragraph(f"Kế hoạch: {_esc(job.plan_title)}", st["centre"]))
    story.append(Paragraph(f"Đơn vị khảo sát: <b>{_esc(job.unit_name)}</b>", st["centre"]))
    story.append(slot or NumberSlot())           # the copy's number is printed in this gap
    story.append(Paragraph(f"<i>{_esc(CONFIDENTIALITY)}</i>", st["italic"]))
    if form.intro:
        story.append(Paragraph(_esc(form.intro), st["intro"]))
    story.append(Paragraph("Số trong ô xám bên trái mỗi câu là thứ tự nhập máy, Ông/Bà không cần ghi vào.",
                           st["note"]))
    for section in form.sections:
        head: list[Flowable] = [Paragraph(_esc(section.title), st["section"])]
        if section.intro:
            head.append(Paragraph(_esc(section.intro), st["intro"]))
        blocks: list[list[Flowable]] = []
        for group in _groups(section.questions):
            if group[0].grid is not None:
                blocks.append(_grid_block(form, group, st, width))
            else:
                blocks.append([_question_block(form, group[0], st, width)])
        # a section title never ends a page alone: it travels with its first block
        blocks[0] = head + blocks[0]
        story.extend(Keep(block) for block in blocks)
    if form.closing:
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(f"<b><i>{_esc(form.closing)}</i></b>", st["centre"]))
    return story


# --- drawing ------------------------------------------------------------------------------------

class Keep(list):
    """Flowables kept on one page, unless at least `SPLIT_ROOM` is left: then they start there and
    the table in them splits (a section title never ends a page alone; no half-empty pages)."""


SPLIT_ROOM = 60 * mm


def _height(flowables: Sequence[Flowable], width: float, avail: float) -> float:
    total = 0.0
    for f in flowables:
        total += f.wrap(width, avail)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _add_splitting(frame: Frame, items: list[Flowable], canvas: Canvas) -> int:
    """Add flowables in order, splitting one that does not fit; stop when the frame is full."""
    placed = 0
    while items:
        if frame.add(items[0], canvas, trySplit=0):
            del items[0]
            placed += 1
            continue
        parts = frame.split(items[0], canvas)
        if not parts or not frame.add(parts[0], canvas, trySplit=0):
            break
        items[0:1] = parts[1:]
        placed += 1
    return placed


def _fill_frame(frame: Frame, story: list[Flowable | Keep], canvas: Canvas) -> int:
    """Place the front of `story` on this page; return how many pieces were placed."""
    placed = 0
    while story:
        head = story[0]
        if not isinstance(head, Keep):
            head = Keep([head])
            story[0] = head
        room = frame._y - frame._y1p
        if _height(head, frame._aW, room) <= room or room >= SPLIT_ROOM or placed == 0:
            placed += _add_splitting(frame, head, canvas)
            if head:
                return placed   # page full; the rest of the block goes on the next page
            del story[0]
        else:
            return placed
    return placed


def _layout_pages(canvas: Canvas, story: list[Flowable]) -> list[str]:
    """Lay the story out once, one page XObject per page; return their names."""
    names: list[str] = []
    story = list(story)
    while story:
        name = f"sipas_page_{len(names)}"
        canvas.beginForm(name)
        frame = Frame(MARGIN_L, MARGIN_B, PAGE_W - MARGIN_L - MARGIN_R, PAGE_H - MARGIN_T - MARGIN_B,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, showBoundary=0)
        placed = _fill_frame(frame, story, canvas)
        canvas.endForm()
        names.append(name)
        if not placed:
            raise UserError("Một câu hỏi quá dài, không vừa một trang A4; hãy rút gọn câu chữ trong tệp "
                            "phiếu.", code="PRINT_003")
    return names


def _qr_form(canvas: Canvas, name: str, payload: str) -> None:
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = FOOTER_QR / n
    canvas.beginForm(name)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        y = FOOTER_QR - (r + 1) * module
        c = 0
        while c < n:   # merge each horizontal run of dark modules into one rectangle
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(start * module, y, (c - start) * module + 0.05, module + 0.05)
            else:
                c += 1
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.endForm()


def _footer(canvas: Canvas, job: PrintJob, number: int, page: int, pages: int, qr_name: str) -> None:
    text = format_number(number)
    qx, qy = PAGE_W - MARGIN_R - FOOTER_QR, 4.5 * mm
    canvas.saveState()
    canvas.translate(qx, qy)
    canvas.doForm(qr_name)
    canvas.restoreState()
    canvas.setFont(fonts.BOLD, 11)
    canvas.drawRightString(qx - 3 * mm, qy + FOOTER_QR - 4 * mm, f"Phiếu số: {text}")
    canvas.setFont(fonts.REGULAR, 8.5)
    canvas.drawRightString(qx - 3 * mm, qy + FOOTER_QR - 8.5 * mm,
                           f"Đơn vị {job.unit_code} · Kế hoạch {job.plan_id or '(chưa có)'}")
    canvas.drawRightString(qx - 3 * mm, qy + 1 * mm, f"Trang {page}/{pages}")
    canvas.setFont(fonts.REGULAR, 8)
    canvas.drawString(MARGIN_L, qy + 1 * mm, f"{job.form.id} · phiên bản {job.form.version}")


def render_forms(job: PrintJob, out: Path | str, *, progress: Progress | None = None) -> PrintResult:
    """Write one PDF holding a copy of the questionnaire for each number of `job`.

    Written to a temporary name then renamed, so a failed run never leaves half a file.
    """
    if not job.numbers:
        raise UserError("Chưa có số phiếu nào để in.", code="PRINT_001")
    out = Path(out)
    slot = NumberSlot()
    story = build_story(job, slot)
    # initialFontName: else every page names Helvetica, an unembedded font without Vietnamese
    with atomic_file(out, code="PRINT_017") as tmp:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1, initialFontName=fonts.REGULAR)
        canvas.setTitle(f"{job.form.title} — {job.unit_name}")
        canvas.setAuthor(job.unit_name)
        canvas.setSubject(f"{job.form.id} {job.form.version}; số {format_number(job.numbers[0])} – "
                          f"{format_number(job.numbers[-1])}")
        pages = _layout_pages(canvas, story)
        number_y = slot.y
        total = len(job.numbers)
        for done, number in enumerate(job.numbers, start=1):
            qr_name = f"sipas_qr_{number}"
            _qr_form(canvas, qr_name, qr_payload(job.plan_id, job.unit_code, number))
            for index, name in enumerate(pages, start=1):
                canvas.doForm(name)
                if index == 1:
                    canvas.setFont(fonts.BOLD, 14)
                    canvas.drawCentredString(PAGE_W / 2, number_y + 2.2 * mm,
                                             f"Phiếu số: {format_number(number)}")
                _footer(canvas, job, number, index, len(pages), qr_name)
                canvas.showPage()
            if done % 20 == 0 or done == total:
                report(progress, done, total, f"Đã dựng {done}/{total} phiếu")
        canvas.save()
    return PrintResult(out, len(job.numbers), len(pages), len(pages) * len(job.numbers),
                       job.numbers[0], job.numbers[-1])


def render_cover_list(job: PrintJob, rows: Sequence[CoverRow], out: Path | str,
                      when: date | None = None) -> Path:
    """The list of which number went to which sampled person: a separate file (it holds names)."""
    from reportlab.platypus import SimpleDocTemplate

    st = _styles()
    out = Path(out)
    doc_args = dict(pagesize=A4, leftMargin=MARGIN_L, rightMargin=MARGIN_R, topMargin=15 * mm,
                    bottomMargin=15 * mm, initialFontName=fonts.REGULAR,
                    title=f"Danh sách giao phiếu — {job.unit_name}")
    story: list[Flowable] = [_heading(job, st), Spacer(1, 5 * mm),
                             Paragraph("DANH SÁCH GIAO PHIẾU KHẢO SÁT", st["title"]),
                             Paragraph(f"{_esc(job.form.title.capitalize())}", st["centre"])]
    if job.plan_title:
        story.append(Paragraph(f"Kế hoạch: {_esc(job.plan_title)}", st["centre"]))
    story.append(Paragraph("<i>Tài liệu có thông tin cá nhân: bảo quản riêng, không gửi kèm phiếu và "
                           "không gửi lên cấp trên.</i>", st["italic"]))
    story.append(Spacer(1, 4 * mm))
    data = [[Paragraph(f"<b>{h}</b>", st["small"]) for h in
             ("Số phiếu", "Họ tên / Tên tổ chức", "Địa chỉ", "Điện thoại", "Mã hồ sơ", "Ghi chú, ký nhận")]]
    for row in rows:
        cells = (format_number(row.number), row.name, row.address, row.phone, row.dossier_code, row.note)
        data.append([Paragraph(_esc(text), st["small"]) for text in cells])
    width = PAGE_W - MARGIN_L - MARGIN_R
    table = Table(data, colWidths=[19 * mm, 40 * mm, 45 * mm, 22 * mm, 24 * mm, width - 150 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([_FONT, ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    story.append(table)
    with atomic_file(out, code="PRINT_017") as tmp:
        SimpleDocTemplate(str(tmp), **doc_args).build(story)
    return out
