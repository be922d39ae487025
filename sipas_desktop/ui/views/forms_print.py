"""FormsPrintView: the "Phiếu khảo sát (in phiếu)" area — print numbered paper questionnaires.

Read top to bottom, the screen is the work in order: (1) the questionnaire (the current plan's;
chosen here only when no plan names one) with its parts and number of questions; (2) print N new
forms from a start number (default: the next unused number, N = the people on the sample list not
yet given a form), optionally with the cover list (number → sampled person) in a separate file
marked as holding personal data; (3) the number ranges already printed, and reprinting one
spoilt or lost number; (4) answers that come back through other channels (a kiosk, a web form):
the Excel template, its import with every bad row listed by place, and the export. A line at the
top always says the next step.

Everything is done by the services (`services.forms.print_forms`, `services.print_overview`,
`services.entry` for the response files); the view only reads its boxes, asks for a file name
and shows results. Printing and imports run on a worker thread behind the progress dialog with
Cancel; the worker gets plain values, never a widget. The file dialogs and the folder opener are
attributes (`ask_save_path`, `ask_open_path`, `open_path`) so that tests drive the real view
without any modal window.

Keys (shown on the labels and in the Thao tác menu): Alt+M questionnaire, Alt+S how many,
Alt+B start number, Alt+D cover list on/off, Alt+L number to reprint, Ctrl+P print, Ctrl+R
reprint, Ctrl+O open the folder of the last file, Ctrl+I / Ctrl+E import / export response
files, F5 refresh; Enter in a box does its action.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tkinter
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.entry.numbers import format_number, parse_keyed
from sipas_desktop.core.errors import SipasError
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.services import entry as entry_services
from sipas_desktop.core.services import forms as form_services
from sipas_desktop.core.services.print_overview import KIND_LABELS, PrintOverview, print_overview
from sipas_desktop.core.text import format_int
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.errors import ErrorReport, format_issues
from sipas_desktop.ui.i18n import tr

PREF_FORM = "print.form_id"
PREF_FOLDER = "last_folder"
COVER_SUFFIX = "-danh-sach-giao-phieu"
FILE_TYPES = {".pdf": [("Tệp PDF", "*.pdf")], ".xlsx": [("Bảng tính Excel", "*.xlsx")]}
OPEN_TYPES = [("Bảng tính Excel hoặc CSV", "*.xlsx *.csv"), ("Mọi tệp", "*.*")]


def read_number(text: str, what: str) -> int:
    """A form number as a clerk writes it: `26`, `000026-5` (printed) or a scanned QR text.

    Up to six plain digits are the number itself; anything longer ends with the check digit,
    which `parse_keyed` verifies (a mistyped printed number is refused, not silently used).
    """
    raw = text.strip()
    if not raw:
        raise ValueError(tr("Chưa nhập {what}.", what=what))
    if raw.isdigit() and len(raw) <= 6:
        number = int(raw)
    else:
        try:
            number = parse_keyed(raw).number
        except SipasError as exc:
            raise ValueError(tr("{what}: {m}", what=what[:1].upper() + what[1:], m=exc.message)) from None
    if number < 1:
        raise ValueError(tr("{what} phải từ 1 trở lên.", what=what[:1].upper() + what[1:]))
    return number


def open_path(path: Path) -> None:
    """Open a file or folder with the desktop's program for it (Explorer on Windows)."""
    if sys.platform == "win32":
        os.startfile(str(path))  # noqa: S606 (the user's own file, opened on request)
    elif sys.platform == "darwin":
        subprocess.Popen(["open", str(path)])
    else:
        subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class FormsPrintView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master)
        self.ctx = ctx
        self.form_id: str | None = ctx.prefs.get(PREF_FORM) or ctx.prefs.get("entry.form_id")
        self.overview: PrintOverview | None = None
        self.problem = ""                       # why nothing can be printed yet, if so
        self.last_outcome: form_services.PrintOutcome | None = None
        self.last_file: Path | None = None      # what "Mở thư mục chứa tệp" opens
        self.last_import: Any = None
        self.last_job: Any = None
        self._shown_key: tuple[str, str, int] | None = None
        self._form_labels: dict[str, str] = {}
        # Seams for tests (a person choosing a file name, the desktop opening a folder).
        self.ask_save_path: Callable[..., Path | None] = self._ask_save_path
        self.ask_open_path: Callable[[str], Path | None] = self._ask_open_path
        self.open_path: Callable[[Path], None] = open_path

        self.context_var = tkinter.StringVar(self, "")
        self.next_var = tkinter.StringVar(self, "")
        self.form_choice = tkinter.StringVar(self, "")
        self.lock_var = tkinter.StringVar(self, "")
        self.form_info_var = tkinter.StringVar(self, "")
        self.count_var = tkinter.StringVar(self, "10")
        self.start_var = tkinter.StringVar(self, "")
        self.preview_var = tkinter.StringVar(self, "")
        self.cover_var = tkinter.BooleanVar(self, False)
        self.cover_note_var = tkinter.StringVar(self, "")
        self.reprint_var = tkinter.StringVar(self, "")
        self.message_var = tkinter.StringVar(self, "")
        self.printed_var = tkinter.StringVar(self, "")
        self._build()
        for var in (self.count_var, self.start_var):
            var.trace_add("write", lambda *_: self.update_preview())
        self.reload()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Phiếu khảo sát: in phiếu có đánh số"), font="-size 14 -weight bold").pack(
            side="left")
        ttk.Label(head, textvariable=self.context_var, bootstyle="secondary").pack(side="left", padx=12)
        self.next_label = ttk.Label(self, textvariable=self.next_var, font="-size 11 -weight bold",
                                    bootstyle="primary", wraplength=980, justify="left")
        self.next_label.pack(fill="x", pady=(6, 8))

        self._build_form_box()
        self._build_print_box()
        self.outcome = ttk.Frame(self)
        self.outcome.pack(fill="x", pady=(6, 0))
        self.message = ttk.Label(self.outcome, textvariable=self.message_var, wraplength=660, justify="left")
        self.message.pack(side="left", fill="x", expand=True)
        self.open_folder_button = ttk.Button(self.outcome, text=tr("Mở thư mục chứa tệp (Ctrl+O)"),
                                             bootstyle="success-outline", command=self.open_last_folder)
        self.open_file_button = ttk.Button(self.outcome, text=tr("Mở tệp phiếu"),
                                           bootstyle="secondary-outline", command=self.open_last_file)
        self._build_files_row()
        self._build_printed_box()
        self.bind("<Configure>", self._fit_text)

    def _fit_text(self, event: tkinter.Event) -> None:
        """Wrap the long lines to the width the window gives the view (980 px wide at the least)."""
        if event.widget is not self:
            return
        width = event.width
        self.next_label.configure(wraplength=max(300, width - 20))
        self.message.configure(wraplength=max(280, width - 420))
        # The parts table gives up width first: its titles may be cut, the questionnaire's may not.
        tree = min(290, max(170, width - 660))
        self.sections.column("title", width=tree)
        self.info_label.configure(wraplength=max(260, width - tree - 120))
        self.lock_label.configure(wraplength=max(220, width - tree - 200))
        self.cover_note.configure(wraplength=max(300, width - 70))

    def _build_form_box(self) -> None:
        box = ttk.Labelframe(self, text=tr("1. Mẫu phiếu"), padding=(10, 6))
        box.pack(fill="x")
        box.columnconfigure(1, weight=1)
        ttk.Label(box, text=tr("Mẫu phiếu:"), underline=0).grid(row=0, column=0, sticky="w")
        self.form_box = ttk.Combobox(box, textvariable=self.form_choice, state="readonly", width=46)
        self.form_box.grid(row=0, column=1, sticky="w", padx=6)
        self.form_box.bind("<<ComboboxSelected>>", lambda _e: self.choose_form(self.form_choice.get()))
        self.lock_label = ttk.Label(box, textvariable=self.lock_var, bootstyle="secondary", wraplength=430,
                                    justify="left")
        self.lock_label.grid(row=1, column=1, sticky="w", padx=6)
        self.info_label = ttk.Label(box, textvariable=self.form_info_var, wraplength=540, justify="left")
        self.info_label.grid(
            row=2, column=0, columnspan=2, sticky="nw", pady=(4, 0))
        self.sections = ttk.Treeview(box, columns=("title", "count"), show="headings", height=4,
                                     selectmode="none", takefocus=False)
        self.sections.heading("title", text=tr("Phần"), anchor="w")
        self.sections.heading("count", text=tr("Số câu"), anchor="e")
        self.sections.column("title", width=290, anchor="w")
        self.sections.column("count", width=70, anchor="e", stretch=False)
        self.sections.grid(row=0, column=2, rowspan=3, sticky="nse", padx=(12, 0))

    def _build_print_box(self) -> None:
        box = ttk.Labelframe(self, text=tr("2. In phiếu mới"), padding=(10, 6))
        box.pack(fill="x", pady=(6, 0))
        box.columnconfigure(5, weight=1)
        ttk.Label(box, text=tr("Số phiếu cần in:"), underline=0).grid(row=0, column=0, sticky="w")
        self.count_box = ttk.Spinbox(box, from_=1, to=form_services.MAX_PRINT, textvariable=self.count_var,
                                     width=7)
        self.count_box.grid(row=0, column=1, sticky="w", padx=6)
        ttk.Label(box, text=tr("Bắt đầu từ số:"), underline=0).grid(row=0, column=2, sticky="w", padx=(14, 0))
        self.start_entry = ttk.Entry(box, textvariable=self.start_var, width=11)
        self.start_entry.grid(row=0, column=3, sticky="w", padx=6)
        self.print_button = ttk.Button(box, text=tr("In phiếu… (Ctrl+P)"), bootstyle="primary",
                                       command=self.print_new)
        self.print_button.grid(row=0, column=4, sticky="w", padx=(14, 0))
        self.preview = ttk.Label(box, textvariable=self.preview_var, font="-weight bold")
        self.preview.grid(row=1, column=0, columnspan=6, sticky="w", pady=(6, 0))
        self.cover_check = ttk.Checkbutton(
            box, text=tr("Kèm danh sách giao phiếu (số phiếu → người được chọn), in ra tệp riêng"),
            variable=self.cover_var, underline=4)
        self.cover_check.grid(row=2, column=0, columnspan=6, sticky="w", pady=(6, 0))
        self.cover_note = ttk.Label(box, textvariable=self.cover_note_var, wraplength=900, justify="left")
        self.cover_note.grid(
            row=3, column=0, columnspan=6, sticky="w", padx=(26, 0))
        for widget in (self.count_box, self.start_entry):
            widget.bind("<Return>", lambda _e: self._key(self.print_new))
            widget.bind("<KP_Enter>", lambda _e: self._key(self.print_new))

    def _build_files_row(self) -> None:
        # Packed at the bottom before the table, so a small window squeezes the table, not this row.
        row = ttk.Labelframe(self, padding=(10, 6),
                             text=tr("4. Kết quả phiếu từ nơi khác (kiosk, biểu mẫu trên mạng, đơn vị bạn)"))
        row.pack(side="bottom", fill="x", pady=(6, 0))
        self.file_buttons = [
            ttk.Button(row, text=tr(label), bootstyle="secondary-outline", command=command)
            for label, command in (("Tạo tệp Excel mẫu…", self.write_template),
                                   ("Nhập kết quả từ tệp… (Ctrl+I)", self.import_responses),
                                   ("Xuất kết quả đã nhập… (Ctrl+E)", self.export_responses))]
        for button in self.file_buttons:
            button.pack(side="left", padx=(0, 8))

    def _build_printed_box(self) -> None:
        box = ttk.Labelframe(self, text=tr("3. Các số đã in · in lại một số (phiếu hỏng, mất)"),
                             padding=(10, 6))
        box.pack(fill="both", expand=True, pady=(6, 0))
        ttk.Label(box, textvariable=self.printed_var).pack(anchor="w", pady=(0, 4))
        # Packed before the table so that a small window squeezes the table, never this row.
        again = ttk.Frame(box)
        again.pack(side="bottom", fill="x", pady=(6, 0))
        ttk.Label(again, text=tr("Số phiếu cần in lại:"), underline=12).pack(side="left")
        self.reprint_entry = ttk.Entry(again, textvariable=self.reprint_var, width=12)
        self.reprint_entry.pack(side="left", padx=6)
        self.reprint_button = ttk.Button(again, text=tr("In lại… (Ctrl+R)"), bootstyle="primary-outline",
                                         command=self.reprint)
        self.reprint_button.pack(side="left")
        ttk.Label(again, text=tr("Gõ số in trên phiếu (ví dụ {n}), hoặc chọn một dòng trong bảng rồi "
                                 "nhấn Enter.", n=format_number(7)),
                  bootstyle="secondary", wraplength=380, justify="left").pack(side="left", padx=(12, 0))
        self.reprint_entry.bind("<Return>", lambda _e: self._key(self.reprint))
        self.reprint_entry.bind("<KP_Enter>", lambda _e: self._key(self.reprint))
        frame = ttk.Frame(box)
        frame.pack(fill="both", expand=True)
        columns = (("range", "Số phiếu", 180), ("count", "Số lượng", 75), ("kind", "Loại", 70),
                   ("form", "Mẫu phiếu", 150), ("when", "Ngày in", 135), ("by", "Người in", 110),
                   ("file", "Tệp", 230))
        self.table = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=4,
                                  selectmode="browse", bootstyle="table")
        for key, title, width in columns:
            self.table.heading(key, text=tr(title), anchor="w")
            self.table.column(key, width=width, anchor="e" if key == "count" else "w",
                              stretch=key == "file")
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=scroll.set)
        self.table.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")
        self.table.bind("<Return>", lambda _e: self._key(self.use_selected_range))
        self.table.bind("<Double-Button-1>", lambda _e: self._key(self.use_selected_range))

    @staticmethod
    def _key(action: Callable[[], Any]) -> str:
        action()
        return "break"

    # --- data -----------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the questionnaire, the printed ranges and the next number again."""
        self._fill_form_list()
        try:
            self.overview = print_overview(self.form_id)
        except SipasError as exc:
            self.overview, self.problem = None, exc.message
        except Exception as exc:  # a bug: logged, said once, and the screen stays usable
            self.overview, self.problem = None, tr("Không đọc được thông tin in phiếu.")
            self.ctx.show_error(exc, "forms print view")
        else:
            self.problem = ""
        self._show_overview()

    def _fill_form_list(self) -> None:
        forms = form_services.list_forms()
        self._form_labels = {tr("{id} — {title} ({n} câu)", id=f.id, title=f.title.capitalize(),
                                n=f.questions): f.id for f in forms}
        self.form_box.configure(values=list(self._form_labels))

    def _show_overview(self) -> None:
        ov = self.overview
        enabled = "normal" if ov is not None else "disabled"
        for widget in (self.print_button, self.reprint_button, self.count_box, self.start_entry,
                       self.reprint_entry, self.cover_check, *self.file_buttons):
            widget.configure(state=enabled)
        if ov is None:
            self.context_var.set("")
            self.form_choice.set("")
            self.form_box.configure(state="readonly")
            self.lock_var.set(tr("Chưa có kế hoạch khảo sát nêu mẫu phiếu: chọn mẫu phiếu cần in."))
            self.form_info_var.set("")
            self.sections.delete(*self.sections.get_children())
            self.table.delete(*self.table.get_children())
            self.printed_var.set("")
            self.preview_var.set("")
            self.cover_note_var.set("")
            self.next_var.set(self.problem + ("" if "Alt+M" in self.problem else
                                              tr(" Chọn mẫu phiếu ở ô “Mẫu phiếu” (Alt+M).")))
            return
        ctx = ov.context
        self.context_var.set(ctx.label)
        self.form_choice.set(next((label for label, fid in self._form_labels.items() if fid == ctx.form.id),
                                  ctx.form.id))
        if ov.form_locked:
            self.form_box.configure(state="disabled")
            self.lock_var.set(tr("Mẫu phiếu của kế hoạch “{plan}” (đổi mẫu phiếu trong kế hoạch).",
                                 plan=ctx.plan_title))
        else:
            self.form_box.configure(state="readonly")
            self.lock_var.set(tr("Chưa có kế hoạch nêu mẫu phiếu: phiếu in ra không ghi kế hoạch."))
        self._show_form(ctx.form)
        self._show_ranges(ov)
        key = (ctx.form.id, ctx.plan_id, ov.next_number)
        if key != self._shown_key:       # keep what the user typed unless the facts changed
            self._shown_key = key
            self.count_var.set(str(ov.suggested_count))
            self.start_var.set(format_number(ov.next_number))
            self.cover_var.set(bool(ov.sample_people) and self.cover_allowed)
        if ov.sample_people:
            self.cover_note_var.set(tr(
                "Có họ tên, địa chỉ, điện thoại của {n} người trong danh sách mẫu (thông tin cá nhân): "
                "bảo quản riêng, không gửi kèm phiếu, không gửi lên cấp trên.",
                n=format_int(ov.sample_people)))
        else:
            self.cover_note_var.set(tr(
                "Chưa có danh sách mẫu: danh sách chỉ có số phiếu, để ghi tay tên người nhận; bảo quản "
                "riêng như tài liệu có thông tin cá nhân."))
        self.update_preview()
        self._show_next_step()

    @property
    def cover_allowed(self) -> bool:
        """The cover list goes with any print run: later runs continue the sample list in order."""
        return self.overview is not None

    def _show_form(self, form: Form) -> None:
        questions = len(form.questions)
        criteria = sum(len(e.criteria) for e in form.scoring.elements) if form.scoring else 0
        lines = [form.title.capitalize(),
                 tr("Mã {id}, phiên bản {v} · {s} phần · {q} câu hỏi", id=form.id, v=form.version,
                    s=len(form.sections), q=questions)
                 + (tr(" · {c} tiêu chí", c=criteria) if criteria else "")]
        self.form_info_var.set("\n".join(lines))
        self.sections.delete(*self.sections.get_children())
        for section in form.sections:
            self.sections.insert("", "end", values=(section.title, len(section.questions)))
        self.sections.configure(height=min(max(len(form.sections), 2), 6))

    def _show_ranges(self, ov: PrintOverview) -> None:
        self.table.delete(*self.table.get_children())
        for index, r in enumerate(ov.ranges):
            span = format_number(r.first) if r.first == r.last else \
                f"{format_number(r.first)} – {format_number(r.last)}"
            self.table.insert("", "end", iid=str(index), values=(
                span, format_int(r.count), tr(KIND_LABELS.get(r.kind, r.kind)),
                f"{r.form_id} {r.form_version}", r.printed_at.strftime("%d/%m/%Y %H:%M"), r.printed_by,
                r.file))
        if ov.printed:
            reprints = sum(1 for r in ov.ranges if r.kind == "reprint")
            text = tr("Đã in {n} số, từ {first} đến {last}. Số tiếp theo: {next}.", n=format_int(ov.printed),
                      first=format_number(min(r.first for r in ov.ranges if r.kind == "print")),
                      last=format_number(ov.next_number - 1), next=format_number(ov.next_number))
            if reprints:
                text += tr(" In lại {k} lần.", k=format_int(reprints))
            self.printed_var.set(text)
        else:
            self.printed_var.set(tr("Chưa in phiếu nào cho {unit} theo {plan}.", unit=ov.context.unit_name,
                                    plan=tr("kế hoạch này") if ov.context.plan_id else
                                    tr("mẫu phiếu này (không theo kế hoạch)")))

    def _show_next_step(self) -> None:
        ov = self.overview
        if ov is None:
            return
        people = ov.sample_people or 0
        if ov.printed == 0:
            text = tr("Bước tiếp theo: in {n} phiếu (Ctrl+P)", n=format_int(ov.suggested_count))
            text += tr(", đủ cho {m} người trong danh sách mẫu.", m=format_int(people)) if people else "."
        elif people and ov.printed < people:
            text = tr("Bước tiếp theo: in tiếp {n} phiếu cho những người còn lại trong danh sách mẫu "
                      "(Ctrl+P).", n=format_int(people - ov.printed))
        else:
            text = tr("Đã in phiếu. Bước tiếp theo: phát phiếu, thu về rồi nhập ở phần “Nhập phiếu” (Alt+4). "
                      "Phiếu hỏng, mất: in lại đúng số đó (Ctrl+R).")
        self.next_var.set(text)

    def update_preview(self) -> None:
        """Say what Ctrl+P will print, or what is wrong in the boxes, as the user types."""
        if self.overview is None:
            return
        try:
            count, first = self._read_new()
        except ValueError as exc:
            self.preview_var.set(str(exc))
            self.preview.configure(bootstyle="danger")
            return
        last = first + count - 1
        clash = self.overview.first_printed_between(first, last)
        if clash is not None:
            self.preview_var.set(tr("Số {n} đã in; in tiếp từ số {next}, hoặc dùng “In lại” cho một số.",
                                    n=format_number(clash), next=format_number(self.overview.next_number)))
            self.preview.configure(bootstyle="danger")
            return
        text = tr("Sẽ in {c} phiếu: số {a}", c=format_int(count), a=format_number(first))
        if count > 1:
            text += tr(" đến {b}", b=format_number(last))
        self.preview_var.set(text + ".")
        self.preview.configure(bootstyle="success")

    def _read_new(self) -> tuple[int, int]:
        """(count, first number) from the boxes; ValueError with a Vietnamese message."""
        assert self.overview is not None
        raw = self.count_var.get().strip()
        if not raw.isdigit() or not 1 <= int(raw) <= form_services.MAX_PRINT:
            raise ValueError(tr("Số phiếu cần in phải là số nguyên từ 1 đến {m}.",
                                m=format_int(form_services.MAX_PRINT)))
        start = self.start_var.get().strip()
        first = read_number(start, tr("số bắt đầu")) if start else self.overview.next_number
        return int(raw), first

    # --- actions --------------------------------------------------------------------------------
    def choose_form(self, label_or_id: str) -> None:
        """Pick the questionnaire (only when no plan names one); remembered for next time."""
        form_id = self._form_labels.get(label_or_id, label_or_id)
        if self.overview is not None and self.overview.form_locked:
            return
        self.form_id = form_id
        self.ctx.prefs[PREF_FORM] = form_id
        self.ctx.save_prefs()
        self.reload()

    def say(self, text: str, level: str = "default") -> None:
        self.message_var.set(text)
        self.message.configure(bootstyle=level)
        self.ctx.set_status(" ".join(text.split()))

    def print_new(self, path: str | Path | None = None) -> Any:
        """Print the forms the boxes describe; returns the job (None if nothing was started)."""
        ov = self.overview
        if ov is None:
            self.say(self.problem or tr("Chưa chọn mẫu phiếu."), "danger")
            self.form_box.focus_set()
            return None
        try:
            count, first = self._read_new()
        except ValueError as exc:
            self.say(str(exc), "danger")
            self.count_box.focus_set()
            return None
        last = first + count - 1
        clash = ov.first_printed_between(first, last)
        if clash is not None:
            self.say(tr("Số {n} đã in. In tiếp từ số {next}; muốn in lại một số đã in, dùng “In lại” "
                        "(Ctrl+R).", n=format_number(clash), next=format_number(ov.next_number)), "danger")
            self.start_entry.focus_set()
            return None
        name = f"phieu-{ov.context.form.id}-so-{first:06d}-{last:06d}.pdf"
        out = Path(path) if path is not None else self.ask_save_path(tr("Lưu tệp phiếu để in"), name)
        if out is None:
            return None
        cover = out.with_name(out.stem + COVER_SUFFIX + ".pdf") \
            if self.cover_var.get() and self.cover_allowed else None
        start = first if self.start_var.get().strip() else None
        return self._run(tr("In {n} phiếu", n=format_int(count)), out,
                         {"count": count, "start": start, "cover_list": cover})

    def reprint(self, path: str | Path | None = None) -> Any:
        """Print one number again (a spoilt or lost form); the number must have been printed."""
        ov = self.overview
        if ov is None:
            self.say(self.problem or tr("Chưa chọn mẫu phiếu."), "danger")
            return None
        try:
            number = read_number(self.reprint_var.get(), tr("số phiếu cần in lại"))
        except ValueError as exc:
            self.say(str(exc), "danger")
            self.reprint_entry.focus_set()
            return None
        if not ov.was_printed(number):
            self.say(tr("Số {n} chưa từng in nên không in lại được. Các số đã in: {r}.",
                        n=format_number(number), r=ov.printed_text() or tr("chưa có")), "danger")
            self.reprint_entry.focus_set()
            return None
        name = f"phieu-{ov.context.form.id}-in-lai-so-{number:06d}.pdf"
        out = Path(path) if path is not None else self.ask_save_path(tr("Lưu tệp phiếu in lại"), name)
        if out is None:
            return None
        return self._run(tr("In lại phiếu số {n}", n=format_number(number)), out, {"reprint": number})

    def _run(self, title: str, out: Path, options: dict[str, Any]) -> Any:
        assert self.overview is not None
        form_id = self.overview.context.form.id
        by = entry_services.current_user()
        self.ctx.prefs[PREF_FOLDER] = str(out.parent)

        def work(progress: Any) -> form_services.PrintOutcome:  # worker thread: plain values only
            return form_services.print_forms(out, form_id=form_id, by=by, progress=progress, **options)

        self.last_job = self.ctx.run_with_progress(title, work, self._printed, on_error=self._failed)
        return self.last_job

    def _printed(self, outcome: form_services.PrintOutcome) -> None:
        self.last_outcome = outcome
        self.last_file = outcome.path
        self.reload()
        if outcome.reprint:
            text = tr("Đã in lại phiếu số {n} ({p} trang).\nTệp: {path}", n=format_number(outcome.first),
                      p=outcome.pages, path=outcome.path)
        else:
            text = tr("Đã in {c} phiếu, số {a} đến {b} ({p} trang, {k} trang mỗi phiếu).\nTệp: {path}",
                      c=format_int(outcome.forms), a=format_number(outcome.first),
                      b=format_number(outcome.last), p=format_int(outcome.pages), k=outcome.pages_per_form,
                      path=outcome.path)
        if outcome.cover_path is not None:
            text += tr("\nDanh sách giao phiếu (có thông tin cá nhân, giữ riêng): {p}",
                       p=outcome.cover_path.name)
        self.say(text, "success")
        self._offer_open()

    def _offer_open(self) -> None:
        self.open_folder_button.pack(side="right", padx=(8, 0))
        self.open_file_button.pack(side="right")
        self.open_folder_button.focus_set()

    def _failed(self, exc: BaseException) -> None:
        self.ctx.show_error(exc, "print forms")
        self.reload()
        message = getattr(exc, "message", None)
        self.say(message or tr("Chưa in được phiếu; xem thông báo lỗi."), "danger")

    def use_selected_range(self) -> None:
        """Enter on a printed range: put its first number in the reprint box, ready to change."""
        selected = self.table.selection() or (self.table.focus(),)
        if self.overview is None or not selected or not selected[0]:
            return
        r = self.overview.ranges[int(selected[0])]
        self.reprint_var.set(format_number(r.first))
        self.reprint_entry.focus_set()
        self.reprint_entry.selection_range(0, "end")

    def open_last_folder(self) -> None:
        if self.last_file is not None:
            self._open(self.last_file.parent)

    def open_last_file(self) -> None:
        if self.last_file is not None:
            self._open(self.last_file)

    def _open(self, path: Path) -> None:
        try:
            self.open_path(path)
        except OSError as exc:
            self.say(tr("Không mở được “{p}”: {e}. Hãy mở thư mục này bằng trình quản lý tệp.", p=path,
                        e=exc.strerror or exc), "danger")

    def _ask_save_path(self, title: str, name: str, ext: str = ".pdf") -> Path | None:
        chosen = filedialog.asksaveasfilename(parent=self, title=title, initialfile=name,
                                              defaultextension=ext, filetypes=FILE_TYPES[ext],
                                              initialdir=self.ctx.prefs.get(PREF_FOLDER) or None)
        return Path(chosen) if chosen else None

    def _ask_open_path(self, title: str) -> Path | None:
        chosen = filedialog.askopenfilename(parent=self, title=title, filetypes=OPEN_TYPES,
                                            initialdir=self.ctx.prefs.get(PREF_FOLDER) or None)
        return Path(chosen) if chosen else None

    # --- response files (kiosk, web form, another office) -----------------------------------------
    def write_template(self, path: str | Path | None = None) -> Path | None:
        """Write the Excel template in which other channels send their answers back."""
        ov = self.overview
        if ov is None:
            self.say(self.problem or tr("Chưa chọn mẫu phiếu."), "danger")
            return None
        form = ov.context.form
        out = Path(path) if path is not None else self.ask_save_path(
            tr("Lưu tệp Excel mẫu để nhập kết quả phiếu"), f"mau-nhap-ket-qua-{form.id}.xlsx", ".xlsx")
        if out is None:
            return None
        try:
            written = entry_services.write_template(out, form.id)
        except Exception as exc:  # a full disk or an open file is told as such; a bug is logged
            self.ctx.show_error(exc, "response template")
            return None
        self.ctx.prefs[PREF_FOLDER] = str(written.parent)
        self.last_file = written
        self.say(tr("Đã tạo tệp Excel mẫu: {p}\nMỗi dòng một phiếu; cột “so_phieu” là số in trên phiếu.",
                    p=written), "success")
        self._offer_open()
        return written

    def import_responses(self, path: str | Path | None = None, *, keep_valid: bool = False) -> Any:
        """Read answers from a filled template on a worker; rows with errors are listed by place."""
        ov = self.overview
        if ov is None:
            self.say(self.problem or tr("Chưa chọn mẫu phiếu."), "danger")
            return None
        source = Path(path) if path is not None else self.ask_open_path(tr("Chọn tệp kết quả phiếu"))
        if source is None:
            return None
        self.ctx.prefs[PREF_FOLDER] = str(source.parent)
        form_id, by = ov.context.form.id, entry_services.current_user()

        def work(progress: Any) -> Any:  # worker thread: plain values only
            return entry_services.import_file(source, keep_valid=keep_valid, form_id=form_id, by=by,
                                              progress=progress)

        self.last_job = self.ctx.run_with_progress(tr("Nhập kết quả phiếu từ {f}", f=source.name), work,
                                                   lambda result: self._imported(source, result, keep_valid))
        return self.last_job

    def _imported(self, source: Path, result: Any, keep_valid: bool) -> None:
        self.last_import = result
        errors = [i for i in result.issues if i.is_error]
        if errors and result.held_back and not keep_valid:
            question = tr("Tệp “{f}” có {r} dòng lỗi nên chưa nhập phiếu nào:\n\n{issues}\n\nNhập {k} dòng "
                          "đúng, bỏ các dòng lỗi?", f=source.name, r=format_int(result.refused),
                          issues=format_issues(errors), k=format_int(result.held_back))
            if self.ctx.prompter.ask_yes_no(question, tr("Nhập kết quả phiếu")):
                self.import_responses(source, keep_valid=True)
                return
        elif errors:
            self.ctx.prompter.error(ErrorReport(tr("Không thực hiện được"), tr(
                "Tệp “{f}”: {r} dòng bị từ chối.\n\n{issues}", f=source.name, r=format_int(result.refused),
                issues=format_issues(errors))))
        if result.imported:
            self.ctx.data_changed("responses")
        level = "danger" if not result.imported else "warning" if errors else "success"
        self.say(tr("Nhập từ “{f}”: {n} phiếu đã nhập, {r} dòng bị từ chối.", f=source.name,
                    n=format_int(result.imported), r=format_int(result.refused)), level)

    def export_responses(self, path: str | Path | None = None) -> Any:
        """Write every keyed form of this questionnaire to .xlsx (the template's layout)."""
        ov = self.overview
        if ov is None:
            self.say(self.problem or tr("Chưa chọn mẫu phiếu."), "danger")
            return None
        form_id = ov.context.form.id
        out = Path(path) if path is not None else self.ask_save_path(
            tr("Xuất kết quả phiếu đã nhập"), f"ket-qua-phieu-{form_id}.xlsx", ".xlsx")
        if out is None:
            return None
        self.ctx.prefs[PREF_FOLDER] = str(out.parent)

        def done(result: tuple[Path, int]) -> None:
            self.last_file = result[0]
            self.say(tr("Đã xuất {n} phiếu đã nhập vào tệp: {p}", n=format_int(result[1]), p=result[0]),
                     "success")
            self._offer_open()

        self.last_job = self.ctx.run_with_progress(tr("Xuất kết quả phiếu"),
                                                   lambda _p: entry_services.export_file(out, form_id), done)
        return self.last_job

    # --- keyboard -------------------------------------------------------------------------------
    def focus_field(self, name: str) -> None:
        """Alt+letter: go to a box (the underlined letter of its label)."""
        widget = {"form": self.form_box, "count": self.count_box, "start": self.start_entry,
                  "reprint": self.reprint_entry}[name]
        widget.focus_set()
        if widget is not self.form_box:
            widget.selection_range(0, "end")

    def toggle_cover(self) -> None:
        if self.overview is not None:
            if self.cover_allowed:
                self.cover_var.set(not self.cover_var.get())
            self.cover_check.focus_set()

    def commands(self) -> list[Command]:
        return [
            Command(tr("In phiếu mới…"), self.print_new, "Ctrl+P", ("<Control-p>", "<Control-P>")),
            Command(tr("In lại một số…"), self.reprint, "Ctrl+R", ("<Control-r>", "<Control-R>")),
            Command(tr("Mở thư mục chứa tệp vừa in"), self.open_last_folder, "Ctrl+O",
                    ("<Control-o>", "<Control-O>")),
            Command(tr("Nhập kết quả phiếu từ tệp…"), self.import_responses, "Ctrl+I",
                    ("<Control-i>", "<Control-I>")),
            Command(tr("Xuất kết quả phiếu đã nhập…"), self.export_responses, "Ctrl+E",
                    ("<Control-e>", "<Control-E>")),
            Command(tr("Chọn mẫu phiếu"), lambda: self.focus_field("form"), "Alt+M", ("<Alt-m>", "<Alt-M>"),
                    separator_before=True),
            Command(tr("Số phiếu cần in"), lambda: self.focus_field("count"), "Alt+S",
                    ("<Alt-s>", "<Alt-S>")),
            Command(tr("Bắt đầu từ số"), lambda: self.focus_field("start"), "Alt+B", ("<Alt-b>", "<Alt-B>")),
            Command(tr("Kèm danh sách giao phiếu (bật/tắt)"), self.toggle_cover, "Alt+D",
                    ("<Alt-d>", "<Alt-D>")),
            Command(tr("Số phiếu cần in lại"), lambda: self.focus_field("reprint"), "Alt+L",
                    ("<Alt-l>", "<Alt-L>")),
            Command(tr("Làm mới"), self.reload, "F5", ("<F5>",), separator_before=True),
        ]

    def on_show(self) -> None:
        self.reload()
        if self.overview is not None:
            self.focus_field("count")
        else:
            self.form_box.focus_set()

    def refresh(self, what: str = "") -> None:
        if what not in ("responses", "log"):   # plans, samples, restores change what is printed here
            self.reload()
