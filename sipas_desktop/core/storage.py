"""Read-only and full disks: find out why a folder cannot be written, and say it in Vietnamese.

SQLite reports these conditions in English and vaguely ("unable to open database file",
"disk I/O error", "attempt to write a readonly database", "database or disk is full"), and the
operating system's own text may be English too. `storage_errors()` turns them into a UserError
that says what could not be done, why (found by trying a small write in the folder), and what
to do; SQLite's transactions guarantee the database is left as it was.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee

from sipas_desktop.core.errors import UserError

# SQLite's messages for a write that the storage refused (lower case).
STORAGE_MESSAGES = ("disk is full", "disk i/o error", "readonly database", "read-only",
                    "unable to open database file", "no space left")
LOW_SPACE = 1024 * 1024  # bytes; below this a folder counts as full
ADVICE = ("Hãy giải phóng chỗ trống trên ổ đĩa, hoặc chọn thư mục khác mà tài khoản có quyền ghi, "
          "rồi làm lại.")


def os_error_reason(exc: OSError) -> str:
    """A Vietnamese reason for the usual OS errors (the OS's own text may be English)."""
    reasons = {
        errno.ENOSPC: "ổ đĩa đã đầy",
        errno.EROFS: "ổ đĩa chỉ cho đọc",
        errno.EACCES: "tài khoản không có quyền ghi vào đó",
        errno.EPERM: "tài khoản không có quyền ghi vào đó",
        errno.ENOTDIR: "đường dẫn đi qua một tệp, không phải thư mục",
        errno.EEXIST: "đã có một tệp trùng tên ở chỗ cần tạo thư mục",
        errno.EFBIG: "tệp vượt quá kích thước cho phép",
    }
    if hasattr(errno, "EDQUOT"):
        reasons[errno.EDQUOT] = "hết hạn mức dung lượng của tài khoản"
    return reasons.get(exc.errno or -1, exc.strerror or str(exc))


def _existing(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def storage_problem(folder: Path | str) -> str | None:
    """Why `folder` cannot take a small write (Vietnamese), or None when it can."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        return "đường dẫn là một tệp, không phải thư mục"
    target = _existing(folder)
    if not target.is_dir():
        return "đường dẫn đi qua một tệp, không phải thư mục"
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".sipas-probe-") as probe:
            probe.write(b"\0" * 65536)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return os_error_reason(exc)
    try:
        free = shutil.disk_usage(target).free
    except OSError:
        return None
    if free < LOW_SPACE:
        return f"ổ đĩa gần đầy (chỉ còn {free // 1024} KB trống)"
    return None


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    # A failed COMMIT on a full disk is followed by a failed ROLLBACK ("cannot rollback - no
    # transaction is active"): the cause is further down the chain.
    seen = 0
    while exc is not None and seen < 10:
        yield exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1


def _storage_cause(exc: BaseException) -> BaseException | None:
    for item in _chain(exc):
        if isinstance(item, OSError):
            if item.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG):
                return item
        elif isinstance(item, (sqlite3.OperationalError, peewee.OperationalError)):
            if any(marker in str(item).lower() for marker in STORAGE_MESSAGES):
                return item
    return None


def is_storage_error(exc: BaseException) -> bool:
    return _storage_cause(exc) is not None


def explain(folder: Path | str, exc: BaseException) -> str:
    """The best Vietnamese reason for `exc`, raised while writing in `folder`."""
    found = storage_problem(folder)
    if found:
        return found
    exc = _storage_cause(exc) or exc
    if isinstance(exc, OSError):
        return os_error_reason(exc)
    text = str(exc).lower()
    if "disk is full" in text or "no space" in text:
        return "ổ đĩa đã đầy"
    if "readonly" in text or "read-only" in text:
        return "tệp hoặc ổ đĩa chỉ cho đọc"
    if "disk i/o error" in text:
        return "lỗi khi ghi ra ổ đĩa (ổ đĩa đầy, hỏng, hoặc là thẻ nhớ/USB đã bị rút ra)"
    if "unable to open database file" in text:
        return "không mở được tệp (thư mục chỉ cho đọc, không có quyền, hoặc ổ đĩa không còn)"
    return str(exc)


@contextmanager
def storage_errors(db_path: Path | str, action: str, code: str) -> Iterator[None]:
    """Turn a write refused by the storage into UserError(code): “{action} “path”: why. Advice.”"""
    try:
        yield
    except (OSError, sqlite3.OperationalError, peewee.OperationalError) as exc:
        if not is_storage_error(exc):
            raise
        path = Path(db_path)
        raise UserError(f"{action} “{path}”: {explain(path.parent, exc)}. {ADVICE} "
                        "Dữ liệu đã lưu không bị thay đổi.", code=code) from exc


def as_user_error(exc: BaseException, db_path: Path | str | None = None) -> UserError | None:
    """For the front ends' last-resort handlers: a storage failure as a UserError, else None."""
    if not is_storage_error(exc):
        return None
    if db_path is None:
        from sipas_desktop.core.db import database_path

        db_path = database_path()
    folder = Path(db_path).parent if db_path else Path.cwd()
    where = f" “{folder}”" if db_path else ""
    return UserError(f"Không ghi được dữ liệu vào thư mục{where}: {explain(folder, exc)}. {ADVICE} "
                     "Việc vừa làm chưa được lưu; dữ liệu đã lưu trước đó không bị thay đổi.",
                     code="DISK_001")
