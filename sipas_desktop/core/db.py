"""The SQLite database: one file per office, opened through peewee.

`open_database(path)` sets WAL and foreign keys, refuses a database written by a newer version,
backs the file up before any pending migration and then applies the migrations in order.
Every write goes through `atomic()` so a power cut leaves either the old or the new state.
peewee gives each thread its own connection; a worker thread wraps its work in
`database.connection_context()`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import peewee

from sipas_desktop.core.errors import UserError

database = peewee.SqliteDatabase(None)

PRAGMAS = {
    # 16 KiB pages: a 100,000-dossier import writes and indexes ≈25 % faster than with 4 KiB.
    # Only a new, empty file takes it, and only before WAL is on (hence first); an older
    # database keeps its page size, which is just as correct.
    "page_size": 16384,
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
    wait_for_checkpoint()
    if database.database and not database.is_closed():
        database.close()


# --- checkpoints of large writes ----------------------------------------------------------------
# In WAL mode a commit appends the changed pages to the -wal file and then, past 1,000 pages,
# copies them all into the database file before returning (the automatic checkpoint): for a
# 100,000-dossier import that copy is ≈0.1 s of the user's wait. SQLite's documentation suggests
# turning automatic checkpoints off around such writes and running the checkpoint on a thread of
# its own (https://sqlite.org/wal.html#ckpt). The data is committed either way: a checkpoint only
# moves it between the two files, and one cut short is finished when the database next opens.
AUTO_CHECKPOINT_PAGES = 1000
_checkpoint: threading.Thread | None = None


@contextlib.contextmanager
def checkpoint_afterwards() -> Iterator[None]:
    """Around one large transaction: no checkpoint inside its commit, one on a thread after it."""
    con = database.connection()
    con.execute("PRAGMA wal_autocheckpoint = 0")
    try:
        yield
    finally:
        con.execute(f"PRAGMA wal_autocheckpoint = {AUTO_CHECKPOINT_PAGES}")
    _checkpoint_in_background(Path(database.database))


def _checkpoint_in_background(path: Path) -> None:
    global _checkpoint
    wait_for_checkpoint()

    def run() -> None:
        # Its own connection (a sqlite3 connection is used by one thread at a time). PASSIVE
        # never waits for, nor blocks, the program's readers and writers; an error leaves the
        # pages in the -wal file, where SQLite still finds them, so it is only logged.
        try:
            with contextlib.closing(sqlite3.connect(path, timeout=5)) as con:
                con.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            import logging

            logging.getLogger(__name__).warning("checkpoint of %s did not run", path, exc_info=True)

    _checkpoint = threading.Thread(target=run, name="sipas-checkpoint", daemon=True)
    _checkpoint.start()


def wait_for_checkpoint() -> None:
    """Let a background checkpoint finish (before the file is closed, copied or replaced)."""
    global _checkpoint
    running, _checkpoint = _checkpoint, None
    if running is not None:
        running.join()


def database_path() -> Path | None:
    return Path(database.database) if database.database else None


def atomic():
    """A transaction (nested calls become savepoints)."""
    return database.atomic()
