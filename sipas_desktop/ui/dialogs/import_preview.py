"""ImportPreviewDialog: what a file would import, every problem by place, and the column mapping.

Nothing is written until the user presses one of the two import buttons:
- "Nhập tất cả" is enabled only when the file has no error;
- "Chỉ nhập các dòng hợp lệ" imports the valid rows and refuses the others (shown when there
  are errors and at least one valid row).
The problems are listed in a VirtualGrid (sheet, row, column, what), so a file with tens of
thousands of problems opens as fast as one with three. The second tab lets the user correct
how the columns were recognised and the row where the data starts; the file is then read again
with that mapping, which the importer remembers for this file layout once the import is done.
When no header row was recognised at all, the dialog opens on that tab with every column unmapped
(with its first values to recognise it), so the user maps the columns by hand.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import Issue
from sipas_desktop.core.services import log_io
from sipas_desktop.core.text import format_int
from sipas_desktop.core.tthc_log.headers import field_label, load_vocabulary
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr
from sipas_desktop.ui.widgets.virtual_grid import GridColumn, VirtualGrid

UNUSED = "(không dùng)"
MAPPING_SOURCES = {"auto": "tự nhận theo tên cột", "remembered": "theo cách ghép đã lưu cho mẫu tệp này",
                   "user": "theo cách ghép bạn vừa sửa"}
ISSUE_COLUMNS = [
    GridColumn("level", "Mức", 75, sortable=False),
    GridColumn("sheet", "Trang tính", 150, sortable=False),
    GridColumn("row", "Dòng", 55, anchor="e", sortable=False),
    GridColumn("column", "Cột", 250, sortable=False),
    GridColumn("message", "Vấn đề", 560, sortable=False, stretch=True),
]


def issue_values(item: tuple[int, Issue]) -> tuple[str, ...]:
    _, issue = item
    return (tr("Lỗi") if issue.is_error else tr("Cảnh báo"), issue.sheet or "",
            "" if issue.row is None else str(issue.row), issue.column or "", issue.message)


class ImportPreviewDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext, preview: Any, *,
                 on_imported: Callable[[Any], None] | None = None) -> None:
        super().__init__(parent, tr("Xem trước khi nhập sổ hồ sơ"), minsize=(980, 600))
        self.ctx = ctx
        self.on_imported = on_imported
        self.preview = preview
        self.result: Any = None
        self.job: Any = None
        self.issues: list[tuple[int, Issue]] = []
        self.title_var = tkinter.StringVar(self, "")
        self.info_var = tkinter.StringVar(self, "")
        self.summary_var = tkinter.StringVar(self, "")
        self.advice_var = tkinter.StringVar(self, "")
        self.mapping_boxes: dict[int, ttk.Combobox] = {}
        self.data_row_var = tkinter.StringVar(self, "")
        vocab = load_vocabulary()
        self.key_of_label = {field_label(k): k for k in vocab.keys}
        self._build()
        self.set_preview(preview)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, textvariable=self.title_var, font="-size 13 -weight bold").pack(anchor="w")
        ttk.Label(body, textvariable=self.info_var, bootstyle="secondary", wraplength=940).pack(anchor="w")
        self.summary_label = ttk.Label(body, textvariable=self.summary_var, font="-weight bold",
                                       wraplength=940)
        self.summary_label.pack(anchor="w", pady=(8, 6))
        self.notebook = ttk.Notebook(body)
        self.notebook.pack(fill="both", expand=True)
        issues_tab = ttk.Frame(self.notebook, padding=6)
        self.issue_grid = VirtualGrid(issues_tab, ISSUE_COLUMNS, fetch=self._issue_page,
                                      count=lambda: len(self.issues), row_values=issue_values,
                                      row_id=lambda item: item[0],
                                      row_tags=lambda item: ("error",) if item[1].is_error else ("warning",),
                                      on_selection=self._issue_selected)
        colors = ttk.Style.get_instance().colors
        self.issue_grid.tree.tag_configure("error", foreground=colors.danger)
        self.issue_grid.tree.tag_configure("warning", foreground=colors.warning)
        self.detail_var = tkinter.StringVar(self, "")
        ttk.Label(issues_tab, textvariable=self.detail_var, wraplength=920, justify="left").pack(
            side="bottom", anchor="w", pady=(6, 0))
        self.issue_grid.pack(fill="both", expand=True)
        self.no_issue_label = ttk.Label(issues_tab, text=tr("Không có vấn đề nào: mọi dòng đều nhập được."),
                                        bootstyle="success", font="-weight bold")
        self.notebook.add(issues_tab, text=tr("Các vấn đề"))
        mapping_tab = ttk.Frame(self.notebook, padding=10)
        ttk.Label(mapping_tab, wraplength=900, justify="left", text=tr(
            "Mỗi cột trong tệp được ghép với một thông tin của sổ. Nếu chương trình nhận sai, chọn lại "
            "rồi bấm “Đọc lại tệp với cách ghép này”; cách ghép được nhớ cho các tệp cùng mẫu.")).pack(
            anchor="w")
        self.mapping_frame = ttk.Frame(mapping_tab)
        self.mapping_frame.pack(fill="both", expand=True, pady=(8, 8))
        actions = ttk.Frame(mapping_tab)
        actions.pack(fill="x")
        ttk.Label(actions, text=tr("Dữ liệu bắt đầu từ dòng")).pack(side="left")
        self.data_row_box = ttk.Spinbox(actions, from_=1, to=1_000_000, width=8,
                                        textvariable=self.data_row_var)
        self.data_row_box.pack(side="left", padx=(6, 18))
        self.reread_button = ttk.Button(actions, text=tr("Đọc lại tệp với cách ghép này"),
                                        bootstyle="primary-outline", command=self.reread)
        self.reread_button.pack(side="left")
        self.notebook.add(mapping_tab, text=tr("Ghép cột"))

        buttons = ttk.Frame(self, padding=(16, 0, 16, 16))
        buttons.pack(side="bottom", fill="x", before=body)  # always visible, however small the window
        self.cancel_button = ttk.Button(buttons, text=tr("Hủy (Esc)"), bootstyle="secondary",
                                        command=self.close)
        self.cancel_button.pack(side="right")
        self.import_all_button = ttk.Button(buttons, text=tr("Nhập tất cả"), bootstyle="success",
                                            command=lambda: self.commit(keep_valid=False))
        self.import_all_button.pack(side="right", padx=(0, 8))
        self.keep_valid_button = ttk.Button(buttons, text=tr("Chỉ nhập các dòng hợp lệ"),
                                            bootstyle="warning", command=lambda: self.commit(keep_valid=True))
        self.keep_valid_button.pack(side="right", padx=(0, 8))
        ttk.Label(buttons, textvariable=self.advice_var, wraplength=480, justify="left",
                  bootstyle="danger").pack(side="left", fill="x", expand=True)

    def _issue_selected(self) -> None:
        """The whole text of the chosen problem, which a narrow column may cut."""
        item = self.issue_grid.cursor_row() if self.issues else None
        self.detail_var.set(str(item[1]) if item else "")

    def _issue_page(self, offset: int, limit: int) -> list[tuple[int, Issue]]:
        return self.issues[offset:offset + limit]

    def focus_initial(self) -> None:
        if str(self.import_all_button.cget("state")) == "normal":
            self.import_all_button.focus_set()
        else:
            self.issue_grid.tree.focus_set()

    # --- content ------------------------------------------------------------------------------
    def set_preview(self, preview: Any) -> None:
        self.preview = preview
        errors = len(preview.errors)
        warnings = len(preview.issues.warnings)
        self.title_var.set(tr("Xem trước: {name}", name=preview.path.name))
        header_rows = ", ".join(str(r + 1) for r in preview.layout.header_rows)
        how = MAPPING_SOURCES.get(preview.mapping_source, preview.mapping_source)
        if preview.mapping_source == "none":
            self.info_var.set(tr("Trang tính “{sheet}”: không nhận ra dòng tiêu đề cột, dữ liệu có vẻ "
                                 "bắt đầu từ dòng {first}. Chưa có gì được ghi vào sổ.", sheet=preview.sheet,
                                 first=preview.layout.data_start + 1))
        elif header_rows:
            self.info_var.set(tr("Trang tính “{sheet}”, dòng tiêu đề {rows}, dữ liệu từ dòng {first}; "
                                 "các cột được ghép {how}. Chưa có gì được ghi vào sổ.", sheet=preview.sheet,
                                 rows=header_rows, first=preview.layout.data_start + 1, how=how))
        else:
            self.info_var.set(tr("Trang tính “{sheet}”, không có dòng tiêu đề nhận ra được, dữ liệu từ dòng "
                                 "{first}; các cột {how}. Chưa có gì được ghi vào sổ.", sheet=preview.sheet,
                                 first=preview.layout.data_start + 1, how=how))
        self.data_row_var.set(str(preview.layout.data_start + 1))
        parts = [tr("{n} dòng hồ sơ", n=format_int(preview.total)),
                 tr("{n} hợp lệ", n=format_int(preview.valid_count)),
                 tr("{n} dòng có lỗi", n=format_int(preview.error_count))]
        if warnings:
            parts.append(tr("{n} cảnh báo", n=format_int(warnings)))
        if preview.skipped_rows:
            parts.append(tr("bỏ qua {n} dòng trống, dòng tổng cộng, chữ ký",
                            n=format_int(preview.skipped_rows)))
        self.summary_var.set(" · ".join(parts))
        self.summary_label.configure(bootstyle="danger" if errors else "success")
        ordered = list(preview.file_errors) + list(preview.issues.items)
        self.issues = list(enumerate(ordered))
        self.issue_grid.reload()
        if self.issues:
            self.no_issue_label.pack_forget()
            self.issue_grid.pack(fill="both", expand=True)
        else:
            self.issue_grid.pack_forget()
            self.no_issue_label.pack(anchor="w", pady=20)
        self.notebook.tab(0, text=tr("Các vấn đề ({n})", n=format_int(len(self.issues))))
        self._fill_mapping()
        can_all = preview.ok and preview.total > 0
        can_valid = not preview.file_errors and preview.error_count > 0 and preview.valid_count > 0
        self.import_all_button.configure(
            text=tr("Nhập tất cả ({n} hồ sơ)", n=format_int(preview.total)),
            state="normal" if can_all else "disabled")
        self.keep_valid_button.configure(
            text=tr("Chỉ nhập các dòng hợp lệ ({n} hồ sơ)", n=format_int(preview.valid_count)),
            state="normal" if can_valid else "disabled")
        if can_valid:
            self.keep_valid_button.pack(side="right", padx=(0, 8))
        else:
            self.keep_valid_button.pack_forget()
        if preview.mapping_source == "none":
            self.advice_var.set(tr("Chương trình không nhận ra dòng tiêu đề cột. Ở tab “Ghép cột”, "
                                   "chọn thông tin cho từng cột (ít nhất Mã hồ sơ, Tên TTHC, Tên cá nhân, "
                                   "tổ chức, Ngày nhận hồ sơ) và dòng bắt đầu dữ liệu, rồi bấm “Đọc lại "
                                   "tệp với cách ghép này”."))
            self.notebook.select(1)
        elif preview.file_errors:
            self.advice_var.set(tr("Tệp chưa nhập được. Kiểm tra tab “Ghép cột”: có thể một cột bắt buộc "
                                   "chưa được nhận ra."))
        elif preview.error_count:
            self.advice_var.set(tr("Có {n} dòng lỗi nên chưa thể nhập tất cả. Sửa tệp rồi nhập lại, hoặc "
                                   "chỉ nhập các dòng hợp lệ (các dòng lỗi không được nhập).",
                                   n=format_int(preview.error_count)))
        elif preview.total == 0:
            self.advice_var.set(tr("Tệp không có dòng hồ sơ nào."))
        else:
            self.advice_var.set("")

    def _fill_mapping(self) -> None:
        for child in self.mapping_frame.winfo_children():
            child.destroy()
        self.mapping_boxes = {}
        labels = [UNUSED, *self.key_of_label]
        columns = self.preview.columns
        per_column = (len(columns) + 1) // 2
        for n, info in enumerate(columns):
            block, row = divmod(n, per_column)
            header = info.header if len(info.header) <= 26 else info.header[:25] + "…"
            ttk.Label(self.mapping_frame, text=header).grid(row=row, column=block * 3, sticky="w",
                                                            padx=(0 if block == 0 else 24, 6), pady=2)
            box = ttk.Combobox(self.mapping_frame, values=labels, state="readonly", width=22)
            box.set(info.label or UNUSED)
            box.grid(row=row, column=block * 3 + 1, sticky="w", pady=2)
            # The first values tell the column apart when its header says nothing (or is missing).
            sample = info.sample if len(info.sample) <= 13 else info.sample[:12] + "…"
            ttk.Label(self.mapping_frame, text=sample, bootstyle="secondary").grid(
                row=row, column=block * 3 + 2, sticky="w", padx=(6, 0), pady=2)
            self.mapping_boxes[info.index] = box

    def mapping(self) -> dict[int, str]:
        """The column → field mapping the user sees in the "Ghép cột" tab."""
        return {index: self.key_of_label[box.get()] for index, box in self.mapping_boxes.items()
                if box.get() in self.key_of_label}

    def set_mapping_label(self, column: int, label: str) -> None:
        self.mapping_boxes[column].set(label)

    def data_row(self) -> int | None:
        """The row where the data starts, as typed (None when it is not a whole number)."""
        text = self.data_row_var.get().strip()
        return int(text) if text.isdigit() and int(text) >= 1 else None

    # --- actions ------------------------------------------------------------------------------
    def reread(self) -> Any:
        mapping = self.mapping()
        data_row = self.data_row()
        path = self.preview.path

        def done(preview: Any) -> None:
            if self.winfo_exists():
                self.set_preview(preview)
                self.notebook.select(0)
                if self.ctx.modal:  # the progress dialog took the grab; take it back
                    self.grab_set()

        self.job = self.ctx.run_with_progress(
            tr("Đọc lại {name}", name=path.name),
            lambda progress: log_io.preview_import(path, mapping=mapping, progress=progress,
                                                   data_row=data_row), done)
        return self.job

    def commit(self, *, keep_valid: bool) -> Any:
        preview = self.preview

        def done(result: Any) -> None:
            self.result = result
            self.close()
            message = tr("Đã nhập “{name}”: {new} hồ sơ mới, {updated} cập nhật, {same} không đổi, "
                         "{refused} bị từ chối.", name=preview.path.name, new=format_int(result.new),
                         updated=format_int(result.updated), same=format_int(result.unchanged),
                         refused=format_int(result.refused))
            self.ctx.set_status(message)
            if self.on_imported is not None:
                self.on_imported(result)
            self.ctx.prompter.info(message, tr("Nhập sổ hồ sơ"))

        self.job = self.ctx.run_with_progress(
            tr("Nhập {name} vào sổ", name=preview.path.name),
            lambda progress: log_io.commit_import(preview, keep_valid=keep_valid, progress=progress), done)
        return self.job
