"""Running Windows programs under Debian's wine64 for the cross-build and its smoke test.

What had to be learnt (each is handled here, once):
- a crashing program opens winedbg, which then hangs for ~10 minutes: `winedbg.exe=d` in
  WINEDLLOVERRIDES, and every call under `timeout`;
- mscoree/mshtml would ask to download Mono and Gecko (no network here): disabled;
- winemenubuilder would write .desktop files into the real home: disabled, and HOME points to a
  folder of the build, because a new prefix links Desktop and Documents to $HOME;
- a console program (python.exe, sipas-cli.exe) prints nothing without a terminal: it runs
  inside `script -qec …`, which gives it a pty; its output then carries terminal escapes (cleaned
  by `clean_output`) and lines wrapped at 80 columns (joined where the wrap split a line);
- windows need an X display: `xvfb-run -a` when the caller asks for one.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = "mscoree,mshtml=;winedbg.exe=d;winemenubuilder.exe=d"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]")
APT_PACKAGES = ["wine", "wine64", "nsis", "osslsigncode", "xvfb", "xauth", "xdotool",
                "imagemagick", "bsdutils"]
TOOLS = {"wine": "wine", "wineserver": "wine", "makensis": "nsis", "osslsigncode": "osslsigncode",
         "xvfb-run": "xvfb", "xdotool": "xdotool", "import": "imagemagick", "script": "bsdutils"}


class WineError(RuntimeError):
    pass


def ensure_tools() -> None:
    """Install the Debian packages the cross-build needs, if a command is missing."""
    missing = sorted({pkg for tool, pkg in TOOLS.items() if shutil.which(tool) is None})
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print(f"Installing Debian packages: {' '.join(missing)}", flush=True)
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
                   check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    still = [tool for tool in TOOLS if shutil.which(tool) is None]
    if still:
        raise WineError(f"still missing after apt-get: {', '.join(still)}")


def winpath(path: Path | str) -> str:
    """The Windows name of a Linux path under wine (drive Z: is /)."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def clean_output(text: str) -> str:
    text = ANSI.sub("", text).replace("\r", "")
    # wine's console adds an empty line after each line it writes to a pty: drop empty lines.
    lines = [line for line in text.split("\n") if line.strip() and not line.startswith("Script ")]
    return "\n".join(lines).strip("\n")


@dataclass
class Prefix:
    """One wine prefix (a simulated Windows user profile) with its own HOME."""

    path: Path
    home: Path
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.env = {**os.environ, "WINEPREFIX": str(self.path), "HOME": str(self.home),
                    "WINEDLLOVERRIDES": OVERRIDES, "WINEDEBUG": "-all", "WINEARCH": "win64",
                    "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        for key in ("DISPLAY", "SIPAS_HOME", "SIPAS_DB", "PYTHONPATH", "VIRTUAL_ENV"):
            self.env.pop(key, None)

    @property
    def user(self) -> str:
        users = [p.name for p in (self.path / "drive_c" / "users").iterdir()
                 if p.is_dir() and p.name != "Public"]
        return users[0]

    @property
    def local_appdata(self) -> Path:
        return self.path / "drive_c" / "users" / self.user / "AppData" / "Local"

    def create(self, fresh: bool = False) -> float:
        """Make the prefix (wineboot); returns seconds taken (0 when it already existed)."""
        if fresh and self.path.exists():
            self.stop()
            shutil.rmtree(self.path)
        if (self.path / "system.reg").exists():
            return 0.0
        self.home.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        self.run(["wineboot", "-u"], timeout=300, display=True, check=False, console=False)
        self.stop()
        if not (self.path / "system.reg").exists():
            raise WineError(f"wineboot did not create the prefix {self.path}")
        return time.monotonic() - started

    def run(self, argv: list[str], *, timeout: float, display: bool = False, console: bool = True,
            check: bool = True, log: Path | None = None, extra_env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        """Run `argv` (first item: a wine tool or "wine") with a pty and an optional display."""
        command = shlex.join(argv)
        if console:
            # `script` gives the program a terminal (-e passes its exit code on); a wide one, or
            # wine's console wraps long lines at 80 columns.
            command = shlex.join(["script", "-qec", f"stty cols 400 2>/dev/null; {command}",
                                  str(log or "/dev/null")])
        if display:
            command = shlex.join(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "sh", "-c",
                                  command])
        env = {**self.env, **(extra_env or {})}
        try:
            result = subprocess.run(["timeout", "-k", "10", str(int(timeout)), "sh", "-c", command],
                                    env=env, cwd=ROOT, capture_output=True, text=True,
                                    encoding="utf-8", errors="replace", stdin=subprocess.DEVNULL)
        except subprocess.SubprocessError as exc:
            raise WineError(f"{argv[0]} failed to start: {exc}") from exc
        result.stdout = clean_output(result.stdout)
        if result.returncode == 124:
            raise WineError(f"timed out after {timeout:.0f} s: {command}\n{result.stdout[-3000:]}")
        if check and result.returncode != 0:
            raise WineError(f"exit {result.returncode}: {command}\n{result.stdout[-3000:]}"
                            f"\n{result.stderr[-2000:]}")
        return result

    def wait(self, timeout: float = 120) -> None:
        """Wait until every program in this prefix has ended (installers relaunch themselves)."""
        subprocess.run(["timeout", str(int(timeout)), "wineserver", "-w"], env=self.env, check=False)

    def stop(self) -> None:
        subprocess.run(["timeout", "30", "wineserver", "-k"], env=self.env, check=False,
                       capture_output=True)
