"""DossierDialog: the form for one dossier of the log, with every problem shown by its field.

The checks are core's `validate_record` (the same the importer applies), plus the dates the
user typed that are not dates (31/02/2020). Errors keep the dialog open and sit in red under
their field; warnings are shown in orange and do not block saving.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import Issue, Level, SipasError
from sipas_desktop.core.services import log as log_services
from sipas_desktop.core.text import DateError, format_date, nfc, parse_date, sort_key
from sipas_desktop.core.tthc_log.records import (
    APPLICANT_TYPES,
    CHANNELS,
    LABELS,
    DossierRecord,
    validate_record,
)
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr

KEY_OF_LABEL = {label: key for key, label in LABELS.items()}
DATE_KEYS = ("received_date", "due_date", "transferred_date", "result_in_date", "returned_date",
             "birth_date")
REQUIRED = ("code", "applicant_name", "procedure_name", "received_date")

# (group title, [field keys]) – one column each.
LAYOUT = [
    ("Người nộp hồ sơ", ["code", "applicant_name", "applicant_type", "address", "phone", "birth_date",
                         "in_province"]),
    ("Thủ tục", ["procedure_name", "field_name", "quantity", "agency", "channel", "result_method"]),
    ("Ngày, tháng, năm", ["received_date", "due_date", "transferred_date", "result_in_date",
                          "returned_date"]),
]


class DossierDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext, record: DossierRecord | None, *,
                 on_saved: Callable[[DossierRecord], None] | None = None) -> None:
        title = tr("Thêm hồ sơ") if record is None else tr("Sửa hồ sơ {code}", code=record.code)
        super().__init__(parent, title, minsize=(900, 520))
        self.ctx = ctx
        self.record = record
        self.on_saved = on_saved
        self.saved: DossierRecord | None = None
        self.widgets: dict[str, Any] = {}
        self.vars: dict[str, tkinter.Variable] = {}
        self.messages: dict[str, tkinter.StringVar] = {}
        self.message_labels: dict[str, ttk.Label] = {}
        self.general_var = tkinter.StringVar(self, "")
        self._procedures = log_services.list_procedures()
        self._build()
        self.fill(record)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        heading = tr("Thêm hồ sơ vào sổ") if self.record is None else tr(
            "Sửa hồ sơ {code}", code=self.record.code)
        ttk.Label(body, text=heading, font="-size 13 -weight bold").grid(row=0, column=0, columnspan=3,
                                                                       sticky="w", pady=(0, 8))
        for column, (group, keys) in enumerate(LAYOUT):
            frame = ttk.Labelframe(body, text=tr(group), padding=10)
            frame.grid(row=1, column=column, sticky="nsew", padx=(0 if column == 0 else 10, 0))
            body.columnconfigure(column, weight=1)
            for key in keys:
                self._field(frame, key)
        notes = ttk.Frame(body)
        notes.grid(row=2, column=0, columnspan=3, sticky="ew", pady=(10, 0))
        ttk.Label(notes, text=tr(LABELS["notes"])).pack(anchor="w")
        self.vars["notes"] = tkinter.StringVar(self)
        self.widgets["notes"] = ttk.Entry(notes, textvariable=self.vars["notes"])
        self.widgets["notes"].pack(fill="x")
        ttk.Label(body, textvariable=self.general_var, bootstyle="danger", wraplength=860).grid(
            row=3, column=0, columnspan=3, sticky="w", pady=(8, 0))
        buttons = ttk.Frame(self, padding=(16, 0, 16, 16))
        buttons.pack(side="bottom", fill="x", before=body)
        ttk.Label(buttons, text=tr("* bắt buộc · Ngày viết dạng ngày/tháng/năm, ví dụ 05/09/2025"),
                  bootstyle="secondary").pack(side="left")
        self.cancel_button = ttk.Button(buttons, text=tr("Hủy (Esc)"), bootstyle="secondary",
                                        command=self.close)
        self.cancel_button.pack(side="right")
        self.save_button = ttk.Button(buttons, text=tr("Lưu (Ctrl+S)"), bootstyle="success",
                                      command=self.save)
        self.save_button.pack(side="right", padx=(0, 8))
        self.bind("<Control-s>", lambda _e: self.save())
        self.bind("<Control-S>", lambda _e: self.save())
        self.bind("<Return>", lambda _e: self.save())
        self.bind("<KP_Enter>", lambda _e: self.save())

    def _field(self, frame: ttk.Labelframe, key: str) -> None:
        label = LABELS[key] + (" *" if key in REQUIRED else "")
        if key == "in_province":
            var = tkinter.BooleanVar(self, True)
            widget = ttk.Checkbutton(frame, text=tr("Cư trú trong tỉnh"), variable=var)
            widget.pack(anchor="w", pady=(8, 0))
        elif key == "applicant_type":
            var = tkinter.StringVar(self, "ca_nhan")
            ttk.Label(frame, text=tr(label)).pack(anchor="w", pady=(6, 0))
            row = ttk.Frame(frame)
            row.pack(anchor="w")
            for value, text in APPLICANT_TYPES.items():
                ttk.Radiobutton(row, text=text, value=value, variable=var).pack(side="left", padx=(0, 12))
            widget = row
        else:
            ttk.Label(frame, text=tr(label)).pack(anchor="w", pady=(6, 0))
            if key in DATE_KEYS:
                widget = ttk.DateEntry(frame, date_format="%d/%m/%Y", value=None, first_weekday=0,
                                       width=12)
                var = None
            elif key == "procedure_name":
                var = tkinter.StringVar(self)
                widget = ttk.Combobox(frame, textvariable=var, width=40,
                                      values=[p.name for p in self._procedures])
                widget.bind("<<ComboboxSelected>>", lambda _e: self._procedure_chosen())
                widget.bind("<FocusOut>", lambda _e: self._procedure_chosen(), add="+")
            elif key == "field_name":
                var = tkinter.StringVar(self)
                names = sorted({f.name for f in log_services.list_fields()}, key=sort_key)
                widget = ttk.Combobox(frame, textvariable=var, values=names, width=40)
            elif key == "channel":
                var = tkinter.StringVar(self, CHANNELS["truc_tiep"])
                widget = ttk.Combobox(frame, textvariable=var, values=list(CHANNELS.values()),
                                      state="readonly", width=24)
            elif key == "quantity":
                var = tkinter.StringVar(self, "1")
                widget = ttk.Spinbox(frame, from_=1, to=999, textvariable=var, width=6)
            else:
                var = tkinter.StringVar(self)
                widget = ttk.Entry(frame, textvariable=var, width=40 if key != "phone" else 18)
            widget.pack(anchor="w", fill="x" if key not in DATE_KEYS + ("quantity", "phone") else None)
        if var is not None:
            self.vars[key] = var
        self.widgets[key] = widget
        message = tkinter.StringVar(self, "")
        label_widget = ttk.Label(frame, textvariable=message, bootstyle="danger", wraplength=280,
                                 font="-size 9")
        label_widget.pack(anchor="w")
        self.messages[key] = message
        self.message_labels[key] = label_widget

    def focus_initial(self) -> None:
        self.widgets["code" if self.record is None else "applicant_name"].focus_set()

    def _procedure_chosen(self) -> None:
        name = nfc(self.vars["procedure_name"].get())
        if name and not nfc(self.vars["field_name"].get()):
            field = log_services.field_of_procedure(name)
            if field:
                self.vars["field_name"].set(field)

    # --- values -------------------------------------------------------------------------------
    def fill(self, record: DossierRecord | None) -> None:
        if record is None:
            self.set_date("received_date", date.today())
            return
        for key, var in self.vars.items():
            value = getattr(record, key)
            if key == "channel":
                var.set(CHANNELS.get(value, value))
            elif key == "in_province":
                var.set(bool(value))
            else:
                var.set("" if value is None else str(value))
        for key in DATE_KEYS:
            self.set_date(key, getattr(record, key))

    def set_date(self, key: str, value: date | str | None) -> None:
        entry = self.widgets[key].entry
        entry.delete(0, "end")
        if value:
            entry.insert(0, format_date(value) if isinstance(value, date) else str(value))

    def set_values(self, **values: Any) -> None:
        """Type values into the form as a user would (dates as date or text)."""
        for key, value in values.items():
            if key in DATE_KEYS:
                self.set_date(key, value)
            elif key == "channel":
                self.vars[key].set(CHANNELS.get(value, value))
            else:
                self.vars[key].set(value)

    def collect(self) -> tuple[DossierRecord | None, list[Issue]]:
        """The record the form describes and the problems found in reading it."""
        issues: list[Issue] = []
        dates: dict[str, date | None] = {}
        for key in DATE_KEYS:
            try:
                dates[key] = parse_date(self.widgets[key].entry.get())
            except DateError as exc:
                dates[key] = None
                issues.append(Issue("LOG_120", str(exc), Level.ERROR, column=LABELS[key]))
        quantity_text = nfc(self.vars["quantity"].get())
        try:
            quantity = int(quantity_text)
        except ValueError:
            quantity = 0
            issues.append(Issue("LOG_110", tr("số lượng hồ sơ phải là số nguyên từ 1 trở lên"),
                                Level.ERROR, column=LABELS["quantity"]))
        channel_label = self.vars["channel"].get()
        channel = {v: k for k, v in CHANNELS.items()}.get(channel_label, channel_label)
        text = {k: nfc(self.vars[k].get()) for k in ("code", "procedure_name", "field_name",
                                                     "applicant_name", "address", "phone", "agency",
                                                     "result_method", "notes")}
        base = self.record or DossierRecord(code="", procedure_name="", applicant_name="",
                                            received_date=None)
        record = replace(base, **text, **dates, quantity=quantity, channel=channel,
                         applicant_type=self.vars["applicant_type"].get(),
                         in_province=bool(self.vars["in_province"].get()))
        parsed = {i.column for i in issues}
        issues += [i for i in validate_record(record)
                   if i.column not in parsed or i.code not in ("LOG_105", "LOG_110")]
        return record, issues

    def _entry_of(self, key: str) -> Any:
        widget = self.widgets[key]
        return getattr(widget, "entry", widget)

    def show_issues(self, issues: list[Issue]) -> None:
        for key, var in self.messages.items():
            var.set("")
            self.message_labels[key].configure(bootstyle="danger")
            entry = self._entry_of(key)
            if hasattr(entry, "state"):
                entry.state(["!invalid"])
        general = []
        for issue in issues:
            key = KEY_OF_LABEL.get(issue.column or "")
            if key is None or key not in self.messages:
                general.append(issue.message)
                continue
            current = self.messages[key].get()
            self.messages[key].set(f"{current}; {issue.message}" if current else issue.message)
            if not issue.is_error and not current:
                self.message_labels[key].configure(bootstyle="warning")
            entry = self._entry_of(key)
            if issue.is_error and hasattr(entry, "state"):
                entry.state(["invalid"])  # the theme draws the field's border red
        errors = sum(1 for i in issues if i.is_error)
        if errors:
            general.insert(0, tr("Chưa lưu: {n} lỗi, xem dòng chữ đỏ dưới từng ô.", n=errors))
        self.general_var.set("\n".join(general))

    def field_messages(self) -> dict[str, str]:
        return {k: v.get() for k, v in self.messages.items() if v.get()}

    # --- save ---------------------------------------------------------------------------------
    def save(self) -> DossierRecord | None:
        record, issues = self.collect()
        self.show_issues(issues)
        errors = [i for i in issues if i.is_error]
        if errors or record is None:
            first = KEY_OF_LABEL.get(errors[0].column or "") if errors else None
            if first in self.widgets:
                widget = self.widgets[first]
                getattr(widget, "entry", widget).focus_set()
            return None
        try:
            saved = log_services.save_dossier(record)
        except SipasError as exc:
            if exc.issues:
                self.show_issues(exc.issues)
            elif exc.code == "LOG_003":
                self.messages["code"].set(exc.message)
                self.widgets["code"].focus_set()
            else:
                self.general_var.set(exc.message)
            return None
        except Exception as exc:  # a bug: logged, and the user is told where the log is
            self.ctx.show_error(exc, "save dossier")
            return None
        self.saved = saved
        if self.on_saved is not None:
            self.on_saved(saved)
        self.close()
        return saved
