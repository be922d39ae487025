"""UnitsDialog: look up administrative units and add the older ones (before 1/7/2025).

The built-in list holds the units after 1 July 2025 (34 provinces, 3,321 communes). A plan from
before then (a district's 2020 plan, three levels: tỉnh → huyện → xã) needs its huyện and xã,
which the user adds here by hand or imports from an .xlsx with the columns Mã · Tên · Loại ·
Mã cấp trên. Left: a search box (accents and case do not matter) over a tree that opens a
province or district to its units, loading each level only when opened. Right: the form to add
one unit, whose parent is the unit selected in the tree, and the import, whose problems are
listed by sheet, row and column; a file with any error adds nothing (`core.units.import_units`
is all-or-nothing).

Menu: Tệp → Đơn vị hành chính…. Keys: Ctrl+F search, Alt+C/M/N/L the boxes of the form
(Cấp trên, Mã, Tên, Loại), Ctrl+Enter add, Ctrl+I import, Esc close. The file dialog is the
attribute `ask_open_path`, so tests drive the real dialog without a modal window.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core import units
from sipas_desktop.core.errors import Issue, SipasError
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr

SEARCH_DELAY_MS = 200
SEARCH_LIMIT = 300
PLACEHOLDER = "…"      # child of a node not opened yet
# Older kinds first: this dialog is mostly for the units that no longer exist.
KIND_ORDER = ("huyen", "quan", "thi_xa", "thanh_pho", "xa", "phuong", "thi_tran", "tinh", "thanh_pho_tw",
              "dac_khu")
KIND_BY_LABEL = {units.KIND_LABELS[k]: k for k in KIND_ORDER}
XLSX_TYPES = [("Bảng tính Excel", "*.xlsx"), ("Mọi tệp", "*.*")]


class UnitsDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(parent, tr("Đơn vị hành chính"), minsize=(1000, 580))
        self.ctx = ctx
        self.search_var = tkinter.StringVar(self, "")
        self.count_var = tkinter.StringVar(self, "")
        self.selected_var = tkinter.StringVar(self, "")
        self.parent_var = tkinter.StringVar(self, "")
        self.parent_name_var = tkinter.StringVar(self, "")
        self.code_var = tkinter.StringVar(self, "")
        self.name_var = tkinter.StringVar(self, "")
        self.kind_var = tkinter.StringVar(self, units.KIND_LABELS["huyen"])
        self.message_var = tkinter.StringVar(self, "")
        self.changed = False
        self.last_import: tuple[int, list[Issue]] | None = None
        self._after: str | None = None
        self.ask_open_path: Callable[[], Path | None] = self._ask_open_path
        self._build()
        self.search()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        buttons = ttk.Frame(self, padding=(16, 0, 16, 14))
        buttons.pack(side="bottom", fill="x")
        ttk.Button(buttons, text=tr("Đóng (Esc)"), bootstyle="secondary", command=self.close).pack(
            side="right")
        body = ttk.Frame(self, padding=(16, 14, 16, 10))
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Đơn vị hành chính"), font="-size 13 -weight bold").grid(
            row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(body, wraplength=990, justify="left", text=tr(
            "Chương trình có sẵn 34 tỉnh, thành phố và 3.321 xã, phường, đặc khu từ ngày 1/7/2025. Kế hoạch "
            "trước ngày đó có ba cấp (tỉnh – huyện – xã): thêm huyện và xã cũ ở đây, từng đơn vị hoặc từ "
            "tệp Excel.")).grid(row=1, column=0, columnspan=2, sticky="w", pady=(2, 10))
        body.columnconfigure(0, weight=3)
        body.columnconfigure(1, weight=2)
        body.rowconfigure(2, weight=1)
        self._build_tree(body)
        right = ttk.Frame(body)
        right.grid(row=2, column=1, sticky="nsew")
        self._build_add_form(right)
        self._build_import(right)
        self._build_issues(body)
        self.message = ttk.Label(body, textvariable=self.message_var, wraplength=980, justify="left")
        self.message.grid(row=4, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.bind("<Control-f>", lambda _e: self._key(self.focus_search))
        self.bind("<Control-F>", lambda _e: self._key(self.focus_search))
        self.bind("<Control-i>", lambda _e: self._key(self.import_file))
        self.bind("<Control-I>", lambda _e: self._key(self.import_file))
        self.bind("<Control-Return>", lambda _e: self._key(self.add))
        for letter, widget in (("c", self.parent_entry), ("m", self.code_entry), ("n", self.name_entry),
                               ("l", self.kind_box)):
            for key in (letter, letter.upper()):
                self.bind(f"<Alt-{key}>", lambda _e, w=widget: self._key(w.focus_set))

    def _build_tree(self, body: ttk.Frame) -> None:
        left = ttk.Labelframe(body, text=tr("Tìm và xem đơn vị"), padding=8)
        left.grid(row=2, column=0, sticky="nsew", padx=(0, 12))
        ttk.Label(left, text=tr("Tìm theo tên hoặc mã, không cần gõ dấu (Ctrl+F):")).pack(anchor="w")
        self.search_entry = ttk.Entry(left, textvariable=self.search_var)
        self.search_entry.pack(fill="x", pady=(2, 6))
        frame = ttk.Frame(left)
        frame.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(frame, columns=("code", "kind", "parent", "note"), show="tree headings",
                                 selectmode="browse", bootstyle="table", height=9)
        self.tree.heading("#0", text=tr("Tên đơn vị"), anchor="w")
        self.tree.column("#0", width=190, anchor="w")
        for key, title, width in (("code", "Mã", 62), ("kind", "Loại", 86), ("parent", "Thuộc", 104),
                                  ("note", "Ghi chú", 118)):
            self.tree.heading(key, text=tr(title), anchor="w")
            self.tree.column(key, width=width, anchor="w", stretch=key == "parent")
        self.tree.tag_configure("historical", foreground="#8a4b08")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        ttk.Label(left, textvariable=self.count_var, bootstyle="secondary", wraplength=560,
                  justify="left").pack(anchor="w", pady=(4, 0))
        self.search_var.trace_add("write", lambda *_: self._schedule_search())
        self.search_entry.bind("<Return>", lambda _e: self._key(self._search_now_and_go_down))
        self.search_entry.bind("<Down>", lambda _e: self._key(self._go_down))
        self.tree.bind("<<TreeviewOpen>>", lambda _e: self._opened(self.tree.focus()))
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.tree.bind("<Return>", lambda _e: self._key(self.use_selected_as_parent))

    def _build_add_form(self, right: ttk.Frame) -> None:
        box = ttk.Labelframe(right, text=tr("Thêm một đơn vị trước 1/7/2025"), padding=10)
        box.pack(fill="x")
        box.columnconfigure(1, weight=1)
        ttk.Label(box, text=tr("Cấp trên (mã):"), underline=0).grid(row=0, column=0, sticky="w")
        self.parent_entry = ttk.Entry(box, textvariable=self.parent_var, width=10)
        self.parent_entry.grid(row=0, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(box, textvariable=self.parent_name_var, bootstyle="secondary", wraplength=330,
                  justify="left").grid(row=1, column=0, columnspan=2, sticky="w", pady=(0, 4))
        ttk.Label(box, text=tr("Mã:"), underline=0).grid(row=2, column=0, sticky="w")
        self.code_entry = ttk.Entry(box, textvariable=self.code_var, width=14)
        self.code_entry.grid(row=2, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(box, text=tr("Tên:"), underline=2).grid(row=3, column=0, sticky="w")
        self.name_entry = ttk.Entry(box, textvariable=self.name_var)
        self.name_entry.grid(row=3, column=1, sticky="we", padx=6, pady=2)
        ttk.Label(box, text=tr("Loại:"), underline=0).grid(row=4, column=0, sticky="w")
        self.kind_box = ttk.Combobox(box, textvariable=self.kind_var, state="readonly", width=28,
                                     values=[units.KIND_LABELS[k] for k in KIND_ORDER])
        self.kind_box.grid(row=4, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(box, text=tr("Ví dụ: 432 · Huyện Nghi Xuân · Huyện · cấp trên 42."),
                  bootstyle="secondary", wraplength=360, justify="left").grid(
            row=5, column=0, columnspan=2, sticky="w", pady=(4, 0))
        self.add_button = ttk.Button(box, text=tr("Thêm đơn vị (Ctrl+Enter)"), bootstyle="success",
                                     command=self.add)
        self.add_button.grid(row=6, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.parent_var.trace_add("write", lambda *_: self._show_parent_name())
        for entry in (self.parent_entry, self.code_entry, self.name_entry):
            entry.bind("<Return>", lambda _e: self._key(self.add))

    def _build_import(self, right: ttk.Frame) -> None:
        box = ttk.Labelframe(right, text=tr("Nhập nhiều đơn vị từ tệp Excel"), padding=10)
        box.pack(fill="x", pady=(10, 0))
        ttk.Label(box, wraplength=380, justify="left", text=tr(
            "Tệp .xlsx, dòng 1 là tiêu đề, các cột: Mã · Tên · Loại · Mã cấp trên. Tệp có lỗi thì "
            "không đơn vị nào được nhập.")).pack(anchor="w")
        self.import_button = ttk.Button(box, text=tr("Nhập từ Excel… (Ctrl+I)"), bootstyle="primary-outline",
                                        command=self.import_file)
        self.import_button.pack(anchor="w", pady=(8, 0))

    def _build_issues(self, body: ttk.Frame) -> None:
        """The problems of the last import, by place; shown only when there are some."""
        self.issues_box = ttk.Labelframe(body, text=tr("Vấn đề trong tệp vừa nhập"), padding=8)
        self.issues = ttk.Treeview(self.issues_box, columns=("where", "what"), show="headings", height=3,
                                   selectmode="browse")
        self.issues.heading("where", text=tr("Ở đâu (trang tính, dòng, cột)"), anchor="w")
        self.issues.heading("what", text=tr("Vấn đề"), anchor="w")
        self.issues.column("where", width=330, anchor="w", stretch=False)
        self.issues.column("what", width=560, anchor="w")
        scroll = ttk.Scrollbar(self.issues_box, orient="vertical", command=self.issues.yview)
        self.issues.configure(yscrollcommand=scroll.set)
        self.issues.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")

    @staticmethod
    def _key(action: Callable[[], Any]) -> str:
        action()
        return "break"

    def focus_initial(self) -> None:
        self.search_entry.focus_set()

    def focus_search(self) -> None:
        self.search_entry.focus_set()
        self.search_entry.selection_range(0, "end")

    # --- tree -----------------------------------------------------------------------------------
    def _schedule_search(self) -> None:
        if self._after is not None:
            self.after_cancel(self._after)
        self._after = self.after(SEARCH_DELAY_MS, self.search)

    def search(self, text: str | None = None) -> list[units.UnitInfo]:
        """Fill the tree: the provinces when the box is empty, else the units matching the text."""
        self._after = None
        if text is not None:
            self.search_var.set(text)
        query = self.search_var.get().strip()
        found = units.search_units(query, limit=SEARCH_LIMIT) if query else units.search_units(level=1)
        self.tree.delete(*self.tree.get_children())
        for unit in found:
            self._insert("", unit)
        if query:
            more = tr(" (chỉ hiện {n} đơn vị đầu; gõ thêm chữ để thu hẹp)", n=SEARCH_LIMIT) \
                if len(found) >= SEARCH_LIMIT else ""
            self.count_var.set(tr("{n} đơn vị khớp “{q}”", n=format_int(len(found)), q=query) + more
                               if found else tr("Không có đơn vị nào khớp “{q}”.", q=query))
        else:
            self.count_var.set(tr("{n} tỉnh, thành phố. Phím → (hoặc nhấp dấu +) mở một tỉnh, huyện; chọn "
                                  "một tỉnh, huyện để thêm đơn vị bên dưới nó.", n=format_int(len(found))))
        return found

    def _insert(self, parent_iid: str, unit: units.UnitInfo) -> None:
        note = tr("trước 1/7/2025") if unit.historical else ("" if unit.builtin else tr("thêm tay"))
        self.tree.insert(parent_iid, "end", iid=unit.code, text=unit.name,
                         values=(unit.code, unit.kind_label, unit.parent_name or "", note),
                         tags=("historical",) if unit.historical else ())
        if unit.level < 3:
            self.tree.insert(unit.code, "end", iid=f"{unit.code}{PLACEHOLDER}", text=PLACEHOLDER)

    def _opened(self, iid: str) -> None:
        """Load a node's units the first time it is opened."""
        if not iid or not self.tree.exists(f"{iid}{PLACEHOLDER}"):
            return
        self.tree.delete(f"{iid}{PLACEHOLDER}")
        for unit in units.children(iid):
            if not self.tree.exists(unit.code):     # a search result may already show it elsewhere
                self._insert(iid, unit)

    def open_unit(self, code: str) -> None:
        """Open a node (and load its units), as the → key or a click on its arrow does."""
        self._opened(code)
        self.tree.item(code, open=True)

    def reveal(self, code: str) -> None:
        """Show a unit in the tree of provinces, opening its province and district, and select it."""
        if self.search_var.get().strip():
            self.search_var.set("")
            self.search()
        chain = [code]
        unit = units.get_unit(code)
        while unit.parent:
            chain.append(unit.parent)
            unit = units.get_unit(unit.parent)
        for ancestor in reversed(chain[1:]):
            if self.tree.exists(ancestor):
                self.open_unit(ancestor)
        if self.tree.exists(code):
            self.tree.selection_set(code)
            self.tree.focus(code)
            self.tree.see(code)
            # and again once the window has its final layout (a list of problems may shrink the tree)
            self.after_idle(lambda: self.tree.exists(code) and self.tree.see(code))

    def _go_down(self) -> None:
        children = self.tree.get_children()
        if children:
            self.tree.focus_set()
            self.tree.focus(children[0])
            self.tree.selection_set(children[0])

    def _search_now_and_go_down(self) -> None:
        if self._after is not None:
            self.after_cancel(self._after)
        self.search()
        self._go_down()

    def _selected(self) -> None:
        selection = self.tree.selection()
        if not selection or selection[0].endswith(PLACEHOLDER):
            return
        unit = units.get_unit(selection[0])
        if unit.level < 3:
            self.use_as_parent(unit)

    def use_selected_as_parent(self) -> None:
        selection = self.tree.selection()
        if selection and not selection[0].endswith(PLACEHOLDER):
            self.use_as_parent(units.get_unit(selection[0]))
            self.code_entry.focus_set()

    def use_as_parent(self, unit: units.UnitInfo) -> None:
        """A province or district becomes the parent of the next unit; the kind follows its level."""
        if unit.level >= 3:
            return
        self.parent_var.set(unit.code)
        self.kind_var.set(units.KIND_LABELS["huyen" if unit.level == 1 else "xa"])

    def _show_parent_name(self) -> None:
        code = self.parent_var.get().strip()
        if not code:
            self.parent_name_var.set(tr("(để trống nếu đơn vị mới là một tỉnh)"))
            return
        try:
            unit = units.get_unit(code)
        except SipasError:
            self.parent_name_var.set(tr("Chưa có đơn vị mã “{c}”.", c=code))
            return
        self.parent_name_var.set(tr("→ {name} ({kind})", name=unit.full_name, kind=unit.kind_label))

    # --- actions --------------------------------------------------------------------------------
    def say(self, text: str, level: str = "default") -> None:
        self.message_var.set(text)
        self.message.configure(bootstyle=level)

    def add(self) -> units.UnitInfo | None:
        """Add the unit of the form; on success it is shown, selected, in the tree."""
        kind = KIND_BY_LABEL.get(self.kind_var.get(), self.kind_var.get())
        try:
            unit = units.add_unit(self.code_var.get().strip(), self.name_var.get().strip(), kind,
                                  self.parent_var.get().strip() or None, historical=True)
        except SipasError as exc:
            self.say(exc.message, "danger")
            where = {"UNIT_001": self.parent_entry, "UNIT_003": self.kind_box}.get(exc.code)
            if where is None:
                where = self.name_entry if self.code_var.get().strip() and exc.code == "UNIT_002" \
                    else self.code_entry
            where.focus_set()
            return None
        except Exception as exc:  # a bug: logged, and the dialog stays usable
            self.ctx.show_error(exc, "add unit")
            return None
        self.changed = True
        self.reveal(unit.code)
        self.say(tr("Đã thêm {name} (mã {code}, {kind}), thuộc {parent}.", name=unit.name, code=unit.code,
                    kind=unit.kind_label.lower(), parent=unit.parent_name or tr("cấp trung ương")), "success")
        self.code_var.set("")
        self.name_var.set("")
        self.code_entry.focus_set()
        return unit

    def import_file(self, path: str | Path | None = None) -> int | None:
        """Import units from an .xlsx; returns how many were added (None if nothing was chosen)."""
        source = Path(path) if path is not None else self.ask_open_path()
        if source is None:
            return None
        self.issues.delete(*self.issues.get_children())
        self.issues_box.grid_remove()
        try:
            count, issues = units.import_units(source)
        except SipasError as exc:
            self.last_import = (0, list(exc.issues))
            self.say(exc.message, "danger")
            return 0
        except Exception as exc:  # a bug: logged, and nothing was written (one transaction)
            self.ctx.show_error(exc, "import units")
            return 0
        self.last_import = (count, list(issues.items))
        for index, issue in enumerate(issues.items):
            self.issues.insert("", "end", iid=str(index), values=(issue.location(), issue.message))
        if issues.items:
            self.issues_box.grid(row=3, column=0, columnspan=2, sticky="nsew", pady=(10, 0))
        if issues.errors:
            self.say(tr("Tệp “{f}” có {n} lỗi (xem danh sách ở trên: trang tính, dòng, cột); chưa nhập đơn "
                        "vị nào. Sửa tệp rồi nhập lại.", f=source.name, n=format_int(len(issues.errors))),
                     "danger")
            return 0
        self.changed = self.changed or count > 0
        self.search()
        self.say(tr("Đã nhập {n} đơn vị từ “{f}”. Tìm theo tên để xem chúng trong cây.", n=format_int(count),
                    f=source.name), "success")
        return count

    def _ask_open_path(self) -> Path | None:
        chosen = filedialog.askopenfilename(parent=self, title=tr("Chọn tệp Excel danh sách đơn vị"),
                                            filetypes=XLSX_TYPES,
                                            initialdir=self.ctx.prefs.get("last_folder") or None)
        if not chosen:
            return None
        self.ctx.prefs["last_folder"] = str(Path(chosen).parent)
        return Path(chosen)

    def close(self) -> None:
        if self.changed:
            self.ctx.data_changed("units")
        super().close()
