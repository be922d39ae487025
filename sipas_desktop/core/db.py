"""The SQLite database: one file per office, opened through peewee.

`open_database(path)` sets WAL and foreign keys, refuses a database written by a newer version,
backs the file up before any pending migration and then applies the migrations in order.
Every write goes through `atomic()` so a power cut leaves either the old or the new state.
peewee gives each thread its own connection; a worker thread wraps its work in
`database.connection_context()`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee

from sipas_desktop.core.errors import UserError

database = peewee.SqliteDatabase(None)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -32000,
}

# Windows' own SQLite allows 32,766 parameters per statement (Linux builds: 250,000).
MAX_SQL_PARAMS = 32766


def chunk_size(columns: int) -> int:
    """Rows per multi-row INSERT so that Windows' parameter limit is never passed."""
    return max(1, MAX_SQL_PARAMS // max(1, columns) - 1)


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        head = handle.read(16)
    if head != b"SQLite format 3\x00":
        raise UserError(f"Tệp “{path}” không phải cơ sở dữ liệu SIPAS (không phải tệp SQLite).",
                        code="DB_001")


def open_database(path: Path | str, *, migrate: bool = True) -> Path:
    """Open (creating if needed) the database at `path` and bring its schema up to date."""
    from sipas_desktop.core import migrations, storage

    path = Path(path).expanduser().resolve()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"Không tạo được thư mục dữ liệu “{path.parent}”: "
                        f"{storage.os_error_reason(exc)}.", code="DB_002") from exc
    _check_is_sqlite(path)
    close_database()
    database.init(str(path), pragmas=PRAGMAS, check_same_thread=False)
    try:
        database.connect(reuse_if_open=True)
    except (peewee.OperationalError, sqlite3.OperationalError) as exc:
        raise UserError(f"Không mở được cơ sở dữ liệu “{path}”: {storage.explain(path.parent, exc)}.",
                        code="DB_003") from exc
    if migrate:
        with storage.storage_errors(path, "Không cập nhật được cơ sở dữ liệu", "DB_005"):
            migrations.migrate(path)
    return path


def close_database() -> None:
    if database.database and not database.is_closed():
        database.close()


def database_path() -> Path | None:
    return Path(database.database) if database.database else None


def atomic():
    """A transaction (nested calls become savepoints)."""
    return database.atomic()
