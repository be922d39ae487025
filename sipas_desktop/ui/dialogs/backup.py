"""BackupDialog: back up now, restore a listed backup or any backup file, see every backup.

Backing up runs on a worker (SQLite's online backup API copies a consistent snapshot while the
program stays open). Restoring runs on the Tk thread on purpose: it closes and reopens this
thread's database connection around the file swap, and nothing else may run meanwhile. The
current database is always saved first, so a restore can itself be undone.
"""

from __future__ import annotations

import tkinter
from pathlib import Path
from tkinter import filedialog

import ttkbootstrap as ttk

from sipas_desktop.core.services import app as app_services
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr

REASONS = {
    "thu-cong": "Sao lưu thủ công",
    "hang-ngay": "Tự động hằng ngày",
    "truoc-nang-cap": "Trước khi nâng cấp",
    "truoc-khoi-phuc": "Trước khi khôi phục",
}


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return tr("{n} MB", n=f"{size / 1024 / 1024:.1f}".replace(".", ","))
    return tr("{n} KB", n=format_int(max(1, size // 1024)))


class BackupDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(parent, tr("Sao lưu và khôi phục"), minsize=(760, 460))
        self.ctx = ctx
        self.backups: list = []
        self.message_var = tkinter.StringVar(self, "")
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Sao lưu và khôi phục dữ liệu"), font="-size 13 -weight bold").pack(
            anchor="w")
        ttk.Label(body, wraplength=720, justify="left", text=tr(
            "Chương trình tự sao lưu mỗi ngày và trước mỗi lần nâng cấp. Nên sao lưu thêm trước khi "
            "nhập dữ liệu lớn, và chép bản sao lưu ra USB. Khi khôi phục, dữ liệu hiện tại được sao "
            "lưu trước nên luôn lấy lại được.")).pack(anchor="w", pady=(4, 10))
        actions = ttk.Frame(body)
        actions.pack(fill="x", pady=(0, 8))
        self.backup_button = ttk.Button(actions, text=tr("Sao lưu ngay"), bootstyle="success",
                                        command=self.backup_now)
        self.backup_button.pack(side="left")
        self.restore_button = ttk.Button(actions, text=tr("Khôi phục bản đã chọn…"),
                                         bootstyle="warning-outline", command=self.restore_selected)
        self.restore_button.pack(side="left", padx=8)
        ttk.Button(actions, text=tr("Khôi phục từ tệp khác…"), bootstyle="secondary-outline",
                   command=self.restore_from_file).pack(side="left")
        ttk.Label(body, text=tr("Các bản sao lưu (mới nhất trước) trong {p}",
                                p=self._folder())).pack(anchor="w")
        frame = ttk.Frame(body)
        frame.pack(fill="both", expand=True)
        self.tree = ttk.Treeview(frame, columns=("when", "reason", "size", "file"), show="headings",
                                 height=10, selectmode="browse", bootstyle="table")
        for key, title, width in (("when", "Thời điểm", 170), ("reason", "Loại", 170),
                                  ("size", "Dung lượng", 100), ("file", "Tệp", 300)):
            self.tree.heading(key, text=tr(title), anchor="w")
            self.tree.column(key, width=width, anchor="w", stretch=key == "file")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selection())
        ttk.Label(body, textvariable=self.message_var, bootstyle="success", wraplength=720).pack(
            anchor="w", pady=(8, 0))
        ttk.Button(body, text=tr("Đóng"), bootstyle="secondary", command=self.close).pack(anchor="e")
        self.refresh()

    def _folder(self) -> Path:
        from sipas_desktop.core.paths import backup_dir

        return backup_dir(self.ctx.db_path)

    def refresh(self) -> None:
        self.backups = app_services.list_backups()
        self.tree.delete(*self.tree.get_children())
        for index, info in enumerate(self.backups):
            self.tree.insert("", "end", iid=str(index), values=(
                info.created.strftime("%d/%m/%Y %H:%M:%S"), REASONS.get(info.reason, info.reason),
                size_text(info.size), info.path.name))
        if self.backups:
            self.tree.selection_set("0")
        self._selection()

    def _selection(self) -> None:
        self.restore_button.configure(state="normal" if self.tree.selection() else "disabled")

    def selected_backup(self) -> Path | None:
        chosen = self.tree.selection()
        return self.backups[int(chosen[0])].path if chosen else None

    def backup_now(self) -> object:
        def done(path: Path) -> None:
            self.message_var.set(tr("Đã sao lưu vào: {p}", p=path))
            self.ctx.set_status(tr("Đã sao lưu."))
            if self.winfo_exists():
                self.refresh()

        return self.ctx.run_with_progress(tr("Sao lưu dữ liệu"),
                                          lambda _progress: app_services.backup_now(), done,
                                          cancellable=False)

    def restore_selected(self) -> bool:
        path = self.selected_backup()
        return self.restore(path) if path else False

    def restore_from_file(self) -> bool:
        chosen = filedialog.askopenfilename(parent=self, title=tr("Chọn tệp sao lưu để khôi phục"),
                                            filetypes=[(tr("Bản sao lưu SIPAS"), "*.db"),
                                                       (tr("Mọi tệp"), "*.*")])
        return self.restore(Path(chosen)) if chosen else False

    def restore(self, path: Path) -> bool:
        if not self.ctx.prompter.ask_yes_no(
                tr("Khôi phục dữ liệu từ “{name}”?\n\nDữ liệu hiện tại sẽ được thay bằng bản sao lưu này "
                   "(nhưng được sao lưu lại trước, nên vẫn lấy lại được).", name=Path(path).name),
                tr("Khôi phục"), default_no=True):
            return False
        try:
            self.configure(cursor="watch")
            self.update_idletasks()
            safety = app_services.restore(Path(path))
        except Exception as exc:
            self.ctx.show_error(exc, "restore")
            return False
        finally:
            if self.winfo_exists():
                self.configure(cursor="")
        self.message_var.set(tr("Đã khôi phục từ “{name}”. Dữ liệu trước khi khôi phục được giữ ở: {s}",
                                name=Path(path).name, s=safety))
        self.ctx.set_status(tr("Đã khôi phục dữ liệu từ bản sao lưu."))
        self.ctx.office_changed()
        self.ctx.data_changed("all")
        self.refresh()
        return True

    def focus_initial(self) -> None:
        self.backup_button.focus_set()
