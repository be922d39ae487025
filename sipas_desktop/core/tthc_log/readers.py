"""Reading the rows of a spreadsheet export: .xlsx, .xls, .ods and .csv, whatever the name says.

The file's first bytes decide how it is read, not its extension, so a PDF or a text file renamed
.xlsx gets a clear message instead of a parser's traceback. python-calamine (Rust) reads
.xlsx/.xls/.ods about ten times faster than openpyxl; it is imported inside a function because it
does not load everywhere (under wine, for one), and then openpyxl (.xlsx) and xlrd (.xls) take over.
Every third-party exception is turned into a `UserError` here, at the I/O boundary.

Rows come out as lists of cell values aligned from column A and row 1: text, numbers (float or
int), `date`/`datetime`, or empty ("" or None). Row 0 of the iterator is the sheet's row 1.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import logging
import os
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import UserError

MAX_FILE_MB = 150
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024   # a year of a big commune's log is under 20 MB
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Merged = list[tuple[tuple[int, int], tuple[int, int]]]   # ((row0, col0), (row1, col1)), 0-based


@dataclass
class SheetTable:
    """One sheet: its name, row count (for progress) and a way to iterate its rows."""

    name: str
    height: int
    merged: Merged = field(default_factory=list)
    _rows: Callable[[], Iterator[list[Any]]] = field(default=lambda: iter(()), repr=False)

    def rows(self) -> Iterator[list[Any]]:
        return self._rows()

    def head(self, count: int) -> list[list[Any]]:
        out = []
        for row in self.rows():
            out.append(row)
            if len(out) >= count:
                break
        return out


@dataclass
class SpreadsheetFile:
    """An opened file: its kind ("xlsx", "xls", "ods", "csv"), the reader used, its sheets."""

    path: Path
    kind: str
    reader: str
    sheet_names: list[str]
    _sheet: Callable[[int], SheetTable] = field(repr=False, default=lambda i: SheetTable("", 0))
    _close: Callable[[], None] = field(repr=False, default=lambda: None)

    def sheet(self, index: int) -> SheetTable:
        return self._sheet(index)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> SpreadsheetFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read_reason(exc: OSError) -> str:
    """A Vietnamese reason why a file could not be read (the OS's own text may be English)."""
    reasons = {
        errno.ENOENT: "không tìm thấy tệp (có thể đã bị chuyển hoặc xóa)",
        errno.EACCES: "tài khoản không có quyền đọc tệp, hoặc tệp đang được chương trình khác mở",
        errno.EPERM: "tài khoản không có quyền đọc tệp",
        errno.EISDIR: "đây là một thư mục, không phải tệp",
        errno.EIO: "lỗi đọc ổ đĩa (ổ USB hỏng hoặc bị rút ra?)",
    }
    logging.getLogger("sipas").info("cannot read a file: %s", exc)
    return reasons.get(exc.errno or -1, "lỗi hệ thống khi đọc tệp")


def _err(path: Path, what: str, code: str) -> UserError:
    return UserError(f"Tệp “{path.name}”: {what}", code=code)


def check_size(path: Path) -> int:
    """Refuse a file over MAX_FILE_MB before reading a byte of it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _err(path, "không tìm thấy tệp.", "LOG_IMP_001") from None
    except OSError as exc:
        raise _err(path, f"không đọc được: {_read_reason(exc)}.", "LOG_IMP_002") from exc
    if size > MAX_FILE_BYTES:
        mb = f"{size / 1024 / 1024:.1f}".replace(".", ",")
        raise _err(path, f"dung lượng {mb} MB, vượt giới hạn {MAX_FILE_MB} MB cho một tệp sổ hồ sơ. "
                         "Hãy xuất từng khoảng thời gian (ví dụ từng quý) rồi nhập lần lượt.", "LOG_IMP_003")
    if size == 0:
        raise _err(path, "tệp rỗng (0 byte).", "LOG_IMP_004")
    return size


def sniff(path: Path) -> str:
    """What the bytes are: "zip", "ole", "pdf", "html", "text" or "binary"."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise _err(path, f"không đọc được: {_read_reason(exc)}.", "LOG_IMP_002") from exc
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) \
            or b"<html" in head.lower()[:1024]:
        return "html"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        return "text"
    if b"\x00" in head:
        # UTF-16 without a byte-order mark has a zero in every other byte.
        zeros = head.count(b"\x00")
        return "text" if zeros * 3 >= len(head) and zeros * 2 <= len(head) + 1 else "binary"
    return "text"


def _ole_stream_names(path: Path) -> set[str]:
    """Names in an OLE compound file's directory (enough to tell .xls from an encrypted .xlsx).

    Reads the header, the FAT sectors listed in the header's DIFAT and the directory chain.
    Returns an empty set when the structure is unusual; callers then rely on the reader.
    """
    names: set[str] = set()
    try:
        with path.open("rb") as handle:
            header = handle.read(512)
            shift = struct.unpack_from("<H", header, 0x1E)[0]
            if shift not in (9, 12):
                return names
            size = 1 << shift
            first_dir = struct.unpack_from("<I", header, 0x30)[0]
            difat = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]

            def sector(n: int) -> bytes:
                handle.seek((n + 1) * size)
                return handle.read(size)

            fat: list[int] = []
            for s in difat:
                fat.extend(struct.unpack(f"<{size // 4}I", sector(s)))
            current, seen = first_dir, 0
            while current < 0xFFFFFFFA and current < len(fat) and seen < 4096:
                data = sector(current)
                for off in range(0, len(data), 128):
                    length = struct.unpack_from("<H", data, off + 0x40)[0]
                    if 2 <= length <= 64:
                        names.add(data[off:off + length - 2].decode("utf-16-le", "replace"))
                current, seen = fat[current], seen + 1
    except (OSError, struct.error):
        return set()
    return names


def open_spreadsheet(path: Path | str) -> SpreadsheetFile:
    """Open a log export for reading; a clear Vietnamese `UserError` for anything unreadable."""
    path = Path(path)
    check_size(path)
    kind = sniff(path)
    ext = path.suffix.lower()
    if kind == "pdf":
        raise _err(path, "đây là tệp PDF, không phải bảng tính. Hãy xuất sổ từ phần mềm một cửa ra "
                         "Excel (.xlsx, .xls) hoặc .csv.", "LOG_IMP_010")
    if kind == "html":
        # Some one-stop software saves an HTML table under an .xls name; Excel opens it, so do we.
        return _open_html(path)
    if kind == "binary":
        raise _err(path, "không phải bảng tính Excel hay tệp .csv (nội dung không đọc được).", "LOG_IMP_012")
    if kind == "text":
        if ext in (".xlsx", ".xlsm", ".xls", ".ods"):
            raise _err(path, f"không phải bảng tính {ext} thật (tệp chỉ chứa văn bản thuần). Nếu đó là "
                             "dữ liệu phân cách bằng dấu phẩy, hãy đổi đuôi thành .csv.", "LOG_IMP_013")
        return _open_csv(path)
    if kind == "ole":
        streams = {n.lower() for n in _ole_stream_names(path)}
        if "encryptedpackage" in streams or "encryptioninfo" in streams:
            raise _encrypted(path)
        return _open_excel(path, "xls")
    # zip
    try:
        with zipfile.ZipFile(path) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _err(path, "tệp Excel bị hỏng (cấu trúc nén không đọc được, có thể tệp chưa tải xong "
                         "hoặc bị cắt). Hãy xuất lại tệp từ phần mềm một cửa.", "LOG_IMP_014") from exc
    if "xl/workbook.xml" in members or "xl/workbook.bin" in members:
        if "xl/workbook.bin" in members:
            raise _err(path, "là tệp Excel nhị phân (.xlsb), chưa hỗ trợ. Hãy lưu lại dạng .xlsx.",
                       "LOG_IMP_015")
        return _open_excel(path, "xlsx")
    if "content.xml" in members and "mimetype" in members:
        return _open_excel(path, "ods")
    what = "tài liệu Word" if "word/document.xml" in members else (
        "bản trình chiếu PowerPoint" if "ppt/presentation.xml" in members else "tệp nén zip")
    raise _err(path, f"là {what}, không phải bảng tính Excel.", "LOG_IMP_016")


def _encrypted(path: Path) -> UserError:
    return _err(path, "bảng tính được đặt mật khẩu (mã hóa) nên không đọc được. Hãy mở bằng Excel, "
                      "gỡ mật khẩu (Tệp › Thông tin › Bảo vệ sổ làm việc) rồi lưu và nhập lại.",
                "LOG_IMP_017")


def _corrupt(path: Path, exc: BaseException) -> UserError:
    # The reader's own words are English and technical: they go to the log file, not the user.
    logging.getLogger("sipas").info("spreadsheet %s unreadable: %s", path, exc)
    return _err(path, "tệp bảng tính bị hỏng hoặc không đúng định dạng (có thể tải về chưa hết, hoặc "
                      "không phải tệp Excel). Hãy mở thử bằng Excel, lưu lại dạng .xlsx rồi nhập lại.",
                "LOG_IMP_018")


def _calamine():
    """python-calamine, or None where its compiled module does not load (wine, odd platforms)."""
    if os.environ.get("SIPAS_NO_CALAMINE"):
        return None
    try:
        import python_calamine
    except Exception:  # ImportError, OSError from a missing DLL: fall back to pure Python
        return None
    return python_calamine


def _open_excel(path: Path, kind: str) -> SpreadsheetFile:
    pc = _calamine()
    if pc is not None:
        return _open_calamine(pc, path, kind)
    if kind == "xlsx":
        return _open_openpyxl(path)
    if kind == "xls":
        return _open_xlrd(path)
    raise _err(path, "tệp .ods cần thư viện python-calamine, không có trên máy này. Hãy lưu lại dạng .xlsx.",
               "LOG_IMP_019")


def _open_calamine(pc: Any, path: Path, kind: str) -> SpreadsheetFile:
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
    except pc.PasswordError:
        raise _encrypted(path) from None
    except Exception as exc:  # CalamineError, ZipError, XmlError…: one message
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _encrypted(path) from exc
        raise _corrupt(path, exc) from exc

    def sheet(index: int) -> SheetTable:
        try:
            ws = wb.get_sheet_by_index(index)
            start_col = ws.start[1] if ws.start else 0
            height = (ws.end[0] + 1) if ws.end else 0
            merged = list(ws.merged_cell_ranges or []) if kind == "xlsx" else []
        except pc.PasswordError:
            raise _encrypted(path) from None
        except Exception as exc:
            raise _corrupt(path, exc) from exc
        pad = [""] * start_col

        def rows() -> Iterator[list[Any]]:
            # iter_rows starts at row 1 but at the first used column: pad back to column A.
            # (The sheet is parsed by get_sheet_by_index above; iterating only converts cells.)
            if start_col:
                return (pad + row for row in ws.iter_rows())
            return iter(ws.iter_rows())

        return SheetTable(ws.name, height, merged, rows)

    return SpreadsheetFile(path, kind, "calamine", names, sheet, wb.close)


def _open_openpyxl(path: Path) -> SpreadsheetFile:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # InvalidFileException, KeyError, BadZipFile…
        raise _corrupt(path, exc) from exc

    def sheet(index: int) -> SheetTable:
        ws = wb.worksheets[index]

        def rows() -> Iterator[list[Any]]:
            try:
                for row in ws.iter_rows(values_only=True):
                    yield list(row)
            except Exception as exc:
                raise _corrupt(path, exc) from exc

        return SheetTable(ws.title, ws.max_row or 0, [], rows)

    return SpreadsheetFile(path, "xlsx", "openpyxl", list(wb.sheetnames), sheet, wb.close)


def _open_xlrd(path: Path) -> SpreadsheetFile:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # XLRDError ("Workbook is encrypted"), CompDocError…
        if "encrypt" in str(exc).lower() or "password" in str(exc).lower():
            raise _encrypted(path) from exc
        raise _corrupt(path, exc) from exc

    def sheet(index: int) -> SheetTable:
        ws = book.sheet_by_index(index)
        merged = [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in ws.merged_cells]

        def rows() -> Iterator[list[Any]]:
            for r in range(ws.nrows):
                values = ws.row_values(r)
                types = ws.row_types(r)
                for c, t in enumerate(types):
                    if t == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate_as_datetime(values[c], book.datemode)
                            values[c] = value.date() if value.time() == datetime.min.time() else value
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            pass
                yield values

        return SheetTable(ws.name, ws.nrows, merged, rows)

    return SpreadsheetFile(path, "xls", "xlrd", book.sheet_names(), sheet, book.release_resources)


ENCODINGS = ("utf-8-sig", "utf-16", "utf-8", "cp1258")


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding): BOMs first, then strict UTF-8, then Windows-1258 (old Vietnamese Excel)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", "replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", "replace"), "utf-16"
    zeros = raw[:4096].count(b"\x00")
    if zeros and zeros * 3 >= min(len(raw), 4096):
        odd = raw[1:4096:2].count(b"\x00")
        enc = "utf-16-le" if odd >= zeros / 2 else "utf-16-be"
        return raw.decode(enc, "replace"), enc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1258", "replace"), "cp1258"


def _open_csv(path: Path) -> SpreadsheetFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _err(path, f"không đọc được: {_read_reason(exc)}.", "LOG_IMP_002") from exc
    text, _encoding = decode_text(raw)
    del raw
    sample = text[:20000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines = text.count("\n") + 1

    def sheet(index: int) -> SheetTable:
        def rows() -> Iterator[list[Any]]:
            try:
                yield from csv.reader(io.StringIO(text), dialect)
            except csv.Error as exc:
                raise _corrupt(path, exc) from exc

        return SheetTable(path.stem, lines, [], rows)

    return SpreadsheetFile(path, "csv", "csv", [path.stem], sheet)


class _TableParser(HTMLParser):
    """Rows of every <table> in a page, with colspan/rowspan laid out as merged cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], Merged]] = []
        self._rows: list[list[str]] | None = None
        self._merged: Merged = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._pending: dict[tuple[int, int], str] = {}   # cells covered by a rowspan from above

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and self._rows is None:
            self._rows, self._merged, self._pending = [], [], {}
        elif tag == "tr" and self._rows is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            values = dict(attrs)
            self._span = (_int(values.get("rowspan")), _int(values.get("colspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._rows is None:
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            r = len(self._rows)
            while (r, len(self._row)) in self._pending:
                self._row.append(self._pending.pop((r, len(self._row))))
            c = len(self._row)
            rowspan, colspan = self._span
            self._row.append(" ".join("".join(self._cell).split()))
            self._row.extend([""] * (colspan - 1))
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    self._pending[(r + dr, c + dc)] = ""
            if rowspan > 1 or colspan > 1:
                self._merged.append(((r, c), (r + rowspan - 1, c + colspan - 1)))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            r = len(self._rows)
            while (r, len(self._row)) in self._pending:
                self._row.append(self._pending.pop((r, len(self._row))))
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.tables.append((self._rows, self._merged))
            self._rows = None


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def _open_html(path: Path) -> SpreadsheetFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _err(path, f"không đọc được: {_read_reason(exc)}.", "LOG_IMP_002") from exc
    text, _encoding = decode_text(raw)
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # html.parser is lenient; anything it still refuses is a bad file
        raise _corrupt(path, exc) from exc
    tables = [t for t in parser.tables if t[0]]
    if not tables:
        raise _err(path, "là trang HTML mang đuôi bảng tính nhưng không có bảng nào. Hãy xuất lại sổ ra "
                         "Excel (.xlsx).", "LOG_IMP_011")
    names = [f"Bảng {i}" for i in range(1, len(tables) + 1)]

    def sheet(index: int) -> SheetTable:
        rows, merged = tables[index]
        return SheetTable(names[index], len(rows), merged, lambda: iter(rows))

    return SpreadsheetFile(path, "html", "html", names, sheet)

