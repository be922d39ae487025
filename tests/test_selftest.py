"""`sipas --selftest` from source: every check does real work in a throw-away data folder."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sipas_desktop import selftest
from sipas_desktop.selftest import Check, SelftestFailure, run_selftest

WITHOUT_WINDOW = [c for c in selftest.CHECKS if c.run is not selftest.check_main_window]


def test_the_checks_without_a_window_all_pass_and_leave_the_users_data_alone(_isolated_home: Path):
    out = io.StringIO()
    assert run_selftest(WITHOUT_WINDOW, out=out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines[1:-1]] == [f"[OK]  {c.label}" for c in WITHOUT_WINDOW]
    # Only the report and the log land in the user's folder; no database, no backup.
    assert not (_isolated_home / "sipas.db").exists()
    assert not (_isolated_home / "backups").exists()
    assert (_isolated_home / "logs" / "selftest.txt").read_text("utf-8").splitlines() == lines


def test_the_temporary_folder_is_removed_and_the_environment_restored(monkeypatch, tmp_path):
    monkeypatch.setenv("SIPAS_DB", str(tmp_path / "mine.db"))
    seen: list[Path] = []

    def remember(ctx):
        seen.append(ctx.folder)
        assert os.environ["SIPAS_DB"] == str(ctx.db_path)
        assert Path(os.environ["SIPAS_HOME"]).is_relative_to(ctx.folder)

    assert run_selftest([Check("Ghi nhớ thư mục", remember)], out=io.StringIO()) == 0
    assert not seen[0].exists()
    assert os.environ["SIPAS_DB"] == str(tmp_path / "mine.db")
    assert not (tmp_path / "mine.db").exists()


def test_a_failing_check_gives_a_vietnamese_line_exit_1_and_the_others_still_run():
    def broken(ctx):
        raise SelftestFailure("phông chữ đi kèm thiếu các chữ: ư")

    def crashing(ctx):
        raise ZeroDivisionError("division by zero")

    ran = []
    checks = [Check("Hỏng", broken), Check("Đổ vỡ", crashing),
              Check("Vẫn chạy", lambda ctx: ran.append(1) or "xong")]
    out = io.StringIO()
    assert run_selftest(checks, out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("[LỖI] Hỏng (") and lines[1].endswith(": phông chữ đi kèm thiếu các chữ: ư")
    assert lines[2].startswith("[LỖI] Đổ vỡ (") and "ZeroDivisionError" in lines[2]
    assert lines[3].startswith("[OK]  Vẫn chạy (") and lines[3].endswith(": xong")
    assert lines[4] == "Kết quả: đạt 1/3 mục; 2 mục LỖI."
    assert ran == [1]


def test_a_user_error_from_the_core_is_reported_with_its_own_message():
    from sipas_desktop.core.errors import UserError

    def refuse(ctx):
        raise UserError("Không sao lưu được vào “X”: ổ đĩa đầy.", code="BACKUP_002")

    out = io.StringIO()
    assert run_selftest([Check("Sao lưu", refuse)], out=out) == 1
    assert out.getvalue().splitlines()[1].endswith(": Không sao lưu được vào “X”: ổ đĩa đầy.")


def test_the_window_check_without_a_display_fails_with_a_clear_reason(monkeypatch):
    if sys.platform == "win32":
        pytest.skip("Windows always has a display")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    out = io.StringIO()
    assert run_selftest([Check("Cửa sổ", selftest.check_main_window)], out=out) == 1
    line = out.getvalue().splitlines()[1]
    assert line.startswith("[LỖI] Cửa sổ (")
    assert "không có màn hình để mở cửa sổ (biến DISPLAY chưa được đặt)" in line


@pytest.mark.gui
def test_the_whole_selftest_passes_with_a_display_and_shows_the_real_main_window(tmp_path):
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        pytest.skip("needs a display: run under xvfb-run -a (make test does)")
    # A process of its own, as a user starts it: a pytest worker may already hold the GUI tests' Tk root.
    env = dict(os.environ, SIPAS_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "sipas_desktop", "--selftest"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    window_line = [line for line in done.stdout.splitlines() if "cửa sổ chính" in line][0]
    assert "SIPAS Desktop" in window_line
