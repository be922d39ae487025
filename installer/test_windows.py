"""Smoke-test the Windows installer under wine, as a clerk's PC would use it: `make test-windows`.

    python -m installer.test_windows [--setup dist/SIPAS-Setup-<version>-x64.exe] [--no-screenshot]

In a fresh wine prefix (a new Windows user profile, no administrator rights involved):
1. silent install → program in %LOCALAPPDATA%\\Programs\\SIPAS, Start-menu and desktop
   shortcuts, an "Apps & features" entry for this user;
2. the installed sipas-cli.exe --selftest passes every check (database, backup, PDF, Excel,
   log import, sample, printed forms, report file, main window);
3. the installed program works on real data (a demo dossier log imported), and a second start
   of the GUI while it runs exits at once; the main window is photographed inside a wine
   virtual desktop → docs/images/windows-main.png;
4. upgrade in place: the installer run again over the installed copy replaces the program
   (a file left in _internal\\ by the "old version" is gone) and keeps the data;
5. silent uninstall removes program, shortcuts and registry entry and keeps the data;
   `uninstall.exe /S /REMOVEDATA` after a reinstall removes the data too.
Each step is timed; the figures go to build/win/test-timings.json.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from installer.cross_build import BUILD, version
from installer.wine import ROOT, Prefix, WineError, ensure_tools, winpath

SCREENSHOT = ROOT / "docs" / "images" / "windows-main.png"
DESKTOP = (1440, 900)
UNINSTALL_KEY = r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\SIPAS Desktop"


class Checker:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.timings: dict[str, float] = {}

    def expect(self, ok: bool, what: str) -> None:
        print(f"    {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.failures.append(what)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        print(f"--> {name}", flush=True)
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings[name] = round(time.monotonic() - started, 1)
            print(f"    {self.timings[name]:.1f} s", flush=True)


class Installed:
    """Paths of the installed program inside the prefix."""

    def __init__(self, prefix: Prefix) -> None:
        self.prefix = prefix
        self.folder = prefix.local_appdata / "Programs" / "SIPAS"
        self.data = prefix.local_appdata / "SIPAS"
        self.win_folder = rf"C:\users\{prefix.user}\AppData\Local\Programs\SIPAS"
        self.start_menu = (prefix.path / "drive_c" / "users" / prefix.user / "AppData" / "Roaming"
                           / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "SIPAS Desktop")

    @property
    def desktop_link(self) -> Path:
        desktop = self.prefix.path / "drive_c" / "users" / self.prefix.user / "Desktop"
        return desktop.resolve() / "SIPAS Desktop.lnk"

    def cli(self, *args: str, timeout: float = 300, display: bool = False, check: bool = False):
        return self.prefix.run(["wine", rf"{self.win_folder}\sipas-cli.exe", *args],
                               timeout=timeout, display=display, check=check)

    def registry_entry(self) -> str:
        result = self.prefix.run(["wine", "reg", "query", UNINSTALL_KEY], timeout=60, check=False)
        return result.stdout if result.returncode == 0 else ""


def install(prefix: Prefix, setup: Path) -> None:
    prefix.run(["wine", str(setup), "/S"], timeout=600, console=False)
    prefix.wait()


def uninstall(prefix: Prefix, installed: Installed, *extra: str) -> None:
    # The uninstaller copies itself to %TEMP% and relaunches: wait for the whole prefix.
    prefix.run(["wine", rf"{installed.win_folder}\uninstall.exe", "/S", *extra], timeout=300,
               console=False)
    prefix.wait()


@contextmanager
def virtual_screen(width: int, height: int) -> Iterator[str]:
    for number in range(91, 130):
        if not Path(f"/tmp/.X{number}-lock").exists():
            break
    display = f":{number}"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24",
                               "-nolisten", "tcp"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline:
                raise WineError("Xvfb did not start")
            time.sleep(0.1)
        yield display
    finally:
        server.terminate()
        server.wait(timeout=10)


def screenshot(display: str, target: Path) -> bytes:
    subprocess.run(["import", "-display", display, "-window", "root", str(target)], check=True,
                   timeout=60)
    return target.read_bytes()


def wait_until_drawn(display: str, scratch: Path, timeout: float = 120) -> Path:
    """Screenshots a second apart until the screen has changed from the empty desktop and then
    stopped changing (the main window is up and painted)."""
    empty = screenshot(display, scratch / "empty.png")
    previous = b""
    deadline = time.monotonic() + timeout
    shot = scratch / "shot.png"
    while time.monotonic() < deadline:
        time.sleep(1.5)
        current = screenshot(display, shot)
        if current != empty and current == previous:
            return shot
        previous = current
    raise WineError(f"the main window did not settle within {timeout:.0f} s")


def gui_checks(check: Checker, prefix: Prefix, installed: Installed, scratch: Path,
               take_screenshot: bool) -> None:
    demo = scratch / "so-ho-so-mau.xlsx"
    made = installed.cli("init", "--unit", "18352")
    check.expect(made.returncode == 0, f"sipas-cli init: {made.stdout.strip()[:120]}")
    made = installed.cli("demo", "log", "--rows", "300", "--out", winpath(demo))
    imported = installed.cli("log", "import", winpath(demo))
    check.expect(imported.returncode == 0, f"demo log imported: {imported.stdout.strip()[-160:]}")
    info = installed.data / "sipas-instance.json"
    info.unlink(missing_ok=True)
    with virtual_screen(*DESKTOP) as display:
        env = {**prefix.env, "DISPLAY": display}
        # In a wine virtual desktop the window gets Windows' own frame. Under a pty: without
        # one, wine hands the windowed program invalid standard handles and it cannot start.
        desktop = shlex.join(["wine", "explorer", f"/desktop=SIPAS,{DESKTOP[0]}x{DESKTOP[1]}",
                              rf"{installed.win_folder}\SIPAS.exe"])
        first = subprocess.Popen(["timeout", "300", "script", "-qec", desktop, "/dev/null"],
                                 env=env, cwd=scratch, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            started = time.monotonic()
            deadline = started + 120
            while not info.exists():  # written by the single-instance guard as the GUI starts
                if time.monotonic() > deadline or first.poll() is not None:
                    raise WineError("the installed SIPAS.exe did not start")
                time.sleep(0.2)
            shot = wait_until_drawn(display, scratch)
            check.timings["GUI start to a settled window (wine, upper bound)"] = round(
                time.monotonic() - started, 1)
            second = prefix.run(["wine", rf"{installed.win_folder}\SIPAS.exe"], timeout=120,
                                check=False, extra_env={"DISPLAY": display})
            check.expect(second.returncode == 0 and first.poll() is None,
                         "a second start exits at once and the first copy keeps running")
            if take_screenshot:  # the settled window from before the second start (after
                # it, the focused search box blinks its cursor and the screen never settles)
                SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, SCREENSHOT)
                check.expect(SCREENSHOT.stat().st_size > 10_000, f"screenshot {SCREENSHOT.name}")
        finally:
            prefix.stop()
            first.wait(timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install, self-test, upgrade and uninstall under wine.")
    parser.add_argument("--setup", type=Path, help="the installer (default: dist/SIPAS-Setup-<v>-x64.exe)")
    parser.add_argument("--no-screenshot", action="store_true", help="keep docs/images as it is")
    args = parser.parse_args(argv)
    setup = (args.setup or ROOT / "dist" / f"SIPAS-Setup-{version()}-x64.exe").resolve()
    if not setup.is_file():
        print(f"No installer at {setup}: run `make installer` first.", file=sys.stderr)
        return 1
    check = Checker()
    total = time.monotonic()
    try:
        ensure_tools()
        prefix = Prefix(BUILD / "test-prefix", BUILD / "test-home")
        if (BUILD / "test-home").exists():
            shutil.rmtree(BUILD / "test-home")
        with check.step("fresh wine prefix"):
            prefix.create(fresh=True)
        installed = Installed(prefix)
        scratch = BUILD / "test-scratch"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)

        with check.step("silent install"):
            install(prefix, setup)
        check.expect((installed.folder / "SIPAS.exe").is_file(),
                     r"SIPAS.exe in %LOCALAPPDATA%\Programs\SIPAS")
        check.expect((installed.folder / "sipas-cli.exe").is_file(), "sipas-cli.exe installed")
        check.expect((installed.folder / "uninstall.exe").is_file(), "uninstall.exe written")
        check.expect((installed.start_menu / "SIPAS Desktop.lnk").is_file(), "Start-menu shortcut")
        check.expect(installed.desktop_link.is_file(), "desktop shortcut")
        entry = installed.registry_entry()
        check.expect(f"DisplayVersion    REG_SZ    {version()}" in entry, "Apps & features entry (HKCU)")

        with check.step("installed --selftest"):
            result = installed.cli("--selftest", timeout=600, display=True)
        print("\n".join("      " + line for line in result.stdout.splitlines()))
        check.expect(result.returncode == 0, "every self-test check passed")
        version_out = installed.cli("--version").stdout.strip()
        check.expect(version_out == f"SIPAS Desktop {version()}", f"--version says {version_out!r}")

        with check.step("real use, second start, screenshot"):
            gui_checks(check, prefix, installed, scratch, not args.no_screenshot)
        check.expect((installed.data / "sipas.db").is_file(), r"database in %LOCALAPPDATA%\SIPAS")
        check.expect(not list(installed.folder.glob("*.db")) and not (installed.folder / "logs").exists(),
                     "nothing written next to the program")

        stale = installed.folder / "_internal" / "left-by-the-old-version.txt"
        stale.write_text("old")
        with check.step("upgrade in place (installer over the installed copy)"):
            install(prefix, setup)
        check.expect(not stale.exists(), "the old version's libraries were replaced")
        counted = installed.cli("log", "count")
        check.expect(counted.returncode == 0 and "300" in counted.stdout,
                     f"data kept across the upgrade: {counted.stdout.strip()[:80]}")

        with check.step("silent uninstall"):
            uninstall(prefix, installed)
        check.expect(not installed.folder.exists(), "program folder removed")
        check.expect(not installed.start_menu.exists() and not installed.desktop_link.exists(),
                     "shortcuts removed")
        check.expect(installed.registry_entry() == "", "Apps & features entry removed")
        check.expect((installed.data / "sipas.db").is_file(), "data kept after uninstall")

        with check.step("reinstall, then uninstall /REMOVEDATA"):
            install(prefix, setup)
            uninstall(prefix, installed, "/REMOVEDATA")
        check.expect(not installed.data.exists(), "data removed when asked")
        prefix.stop()
    except (WineError, subprocess.SubprocessError, OSError) as exc:
        check.failures.append(f"stopped: {exc}")
        print(f"FAILED: {exc}", file=sys.stderr)
    check.timings["total"] = round(time.monotonic() - total, 1)
    (BUILD / "test-timings.json").write_text(json.dumps(
        {"version": version(), "seconds": check.timings, "failures": check.failures}, indent=2,
        ensure_ascii=False))
    if check.failures:
        print(f"{len(check.failures)} check(s) failed: " + "; ".join(check.failures), file=sys.stderr)
        return 1
    print(f"All Windows checks passed in {check.timings['total']:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
