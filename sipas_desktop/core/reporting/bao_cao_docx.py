"""The báo cáo as DOCX (python-docx), for staff to edit before signing; NĐ 30/2020 layout.

Same content and order as the PDF (`bao_cao_content`). Times New Roman everywhere (also for the
East-Asian and complex-script slots, or Word falls back to another font for some letters);
A4 with margins 20/20/30/15 mm; page numbers as a PAGE field at the top centre, none on the
first page; each appendix is its own section whose page numbers restart at 1. Charts are PNGs
painted by `bao_cao_charts.to_png`. The short rules under the issuing body and the subject are
paragraph borders narrowed by indents (they stay in place when the text is edited).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.reporting.bao_cao_charts import to_png
from sipas_desktop.core.reporting.bao_cao_content import (
    BaoCaoDocument,
    ChartBlock,
    Para,
    Part,
    Signature,
    TableBlock,
)
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE, Heading

FONT = "Times New Roman"
BODY_PT = 14
TEXT_WIDTH_MM = 210 - 30 - 15


# Elements that must follow the one we add, in the order of the OOXML schema: Word refuses
# ("unreadable content") a pPr, tblPr, tcPr or sectPr whose children are out of order.
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
              "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                    "w:tblPrChange")
AFTER_TC_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
                   "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")


def _set_font(run_or_style: Any, size: float | None = None, bold: bool | None = None,
              italic: bool | None = None, underline: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    if not hasattr(run_or_style, "text"):      # a style: runs inherit the face from it
        font.name = FONT
        r_pr = run_or_style.element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = r_pr.makeelement(qn("w:rFonts"), {})
            r_pr.insert(0, fonts)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if underline is not None:
        font.underline = underline


def _para(container: Any, text: str = "", *, size: float = BODY_PT, bold: bool = False, italic: bool = False,
          align: str = "justify", indent: bool = False, after: float = 6, before: float = 0,
          underline: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "centre": WD_ALIGN_PARAGRAPH.CENTER,
                     "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(before)
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        _set_font(p.add_run(text), size, bold, italic, underline)
    return p


def _border(paragraph: Any, side: str = "bottom") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        edge.set(qn(key), value)
    borders.append(edge)
    p_pr.insert_element_before(borders, *AFTER_PBDR)


def _rule(container: Any, width_mm: float, fraction: float) -> None:
    """A short centred rule: an empty paragraph with a bottom border, narrowed by indents."""
    from docx.shared import Mm, Pt

    p = _para(container, size=2, align="centre", after=0)
    side = width_mm * (1 - fraction) / 2
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing = Pt(2)
    _border(p)


def _no_borders(table: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tbl_pr.insert_element_before(borders, *AFTER_TBLBORDERS)


def _cell_paragraph(cell: Any) -> Any:
    """The cell's first (empty) paragraph, so cells do not start with a blank line."""
    return cell.paragraphs[0]


def _grid(table: Any, widths: list[Any]) -> None:
    """Column widths in the table grid too: LibreOffice lays a table out by <w:tblGrid>, which
    python-docx leaves at equal widths when only the cells' widths are set."""
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def _heading(doc: Any, heading: Heading) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    left_mm, right_mm = TEXT_WIDTH_MM * 0.4, TEXT_WIDTH_MM * 0.6
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    table.autofit = False
    _grid(table, [Mm(left_mm), Mm(right_mm)])
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(left_mm), Mm(right_mm)
    left, right = table.cell(0, 0), table.cell(0, 1)
    first = True
    for line in [x for x in heading.superior.split("\n") if x]:
        p = _cell_paragraph(left) if first else left.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _set_font(p.add_run(line), 13)
    for line in [x for x in heading.issuer.split("\n") if x]:
        p = _cell_paragraph(left) if first else left.add_paragraph()
        first = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        _set_font(p.add_run(line), 13, bold=True)
    _rule(left, left_mm, 0.35)
    p = _cell_paragraph(right)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _set_font(p.add_run(NATIONAL_TITLE), 12.5, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _set_font(p.add_run(NATIONAL_MOTTO), 13.5, bold=True, underline=True)
    p = _cell_paragraph(table.cell(1, 0))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _set_font(p.add_run(heading.number), 13)
    p = _cell_paragraph(table.cell(1, 1))
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    _set_font(p.add_run(heading.place_date), 13.5, italic=True)


def _page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    _set_font(run, 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "1":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _setup_section(section: Any, restart: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(8)
    section.different_first_page_header_footer = True
    if restart:
        for old in section._sectPr.findall(qn("w:pgNumType")):   # cloned from the section before
            section._sectPr.remove(old)
        num = OxmlElement("w:pgNumType")
        num.set(qn("w:start"), "1")
        section._sectPr.insert_element_before(num, *AFTER_PGNUMTYPE)
        return
    header = section.header
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(p)


def _table(doc: Any, block: TableBlock) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    aligns = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * w) for w in block.widths]
    _grid(table, widths)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    # row.cells once per row: table.cell(r, c) rebuilds the whole grid each call (quadratic).
    for r, (row, values) in enumerate(zip(table.rows, (block.header, *block.rows), strict=True)):
        bold = r == 0 or (r - 1) in block.bold_rows
        cells = row.cells
        for c, value in enumerate(values):
            cell = cells[c]
            cell.width = widths[c]
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else aligns[block.align[c]]
            p.paragraph_format.space_after = Pt(0)
            _set_font(p.add_run(value), block.font_size, bold=bold)
            if r == 0:
                shade = OxmlElement("w:shd")
                for key, val in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "E6E6E6")):
                    shade.set(qn(key), val)
                cell._tc.get_or_add_tcPr().insert_element_before(shade, *AFTER_TC_SHD)
    _para(doc, size=6, after=0)


def _dots(doc: Any) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Mm

    p = _para(doc, align="left")
    p.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    _set_font(p.add_run("\t"), BODY_PT)


def _blocks(doc: Any, blocks: Any) -> None:
    from docx.shared import Mm

    for block in blocks:
        if isinstance(block, Para):
            if block.style == "dots":
                _dots(doc)
                continue
            heading = block.style in ("section", "subsection")
            p = _para(doc, align="left" if block.style == "plain" else "justify",
                      indent=block.style not in ("plain",), before=6 if block.style in ("section",
                                                                                        "plain") else 0)
            for run in block.runs:
                _set_font(p.add_run(run.text), BODY_PT, bold=run.bold or heading, italic=run.italic)
        elif isinstance(block, TableBlock):
            _table(doc, block)
        elif isinstance(block, ChartBlock):
            p = _para(doc, align="centre", after=2)
            p.add_run().add_picture(io.BytesIO(to_png(block.chart)),
                                    width=Mm(min(block.chart.width * 25.4 / 72,
                                                                                 TEXT_WIDTH_MM)))
            _para(doc, block.caption, size=12, italic=True, align="centre", after=10)


def _signature(doc: Any, sig: Signature) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.autofit = False
    left, right = table.cell(0, 0), table.cell(0, 1)
    left.width, right.width = Mm(TEXT_WIDTH_MM * 0.45), Mm(TEXT_WIDTH_MM * 0.55)
    _grid(table, [left.width, right.width])
    p = left.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    _set_font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in sig.recipients:
        q = left.add_paragraph()
        q.paragraph_format.space_after = Pt(0)
        _set_font(q.add_run(line), 11)
    lines = [(sig.authority, True), (sig.position, True), ("", False), ("", False), ("", False),
             (sig.name, True)]
    for i, (text, bold) in enumerate(lines):
        q = right.paragraphs[0] if i == 0 else right.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        q.paragraph_format.space_after = Pt(0)
        if text:
            _set_font(q.add_run(text), 14, bold=bold)


def _part(doc: Any, part: Part) -> None:
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _setup_section(section, restart=True)
    _para(doc, part.label, bold=True, align="centre", after=0)
    _para(doc, part.title, bold=True, align="centre", after=0)
    _para(doc, part.note, italic=True, align="centre", after=12)
    _blocks(doc, part.blocks)


def build_docx(document: BaoCaoDocument) -> bytes:
    from docx import Document

    doc = Document()
    _set_font(doc.styles["Normal"], BODY_PT)
    _setup_section(doc.sections[0], restart=False)
    props = doc.core_properties
    props.title = f"{document.title} – {document.subject}"
    props.author = props.last_modified_by = "SIPAS Desktop"
    props.subject = document.subject
    _heading(doc, document.heading)
    _para(doc, size=6, after=0)
    _para(doc, document.title, bold=True, align="centre", after=0, before=6)
    _para(doc, document.subject, bold=True, align="centre", after=0)
    _rule(doc, TEXT_WIDTH_MM, 0.3)
    _para(doc, size=6, after=0)
    _blocks(doc, document.body)
    _signature(doc, document.signature)
    for part in document.appendices:
        _part(doc, part)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_docx(document: BaoCaoDocument, path: Path | str, *, progress: Progress | None = None) -> Path:
    """Write the báo cáo as .docx (through a temporary name)."""
    from sipas_desktop.core.exchange import write_atomic

    report(progress, 1, 2, "Dàn trang báo cáo (DOCX)")
    data = build_docx(document)
    write_atomic(Path(path), data)
    report(progress, 2, 2, "Xong")
    return Path(path)
