"""The frozen program's main script: PyInstaller runs this file as `__main__`.

It lets a multiprocessing worker run its task, makes the standard streams safe and hands over
to `sipas_desktop.cli.main`, so the bundle behaves exactly like the `sipas` command (no
arguments: the GUI; `--selftest`, `--version` and every subcommand as documented).
"""

import os
import sys


def _ensure_streams() -> None:
    # The windowed Windows program (SIPAS.exe, console=False) starts with sys.stdout and
    # sys.stderr set to None: argparse's --version, a warning or any print would then raise.
    # Send them to the null device; `sipas-cli.exe` is the console twin for command-line use.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def main() -> int:
    _ensure_streams()
    from sipas_desktop.cli import main as cli_main

    return cli_main()


if __name__ == "__main__":
    # First of all: a worker process of the parallel merge (core/merge.py, multiprocessing
    # "spawn") starts this same program with --multiprocessing-fork; freeze_support() runs the
    # worker's task there and exits, so it never reaches the CLI or opens a second window.
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
