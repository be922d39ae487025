"""Read-only and full disks give a clear Vietnamese message and leave the database intact.

Tests run as root here, and root ignores file permissions (chmod 555 does not stop it). So the
real conditions are made in a private mount namespace (`unshare -m`, root only): a read-only
bind mount (EROFS) and a 300 KB tmpfs (ENOSPC, SQLite's "database or disk is full"). Without
root or `unshare`, the read-only case falls back to chmod (which then really applies) and the
full-disk cases are skipped with that reason.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sipas_desktop.core import storage
from sipas_desktop.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


def _namespaces_work() -> bool:
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


NAMESPACES = _namespaces_work()
needs_namespace = pytest.mark.skipif(not NAMESPACES, reason="needs root and unshare -m to mount "
                                     "a tmpfs or a read-only bind mount")


def sipas(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "sipas_desktop", *args])


def in_namespace(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SIPAS_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("SIPAS_DB", None)
    return subprocess.run(["unshare", "-m", "sh", "-ec", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_database(path: Path) -> None:
    from sipas_desktop.core.db import close_database
    from sipas_desktop.core.services.app import init_office, open_app

    open_app(path)
    init_office("18352", "xa")
    close_database()


INTEGRITY = ("import sqlite3, sys; c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True); "
             "print('integrity', c.execute('pragma integrity_check').fetchone()[0])")


@needs_namespace
def test_a_new_database_on_a_full_disk_is_refused_with_a_clear_message_and_no_damage(tmp_path):
    disk = tmp_path / "usb"
    disk.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs -o size=300k tmpfs {disk}
        {sipas('--db', str(disk / 'sipas.db'), 'init', '--unit', '18352')} || echo "exit $?"
        {sys.executable} -c "{INTEGRITY}" {disk / 'sipas.db'}
    """, tmp_path / "home")
    assert "exit 1" in result.stdout, result.stderr
    assert "Lỗi: Không cập nhật được cơ sở dữ liệu" in result.stderr
    assert "ổ đĩa đã đầy" in result.stderr and "Dữ liệu đã lưu không bị thay đổi." in result.stderr
    assert "Traceback" not in result.stderr and "không mong đợi" not in result.stderr
    assert "integrity ok" in result.stdout


@needs_namespace
def test_a_backup_onto_a_full_disk_fails_clearly_and_leaves_the_database_as_it_was(tmp_path):
    db = tmp_path / "sipas.db"
    make_database(db)
    before = sha(db)
    disk = tmp_path / "usb"
    disk.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs -o size=200k tmpfs {disk}
        {sipas('--db', str(db), 'backup', '--out', str(disk / 'sao-luu.db'))} || echo "exit $?"
        ls {disk}
    """, tmp_path / "home")
    assert "exit 1" in result.stdout, result.stderr
    assert "Không sao lưu được" in result.stderr and "Traceback" not in result.stderr
    assert "sao-luu.db" not in result.stdout  # no half-written backup left behind
    assert sha(db) == before


@needs_namespace
def test_a_write_on_a_disk_that_filled_up_is_refused_clearly_and_the_data_survives(tmp_path):
    db_dir = tmp_path / "data"
    db_dir.mkdir()
    result = in_namespace(f"""
        mount -t tmpfs -o size=4m tmpfs {db_dir}
        {sipas('--db', str(db_dir / 'sipas.db'), 'init', '--unit', '18352')}
        dd if=/dev/zero of={db_dir}/filler bs=4k 2>/dev/null || true
        {sipas('--db', str(db_dir / 'sipas.db'), 'units', 'add', '--code', '99001', '--name',
               'Xã Thử', '--kind', 'xa', '--parent', '42')} || echo "exit $?"
        rm {db_dir}/filler
        {sys.executable} -c "{INTEGRITY}" {db_dir / 'sipas.db'}
        {sipas('--db', str(db_dir / 'sipas.db'), 'units', 'search', 'Nghi Xuân')}
    """, tmp_path / "home")
    assert "exit 1" in result.stdout, result.stderr
    assert "ổ đĩa" in result.stderr and "Traceback" not in result.stderr
    assert "không mong đợi" not in result.stderr
    assert "integrity ok" in result.stdout
    assert "Nghi Xuân" in result.stdout  # the data written before is all there


def test_a_database_on_a_read_only_disk_is_refused_with_a_clear_message_and_left_unchanged(tmp_path):
    db_dir = tmp_path / "data"
    db = db_dir / "sipas.db"
    make_database(db)
    before = sha(db)
    command = sipas("--db", str(db), "units", "search", "Nghi Xuân")
    if NAMESPACES:
        result = in_namespace(f"""
            mount --bind {db_dir} {db_dir}
            mount -o remount,bind,ro {db_dir}
            {command} || echo "exit $?"
        """, tmp_path / "home")
        reason = "ổ đĩa chỉ cho đọc"
    elif os.name == "posix" and os.geteuid() != 0:
        for extra in db_dir.glob("sipas.db-*"):
            extra.unlink()
        db_dir.chmod(0o555)
        try:
            result = subprocess.run(f'{command} || echo "exit $?"', shell=True, capture_output=True,
                                    text=True, env={**os.environ, "SIPAS_HOME": str(tmp_path / "h")})
        finally:
            db_dir.chmod(0o755)
        reason = "không có quyền ghi"
    else:
        pytest.skip("root without unshare: no way to make a folder read-only for this process")
    assert "exit 1" in result.stdout, result.stderr
    assert "Lỗi: Không mở được cơ sở dữ liệu" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr
    assert sha(db) == before


def test_a_data_folder_path_that_runs_through_a_file_is_explained(tmp_path):
    from sipas_desktop.core.services.app import open_app

    blocker = tmp_path / "D"
    blocker.write_text("not a folder")
    with pytest.raises(UserError) as caught:
        open_app(blocker / "SIPAS" / "sipas.db")
    assert caught.value.code == "DB_002"
    assert "đường dẫn đi qua một tệp, không phải thư mục" in caught.value.message


def test_the_folder_probe_finds_nothing_wrong_with_an_ordinary_folder(tmp_path):
    assert storage.storage_problem(tmp_path) is None
    assert storage.storage_problem(tmp_path / "not" / "yet" / "made") is None
    assert list(tmp_path.iterdir()) == []  # the probe cleans up after itself
    (tmp_path / "f").write_text("x")
    assert storage.storage_problem(tmp_path / "f") == "đường dẫn là một tệp, không phải thư mục"


def test_a_failed_rollback_after_a_full_disk_is_still_recognised_as_a_full_disk():
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except sqlite3.OperationalError as exc:
        error = storage.as_user_error(exc, "/nowhere/sipas.db")
    assert error is not None and error.code == "DISK_001"
    assert storage.as_user_error(ValueError("a bug")) is None
    assert storage.as_user_error(sqlite3.OperationalError("no such table: x")) is None
