"""The real program: `python -m sipas_desktop` opens the main window and Ctrl+Q closes it cleanly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("xdotool") is None, reason="needs xdotool to press keys")]


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True).stdout.strip()


def test_the_program_opens_on_the_log_and_ctrl_q_quits_and_remembers_the_window(tk_root, tmp_path):
    home = tmp_path / "home"
    db = tmp_path / "data" / "sipas.db"
    env = dict(os.environ, SIPAS_HOME=str(home))
    subprocess.run([sys.executable, "-m", "sipas_desktop", "--db", str(db), "init", "--unit", "18352"],
                   env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "sipas_desktop", "--db", str(db)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        window = title = ""
        deadline = time.monotonic() + 60
        # The window exists (titled "SIPAS Desktop") before the log view is shown and renames it;
        # wait for it to be mapped and named after the log. xdotool matches ASCII names reliably.
        while title != "Sổ theo dõi hồ sơ – SIPAS Desktop" and time.monotonic() < deadline \
                and proc.poll() is None:
            time.sleep(0.2)
            window = xdotool("search", "--onlyvisible", "--name", "SIPAS Desktop").split("\n")[0]
            title = xdotool("getwindowname", window) if window else ""
        assert title == "Sổ theo dõi hồ sơ – SIPAS Desktop", \
            f"no main window ({title!r}); stderr: {proc.stderr.read() if proc.poll() is not None else ''}"
        time.sleep(0.5)
        xdotool("windowfocus", "--sync", window)
        xdotool("key", "ctrl+q")  # XTEST: a real key press, as a user would
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    prefs = json.loads((home / "settings.json").read_text("utf-8"))
    assert prefs["window_geometry"].split("+")[0] == "1280x800"
