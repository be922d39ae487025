"""Printed questionnaires: real PDFs read back with pdftotext / pdffonts / pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from sipas_desktop.core.entry.numbers import format_number, qr_payload
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.reporting.forms_pdf import (
    CONFIDENTIALITY,
    FOOTER_QR,
    MARGIN_R,
    PAGE_H,
    PAGE_W,
    CoverRow,
    PrintJob,
    render_cover_list,
    render_forms,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")

PLAN = "KH-2024-0A1B2C3D4E"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPAS_HOME", str(tmp_path / "home"))


def job(form_id: str, numbers) -> PrintJob:
    return PrintJob(load_form(form_id), PLAN, "Kế hoạch tự khảo sát sự hài lòng năm 2024", "18550",
                    "Xã Nghi Xuân", "Tỉnh Hà Tĩnh", tuple(numbers))


def pdftotext(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(args + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_three_consecutive_forms_carry_their_numbers_on_every_page_and_read_in_vietnamese(tmp_path):
    out = tmp_path / "phieu.pdf"
    result = render_forms(job("sipas-2017", [41, 42, 43]), out)
    assert result.forms == 3 and result.pages == 3 * result.pages_per_form
    assert not (tmp_path / "phieu.pdf.tmp").exists()
    text = pdftotext(out)
    assert text.count("\f") == result.pages
    for number in (41, 42, 43):
        assert text.count(f"Phiếu số: {format_number(number)}") == result.pages_per_form + 1
    for page in range(1, result.pages + 1):
        page_text = pdftotext(out, page, page)
        assert "Phiếu số: 0000" in page_text
        assert f"Trang {(page - 1) % result.pages_per_form + 1}/" in page_text
    first = pdftotext(out, 1, result.pages_per_form)
    for expected in (CONFIDENTIALITY, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN XÃ NGHI XUÂN", "Kế hoạch tự khảo sát sự hài lòng năm 2024",
                     "Công chức có thái độ giao tiếp lịch sự", "Hài lòng", "Trung học phổ thông",
                     "Kế hoạch " + PLAN,
                     "Nơi ngồi chờ có đủ chỗ ngồi", "Xin trân trọng cảm ơn"):
        assert expected in " ".join(first.split()), expected


def test_every_answer_box_is_numbered_in_keying_order(tmp_path):
    out = tmp_path / "phieu.pdf"
    form = load_form("sipas-2017")
    render_forms(job("sipas-2017", [1]), out)
    words = pdftotext(out).split()
    positions = []
    for q in form.questions:   # each box number appears, in order, before its question text
        start = positions[-1] + 1 if positions else 0
        positions.append(words.index(str(q.box), start))
    assert positions == sorted(positions) and len(positions) == len(form.questions) == 34


def test_the_font_is_embedded(tmp_path):
    out = tmp_path / "phieu.pdf"
    render_forms(job("xa-rut-gon-2024", [7]), out)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("LiberationSerif" in r for r in rows)
    assert all(" yes " in r for r in rows)        # the "emb" column


def _qr_modules(png: Path, n: int, dpi: int) -> list[list[bool]]:
    image = Image.open(png).convert("L")
    scale = dpi / 72
    left = (PAGE_W - MARGIN_R - FOOTER_QR) * scale
    top = (PAGE_H - (4.5 * 72 / 25.4 + FOOTER_QR)) * scale
    module = FOOTER_QR * scale / n
    return [[image.getpixel((int(left + (c + 0.5) * module), int(top + (r + 0.5) * module))) < 128
             for c in range(n)] for r in range(n)]


def test_the_qr_code_on_each_page_holds_plan_unit_and_number(tmp_path):
    import qrcode

    out = tmp_path / "phieu.pdf"
    result = render_forms(job("xa-rut-gon-2024", [5, 6]), out)
    for page, number in ((1, 5), (result.pages_per_form + 1, 6)):
        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        qr.add_data(qr_payload(PLAN, "18550", number))
        qr.make(fit=True)
        expected = [[bool(v) for v in row] for row in qr.get_matrix()]
        subprocess.run(["pdftoppm", "-r", "300", "-f", str(page), "-l", str(page), "-png", "-singlefile",
                        str(out), str(tmp_path / "page")], check=True)
        assert _qr_modules(tmp_path / "page.png", len(expected), 300) == expected
    assert qr_payload(PLAN, "18550", 6) == f"SIPAS;{PLAN};18550;000006-{format_number(6)[-1]}"


def test_the_2023_form_prints_all_33_statements_and_10_expectations(tmp_path):
    out = tmp_path / "phieu.pdf"
    render_forms(job("sipas-2023", [1]), out)
    text = " ".join(pdftotext(out).split())
    for label in [f"9.{i}" for i in range(1, 34)] + [f"10.{i}" for i in range(1, 11)]:
        assert f" {label} " in text, label
    assert "Bỏ qua câu này nếu ở câu 7 Ông/Bà chọn ô 2" in text or "Bỏ qua nếu ở câu 7" in text


def test_the_cover_list_is_a_separate_file_with_numbers_and_names(tmp_path):
    rows = [CoverRow(1, "Nguyễn Thị Hồng", "Thôn Xuân Hải", "0912345678", "000.17.22.H56-210531-0001"),
            CoverRow(2, "Trần Văn Đức", "Thôn Xuân Yên", "", "000.17.22.H56-210531-0002")]
    out = render_cover_list(job("sipas-2017", [1, 2]), rows, tmp_path / "giao-phieu.pdf")
    text = " ".join(pdftotext(out).split())
    assert "DANH SÁCH GIAO PHIẾU KHẢO SÁT" in text
    assert "000001-" in text and "Nguyễn Thị Hồng" in text and "Trần Văn Đức" in text
    assert "không gửi kèm phiếu" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" not in fonts


def test_a_failed_print_leaves_no_file_and_says_why_in_vietnamese(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    blocker = folder / "la-tep"
    blocker.write_text("một tệp, không phải thư mục")
    out = blocker / "phieu.pdf"
    with pytest.raises(UserError) as err:
        render_forms(job("xa-rut-gon-2024", [1]), out)
    assert err.value.code == "PRINT_017" and "la-tep" in err.value.message
    assert sorted(p.name for p in folder.iterdir()) == ["la-tep"]


def test_a_print_that_fails_half_way_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    from sipas_desktop.core import files

    folder = tmp_path / "in"
    folder.mkdir()
    out = folder / "phieu.pdf"
    out.write_bytes(b"old")

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(UserError) as err:
        render_forms(job("xa-rut-gon-2024", [1, 2]), out)
    assert "ổ đĩa đã đầy" in err.value.message
    assert out.read_bytes() == b"old" and [p.name for p in folder.iterdir()] == ["phieu.pdf"]
