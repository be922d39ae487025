"""GUI test fixtures: one hidden Tk root for the whole session, a fresh Toplevel per test.

Every test under tests/ui is marked `gui` and needs a display (`xvfb-run -a`). Widgets are
driven through their methods and `event_generate`; dialogs are built with `modal=False` so no
nested event loop ever waits for a click, and a RecordingPrompter answers the questions a
person would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

HERE = os.path.dirname(__file__)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.fspath).startswith(HERE):
            item.add_marker(pytest.mark.gui)


def _private_display() -> subprocess.Popen | None:
    """Start an Xvfb server for this test process alone, when Xvfb is installed.

    Keyboard events go to the window that has the focus, and with `pytest -n 2` two processes
    sharing one display steal the focus from each other; a display per process keeps the
    keyboard tests deterministic.
    """
    if not sys.platform.startswith("linux") or not shutil.which("Xvfb"):
        return None
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    number = b""
    while not number.endswith(b"\n"):
        chunk = os.read(read_fd, 16)
        if not chunk:
            break
        number += chunk
    os.close(read_fd)
    if not number.strip():
        proc.kill()
        return None
    os.environ["DISPLAY"] = f":{number.decode().strip()}"
    return proc


@pytest.fixture(scope="session")
def tk_root():
    server = _private_display()
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        pytest.skip("GUI tests need a display: install Debian's xvfb or run under xvfb-run -a")
    import ttkbootstrap as ttk

    from sipas_desktop.ui import i18n

    root = ttk.App(title="SIPAS tests", theme="bootstrap-light")
    root.withdraw()
    i18n.install(root)
    yield root
    root.destroy()
    if server is not None:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def window(tk_root) -> Iterator:
    import ttkbootstrap as ttk

    top = ttk.Toplevel(title="test", master=tk_root, size=(1280, 800))
    top.update_idletasks()
    yield top
    # Dialogs left open by a test are children of this Toplevel: destroyed with it.
    top.destroy()
    tk_root.update()


@pytest.fixture
def prompter():
    from sipas_desktop.ui.errors import RecordingPrompter

    return RecordingPrompter()


@pytest.fixture
def ctx(window, app, prompter):
    """An AppContext around the test's Toplevel, over a real migrated database."""
    from sipas_desktop.ui.context import AppContext
    from sipas_desktop.ui.worker import JobRunner

    return AppContext(window, JobRunner(window), prompter, {}, modal=False)


@pytest.fixture
def merge_view(ctx, window):
    """The merge screen of a province office (Hà Tĩnh, aggregating role), shown and settled."""
    from sipas_desktop.core.services.app import init_office
    from sipas_desktop.ui.views.merge import MergeView

    init_office("42", "tong-hop")
    v = MergeView(window, ctx)
    v.pack(fill="both", expand=True)
    v.on_show()
    pump(window)
    return v


def pump(widget, rounds: int = 3) -> None:
    for _ in range(rounds):
        widget.update()


def add_dossiers(count: int, *, start: date = date(2025, 1, 2), prefix: str = "T") -> None:
    """Put `count` plain dossiers in the log quickly (chunked insert through core's mapping)."""
    from sipas_desktop.core import models
    from sipas_desktop.core.db import atomic, chunk_size
    from sipas_desktop.core.tthc_log.records import DossierRecord, record_to_model_dict

    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Đặng Văn Đức",
             "Hoàng Thị Ánh", "Công ty TNHH Hòa Bình", "Vũ Văn Em"]
    rows = []
    for i in range(count):
        received = start + timedelta(days=i % 300)
        record = DossierRecord(
            code=f"{prefix}-{i:06d}", procedure_name="Đăng ký khai sinh", field_name="Hộ tịch",
            applicant_name=names[i % len(names)], received_date=received,
            returned_date=received + timedelta(days=3) if i % 4 else None,
            channel=("truc_tiep", "truc_tuyen", "buu_chinh")[i % 3],
            applicant_type="to_chuc" if "Công ty" in names[i % len(names)] else "ca_nhan",
            phone=f"09{i:08d}", address="Thôn 1", source="test")
        rows.append(record_to_model_dict(record))
    size = chunk_size(len(rows[0])) if rows else 1
    with atomic():
        for begin in range(0, len(rows), size):
            models.Dossier.insert_many(rows[begin:begin + size]).execute()
