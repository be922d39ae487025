"""The báo cáo: NĐ 30/2020 layout checked in the real PDF (pdftotext, pdffonts, pdfinfo) and DOCX."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from sipas_desktop.core import files
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.reporting.bao_cao_charts import Bar, BarChart, layout, to_png
from sipas_desktop.core.reporting.bao_cao_content import (
    BaoCaoData,
    BaoCaoTexts,
    ChartBlock,
    Part,
    build_document,
)
from sipas_desktop.core.reporting.bao_cao_docx import render_docx
from sipas_desktop.core.reporting.bao_cao_pdf import render_pdf
from sipas_desktop.core.scoring import round2, score
from sipas_desktop.core.text import format_number
from tests.core.results_data import make_content

MM = 72 / 25.4
TEXTS = BaoCaoTexts(number="125", report_date=date(2020, 9, 5), signer_name="Nguyễn Văn Bình",
                    strengths="Bộ phận Một cửa được bố trí khang trang.",
                    causes="Một số công chức mới được điều động, chưa quen việc.",
                    recipients="Sở Nội vụ tỉnh Hà Tĩnh;\nThường trực Đảng ủy xã;")


@pytest.fixture(scope="module")
def data() -> BaoCaoData:
    content = make_content(forms=80)
    form = load_form(content.form_id)
    return BaoCaoData(content, form, score(form, content.responses), TEXTS, "",
                      "Ủy ban nhân dân huyện Nghi Xuân")


@pytest.fixture(scope="module")
def document(data):
    return build_document(data)


@pytest.fixture(scope="module")
def pdf(document, tmp_path_factory) -> Path:
    return render_pdf(document, tmp_path_factory.mktemp("bc") / "bao-cao.pdf")


@pytest.fixture(scope="module")
def docx_path(document, tmp_path_factory) -> Path:
    return render_docx(document, tmp_path_factory.mktemp("bc") / "bao-cao.docx")


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def pages_text(pdf: Path) -> list[str]:
    return run("pdftotext", "-layout", str(pdf), "-").split("\f")


def test_every_font_in_the_pdf_is_embedded_and_none_is_a_base14_font(pdf):
    lines = run("pdffonts", str(pdf)).splitlines()[2:]
    assert lines
    for line in lines:
        assert "LiberationSerif" in line and " yes " in line, line


def test_pdf_pages_are_a4(pdf):
    info = run("pdfinfo", str(pdf))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info


def test_heading_number_place_date_title_and_subject_follow_nd_30(pdf):
    first = pages_text(pdf)[0]
    for text in ("ỦY BAN NHÂN DÂN", "XÃ NGHI XUÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 125/BC-UBND", "Nghi Xuân, ngày 05 tháng 9 năm 2020",
                 "BÁO CÁO", "Kết quả tự khảo sát sự hài lòng của người dân, tổ chức"):
        assert text in first, text


def test_body_has_the_outline_of_a_self_survey_report(pdf):
    text = "\n".join(pages_text(pdf))
    for heading in ("I. MỤC ĐÍCH, YÊU CẦU", "II. TỔ CHỨC THỰC HIỆN", "III. KẾT QUẢ KHẢO SÁT",
                    "IV. ĐÁNH GIÁ CHUNG", "V. GIẢI PHÁP, KIẾN NGHỊ", "1. Ưu điểm", "2. Hạn chế",
                    "3. Nguyên nhân", "Căn cứ Quyết định số 2640/QĐ-BNV", "N = 280", "n = 25",
                    "14,8667", "Biểu đồ 2. Chỉ số hài lòng theo yếu tố"):
        assert heading in text, heading
    assert "Bộ phận Một cửa được bố trí khang trang." in text
    assert "Một số công chức mới được điều động" in text


def test_figures_are_printed_with_a_decimal_comma_and_two_decimals(pdf, data):
    text = " ".join(" ".join(pages_text(pdf)).split())
    overall = format_number(round2(data.scores.overall), 2)
    assert f"đạt {overall} %" in text
    assert not re.search(r"\d+\.\d{2} %", text)


def test_the_lowest_criteria_are_called_out_under_weaknesses(pdf, data):
    text = " ".join(" ".join(pages_text(pdf)).split())
    part = text.split("2. Hạn chế", 1)[1].split("3. Nguyên nhân", 1)[0]
    for c in data.scores.lowest_criteria(3):
        assert c.title in part


def test_signature_block_and_recipients_end_the_report(pdf):
    pages = pages_text(pdf)
    main = next(p for p in pages if "Nơi nhận:" in p)
    for text in ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Bình", "- Sở Nội vụ tỉnh Hà Tĩnh;",
                 "- Lưu: VT, VP."):
        assert text in main, text
    assert main.index("Nơi nhận:") < main.index("- Lưu: VT, VP.")


def test_appendices_start_new_pages_with_their_own_page_numbers(pdf, document):
    pages = pages_text(pdf)
    first_lines = [next((ln.strip() for ln in p.splitlines() if ln.strip()), "") for p in pages if p.strip()]
    assert first_lines[0].startswith("ỦY BAN NHÂN DÂN")          # no number on page 1
    assert first_lines[1] == "2"                                   # then numbered at the top
    starts = [i for i, p in enumerate(pages) if re.search(r"^\s*Phụ lục I\s*$", p, re.M)]
    assert starts, "Phụ lục I starts a page"
    assert first_lines[starts[0]] == "Phụ lục I"                   # its first page has no number
    if len(pages) > starts[0] + 1 and "Phụ lục II" not in pages[starts[0] + 1].splitlines()[0]:
        assert first_lines[starts[0] + 1] == "2"
    labels = [p.label for p in document.appendices]
    assert labels[:3] == ["Phụ lục I", "Phụ lục II", "Phụ lục III"]
    text = "\n".join(pages)
    assert "(Kèm theo Báo cáo số 125/BC-UBND ngày 05 tháng 9 năm 2020" in " ".join(text.split())


def test_text_stays_inside_the_nd_30_margins(pdf):
    out = run("pdftotext", "-bbox", "-f", "1", "-l", "3", str(pdf), "-")
    xs = [(float(a), float(b)) for a, b in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', out)]
    assert min(x for x, _ in xs) >= 30 * MM - 1
    assert max(x for _, x in xs) <= 595.28 - 15 * MM + 1


def test_every_vietnamese_letter_of_the_document_survives_in_the_pdf_text(pdf, document):
    text = "\n".join(pages_text(pdf))
    letters = {ch for ch in document.all_text() if ord(ch) > 127 and ch.isalpha()}
    assert {"ư", "ơ", "ạ", "ế", "ữ", "Đ"} <= letters
    assert sorted(ch for ch in letters if ch not in text) == []


def test_docx_reads_back_with_the_same_heading_body_and_nd_30_page(docx_path, document):
    import docx

    d = docx.Document(str(docx_path))
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (30, 15)
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert d.styles["Normal"].font.name == "Times New Roman"
    heading = d.tables[0]
    cells = " | ".join(c.text for row in heading.rows for c in row.cells)
    for text in ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 125/BC-UBND",
                 "Nghi Xuân, ngày 05 tháng 9 năm 2020"):
        assert text in cells
    place = next(p for row in heading.rows for c in row.cells for p in c.paragraphs if "ngày 05" in p.text)
    assert all(r.italic for r in place.runs)
    body = [p for p in d.paragraphs if p.text.startswith("Căn cứ")]
    assert body and body[0].paragraph_format.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert body[0].alignment == 3                                           # justified
    texts = [p.text for p in d.paragraphs]
    assert "IV. ĐÁNH GIÁ CHUNG" in texts and "BÁO CÁO" in texts
    assert len(d.inline_shapes) == sum(isinstance(b, ChartBlock) for b in document.body)
    sig = " ".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "Nơi nhận:" in sig and "TM. ỦY BAN NHÂN DÂN" in sig and "- Lưu: VT, VP." in sig
    for run_ in (r for p in d.paragraphs for r in p.runs if r.text.strip()):
        assert run_.font.name in (None, "Times New Roman")


def test_docx_appendices_are_sections_whose_page_numbers_restart(docx_path, document):
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(docx_path))
    assert len(d.sections) == 1 + len(document.appendices)
    for section in d.sections[1:]:
        num = section._sectPr.find(qn("w:pgNumType"))
        assert num is not None and num.get(qn("w:start")) == "1"
        assert section.different_first_page_header_footer
    header_xml = d.sections[0].header._element.xml
    assert "PAGE" in header_xml
    labels = [p.text for p in d.paragraphs if p.text.startswith("Phụ lục")]
    assert labels == [p.label for p in document.appendices]


def test_empty_free_texts_print_as_dotted_lines_to_fill_by_hand(data, tmp_path):
    doc = build_document(BaoCaoData(data.content, data.form, data.scores, BaoCaoTexts()))
    pdf = render_pdf(doc, tmp_path / "trong.pdf")
    text = "\n".join(pages_text(pdf))
    part = text.split("3. Nguyên nhân", 1)[1]
    assert "......" in part.split("V. GIẢI PHÁP", 1)[0]
    assert "Số:" in text and "/BC-UBND" in text


def test_the_2023_form_report_shows_its_blocks(tmp_path):
    content = make_content("sipas-2023", forms=30)
    form = load_form(content.form_id)
    scores = score(form, content.responses)
    doc = build_document(BaoCaoData(content, form, scores, TEXTS))
    text = doc.all_text()
    for b in scores.blocks:
        assert f"Chỉ số khối {b.title.split('Khối ', 1)[1]}: " in text
    assert isinstance(doc.appendices[0], Part)
    pdf = render_pdf(doc, tmp_path / "bc2023.pdf")
    assert "Phụ lục III" in "\n".join(pages_text(pdf))


def test_charts_are_drawn_to_png_with_the_same_layout(tmp_path):
    chart = BarChart("Chỉ số hài lòng theo yếu tố (%)",
                     (Bar("Tiếp cận dịch vụ", 83.0), Bar("Công chức", 61.5, highlight=True), Bar("Không có",
                                                                                                 None)))
    png = to_png(chart, dpi=144)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png))
    lay = layout(chart)
    assert image.size == (round(lay.width * 2), round(lay.height * 2))
    assert image.getpixel((image.width // 2, 2)) == (255, 255, 255)
    texts = [i.text for i in lay.items if hasattr(i, "text")]
    assert "83,00 %" in texts and "—" in texts


def test_report_writers_never_leave_half_a_file(document, tmp_path, monkeypatch):
    from sipas_desktop.core.errors import UserError

    target = tmp_path / "bc.pdf"
    target.write_bytes(b"old")
    def refuse(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(UserError):
        render_pdf(document, target)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["bc.pdf"]


# The OOXML schema orders the children of these property elements; Word reports "unreadable
# content" and repairs a file where they are out of order (python-docx does not check).
SCHEMA_ORDER = {
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
            "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
            "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
            "sectPr", "pPrChange"],
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
              "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
              "tblLook", "tblCaption", "tblDescription", "tblPrChange"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"],
    "sectPr": ["headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
               "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
               "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
}


def test_docx_property_elements_keep_the_schema_order_word_insists_on(docx_path):
    import xml.etree.ElementTree as ET
    import zipfile

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = ET.fromstring(zipfile.ZipFile(docx_path).read("word/document.xml"))
    checked = 0
    for name, order in SCHEMA_ORDER.items():
        rank = {tag: i for i, tag in enumerate(order)}
        for element in root.iter(w + name):
            tags = [child.tag.removeprefix(w) for child in element]
            positions = [rank[t] for t in tags if t in rank]
            assert positions == sorted(positions), (name, tags)
            single = [t for t in tags if t not in ("headerReference", "footerReference")]
            assert len(single) == len(set(single)), (name, tags)
            checked += 1
    assert checked > 50


def test_a_numbered_ward_keeps_its_kind_in_the_place_line(data):
    from dataclasses import replace

    from sipas_desktop.core.reporting.bao_cao_content import heading_of

    ward = replace(data, content=replace(data.content, unit_name="Phường 1"))
    assert heading_of(ward).place_date == "Phường 1, ngày 05 tháng 9 năm 2020"
    assert heading_of(data).place_date == "Nghi Xuân, ngày 05 tháng 9 năm 2020"


def test_docx_tables_carry_their_column_widths_in_the_grid_that_libreoffice_lays_out_by(docx_path):
    """Cell widths alone leave <w:tblGrid> at equal columns: LibreOffice then wraps every word."""
    import docx

    for table in docx.Document(str(docx_path)).tables:
        grid = [int(col.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
                for col in table._tbl.tblGrid.findall(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol")]
        cells = [cell.width for cell in table.rows[0].cells]
        # a grid column is in twips, a cell width in EMU: 1 twip = 635 EMU
        assert all(abs(c - g * 635) < 2 * 635 for c, g in zip(cells, grid, strict=True)), (grid, cells)
