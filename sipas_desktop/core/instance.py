"""One running copy of the GUI per data folder; a second copy brings the first to the front.

Two copies of the GUI on one database would each keep their own view of the data, and a clerk
who double-clicks the icon twice would not know which window is current. So the GUI takes an
exclusive lock on `<data folder>/sipas.lock` before it opens the database:

- the operating system holds the lock (`fcntl.flock` on Linux, `msvcrt.locking` on Windows) and
  drops it when the process ends, however it ends: a crash never leaves a stale lock behind;
- the first copy listens on 127.0.0.1 (loopback only: no firewall prompt, nothing reachable
  from the network) on a port chosen by the system, and writes the port and a random token to
  `<data folder>/sipas-instance.json`;
- a second copy that finds the lock taken sends the token to that port; the first copy answers,
  comes to the front and says so (`RAISED_MESSAGE` in its status bar), and the second copy
  exits quietly. If the first copy does not answer (hung), the second one shows
  `NO_ANSWER_MESSAGE`. The second copy never opens the database.

Command-line use (`sipas backup`, imports, `--selftest`) takes no lock: SQLite's own locking
keeps those safe, and a backup while the GUI runs is a normal thing to do.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sipas_desktop.core import paths
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.storage import os_error_reason

LOCK_NAME = "sipas.lock"
INFO_NAME = "sipas-instance.json"
HOST = "127.0.0.1"
GREETING = "SIPAS-RAISE"
ANSWER = b"OK\n"

# Shown by the running copy (status bar) when a second start brought it to the front.
RAISED_MESSAGE = ("SIPAS Desktop đã đang mở ở cửa sổ này (mỗi lúc chỉ mở một cửa sổ chương trình); "
                  "hãy tiếp tục làm việc tại đây.")
# Shown by a second copy when the running one holds the data folder but does not answer.
NO_ANSWER_MESSAGE = (
    "SIPAS Desktop đang chạy trên máy này nhưng không trả lời. Hãy tìm cửa sổ SIPAS Desktop trên "
    "thanh tác vụ; nếu chương trình bị treo, đóng nó bằng Trình quản lý tác vụ (Ctrl+Shift+Esc) "
    "hoặc khởi động lại máy, rồi mở lại. Dữ liệu đã lưu không bị ảnh hưởng.")

log = logging.getLogger("sipas.instance")


class InstanceLock:
    """Held by the first copy while it runs: the OS lock and the loopback listener."""

    def __init__(self, handle: IO[bytes], folder: Path,
                 on_raise_request: Callable[[], None] | None) -> None:
        self.folder = folder
        self._handle: IO[bytes] | None = handle
        self._on_raise = on_raise_request
        self._token = secrets.token_hex(16)
        self._requests = 0
        self._guard = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind((HOST, 0))
        self._server.listen(4)
        self._server.settimeout(0.5)  # so the listener notices release() promptly
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sipas-instance", daemon=True)
        self._thread.start()
        _write_info(folder, {"pid": os.getpid(), "port": self.port, "token": self._token})

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1])

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.getsockname()[:2]
        return str(host), int(port)

    def take_raise_request(self) -> bool:
        """True (once) if a second copy asked this one to come to the front since the last call.

        For a GUI that prefers polling with `after()` to a callback from another thread.
        """
        with self._guard:
            pending, self._requests = self._requests > 0, 0
        return pending

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the socket was closed by release()
            with conn:
                conn.settimeout(2.0)
                try:
                    line = _read_line(conn)
                    if line != f"{GREETING} {self._token}":
                        continue  # not our second copy (a stray connection, an old token)
                    conn.sendall(ANSWER)
                except OSError:
                    continue
            with self._guard:
                self._requests += 1
            if self._on_raise is not None:
                try:
                    self._on_raise()
                except Exception:  # a GUI bug must not kill the listener
                    log.exception("on_raise_request failed")

    def release(self) -> None:
        """Stop listening and drop the lock (also happens when the process ends)."""
        if self._handle is None:
            return
        self._stopping.set()
        self._server.close()
        self._thread.join(timeout=2.0)
        with contextlib.suppress(OSError):
            info = json.loads((self.folder / INFO_NAME).read_text("utf-8"))
            if info.get("token") == self._token:
                (self.folder / INFO_NAME).unlink()
        _unlock(self._handle)
        self._handle.close()
        self._handle = None

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(on_raise_request: Callable[[], None] | None = None, *, folder: Path | None = None,
            timeout: float = 3.0) -> InstanceLock | None:
    """Become the running copy, or ask the running copy to come to the front.

    Returns the `InstanceLock` to keep for the life of the GUI, or None when another copy holds
    the data folder and has come to the front (exit quietly). Raises UserError when that copy
    does not answer (INSTANCE_003, `NO_ANSWER_MESSAGE`) or the data folder cannot be written.
    `on_raise_request` runs on a background thread: it must not touch Tk widgets directly
    (post to the GUI's queue, or poll `take_raise_request()` from `after()` instead).
    """
    folder = Path(folder) if folder is not None else paths.data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(folder / LOCK_NAME, "a+b")  # noqa: SIM115  (kept open while the GUI runs)
    except OSError as exc:
        raise UserError(f"Không ghi được vào thư mục dữ liệu “{folder}” ({os_error_reason(exc)}). "
                        "Kiểm tra ổ đĩa còn chỗ trống và tài khoản có quyền ghi vào thư mục đó.",
                        code="INSTANCE_001") from exc
    if _try_lock(handle):
        try:
            return InstanceLock(handle, folder, on_raise_request)
        except OSError as exc:
            _unlock(handle)
            handle.close()
            raise UserError(f"Không khởi động được chương trình ({os_error_reason(exc)}).",
                            code="INSTANCE_002") from exc
    handle.close()
    if notify_running_copy(folder, timeout=timeout):
        log.info("Another copy holds %s and came to the front", folder)
        return None
    log.warning("Another copy holds %s but did not answer", folder)
    raise UserError(NO_ANSWER_MESSAGE, code="INSTANCE_003")


def notify_running_copy(folder: Path, *, timeout: float = 3.0) -> bool:
    """Ask the copy that holds `folder` to come to the front; True if it answered."""
    deadline = time.monotonic() + timeout
    while True:
        info = _read_info(folder)
        if info is not None and _ping(info, max(0.2, deadline - time.monotonic())):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)  # the first copy may have just taken the lock and not yet written its port


def _ping(info: dict[str, object], timeout: float) -> bool:
    try:
        port, token, pid = int(info["port"]), str(info["token"]), int(info.get("pid", 0))
    except (KeyError, TypeError, ValueError):
        return False
    _allow_foreground(pid)
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as conn:
            conn.settimeout(timeout)
            conn.sendall(f"{GREETING} {token}\n".encode())
            return conn.recv(16) == ANSWER
    except OSError:
        return False


def _allow_foreground(pid: int) -> None:
    """Windows lets only the foreground process give the foreground away: we were just started
    by the user, so we are it; let the first copy take it, or its window only flashes."""
    if sys.platform == "win32" and pid > 0:
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.windll.user32.AllowSetForegroundWindow(pid)  # type: ignore[attr-defined]


def _read_line(conn: socket.socket, limit: int = 200) -> str:
    data = b""
    while not data.endswith(b"\n") and len(data) < limit:
        chunk = conn.recv(limit)
        if not chunk:
            break
        data += chunk
    return data.decode("ascii", "replace").strip()


def _write_info(folder: Path, info: dict[str, object]) -> None:
    target = folder / INFO_NAME
    tmp = target.with_name(f"{INFO_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(info), "utf-8")
    os.replace(tmp, target)


def _read_info(folder: Path) -> dict[str, object] | None:
    try:
        info = json.loads((folder / INFO_NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
