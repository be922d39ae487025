"""What is this file? A cheap, safe look at a file from a mailbox before anything parses it.

A receiving office collects everything a mailbox or a USB stick holds: report files, but also a
report file edited by hand in Excel, a truncated download, the plan file sent back by mistake, a
Word document renamed `.xlsx`, an old `.xls`, a PDF scan, or a zip bomb. `sniff(path)` tells
them apart from the first bytes and the zip central directory alone, **before** any member is
decompressed, so a hostile file costs a few kilobytes of reading and never gigabytes of memory.

Zip bombs: the central directory states each member's compressed and uncompressed size. We
refuse a file whose declared total is too large, whose members are too many, or whose declared
ratio is implausible for a spreadsheet. A directory can lie about the uncompressed size, and
deflate can expand up to about 1,032 times, so when the worst case (1,032 × compressed size) is
above `STREAM_CHECK_ABOVE` we also inflate each member once through `zipfile`, which never
returns more than the declared size and checks the CRC, counting bytes without keeping them.
Small files (a commune's report file is a few dozen kilobytes) cannot expand dangerously and
skip that pass.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# Limits. A commune report file of 100 forms is about 50 KB; a national aggregate of 332,100
# forms about 30 MB compressed and 500 MB of XML. Anything far beyond is not ours.
MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
MAX_MEMBERS = 2_000
MAX_RATIO = 250                 # spreadsheet XML compresses 5–60×; bombs 1,000× and more
RATIO_APPLIES_ABOVE = 4 * 1024 * 1024   # a tiny member may compress very well; harmless
DEFLATE_WORST_RATIO = 1032
STREAM_CHECK_ABOVE = 256 * 1024 * 1024
READ_CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileKind(StrEnum):
    SPREADSHEET = "xlsx"        # an OOXML workbook; what it holds is decided by its sheets
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_ZIP = "not_zip"         # text, HTML, CSV, anything without the zip signature
    OLD_OFFICE = "ole"          # .xls / .doc from Office 97–2003, or an encrypted workbook
    PDF = "pdf"
    TRUNCATED = "truncated"     # zip signature but no readable central directory
    DAMAGED = "damaged"         # a central directory we cannot trust
    ZIP_BOMB = "zip_bomb"
    WORD = "docx"
    POWERPOINT = "pptx"
    ODS = "ods"
    OTHER_ZIP = "zip"
    UNREADABLE = "unreadable"   # permission denied, a folder, a vanished file


@dataclass(frozen=True)
class Sniff:
    """The verdict on one file. `reason` is Vietnamese and set whenever `ok` is False."""

    kind: FileKind
    reason: str = ""
    size: int = 0
    sheet_names: tuple[str, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)   # docProps/custom.xml name → value
    uncompressed: int = 0

    @property
    def ok(self) -> bool:
        return self.kind is FileKind.SPREADSHEET


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",") + " MB"


def _detail(path: Path, exc: BaseException) -> None:
    """The library's own (English, technical) words go to the log file, not into the reason."""
    import logging

    logging.getLogger("sipas").info("merge: %s unreadable: %s", path, exc)


def sniff(path: Path) -> Sniff:
    """Classify `path` from its first bytes and its zip directory; never raises for a bad file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            return Sniff(FileKind.UNREADABLE, "Không phải là tệp (có thể là thư mục).")
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        return Sniff(FileKind.UNREADABLE, "Không tìm thấy tệp (đã bị xóa, đổi tên hoặc gõ sai đường dẫn).")
    except PermissionError:
        return Sniff(FileKind.UNREADABLE, "Không có quyền đọc tệp (tệp đang bị khóa hoặc bị chặn).")
    except OSError as exc:
        _detail(path, exc)
        return Sniff(FileKind.UNREADABLE, "Không mở được tệp: lỗi hệ thống khi đọc (ổ USB hỏng hoặc bị "
                     "rút ra, ổ mạng mất kết nối?).")
    if size == 0:
        return Sniff(FileKind.EMPTY, "Tệp rỗng (0 byte): có thể tải về chưa xong.", size)
    if size > MAX_FILE_BYTES:
        return Sniff(FileKind.TOO_LARGE, f"Tệp quá lớn ({_mb(size)}); tệp báo cáo chuẩn không lớn "
                     f"đến vậy (giới hạn {_mb(MAX_FILE_BYTES)}).", size)
    if head.startswith(OLE_MAGIC):
        return Sniff(FileKind.OLD_OFFICE, "Tệp Excel/Word kiểu cũ (.xls/.doc) hoặc tệp có đặt mật "
                     "khẩu, không phải tệp báo cáo chuẩn (.xlsx do SIPAS Desktop tạo).", size)
    if head.startswith(b"%PDF"):
        return Sniff(FileKind.PDF, "Tệp PDF (có thể là báo cáo in hoặc bản quét), không phải tệp "
                     "báo cáo chuẩn .xlsx.", size)
    if not (head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC)):
        return Sniff(FileKind.NOT_ZIP, "Không phải tệp Excel .xlsx (nội dung không đúng định dạng; "
                     "có thể là tệp văn bản, HTML hoặc tệp bị đổi tên).", size)
    return _sniff_zip(path, size)


def _sniff_zip(path: Path, size: int) -> Sniff:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        # The signature is there but the central directory (at the end) is not: a cut download.
        return Sniff(FileKind.TRUNCATED, "Tệp bị cắt cụt hoặc hỏng (thiếu phần cuối của tệp nén): "
                     "có thể tải về chưa hết; đề nghị đơn vị gửi lại.", size)
    except (OSError, ValueError, NotImplementedError) as exc:
        _detail(path, exc)
        return Sniff(FileKind.DAMAGED, "Tệp nén bị hỏng, không đọc được danh mục bên trong; đề nghị đơn "
                     "vị gửi lại.", size)
    with archive:
        infos = archive.infolist()
        verdict = _check_directory(infos, size)
        if verdict is not None:
            return verdict
        total = sum(i.file_size for i in infos)
        names = {i.filename for i in infos}
        kind = _container_kind(archive, names)
        if kind is not FileKind.SPREADSHEET:
            return Sniff(kind, _KIND_REASONS[kind], size, uncompressed=total)
        if size * DEFLATE_WORST_RATIO > STREAM_CHECK_ABOVE:
            problem = _stream_check(archive, infos)
            if problem:
                return Sniff(FileKind.ZIP_BOMB if "giải nén" in problem else FileKind.DAMAGED,
                             problem, size, uncompressed=total)
        try:
            sheets = _sheet_names(archive)
            props = _custom_properties(archive, names)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            _detail(path, exc)
            return Sniff(FileKind.DAMAGED, "Tệp Excel bị hỏng, không đọc được danh sách trang tính; đề "
                         "nghị đơn vị gửi lại.", size, uncompressed=total)
    return Sniff(FileKind.SPREADSHEET, "", size, sheets, props, total)


def _check_directory(infos: list[zipfile.ZipInfo], size: int) -> Sniff | None:
    """Zip-bomb and sanity checks from the declared sizes alone (nothing decompressed)."""
    if not infos:
        return Sniff(FileKind.DAMAGED, "Tệp nén rỗng, không có nội dung.", size)
    if len(infos) > MAX_MEMBERS:
        return Sniff(FileKind.ZIP_BOMB, f"Tệp chứa quá nhiều thành phần ({len(infos):,}); nghi là "
                     "tệp độc hại (zip bomb), không giải nén.".replace(",", "."), size)
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        return Sniff(FileKind.ZIP_BOMB, f"Tệp nén {_mb(size)} nhưng khi giải nén sẽ thành "
                     f"{_mb(total)}: nghi là tệp độc hại (zip bomb), không giải nén.", size,
                     uncompressed=total)
    for info in infos:
        if info.file_size > RATIO_APPLIES_ABOVE and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            return Sniff(FileKind.ZIP_BOMB, f"Thành phần “{info.filename}” nén với tỉ lệ {ratio:,}:1 "
                         f"({_mb(info.compress_size)} → {_mb(info.file_size)}), bất thường với tệp "
                         "Excel: nghi là tệp độc hại (zip bomb), không giải nén."
                         .replace(",", "."), size, uncompressed=total)
        if info.compress_size > size:
            return Sniff(FileKind.DAMAGED, "Danh mục tệp nén khai kích thước lớn hơn chính tệp: "
                         "tệp bị hỏng hoặc bị sửa.", size, uncompressed=total)
        if info.flag_bits & 0x1:
            return Sniff(FileKind.OLD_OFFICE, "Tệp có đặt mật khẩu; hãy gửi tệp không đặt mật khẩu.",
                         size, uncompressed=total)
    return None


def _stream_check(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str:
    """Inflate every member once, counting bytes (bounded memory); '' when all is as declared."""
    total = 0
    for info in infos:
        try:
            with archive.open(info) as member:
                while chunk := member.read(READ_CHUNK):
                    total += len(chunk)
                    if total > MAX_TOTAL_UNCOMPRESSED:
                        return (f"Khi giải nén, tệp vượt quá {_mb(MAX_TOTAL_UNCOMPRESSED)}: nghi là "
                                "tệp độc hại (zip bomb), dừng giải nén.")
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            _detail(Path(str(archive.filename)), exc)
            return (f"Thành phần “{info.filename}” của tệp bị hỏng (dữ liệu nén bị lỗi); đề nghị đơn vị "
                    "gửi lại.")
    return ""


def _container_kind(archive: zipfile.ZipFile, names: set[str]) -> FileKind:
    if "xl/workbook.xml" in names or any(n.startswith("xl/") and n.endswith("workbook.xml")
                                         for n in names):
        return FileKind.SPREADSHEET
    if "word/document.xml" in names or any(n.startswith("word/") for n in names):
        return FileKind.WORD
    if any(n.startswith("ppt/") for n in names):
        return FileKind.POWERPOINT
    if "mimetype" in names:
        try:
            mime = archive.read("mimetype")[:100]
        except (zipfile.BadZipFile, OSError, ValueError):
            mime = b""
        if b"spreadsheet" in mime:
            return FileKind.ODS
    return FileKind.OTHER_ZIP


_KIND_REASONS = {
    FileKind.WORD: "Đây là văn bản Word (.docx) bị đổi đuôi thành .xlsx, không phải tệp báo cáo chuẩn.",
    FileKind.POWERPOINT: "Đây là tệp trình chiếu PowerPoint, không phải tệp báo cáo chuẩn.",
    FileKind.ODS: "Đây là bảng tính LibreOffice (.ods), không phải tệp báo cáo chuẩn .xlsx do "
                  "SIPAS Desktop tạo.",
    FileKind.OTHER_ZIP: "Đây là một tệp nén (.zip) chứa tệp khác, không phải tệp Excel .xlsx; hãy "
                        "giải nén rồi chọn tệp báo cáo bên trong.",
}

_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")
_PROP_RE = re.compile(rb"<(?:\w+:)?property\b[^>]*?\bname=\"([^\"]*)\"[^>]*>\s*<[^>]*>([^<]*)<")


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _read_small(archive: zipfile.ZipFile, name: str, limit: int = 2 * 1024 * 1024) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise ValueError(f"“{name}” lớn bất thường")
    return archive.read(info)


def _sheet_names(archive: zipfile.ZipFile) -> tuple[str, ...]:
    """Sheet names in workbook order, from xl/workbook.xml (a few KB), without openpyxl."""
    data = _read_small(archive, "xl/workbook.xml")
    return tuple(_unescape(m.group(1)) for m in _SHEET_RE.finditer(data))


def _custom_properties(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    if "docProps/custom.xml" not in names:
        return {}
    data = _read_small(archive, "docProps/custom.xml")
    return {_unescape(m.group(1)): _unescape(m.group(2)) for m in _PROP_RE.finditer(data)}
