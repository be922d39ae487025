"""Progress reporting and cancellation for long work, free of any UI type.

A long service takes `progress: Progress | None`. It calls `progress.step(done, total, text)`
now and then; that raises `CancelledError` if the user pressed Cancel, so the service unwinds
and its transaction rolls back. The GUI passes a Progress whose callback posts to a queue; the
CLI passes one that prints a line on a terminal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sipas_desktop.core.errors import CancelledError

Callback = Callable[[int, int, str], None]


class CancelToken:
    """Set from any thread; checked by the worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Progress:
    def __init__(self, callback: Callback | None = None, token: CancelToken | None = None) -> None:
        self.callback = callback
        self.token = token or CancelToken()

    def check(self) -> None:
        if self.token.cancelled:
            raise CancelledError()

    def step(self, done: int, total: int, text: str = "") -> None:
        self.check()
        if self.callback is not None:
            self.callback(done, total, text)


def report(progress: Progress | None, done: int, total: int, text: str = "") -> None:
    """Call `progress.step` when a Progress was given; a no-op otherwise."""
    if progress is not None:
        progress.step(done, total, text)
