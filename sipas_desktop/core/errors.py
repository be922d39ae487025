"""Errors and issues shown to users.

`SipasError` is raised by `core` for anything the user can understand and fix; its message is
already Vietnamese. `Issue` is one problem found in a bulk input (an Excel log, a plan file, a
report file): it carries a stable code, a level and a location, so a preview can list every
problem at once instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"      # the row / file is refused
    WARNING = "warning"  # accepted, but the user should look


@dataclass(frozen=True)
class Issue:
    """One problem in a bulk input, with where it is ("Sheet1", row 12, column "Ngày nhận")."""

    code: str
    message: str
    level: Level = Level.ERROR
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR

    def location(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"trang tính “{self.sheet}”")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột “{self.column}”")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "level": self.level.value,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class SipasError(Exception):
    """An error the user can understand: the message is Vietnamese and says what and where."""

    code = "SIPAS_000"

    def __init__(self, message: str, *, code: str | None = None,
                 issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.issues: list[Issue] = list(issues or [])

    def __str__(self) -> str:
        return self.message


class UserError(SipasError):
    """Bad input or a request that cannot be done; nothing was changed."""

    code = "USER_000"


class NotFoundError(UserError):
    code = "USER_404"


class CancelledError(SipasError):
    """The user pressed Cancel; whatever was under way was rolled back."""

    code = "JOB_001"

    def __init__(self, message: str = "Đã hủy theo yêu cầu; dữ liệu không thay đổi.") -> None:
        super().__init__(message)


@dataclass
class IssueList:
    """Collects issues; `errors` and `warnings` split them for the preview."""

    items: list[Issue] = field(default_factory=list)

    def add(self, code: str, message: str, *, level: Level = Level.ERROR, sheet: str | None = None,
            row: int | None = None, column: str | None = None) -> Issue:
        issue = Issue(code, message, level, sheet, row, column)
        self.items.append(issue)
        return issue

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.items if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.items if not i.is_error]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)
