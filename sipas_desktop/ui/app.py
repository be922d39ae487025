"""The main window, the registry of areas, and `run_gui`.

The window shows the whole product: a sidebar lists every area (the dossier log now; plan and
sample, forms, entry, results, merge as they are built), the current area's view fills the
rest, and a status bar gives the office unit and the database file.

Adding an area's view is a one-line edit of `AREAS`: set `view` to "module:Class". An area
whose module does not exist yet is listed, disabled, with a sentence saying what it will do.
A view is a `ttk.Frame` subclass built as `View(master, ctx: AppContext)`; it may define
`commands() -> list[Command]` (its menu entries and shortcuts), `on_show()` (called whenever
it becomes the visible area) and `refresh(what)` (data changed elsewhere: an import, a
restore). Views are imported by name on first use, so for the PyInstaller bundle the spec
must collect `sipas_desktop.ui.views` (collect_submodules) as hidden imports.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import tkinter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop import APP_NAME, __version__
from sipas_desktop.core import settings
from sipas_desktop.core.services import app as app_services
from sipas_desktop.ui import i18n
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.errors import Prompter, describe
from sipas_desktop.ui.i18n import tr
from sipas_desktop.ui.worker import JobRunner

THEME = "bootstrap-light"
DEFAULT_SIZE = (1280, 800)
MIN_SIZE = (980, 620)


@dataclass(frozen=True)
class Area:
    """One part of the product in the sidebar. `view` is "module:Class", or None if not built."""

    key: str
    title: str
    description: str
    view: str | None = None

    @property
    def module(self) -> str | None:
        return self.view.split(":", 1)[0] if self.view else None

    def available(self) -> bool:
        """True when its view module is present (checked without importing it: start-up speed)."""
        if not self.module:
            return False
        try:
            return importlib.util.find_spec(self.module) is not None
        except (ImportError, ValueError):
            return False

    def load(self) -> type:
        assert self.view is not None
        module_name, class_name = self.view.split(":", 1)
        return getattr(importlib.import_module(module_name), class_name)


# The order is the order of the work in a survey year; Alt+1 … Alt+6 follow it.
AREAS: list[Area] = [
    Area("log", "Sổ theo dõi hồ sơ",
         "Nhập sổ hồ sơ từ Excel, tìm kiếm, sửa, thêm, xóa hồ sơ và xuất sổ theo mẫu để in.",
         "sipas_desktop.ui.views.log:LogView"),
    Area("plan", "Kế hoạch và chọn mẫu",
         "Lập kế hoạch khảo sát, lập danh sách tổng thể từ sổ hồ sơ, chọn mẫu và danh sách dự phòng.",
         "sipas_desktop.ui.views.plan_sample:PlanSampleView"),
    Area("forms", "Phiếu khảo sát (in phiếu)",
         "In phiếu khảo sát theo mẫu phiếu của kế hoạch cho từng người trong danh sách mẫu.",
         "sipas_desktop.ui.views.forms_print:FormsPrintView"),
    Area("entry", "Nhập phiếu",
         "Nhập phiếu đã thu về, nhập hai lần để đối chiếu, theo dõi phiếu đã phát, đã thu.",
         "sipas_desktop.ui.views.entry:EntryView"),
    Area("results", "Kết quả và báo cáo",
         "Tính các chỉ số hài lòng, lập báo cáo và tệp báo cáo chuẩn để gửi cấp trên.",
         "sipas_desktop.ui.views.results:ResultsView"),
    Area("merge", "Tổng hợp báo cáo",
         "Nhận tệp báo cáo của các xã, kiểm tra, tổng hợp và xếp hạng các đơn vị.",
         "sipas_desktop.ui.views.merge:MergeView"),
]

NOT_YET = "Chưa có trong phiên bản này."


class MainWindow(ttk.Frame):
    """Sidebar of areas, the current view, the status bar, and the menu bar of its toplevel."""

    def __init__(self, master: tkinter.Misc, *, prompter: Prompter | None = None,
                 prefs: dict[str, Any] | None = None, areas: list[Area] | None = None,
                 modal: bool = True) -> None:
        super().__init__(master)
        self.toplevel = self.winfo_toplevel()
        self.areas = list(areas if areas is not None else AREAS)
        self.jobs = JobRunner(self)
        self.ctx = AppContext(self.toplevel, self.jobs, prompter or Prompter(self.toplevel),
                              prefs if prefs is not None else {}, self.set_status,
                              self._on_data_changed, self.refresh_office, modal)
        self.views: dict[str, tkinter.Widget] = {}
        self.last_dialog: tkinter.Misc | None = None  # the dialog opened last (tests, screenshots)
        self.current: str | None = None
        self._bound: list[str] = []
        self._available = {a.key: a.available() for a in self.areas}
        self.status_var = tkinter.StringVar(self, "")
        self.unit_var = tkinter.StringVar(self, "")
        self.db_var = tkinter.StringVar(self, "")
        self._build()
        self.refresh_office()
        self._build_menu()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        status = ttk.Frame(self, padding=(10, 4))
        status.pack(side="bottom", fill="x")
        ttk.Separator(self).pack(side="bottom", fill="x")
        # Packed in this order so that a long message is clipped, never the unit or the file.
        ttk.Label(status, textvariable=self.unit_var, font="-weight bold").pack(side="left")
        ttk.Label(status, textvariable=self.db_var, bootstyle="secondary").pack(side="right")
        ttk.Label(status, textvariable=self.status_var, bootstyle="secondary").pack(
            side="left", padx=16, fill="x", expand=True)

        side = ttk.Frame(self, padding=(12, 12))
        side.pack(side="left", fill="y")
        ttk.Separator(self, orient="vertical").pack(side="left", fill="y")
        ttk.Label(side, text=APP_NAME, font="-size 15 -weight bold", bootstyle="primary").pack(anchor="w")
        ttk.Label(side, text=tr("Tự khảo sát sự hài lòng của người dân"), wraplength=200,
                  bootstyle="secondary").pack(anchor="w", pady=(0, 12))
        self.area_buttons: dict[str, ttk.Button] = {}
        for number, area in enumerate(self.areas, start=1):
            enabled = self._available[area.key]
            button = ttk.Button(side, text=f"{number}.  {area.title}", width=25,
                                bootstyle="secondary-outline",
                                command=lambda key=area.key: self.show_area(key))
            button.pack(anchor="w", fill="x", pady=(6, 0))
            if not enabled:
                button.configure(state="disabled")
            self.area_buttons[area.key] = button
            note = area.description if enabled else f"{area.description} {NOT_YET}"
            ttk.Label(side, text=tr(note), wraplength=205, font="-size 9",
                      bootstyle="default" if enabled else "secondary").pack(anchor="w", pady=(2, 2))
        ttk.Label(side, text=tr("Alt+1 … Alt+{n}: chuyển khu vực", n=len(self.areas)),
                  font="-size 9", bootstyle="secondary").pack(side="bottom", anchor="w")

        self.content = ttk.Frame(self, padding=(12, 10))
        self.content.pack(side="left", fill="both", expand=True)
        self.placeholder = ttk.Label(self.content, text="", wraplength=600)

    def _build_menu(self) -> None:
        menubar = ttk.Menu(self.toplevel)
        self.file_menu = ttk.Menu(menubar, tearoff=False)
        self.file_menu.add_command(label=tr("Sao lưu và khôi phục…"), accelerator="Ctrl+B",
                                   command=self.open_backup)
        self.file_menu.add_command(label=tr("Khai báo đơn vị…"), command=self.open_first_run)
        self.file_menu.add_command(label=tr("Đơn vị hành chính…"), command=self.open_units, underline=4)
        self.file_menu.add_separator()
        self.file_menu.add_command(label=tr("Thoát"), accelerator="Ctrl+Q", command=self.quit_app)
        menubar.add_cascade(label=tr("Tệp"), menu=self.file_menu, underline=0)
        self.view_menu = ttk.Menu(menubar, tearoff=False)
        menubar.add_cascade(label=tr("Thao tác"), menu=self.view_menu, underline=0)
        areas_menu = ttk.Menu(menubar, tearoff=False)
        for number, area in enumerate(self.areas, start=1):
            areas_menu.add_command(label=area.title, accelerator=f"Alt+{number}",
                                   command=lambda key=area.key: self.show_area(key),
                                   state="normal" if self._available[area.key] else "disabled")
        menubar.add_cascade(label=tr("Khu vực"), menu=areas_menu, underline=0)
        help_menu = ttk.Menu(menubar, tearoff=False)
        help_menu.add_command(label=tr("Giới thiệu và phím tắt"), accelerator="F1",
                              command=self.open_about)
        menubar.add_cascade(label=tr("Trợ giúp"), menu=help_menu, underline=0)
        self.toplevel.configure(menu=menubar)
        self.menubar = menubar
        top = self.toplevel
        for number, area in enumerate(self.areas, start=1):
            top.bind(f"<Alt-Key-{number}>", lambda _e, key=area.key: self._key(self.show_area, key))
        top.bind("<Control-b>", lambda _e: self._key(self.open_backup))
        top.bind("<Control-q>", lambda _e: self._key(self.quit_app))
        top.bind("<F1>", lambda _e: self._key(self.open_about))

    def _key(self, fn: Callable[..., Any], *args: Any) -> str:
        # A shortcut does nothing while a modal job runs (its dialog holds the grab anyway).
        if not self.ctx.foreground_jobs:
            fn(*args)
        return "break"

    # --- areas --------------------------------------------------------------------------------
    def area(self, key: str) -> Area:
        return next(a for a in self.areas if a.key == key)

    def show_area(self, key: str) -> tkinter.Widget | None:
        area = self.area(key)
        if not self._available.get(key):
            self.set_status(tr("“{title}”: {note}", title=area.title, note=NOT_YET))
            return None
        view = self.views.get(key)
        if view is None:
            try:
                view = area.load()(self.content, self.ctx)
            except Exception as exc:  # a broken view must not take the window down
                self.ctx.prompter.error(describe(exc, f"view {key}"))
                return None
            self.views[key] = view
        if self.current and self.current in self.views and self.current != key:
            self.views[self.current].pack_forget()
            hide = getattr(self.views[self.current], "on_hide", None)
            if hide:
                hide()
        self.placeholder.pack_forget()
        view.pack(fill="both", expand=True)
        self.current = key
        for k, button in self.area_buttons.items():
            if self._available[k]:
                button.configure(bootstyle="primary" if k == key else "secondary-outline")
        self._install_commands(view)
        show = getattr(view, "on_show", None)
        if show:
            show()
        self.toplevel.title(f"{area.title} – {APP_NAME}")
        return view

    def _install_commands(self, view: tkinter.Widget) -> None:
        for sequence in self._bound:
            self.toplevel.unbind(sequence)
        self._bound = []
        self.view_menu.delete(0, "end")
        commands: list[Command] = list(getattr(view, "commands", lambda: [])())
        for command in commands:
            if command.separator_before:
                self.view_menu.add_separator()
            self.view_menu.add_command(label=command.label, accelerator=command.accelerator,
                                       command=command.callback)
            for sequence in command.sequences:
                self.toplevel.bind(sequence, lambda _e, c=command: self._key(c.callback))
                self._bound.append(sequence)

    def _on_data_changed(self, what: str) -> None:
        for view in self.views.values():
            refresh = getattr(view, "refresh", None)
            if refresh:
                refresh(what)

    # --- status bar ---------------------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.status_var.set(text)

    def refresh_office(self) -> None:
        office = app_services.get_office()
        if office.configured and office.unit is not None:
            self.unit_var.set(tr("Đơn vị: {name} · {role}", name=office.unit.full_name,
                                 role=office.role_label))
        else:
            self.unit_var.set(tr("Chưa khai báo đơn vị (Tệp → Khai báo đơn vị…)"))
        try:
            self.db_var.set(tr("Cơ sở dữ liệu: {path}", path=app_services.current_db_path()))
        except Exception:
            self.db_var.set("")

    # --- dialogs ------------------------------------------------------------------------------
    def open_backup(self) -> tkinter.Misc:
        from sipas_desktop.ui.dialogs.backup import BackupDialog

        dialog = BackupDialog(self.toplevel, self.ctx)
        self.last_dialog = dialog
        if self.ctx.modal:
            dialog.show()
        return dialog

    def open_first_run(self) -> tkinter.Misc:
        from sipas_desktop.ui.dialogs.first_run import FirstRunWizard

        dialog = FirstRunWizard(self.toplevel, self.ctx)
        self.last_dialog = dialog
        if self.ctx.modal:
            dialog.show()
        return dialog

    def open_units(self) -> tkinter.Misc:
        from sipas_desktop.ui.dialogs.units import UnitsDialog

        dialog = UnitsDialog(self.toplevel, self.ctx)
        self.last_dialog = dialog
        if self.ctx.modal:
            dialog.show()
        return dialog

    def open_about(self) -> tkinter.Misc:
        from sipas_desktop.ui.dialogs.about import AboutDialog

        dialog = AboutDialog(self.toplevel, self.ctx, self.shortcut_table())
        self.last_dialog = dialog
        if self.ctx.modal:
            dialog.show()
        return dialog

    def shortcut_table(self) -> list[tuple[str, str]]:
        """Every shortcut with what it does, for the About dialog and the user guide."""
        rows = [(f"Alt+{n}", a.title if self._available[a.key] else tr("{t} (chưa có)", t=a.title))
                for n, a in enumerate(self.areas, start=1)]
        view = self.views.get(self.current or "")
        for command in getattr(view, "commands", lambda: [])():
            if command.accelerator:
                rows.append((command.accelerator, command.label.rstrip("…")))
        rows += [("Ctrl+B", tr("Sao lưu và khôi phục")), ("F1", tr("Giới thiệu và phím tắt")),
                 ("Ctrl+Q", tr("Thoát"))]
        return rows

    def quit_app(self) -> None:
        if self.ctx.foreground_jobs and not self.ctx.prompter.ask_yes_no(
                tr("Một công việc đang chạy. Thoát bây giờ sẽ hủy công việc đó (dữ liệu không thay "
                   "đổi). Vẫn thoát?"), default_no=True):
            return
        self.jobs.cancel_all()
        remember_geometry(self.toplevel, self.ctx.prefs)
        self.ctx.save_prefs()
        self.toplevel.destroy()


def remember_geometry(window: tkinter.Misc, prefs: dict[str, Any]) -> None:
    try:
        zoomed = window.state() == "zoomed"
        if not zoomed:
            prefs["window_geometry"] = window.geometry()
        prefs["window_zoomed"] = zoomed
    except tkinter.TclError:
        pass


def restore_geometry(window: tkinter.Misc, prefs: dict[str, Any]) -> None:
    """Put the window back where the user left it, if that still fits on this screen."""
    geometry = prefs.get("window_geometry")
    width, height = DEFAULT_SIZE
    if isinstance(geometry, str) and "x" in geometry:
        try:
            size, _, _ = geometry.partition("+")
            w, h = (int(v) for v in size.split("x"))
            screen_w, screen_h = window.winfo_screenwidth(), window.winfo_screenheight()
            width, height = min(w, screen_w), min(h, screen_h)
            window.geometry(f"{width}x{height}" + geometry[len(size):] if w <= screen_w else
                            f"{width}x{height}")
        except (ValueError, tkinter.TclError):
            window.geometry(f"{width}x{height}")
    else:
        window.geometry(f"{width}x{height}")
    if prefs.get("window_zoomed"):
        try:
            window.state("zoomed")
        except tkinter.TclError:
            window.attributes("-zoomed", True)


def create_main_window(db_path: str | Path | None = None, *, prompter: Prompter | None = None
                       ) -> tuple[ttk.App, MainWindow]:
    """Open the database and build the main window (without entering the event loop)."""
    # The daily backup copies the whole file: on a big log that is seconds, so it runs on a
    # worker once the window is up instead of delaying the start.
    info = app_services.open_app(db_path, daily_backup=False)
    prefs = settings.load_prefs()
    root = ttk.App(title=APP_NAME, theme=THEME, minsize=MIN_SIZE)
    i18n.install(root)
    restore_geometry(root, prefs)
    window = MainWindow(root, prompter=prompter, prefs=prefs)
    window.pack(fill="both", expand=True)
    root.protocol("WM_DELETE_WINDOW", window.quit_app)
    root.report_callback_exception = lambda *exc: window.ctx.show_error(exc[1], "Tk callback")
    window.show_area("log")
    root.after(1500, lambda: start_daily_backup(window, info.db_path))
    if not window.ctx.office.configured:
        root.after(200, window.open_first_run)
    return root, window


def start_daily_backup(window: MainWindow, db_path: Path) -> None:
    from sipas_desktop.core import backup

    def failed(exc: BaseException) -> None:
        window.set_status(tr("Chưa sao lưu tự động được hôm nay: {m}", m=getattr(exc, "message", exc)))

    window.jobs.submit("daily-backup", lambda _p: backup.daily_backup_if_due(db_path), on_error=failed)


def run_gui(db_path: str | Path | None = None) -> int:
    """Start the GUI; returns the process exit code."""
    # Single-instance guard (core/instance.py): a second copy asks this one to come to the
    # front (it says so in its status bar) and exits without opening the database; if this
    # one hangs, the second shows INSTANCE_003 in the dialog below.
    from sipas_desktop.core import instance

    try:
        guard = instance.acquire()
        if guard is None:
            return 0
        root, window = create_main_window(db_path)
    except Exception as exc:  # the database cannot be opened, or Tk has no display
        report = describe(exc, "start")
        print(report.message, file=sys.stderr)
        try:
            from ttkbootstrap.dialogs import MessageDialog

            fallback = ttk.App(title=APP_NAME, theme=THEME)
            fallback.withdraw()
            i18n.install(fallback)
            MessageDialog(report.message, report.title, buttons=["Đồng ý:primary"],
                          localize=False).show()
            fallback.destroy()
        except tkinter.TclError:
            pass
        return 1

    def raise_on_request() -> None:  # polled: the guard's listener thread must not touch Tk
        if guard.take_raise_request():
            root.deiconify()
            root.lift()
            root.attributes("-topmost", True)
            root.after(300, lambda: root.attributes("-topmost", False))
            root.focus_force()
            window.set_status(instance.RAISED_MESSAGE)
        root.after(400, raise_on_request)

    root.after(400, raise_on_request)
    root.mainloop()
    guard.release()
    return 0


def version_text() -> str:
    return f"{APP_NAME} {__version__}"
