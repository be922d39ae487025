"""The standard report file: round trip, determinism, tamper detection, bad input, second reader."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from sipas_desktop.core import exchange as ex
from sipas_desktop.core import files
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.scoring import score
from tests.core.results_data import make_content


@pytest.fixture(scope="module")
def content() -> ex.ReportContent:
    return make_content()


@pytest.fixture(scope="module")
def written(content, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "bao-cao.xlsx"
    ex.write_report_file(content, path)
    return path


@pytest.fixture
def copy(written, tmp_path) -> Path:
    target = tmp_path / "ban-sao.xlsx"
    shutil.copy(written, target)
    return target


def test_written_file_reads_back_with_the_same_content_and_the_same_numbers(content, written):
    result = ex.verify_report_file(written)
    assert result.intact, result.problems
    back = result.report
    assert back.content == content
    assert back.format_version == ex.FORMAT_VERSION
    original = score(load_form("sipas-2017"), content.responses)
    assert back.scores.to_dict() == original.to_dict()
    assert result.summary.forms == 60 and result.summary.unit_code == "18352"
    assert back.content.sample.response_rate == pytest.approx(100 * 25 / 27)
    assert back.content.quality.error_rate == pytest.approx(0.6)


def test_read_report_file_returns_the_checked_content(written, content):
    assert ex.read_report_file(written).content.responses == content.responses


def test_the_same_data_gives_a_byte_identical_file(content, written, tmp_path):
    again = tmp_path / "lan-hai.xlsx"
    ex.write_report_file(content, again)
    assert again.read_bytes() == written.read_bytes()


def test_the_data_digest_ignores_the_creation_time_but_the_content_digest_does_not(content, tmp_path):
    a = ex.write_report_file(content, tmp_path / "a.xlsx")
    b = ex.write_report_file(replace(content, created_at=datetime(2021, 1, 1)), tmp_path / "b.xlsx")
    assert a.data_sha256 == b.data_sha256
    assert a.content_sha256 != b.content_sha256


def test_readable_sheets_come_first_and_machine_sheets_end_with_the_checksums(written):
    names = openpyxl.load_workbook(written, read_only=True).sheetnames
    assert names[0] == "Tổng hợp"
    assert names[-len(ex.MACHINE_SHEETS):] == list(ex.MACHINE_SHEETS)


def test_every_part_of_the_file_is_well_formed_xml_and_a_second_reader_opens_it(written):
    with zipfile.ZipFile(written) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(archive.read(name))
    wb = openpyxl.load_workbook(written)
    assert wb["Tổng hợp"]["A1"].value.startswith("BÁO CÁO KẾT QUẢ")
    assert wb["META"]["B2"].value == ex.FORMAT_NAME


def test_opening_and_saving_the_file_unchanged_keeps_it_intact(copy):
    wb = openpyxl.load_workbook(copy)
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert result.intact, result.problems


def test_one_changed_answer_cell_makes_verification_fail_and_names_the_row(copy):
    wb = openpyxl.load_workbook(copy)
    ws = wb[ex.ANSWERS]
    column = [c.value for c in ws[1]].index("tc3_1") + 1
    cell = ws.cell(row=10, column=column)
    cell.value = 5 if cell.value != 5 else 4
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert not result.intact
    codes = {(p.code, p.sheet, p.row) for p in result.problems}
    assert ("REPORT_043", ex.ANSWERS, 10) in codes
    assert ("REPORT_015", ex.ANSWERS, None) in codes
    assert any(p.code == "REPORT_013" for p in result.problems)
    with pytest.raises(UserError) as err:
        ex.read_report_file(copy)
    assert err.value.code == "REPORT_100"


def test_one_deleted_answer_row_makes_verification_fail(copy):
    wb = openpyxl.load_workbook(copy)
    wb[ex.ANSWERS].delete_rows(20)
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert not result.intact
    missing = [p for p in result.problems if p.code == "REPORT_040"]
    assert missing and "thiếu 1 dòng" in missing[0].message


def test_a_changed_figure_on_a_readable_sheet_is_detected_too(copy):
    wb = openpyxl.load_workbook(copy)
    ws = wb["Tổng hợp"]
    target = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, float))
    target.value = 99.99
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert not result.intact
    assert any(p.code == "REPORT_015" and p.sheet == "Tổng hợp" for p in result.problems)


def test_a_consistent_forgery_of_the_stored_indices_is_caught_by_recomputation(copy):
    # Even someone who recomputes the digests cannot make the stored indices disagree with the answers.
    wb = openpyxl.load_workbook(copy)
    ws = wb[ex.INDICES]
    ws.cell(row=2, column=3).value = 99.0
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert any(p.code == "REPORT_050" for p in result.problems)


def test_a_truncated_file_is_refused_with_a_reason(written, tmp_path):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(written.read_bytes()[: written.stat().st_size // 2])
    result = ex.verify_report_file(cut)
    assert not result.intact and result.problems[0].code == "REPORT_011"
    assert "cắt cụt" in result.problems[0].message and "EOCD" not in result.problems[0].message


def test_an_ordinary_workbook_is_not_taken_for_a_report_file(tmp_path):
    path = tmp_path / "khac.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Sổ theo dõi hồ sơ"
    wb.save(path)
    result = ex.verify_report_file(path)
    assert not result.intact and result.problems[0].code == "REPORT_012"


def test_a_missing_file_is_reported_not_raised(tmp_path):
    result = ex.verify_report_file(tmp_path / "khong-co.xlsx")
    assert not result.intact and result.problems[0].code == "REPORT_010"


def test_a_newer_format_version_is_refused_with_advice(copy):
    wb = openpyxl.load_workbook(copy)
    ws = wb[ex.META]
    row = next(r for r in ws.iter_rows() if r[0].value == "format_version")
    row[1].value = 99
    wb.save(copy)
    result = ex.verify_report_file(copy)
    assert result.problems[0].code == "REPORT_018"
    assert "cập nhật" in result.problems[0].message


def test_no_forms_means_no_file_and_an_existing_file_is_left_alone(content, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(UserError) as err:
        ex.write_report_file(replace(content, responses=()), path)
    assert err.value.code == "REPORT_001"
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.xlsx"]


def test_a_write_that_fails_half_way_leaves_no_partial_file(content, tmp_path, monkeypatch):
    path = tmp_path / "bao-cao.xlsx"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(UserError) as err:
        ex.write_report_file(content, path)
    assert err.value.code == "REPORT_004"
    assert list(tmp_path.iterdir()) == []


def test_text_answers_lose_phones_dossier_codes_and_known_names():
    text = ("Chị Nguyễn Thị Lan (0912.345.678) hồ sơ 000.17.22.H56-210531-0001 trả chậm; anh NGUYEN VAN  AN "
            "gọi +84 912 345 678. Giờ làm việc 7.30-11.30, ngày 5/9/2025")
    out = ex.redact(text, ["Nguyễn Thị Lan", "Nguyễn Văn An", "Lan"])
    for secret in ("Lan", "0912", "345", "H56", "NGUYEN", "VAN"):
        assert secret not in out
    assert "7.30-11.30" in out and "5/9/2025" in out
    assert out.count(ex.NAME_MASK) == 2


def test_text_answers_starting_with_an_equals_sign_stay_text(tmp_path):
    content = make_content(forms=3)
    first = content.responses[0]
    odd = replace(first, answers={**first.answers, "y_kien_khac": "=SUM(A1:A9)"})
    path = tmp_path / "f.xlsx"
    ex.write_report_file(replace(content, responses=(odd, *content.responses[1:])), path)
    back = ex.read_report_file(path)
    assert back.content.responses[0].answers["y_kien_khac"] == "=SUM(A1:A9)"


@pytest.mark.slow
def test_libreoffice_opens_the_file_and_a_copy_it_saves_still_verifies(written, tmp_path):
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) hoặc pdftotext không có trên máy này: "
                    "apt-get install libreoffice-calc poppler-utils để chạy phép thử này")
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    saved = tmp_path / "saved"
    for target, outdir in (("pdf", tmp_path), ("xlsx:Calc MS Excel 2007 XML", saved)):
        done = subprocess.run([soffice, profile, "--headless", "--convert-to", target, "--outdir",
                               str(outdir),
                               str(written)], capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", "-l", "1", str(tmp_path / "bao-cao.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "BÁO CÁO KẾT QUẢ TỰ KHẢO SÁT SỰ HÀI LÒNG" in text and "Xã Nghi Xuân" in text
    result = ex.verify_report_file(saved / "bao-cao.xlsx")
    assert result.intact, result.problems
