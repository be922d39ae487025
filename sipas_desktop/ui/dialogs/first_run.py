"""FirstRunWizard: the office's role and unit, and an offer of demo data, on one page.

Shown when the office is not configured yet (and from Tệp → Khai báo đơn vị…). Three numbered
steps read top to bottom: choose the role, find the unit (typing without accents works: the
search folds accents), optionally load demo data. The demo data is a real one-stop export
written by `make_demo_log` and imported through the same importer as a user's file.
"""

from __future__ import annotations

import tempfile
import tkinter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core import units
from sipas_desktop.core.services import app as app_services
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr

DEMO_ROWS = 600
DEMO_SEED = 2025
SEARCH_DELAY_MS = 200
ROLE_TEXT = {
    "xa": ("Cấp xã", "UBND xã, phường, đặc khu: ghi sổ hồ sơ, chọn mẫu, in và nhập phiếu, lập báo cáo."),
    "tong-hop": ("Cơ quan tổng hợp", "Sở Nội vụ (hoặc Phòng Nội vụ trước 1/7/2025): nhận và tổng hợp "
                                     "báo cáo của các xã."),
}


def load_demo_data(rows: int = DEMO_ROWS, seed: int = DEMO_SEED, progress: Any = None) -> Any:
    """Write a demo one-stop export to a temporary file and import it; returns the ImportResult."""
    from sipas_desktop.core.services import log_io

    with tempfile.TemporaryDirectory(prefix="sipas-demo-") as folder:
        path = Path(folder) / "so-ho-so-mau.xlsx"
        log_io.make_demo_log(path, rows, seed)
        preview = log_io.preview_import(path, progress=progress)
        return log_io.commit_import(preview, keep_valid=True, progress=progress)


class FirstRunWizard(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext, *,
                 on_done: Callable[[], None] | None = None) -> None:
        super().__init__(parent, tr("Khai báo đơn vị – SIPAS Desktop"), minsize=(720, 600))
        self.ctx = ctx
        self.on_done = on_done
        office = ctx.office
        self.role_var = tkinter.StringVar(self, office.role or "xa")
        self.search_var = tkinter.StringVar(self, "")
        self.demo_var = tkinter.BooleanVar(self, not office.configured)
        self.error_var = tkinter.StringVar(self, "")
        self.chosen_var = tkinter.StringVar(self, "")
        self.results: list[units.UnitInfo] = []
        self.unit: units.UnitInfo | None = office.unit
        self._after: str | None = None
        self.job: Any = None
        self._build()
        self.search()
        self._show_choice()

    def _build(self) -> None:
        body = ttk.Frame(self, padding=20)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Chào mừng đến với SIPAS Desktop"), font="-size 15 -weight bold",
                  bootstyle="primary").pack(anchor="w")
        ttk.Label(body, wraplength=660, justify="left", text=tr(
            "Trước khi bắt đầu, hãy cho biết cơ quan của bạn. Có thể đổi lại sau ở menu Tệp → "
            "Khai báo đơn vị.")).pack(anchor="w", pady=(4, 12))

        ttk.Label(body, text=tr("1. Vai trò của cơ quan"), font="-weight bold").pack(anchor="w")
        for role, (title, text) in ROLE_TEXT.items():
            ttk.Radiobutton(body, text=f"{title}: {text}", value=role, variable=self.role_var,
                            command=self._role_changed).pack(anchor="w", padx=(12, 0), pady=2)

        ttk.Label(body, text=tr("2. Đơn vị (gõ tên xã, phường hoặc tỉnh; không cần gõ dấu)"),
                  font="-weight bold").pack(anchor="w", pady=(14, 4))
        self.search_entry = ttk.Entry(body, textvariable=self.search_var)
        self.search_entry.pack(fill="x")
        frame = ttk.Frame(body)
        frame.pack(fill="both", expand=True, pady=(4, 0))
        self.tree = ttk.Treeview(frame, columns=("name", "parent", "code"), show="headings", height=9,
                                 selectmode="browse", bootstyle="table")
        for key, title, width in (("name", "Tên đơn vị", 260), ("parent", "Thuộc", 220),
                                  ("code", "Mã", 80)):
            self.tree.heading(key, text=tr(title), anchor="w")
            self.tree.column(key, width=width, anchor="w", stretch=key != "code")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        ttk.Label(body, textvariable=self.chosen_var, bootstyle="success").pack(anchor="w", pady=(4, 0))

        ttk.Label(body, text=tr("3. Dữ liệu mẫu"), font="-weight bold").pack(anchor="w", pady=(12, 4))
        self.demo_check = ttk.Checkbutton(body, variable=self.demo_var, text=tr(
            "Nạp {n} hồ sơ mẫu (giả lập) vào sổ để tập sử dụng; có thể xóa sau.",
            n=format_int(DEMO_ROWS)))
        self.demo_check.pack(anchor="w", padx=(12, 0))

        ttk.Label(body, textvariable=self.error_var, bootstyle="danger", wraplength=660).pack(
            anchor="w", pady=(8, 0))
        buttons = ttk.Frame(body)
        buttons.pack(fill="x", pady=(8, 0))
        self.finish_button = ttk.Button(buttons, text=tr("Bắt đầu sử dụng"), bootstyle="success",
                                        command=self.finish)
        self.finish_button.pack(side="right")
        ttk.Button(buttons, text=tr("Để sau"), bootstyle="secondary-outline",
                   command=self.close).pack(side="right", padx=8)

        self.search_var.trace_add("write", lambda *_: self._schedule_search())
        self.search_entry.bind("<Down>", lambda _e: self._focus_list())
        self.search_entry.bind("<Return>", lambda _e: self._pick_first())
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._tree_selected())
        self.tree.bind("<Return>", lambda _e: self.finish())
        self.tree.bind("<Double-Button-1>", lambda _e: self.finish())

    def focus_initial(self) -> None:
        self.search_entry.focus_set()

    # --- unit search --------------------------------------------------------------------------
    def _schedule_search(self) -> None:
        if self._after is not None:
            self.after_cancel(self._after)
        self._after = self.after(SEARCH_DELAY_MS, self.search)

    def _role_changed(self) -> None:
        self.demo_check.configure(state="normal" if self.role_var.get() == "xa" else "disabled")
        if self.unit is not None and not self._fits_role(self.unit):
            self.unit = None
        self.search()
        self._show_choice()

    def _fits_role(self, unit: units.UnitInfo) -> bool:
        return unit.level == 3 if self.role_var.get() == "xa" else unit.level < 3

    def search(self, text: str | None = None) -> list[units.UnitInfo]:
        """List the units matching `text` (or the search box) that fit the chosen role."""
        self._after = None
        if text is not None:
            self.search_var.set(text)
            if self._after is not None:
                self.after_cancel(self._after)
                self._after = None
        query = self.search_var.get()
        if self.role_var.get() == "xa":
            found = units.search_units(query, level=3, limit=200)
        else:
            found = [u for u in units.search_units(query, limit=400) if u.level < 3][:200]
        self.results = found
        self.tree.delete(*self.tree.get_children())
        for unit in found:
            self.tree.insert("", "end", iid=unit.code, values=(unit.name, unit.parent_name or "", unit.code))
        if self.unit is not None and self.tree.exists(self.unit.code):
            self.tree.selection_set(self.unit.code)
            self.tree.see(self.unit.code)
        return found

    def _focus_list(self) -> None:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.focus(children[0])
            self.tree.selection_set(children[0])

    def _pick_first(self) -> None:
        children = self.tree.get_children()
        if len(children) == 1:
            self.choose(children[0])
        else:
            self._focus_list()

    def _tree_selected(self) -> None:
        chosen = self.tree.selection()
        if chosen:
            self.unit = next((u for u in self.results if u.code == chosen[0]), None)
            self._show_choice()

    def choose(self, code: str) -> None:
        self.unit = units.get_unit(code)
        if self.tree.exists(code):
            self.tree.selection_set(code)
            self.tree.see(code)
        self._show_choice()

    def _show_choice(self) -> None:
        if self.unit is not None:
            self.chosen_var.set(tr("Đã chọn: {name} (mã {code})", name=self.unit.full_name,
                                   code=self.unit.code))
            self.error_var.set("")
        else:
            self.chosen_var.set("")

    # --- finish -------------------------------------------------------------------------------
    def finish(self) -> bool:
        if self.unit is None:
            self.error_var.set(tr("Hãy chọn đơn vị trong danh sách (bước 2)."))
            self.search_entry.focus_set()
            return False
        role = self.role_var.get()
        try:
            app_services.init_office(self.unit.code, role)
        except Exception as exc:
            from sipas_desktop.core.errors import SipasError

            if isinstance(exc, SipasError):
                self.error_var.set(exc.message)
            else:
                self.ctx.show_error(exc, "first run")
            return False
        self.ctx.office_changed()
        self.ctx.set_status(tr("Đã khai báo: {name}.", name=self.unit.full_name))
        wants_demo = role == "xa" and bool(self.demo_var.get())
        self.close()
        if wants_demo:
            self.job = self.ctx.run_with_progress(tr("Nạp dữ liệu mẫu"), lambda p: load_demo_data(progress=p),
                                                  self._demo_loaded)
        elif self.on_done is not None:
            self.on_done()
        return True

    def _demo_loaded(self, result: Any) -> None:
        self.ctx.data_changed("log")
        self.ctx.set_status(tr("Đã nạp {n} hồ sơ mẫu.", n=format_int(getattr(result, "new", 0))))
        if self.on_done is not None:
            self.on_done()
