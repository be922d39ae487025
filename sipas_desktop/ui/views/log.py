"""LogView: the dossier log (sổ theo dõi hồ sơ) as a fast grid with search, filters and actions.

The grid is a VirtualGrid over `log_services.query_dossiers`, so opening the view on 100,000
dossiers costs one count and one page query. Filters build a `LogFilter`; sorting is done by
the database (names in Vietnamese order through the collation key). Imports and exports run on
a worker thread behind a progress dialog with Cancel; adding and editing go through
DossierDialog; deleting asks first.

Every action method takes its inputs as optional arguments (a path, a row) and returns the
dialog it opened, so tests drive the real view without any modal box.
"""

from __future__ import annotations

import tkinter
from datetime import date
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.text import DateError, format_date, format_int, parse_date
from sipas_desktop.core.tthc_log.records import APPLICANT_TYPES, CHANNELS, DossierRow, LogFilter
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr
from sipas_desktop.ui.widgets.virtual_grid import GridColumn, VirtualGrid

ALL = "Tất cả"
STATUSES = {"returned": "Đã trả kết quả", "pending": "Chưa trả kết quả"}
SEARCH_DELAY_MS = 250
EXCEL_TYPES = [("Bảng tính Excel hoặc CSV", "*.xlsx *.xls *.csv"), ("Mọi tệp", "*.*")]

# What a clerk looks for first comes first; the rest is a horizontal scroll away.
COLUMNS = [
    GridColumn("code", "Mã hồ sơ", 218),
    GridColumn("applicant_name", "Tên cá nhân, tổ chức", 190),
    GridColumn("received_date", "Ngày nhận", 92, anchor="center"),
    GridColumn("returned_date", "Ngày trả KQ", 96, anchor="center"),
    GridColumn("procedure_name", "Tên thủ tục hành chính", 300, stretch=True),
    GridColumn("channel", "Kênh", 130),
    GridColumn("field_name", "Lĩnh vực", 150),
    GridColumn("applicant_type", "Loại", 75),
    GridColumn("phone", "Điện thoại", 105, sortable=False),
    GridColumn("address", "Địa chỉ", 260, sortable=False),
]


def row_values(row: DossierRow) -> tuple[str, ...]:
    return (row.code, row.applicant_name, format_date(row.received_date),
            format_date(row.returned_date), row.procedure_name, CHANNELS.get(row.channel, row.channel),
            row.field_name, APPLICANT_TYPES.get(row.applicant_type, row.applicant_type), row.phone,
            row.address)


class LogView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master)
        self.ctx = ctx
        self.sort = "received_date"
        self.descending = True
        self.filter = LogFilter()
        self._search_after: str | None = None
        self.search_var = tkinter.StringVar(self)
        self.field_var = tkinter.StringVar(self, ALL)
        self.channel_var = tkinter.StringVar(self, ALL)
        self.status_var = tkinter.StringVar(self, ALL)
        self.count_var = tkinter.StringVar(self, "")
        self.filter_error_var = tkinter.StringVar(self, "")
        self._build()
        self.reload()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Sổ theo dõi hồ sơ"), font="-size 14 -weight bold").pack(side="left")
        ttk.Label(head, textvariable=self.count_var, bootstyle="secondary").pack(side="left", padx=12)
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(8, 6))
        buttons = [
            ("Thêm (Ctrl+N)", "success", self.add),
            ("Sửa (F2)", "secondary-outline", self.edit_selected),
            ("Xóa (Delete)", "secondary-outline", self.delete_selected),
            ("Nhập từ Excel… (Ctrl+I)", "primary", self.import_file),
            ("Xuất sổ… (Ctrl+E)", "primary-outline", self.export),
            ("Làm mới (F5)", "secondary-outline", self.reload),
        ]
        self.buttons: dict[str, ttk.Button] = {}
        for label, style, command in buttons:
            button = ttk.Button(bar, text=tr(label), bootstyle=style, command=command)
            button.pack(side="left", padx=(0, 6))
            self.buttons[label.split(" (")[0].split("…")[0]] = button

        # Two rows so that every filter fits the smallest window (980 px wide).
        filters = ttk.Frame(self)
        filters.pack(fill="x", pady=(0, 6))
        top = ttk.Frame(filters)
        top.pack(fill="x")
        ttk.Label(top, text=tr("Tìm theo tên, mã hồ sơ hoặc số điện thoại (Ctrl+F)")).grid(
            row=0, column=0, sticky="w")
        self.search_entry = ttk.Entry(top, textvariable=self.search_var, width=44)
        self.search_entry.grid(row=1, column=0, sticky="w", padx=(0, 16))
        ttk.Label(top, text=tr("Nhận hồ sơ từ ngày")).grid(row=0, column=1, sticky="w")
        self.date_from = ttk.DateEntry(top, date_format="%d/%m/%Y", value=None, width=11,
                                       first_weekday=0)
        self.date_from.grid(row=1, column=1, sticky="w", padx=(0, 8))
        ttk.Label(top, text=tr("đến ngày")).grid(row=0, column=2, sticky="w")
        self.date_to = ttk.DateEntry(top, date_format="%d/%m/%Y", value=None, width=11,
                                     first_weekday=0)
        self.date_to.grid(row=1, column=2, sticky="w", padx=(0, 16))
        ttk.Button(top, text=tr("Bỏ lọc (Ctrl+L)"), bootstyle="link",
                   command=self.clear_filters).grid(row=1, column=3, sticky="w")
        bottom = ttk.Frame(filters)
        bottom.pack(fill="x", pady=(4, 0))
        ttk.Label(bottom, text=tr("Lĩnh vực")).pack(side="left")
        self.field_box = ttk.Combobox(bottom, textvariable=self.field_var, state="readonly", width=26)
        self.field_box.pack(side="left", padx=(6, 0))
        ttk.Button(bottom, text=tr("Danh mục…"), bootstyle="link", command=self.open_catalogue).pack(
            side="left", padx=(0, 10))
        ttk.Label(bottom, text=tr("Kênh")).pack(side="left")
        self.channel_box = ttk.Combobox(bottom, textvariable=self.channel_var, state="readonly",
                                        values=[ALL, *CHANNELS.values()], width=18)
        self.channel_box.pack(side="left", padx=(6, 16))
        ttk.Label(bottom, text=tr("Tình trạng")).pack(side="left")
        self.status_box = ttk.Combobox(bottom, textvariable=self.status_var, state="readonly",
                                       values=[ALL, *STATUSES.values()], width=17)
        self.status_box.pack(side="left", padx=(6, 0))
        ttk.Label(filters, textvariable=self.filter_error_var, bootstyle="danger").pack(anchor="w")

        self.grid_widget = VirtualGrid(
            self, COLUMNS, fetch=self._fetch, count=self._count, row_values=row_values,
            row_id=lambda r: r.id, on_activate=lambda row: self.edit(row),
            on_delete=self.delete_selected, on_sort=self.sort_by, on_selection=self._selection_changed)
        self.grid_widget.pack(fill="both", expand=True)
        self.grid_widget.set_sort_indicator(self.sort, self.descending)

        self.empty = ttk.Frame(self, padding=30)
        ttk.Label(self.empty, text=tr("Sổ chưa có hồ sơ nào."), font="-size 13 -weight bold").pack(
            anchor="w")
        ttk.Label(self.empty, wraplength=640, justify="left", text=tr(
            "Bước tiếp theo: nhập sổ từ tệp Excel (.xlsx, .xls) hoặc .csv mà phần mềm một cửa xuất ra "
            "(Ctrl+I), hoặc thêm từng hồ sơ bằng tay (Ctrl+N).")).pack(anchor="w", pady=(6, 12))
        ttk.Button(self.empty, text=tr("Nhập từ Excel… (Ctrl+I)"), bootstyle="primary",
                   command=self.import_file).pack(anchor="w")

        foot = self.foot = ttk.Frame(self)
        foot.pack(fill="x", pady=(4, 0))
        self.position_var = tkinter.StringVar(self, "")
        ttk.Label(foot, textvariable=self.position_var, bootstyle="secondary").pack(side="left")
        ttk.Label(foot, text=tr("Enter hoặc nhấp đúp: sửa · Delete: xóa · bấm tiêu đề cột để sắp xếp"),
                  bootstyle="secondary").pack(side="right")

        self.search_var.trace_add("write", lambda *_: self._schedule_search())
        self.search_entry.bind("<Return>", lambda _e: self.apply_filters())
        self.search_entry.bind("<Down>", lambda _e: self.grid_widget.tree.focus_set())
        for box in (self.field_box, self.channel_box, self.status_box):
            box.bind("<<ComboboxSelected>>", lambda _e: self.apply_filters())
        for entry in (self.date_from, self.date_to):
            entry.bind("<<DateEntrySelected>>", lambda _e: self.apply_filters())
            entry.entry.bind("<Return>", lambda _e: self.apply_filters())
            entry.entry.bind("<FocusOut>", lambda _e: self.apply_filters(), add="+")

    def commands(self) -> list[Command]:
        return [
            Command(tr("Thêm hồ sơ…"), self.add, "Ctrl+N", ("<Control-n>", "<Control-N>")),
            Command(tr("Sửa hồ sơ đang chọn…"), self.edit_selected, "Enter, F2"),
            Command(tr("Xóa hồ sơ đang chọn…"), self.delete_selected, "Delete"),
            Command(tr("Tìm hồ sơ"), self.focus_search, "Ctrl+F", ("<Control-f>", "<Control-F>"),
                    separator_before=True),
            Command(tr("Bỏ lọc"), self.clear_filters, "Ctrl+L", ("<Control-l>", "<Control-L>")),
            Command(tr("Làm mới"), self.reload, "F5", ("<F5>",)),
            Command(tr("Nhập sổ từ Excel…"), self.import_file, "Ctrl+I", ("<Control-i>", "<Control-I>"),
                    separator_before=True),
            Command(tr("Xuất sổ ra Excel…"), self.export, "Ctrl+E", ("<Control-e>", "<Control-E>")),
            Command(tr("Danh mục lĩnh vực, thủ tục…"), self.open_catalogue, "Ctrl+K",
                    ("<Control-k>", "<Control-K>"), separator_before=True),
        ]

    def on_show(self) -> None:
        self.grid_widget.tree.focus_set()

    def refresh(self, what: str = "log") -> None:
        self.reload(keep_position=False)

    # --- data ---------------------------------------------------------------------------------
    def _fetch(self, offset: int, limit: int) -> list[DossierRow]:
        return log_services.query_dossiers(self.filter, sort=self.sort, descending=self.descending,
                                           offset=offset, limit=limit)

    def _count(self) -> int:
        return log_services.count_dossiers(self.filter)

    def reload(self, *, keep_position: bool = False) -> None:
        self._refresh_fields()
        self.grid_widget.reload(keep_position=keep_position)
        total = self.grid_widget.total
        everything = total if self._is_unfiltered() else log_services.count_dossiers()
        if everything == 0:
            self.grid_widget.pack_forget()
            self.empty.pack(fill="both", expand=True, before=self.foot)
        else:
            self.empty.pack_forget()
            if not self.grid_widget.winfo_manager():
                self.grid_widget.pack(fill="both", expand=True, before=self.foot)
        if self._is_unfiltered():
            self.count_var.set(tr("{n} hồ sơ", n=format_int(total)))
        else:
            self.count_var.set(tr("{n} / {all} hồ sơ khớp điều kiện lọc", n=format_int(total),
                                  all=format_int(everything)))
        self._selection_changed()

    def _refresh_fields(self) -> None:
        names = {f.name for f in log_services.list_fields()}
        names.update(log_services.distinct_fields_in_log())
        from sipas_desktop.core.text import sort_key

        self.field_box.configure(values=[ALL, *sorted(names, key=sort_key)])

    def _is_unfiltered(self) -> bool:
        return self.filter == LogFilter()

    def _selection_changed(self) -> None:
        grid = self.grid_widget
        if not grid.total:
            self.position_var.set("")
            return
        shown = f"{format_int(grid.offset + 1)}–{format_int(min(grid.total, grid.offset + grid.visible))}"
        chosen = len(grid.selected)
        text = tr("Đang xem dòng {shown} / {total}", shown=shown, total=format_int(grid.total))
        if chosen > 1:
            text += tr(" · đã chọn {n} hồ sơ", n=format_int(chosen))
        self.position_var.set(text)

    # --- filters and sorting ------------------------------------------------------------------
    def _schedule_search(self) -> None:
        if self._search_after is not None:
            self.after_cancel(self._search_after)
        self._search_after = self.after(SEARCH_DELAY_MS, self.apply_filters)

    def _read_date(self, entry: Any, label: str) -> date | None:
        text = entry.entry.get().strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except DateError as exc:
            raise ValueError(f"{label}: {exc}") from None

    def build_filter(self) -> LogFilter:
        field = self.field_var.get()
        channel = {v: k for k, v in CHANNELS.items()}.get(self.channel_var.get())
        status = {v: k for k, v in STATUSES.items()}.get(self.status_var.get())
        date_from = self._read_date(self.date_from, tr("Từ ngày"))
        date_to = self._read_date(self.date_to, tr("Đến ngày"))
        if date_from and date_to and date_to < date_from:
            raise ValueError(tr("“Đến ngày” ({to}) trước “từ ngày” ({frm}).", to=format_date(date_to),
                                frm=format_date(date_from)))
        return LogFilter(text=self.search_var.get().strip(), date_from=date_from, date_to=date_to,
                         field=None if field in ("", ALL) else field, channel=channel, status=status)

    def apply_filters(self) -> None:
        self._search_after = None
        try:
            flt = self.build_filter()
        except ValueError as exc:
            self.filter_error_var.set(str(exc))
            return
        self.filter_error_var.set("")
        if flt != self.filter:
            self.filter = flt
            self.reload()

    def set_filter(self, *, text: str | None = None, date_from: date | None = None,
                   date_to: date | None = None, field: str | None = None, channel: str | None = None,
                   status: str | None = None) -> None:
        """Fill the filter widgets as a user would, then apply them (for tests and shortcuts)."""
        if text is not None:
            self.search_var.set(text)
        for entry, value in ((self.date_from, date_from), (self.date_to, date_to)):
            if value is not None:
                entry.entry.delete(0, "end")
                entry.entry.insert(0, format_date(value))
        if field is not None:
            self.field_var.set(field)
        if channel is not None:
            self.channel_var.set(CHANNELS.get(channel, ALL))
        if status is not None:
            self.status_var.set(STATUSES.get(status, ALL))
        self.apply_filters()

    def clear_filters(self) -> None:
        self.search_var.set("")
        for entry in (self.date_from, self.date_to):
            entry.entry.delete(0, "end")
        for var in (self.field_var, self.channel_var, self.status_var):
            var.set(ALL)
        self.apply_filters()

    def focus_search(self) -> None:
        self.search_entry.focus_set()
        self.search_entry.select_range(0, "end")

    def sort_by(self, key: str) -> None:
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = key, False
        self.grid_widget.set_sort_indicator(self.sort, self.descending)
        self.reload()

    # --- actions ------------------------------------------------------------------------------
    def add(self) -> Any:
        from sipas_desktop.ui.dialogs.dossier import DossierDialog

        return self._open(DossierDialog(self, self.ctx, None, on_saved=self._saved))

    def edit_selected(self) -> Any:
        row = self.grid_widget.cursor_row()
        if row is None:
            self.ctx.set_status(tr("Chưa chọn hồ sơ nào để sửa."))
            return None
        return self.edit(row)

    def edit(self, row: DossierRow) -> Any:
        from sipas_desktop.ui.dialogs.dossier import DossierDialog

        try:
            record = log_services.get_dossier(row.id)
        except Exception as exc:
            self.ctx.show_error(exc, "edit dossier")
            self.reload(keep_position=True)
            return None
        return self._open(DossierDialog(self, self.ctx, record, on_saved=self._saved))

    def open_catalogue(self) -> Any:
        from sipas_desktop.ui.dialogs.catalogue import CatalogueDialog

        return self._open(CatalogueDialog(self, self.ctx))

    def _open(self, dialog: Any) -> Any:
        if self.ctx.modal:
            dialog.show()
        return dialog

    def _saved(self, record: Any) -> None:
        self.reload(keep_position=True)
        self.grid_widget.select_id(record.id)
        self.ctx.set_status(tr("Đã lưu hồ sơ {code}.", code=record.code))

    def delete_selected(self) -> int:
        ids = self.grid_widget.selected_ids()
        if not ids:
            self.ctx.set_status(tr("Chưa chọn hồ sơ nào để xóa."))
            return 0
        if len(ids) == 1:
            row = self.grid_widget.cursor_row()
            what = tr("hồ sơ {code} ({name})", code=row.code, name=row.applicant_name) if row and \
                row.id == ids[0] else tr("hồ sơ đã chọn")
        else:
            what = tr("{n} hồ sơ đã chọn", n=format_int(len(ids)))
        if not self.ctx.prompter.ask_yes_no(
                tr("Xóa {what} khỏi sổ? Việc xóa được ghi vào nhật ký; có thể lấy lại từ bản sao lưu.",
                   what=what), tr("Xóa hồ sơ"), default_no=True):
            return 0
        try:
            count = log_services.delete_dossiers(ids, user="")
        except Exception as exc:
            self.ctx.show_error(exc, "delete dossiers")
            return 0
        self.reload(keep_position=True)
        self.ctx.set_status(tr("Đã xóa {n} hồ sơ.", n=format_int(count)))
        return count

    def import_file(self, path: str | Path | None = None) -> Any:
        """Read the file on a worker, then show the preview dialog (returns the job)."""
        from sipas_desktop.core.services import log_io

        if path is None:
            chosen = filedialog.askopenfilename(parent=self, title=tr("Chọn tệp sổ hồ sơ để nhập"),
                                                filetypes=EXCEL_TYPES,
                                                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        self.ctx.prefs["last_folder"] = str(path.parent)
        self.last_preview_dialog = None

        def show_preview(preview: Any) -> None:
            from sipas_desktop.ui.dialogs.import_preview import ImportPreviewDialog

            dialog = ImportPreviewDialog(self, self.ctx, preview, on_imported=self._imported)
            self.last_preview_dialog = dialog
            self._open(dialog)

        def read(progress: Any) -> Any:
            try:
                return log_io.preview_import(path, progress=progress)
            except UserError as exc:
                if exc.code != "LOG_IMP_030":
                    raise
                # No header row recognised: the preview opens on its column mapping, to map by hand.
                return log_io.preview_import(path, mapping={}, progress=progress)

        return self.ctx.run_with_progress(tr("Đọc tệp {name}", name=path.name), read, show_preview)

    def _imported(self, result: Any) -> None:
        self.ctx.data_changed("log")
        self.reload()

    def export(self, path: str | Path | None = None) -> Any:
        from sipas_desktop.core.services import log_io

        if path is None:
            chosen = filedialog.asksaveasfilename(
                parent=self, title=tr("Xuất sổ theo dõi hồ sơ"), defaultextension=".xlsx",
                initialfile="so-theo-doi-ho-so.xlsx", filetypes=[("Bảng tính Excel", "*.xlsx")],
                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not chosen:
                return None
            path = chosen
        path = Path(path)
        self.ctx.prefs["last_folder"] = str(path.parent)
        flt = None if self._is_unfiltered() else self.filter

        def done(result: Any) -> None:
            count = getattr(result, "rows", result)
            self.ctx.set_status(tr("Đã xuất sổ vào {path}", path=path))
            self.ctx.prompter.info(tr("Đã xuất {what} vào tệp:\n{path}\n\nMở tệp bằng Excel hoặc "
                                      "LibreOffice để in (khổ A4 ngang).",
                                      what=tr("{n} hồ sơ", n=format_int(count))
                                      if isinstance(count, int) else tr("sổ"), path=path),
                                   tr("Xuất sổ"))

        return self.ctx.run_with_progress(
            tr("Xuất sổ ra {name}", name=path.name),
            lambda progress: log_io.export_log(path, flt, progress=progress), done)
