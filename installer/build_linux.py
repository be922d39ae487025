"""Build the Linux onedir bundle `dist/sipas/` with PyInstaller, only when something changed.

    python -m installer.build_linux [--force]

`make exe` runs this and then the bundle's `--selftest`; `tests/test_bundle.py` runs it once per
test session. A fingerprint of every input (our sources and resources, the spec, the versions of
the installed packages and of Python) is kept in `build/pyinstaller-linux/inputs.sha256`: when it
matches and the bundle is there, nothing is rebuilt. A lock file serialises concurrent callers
(pytest-xdist workers), so two of them never run PyInstaller into the same folder at once.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import importlib.metadata
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller-linux"
BUNDLE = DIST / "sipas"
PROGRAM = BUNDLE / "sipas"
STAMP = WORK / "inputs.sha256"
LOCK = ROOT / "build" / "exe.lock"
SPEC = ROOT / "installer" / "sipas.spec"
INPUT_DIRS = ("sipas_desktop", "forms", "reports")
INPUT_FILES = ("installer/sipas.spec", "installer/entry.py", "installer/sipas.ico", "setup.cfg")


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = [ROOT / name for name in INPUT_FILES]
    for folder in INPUT_DIRS:
        files += [p for p in (ROOT / folder).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(packages).encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def up_to_date(expected: str) -> bool:
    return PROGRAM.is_file() and STAMP.is_file() and STAMP.read_text().strip() == expected


def build(force: bool = False) -> Path:
    """Build (or reuse) the bundle; return the program's path. Raises CalledProcessError."""
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, or the process dies
        expected = fingerprint()
        if not force and up_to_date(expected):
            print(f"Bundle up to date: {BUNDLE}")
            return PROGRAM
        STAMP.unlink(missing_ok=True)
        start = time.monotonic()
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                        "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)],
                       cwd=ROOT, check=True)
        STAMP.write_text(expected + "\n")
        size = sum(p.stat().st_size for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
        print(f"Built {BUNDLE} in {time.monotonic() - start:.1f} s, {size / 1e6:.1f} MB")
        return PROGRAM


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    args = parser.parse_args(argv)
    build(force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
