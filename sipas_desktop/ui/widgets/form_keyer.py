"""FormKeyer: heads-down keyed entry of one paper questionnaire, rendered from its definition.

Any `Form` is drawn in paper order — section titles, then one row per question: its answer-box
number (the grey box printed on the paper), its number and text, the value keyed and what it
means. There is no per-form code. Keys, all on the keyboard:

- a digit: the code of the ticked box; one digit fills the answer and moves on (codes ≥ 10 take two
  digits; a number question takes the digits of its maximum, or Enter);
- multiple choice: digits tick and untick codes, Enter moves on;
- Space: "không trả lời" (the form's no-answer code; none for a number, empty for text/multiple);
- BackSpace: undo the digit being typed, else step back one question;
- Page Up / Page Down: first question of the previous / next section; ↑ / ↓: one question;
- Enter on an answered question keeps its value and moves on; Enter after the last one saves.

Skip conditions are applied as answers come in: a skipped question is greyed and never visited.
In resolution mode only the fields returned by `restrict(values)` are visited. The widget calls
back; it never touches the database. `handle(keysym)` is the whole state machine, so tests can
drive it directly as well as through generated key events.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.forms.schema import Form, Question
from sipas_desktop.core.forms.validation import check_value, is_skipped
from sipas_desktop.core.text import nfc
from sipas_desktop.ui.i18n import tr

MODIFIERS = {"Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R", "Caps_Lock", "Num_Lock",
             "Super_L", "Super_R", "Meta_L", "Meta_R", "ISO_Level3_Shift"}
ENTER = {"Return", "KP_Enter"}
KEYPAD = {f"KP_{d}": d for d in "0123456789"}
CURRENT_BG, SKIPPED_FG, DONE_FG = "#fff3cd", "#9aa0a6", "#0b5394"
Restrict = Callable[[dict[str, Any]], list[str]]


class _Row:
    __slots__ = ("question", "frame", "box", "text", "value", "meaning", "entry", "shown")

    def __init__(self, question: Question) -> None:
        self.question = question
        self.entry: ttk.Entry | None = None
        self.shown: tuple[str, str, str] = ("", "", "TLabel")   # what the labels show now


class FormKeyer(ttk.Frame):
    """The questionnaire as keyed rows; see the module docstring for the keys."""

    def __init__(self, master: tkinter.Misc, form: Form, *, on_save: Callable[[], None],
                 on_cancel: Callable[[], None], on_message: Callable[[str, str], None],
                 on_key: Callable[[], None] | None = None) -> None:
        super().__init__(master, takefocus=True)
        self.form = form
        self.on_save, self.on_cancel, self.on_message = on_save, on_cancel, on_message
        self.on_key = on_key or (lambda: None)
        self.values: dict[str, Any] = {}
        self.hidden: set[str] = set()        # values kept but not shown (blind modes)
        self.restrict: Restrict | None = None
        self.active: list[str] = []
        self.position = 0                    # index in `active`; len(active) = the end
        self.buffer = ""
        self.keying = False
        self.rows: dict[str, _Row] = {}
        self._current: str | None = None
        self._layout: tuple[int, dict[str, int]] | None = None
        self._build()
        self.bind("<KeyPress>", self._on_key)

    # --- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        style = ttk.Style()
        style.configure("KeyerCurrent.TLabel", background=CURRENT_BG)
        style.configure("KeyerSkipped.TLabel", foreground=SKIPPED_FG)
        probe = ttk.Label(self, bootstyle="danger")   # ttkbootstrap builds the style on first use
        self._box_styles = ("secondary.TLabel", probe.cget("style"))
        probe.destroy()
        self.prompt = ttk.Frame(self, padding=(8, 6))
        self.prompt.pack(fill="x")
        self.prompt_q = ttk.Label(self.prompt, text="", font="-size 13 -weight bold", wraplength=900)
        self.prompt_q.pack(anchor="w")
        self.prompt_codes = ttk.Label(self.prompt, text="", font="-size 11", bootstyle="primary",
                                      wraplength=900)
        self.prompt_codes.pack(anchor="w", pady=(2, 0))
        ttk.Separator(self).pack(fill="x")
        outer = ttk.Frame(self)
        outer.pack(fill="both", expand=True)
        self.canvas = tkinter.Canvas(outer, highlightthickness=0, borderwidth=0,
                                     background=style.lookup("TFrame", "background") or "white")
        bar = ttk.Scrollbar(outer, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=bar.set, takefocus=False)
        bar.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.inner = ttk.Frame(self.canvas, padding=(6, 4))
        self._window = self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self.inner.bind("<Configure>", self._on_inner_configure)
        self.canvas.bind("<Configure>", lambda e: self.canvas.itemconfigure(self._window, width=e.width))
        self.canvas.bind("<MouseWheel>", lambda e: self.canvas.yview_scroll(-e.delta // 120, "units"))
        self.inner.columnconfigure(5, weight=1)   # answers sit next to their question
        r = 0
        for section in self.form.sections:
            ttk.Label(self.inner, text=section.title, font="-weight bold", bootstyle="primary").grid(
                row=r, column=0, columnspan=5, sticky="w", pady=(10, 2))
            r += 1
            for q in section.questions:
                self.rows[q.id] = self._row(q, r)
                r += 1

    def _on_inner_configure(self, event: tkinter.Event) -> None:
        self.canvas.configure(scrollregion=self.canvas.bbox("all"))
        self._layout = None

    def _row(self, q: Question, r: int) -> _Row:
        row = _Row(q)
        row.box = ttk.Label(self.inner, text=f"{q.box}", width=4, anchor="center", font="-weight bold",
                            bootstyle="secondary")
        row.box.grid(row=r, column=0, sticky="nw", padx=(0, 4), pady=1)
        row.text = ttk.Label(self.inner, text=f"{q.number}. {q.text}", wraplength=620)
        row.text.grid(row=r, column=2, sticky="w", pady=1)
        if q.type == "text":
            row.entry = ttk.Entry(self.inner, width=40)
            row.entry.grid(row=r, column=3, columnspan=2, sticky="w", padx=6)
            row.entry.bind("<KeyPress>", lambda e, qid=q.id: self._on_text_key(e, qid))
            row.value = row.meaning = row.entry   # placeholders, never configured as labels
        else:
            row.value = ttk.Label(self.inner, text="", width=6, anchor="center", font="-size 12 -weight bold")
            row.value.grid(row=r, column=3, sticky="w", padx=6)
            row.meaning = ttk.Label(self.inner, text="", width=24, bootstyle="secondary")
            row.meaning.grid(row=r, column=4, sticky="w")
        return row

    # --- state ----------------------------------------------------------------------------------
    def start(self, values: dict[str, Any] | None = None, *, restrict: Restrict | None = None,
              hidden: set[str] | None = None) -> None:
        """Begin a form: blank (new, verification), loaded (correction) or restricted (resolution)."""
        self.values = dict(values or {})
        self.hidden = set(hidden or ())
        self.restrict = restrict
        self.buffer = ""
        self.keying = True
        for row in self.rows.values():
            if row.entry is not None:
                row.entry.delete(0, "end")
                text = self.values.get(row.question.id)
                if isinstance(text, str) and row.question.id not in self.hidden:
                    row.entry.insert(0, text)
        self._recompute()
        self.position = 0
        for qid in self.rows:
            self._show_value(qid)
        self._go(0)

    def stop(self) -> None:
        self.keying = False
        self.values, self.active, self.position, self.buffer = {}, [], 0, ""
        self._highlight(None)
        for qid in self.rows:
            self._show_value(qid)
        self.prompt_q.configure(text="")
        self.prompt_codes.configure(text="")

    def answers(self) -> dict[str, Any]:
        """The values keyed, skipped questions left out (what is saved)."""
        out = {}
        for q in self.form.questions:
            if q.id in self.values and not is_skipped(q, out):
                out[q.id] = self.values[q.id]
        return out

    def _recompute(self) -> None:
        if self.restrict is not None:
            self.active = self.restrict(self.values)
        else:
            self.active = [q.id for q in self.form.questions if not is_skipped(q, self.values)]

    @property
    def at_end(self) -> bool:
        return self.position >= len(self.active)

    @property
    def current(self) -> Question | None:
        return None if self.at_end else self.form.question(self.active[self.position])

    def _go(self, position: int) -> None:
        self.position = max(0, min(position, len(self.active)))
        self.buffer = ""
        q = self.current
        self._highlight(q.id if q else None)
        if q is None:
            self.prompt_q.configure(text=tr("Đã nhập đủ các câu. Enter hoặc Ctrl+S để lưu phiếu."))
            self.prompt_codes.configure(text="")
            self.focus_set()
            return
        self.prompt_q.configure(text=tr("Ô {box} · Câu {n}. {text}", box=q.box, n=q.number, text=q.text))
        self.prompt_codes.configure(text=self._codes_hint(q))
        row = self.rows[q.id]
        if row.entry is not None:
            row.entry.focus_set()
            row.entry.icursor("end")
        else:
            self.focus_set()
        self._see(row)

    def _codes_hint(self, q: Question) -> str:
        na = self.form.no_answer_code
        if q.type in ("single", "scale"):
            codes = "   ".join(f"{c.code} {c.label}" for c in q.choices)
            return f"{codes}   ·   {na} hoặc Space: {self.form.no_answer_label.lower()}"
        if q.type == "multiple":
            codes = "   ".join(f"{c.code} {c.label}" for c in q.choices)
            return tr("{codes}   ·   gõ mã để đánh dấu/bỏ, Enter: sang câu sau", codes=codes)
        if q.type == "integer":
            return tr("Số từ {lo} đến {hi}, Enter để xong · Space: không trả lời",
                      lo=q.min if q.min is not None else 0, hi=q.max if q.max is not None else "…")
        return tr("Gõ nội dung ghi trên phiếu, Enter để xong (để trống nếu không ghi)")

    # --- display --------------------------------------------------------------------------------
    def _highlight(self, qid: str | None) -> None:
        old, self._current = self._current, qid
        if old in self.rows:
            self.rows[old].box.configure(style=self._box_styles[0])
            self._show_value(old)
        if qid is not None:
            self.rows[qid].box.configure(style=self._box_styles[1])
            self._show_value(qid)

    def _show_value(self, qid: str) -> None:
        row = self.rows[qid]
        q = row.question
        skipped = self.keying and self.restrict is None and qid not in self.active
        shown = meaning = ""
        if row.entry is None:
            if qid in self.values and qid not in self.hidden:
                shown, meaning = self._render(q, self.values[qid])
            if qid == self._current and self.buffer:
                shown, meaning = self.buffer + "_", ""
            if skipped:
                shown, meaning = "—", tr("bỏ qua")
        style = "KeyerCurrent.TLabel" if qid == self._current else \
            "KeyerSkipped.TLabel" if skipped else "TLabel"
        # configuring a ttk label costs ~0.1 ms: touch only what changed (next form < 100 ms)
        if row.entry is None and (shown, meaning) != row.shown[:2]:
            row.value.configure(text=shown)
            row.meaning.configure(text=meaning)
        if style != row.shown[2]:
            row.text.configure(style=style)
        row.shown = (shown, meaning, style)

    def _render(self, q: Question, value: Any) -> tuple[str, str]:
        na = self.form.no_answer_code
        if q.type in ("single", "scale"):
            if value == na:
                return str(na), self.form.no_answer_label
            return str(value), q.label_of(value)
        if q.type == "multiple":
            if not value:
                return "∅", tr("không chọn ô nào")
            return ";".join(map(str, value)), "; ".join(q.label_of(v) for v in value)
        if q.type == "integer":
            return ("", self.form.no_answer_label) if value is None else (str(value), "")
        return str(value), ""

    def _see(self, row: _Row) -> None:
        """Scroll so that the current row is in view. Row positions are cached and refreshed when
        the layout changes (update_idletasks on every key made each key cost ~10 ms)."""
        if self._layout is None:
            self._layout = (max(self.inner.winfo_height(), 1),
                            {qid: r.text.winfo_y() for qid, r in self.rows.items()})
        total, ys = self._layout
        if total <= 1:
            self._layout = None
            return
        y = ys[row.question.id]
        view = self.canvas.winfo_height()
        top, bottom = self.canvas.yview()
        if y < top * total + 20 or y > bottom * total - 60:
            self.canvas.yview_moveto(max(0.0, (y - view / 3) / total))

    # --- keys -----------------------------------------------------------------------------------
    def _on_key(self, event: tkinter.Event) -> str | None:
        if event.keysym in MODIFIERS or not self.keying:
            return None
        if event.state & 0x4:   # Control: Ctrl+S is bound by the view
            return None
        self.on_key()
        self.handle(event.keysym)
        return "break"

    def _on_text_key(self, event: tkinter.Event, qid: str) -> str | None:
        if event.keysym in MODIFIERS or not self.keying:
            return None
        if event.state & 0x4:
            return None
        if self.current is None or self.current.id != qid:   # a click put the focus elsewhere
            self._go(self.position)
            return "break"
        self.on_key()
        entry = self.rows[qid].entry
        assert entry is not None
        if event.keysym in ENTER or event.keysym in ("Prior", "Next", "Up", "Down", "Escape") or (
                event.keysym == "BackSpace" and not entry.get()):
            self.handle(event.keysym)
            return "break"
        return None   # ordinary typing goes into the entry

    def handle(self, key: str) -> None:
        """One key of the answer phase (keysym names: "3", "space", "BackSpace", "Return", …)."""
        key = KEYPAD.get(key, key)
        if key == "Escape":
            self.on_cancel()
            return
        if self.at_end:
            if key in ENTER:
                self.on_save()
            elif key in ("BackSpace", "Up", "Prior"):
                self._go(len(self.active) - 1 if key != "Prior" else self._section_start(-1))
            return
        q = self.current
        assert q is not None
        if key in ENTER:
            self._enter(q)
        elif key == "space":
            self._set(q, self._no_answer(q))
        elif key == "BackSpace":
            if self.buffer:
                self.buffer = self.buffer[:-1]
                self._show_value(q.id)
            elif self.position > 0:
                self._go(self.position - 1)
        elif key == "Up":
            self._go(self.position - 1)
        elif key == "Down":
            if q.id in self.values or not q.required:
                self._go(self.position + 1)
        elif key in ("Prior", "Next"):
            self._go(self._section_start(-1 if key == "Prior" else 1))
        elif len(key) == 1 and key.isdigit():
            self._digit(q, key)
        else:
            self.bell()

    def _no_answer(self, q: Question) -> Any:
        if q.type in ("single", "scale"):
            return self.form.no_answer_code
        if q.type == "multiple":
            return []
        if q.type == "integer":
            return None
        return ""

    def _digit(self, q: Question, digit: str) -> None:
        if q.type == "multiple":
            code = int(digit)
            if code not in q.codes:
                self._refuse(tr("Câu {n} không có mã {code}.", n=q.number, code=code))
                return
            chosen = list(self.values.get(q.id) or [])
            chosen.remove(code) if code in chosen else chosen.append(code)
            if q.max_choices is not None and len(chosen) > q.max_choices:
                self._refuse(tr("Câu {n} chọn tối đa {m} ô.", n=q.number, m=q.max_choices))
                return
            self.values[q.id] = sorted(chosen)
            self._show_value(q.id)
            return
        self.buffer += digit
        if q.type == "integer":
            top = q.max if q.max is not None else 10 ** q.key_width - 1
        else:
            top = max(q.codes + (self.form.no_answer_code,))
        # commit as soon as no longer code can start with what was typed ("2" of codes 1–12)
        if len(self.buffer) >= q.key_width or int(self.buffer + "0") > top:
            self._commit(q)
        else:
            self._show_value(q.id)

    def _enter(self, q: Question) -> None:
        if q.type == "text":
            entry = self.rows[q.id].entry
            assert entry is not None
            self._set(q, nfc(entry.get()))
        elif self.buffer:
            self._commit(q)
        elif q.type == "multiple":
            self.values.setdefault(q.id, [])
            self.hidden.discard(q.id)
            self._advance()
        elif (q.id in self.values and q.id not in self.hidden) or not q.required:
            self._advance()
        else:
            self._refuse(tr("Câu {n} cần một câu trả lời (Space: không trả lời).", n=q.number))

    def _commit(self, q: Question) -> None:
        value = int(self.buffer)
        self.buffer = ""
        self._set(q, value)

    def _set(self, q: Question, value: Any) -> None:
        problem = check_value(self.form, q, value)
        if problem is not None:
            self.buffer = ""
            self._show_value(q.id)
            self._refuse(problem.message)
            return
        self.values[q.id] = value
        self.hidden.discard(q.id)
        self.on_message("", "")
        self._advance()

    def _advance(self) -> None:
        q = self.current
        assert q is not None
        before = list(self.active)
        self._recompute()
        if self.active != before:
            for qid in self.rows:
                self._show_value(qid)
        else:
            self._show_value(q.id)
        order = {qid: i for i, qid in enumerate(self.active)}
        if q.id in order:
            self._go(order[q.id] + 1)
        else:   # the question itself left the list: go on with the next one after it on paper
            boxes = [self.form.question(qid).box for qid in self.active]
            self._go(next((i for i, box in enumerate(boxes) if box > q.box), len(self.active)))

    def _section_start(self, direction: int) -> int:
        if not self.active:
            return 0
        here = self.current.section if self.current else self.form.question(self.active[-1]).section
        sections = [s.id for s in self.form.sections]
        target = sections.index(here) + direction
        while 0 <= target < len(sections):
            for i, qid in enumerate(self.active):
                if self.form.question(qid).section == sections[target]:
                    return i
            target += direction
        return 0 if direction < 0 else len(self.active)

    def _refuse(self, message: str) -> None:
        self.bell()
        self.on_message(message, "danger")

    def first_missing(self) -> str | None:
        """The first visited question that still has no value (save is refused until it has)."""
        for qid in self.active:
            q = self.form.question(qid)
            if q.required and (qid not in self.values or qid in self.hidden):
                return qid
        return None

    def go_to(self, qid: str) -> None:
        if qid in self.active:
            self._go(self.active.index(qid))
