"""ProgressDialog: a small window with a progress bar and a Cancel button for long work.

It never blocks the event loop (the work runs on a worker thread, see ui/worker.py); it only
grabs input so that the user cannot start a second import while the first is running.
Cancel asks the job's token to stop; the service rolls its transaction back and the dialog
closes when the job reports back.
"""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

from sipas_desktop.core.progress import CancelToken
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.i18n import tr


class ProgressDialog(ttk.Toplevel):
    def __init__(self, parent: tkinter.Misc, title: str, token: CancelToken | None = None, *,
                 grab: bool = True) -> None:
        super().__init__(title=title, master=parent, transient=parent.winfo_toplevel(),
                         resizable=(False, False))
        self.token = token
        self.text_var = tkinter.StringVar(self, tr("Đang chuẩn bị…"))
        self.count_var = tkinter.StringVar(self, "")
        body = ttk.Frame(self, padding=20)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=title, font="-weight bold").pack(anchor="w")
        ttk.Label(body, textvariable=self.text_var, wraplength=440).pack(anchor="w", pady=(8, 4))
        self.bar = ttk.Progressbar(body, length=440, mode="indeterminate", bootstyle="success")
        self.bar.pack(fill="x")
        self.bar.start(15)
        ttk.Label(body, textvariable=self.count_var, bootstyle="secondary").pack(anchor="e", pady=(4, 0))
        self.cancel_button = ttk.Button(body, text=tr("Hủy  (Esc)"), bootstyle="secondary",
                                        command=self.cancel)
        self.cancel_button.pack(anchor="e", pady=(12, 0))
        if token is None:
            self.cancel_button.configure(state="disabled")
        self.bind("<Escape>", lambda _e: self.cancel())
        self.protocol("WM_DELETE_WINDOW", self.cancel)
        self.place_window_center()
        if grab:
            try:
                self.wait_visibility()
                self.grab_set()
            except tkinter.TclError:
                pass  # not viewable (e.g. the main window is iconified): still usable without grab

    def update_progress(self, done: int, total: int, text: str = "") -> None:
        if text:
            self.text_var.set(text)
        if total > 0:
            if str(self.bar.cget("mode")) != "determinate":
                self.bar.stop()
                self.bar.configure(mode="determinate", maximum=total)
            self.bar.configure(maximum=total, value=min(done, total))
            self.count_var.set(tr("{done} / {total}", done=format_int(done), total=format_int(total)))

    def cancel(self) -> None:
        if self.token is None or self.token.cancelled:
            return
        self.token.cancel()
        self.text_var.set(tr("Đang hủy… dữ liệu sẽ được giữ nguyên như trước."))
        self.cancel_button.configure(state="disabled")

    def close(self) -> None:
        try:
            self.bar.stop()
            self.grab_release()
        except tkinter.TclError:
            pass
        self.destroy()
