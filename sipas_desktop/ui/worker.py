"""Background jobs: long work on a worker thread, results handed to the Tk thread.

Tk is not thread-safe, so a worker never touches a widget or a Tk variable. It posts messages
(progress, result, error) to a `queue.Queue`; the Tk thread polls the queue with `after()` and
calls the job's callbacks there. A worker that touches the database wraps its work in
`database.connection_context()`, because peewee gives each thread its own connection.
Cancelling sets the job's `CancelToken`; the service notices at its next `progress.step` and
raises `CancelledError`, which rolls its transaction back.
"""

from __future__ import annotations

import queue
import threading
import time
import tkinter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sipas_desktop.core.db import database
from sipas_desktop.core.progress import CancelToken, Progress

POLL_MS = 40


@dataclass
class Job:
    """One piece of background work and the Tk-thread callbacks that receive its outcome."""

    name: str
    fn: Callable[[Progress], Any]
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[int, int, str], None] | None = None
    token: CancelToken = field(default_factory=CancelToken)
    finished: bool = False
    result: Any = None
    error: BaseException | None = None
    dialog: Any = None  # the ProgressDialog showing this job, if any

    def cancel(self) -> None:
        self.token.cancel()


class JobRunner:
    """Runs jobs on daemon threads and delivers their outcome on the Tk thread of `widget`."""

    def __init__(self, widget: tkinter.Misc, poll_ms: int = POLL_MS) -> None:
        self.widget = widget
        self.poll_ms = poll_ms
        self._queue: queue.Queue[tuple[str, Job, Any]] = queue.Queue()
        self._active: list[Job] = []
        self._polling: str | None = None

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def submit(self, name: str, fn: Callable[[Progress], Any], *,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int, str], None] | None = None,
               token: CancelToken | None = None) -> Job:
        """Start `fn(progress)` on a worker thread; callbacks later run on the Tk thread."""
        job = Job(name, fn, on_done, on_error, on_progress, token or CancelToken())
        self._active.append(job)
        thread = threading.Thread(target=self._run, args=(job,), name=f"sipas-{name}", daemon=True)
        thread.start()
        self._schedule()
        return job

    def _run(self, job: Job) -> None:
        # Only the latest progress matters; a flood of messages would stall the Tk thread.
        last = [0.0]

        def post_progress(done: int, total: int, text: str) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.05 or done >= total:
                last[0] = now
                self._queue.put(("progress", job, (done, total, text)))

        progress = Progress(post_progress, job.token)
        try:
            if database.database:
                with database.connection_context():
                    result = job.fn(progress)
            else:
                result = job.fn(progress)
        except BaseException as exc:  # handed to the Tk thread, which decides how to show it
            self._queue.put(("error", job, exc))
        else:
            self._queue.put(("done", job, result))

    def _schedule(self) -> None:
        if self._polling is None:
            self._polling = self.widget.after(self.poll_ms, self._poll)

    def _poll(self) -> None:
        self._polling = None
        self.drain()
        if self._active:
            self._schedule()

    def drain(self) -> None:
        """Deliver every queued message now (the Tk thread only)."""
        while True:
            try:
                kind, job, payload = self._queue.get_nowait()
            except queue.Empty:
                return
            if kind == "progress":
                if job.on_progress is not None and not job.finished:
                    job.on_progress(*payload)
                continue
            job.finished = True
            if job in self._active:
                self._active.remove(job)
            if kind == "done":
                job.result = payload
                if job.on_done is not None:
                    job.on_done(payload)
            else:
                job.error = payload
                if job.on_error is not None:
                    job.on_error(payload)

    def wait(self, job: Job | None = None, timeout: float = 60.0) -> None:
        """Pump Tk events until `job` (or every job) has finished; for tests and benchmarks."""
        deadline = time.monotonic() + timeout
        while (job is not None and not job.finished) or (job is None and self._active):
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job.name if job else '*'} did not finish in {timeout} s")
            self.widget.update()
            self.drain()
            time.sleep(0.005)
