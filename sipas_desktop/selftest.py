"""`sipas --selftest`: prove, after installation, that the program really works on this machine.

Each check in `CHECKS` is a named step that does real work (a real SQLite file, a real backup,
a real PDF, a real window) inside a temporary data folder: `SIPAS_HOME` and `SIPAS_DB` point
there while the checks run, so the user's own data is never touched, and the folder is removed
afterwards. Each check prints one Vietnamese line, `[OK]` or `[LỖI]` with the reason; the exit
code is 0 only if every check passed. The same lines go to `logs/selftest.txt` in the user's
own data folder, because the windowed Windows program has no console to print to.

To add a check, append `Check("Vietnamese label", function)` to `CHECKS`; the function gets
the `SelftestContext`, raises on failure and may return a short detail text. Checks run in
order and share the context, so a later check can use what an earlier one made (the survey
walk in `selftest_survey.py`: demo log → plan and sample → printed forms → report file).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from sipas_desktop import __version__
from sipas_desktop import selftest_survey as survey
from sipas_desktop.core.errors import SipasError
from sipas_desktop.core.text import format_int, format_number

WINDOW_TIMEOUT = 20  # seconds; a first start under wine takes a few

# Letters that reportlab's built-in fonts cannot print; the bundled font must have them all.
VIETNAMESE_SAMPLE = "Cộng hòa xã hội chủ nghĩa Việt Nam — ư ơ ạ ế ữ ỹ Đ đ Ư Ơ"


class SelftestFailure(Exception):
    """A check found the program not working; the message is Vietnamese and says why."""


@dataclass
class SelftestContext:
    """What the checks share: the temporary folder and what earlier checks produced."""

    folder: Path
    db_path: Path
    made: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    label: str
    run: Callable[[SelftestContext], str | None]


@dataclass(frozen=True)
class CheckResult:
    label: str
    ok: bool
    seconds: float
    detail: str = ""

    def line(self) -> str:
        status = "[OK]  " if self.ok else "[LỖI] "
        text = f"{status}{self.label} ({format_number(self.seconds, 2)} giây)"
        return f"{text}: {self.detail}" if self.detail else text


# --- the checks ----------------------------------------------------------------------------------

def check_create_database(ctx: SelftestContext) -> str:
    import sqlite3

    from sipas_desktop.core.services.app import open_app

    info = open_app(ctx.db_path)
    if not info.db_path.is_file():
        raise SelftestFailure(f"không thấy tệp cơ sở dữ liệu “{info.db_path}” sau khi tạo")
    con = sqlite3.connect(str(info.db_path))
    try:
        verdict = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    if verdict != "ok":
        raise SelftestFailure(f"cơ sở dữ liệu vừa tạo bị lỗi ({verdict})")
    return f"{len(info.migrated)} bước cập nhật cấu trúc"


def check_init_office(ctx: SelftestContext) -> str:
    from sipas_desktop.core import units
    from sipas_desktop.core.services.app import get_office, init_office

    communes = units.search_units("", level=3, limit=1)
    if not communes:
        raise SelftestFailure("danh sách đơn vị hành chính đi kèm chương trình bị trống")
    init_office(communes[0].code, "xa")
    office = get_office()
    if not office.configured or office.unit is None or office.unit.code != communes[0].code:
        raise SelftestFailure("đã khai báo đơn vị nhưng đọc lại không thấy")
    ctx.made["unit_code"] = office.unit.code
    return office.unit.full_name


def check_backup(ctx: SelftestContext) -> str:
    from sipas_desktop.core.backup import check_backup_file
    from sipas_desktop.core.services.app import backup_now

    path = backup_now()
    check_backup_file(path)  # integrity check of the copy, raises UserError if it is damaged
    ctx.made["backup"] = path
    return path.name


def check_vietnamese_pdf(ctx: SelftestContext) -> str:
    """The bundled font is found, has every Vietnamese letter, and reportlab writes a PDF with it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    from sipas_desktop.core.reporting.fonts import register_fonts

    name = register_fonts()
    face = pdfmetrics.getFont(name).face
    missing = sorted({ch for ch in VIETNAMESE_SAMPLE if ch != " " and ord(ch) not in face.charToGlyph})
    if missing:
        raise SelftestFailure("phông chữ đi kèm thiếu các chữ: " + " ".join(missing))
    target = ctx.folder / "kiem-tra.pdf"
    pdf = canvas.Canvas(str(target))
    pdf.setFont(name, 13)
    pdf.drawString(72, 720, VIETNAMESE_SAMPLE)
    pdf.save()
    head = target.read_bytes()[:5]
    if head != b"%PDF-":
        raise SelftestFailure("tệp PDF ghi ra không đúng định dạng")
    return f"{format_int(target.stat().st_size)} byte"


def check_excel_round_trip(ctx: SelftestContext) -> str:
    """openpyxl (and its XML writer) is in the bundle: write a workbook, read the text back."""
    import openpyxl

    target = ctx.folder / "kiem-tra.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Sổ hồ sơ"
    book.active.append(["Tên cá nhân, tổ chức", "Ngày nhận"])
    book.active.append(["Nguyễn Thị Hường", "05/09/2020"])
    book.save(target)
    back = openpyxl.load_workbook(target, read_only=True)
    try:
        rows = list(back["Sổ hồ sơ"].iter_rows(values_only=True))
    finally:
        back.close()
    if rows[1][0] != "Nguyễn Thị Hường":
        raise SelftestFailure("đọc lại tệp Excel không đúng chữ đã ghi")
    return "đọc lại đúng"


def _display_problem() -> str | None:
    """Why no window can be opened here, or None when a display should be available."""
    if sys.platform in ("win32", "darwin"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("không có màn hình để mở cửa sổ (biến DISPLAY chưa được đặt); hãy chạy trong phiên "
            "làm việc có giao diện đồ họa, hoặc dưới xvfb-run")


def check_main_window(ctx: SelftestContext) -> str:
    """Build the real main window (ui.app.create_main_window), wait until it is on screen, open the
    merge area (its file drop needs tkdnd, a native library), close it.

    Messages the window would show go to a RecordingPrompter, so nothing modal can block the
    check; an error it would have shown fails the check. The event loop is not entered: Tk
    events are processed only until the window is mapped.
    """
    problem = _display_problem()
    if problem:
        raise SelftestFailure(problem)
    from sipas_desktop.core import db

    db.close_database()  # the GUI opens the database itself
    try:
        import tkinter  # noqa: TID251  (selftest is a front end, like ui/ and cli/)

        from sipas_desktop.ui.app import create_main_window
        from sipas_desktop.ui.errors import RecordingPrompter
    except ImportError as exc:
        raise SelftestFailure(f"không nạp được phần giao diện ({exc})") from exc
    prompter = RecordingPrompter()
    try:
        root, window = create_main_window(ctx.db_path, prompter=prompter)
    except tkinter.TclError as exc:
        raise SelftestFailure(f"không mở được cửa sổ: {exc}") from exc
    try:
        deadline = time.monotonic() + WINDOW_TIMEOUT
        while not root.winfo_ismapped():
            if time.monotonic() > deadline:
                raise SelftestFailure(f"cửa sổ chính không hiện ra sau {WINDOW_TIMEOUT} giây")
            root.update()
            time.sleep(0.02)
        root.update()
        title = root.title()
        # Files dropped on the merge screen need the native tkdnd library the bundle must carry.
        merge = window.show_area("merge")
        root.update()
        if merge is None or getattr(merge, "drop", None) is None:
            raise SelftestFailure("không nạp được thư viện kéo thả tệp (tkdnd) cho khu vực Tổng hợp báo cáo")
        dnd = root.tk.call("package", "present", "tkdnd")
        errors = [message for kind, _title, message in prompter.shown if kind == "error"]
        if errors:
            raise SelftestFailure("cửa sổ chính báo lỗi: " + errors[0])
    finally:
        try:
            window.quit_app()  # the real close path: remembers the geometry, saves preferences
        finally:
            with contextlib.suppress(tkinter.TclError):
                root.destroy()
    return f"cửa sổ “{title}”, kéo thả tệp (tkdnd {dnd})"


CHECKS: list[Check] = [
    Check("Tạo cơ sở dữ liệu mới", check_create_database),
    Check("Khai báo đơn vị", check_init_office),
    Check("Sao lưu cơ sở dữ liệu", check_backup),
    Check("Ghi tệp PDF có chữ tiếng Việt", check_vietnamese_pdf),
    Check("Ghi và đọc tệp Excel", check_excel_round_trip),
    # One small survey end to end (selftest_survey.py), each step on the previous one's data.
    Check("Nhập sổ hồ sơ mẫu", survey.check_import_log),
    Check("Lập kế hoạch và chọn mẫu", survey.check_draw_sample),
    Check("In phiếu khảo sát ra PDF", survey.check_print_forms),
    Check("Nhập phiếu và ghi tệp báo cáo", survey.check_report_file),
    Check("Mở và đóng cửa sổ chính", check_main_window),
]


# --- running -------------------------------------------------------------------------------------

@contextmanager
def temporary_data_folder() -> Iterator[SelftestContext]:
    """Point SIPAS_HOME and SIPAS_DB at a fresh folder for the duration; restore them after."""
    from sipas_desktop.core import db

    folder = Path(tempfile.mkdtemp(prefix="sipas-selftest-"))
    saved = {key: os.environ.get(key) for key in ("SIPAS_HOME", "SIPAS_DB")}
    os.environ["SIPAS_HOME"] = str(folder / "data")
    os.environ["SIPAS_DB"] = str(folder / "data" / "sipas.db")
    try:
        yield SelftestContext(folder=folder, db_path=folder / "data" / "sipas.db")
    finally:
        db.close_database()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def run_check(check: Check, ctx: SelftestContext) -> CheckResult:
    start = time.perf_counter()
    try:
        detail = check.run(ctx) or ""
        return CheckResult(check.label, True, time.perf_counter() - start, detail)
    except (SelftestFailure, survey.Failure) as exc:
        return CheckResult(check.label, False, time.perf_counter() - start, str(exc))
    except SipasError as exc:
        return CheckResult(check.label, False, time.perf_counter() - start, exc.message)
    except Exception as exc:  # an unexpected error is a failed check, never a crash of the test
        import logging

        logging.getLogger("sipas.selftest").error("Selftest check %r failed:\n%s", check.label,
                                                  traceback.format_exc())
        return CheckResult(check.label, False, time.perf_counter() - start,
                           f"lỗi không mong đợi {type(exc).__name__}: {exc}")


def _writable(stream: TextIO | None) -> TextIO | None:
    # The windowed Windows program has sys.stdout = None.
    return stream if stream is not None and hasattr(stream, "write") else None


def run_selftest(checks: list[Check] | None = None, out: TextIO | None = None) -> int:
    """Run every check, print one line each, return 0 only if all passed."""
    from sipas_desktop.core import logs

    out = _writable(out) or _writable(sys.stdout)
    report_file: Path | None = None
    try:
        logs.setup_logging()  # in the real data folder: the log outlives the temporary one
        report_file = logs.log_file().with_name("selftest.txt")
    except OSError:
        report_file = None  # a read-only data folder: the checks below will say so too
    lines: list[str] = []

    def emit(text: str) -> None:
        lines.append(text)
        if out is not None:
            print(text, file=out, flush=True)

    emit(f"SIPAS Desktop {__version__}: tự kiểm tra chương trình")
    results: list[CheckResult] = []
    with temporary_data_folder() as ctx:
        for check in CHECKS if checks is None else checks:
            result = run_check(check, ctx)
            results.append(result)
            emit(result.line())
    passed = sum(r.ok for r in results)
    if passed == len(results):
        emit(f"Kết quả: đạt cả {len(results)} mục. Chương trình hoạt động bình thường.")
    else:
        emit(f"Kết quả: đạt {passed}/{len(results)} mục; {len(results) - passed} mục LỖI.")
    if report_file is not None:
        try:
            report_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError:
            pass
    return 0 if passed == len(results) else 1
