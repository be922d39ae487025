"""FormsView: print numbered questionnaires, reprint one number, exchange response files.

The questionnaire comes from the current plan (or is picked here when no plan names one). The
numbers already printed for this unit and plan are listed; printing continues after them. Print
runs, imports and exports run on a worker thread behind a progress dialog; the worker gets plain
values only, never a widget. Every action takes its path as an optional argument so tests drive
the real view without a file dialog.
"""

from __future__ import annotations

import tkinter
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.entry.numbers import format_number
from sipas_desktop.core.errors import SipasError, UserError
from sipas_desktop.core.services import entry as entry_services
from sipas_desktop.core.services import forms as form_services
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr

PREF_FORM = "entry.form_id"
KINDS = {"print": "In", "reprint": "In lại"}


class FormsView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master, padding=(12, 10))
        self.ctx = ctx
        self.form_id: str | None = ctx.prefs.get(PREF_FORM)
        self.survey: form_services.SurveyContext | None = None
        self.count_var = tkinter.StringVar(self, "25")
        self.start_var = tkinter.StringVar(self, "")
        self.reprint_var = tkinter.StringVar(self, "")
        self.cover_var = tkinter.BooleanVar(self, True)
        self.context_var = tkinter.StringVar(self, "")
        self.message_var = tkinter.StringVar(self, "")
        self.form_choice = tkinter.StringVar(self, "")
        self.last_result: Any = None
        self._build()
        self.reload()

    def _build(self) -> None:
        ttk.Label(self, text=tr("Phiếu khảo sát: in phiếu có đánh số"), font="-size 14 -weight bold").pack(
            anchor="w")
        ttk.Label(self, textvariable=self.context_var, bootstyle="secondary").pack(anchor="w", pady=(2, 6))
        self.chooser = ttk.Frame(self)
        ttk.Label(self.chooser, text=tr("Mẫu phiếu:")).pack(side="left")
        self.form_box = ttk.Combobox(self.chooser, textvariable=self.form_choice, state="readonly", width=70)
        self.form_box.pack(side="left", padx=6)
        self.form_box.bind("<<ComboboxSelected>>", lambda e: self.choose_form(self.form_choice.get()))
        self.chooser.pack(fill="x", pady=(0, 6))

        box = ttk.Labelframe(self, text=tr("In phiếu mới"), padding=10)
        box.pack(fill="x")
        ttk.Label(box, text=tr("Số phiếu cần in")).grid(row=0, column=0, sticky="w")
        ttk.Spinbox(box, from_=1, to=form_services.MAX_PRINT, textvariable=self.count_var, width=8).grid(
            row=0, column=1, sticky="w", padx=6)
        ttk.Label(box, text=tr("bắt đầu từ số")).grid(row=0, column=2, sticky="w", padx=(12, 0))
        ttk.Entry(box, textvariable=self.start_var, width=10).grid(row=0, column=3, sticky="w", padx=6)
        ttk.Checkbutton(box, text=tr("Kèm danh sách giao phiếu (tệp riêng, có họ tên người được chọn)"),
                        variable=self.cover_var).grid(row=1, column=0, columnspan=4, sticky="w", pady=(6, 0))
        ttk.Button(box, text=tr("In phiếu… (Ctrl+P)"), bootstyle="primary", command=self.print_forms).grid(
            row=0, column=4, rowspan=2, padx=(24, 0))

        again = ttk.Labelframe(self, text=tr("In lại một số (phiếu hỏng, mất)"), padding=10)
        again.pack(fill="x", pady=(8, 0))
        ttk.Label(again, text=tr("Số phiếu")).pack(side="left")
        ttk.Entry(again, textvariable=self.reprint_var, width=12).pack(side="left", padx=6)
        ttk.Button(again, text=tr("In lại…"), bootstyle="primary-outline", command=self.reprint).pack(
            side="left", padx=6)

        files = ttk.Labelframe(self, text=tr("Kết quả phiếu từ nơi khác (kiosk, biểu mẫu trên mạng)"),
                               padding=10)
        files.pack(fill="x", pady=(8, 0))
        for label, command in ((tr("Tạo tệp Excel mẫu…"), self.write_template),
                               (tr("Nhập kết quả từ tệp…"), self.import_file),
                               (tr("Xuất kết quả đã nhập…"), self.export)):
            ttk.Button(files, text=label, bootstyle="secondary-outline", command=command).pack(
                side="left", padx=(0, 8))
        ttk.Label(self, textvariable=self.message_var, wraplength=1000).pack(anchor="w", pady=(8, 4))
        ttk.Label(self, text=tr("Các đợt đã in"), font="-weight bold").pack(anchor="w")
        columns = ("range", "count", "kind", "form", "when", "by", "file")
        self.table = ttk.Treeview(self, columns=columns, show="headings", height=8)
        for key, title, width in (("range", "Số phiếu", 170), ("count", "Số lượng", 80), ("kind", "Loại", 70),
                                  ("form", "Mẫu phiếu", 170), ("when", "Ngày in", 130),
                                  ("by", "Người in", 130), ("file", "Tệp", 260)):
            self.table.heading(key, text=tr(title))
            self.table.column(key, width=width, anchor="w")
        self.table.pack(fill="both", expand=True)

    # --- data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.survey = form_services.survey_context(self.form_id)
        except UserError as exc:
            self.survey = None
            self.context_var.set(exc.message)
            self._fill_chooser()
            self.table.delete(*self.table.get_children())
            return
        self.context_var.set(self.survey.label)
        self._fill_chooser()
        from sipas_desktop.core.entry import responses

        ranges = responses.issued_ranges(self.survey.plan_id, self.survey.unit_code)
        self.table.delete(*self.table.get_children())
        for r in ranges:
            span = format_number(r.first) if r.first == r.last else \
                f"{format_number(r.first)} – {format_number(r.last)}"
            self.table.insert("", "end", values=(
                span, r.count, tr(KINDS.get(r.kind, r.kind)), f"{r.form_id} {r.form_version}",
                r.printed_at.strftime("%d/%m/%Y %H:%M"), r.printed_by, r.file))
        self.start_var.set(str(responses.next_free_number(self.survey.plan_id, self.survey.unit_code)))

    def _fill_chooser(self) -> None:
        forms = form_services.list_forms()
        self._form_ids = {f"{f.id} — {f.title.capitalize()}": f.id for f in forms}
        self.form_box.configure(values=list(self._form_ids))
        if self.survey is not None:
            label = next((k for k, v in self._form_ids.items() if v == self.survey.form.id), "")
            self.form_choice.set(label)

    def choose_form(self, label_or_id: str) -> None:
        self.form_id = self._form_ids.get(label_or_id, label_or_id)
        self.ctx.prefs[PREF_FORM] = self.form_id
        self.ctx.save_prefs()
        self.reload()

    def say(self, text: str) -> None:
        self.message_var.set(text)
        self.ctx.set_status(text)

    def _ask_path(self, title: str, name: str, ext: str, kinds: list[tuple[str, str]], save: bool = True):
        folder = self.ctx.prefs.get("last_folder") or None
        if save:
            chosen = filedialog.asksaveasfilename(parent=self, title=title, initialfile=name,
                                                  defaultextension=ext, filetypes=kinds, initialdir=folder)
        else:
            chosen = filedialog.askopenfilename(parent=self, title=title, filetypes=kinds, initialdir=folder)
        if chosen:
            self.ctx.prefs["last_folder"] = str(Path(chosen).parent)
        return Path(chosen) if chosen else None

    def _int(self, var: tkinter.StringVar, what: str) -> int | None:
        text = var.get().strip().split("-")[0]
        if not text:
            return None
        if not text.isdigit():
            raise UserError(tr("“{v}” không phải số ({what}).", v=var.get(), what=what), code="PRINT_020")
        return int(text)

    # --- actions --------------------------------------------------------------------------------
    def print_forms(self, path: str | Path | None = None, *, reprint: int | None = None) -> Any:
        if self.survey is None:
            self.ctx.prompter.warning(self.context_var.get() or tr("Chưa chọn mẫu phiếu."), tr("In phiếu"))
            return None
        try:
            count = self._int(self.count_var, tr("số phiếu")) or 1
            start = self._int(self.start_var, tr("số bắt đầu"))
        except SipasError as exc:
            self.ctx.show_error(exc)
            return None
        name = f"phieu-{self.survey.form.id}-{format_number(reprint or start or 1)}.pdf"
        out = Path(path) if path else self._ask_path(tr("Lưu tệp phiếu để in"), name, ".pdf",
                                                     [("PDF", "*.pdf")])
        if out is None:
            return None
        cover = out.with_name(out.stem + "-danh-sach-giao-phieu.pdf") if self.cover_var.get() and \
            reprint is None else None
        form_id, by = self.survey.form.id, entry_services.current_user()

        def work(progress):
            return form_services.print_forms(out, count=count, start=start, reprint=reprint, form_id=form_id,
                                             cover_list=cover, by=by, progress=progress)

        def done(result: Any) -> None:
            self.last_result = result
            self.reload()
            if result.reprint:
                text = tr("Đã in lại phiếu số {n} ({pages} trang) vào {path}", n=format_number(result.first),
                          pages=result.pages, path=result.path)
            else:
                text = tr("Đã in {n} phiếu ({first} – {last}, {pages} trang) vào {path}", n=result.forms,
                          first=format_number(result.first), last=format_number(result.last),
                          pages=result.pages, path=result.path)
            if result.cover_path:
                text += tr(". Danh sách giao phiếu (giữ riêng): {p}", p=result.cover_path)
            self.say(text)

        return self.ctx.run_with_progress(tr("In phiếu"), work, done)

    def reprint(self, path: str | Path | None = None) -> Any:
        try:
            number = self._int(self.reprint_var, tr("số phiếu cần in lại"))
        except SipasError as exc:
            self.ctx.show_error(exc)
            return None
        if number is None:
            self.ctx.prompter.warning(tr("Hãy gõ số phiếu cần in lại."), tr("In lại"))
            return None
        return self.print_forms(path, reprint=number)

    def write_template(self, path: str | Path | None = None) -> Path | None:
        if self.survey is None:
            return None
        name = f"mau-nhap-{self.survey.form.id}.xlsx"
        out = Path(path) if path else self._ask_path(tr("Lưu tệp Excel mẫu"), name, ".xlsx",
                                                     [("Excel", "*.xlsx")])
        if out is None:
            return None
        try:
            written = entry_services.write_template(out, self.survey.form.id)
        except SipasError as exc:
            self.ctx.show_error(exc)
            return None
        self.say(tr("Đã tạo tệp mẫu: {p}", p=written))
        return written

    def import_file(self, path: str | Path | None = None, *, keep_valid: bool | None = None) -> Any:
        if self.survey is None:
            return None
        source = Path(path) if path else self._ask_path(tr("Chọn tệp kết quả phiếu"), "", ".xlsx",
                                                        [("Excel, CSV", "*.xlsx *.csv")], save=False)
        if source is None:
            return None
        form_id = self.survey.form.id

        def done(result: Any) -> None:
            self.last_result = result
            if result.refused and keep_valid is None and result.imported == 0 and result.held_back:
                from sipas_desktop.ui.errors import format_issues

                if self.ctx.prompter.ask_yes_no(
                        tr("{r} dòng có lỗi:\n\n{issues}\n\nNhập {k} dòng đúng, bỏ các dòng lỗi?",
                           r=result.refused, issues=format_issues([i for i in result.issues if i.is_error]),
                           k=result.held_back), tr("Nhập kết quả phiếu")):
                    self.import_file(source, keep_valid=True)
                    return
            self.ctx.data_changed("responses")
            self.say(tr("Đã nhập {n} phiếu từ {f}; {r} dòng bị từ chối.", n=result.imported, f=source.name,
                        r=result.refused))

        return self.ctx.run_with_progress(
            tr("Nhập kết quả phiếu"),
            lambda progress: entry_services.import_file(source, keep_valid=bool(keep_valid), form_id=form_id,
                                                        progress=progress), done)

    def export(self, path: str | Path | None = None) -> Any:
        if self.survey is None:
            return None
        out = Path(path) if path else self._ask_path(tr("Xuất kết quả phiếu"), "ket-qua-phieu.xlsx", ".xlsx",
                                                     [("Excel", "*.xlsx")])
        if out is None:
            return None
        form_id = self.survey.form.id

        def done(result: Any) -> None:
            self.say(tr("Đã xuất {n} phiếu vào {p}", n=result[1], p=result[0]))

        return self.ctx.run_with_progress(tr("Xuất kết quả phiếu"),
                                          lambda progress: entry_services.export_file(out, form_id), done)

    # --- shell hooks ----------------------------------------------------------------------------
    def commands(self) -> list[Command]:
        return [Command(tr("In phiếu…"), self.print_forms, "Ctrl+P", ("<Control-p>",), separator_before=True)]

    def on_show(self) -> None:
        self.reload()

    def refresh(self, what: str = "") -> None:
        if what != "responses":
            self.reload()
