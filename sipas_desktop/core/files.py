"""Writing output files safely: to a temporary name in the same folder, then renamed.

A power cut, a full disk or a file held open by Excel therefore never leaves half a file, and an
older file of the same name stays as it was until the new one is complete. Every writer (xlsx,
PDF, DOCX, CSV) goes through `atomic_file`; OS errors become a UserError in Vietnamese.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.storage import os_error_reason


def _reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return ("tệp đang mở trong Excel, Word hoặc chương trình khác, hoặc không có quyền ghi; "
                "hãy đóng tệp rồi thử lại")
    return os_error_reason(exc)


@contextmanager
def atomic_file(path: Path | str, *, code: str = "FILE_001") -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block ends without error, rename it to `path`.

    On any failure the temporary file is removed and `path` is untouched; OS errors are raised as
    UserError(code) saying which file and why.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục “{path.parent}”: {_reason(exc)}.", code=code) from exc
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Không ghi được tệp “{path}”: {_reason(exc)}. Tệp cũ (nếu có) không đổi.",
                        code=code) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path | str, data: bytes, *, code: str = "FILE_001") -> Path:
    """Write `data` atomically (flushed to disk before the rename)."""
    with atomic_file(path, code=code) as tmp:
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return Path(path)


def save_workbook(wb: Any, path: Path | str, *, code: str = "FILE_001") -> Path:
    """Save an openpyxl workbook atomically."""
    with atomic_file(path, code=code) as tmp:
        wb.save(tmp)
    return Path(path)
