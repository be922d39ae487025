"""Start-up of the PyInstaller bundle against the same program run from source, in one run.

Both are the real `sipas` GUI on the same database (an office set up, 2,000 demo dossiers), started
as a user would (`dist/sipas/sipas` and `python -m sipas_desktop`). Each start is timed from the
parent's `Popen` until a visible window titled “… SIPAS Desktop” exists (polled with xdotool every
10 ms): Tk maps the main window from its event loop, so a mapped window is one that answers the
user. Runs alternate bundle/source after one warm-up each; the median and the best are reported.
The bundle is built first if it is missing or stale (installer/build_linux.py).

Needs xdotool and a display; without one it re-runs itself under `xvfb-run -a`.
Run alone: `python -m bench bench_startup_bundle` (`SIPAS_BENCH_RUNS`, default 5).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("SIPAS_BENCH_RUNS", "5"))
TITLE = "SIPAS Desktop"
TIMEOUT = 60.0


def _window_visible() -> bool:
    found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", TITLE],
                           capture_output=True, text=True)
    return found.returncode == 0 and bool(found.stdout.strip())


def _start(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        while not _window_visible():
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited: {proc.stderr.read().decode()[-2000:]}")
            if time.perf_counter() - started > TIMEOUT:
                raise RuntimeError(f"no window after {TIMEOUT:.0f} s: {command}")
            time.sleep(0.01)
        return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        while _window_visible():  # the next start must not see this window
            time.sleep(0.05)


def _prepare(home: Path) -> dict[str, str]:
    env = {**os.environ, "SIPAS_HOME": str(home)}
    env.pop("SIPAS_DB", None)
    sipas = [sys.executable, "-m", "sipas_desktop"]
    demo = home / "demo.xlsx"
    for args in (["init", "--unit", "18352"], ["demo", "log", "--rows", "2000", "--out", str(demo)],
                 ["log", "import", str(demo)]):
        subprocess.run([*sipas, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def measure() -> dict[str, object]:
    from installer.build_linux import PROGRAM, build

    build()
    size = sum(p.stat().st_size for p in PROGRAM.parent.rglob("*") if p.is_file() and not p.is_symlink())
    commands = {"bundle": [str(PROGRAM)], "source": [sys.executable, "-m", "sipas_desktop"]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory(prefix="sipas-bench-") as tmp:
        env = _prepare(Path(tmp))
        for command in commands.values():
            _start(command, env)  # warm-up: the OS file cache, the first-run folders
        for _ in range(RUNS):
            for name, command in commands.items():
                times[name].append(_start(command, env))
    result: dict[str, object] = {"runs": RUNS, "bundle_bytes": size}
    for name, values in times.items():
        result[f"{name}_median_s"] = round(statistics.median(values), 3)
        result[f"{name}_best_s"] = round(min(values), 3)
    return result


def main() -> dict[str, object]:
    if shutil.which("xdotool") is None:
        raise RuntimeError("needs xdotool (Debian package xdotool)")
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            raise RuntimeError("no display and no xvfb-run: install Debian's xvfb")
        out = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m",
                              "bench.bench_startup_bundle", "--json"], cwd=ROOT, capture_output=True,
                             text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
    else:
        result = measure()
    print(f"bundle size: {result['bundle_bytes'] / 1e6:.1f} MB")
    print(f"start to interactive window, median of {result['runs']}: bundle "
          f"{result['bundle_median_s']:.2f} s (best {result['bundle_best_s']:.2f}), from source "
          f"{result['source_median_s']:.2f} s (best {result['source_best_s']:.2f})")
    return result


if __name__ == "__main__":
    if "--json" in sys.argv:
        print(json.dumps(measure()))
    else:
        main()
