"""EntryView: keying returned paper forms — first entry, blind second entry, resolution, correction.

The clerk works heads-down with the keyboard only. The next form number waits, selected, in the
number box: Enter accepts it (or type another, or scan the QR code: a keyboard-wedge scanner
types its text and Enter). Then one key per answer (`FormKeyer`), and Enter after the last
answer (or Ctrl+S anywhere) saves; the next number is ready at once. Escape drops the form.

Four modes (F5–F8): new forms; verification (a second clerk keys a keyed form blind, differences
are flagged); resolution (a third person keys the paper value of each differing field, without
seeing either entry); correction (open a keyed form, change answers; every change is audited).

Saving is a short SQLite transaction done on the Tk thread: a few milliseconds, and it keeps the
next form ready well within the 100 ms the clerk notices. Nothing here runs on another thread.
`keys_last_form` and `last_ready_ms` are kept for the keystroke test and the benchmark.
"""

from __future__ import annotations

import time
import tkinter
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import SipasError, UserError
from sipas_desktop.core.forms.validation import is_skipped
from sipas_desktop.core.services import entry as entry_services
from sipas_desktop.core.services import forms as form_services
from sipas_desktop.core.services.forms import SurveyContext
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr
from sipas_desktop.ui.widgets.form_keyer import ENTER, MODIFIERS, FormKeyer

MODE_LABELS = {
    "new": "Nhập phiếu mới",
    "verify": "Nhập kiểm tra (lần 2)",
    "resolve": "Đối chiếu phiếu giấy",
    "edit": "Sửa phiếu đã nhập",
}
MODE_KEYS = {"new": "F5", "verify": "F6", "resolve": "F7", "edit": "F8"}
HELP = ("Số = mã của ô được đánh dấu · Space: không trả lời · Backspace: lùi lại · "
        "PgUp/PgDn: phần trước/sau · Enter sau câu cuối hoặc Ctrl+S: lưu · Esc: bỏ phiếu đang nhập")
PREF_FORM, PREF_CLERK = "entry.form_id", "entry.clerk"
NOTIFY_DELAY_MS = 1500


class EntryView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext, *, form_id: str | None = None,
                 clerk: str | None = None) -> None:
        super().__init__(master, padding=(12, 10))
        self.ctx = ctx
        self.form_id = form_id or ctx.prefs.get(PREF_FORM)
        self.mode = "new"
        self.survey: SurveyContext | None = None
        self.keyer: FormKeyer | None = None
        self.number: int | None = None
        self.mismatch_ids: list[str] = []
        self.started = 0.0
        self.keys = 0
        self.keys_last_form = 0
        self.last_ready_ms = 0.0
        self.saved_forms = 0
        self._notify_id: str | None = None
        self.mode_var = tkinter.StringVar(self, "new")
        self.clerk_var = tkinter.StringVar(self, clerk or ctx.prefs.get(PREF_CLERK)
                                           or entry_services.current_user())
        self.number_var = tkinter.StringVar(self, "")
        self.message_var = tkinter.StringVar(self, "")
        self.status_var = tkinter.StringVar(self, "")
        self.context_var = tkinter.StringVar(self, "")
        self.form_choice = tkinter.StringVar(self, "")
        self._build()
        self.load_context()

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Nhập phiếu khảo sát"), font="-size 14 -weight bold").pack(side="left")
        ttk.Label(head, textvariable=self.context_var, bootstyle="secondary").pack(side="left", padx=12)
        ttk.Label(head, textvariable=self.status_var, bootstyle="info").pack(side="right")

        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(8, 4))
        for mode, label in MODE_LABELS.items():
            ttk.Radiobutton(bar, text=f"{tr(label)} ({MODE_KEYS[mode]})", value=mode, variable=self.mode_var,
                            command=lambda m=mode: self.set_mode(m), takefocus=False).pack(side="left",
                                                                                          padx=(0, 14))
        ttk.Label(bar, text=tr("Người nhập:")).pack(side="left", padx=(20, 4))
        clerk = ttk.Entry(bar, textvariable=self.clerk_var, width=18)
        clerk.pack(side="left")
        clerk.bind("<FocusOut>", lambda e: self._remember_clerk())

        self.chooser = ttk.Frame(self)
        ttk.Label(self.chooser, text=tr("Mẫu phiếu:")).pack(side="left")
        self.form_box = ttk.Combobox(self.chooser, textvariable=self.form_choice, state="readonly", width=60)
        self.form_box.pack(side="left", padx=6)
        self.form_box.bind("<<ComboboxSelected>>", lambda e: self.choose_form(self.form_choice.get()))

        row = ttk.Frame(self)
        row.pack(fill="x", pady=(6, 2))
        ttk.Label(row, text=tr("Số phiếu:"), font="-size 13 -weight bold").pack(side="left")
        self.number_entry = ttk.Entry(row, textvariable=self.number_var, width=34, font="-size 14")
        self.number_entry.pack(side="left", padx=8)
        self.number_entry.bind("<KeyPress>", self._on_number_key)
        self.number_label = ttk.Label(row, text="", font="-size 13 -weight bold", bootstyle="primary")
        self.number_label.pack(side="left", padx=8)
        self.message = ttk.Label(self, textvariable=self.message_var, font="-size 11", wraplength=1000)
        self.message.pack(fill="x", pady=(2, 4))
        self.body = ttk.Frame(self)
        self.body.pack(fill="both", expand=True)
        ttk.Label(self, text=tr(HELP), bootstyle="secondary", wraplength=1100).pack(fill="x", pady=(4, 0))

    # --- context --------------------------------------------------------------------------------
    def load_context(self) -> None:
        """Office, plan and questionnaire; a questionnaire picker when no plan names one."""
        try:
            survey = entry_services.context(self.form_id)
        except UserError as exc:
            self.survey = None
            self._drop_keyer()
            self.context_var.set("")
            self.status_var.set("")
            self.say(exc.message, "danger")
            if exc.code in ("PRINT_011", "FORM_101", "PRINT_010"):
                self._show_chooser()
            self.number_entry.configure(state="disabled")
            return
        self.chooser.pack_forget()
        self.number_entry.configure(state="normal")
        if self.survey is None or self.survey.form != survey.form or self.keyer is None:
            self._drop_keyer()
            self.keyer = FormKeyer(self.body, survey.form, on_save=self.save, on_cancel=self.cancel_form,
                                   on_message=self.say, on_key=self._count_key)
            self.keyer.pack(fill="both", expand=True)
            for widget in [self.keyer] + [r.entry for r in self.keyer.rows.values() if r.entry is not None]:
                widget.bind("<Control-s>", self._save_key)
                widget.bind("<Control-S>", self._save_key)
        self.survey = survey
        self.context_var.set(survey.label)
        self.prepare_number()

    def _show_chooser(self) -> None:
        forms = form_services.list_forms()
        self._form_ids = {f"{f.id} — {f.title.capitalize()}": f.id for f in forms}
        self.form_box.configure(values=list(self._form_ids))
        self.chooser.pack(fill="x", pady=(4, 4), before=self.body)

    def choose_form(self, label_or_id: str) -> None:
        form_id = getattr(self, "_form_ids", {}).get(label_or_id, label_or_id)
        self.form_id = form_id
        self.ctx.prefs[PREF_FORM] = form_id
        self.ctx.save_prefs()
        self.load_context()

    def _drop_keyer(self) -> None:
        if self.keyer is not None:
            self.keyer.destroy()
            self.keyer = None

    def _remember_clerk(self) -> None:
        self.ctx.prefs[PREF_CLERK] = self.clerk_var.get().strip()
        self.ctx.save_prefs()

    # --- flow -----------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODE_LABELS:
            raise ValueError(mode)
        self.mode = mode
        self.mode_var.set(mode)
        if self.survey is not None:
            self.prepare_number()
            self.say(tr("Chế độ: {mode}.", mode=tr(MODE_LABELS[mode])), "info")

    def refresh_status(self) -> None:
        if self.survey is None:
            return
        st = entry_services.status(self.survey)
        self.status_var.set(tr("Đã in {p} · đã nhập {k} · đã kiểm tra {v} · khác nhau {m} · chờ nhập kiểm "
                               "tra {w}", p=st.printed, k=st.keyed, v=st.verified, m=st.mismatch,
                               w=st.to_verify))

    def prepare_number(self) -> None:
        """Clear the form and offer the next number, selected so that typing replaces it."""
        if self.keyer is not None:
            self.keyer.stop()
        self.number = None
        self.number_label.configure(text="")
        self.keys = 0
        suggestion = entry_services.next_number(self.survey, self.mode) if self.survey else None
        from sipas_desktop.core.entry.numbers import format_number

        self.number_var.set(format_number(suggestion) if suggestion else "")
        self.number_entry.configure(state="normal")
        self.number_entry.focus_set()
        self.number_entry.selection_range(0, "end")
        self.number_entry.icursor("end")
        self.after_idle(self.refresh_status)   # counts can follow; the number box is ready now

    def _on_number_key(self, event: tkinter.Event) -> str | None:
        if event.keysym in MODIFIERS:
            return None
        self._count_key()
        if event.keysym in ENTER:
            self.accept_number()
            return "break"
        if event.keysym == "Escape":
            self.number_var.set("")
            return "break"
        return None

    def _count_key(self) -> None:
        self.keys += 1

    def accept_number(self, text: str | None = None) -> bool:
        """Check the typed or scanned number and open the form for keying in the current mode."""
        if self.survey is None or self.keyer is None:
            return False
        raw = self.number_var.get() if text is None else text
        try:
            check = entry_services.check_number(self.survey, raw, self.mode)
            values, restrict, hidden = self._start_values(check.number)
        except SipasError as exc:
            self.bell()
            self.say(exc.message, "danger")
            self.number_entry.focus_set()
            self.number_entry.selection_range(0, "end")
            return False
        self.number = check.number
        self.number_var.set(check.text)
        self.number_label.configure(text=tr("Phiếu số {n}", n=check.text))
        self.number_entry.configure(state="disabled")
        self.started = time.perf_counter()
        self.keyer.start(values, restrict=restrict, hidden=hidden)
        hint = {"new": "", "verify": tr("Nhập kiểm tra: nhập lại từ phiếu giấy, không xem lần nhập đầu."),
                "resolve": tr("{n} câu hai lần nhập khác nhau: nhập đúng giá trị trên phiếu giấy.",
                              n=len(self.mismatch_ids)),
                "edit": tr("Sửa phiếu: ↑/↓ hoặc PgUp/PgDn để đến câu cần sửa, gõ mã mới, Ctrl+S để lưu.")}
        self.say(hint[self.mode] or tr("Phiếu số {n}: nhập từng câu.", n=check.text), "info")
        return True

    def _start_values(self, number: int) -> tuple[dict[str, Any], Any, set[str]]:
        assert self.survey is not None
        form = self.survey.form
        if self.mode in ("new", "verify"):
            return {}, None, set()
        info = entry_services.open_form(self.survey, number)
        if self.mode == "edit":
            return dict(info.answers), None, set()
        self.mismatch_ids = entry_services.fields_to_resolve(self.survey, number)
        ids = list(self.mismatch_ids)

        def restrict(values: dict[str, Any]) -> list[str]:
            return [qid for qid in ids if not is_skipped(form.question(qid), values)]

        return dict(info.answers), restrict, set(ids)

    def _save_key(self, event: tkinter.Event | None = None) -> str:
        self._count_key()
        self.save()
        return "break"

    def save(self) -> bool:
        """Save the form being keyed in the current mode; the next number is ready at once."""
        if self.survey is None or self.keyer is None or self.number is None:
            return False
        began = time.perf_counter()
        missing = self.keyer.first_missing()
        if missing is not None:
            q = self.survey.form.question(missing)
            self.bell()
            self.say(tr("Câu {n} chưa có trả lời (Space: không trả lời).", n=q.number), "danger")
            self.keyer.go_to(missing)
            return False
        seconds = began - self.started
        by = self.clerk_var.get().strip()
        number_text = self.number_var.get()
        try:
            message, level = self._store(by, seconds)
        except SipasError as exc:
            self.bell()
            self.say(exc.message, "danger")
            first = exc.issues[0].column if exc.issues else None
            if first:
                self.keyer.go_to(first)
            return False
        self.keys_last_form = self.keys
        self.saved_forms += 1
        self._notify_later()
        self.prepare_number()
        self.say(message.format(n=number_text), level)
        self.last_ready_ms = (time.perf_counter() - began) * 1000
        return True

    def _store(self, by: str, seconds: float) -> tuple[str, str]:
        assert self.survey is not None and self.keyer is not None and self.number is not None
        answers = self.keyer.answers()
        if self.mode == "new":
            entry_services.save_form(self.survey, self.number, answers, by=by, seconds=seconds)
            return tr("Đã lưu phiếu số {n}."), "success"
        if self.mode == "verify":
            result = entry_services.save_verification(self.survey, self.number, answers, by=by,
                                                      seconds=seconds)
            if result.matched:
                return tr("Phiếu số {n}: khớp với lần nhập đầu."), "success"
            numbers = ", ".join(self.survey.form.question(m.question_id).number for m in result.mismatches)
            return (tr("Phiếu số {{n}}: {k} câu khác lần nhập đầu (câu {q}); cần đối chiếu phiếu giấy (F7).",
                       k=len(result.mismatches), q=numbers), "warning")
        if self.mode == "resolve":
            paper = {qid: answers[qid] for qid in self.mismatch_ids
                     if qid in answers and qid not in self.keyer.hidden}
            entry_services.resolve(self.survey, self.number, paper, by=by)
            return tr("Phiếu số {n}: đã đối chiếu xong, giá trị trên phiếu giấy đã được ghi."), "success"
        _, changed = entry_services.correct_form(self.survey, self.number, answers, by=by)
        return tr("Phiếu số {{n}}: đã sửa {c} câu (có ghi lại người sửa, giá trị cũ và mới).", c=changed), \
            "success"

    def _notify_later(self) -> None:
        """Tell other views that responses changed once the clerk pauses, not after every form
        (their refresh must not eat into the next form's 100 ms)."""
        if self._notify_id is not None:
            self.after_cancel(self._notify_id)

        def notify() -> None:
            self._notify_id = None
            self.ctx.data_changed("responses")

        self._notify_id = self.after(NOTIFY_DELAY_MS, notify)

    def cancel_form(self) -> None:
        """Escape: drop the form being keyed (asks first if answers were keyed)."""
        if self.keyer is not None and self.keyer.values and self.mode != "edit":
            if not self.ctx.prompter.ask_yes_no(tr("Bỏ phiếu đang nhập? Các câu đã gõ sẽ không được lưu."),
                                                tr("Bỏ phiếu")):
                return
        self.prepare_number()
        self.say(tr("Đã bỏ phiếu đang nhập."), "secondary")

    def say(self, text: str, level: str = "info") -> None:
        self.message_var.set(text[:1].upper() + text[1:])
        self.message.configure(bootstyle=level if level in ("danger", "success", "warning", "info",
                                                           "secondary") else "default")

    # --- shell hooks ----------------------------------------------------------------------------
    def commands(self) -> list[Command]:
        out = [Command(tr(label), lambda m=mode: self.set_mode(m), MODE_KEYS[mode], (f"<{MODE_KEYS[mode]}>",),
                       separator_before=mode == "new") for mode, label in MODE_LABELS.items()]
        out.append(Command(tr("Lưu phiếu"), self.save, "Ctrl+S"))
        return out

    def on_show(self) -> None:
        self.load_context() if self.survey is None or self.number is None else self.refresh_status()

    def refresh(self, what: str = "") -> None:
        if what != "responses" and self.number is None:   # our own saves need no reload
            self.load_context()
