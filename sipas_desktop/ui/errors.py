"""How the GUI shows errors and asks questions.

A `SipasError` (bad input, a request that cannot be done) is shown as what it is: a clear
Vietnamese message, with its issues listed by place. Anything else is a bug: the traceback goes
to the log file (core/logs.log_unexpected) and the user sees a short message that gives the log
file's path, never a traceback.

Views ask the user through a `Prompter` (info, error, yes/no). The real one shows ttkbootstrap
message boxes; tests pass a `RecordingPrompter`, which stands in for the person at the keyboard
(it records what was shown and answers as scripted) so that no modal box ever blocks a test.
"""

from __future__ import annotations

import tkinter
from dataclasses import dataclass, field
from pathlib import Path

from sipas_desktop.core.errors import CancelledError, Issue, SipasError
from sipas_desktop.core.logs import log_unexpected
from sipas_desktop.ui.i18n import tr

MAX_ISSUES_SHOWN = 12
TITLE_ERROR = "Không thực hiện được"
TITLE_BUG = "Lỗi không mong đợi"


@dataclass(frozen=True)
class ErrorReport:
    """What the user is told about an exception."""

    title: str
    message: str
    is_bug: bool = False
    log_path: Path | None = None


def format_issues(issues: list[Issue], limit: int = MAX_ISSUES_SHOWN) -> str:
    lines = [f"• {issue}" for issue in issues[:limit]]
    if len(issues) > limit:
        lines.append(tr("… và {n} vấn đề khác.", n=len(issues) - limit))
    return "\n".join(lines)


def describe(exc: BaseException, where: str = "GUI") -> ErrorReport:
    """Turn an exception into what the user sees; unexpected ones are logged first."""
    if isinstance(exc, CancelledError):
        return ErrorReport(tr("Đã hủy"), exc.message)
    if isinstance(exc, SipasError):
        message = exc.message
        if exc.issues:
            message = f"{message}\n\n{format_issues(exc.issues)}"
        return ErrorReport(TITLE_ERROR, message)
    from sipas_desktop.core.storage import as_user_error

    if (disk := as_user_error(exc)) is not None:  # a full or read-only disk is no bug
        return ErrorReport(TITLE_ERROR, disk.message)
    try:
        raise exc
    except BaseException:  # re-raised only so that logging captures its traceback
        path = log_unexpected(where)
    return ErrorReport(
        TITLE_BUG,
        tr("Chương trình gặp lỗi không mong đợi và chưa làm xong việc này. Dữ liệu đã lưu trước "
           "đó không bị ảnh hưởng.\n\nChi tiết kỹ thuật đã được ghi vào tệp:\n{path}\n\n"
           "Hãy gửi tệp này cho người hỗ trợ kỹ thuật.", path=path),
        is_bug=True, log_path=path)


class Prompter:
    """Message boxes for the user (ttkbootstrap's, with Vietnamese buttons)."""

    YES = "Có"
    NO = "Không"
    OK = "Đồng ý"

    def __init__(self, parent: tkinter.Misc | None = None) -> None:
        self.parent = parent

    def _show(self, message: str, title: str, buttons: list[str], icon: str | None) -> str | None:
        from ttkbootstrap.dialogs import MessageDialog

        dialog = MessageDialog(message, title, buttons=buttons, parent=self.parent, icon=icon,
                               width=60, localize=False)
        dialog.show()
        return dialog.result

    def info(self, message: str, title: str = "Thông báo") -> None:
        self._show(message, title, [f"{self.OK}:primary"], "info-circle-fill")

    def warning(self, message: str, title: str = "Lưu ý") -> None:
        self._show(message, title, [f"{self.OK}:primary"], "exclamation-triangle-fill")

    def error(self, report: ErrorReport) -> None:
        self._show(report.message, report.title, [f"{self.OK}:primary"], "x-circle-fill")

    def ask_yes_no(self, message: str, title: str = "Xác nhận", *, default_no: bool = False) -> bool:
        buttons = [f"{self.NO}:secondary", f"{self.YES}:primary"]
        if default_no:
            buttons = [f"{self.NO}:primary", f"{self.YES}:danger"]
        return self._show(message, title, buttons, "question-circle-fill") == self.YES


@dataclass
class RecordingPrompter(Prompter):
    """Answers questions as scripted and records every message; for tests (no modal box)."""

    answers: list[bool] = field(default_factory=list)
    default_answer: bool = True
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, title, message)

    def __post_init__(self) -> None:
        super().__init__(None)

    def info(self, message: str, title: str = "Thông báo") -> None:
        self.shown.append(("info", title, message))

    def warning(self, message: str, title: str = "Lưu ý") -> None:
        self.shown.append(("warning", title, message))

    def error(self, report: ErrorReport) -> None:
        self.shown.append(("error", report.title, report.message))

    def ask_yes_no(self, message: str, title: str = "Xác nhận", *, default_no: bool = False) -> bool:
        self.shown.append(("question", title, message))
        return self.answers.pop(0) if self.answers else self.default_answer

    def last(self, kind: str | None = None) -> tuple[str, str, str]:
        items = [s for s in self.shown if kind is None or s[0] == kind]
        if not items:
            raise AssertionError(f"no {kind or 'message'} was shown; shown: {self.shown}")
        return items[-1]


def show_exception(prompter: Prompter, exc: BaseException, where: str = "GUI") -> ErrorReport:
    """Describe `exc` (logging it when unexpected) and show it; returns what was shown."""
    report = describe(exc, where)
    if isinstance(exc, CancelledError):
        prompter.info(report.message, report.title)
    else:
        prompter.error(report)
    return report
