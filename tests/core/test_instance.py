"""The single-instance guard, with real OS locks, real processes and a real loopback socket."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from sipas_desktop.core import instance
from sipas_desktop.core.errors import UserError

ROOT = Path(__file__).resolve().parents[2]


def other_copy(folder: Path, body: str) -> subprocess.Popen[str]:
    """A second Python process running `body` with `folder` and `instance` in scope."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from sipas_desktop.core import instance
        folder = Path({str(folder)!r})
    """) + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_first_copy_gets_the_lock_and_listens_on_loopback_only(tmp_path):
    lock = instance.acquire(folder=tmp_path)
    try:
        assert lock is not None
        host, port = lock.address
        assert host == "127.0.0.1" and port > 0
        info = json.loads((tmp_path / instance.INFO_NAME).read_text("utf-8"))
        assert info["port"] == port and info["pid"] == os.getpid() and len(info["token"]) == 32
    finally:
        lock.release()
    assert not (tmp_path / instance.INFO_NAME).exists()


def test_a_second_copy_is_refused_and_brings_the_first_to_the_front(tmp_path):
    raised = threading.Event()
    lock = instance.acquire(raised.set, folder=tmp_path)
    assert lock is not None
    try:
        second = other_copy(tmp_path, "print(instance.acquire(folder=folder))")
        out, err = second.communicate(timeout=30)
        assert second.returncode == 0, err
        assert out.strip() == "None"
        assert raised.wait(5)
        assert lock.take_raise_request() is True
        assert lock.take_raise_request() is False
    finally:
        lock.release()


def test_a_second_copy_in_the_same_process_is_refused_too(tmp_path):
    calls = []
    with instance.acquire(lambda: calls.append(1), folder=tmp_path) as lock:
        assert lock is not None
        assert instance.acquire(folder=tmp_path) is None
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        assert calls == [1]


def test_after_the_first_copy_closes_the_next_one_starts_normally(tmp_path):
    first = instance.acquire(folder=tmp_path)
    first.release()
    second = instance.acquire(folder=tmp_path)
    assert second is not None
    second.release()


def wait_until_stopped(pid: int) -> None:
    stat = Path(f"/proc/{pid}/stat")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if stat.read_text().rsplit(")", 1)[1].split()[0] in ("T", "t"):
            return
        time.sleep(0.01)
    raise AssertionError("the other copy did not stop")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_crashed_first_copy_leaves_no_stale_lock(tmp_path):
    crashed = other_copy(tmp_path, """
        lock = instance.acquire(folder=folder)
        print("held" if lock else "refused", flush=True)
        time.sleep(60)
    """)
    assert crashed.stdout.readline().strip() == "held"
    crashed.send_signal(signal.SIGSTOP)
    wait_until_stopped(crashed.pid)  # SIGSTOP is asynchronous: a busy machine may lag
    with pytest.raises(UserError):  # really held while it runs (stopped: it cannot answer)
        instance.acquire(folder=tmp_path, timeout=0.5)
    crashed.send_signal(signal.SIGKILL)
    crashed.communicate(timeout=10)
    assert (tmp_path / instance.INFO_NAME).exists()  # its port file is left behind …
    lock = instance.acquire(folder=tmp_path, timeout=0.5)  # … and does not matter
    assert lock is not None
    lock.release()


@pytest.mark.skipif(sys.platform == "win32", reason="the hung copy is imitated with fcntl")
def test_a_first_copy_that_does_not_answer_does_not_hang_the_second(tmp_path):
    # Holds the OS lock, listens, but never accepts nor answers: a hung first copy.
    hung = other_copy(tmp_path, """
        import fcntl, json, socket
        handle = open(folder / instance.LOCK_NAME, "a+b")
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        info = {"pid": 1, "port": server.getsockname()[1], "token": "0" * 32}
        (folder / instance.INFO_NAME).write_text(json.dumps(info))
        print("held", flush=True)
        time.sleep(60)
    """)
    try:
        assert hung.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(UserError) as caught:
            instance.acquire(folder=tmp_path, timeout=1.0)
        assert time.monotonic() - started < 5
        assert caught.value.code == "INSTANCE_003"
        assert caught.value.message == instance.NO_ANSWER_MESSAGE
        assert instance.notify_running_copy(tmp_path, timeout=0.5) is False
    finally:
        hung.kill()
        hung.communicate(timeout=10)


def test_a_stranger_with_the_wrong_token_does_not_raise_the_window(tmp_path):
    import socket

    calls = []
    with instance.acquire(lambda: calls.append(1), folder=tmp_path) as lock:
        with socket.create_connection(lock.address, timeout=2) as conn:
            conn.sendall(b"SIPAS-RAISE not-the-token\n")
            conn.settimeout(2)
            assert conn.recv(16) == b""
        time.sleep(0.2)
        assert calls == [] and lock.take_raise_request() is False


def test_a_data_folder_that_cannot_be_written_gives_a_clear_vietnamese_message(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(UserError) as caught:
        instance.acquire(folder=blocker / "SIPAS")
    assert caught.value.code == "INSTANCE_001"
    assert "Không ghi được vào thư mục dữ liệu" in caught.value.message
    assert "đường dẫn đi qua một tệp, không phải thư mục" in caught.value.message


def test_the_lock_defaults_to_the_users_data_folder(_isolated_home):
    with instance.acquire() as lock:
        assert lock.folder == _isolated_home
        assert (_isolated_home / instance.LOCK_NAME).exists()
