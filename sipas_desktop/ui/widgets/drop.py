"""Files and folders dropped on a window from Explorer or a Linux file manager (tkdnd).

tkinterdnd2 ships George Petasis' tkdnd Tcl extension built for Windows, Linux and macOS; we use
only its loader (`TkinterDnD._require`, which picks the build for this platform and Tcl version)
and talk to tkdnd's Tcl commands directly, because ttkbootstrap's `App` is a plain `tkinter.Tk`
and tkinterdnd2's helper methods are patched onto `BaseWidget` only (a root has none).

Drag and drop is a convenience, never a requirement: when tkdnd cannot be loaded (a platform
without a build, a bundle missing the library) `drop_support()` returns None, one line goes to
the log, and the screen simply does not offer it. See docs/decisions/0008-drag-and-drop.md.

How tkdnd delivers a drop: the widget registered with `tkdnd::drop_target register` (or its
nearest registered ancestor, up to the toplevel) gets the virtual events <<DropEnter>>,
<<DropPosition>>, <<DropLeave>> and <<Drop>>, looked up with `bind`; `%D` is the data, for files
a Tcl list of native paths (braces around a path with spaces). The script's result is the action
("copy", or "refuse_drop" to say no), which tkdnd reports back to the file manager.
"""

from __future__ import annotations

import logging
import tkinter
from collections.abc import Callable, Sequence
from pathlib import Path

FILES = "DND_Files"        # tkdnd's platform-independent type for a list of files
COPY, REFUSE = "copy", "refuse_drop"

_failure: str | None = None   # why tkdnd could not be loaded in this process (logged once)


def drop_support(widget: tkinter.Misc) -> str | None:
    """Load tkdnd into the widget's interpreter if needed; its version, or None if unavailable."""
    global _failure
    try:
        return str(widget.tk.call("package", "present", "tkdnd"))
    except tkinter.TclError:
        pass                    # not loaded yet in this interpreter
    if _failure is not None:
        return None             # it failed once; the same library would fail again
    try:
        from tkinterdnd2 import TkinterDnD

        return str(TkinterDnD._require(widget.winfo_toplevel()))
    except Exception as exc:    # ImportError, RuntimeError("Unable to load tkdnd library."), TclError
        _failure = f"{type(exc).__name__}: {exc}"
        logging.getLogger("sipas.ui").warning("Drag and drop of files is unavailable (%s)", _failure)
        return None


def dropped_paths(widget: tkinter.Misc, data: str) -> list[Path]:
    """The paths in tkdnd's file data: a Tcl list, so a path with spaces comes in braces."""
    return [Path(item) for item in widget.tk.splitlist(data) if str(item).strip()]


class FileDropTarget:
    """Makes `target` (a widget or a whole toplevel) accept files and folders dropped on it.

    `on_drop(paths)` runs on the Tk thread with the dropped paths. `accepts()` is asked when a
    drag comes over and again at the drop: returning False refuses it (the pointer shows "no
    drop"), e.g. while the screen that owns the toplevel's drop is not the one shown.
    `on_hover(True/False)` lets the screen highlight its hint while files are held over it.
    Build it only after `drop_support()` returned a version.
    """

    def __init__(self, target: tkinter.Misc, on_drop: Callable[[list[Path]], None], *,
                 accepts: Callable[[], bool] = lambda: True,
                 on_hover: Callable[[bool], None] | None = None) -> None:
        self.target = target
        self.on_drop = on_drop
        self.accepts = accepts
        self.on_hover = on_hover
        path = str(target)
        call = target.tk.call
        call("tkdnd::drop_target", "register", path, (FILES,))
        # Tcl commands made by `register` are deleted with `target`; the scripts pass %D
        # (the dropped data) only to <<Drop>>: during the drag it is not known on every platform.
        self.commands = [target.register(self._enter), target.register(self._leave),
                         target.register(self._drop)]
        enter, leave, drop = self.commands
        call("bind", path, "<<DropEnter>>", enter)
        call("bind", path, "<<DropPosition>>", enter)
        call("bind", path, "<<DropLeave>>", leave)
        call("bind", path, "<<Drop>>", f"{drop} %D")

    def _enter(self) -> str:
        ok = self.accepts()
        if self.on_hover is not None:
            self.on_hover(ok)
        return COPY if ok else REFUSE

    def _leave(self) -> str:
        if self.on_hover is not None:
            self.on_hover(False)
        return COPY

    def _drop(self, data: str) -> str:
        if self.on_hover is not None:
            self.on_hover(False)
        if not self.accepts():
            return REFUSE
        paths = dropped_paths(self.target, data)
        if not paths:
            return REFUSE
        self.on_drop(paths)
        return COPY

    def bindings(self) -> Sequence[str]:
        """The drop events bound on the target (for tests and the self-test)."""
        call = self.target.tk.call
        path = str(self.target)
        return [event for event in ("<<DropEnter>>", "<<DropPosition>>", "<<DropLeave>>", "<<Drop>>")
                if call("bind", path, event)]
