"""AppContext: what a view or dialog may use from the main window, and nothing more.

Views get an `AppContext` instead of the main window so that they stay testable on their own
(a test builds one around a plain Toplevel) and cannot reach into each other.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sipas_desktop.core.errors import CancelledError
from sipas_desktop.core.progress import CancelToken, Progress
from sipas_desktop.core.services import app as app_services
from sipas_desktop.ui.errors import Prompter, show_exception
from sipas_desktop.ui.worker import Job, JobRunner


@dataclass(frozen=True)
class Command:
    """One user action: shown in the menu with its shortcut, bound to its key sequences.

    `sequences` are bound on the main window while the owning view is shown; a view that binds
    a key on one widget only (Delete on the grid) leaves `sequences` empty and still gets its
    accelerator printed in the menu.
    """

    label: str
    callback: Callable[[], Any]
    accelerator: str = ""
    sequences: tuple[str, ...] = ()
    separator_before: bool = False


@dataclass
class AppContext:
    root: tkinter.Misc
    jobs: JobRunner
    prompter: Prompter
    prefs: dict[str, Any] = field(default_factory=dict)
    status_callback: Callable[[str], None] | None = None
    data_changed_callback: Callable[[str], None] | None = None
    office_changed_callback: Callable[[], None] | None = None
    # Tests set this False so that dialogs are built but never wait in a nested event loop.
    modal: bool = True
    # Jobs running behind a ProgressDialog; shortcuts wait while any is running.
    foreground_jobs: int = 0

    @property
    def db_path(self) -> Path:
        return app_services.current_db_path()

    @property
    def office(self) -> app_services.OfficeInfo:
        return app_services.get_office()

    def set_status(self, text: str) -> None:
        if self.status_callback is not None:
            self.status_callback(text)

    def data_changed(self, what: str = "log") -> None:
        """Tell every open view that data changed (an import, a restore, demo data)."""
        if self.data_changed_callback is not None:
            self.data_changed_callback(what)

    def office_changed(self) -> None:
        if self.office_changed_callback is not None:
            self.office_changed_callback()

    def show_error(self, exc: BaseException, where: str = "GUI") -> None:
        show_exception(self.prompter, exc, where)

    def run_with_progress(self, title: str, fn: Callable[[Progress], Any],
                          on_done: Callable[[Any], None] | None = None, *,
                          cancellable: bool = True,
                          on_error: Callable[[BaseException], None] | None = None) -> Job:
        """Run `fn(progress)` on a worker thread behind a ProgressDialog with a Cancel button.

        `on_done(result)` runs on the Tk thread after the dialog closed. Errors are shown (a
        cancel as a short notice) unless `on_error` takes them.
        """
        from sipas_desktop.ui.dialogs.progress import ProgressDialog

        token = CancelToken()
        dialog = ProgressDialog(self.root, title, token if cancellable else None, grab=self.modal)

        self.foreground_jobs += 1

        def done(result: Any) -> None:
            self.foreground_jobs -= 1
            dialog.close()
            if on_done is not None:
                on_done(result)

        def failed(exc: BaseException) -> None:
            self.foreground_jobs -= 1
            dialog.close()
            if on_error is not None:
                on_error(exc)
            else:
                self.show_error(exc, title)
            if isinstance(exc, CancelledError):
                self.set_status(exc.message)

        job = self.jobs.submit(title, fn, on_done=done, on_error=failed,
                               on_progress=dialog.update_progress, token=token)
        job.dialog = dialog
        return job

    def save_prefs(self) -> None:
        from sipas_desktop.core import settings

        try:
            settings.save_prefs(self.prefs)
        except OSError:
            pass  # preferences are a convenience; a read-only profile must not stop the work
