"""Background jobs: long work on a worker thread, results handed to the Tk thread.

Tk is not thread-safe, so a worker never touches a widget or a Tk variable. It posts messages
(progress, result, error) to a `queue.Queue`; the Tk thread polls the queue with `after()` and
calls the job's callbacks there. A worker that touches the database wraps its work in
`database.connection_context()`, because peewee gives each thread its own connection.
Cancelling sets the job's `CancelToken`; the service notices at its next `progress.step` and
raises `CancelledError`, which rolls its transaction back.

Python's cyclic garbage collector runs in whichever thread happens to allocate; if it frees a
Tk variable or image there, Tcl raises "main thread is not in main loop". So while any worker
runs, automatic collection is paused, and the Tk thread collects when the last one is done
(an import of 100,000 rows also runs faster without collection pauses).
"""

from __future__ import annotations

import gc
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
_gc_state = {"running": 0, "was_enabled": True}


def _pause_gc() -> None:
    if _gc_state["running"] == 0:
        _gc_state["was_enabled"] = gc.isenabled()
        gc.disable()
    _gc_state["running"] += 1


def _resume_gc() -> None:
    """On the Tk thread, when a job has been delivered: collect here, where Tk objects may die."""
    _gc_state["running"] = max(0, _gc_state["running"] - 1)
    if _gc_state["running"] == 0 and _gc_state["was_enabled"]:
        gc.enable()
        gc.collect()


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
        self._queue: queue.Queue[tuple[str, int, Any]] = queue.Queue()
        self._active: list[Job] = []
        self._jobs: dict[int, Job] = {}
        self._next_id = 0
        self._polling: str | None = None

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def submit(self, name: str, fn: Callable[[Progress], Any], *,
               on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[int, int, str], None] | None = None,
               token: CancelToken | None = None) -> Job:
        """Start `fn(progress)` on a worker thread; callbacks later run on the Tk thread.

        `fn` must not capture widgets or Tk variables: only `fn` and the token go to the thread,
        because a Tk object whose last reference dies on another thread breaks Tcl.
        """
        job = Job(name, fn, on_done, on_error, on_progress, token or CancelToken())
        _pause_gc()
        self._active.append(job)
        self._next_id += 1
        self._jobs[self._next_id] = job
        thread = threading.Thread(target=_run, args=(self._queue, self._next_id, fn, job.token),
                                  name=f"sipas-{name}", daemon=True)
        thread.start()
        self._schedule()
        return job

    def cancel_all(self) -> None:
        for job in list(self._active):
            job.cancel()

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
                kind, job_id, payload = self._queue.get_nowait()
            except queue.Empty:
                return
            job = self._jobs.get(job_id)
            if job is None:
                continue
            if kind == "progress":
                if job.on_progress is not None and not job.finished:
                    job.on_progress(*payload)
                continue
            job.finished = True
            del self._jobs[job_id]
            if job in self._active:
                self._active.remove(job)
                _resume_gc()
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


def _run(messages: queue.Queue, job_id: int, fn: Callable[[Progress], Any], token: CancelToken) -> None:
    """The worker thread: run `fn`, post progress and the outcome; never touch Tk."""
    # Only the latest progress matters; a flood of messages would stall the Tk thread.
    last = [0.0]

    def post_progress(done: int, total: int, text: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.05 or done >= total:
            last[0] = now
            messages.put(("progress", job_id, (done, total, text)))

    progress = Progress(post_progress, token)
    try:
        if database.database:
            with database.connection_context():
                result = fn(progress)
        else:
            result = fn(progress)
    except BaseException as exc:  # handed to the Tk thread, which decides how to show it
        messages.put(("error", job_id, exc))
    else:
        messages.put(("done", job_id, result))
