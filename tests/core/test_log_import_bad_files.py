"""Files that cannot be imported: each gets a clear Vietnamese message and the database stays as it was."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.services import log_io
from sipas_desktop.core.tthc_log.readers import MAX_FILE_BYTES, MAX_FILE_MB
from tests.core.log_data import db_checksum, dossier, write_mau06, write_xlsx


@pytest.fixture
def log_with_data(app, tmp_path):
    """A log that already holds dossiers, so "unchanged" means something."""
    log_io.import_log(write_mau06(tmp_path / "co-san.xlsx", [dossier(n) for n in range(1, 4)]))
    assert log_services.count_dossiers() == 3
    return db_checksum()


def _refused(path: Path, code: str) -> UserError:
    with pytest.raises(UserError) as caught:
        log_io.import_log(path)
    error = caught.value
    assert error.code == code, error.message
    assert path.name in error.message
    return error


def test_a_pdf_renamed_xlsx_is_refused_as_a_pdf(log_with_data, tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    error = _refused(path, "LOG_IMP_010")
    assert "PDF" in error.message and "không phải bảng tính" in error.message
    assert db_checksum() == log_with_data


def test_a_text_file_renamed_xlsx_is_refused(log_with_data, tmp_path):
    path = tmp_path / "so.xlsx"
    path.write_text("Mã hồ sơ, Tên TTHC\nHS-1, Đăng ký khai sinh\n", encoding="utf-8")
    error = _refused(path, "LOG_IMP_013")
    assert "văn bản thuần" in error.message
    assert db_checksum() == log_with_data


def test_an_html_page_without_a_table_saved_as_xls_gets_advice_to_export_again(log_with_data, tmp_path):
    path = tmp_path / "so.xls"
    path.write_text("<html><body><p>Không có dữ liệu</p></body></html>", encoding="utf-8")
    error = _refused(path, "LOG_IMP_011")
    assert ".xlsx" in error.message
    assert db_checksum() == log_with_data


def test_a_truncated_xlsx_is_reported_as_a_corrupt_file(log_with_data, tmp_path):
    good = write_mau06(tmp_path / "tot.xlsx", [dossier(9)])
    data = good.read_bytes()
    path = tmp_path / "hong.xlsx"
    path.write_bytes(data[: len(data) // 2])
    error = _refused(path, "LOG_IMP_014")
    assert "bị hỏng" in error.message
    assert db_checksum() == log_with_data


def test_an_xlsx_with_a_damaged_sheet_inside_is_reported_as_corrupt(log_with_data, tmp_path):
    good = write_mau06(tmp_path / "tot.xlsx", [dossier(9)])
    path = tmp_path / "hong-ben-trong.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 3]  # cut in the middle of an element
            dst.writestr(item, data)
    error = _refused(path, "LOG_IMP_018")
    assert "bị hỏng" in error.message
    # The reader's English words (XmlError, "unexpected end"…) stay in the log file.
    assert not any(w in error.message.lower() for w in ("error", "unexpected", "xml", "eof"))
    assert db_checksum() == log_with_data


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_a_file_the_account_may_not_read_is_refused_in_vietnamese(log_with_data, tmp_path):
    path = write_mau06(tmp_path / "khoa.xlsx", [dossier(9)])
    path.chmod(0)
    error = _refused(path, "LOG_IMP_002")
    assert "không có quyền đọc" in error.message and "Permission" not in error.message
    assert db_checksum() == log_with_data


def test_a_folder_named_like_a_workbook_is_refused_in_vietnamese(log_with_data, tmp_path):
    path = tmp_path / "so.xlsx"
    path.mkdir()
    error = _refused(path, "LOG_IMP_002")
    assert "thư mục" in error.message and "directory" not in error.message.lower()
    assert db_checksum() == log_with_data


def test_a_word_document_is_not_taken_for_a_workbook(log_with_data, tmp_path):
    path = tmp_path / "so.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    error = _refused(path, "LOG_IMP_016")
    assert "Word" in error.message
    assert db_checksum() == log_with_data


def test_a_password_protected_workbook_is_refused_with_how_to_remove_the_password(log_with_data, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_mau06(tmp_path / "ro.xlsx", [dossier(9)])
    path = tmp_path / "mat-khau.xlsx"
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("matkhau", dst)
    assert path.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file
    error = _refused(path, "LOG_IMP_017")
    assert "mật khẩu" in error.message
    assert db_checksum() == log_with_data
    del msoffcrypto


def test_the_encrypted_workbook_is_recognised_without_calamine_too(log_with_data, tmp_path, monkeypatch):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_mau06(tmp_path / "ro.xlsx", [dossier(9)])
    path = tmp_path / "mat-khau.xlsx"
    with plain.open("rb") as src, path.open("wb") as dst:
        OOXMLFile(src).encrypt("matkhau", dst)
    monkeypatch.setenv("SIPAS_NO_CALAMINE", "1")
    _refused(path, "LOG_IMP_017")
    assert db_checksum() == log_with_data


def test_a_sheet_with_no_recognisable_header_names_the_sheet(log_with_data, tmp_path):
    path = write_xlsx(tmp_path / "la.xlsx", [["Danh sách khen thưởng"], ["STT", "Họ tên", "Thành tích"],
                                             [1, "Nguyễn Văn An", "Lao động tiên tiến"]], sheet="Khen thưởng")
    error = _refused(path, "LOG_IMP_030")
    assert "“Khen thưởng”" in error.message and "tiêu đề cột" in error.message
    assert db_checksum() == log_with_data


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(log_with_data, tmp_path):
    path = tmp_path / "qua-lon.xlsx"
    with path.open("wb") as handle:  # a sparse 200 MB file: nothing is really written
        handle.truncate(200 * 1024 * 1024)
    assert path.stat().st_size > MAX_FILE_BYTES
    started = time.perf_counter()
    error = _refused(path, "LOG_IMP_003")
    assert time.perf_counter() - started < 2
    assert f"{MAX_FILE_MB} MB" in error.message and "200,0 MB" in error.message
    assert db_checksum() == log_with_data


def test_an_empty_file_is_refused(log_with_data, tmp_path):
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    _refused(path, "LOG_IMP_004")
    assert db_checksum() == log_with_data


def test_a_missing_file_is_refused(log_with_data, tmp_path):
    _refused(tmp_path / "khong-co.xlsx", "LOG_IMP_001")
    assert db_checksum() == log_with_data


@pytest.mark.parametrize("bad_row, code", [
    (dossier(7, received="31/02/2020"), "LOG_IMP_101"),
    (dossier(7, received="10/03/2024", due="11/03/2024", returned="01/03/2024"), "LOG_106"),
    (dossier(7, "000.42.52.H42-240305-0001"), "LOG_IMP_106"),
])
def test_a_file_with_one_bad_row_changes_nothing_in_a_log_that_has_data(
        log_with_data, tmp_path, bad_row, code):
    data = [dossier(1, returned="09/03/2024"), dossier(5), bad_row]
    with pytest.raises(UserError) as caught:
        log_io.import_log(write_mau06(tmp_path / "moi.xlsx", data))
    assert code in {i.code for i in caught.value.issues}
    assert all(i.sheet and i.row for i in caught.value.issues)
    assert db_checksum() == log_with_data
