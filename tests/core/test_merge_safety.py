"""Sniffing files from a mailbox before parsing: every bad kind gets its own Vietnamese reason."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest

from sipas_desktop.core import merge_safety
from sipas_desktop.core.merge_safety import FileKind, sniff


def _workbook(path: Path, sheets: tuple[str, ...] = ("Tóm tắt", "Dữ liệu")) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    wb.active["A1"] = "Xã Nghi Xuân"
    wb.save(path)
    return path


def test_a_real_workbook_is_a_spreadsheet_with_its_sheet_names_in_order(tmp_path):
    result = sniff(_workbook(tmp_path / "a.xlsx", ("Tóm tắt", "Chỉ số & <đơn vị>", "Phiếu")))
    assert result.ok and result.kind is FileKind.SPREADSHEET
    assert result.sheet_names == ("Tóm tắt", "Chỉ số & <đơn vị>", "Phiếu")
    assert result.uncompressed > result.size / 10


def test_a_word_document_renamed_xlsx_is_recognised_as_word(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả tự khảo sát")
    path = tmp_path / "bao-cao.xlsx"
    document.save(str(path))
    result = sniff(path)
    assert result.kind is FileKind.WORD and not result.ok
    assert "Word" in result.reason and "đổi đuôi" in result.reason


def test_a_truncated_download_is_reported_as_cut_short(tmp_path):
    good = _workbook(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) * 2 // 3])
    result = sniff(path)
    assert result.kind is FileKind.TRUNCATED
    assert "cắt cụt" in result.reason


@pytest.mark.parametrize("content, kind, words", [
    (b"", FileKind.EMPTY, "rỗng"),
    (b"TT,Don vi\n1,Xa A\n", FileKind.NOT_ZIP, "Không phải tệp Excel"),
    (b"%PDF-1.7\n%\xe2\xe3\n", FileKind.PDF, "PDF"),
    (merge_safety.OLE_MAGIC + b"\0" * 600, FileKind.OLD_OFFICE, ".xls"),
])
def test_files_that_are_not_zip_containers_get_a_reason_naming_what_they_are(tmp_path, content, kind,
                                                                             words):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    result = sniff(path)
    assert result.kind is kind and words in result.reason


def test_a_zip_bomb_is_refused_from_the_directory_before_anything_is_inflated(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    result = sniff(path)
    assert result.kind is FileKind.ZIP_BOMB
    assert "zip bomb" in result.reason and "sheet1.xml" in result.reason


def test_a_directory_declaring_gigabytes_is_refused_without_inflating(tmp_path):
    path = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"x" * 100)
    # Patch the central directory's uncompressed size of the second member to 3 GB.
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 3 * 1024 * 1024 * 1024)
    path.write_bytes(bytes(data))
    result = sniff(path)
    assert result.kind is FileKind.ZIP_BOMB and "giải nén sẽ thành" in result.reason


def test_a_directory_that_lies_about_sizes_is_caught_by_the_streamed_check(tmp_path, monkeypatch):
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name=\"A\"/></sheets></workbook>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b"7" * 500_000 + b"</x>")
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")   # the last member: sheet1.xml
    struct.pack_into("<I", data, central + 24, 1000)    # claims 1,000 bytes once inflated
    path.write_bytes(bytes(data))
    # Small files skip the streamed pass; force it so that the real code path runs.
    monkeypatch.setattr(merge_safety, "STREAM_CHECK_ABOVE", 0)
    result = sniff(path)
    assert result.kind is FileKind.DAMAGED and "sheet1.xml" in result.reason


def test_an_ods_and_a_plain_zip_are_told_apart(tmp_path):
    ods = tmp_path / "a.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office/>")
    plain = tmp_path / "b.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("bao-cao-xa.xlsx", b"PK...")
    assert sniff(ods).kind is FileKind.ODS
    assert sniff(plain).kind is FileKind.OTHER_ZIP and "giải nén" in sniff(plain).reason


def test_a_folder_or_a_missing_file_is_unreadable_not_a_crash(tmp_path):
    assert sniff(tmp_path).kind is FileKind.UNREADABLE
    assert sniff(tmp_path / "nope.xlsx").kind is FileKind.UNREADABLE


def test_custom_document_properties_are_read_without_openpyxl(tmp_path):
    path = _workbook(tmp_path / "p.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("docProps/custom.xml",
                         '<?xml version="1.0"?><Properties xmlns="x" xmlns:vt="y">'
                         '<property fmtid="{D5}" pid="2" name="sipas-kind"><vt:lpwstr>report</vt:lpwstr>'
                         '</property></Properties>')
    assert sniff(path).properties == {"sipas-kind": "report"}
