"""CatalogueDialog: the fields (lĩnh vực) and their procedures (thủ tục hành chính), editable.

The catalogue fills the dossier form's lists and gives an imported dossier its field from its
procedure. Left: the fields; right: the procedures of the chosen field. Under each list, a name
box and the buttons that act on it. The whole catalogue can also be imported from an .xlsx with
the columns Lĩnh vực · Thủ tục hành chính (all or nothing: a file with a problem changes nothing).
"""

from __future__ import annotations

import tkinter
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import SipasError, UserError
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.errors import format_issues
from sipas_desktop.ui.i18n import tr


class CatalogueDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(parent, tr("Danh mục lĩnh vực và thủ tục"), minsize=(900, 560))
        self.ctx = ctx
        self.field_name_var = tkinter.StringVar(self)
        self.proc_name_var = tkinter.StringVar(self)
        self.proc_field_var = tkinter.StringVar(self)
        self.message_var = tkinter.StringVar(self)
        self.fields: list[Any] = []
        self.procedures: list[Any] = []
        self.changed = False
        self._build()
        self.refresh()

    def _build(self) -> None:
        buttons = ttk.Frame(self, padding=(16, 0, 16, 16))
        buttons.pack(side="bottom", fill="x")
        ttk.Button(buttons, text=tr("Đóng"), bootstyle="secondary", command=self.close).pack(side="right")
        ttk.Button(buttons, text=tr("Nhập danh mục từ Excel…"), bootstyle="primary-outline",
                   command=self.import_file).pack(side="left")
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Danh mục lĩnh vực và thủ tục hành chính"),
                  font="-size 13 -weight bold").grid(row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(body, wraplength=860, justify="left", text=tr(
            "Chọn thủ tục trong ô hồ sơ thì lĩnh vực được điền theo danh mục này; khi nhập sổ, hồ sơ "
            "không ghi lĩnh vực cũng được xếp lĩnh vực theo tên thủ tục.")).grid(
            row=1, column=0, columnspan=2, sticky="w", pady=(2, 10))
        body.columnconfigure(0, weight=2)
        body.columnconfigure(1, weight=3)
        body.rowconfigure(2, weight=1)

        left = ttk.Labelframe(body, text=tr("Lĩnh vực"), padding=8)
        left.grid(row=2, column=0, sticky="nsew", padx=(0, 10))
        self.field_tree = self._tree(left, (("name", "Lĩnh vực", 220), ("count", "Số thủ tục", 90)))
        self.field_tree.bind("<<TreeviewSelect>>", lambda _e: self._field_selected())
        ttk.Label(left, text=tr("Tên lĩnh vực")).pack(anchor="w", pady=(6, 0))
        ttk.Entry(left, textvariable=self.field_name_var).pack(fill="x", pady=(0, 4))
        row = ttk.Frame(left)
        row.pack(fill="x")
        ttk.Button(row, text=tr("Thêm"), bootstyle="success", command=self.add_field).pack(side="left")
        ttk.Button(row, text=tr("Đổi tên"), bootstyle="secondary-outline",
                   command=self.rename_field).pack(side="left", padx=6)
        ttk.Button(row, text=tr("Xóa"), bootstyle="danger-outline", command=self.delete_field).pack(
            side="left")

        right = ttk.Labelframe(body, text=tr("Thủ tục của lĩnh vực đang chọn"), padding=8)
        right.grid(row=2, column=1, sticky="nsew")
        self.proc_tree = self._tree(right, (("name", "Thủ tục hành chính", 420),))
        self.proc_tree.bind("<<TreeviewSelect>>", lambda _e: self._procedure_selected())
        ttk.Label(right, text=tr("Tên thủ tục · thuộc lĩnh vực")).pack(anchor="w", pady=(6, 0))
        form = ttk.Frame(right)
        form.pack(fill="x", pady=(0, 4))
        ttk.Entry(form, textvariable=self.proc_name_var).pack(side="left", fill="x", expand=True)
        self.proc_field_box = ttk.Combobox(form, textvariable=self.proc_field_var, state="readonly",
                                           width=22)
        self.proc_field_box.pack(side="left", padx=(6, 0))
        row = ttk.Frame(right)
        row.pack(fill="x")
        ttk.Button(row, text=tr("Thêm"), bootstyle="success", command=self.add_procedure).pack(side="left")
        ttk.Button(row, text=tr("Lưu thay đổi"), bootstyle="secondary-outline",
                   command=self.update_procedure).pack(side="left", padx=6)
        ttk.Button(row, text=tr("Xóa"), bootstyle="danger-outline", command=self.delete_procedure).pack(
            side="left")
        ttk.Label(body, textvariable=self.message_var, wraplength=860, justify="left",
                  bootstyle="danger").grid(row=3, column=0, columnspan=2, sticky="w", pady=(8, 0))

    def _tree(self, master: tkinter.Misc, columns: tuple[tuple[str, str, int], ...]) -> ttk.Treeview:
        frame = ttk.Frame(master)
        frame.pack(fill="both", expand=True)
        tree = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=14,
                            selectmode="browse", bootstyle="table")
        for key, title, width in columns:
            tree.heading(key, text=tr(title), anchor="w")
            tree.column(key, width=width, anchor="w", stretch=key == "name")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=scroll.set)
        tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        return tree

    # --- content ------------------------------------------------------------------------------
    def refresh(self, select_field: str | None = None, select_procedure: str | None = None) -> None:
        current = select_field or self.selected_field_name()
        self.fields = log_services.list_fields()
        self.field_tree.delete(*self.field_tree.get_children())
        for info in self.fields:
            self.field_tree.insert("", "end", iid=str(info.id),
                                   values=(info.name, format_int(info.procedure_count)))
        self.proc_field_box.configure(values=[f.name for f in self.fields])
        chosen = next((f for f in self.fields if f.name == current), self.fields[0] if self.fields else None)
        if chosen is not None:
            self.field_tree.selection_set(str(chosen.id))
            self.field_tree.see(str(chosen.id))
        self._field_selected(select_procedure)

    def selected_field_name(self) -> str | None:
        chosen = self.field_tree.selection()
        return next((f.name for f in self.fields if str(f.id) == chosen[0]), None) if chosen else None

    def selected_procedure(self) -> Any | None:
        chosen = self.proc_tree.selection()
        return next((p for p in self.procedures if str(p.id) == chosen[0]), None) if chosen else None

    def _field_selected(self, select_procedure: str | None = None) -> None:
        name = self.selected_field_name()
        self.field_name_var.set(name or "")
        self.procedures = log_services.list_procedures(name) if name else []
        self.proc_tree.delete(*self.proc_tree.get_children())
        for proc in self.procedures:
            self.proc_tree.insert("", "end", iid=str(proc.id), values=(proc.name,))
        self.proc_name_var.set("")
        self.proc_field_var.set(name or "")
        target = next((p for p in self.procedures if p.name == select_procedure), None)
        if target is not None:
            self.proc_tree.selection_set(str(target.id))
            self.proc_tree.see(str(target.id))

    def _procedure_selected(self) -> None:
        proc = self.selected_procedure()
        if proc is not None:
            self.proc_name_var.set(proc.name)
            self.proc_field_var.set(proc.field_name)

    # --- actions ------------------------------------------------------------------------------
    def _do(self, action: Any, done_message: str) -> bool:
        try:
            action()
        except SipasError as exc:
            self.message_var.set(exc.message)
            return False
        except Exception as exc:
            self.ctx.show_error(exc, "catalogue")
            return False
        self.message_var.set("")
        self.changed = True
        self.ctx.set_status(done_message)
        self.ctx.data_changed("catalogue")
        return True

    def add_field(self) -> bool:
        name = self.field_name_var.get()
        if self._do(lambda: log_services.save_field(name), tr("Đã thêm lĩnh vực “{n}”.", n=name.strip())):
            self.refresh(select_field=name.strip())
            return True
        return False

    def rename_field(self) -> bool:
        chosen = self.field_tree.selection()
        if not chosen:
            self.message_var.set(tr("Hãy chọn lĩnh vực cần đổi tên."))
            return False
        name = self.field_name_var.get()
        ok = self._do(lambda: log_services.save_field(name, int(chosen[0])),
                      tr("Đã đổi tên lĩnh vực thành “{n}” (cả trong sổ hồ sơ).", n=name.strip()))
        if ok:
            self.refresh(select_field=name.strip())
        return ok

    def delete_field(self) -> bool:
        chosen = self.field_tree.selection()
        name = self.selected_field_name()
        if not chosen or name is None:
            return False
        if not self.ctx.prompter.ask_yes_no(tr("Xóa lĩnh vực “{n}” khỏi danh mục?", n=name),
                                            tr("Xóa lĩnh vực"), default_no=True):
            return False
        ok = self._do(lambda: log_services.delete_field(int(chosen[0])),
                      tr("Đã xóa lĩnh vực “{n}”.", n=name))
        if ok:
            self.refresh()
        return ok

    def add_procedure(self) -> bool:
        name, field = self.proc_name_var.get(), self.proc_field_var.get()
        ok = self._do(lambda: log_services.save_procedure(name, field),
                      tr("Đã thêm thủ tục “{n}”.", n=name.strip()))
        if ok:
            self.refresh(select_field=field, select_procedure=name.strip())
        return ok

    def update_procedure(self) -> bool:
        proc = self.selected_procedure()
        if proc is None:
            self.message_var.set(tr("Hãy chọn thủ tục cần sửa."))
            return False
        name, field = self.proc_name_var.get(), self.proc_field_var.get()
        ok = self._do(lambda: log_services.save_procedure(name, field, proc.id),
                      tr("Đã lưu thủ tục “{n}”.", n=name.strip()))
        if ok:
            self.refresh(select_field=field, select_procedure=name.strip())
        return ok

    def delete_procedure(self) -> bool:
        proc = self.selected_procedure()
        if proc is None:
            return False
        if not self.ctx.prompter.ask_yes_no(
                tr("Xóa thủ tục “{n}” khỏi danh mục? Các hồ sơ đã có trong sổ không bị xóa.", n=proc.name),
                tr("Xóa thủ tục"), default_no=True):
            return False
        ok = self._do(lambda: log_services.delete_procedure(proc.id),
                      tr("Đã xóa thủ tục “{n}”.", n=proc.name))
        if ok:
            self.refresh()
        return ok

    def import_file(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen = filedialog.askopenfilename(parent=self, title=tr("Chọn tệp danh mục (.xlsx)"),
                                                filetypes=[(tr("Bảng tính Excel"), "*.xlsx")])
            if not chosen:
                return False
            path = chosen
        result: dict[str, Any] = {}

        def run() -> None:
            fields, procs, issues = log_services.import_catalogue(Path(path))
            if issues.errors:
                raise UserError(tr("Tệp danh mục có {n} lỗi; danh mục chưa thay đổi.",
                                   n=len(issues.errors)) + "\n" + format_issues(issues.errors))
            result.update(fields=fields, procs=procs)

        ok = self._do(run, tr("Đã nhập danh mục."))
        if ok:
            self.message_var.set("")
            self.ctx.set_status(tr("Đã nhập danh mục: {f} lĩnh vực mới, {p} thủ tục mới.",
                                   f=format_int(result["fields"]), p=format_int(result["procs"])))
            self.refresh()
        return ok
