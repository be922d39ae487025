"""Exporting the official log (Mẫu 06) to .xlsx, read back with openpyxl and, when present, LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import openpyxl
import pytest

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE
from sipas_desktop.core.services import log_io
from sipas_desktop.core.tthc_log.exporter import get_form, load_forms
from sipas_desktop.core.tthc_log.records import LogFilter
from tests.core.log_data import dossier, write_mau06


@pytest.fixture
def filled_log(app, commune, tmp_path):
    data = [dossier(n, received=f"{n:02d}/03/2024", due=f"{n + 1:02d}/03/2024",
                    returned=f"{n + 1:02d}/03/2024") for n in range(1, 21)]
    data.append(dossier(21, name="Công ty TNHH Hồng Phát", received="02/04/2024", due="05/04/2024",
                        returned=None, phone=""))
    log_io.import_log(write_mau06(tmp_path / "nhap.xlsx", data))
    return tmp_path


def _sheet(path):
    wb = openpyxl.load_workbook(path)
    return wb, wb.active


def test_the_export_has_the_official_heading_title_and_two_row_header(filled_log):
    path = log_io.export_log(filled_log / "so.xlsx")
    wb, ws = _sheet(path)
    assert ws["A1"].value == "UBND TỈNH HÀ TĨNH" and not ws["A1"].font.b
    assert ws["A2"].value == "ỦY BAN NHÂN DÂN XÃ NGHI XUÂN" and ws["A2"].font.b
    right = [c.value for c in ws[1] if c.value == NATIONAL_TITLE] + [c.value for c in ws[2] if c.value]
    assert NATIONAL_TITLE in right and NATIONAL_MOTTO in right
    assert ws["A4"].value == "SỔ THEO DÕI HỒ SƠ"
    assert ws["A5"].value == "(Từ ngày 01/03/2024 đến ngày 02/04/2024)"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"H7:L7", "A7:A8", "B7:B8", "M7:M8", "A4:M4"} <= merged
    assert ws["H7"].value == "Ngày, tháng, năm"
    assert [ws.cell(8, c).value for c in range(8, 13)] == [
        "Nhận hồ sơ", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả cho cá nhân, tổ chức"]
    assert [ws.cell(9, c).value for c in (1, 13)] == ["(1)", "(13)"]
    assert ws["H7"].border.left.style == "thin" and ws["H7"].alignment.wrap_text


def test_the_export_prints_on_a4_landscape_fitted_to_width_with_header_rows_repeated(filled_log):
    _, ws = _sheet(log_io.export_log(filled_log / "so.xlsx"))
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$7:$9"
    assert "&P" in ws.oddFooter.center.text


def test_the_exported_rows_carry_every_dossier_with_real_dates_and_address_with_phone(filled_log):
    _, ws = _sheet(log_io.export_log(filled_log / "so.xlsx"))
    rows = [r for r in ws.iter_rows(min_row=10, values_only=True) if isinstance(r[0], int)]
    assert len(rows) == 21 and [r[0] for r in rows] == list(range(1, 22))
    first = rows[0]
    assert first[1] == "000.42.52.H42-240305-0001"
    assert first[5] == "Thôn Xuân Hòa, xã Nghi Xuân, tỉnh Hà Tĩnh - ĐT: 0912345678"
    assert first[7] == datetime(2024, 3, 1) and ws.cell(10, 8).number_format == "dd/mm/yyyy"
    last = rows[-1]
    assert last[4] == "Công ty TNHH Hồng Phát" and last[11] is None
    assert last[5] == "Thôn Xuân Hòa, xã Nghi Xuân, tỉnh Hà Tĩnh"
    texts = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "NGƯỜI GHI SỔ" in texts and any(t.startswith("Nghi Xuân, ngày ") for t in texts)


def test_a_date_filter_exports_only_the_dossiers_received_in_the_window(filled_log):
    flt = LogFilter(date_from=date(2024, 3, 5), date_to=date(2024, 3, 9))
    _, ws = _sheet(log_io.export_log(filled_log / "thang3.xlsx", flt))
    rows = [r for r in ws.iter_rows(min_row=10, values_only=True) if isinstance(r[0], int)]
    assert [r[7].day for r in rows] == [5, 6, 7, 8, 9]
    assert ws["A5"].value == "(Từ ngày 05/03/2024 đến ngày 09/03/2024)"


def test_the_wider_form_from_the_layout_file_is_exported_too(filled_log):
    default, forms = load_forms()
    assert default == "mau06_2018" and "mau06_2018_mo_rong" in forms
    _, ws = _sheet(log_io.export_log(filled_log / "rong.xlsx", form="mau06_2018_mo_rong"))
    headers = [c.value for c in ws[7]]
    assert "Lĩnh vực" in headers and "Kênh tiếp nhận" in headers and "Ký nhận" in headers
    row = next(r for r in ws.iter_rows(min_row=10, values_only=True) if r[0] == 1)
    assert row[2] == "Hộ tịch" and row[8] == "Trực tiếp"


def test_an_unknown_form_is_refused():
    with pytest.raises(UserError):
        get_form("mau99")


def test_an_empty_log_still_exports_the_printed_form(app, tmp_path):
    _, ws = _sheet(log_io.export_log(tmp_path / "rong.xlsx"))
    assert ws["A4"].value == "SỔ THEO DÕI HỒ SƠ" and ws["H7"].value == "Ngày, tháng, năm"


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(filled_log):
    target = filled_log / "so.xlsx"
    log_io.export_log(target)
    before = target.read_bytes()
    blocked = filled_log / "thu-muc.xlsx"
    blocked.mkdir()  # os.replace cannot put a file over a folder
    with pytest.raises(UserError):
        log_io.export_log(blocked)
    assert target.read_bytes() == before
    assert not list(filled_log.glob(".sipas-*"))


def test_an_export_name_without_xlsx_is_refused(app, tmp_path):
    with pytest.raises(UserError):
        log_io.export_log(tmp_path / "so.pdf")


@pytest.mark.slow
def test_libreoffice_opens_the_export_without_repair_and_prints_the_header_on_every_page(
        app, commune, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) hoặc pdftotext không có trên máy này: "
                    "apt-get install libreoffice-calc poppler-utils để chạy phép thử này")
    data = [dossier(n, received="05/03/2024") for n in range(1, 61)]
    log_io.import_log(write_mau06(tmp_path / "nhap.xlsx", data))
    path = log_io.export_log(tmp_path / "so.xlsx")
    profile = tmp_path / "lo-profile"
    done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "so.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "landscape" in info.lower() or "841.89 x 595" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2
    for page in (1, pages):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
                              capture_output=True, text=True).stdout
        assert "Nhận hồ sơ" in text and "Mã hồ sơ" in text  # the header rows repeat
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True).stdout
    assert "SỔ THEO DÕI HỒ SƠ" in first and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Nguyễn Văn An" in first


def test_control_characters_in_a_dossier_do_not_break_the_export(app, tmp_path):
    from sipas_desktop.core.services import log as log_services
    from sipas_desktop.core.tthc_log.records import DossierRecord

    log_services.save_dossier(DossierRecord(code="HS-\x01", procedure_name="Đăng ký khai sinh",
                                            applicant_name="Lê\x02 Văn Tám", received_date=date(2024, 1, 5),
                                            notes="dán từ Word\x07"))
    _, ws = _sheet(log_io.export_log(tmp_path / "so.xlsx"))
    row = next(r for r in ws.iter_rows(min_row=10, values_only=True) if r[0] == 1)
    assert row[1] == "HS-" and row[4] == "Lê Văn Tám" and row[12] == "dán từ Word"
