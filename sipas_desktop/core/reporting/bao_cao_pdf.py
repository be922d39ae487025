"""The báo cáo as PDF (reportlab), in the layout of Nghị định 30/2020/NĐ-CP.

A4; margins top and bottom 20 mm, left 30 mm, right 15 mm; the bundled Liberation Serif (metrics
of Times New Roman, every Vietnamese letter); heading in two columns (issuing body and number on
the left, national title, motto and place-date on the right, with the short rules under them);
body 14 pt justified with a 1,27 cm first-line indent; page numbers at the top centre from the
second page; each appendix starts a new page with its own page numbers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.reporting.bao_cao_charts import to_drawing
from sipas_desktop.core.reporting.bao_cao_content import (
    BaoCaoDocument,
    ChartBlock,
    Para,
    Signature,
    TableBlock,
)
from sipas_desktop.core.reporting.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE, Heading

MM = 72 / 25.4
MARGINS = {"top": 20 * MM, "bottom": 20 * MM, "left": 30 * MM, "right": 15 * MM}
BODY_SIZE = 14
INDENT = 12.7 * MM


def _styles() -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    register_fonts()
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3,
                          alignment=TA_JUSTIFY, firstLineIndent=INDENT, spaceBefore=0, spaceAfter=6)
    return {
        "body": base,
        "section": ParagraphStyle("section", parent=base, fontName=BOLD, spaceBefore=6),
        "subsection": ParagraphStyle("subsection", parent=base, fontName=BOLD),
        "plain": ParagraphStyle("plain", parent=base, firstLineIndent=0, alignment=TA_LEFT, spaceBefore=6),
        "dots": ParagraphStyle("dots", parent=base, firstLineIndent=0, alignment=TA_LEFT),
        "centre": ParagraphStyle("centre", parent=base, firstLineIndent=0, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, alignment=TA_CENTER, firstLineIndent=0,
                                spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=base, fontName=ITALIC, fontSize=12, leading=15,
                                  alignment=TA_CENTER, firstLineIndent=0, spaceAfter=10),
        "note": ParagraphStyle("note", parent=base, fontName=ITALIC, alignment=TA_CENTER, firstLineIndent=0,
                               spaceAfter=12),
        "recipients_head": ParagraphStyle("rh", fontName=BOLD_ITALIC, fontSize=12, leading=14),
        "recipients": ParagraphStyle("r", fontName=REGULAR, fontSize=11, leading=13),
        "sign": ParagraphStyle("sign", fontName=BOLD, fontSize=14, leading=17, alignment=TA_CENTER),
    }


def _markup(para: Para) -> str:
    out = []
    for run in para.runs:
        text = escape(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        out.append(text)
    return "".join(out)


def _heading_flowable(heading: Heading, width: float):
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    left_w = width * 0.40
    right_w = width - left_w
    issuer = [line for line in heading.issuer.split("\n") if line]
    superior = [line for line in heading.superior.split("\n") if line]

    class HeadingBlock(Flowable):
        """The NĐ 30 heading: drawn directly so that the rules sit exactly under their texts."""

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            lines = max(len(superior) + len(issuer), 2)
            self.height = 16 * lines + 40
            return width, self.height

        def draw(self) -> None:
            c = self.canv
            top = self.height - 13
            y = top
            cx = left_w / 2
            for line in superior:
                c.setFont(REGULAR, 13)
                c.drawCentredString(cx, y, line)
                y -= 16
            c.setFont(BOLD, 13)
            for line in issuer:
                c.drawCentredString(cx, y, line)
                y -= 16
            rule = stringWidth(issuer[-1], BOLD, 13) * 0.45 if issuer else 40
            c.setLineWidth(0.6)
            c.line(cx - rule / 2, y + 11, cx + rule / 2, y + 11)
            rx = left_w + right_w / 2
            c.setFont(BOLD, 12.5)
            c.drawCentredString(rx, top, NATIONAL_TITLE)
            c.setFont(BOLD, 13.5)
            c.drawCentredString(rx, top - 16, NATIONAL_MOTTO)
            motto_w = stringWidth(NATIONAL_MOTTO, BOLD, 13.5)
            c.line(rx - motto_w / 2, top - 20, rx + motto_w / 2, top - 20)
            base = min(y, top - 32) - 14
            c.setFont(REGULAR, 13)
            c.drawCentredString(cx, base, heading.number)
            c.setFont(ITALIC, 13.5)
            c.drawCentredString(rx, base, heading.place_date)

    return HeadingBlock()


def _rule(width: float, fraction: float = 0.3):
    from reportlab.platypus import Flowable

    class Rule(Flowable):
        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return width, 14

        def draw(self) -> None:
            self.canv.setLineWidth(0.6)
            self.canv.line(width * (0.5 - fraction / 2), 10, width * (0.5 + fraction / 2), 10)

    return Rule()


def _dots(width: float):
    """A line of dots across the text width: a place to write by hand."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    count = int(width / stringWidth(".", REGULAR, BODY_SIZE))

    class Dots(Flowable):
        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return width, BODY_SIZE * 1.3 + 6

        def draw(self) -> None:
            self.canv.setFont(REGULAR, BODY_SIZE)
            self.canv.drawString(0, 8, "." * count)

    return Dots()


def _part_marker(doc: Any):
    from reportlab.platypus import Flowable

    class PartStart(Flowable):
        """Zero-height marker: page numbers restart here (an appendix is paginated separately)."""

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            doc.part_start = self.canv.getPageNumber()

    return PartStart()


def _table(block: TableBlock, width: float, styles: dict[str, Any]):
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    size = block.font_size
    aligns = {"l": TA_LEFT, "c": TA_CENTER, "r": TA_RIGHT}
    cell = {a: ParagraphStyle(f"cell-{a}-{size}", fontName=REGULAR, fontSize=size, leading=size * 1.2,
                              alignment=v) for a, v in aligns.items()}
    head = ParagraphStyle(f"head-{size}", fontName=BOLD, fontSize=size, leading=size * 1.2,
                          alignment=TA_CENTER)
    data = [[Paragraph(escape(h), head) for h in block.header]]
    for i, row in enumerate(block.rows):
        bold = i in block.bold_rows
        data.append([Paragraph(f"<b>{escape(v)}</b>" if bold else escape(v), cell[block.align[j]])
                     for j, v in enumerate(row)])
    widths = [width * w for w in block.widths]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="CENTER")
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), REGULAR),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    style += [("BACKGROUND", (0, i + 1), (-1, i + 1), colors.Color(0.96, 0.96,
                                                                   0.96)) for i in block.bold_rows]
    table.setStyle(TableStyle(style))
    return table


def _signature(sig: Signature, width: float, styles: dict[str, Any]):
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    left = [Paragraph("Nơi nhận:", styles["recipients_head"])]
    left += [Paragraph(escape(line), styles["recipients"]) for line in sig.recipients]
    right = [Paragraph(escape(sig.authority), styles["sign"]), Paragraph(escape(sig.position),
                                                                         styles["sign"]),
             Spacer(1, 72), Paragraph(escape(sig.name) or "&nbsp;", styles["sign"])]
    table = Table([[left, right]], colWidths=[width * 0.45, width * 0.55])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _blocks(blocks: Any, width: float, styles: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import KeepTogether, Paragraph, Spacer

    out: list[Any] = []
    for block in blocks:
        if isinstance(block, Para) and block.style == "dots":
            out.append(_dots(width))
        elif isinstance(block, Para):
            out.append(Paragraph(_markup(block), styles.get(block.style, styles["body"])))
        elif isinstance(block, TableBlock):
            out += [_table(block, width, styles), Spacer(1, 8)]
        elif isinstance(block, ChartBlock):
            drawing = to_drawing(block.chart)
            drawing.hAlign = "CENTER"
            out.append(KeepTogether([Spacer(1, 4), drawing, Spacer(1, 4),
                                     Paragraph(escape(block.caption), styles["caption"])]))
    return out


def render_pdf(document: BaoCaoDocument, path: Path | str, *, progress: Progress | None = None) -> Path:
    """Write the báo cáo to `path` (through a temporary name) and return the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        KeepTogether,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    from sipas_desktop.core.exchange import write_atomic

    styles = _styles()
    page_w, page_h = A4
    width = page_w - MARGINS["left"] - MARGINS["right"]
    import io

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=A4, leftMargin=MARGINS["left"], rightMargin=MARGINS["right"],
                          topMargin=MARGINS["top"], bottomMargin=MARGINS["bottom"],
                          title=f"{document.title} {document.subject}",
                          author=document.heading.issuer.replace("\n", " "),
                          subject=document.subject, creator="SIPAS Desktop",
                          initialFontName=REGULAR, initialFontSize=BODY_SIZE)
    doc.part_start = 1

    def page_number(canvas: Any, _doc: Any) -> None:
        number = canvas.getPageNumber() - doc.part_start + 1
        if number > 1:                      # NĐ 30: no number on the first page
            canvas.setFont(REGULAR, 13)
            canvas.drawCentredString(MARGINS["left"] + width / 2, page_h - MARGINS["top"] / 2 - 4,
                                     str(number))

    frame = Frame(MARGINS["left"], MARGINS["bottom"], width, page_h - MARGINS["top"] - MARGINS["bottom"],
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPageEnd=page_number)])
    report(progress, 1, 3, "Dàn trang báo cáo")
    story: list[Any] = [_heading_flowable(document.heading, width), Spacer(1, 14),
                        Paragraph(escape(document.title), styles["title"]),
                        Paragraph(escape(document.subject), styles["title"]), _rule(width), Spacer(1, 8)]
    story += _blocks(document.body, width, styles)
    story.append(Spacer(1, 6))
    story.append(KeepTogether([_signature(document.signature, width, styles)]))
    for part in document.appendices:
        story += [PageBreak(), _part_marker(doc), Paragraph(escape(part.label), styles["title"]),
                  Paragraph(escape(part.title), styles["title"]), Paragraph(escape(part.note),
                                                                            styles["note"])]
        story += _blocks(part.blocks, width, styles)
    report(progress, 2, 3, "Ghi tệp PDF")
    doc.build(story)
    write_atomic(Path(path), buffer.getvalue())
    report(progress, 3, 3, "Xong")
    return Path(path)
