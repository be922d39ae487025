"""The frozen bundle reads report files in several worker processes, and nothing is left behind.

A worker of the parallel merge (multiprocessing "spawn") is the bundle's own program started
again; only `multiprocessing.freeze_support()` at the top of installer/entry.py turns it into a
worker instead of a second `sipas` (without arguments: a second GUI). Here the built program
merges a mailbox big enough to be read in parallel, once with 1 worker and once with 2, while
its child processes are watched through /proc; it also carries tkdnd for dropping files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sipas_desktop.core.merge import PARALLEL_MIN_FILES
from tests.core import merge_data as md

pytestmark = pytest.mark.exe

ROOT = Path(__file__).resolve().parents[1]
FILES = PARALLEL_MIN_FILES + 4
FORK_FLAG = "--multiprocessing-fork"


@pytest.fixture(scope="session")
def program() -> Path:
    subprocess.run([sys.executable, "-m", "installer.build_linux"], cwd=ROOT, check=True, timeout=1200)
    path = ROOT / "dist" / "sipas" / "sipas"
    assert path.is_file() and os.access(path, os.X_OK)
    return path


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory) -> Path:
    """FILES good report files of Hà Tĩnh communes, plus one edited by hand and one junk file."""
    from vietnam_provinces import Ward

    base = tmp_path_factory.mktemp("bundle-parallel")
    box = base / "hop thu"
    wards = sorted((f"{int(w.code):05d}", w.name) for w in Ward.iter_all() if int(w.province_code) == 42)
    assert len(wards) >= FILES
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIPAS_HOME", str(base / "home"))
        written = [md.write(box, f"{code}.xlsx", md.content((code, name), seed=i, forms=5 + i % 4,
                                                            satisfaction=0.5 + (i % 5) / 10))
                   for i, (code, name) in enumerate(wards[:FILES])]
        md.alter_answer(written[3], box / "sua-tay.xlsx")
        (box / "cong-van.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return box


def children(pid: int) -> dict[int, list[str]]:
    """The live child processes of `pid` with their command lines (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().decode().split("\0")[:-1]
        except (OSError, IndexError, ValueError):
            continue          # the process ended while we looked
    return found


def running_copies(program: Path) -> list[int]:
    """Every process whose executable is the bundle's program."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.path.realpath(entry / "exe") == str(program.resolve()):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def merge(program: Path, box: Path, workers: int, tmp: Path) -> tuple[dict, dict[int, list[str]]]:
    """Run `sipas merge --workers N --json` from the bundle; its JSON and every child seen.

    A child is first seen as a fork of the program (its command line) and then, once it has
    started the program again, with its own; at the end it may be a zombie with none: for each
    child the last non-empty command line is kept."""
    env = {k: v for k, v in os.environ.items() if k != "SIPAS_DB"}
    env["SIPAS_HOME"] = str(tmp / f"home-{workers}")
    out = tmp / f"tong-hop-{workers}.xlsx"
    proc = subprocess.Popen([str(program), "merge", str(box), "--out", str(out), "--workers", str(workers),
                             "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            encoding="utf-8")
    seen: dict[int, list[str]] = {}
    while proc.poll() is None:
        seen.update((pid, cmd) for pid, cmd in children(proc.pid).items() if cmd)
        time.sleep(0.005)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stdout + stderr
    assert "Traceback" not in stderr
    assert out.is_file()
    return json.loads(stdout), seen


def comparable(data: dict) -> dict:
    data = dict(data)
    for key in ("seconds", "outputs"):
        data.pop(key)
    return data


def test_the_bundle_reads_in_two_worker_processes_and_gets_what_one_process_gets(program, mailbox, tmp_path):
    one, seen_one = merge(program, mailbox, 1, tmp_path)
    two, seen_two = merge(program, mailbox, 2, tmp_path)
    assert comparable(two) == comparable(one)
    assert len(one["accepted"]) == FILES and len(one["rejected"]) == 2
    workers = [cmd for cmd in seen_two.values() if FORK_FLAG in cmd]
    assert len(workers) == 2, seen_two
    assert all(cmd[0] == str(program) for cmd in workers)
    assert not [cmd for cmd in seen_one.values() if FORK_FLAG in cmd]
    # Every child is a worker or multiprocessing's resource tracker (`-c ...resource_tracker...`):
    # none is the program started plainly, which would be a second GUI.
    for cmd in seen_two.values():
        assert FORK_FLAG in cmd or any("resource_tracker" in part for part in cmd), cmd


def test_after_a_parallel_merge_no_copy_of_the_program_is_left_running(program, mailbox, tmp_path):
    before = set(running_copies(program))
    merge(program, mailbox, 2, tmp_path)
    deadline = time.monotonic() + 10
    while set(running_copies(program)) - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert set(running_copies(program)) - before == set()


def test_the_bundle_carries_the_tkdnd_library_for_this_platform_only(program):
    folder = program.parent / "_internal" / "tkinterdnd2" / "tkdnd"
    platforms = list(folder.iterdir())
    assert len(platforms) == 1 and platforms[0].name.startswith("linux-")    # not Windows' or macOS'
    assert list(platforms[0].glob("libtkdnd*.so"))
    assert (platforms[0] / "pkgIndex.tcl").is_file() and (platforms[0] / "tkdnd_unix.tcl").is_file()
