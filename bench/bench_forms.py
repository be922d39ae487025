"""Printed questionnaires and keyed entry (issue 4).

Goals: printing 500 numbered forms takes under 20 s (through `services.forms.print_forms`, the
same path as `sipas forms print`: context, PDF, record of the printed range); keying a
`sipas-2017` form needs at most answers + 3 keystrokes and the next form is ready within 100 ms
of saving. The keying part drives the real EntryView with generated key events and needs a
display (run under `xvfb-run -a`); without one it is skipped and says so.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def _open(tmp: Path) -> None:
    os.environ["SIPAS_HOME"] = str(tmp / "home")
    from sipas_desktop.core.services.app import init_office, open_app

    open_app(tmp / "bench.db", daily_backup=False)
    init_office("18352", "xa")


def bench_print(tmp: Path) -> dict[str, object]:
    from sipas_desktop.core.services import forms as form_services

    out: dict[str, object] = {}
    for form_id in ("sipas-2017", "sipas-2023", "xa-rut-gon-2024"):
        began = time.perf_counter()
        result = form_services.print_forms(tmp / f"{form_id}.pdf", count=500, form_id=form_id)
        seconds = time.perf_counter() - began
        size = (tmp / f"{form_id}.pdf").stat().st_size / 1024 / 1024
        print(f"print 500 × {form_id}: {seconds:.2f} s, {result.pages} pages, {size:.1f} MB "
              f"(goal < 20 s)", flush=True)
        out[form_id] = {"seconds": round(seconds, 2), "pages": result.pages, "mb": round(size, 1),
                        "ok": seconds < 20}
    return out


def bench_keying(tmp: Path, forms: int = 100) -> dict[str, object]:
    if os.name != "nt" and not os.environ.get("DISPLAY"):
        print("keying: skipped (no display; run `xvfb-run -a python -m bench forms`)", flush=True)
        return {"skipped": "no display"}
    import ttkbootstrap as ttk

    from sipas_desktop.core.services import forms as form_services
    from sipas_desktop.ui import i18n
    from sipas_desktop.ui.context import AppContext
    from sipas_desktop.ui.errors import RecordingPrompter
    from sipas_desktop.ui.views.entry import EntryView
    from sipas_desktop.ui.worker import JobRunner

    form_services.print_forms(tmp / "keying.pdf", count=forms, form_id="sipas-2017", start=5001)
    root = ttk.App(title="bench", theme="bootstrap-light", size=(1280, 800))
    i18n.install(root)
    ctx = AppContext(root, JobRunner(root), RecordingPrompter(), {}, modal=False)
    view = EntryView(root, ctx, form_id="sipas-2017", clerk="bench")
    view.pack(fill="both", expand=True)
    root.update()
    root.focus_force()
    root.update()
    view.number_entry.focus_set()
    root.update()
    form = view.survey.form

    def press(keysym: str) -> None:
        root.focus_get().event_generate("<KeyPress>", keysym=keysym)

    keys, ready = [], []
    began = time.perf_counter()
    for n in range(forms):
        press("Return")
        for q in form.questions:
            press("Return" if q.type == "text" else str(1 + (n + q.box) % 5) if q.type == "scale" else "1")
        press("Return")
        keys.append(view.keys_last_form)
        ready.append(view.last_ready_ms)
    seconds = time.perf_counter() - began
    root.update()
    root.destroy()
    answers = len(form.questions)
    print(f"keying {forms} × sipas-2017 through the real screen: {seconds:.1f} s "
          f"({seconds / forms * 1000:.0f} ms/form incl. event dispatch); keys/form {max(keys)} "
          f"for {answers} answers (goal ≤ {answers + 3}); next form ready max {max(ready):.1f} ms, "
          f"mean {sum(ready) / len(ready):.1f} ms (goal < 100)", flush=True)
    return {"forms": forms, "seconds": round(seconds, 2), "keys_per_form": max(keys), "answers": answers,
            "ready_max_ms": round(max(ready), 1), "ready_mean_ms": round(sum(ready) / len(ready), 1),
            "ok": max(keys) <= answers + 3 and max(ready) < 100}


def main() -> dict[str, object]:
    from sipas_desktop.core.db import close_database

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        _open(tmp)
        try:
            return {"print_500": bench_print(tmp), "keying": bench_keying(tmp)}
        finally:
            close_database()


if __name__ == "__main__":
    main()
