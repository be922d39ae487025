"""BaseDialog: a Toplevel that is built fully by its constructor and made modal only by `show()`.

Splitting construction from the modal wait is what lets tests drive every dialog: they build
it, fill it through its methods, press its buttons (`invoke()`), and never enter the nested
event loop that `show()` runs for a real user.
"""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk


class BaseDialog(ttk.Toplevel):
    def __init__(self, parent: tkinter.Misc, title: str, *, resizable: tuple[bool, bool] = (True, True),
                 minsize: tuple[int, int] | None = None) -> None:
        top = parent.winfo_toplevel()
        super().__init__(title=title, master=top, transient=top, resizable=resizable, minsize=minsize)
        self.parent_window = top
        self.closed = False
        self.protocol("WM_DELETE_WINDOW", self.close)
        self.bind("<Escape>", lambda _e: self.close())

    def show(self) -> None:
        """Centre on the main window, take the input grab and wait until closed (real use)."""
        self.place_window_center()
        try:
            self.wait_visibility()
            self.grab_set()
        except tkinter.TclError:
            pass
        self.focus_initial()
        self.wait_window(self)

    def focus_initial(self) -> None:
        """Subclasses put the keyboard focus where the user starts typing."""
        self.focus_set()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.grab_release()
        except tkinter.TclError:
            pass
        self.destroy()
