"""Backups of the database file: before migrations, daily (rotating), on demand; and restore.

A backup is made with SQLite's online backup API (consistent even while the app is open),
written to a temporary name and renamed, so a power cut never leaves half a backup behind.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sipas_desktop.core import paths
from sipas_desktop.core.errors import UserError

KEEP_DAILY = 14
KEEP_OTHER = 10


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    reason: str
    size: int


def _discard(tmp: Path) -> None:
    """Remove a temporary file after a failure; a path that cannot even be reached is no error."""
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


def _why(exc: BaseException) -> str:
    """A Vietnamese reason: the OS's and SQLite's own texts are English."""
    from sipas_desktop.core.storage import os_error_reason

    if isinstance(exc, OSError):
        return os_error_reason(exc)
    text = str(exc).lower()
    if "full" in text:
        return "ổ đĩa đã đầy"
    if "readonly" in text or "read-only" in text:
        return "ổ đĩa chỉ cho đọc"
    return "tệp cơ sở dữ liệu đang bận hoặc bị hỏng"


def backup_database(db_path: Path, *, reason: str = "thu-cong", dest: Path | None = None) -> Path:
    """Copy the live database to the backups folder (or `dest`) and return the new file's path."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise UserError(f"Chưa có cơ sở dữ liệu “{db_path}” để sao lưu.", code="BACKUP_001")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(dest) if dest else paths.backup_dir(db_path) / f"sipas-{stamp}-{reason}.db"
    counter = 2
    while target.exists() and dest is None:  # several backups in one second
        target = target.with_name(f"sipas-{stamp}-{reason}~{counter}.db")
        counter += 1
    tmp = target.with_name(target.name + ".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(str(db_path))
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        _discard(tmp)
        raise UserError(f"Không sao lưu được vào “{target.parent}”: {_why(exc)}. "
                        "Kiểm tra ổ đĩa còn chỗ trống và có quyền ghi.", code="BACKUP_002") from exc
    if dest is None:
        rotate(db_path)
    return target


def list_backups(db_path: Path) -> list[BackupInfo]:
    folder = paths.backup_dir(Path(db_path))
    found = []
    for file in folder.glob("sipas-*.db"):
        parts = file.stem.split("-", 3)
        reason = parts[3].split("~")[0] if len(parts) > 3 else ""
        try:
            created = datetime.strptime(f"{parts[1]}{parts[2]}", "%Y%m%d%H%M%S")
        except (ValueError, IndexError):
            created = datetime.fromtimestamp(file.stat().st_mtime)
        found.append(BackupInfo(file, created, reason, file.stat().st_size))
    return sorted(found, key=lambda b: b.created, reverse=True)


def rotate(db_path: Path) -> None:
    """Keep the newest KEEP_DAILY daily backups and KEEP_OTHER of every other reason."""
    by_reason: dict[str, list[BackupInfo]] = {}
    for info in list_backups(db_path):
        by_reason.setdefault(info.reason, []).append(info)
    for reason, items in by_reason.items():
        keep = KEEP_DAILY if reason == "hang-ngay" else KEEP_OTHER
        for old in items[keep:]:
            old.path.unlink(missing_ok=True)


def daily_backup_if_due(db_path: Path) -> Path | None:
    """Make today's rotating backup unless one exists already."""
    today = date.today()
    if any(b.reason == "hang-ngay" and b.created.date() == today for b in list_backups(db_path)):
        return None
    return backup_database(db_path, reason="hang-ngay")


def check_backup_file(path: Path) -> list[str]:
    """Validate a file offered for restore; return its migration names. Raises UserError."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp sao lưu “{path}”.", code="BACKUP_010")
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise UserError(f"Tệp “{path.name}” không phải bản sao lưu SIPAS (không phải tệp SQLite).",
                            code="BACKUP_011")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            names = [r[0] for r in con.execute("SELECT name FROM schema_migration")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise UserError(f"Tệp “{path.name}” không phải bản sao lưu SIPAS hợp lệ (không có bảng của SIPAS "
                        "hoặc tệp hỏng).",
                        code="BACKUP_012") from exc
    if ok != "ok":
        raise UserError(f"Tệp sao lưu “{path.name}” bị hỏng ({ok}).", code="BACKUP_013")
    return names


def restore_database(db_path: Path, backup: Path) -> Path:
    """Replace the database with `backup` after saving the current one. Returns the safety copy.

    The caller must close the database first and reopen it afterwards (migrations then bring an
    older backup up to date).
    """
    from sipas_desktop.core.migrations import STEPS

    names = check_backup_file(backup)
    known = {name for name, _ in STEPS}
    if any(name not in known for name in names):
        raise UserError("Bản sao lưu do phiên bản SIPAS Desktop mới hơn tạo ra; không khôi phục được "
                        "bằng phiên bản này. Dữ liệu hiện tại không thay đổi.", code="BACKUP_014")
    db_path = Path(db_path)
    safety = backup_database(db_path, reason="truoc-khoi-phuc") if db_path.exists() else db_path
    tmp = db_path.with_name(db_path.name + ".restore.tmp")
    try:
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        for suffix in ("-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        os.replace(tmp, db_path)
    except (OSError, sqlite3.Error) as exc:
        _discard(tmp)
        raise UserError(f"Không khôi phục được: {_why(exc)}. Dữ liệu hiện tại không thay đổi.",
                        code="BACKUP_015") from exc
    return safety
