"""The `sipas` command: a thin shell over `sipas_desktop.core.services`.

No arguments → the GUI. Exit codes: 0 success, 1 user error (Vietnamese message on stderr),
2 bad usage. `--json` prints a machine-readable result where a command reports one.
Each command area lives in its own module with `register(subparsers)`.
"""

from __future__ import annotations

import argparse
import logging
import sys

from sipas_desktop import __version__
from sipas_desktop.cli import _vi  # noqa: F401  (translates argparse's own messages)
from sipas_desktop.cli.common import CliContext, fail
from sipas_desktop.core.errors import SipasError

# Modules that add subcommands; each has register(subparsers).
COMMAND_MODULES = [
    "sipas_desktop.cli.app_cmds",
    "sipas_desktop.cli.log_cmds",
    "sipas_desktop.cli.plan_cmds",
    "sipas_desktop.cli.forms_cmds",
    "sipas_desktop.cli.report_cmds",
    "sipas_desktop.cli.merge_cmds",
]


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="sipas",
        description="SIPAS Desktop: tự khảo sát sự hài lòng của người dân, tổ chức. "
                    "Không có lệnh con thì mở giao diện.",
    )
    parser.add_argument("--db", metavar="ĐƯỜNG_DẪN",
                        help="tệp cơ sở dữ liệu (mặc định: thư mục dữ liệu của người dùng, hoặc SIPAS_DB)")
    parser.add_argument("--version", action="version", version=f"SIPAS Desktop {__version__}",
                        help="in phiên bản rồi thoát")
    parser.add_argument("--selftest", action="store_true",
                        help="tự kiểm tra chương trình (dùng sau khi cài đặt) rồi thoát")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")
            except (ValueError, OSError):
                pass
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.selftest:
        from sipas_desktop.selftest import run_selftest

        return run_selftest()
    if not args.command:
        from sipas_desktop.ui.app import run_gui

        return run_gui(db_path=args.db)
    ctx = CliContext(db=args.db)
    try:
        result = args.handler(args, ctx)
        return int(result or 0)
    except SipasError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `sipas … | head`: the reader left; not an error of ours
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush stays quiet
        return 0
    except Exception as exc:  # never a traceback to a user: log it, say where
        from sipas_desktop.core.logs import log_unexpected
        from sipas_desktop.core.storage import as_user_error

        if (disk := as_user_error(exc)) is not None:  # a full or read-only disk is no bug
            return fail(disk)
        where = log_unexpected("CLI")
        print(f"Lỗi không mong đợi. Chi tiết đã ghi vào: {where}", file=sys.stderr)
        return 1
    finally:
        logging.shutdown()
