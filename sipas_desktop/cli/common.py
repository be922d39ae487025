"""Helpers shared by the CLI command modules: opening the app, printing, JSON, progress."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from sipas_desktop.core.errors import Issue, SipasError
from sipas_desktop.core.progress import Progress


@dataclass
class CliContext:
    db: str | None = None
    _opened: bool = False

    def open(self):
        """Open (and migrate) the database once per command."""
        from sipas_desktop.core.services.app import open_app

        info = open_app(self.db)
        self._opened = True
        return info


def fail(exc: SipasError) -> int:
    print(f"Lỗi: {exc.message}", file=sys.stderr)
    for issue in exc.issues[:50]:
        print(f"  - {issue}", file=sys.stderr)
    if len(exc.issues) > 50:
        print(f"  … và {len(exc.issues) - 50} lỗi khác.", file=sys.stderr)
    return 1


def print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def print_issues(issues: list[Issue], limit: int = 30, stream=None) -> None:
    stream = stream or sys.stderr
    for issue in issues[:limit]:
        tag = "Lỗi" if issue.is_error else "Lưu ý"
        print(f"  [{tag}] {issue}", file=stream)
    if len(issues) > limit:
        print(f"  … và {len(issues) - limit} vấn đề khác.", file=stream)


def terminal_progress(enabled: bool = True) -> Progress | None:
    """A progress line on stderr when stderr is a terminal."""
    if not enabled or not sys.stderr.isatty():
        return None

    def show(done: int, total: int, text: str) -> None:
        pct = f"{100 * done // total:3d} %" if total else ""
        sys.stderr.write(f"\r{pct} {text[:60]:<60}")
        if total and done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return Progress(show)


def date_arg(text: str):
    """argparse type: a dd/mm/yyyy date (impossible dates such as 31/02/2020 are refused)."""
    import argparse

    from sipas_desktop.core.text import DateError, parse_date

    try:
        value = parse_date(text)
    except DateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value is None:
        raise argparse.ArgumentTypeError("cần một ngày dạng ngày/tháng/năm")
    return value


def whole_number(minimum: int = 0, what: str = "giá trị"):
    """argparse type: a whole number ≥ minimum, with a Vietnamese message naming `what`."""
    import argparse

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} “{text}” không phải số nguyên") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{what} không được âm ({value})" if minimum == 0
                else f"{what} phải là số nguyên từ {minimum} trở lên ({value})")
        return value

    parse.__name__ = "số nguyên"  # argparse names the type in its own messages
    return parse
