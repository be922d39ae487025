"""The merge outputs read back: summary workbook (openpyxl), báo cáo PDF (pdftotext, pdffonts), DOCX."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from sipas_desktop.core import merge, units
from sipas_desktop.core.merge import MergeOptions, PlanFacts, PlanQuota
from sipas_desktop.core.reporting import merge_summary
from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts
from sipas_desktop.core.services import merge as merge_service
from sipas_desktop.core.text import format_number
from tests.core import merge_data as md

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
def result(app, tmp_path) -> merge.MergeResult:
    files = [md.write(tmp_path / "in", f"{code}.xlsx", md.content((code, name), seed=i, forms=10 + i))
             for i, (code, name) in enumerate(md.COMMUNES[:3])]
    md.alter_answer(files[0], tmp_path / "in" / "sua-tay.xlsx")
    plan = PlanFacts(md.PLAN_ID, "Kế hoạch tự khảo sát năm 2025", md.FORM_ID, "",
                     tuple(PlanQuota(c, n, 11) for c, n in md.COMMUNES))
    options = MergeOptions(office_code="42", office_name="Tỉnh Hà Tĩnh",
                           area=frozenset(units.descendants("42")), plans=(plan,))
    return merge.merge_files([tmp_path / "in"], options)


def _p(value: float | None) -> str:
    return format_number(round(value, 2), 2)


def test_the_summary_workbook_holds_both_overall_figures_ranking_files_and_gaps(result, tmp_path):
    path = merge_service.export_summary(result, tmp_path / "tong-hop.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp", "Xếp hạng", "Tiêu chí", "Tệp đã nhận", "Chưa gửi, thiếu phiếu"]
    overview = [[c for c in row if c is not None] for row in wb["Tổng hợp"].iter_rows(values_only=True)]
    main_row = next(r for r in overview if r and r[0] == result.pooled.indices[0].title)
    assert main_row[1:3] == [round(result.overall_pooled, 2), round(result.overall_mean, 2)]
    flat = " ".join(str(c) for row in overview for c in row)
    assert "mỗi người trả lời có trọng số như nhau" in flat and "mỗi xã, phường, đặc khu" in flat
    ranking = list(wb["Xếp hạng"].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in ranking[:3]] == [1, 2, 3]
    assert ranking[0][4] >= ranking[1][4] >= ranking[2][4]
    files = {r[1]: r for r in wb["Tệp đã nhận"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert files["sua-tay.xlsx"][2] == "Bị từ chối" and "đã bị sửa" in files["sua-tay.xlsx"][7]
    gaps = [r for r in wb["Chưa gửi, thiếu phiếu"].iter_rows(values_only=True) if r and r[1]]
    codes = {r[1] for r in gaps}
    assert {"18118", "18652"} <= codes                          # not sent
    assert "18073" in codes                                     # 10 forms for a quota of 11


@needs_poppler
def test_the_bao_cao_pdf_reads_like_an_official_report_with_embedded_vietnamese_fonts(result, tmp_path):
    texts = BaoCaoTexts(number="15", report_date=date(2025, 10, 5), signer_name="Nguyễn Văn Hùng")
    path = merge_service.export_bao_cao(result, tmp_path / "bao-cao.pdf", texts=texts)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ NỘI VỤ",
                     "Số: 15/BC-SNV", "Hà Tĩnh, ngày 05 tháng 10 năm 2025", "BÁO CÁO",
                     "Tổng hợp kết quả tự khảo sát", "GIÁM ĐỐC", "Nguyễn Văn Hùng", "Nơi nhận:",
                     "Phụ lục I", "Phụ lục II", "Phụ lục III", "Phường Thành Sen", "sua-tay.xlsx",
                     f"{_p(result.overall_pooled)} %", f"{_p(result.overall_mean)} %"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "SipasSerif" in fonts or "Liberation" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())


def test_the_bao_cao_docx_carries_the_same_figures_for_staff_to_edit(result, tmp_path):
    import docx

    path = merge_service.export_bao_cao(result, tmp_path / "bao-cao.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "Tổng hợp kết quả tự khảo sát" in text
    assert f"{_p(result.overall_pooled)} %" in text and "Phường Trần Phú" in text


def test_a_bao_cao_for_another_extension_is_refused_clearly(result, tmp_path):
    from sipas_desktop.core.errors import UserError

    with pytest.raises(UserError, match=r"\.pdf hoặc \.docx"):
        merge_service.export_bao_cao(result, tmp_path / "bao-cao.txt")


def test_the_document_names_the_lowest_criteria_and_units_and_both_rules(result):
    document = merge_summary.build_document(result)
    text = document.all_text()
    lowest = result.pooled.lowest_criteria(1)[0]
    assert lowest.title in text
    assert "trung bình chỉ số của" in text and "tính gộp" in text
