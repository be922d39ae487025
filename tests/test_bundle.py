"""The PyInstaller bundle (dist/sipas/), built once per test session, really runs.

The bundle is built by `installer/build_linux.py` (the same command `make exe` runs); it is
skipped when nothing changed since the last build and serialised by a lock file, so the two
pytest-xdist workers never build twice. Every test runs the frozen program as a user would, in
its own temporary data folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sipas_desktop import __version__
from sipas_desktop.selftest import CHECKS

pytestmark = pytest.mark.exe

ROOT = Path(__file__).resolve().parents[1]
WINDOW_CHECK = "Mở và đóng cửa sổ chính"


@pytest.fixture(scope="session")
def bundle() -> Path:
    subprocess.run([sys.executable, "-m", "installer.build_linux"], cwd=ROOT, check=True,
                   timeout=1200)
    program = ROOT / "dist" / "sipas" / "sipas"
    assert program.is_file() and os.access(program, os.X_OK)
    return program


def run(program: Path, *args: str, home: Path, display: bool = True,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SIPAS_DB", "WAYLAND_DISPLAY")}
    env["SIPAS_HOME"] = str(home)
    command = [str(program), *args]
    if not display:
        env.pop("DISPLAY", None)
    elif not env.get("DISPLAY"):
        assert shutil.which("xvfb-run"), "the window check needs a display: install Debian's xvfb"
        command = ["xvfb-run", "-a", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if not p.is_symlink()}


def test_the_bundled_selftest_passes_every_check_including_the_main_window(bundle, tmp_path):
    result = run(bundle, "--selftest", home=tmp_path / "home")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"SIPAS Desktop {__version__}: tự kiểm tra chương trình"
    for check in CHECKS:
        assert any(line.startswith(f"[OK]  {check.label} (") for line in lines), (check.label, lines)
    assert sum(line.startswith("[OK]") for line in lines) == len(CHECKS)
    assert lines[-1] == f"Kết quả: đạt cả {len(CHECKS)} mục. Chương trình hoạt động bình thường."
    assert "Traceback" not in result.stderr


def test_the_bundled_selftest_without_a_display_fails_only_the_window_check_and_says_why(bundle, tmp_path):
    result = run(bundle, "--selftest", home=tmp_path / "home", display=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    window = [line for line in lines if WINDOW_CHECK in line]
    assert len(window) == 1 and window[0].startswith("[LỖI] ")
    assert "không có màn hình" in window[0] and "DISPLAY" in window[0]
    assert sum(line.startswith("[OK]") for line in lines) == len(CHECKS) - 1
    assert lines[-1] == f"Kết quả: đạt {len(CHECKS) - 1}/{len(CHECKS)} mục; 1 mục LỖI."


def test_the_bundle_prints_its_version(bundle, tmp_path):
    result = run(bundle, "--version", home=tmp_path / "home", display=False)
    assert result.returncode == 0
    assert result.stdout.strip() == f"SIPAS Desktop {__version__}"


def test_the_bundle_writes_nothing_next_to_itself_and_its_data_goes_to_the_data_folder(bundle, tmp_path):
    before = snapshot(bundle.parent)
    home = tmp_path / "home"
    assert run(bundle, "--selftest", home=home).returncode == 0
    assert run(bundle, "backup", home=home, display=False).returncode == 0
    assert snapshot(bundle.parent) == before
    assert (home / "sipas.db").is_file()
    assert list((home / "backups").glob("sipas-*-thu-cong.db"))
    report = (home / "logs" / "selftest.txt").read_text("utf-8")
    assert f"đạt cả {len(CHECKS)} mục" in report


def test_the_bundle_refuses_a_file_that_is_not_a_database_with_a_vietnamese_message(bundle, tmp_path):
    fake = tmp_path / "so-ho-so.db"
    fake.write_bytes(b"PK\x03\x04 this is a zip, not SQLite")
    result = run(bundle, "--db", str(fake), "backup", home=tmp_path / "home", display=False)
    assert result.returncode == 1
    assert "không phải cơ sở dữ liệu SIPAS" in result.stderr
    assert "Traceback" not in result.stderr
    assert fake.read_bytes() == b"PK\x03\x04 this is a zip, not SQLite"


def test_the_bundle_carries_the_fonts_forms_catalogue_and_library_data(bundle):
    internal = bundle.parent / "_internal"
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert (internal / "reports" / "fonts" / f"LiberationSerif-{style}.ttf").is_file()
    for source in (ROOT / "sipas_desktop").rglob("*.json"):
        assert (internal / source.relative_to(ROOT)).is_file(), source
    for source in (ROOT / "forms").rglob("*"):
        if source.is_file():
            assert (internal / source.relative_to(ROOT)).is_file(), source
    assert list((internal / "vietnam_provinces" / "data").glob("*.json"))
    assert list((internal / "ttkbootstrap" / "assets").rglob("*.png"))


def test_the_bundle_archive_holds_the_modules_loaded_by_name(bundle):
    from PyInstaller.archive.readers import CArchiveReader

    pyz = CArchiveReader(str(bundle)).open_embedded_archive("PYZ.pyz")
    # Pillow loads PIL._tkinter_finder by name; without it ttkbootstrap fails with
    # `invalid command name "PyImagingPhoto"`. The CLI imports its command modules by name.
    assert "PIL._tkinter_finder" in pyz.toc
    from sipas_desktop.cli import COMMAND_MODULES

    for name in COMMAND_MODULES:
        assert name in pyz.toc, name


def test_a_second_start_of_the_bundled_gui_exits_at_once_and_leaves_the_first_running(bundle, tmp_path):
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display (make test runs under xvfb-run)")
    home = tmp_path / "home"
    env = {**os.environ, "SIPAS_HOME": str(home)}
    env.pop("SIPAS_DB", None)
    assert subprocess.run([str(bundle), "init", "--unit", "18352"], env=env,
                          capture_output=True, timeout=60).returncode == 0
    first = subprocess.Popen([str(bundle)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        info = home / "sipas-instance.json"
        deadline = time.monotonic() + 30
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert info.exists(), "the first copy never took the lock"
        second = subprocess.run([str(bundle)], env=env, capture_output=True, text=True, timeout=30)
        assert second.returncode == 0, second.stderr
        assert first.poll() is None  # the first copy still runs
    finally:
        first.terminate()
        first.communicate(timeout=30)
