"""ResultsView: the indices of the current plan, their tables and charts, and the exports.

The survey (keyed forms, sample facts, double-entry figures) is gathered once on a worker thread
(`results.gather`); changing the field or applicant-type filter only rescoring that cached,
anonymous data, also on a worker. Criteria are listed lowest first, because that is what the
commune must act on. The "Nội dung báo cáo" tab holds the texts the clerk writes into the báo
cáo (number, signer, strengths, causes, solutions…); they are saved per plan and used by the PDF
and DOCX exports. Charts are the báo cáo's own chart layouts (`bao_cao_charts.layout`) drawn on a
Tk canvas, so the screen and the printed report show the same picture.

Action methods take optional paths (tests pass them; a person gets a file dialog) and return the
job they started.
"""

from __future__ import annotations

import tkinter
from dataclasses import fields as dc_fields
from dataclasses import replace
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.reporting import bao_cao_charts as charts
from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts
from sipas_desktop.core.scoring import APPLICANT_LABELS, Scores, round2
from sipas_desktop.core.services import results as services
from sipas_desktop.core.text import DateError, format_date, format_int, format_percent, parse_date
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr

ALL = "Tất cả"
SCALE = 1.3
KIND_BY_LABEL = {APPLICANT_LABELS["ca_nhan"]: "ca_nhan", APPLICANT_LABELS["to_chuc"]: "to_chuc"}

# (field of BaoCaoTexts, label, lines of the text box; 0 = one-line entry)
TEXT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("number", "Số báo cáo (phần trước “/BC-UBND”)", 0),
    ("report_date", "Ngày báo cáo (ngày/tháng/năm; để trống: ngày xuất)", 0),
    ("signer_authority", "Thẩm quyền ký", 0),
    ("signer_position", "Chức vụ người ký", 0),
    ("signer_name", "Họ tên người ký", 0),
    ("legal_basis", "Căn cứ (mỗi dòng một căn cứ; để trống: tự lập từ kế hoạch và phiếu)", 3),
    ("purpose", "Mục đích, yêu cầu (để trống: đoạn mặc định)", 3),
    ("strengths", "Ưu điểm (thêm vào sau yếu tố được đánh giá cao nhất)", 4),
    ("weaknesses", "Hạn chế (thêm vào sau các tiêu chí thấp nhất)", 4),
    ("causes", "Nguyên nhân", 4),
    ("solutions", "Giải pháp", 4),
    ("recommendations", "Kiến nghị", 3),
    ("comments_summary", "Tóm tắt ý kiến khác của người dân", 3),
    ("recipients", "Nơi nhận (mỗi dòng một nơi; “- Lưu: VT, VP.” tự thêm)", 4),
)


class ScrollFrame(ttk.Frame):
    """A vertically scrolling frame: put children in `.inner`."""

    def __init__(self, master: tkinter.Misc) -> None:
        super().__init__(master)
        self.canvas = tkinter.Canvas(self, highlightthickness=0, borderwidth=0)
        bar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.inner = ttk.Frame(self.canvas, padding=(4, 4, 12, 4))
        window = self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self.inner.bind("<Configure>", lambda _e: self.canvas.configure(scrollregion=self.canvas.bbox("all")))
        self.canvas.bind("<Configure>", lambda e: self.canvas.itemconfigure(window, width=e.width))
        # The wheel scrolls while the pointer is over the form (Windows/macOS: MouseWheel, X11: 4/5).
        self.bind("<Enter>", lambda _e: self._wheel(True))
        self.bind("<Leave>", lambda _e: self._wheel(False))

    def _wheel(self, on: bool) -> None:
        events = {"<MouseWheel>": lambda e: self.canvas.yview_scroll(-1 if e.delta > 0 else 1, "units"),
                  "<Button-4>": lambda _e: self.canvas.yview_scroll(-1, "units"),
                  "<Button-5>": lambda _e: self.canvas.yview_scroll(1, "units")}
        for sequence, handler in events.items():
            if on:
                self.bind_all(sequence, handler, add="+")
            else:
                self.unbind_all(sequence)


class ChartCanvas(tkinter.Canvas):
    """Draws a `BarChart` with the báo cáo's layout, scaled to the canvas width."""

    def __init__(self, master: tkinter.Misc, height: int = 260, width: int = 470) -> None:
        super().__init__(master, height=height, width=width, background="white", highlightthickness=0)
        self.chart: charts.BarChart | None = None
        self.bind("<Configure>", lambda _e: self.redraw())

    def show(self, chart: charts.BarChart | None) -> None:
        self.chart = chart
        self.redraw()

    def redraw(self) -> None:
        self.delete("all")
        width = max(self.winfo_width(), 200)
        if self.chart is None:
            return
        k = SCALE      # layout points → canvas pixels (Tk fonts in pixels, 96 dpi screens)
        lay = charts.layout(replace(self.chart, width=(width - 8) / k))
        self.configure(height=int(lay.height * k) + 8)

        def colour(rgb: tuple[float, float, float]) -> str:
            r, g, b = (round(v * 255) for v in rgb)
            return f"#{r:02x}{g:02x}{b:02x}"

        def x(value: float) -> float:
            return value * k + 4

        def y(value: float) -> float:
            return (lay.height - value) * k + 4

        for item in lay.items:
            if isinstance(item, charts.Rect):
                self.create_rectangle(x(item.x), y(item.y + item.h), x(item.x + item.w), y(item.y),
                                      fill=colour(item.fill), width=0)
            elif isinstance(item, charts.Line):
                self.create_line(x(item.x1), y(item.y1), x(item.x2), y(item.y2), fill=colour(item.colour))
            else:
                anchor = {"start": "sw", "middle": "s", "end": "se"}[item.anchor]
                weight = "bold" if item.bold else "normal"
                self.create_text(x(item.x), y(item.y) + item.size * k * 0.25, text=item.text, anchor=anchor,
                                 font=("Liberation Serif", -round(item.size * k), weight))


class ResultsView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master)
        self.ctx = ctx
        self.survey: services.Survey | None = None
        self.results: services.Results | None = None
        self.loading = False
        self.field_var = tkinter.StringVar(self, ALL)
        self.kind_var = tkinter.StringVar(self, ALL)
        self.summary_var = tkinter.StringVar(self, "")
        self.overall_var = tkinter.StringVar(self, "")
        self.message_var = tkinter.StringVar(self, tr("Đang tính chỉ số…"))
        self.text_widgets: dict[str, Any] = {}
        self._build()
        self.after_idle(self.reload)

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Kết quả và báo cáo"), font="-size 14 -weight bold").pack(side="left")
        ttk.Label(head, textvariable=self.summary_var, bootstyle="secondary").pack(side="left", padx=12)
        ttk.Button(head, text=tr("Tính lại"), bootstyle="secondary", command=self.reload).pack(side="right")
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(8, 4))
        self.buttons: list[ttk.Button] = []
        for label, command, style in (("Tệp báo cáo chuẩn (.xlsx)…", self.export_report_file, "primary"),
                                      ("Báo cáo PDF…", self.export_pdf, "secondary"),
                                      ("Báo cáo Word…", self.export_docx, "secondary"),
                                      ("Xuất dữ liệu phiếu…", self.export_data, "secondary")):
            button = ttk.Button(bar, text=tr(label), bootstyle=style, command=command)
            button.pack(side="left", padx=(0, 6))
            self.buttons.append(button)
        ttk.Button(bar, text=tr("Kiểm tra tệp báo cáo…"), bootstyle="link",
                   command=self.verify_file).pack(side="right")
        filters = ttk.Frame(self)
        filters.pack(fill="x", pady=(4, 6))
        ttk.Label(filters, text=tr("Lĩnh vực")).pack(side="left")
        self.field_box = ttk.Combobox(filters, textvariable=self.field_var, state="readonly", width=28,
                                      values=[ALL])
        self.field_box.pack(side="left", padx=(6, 16))
        ttk.Label(filters, text=tr("Đối tượng")).pack(side="left")
        self.kind_box = ttk.Combobox(filters, textvariable=self.kind_var, state="readonly", width=14,
                                     values=[ALL])
        self.kind_box.pack(side="left", padx=(6, 16))
        for box in (self.field_box, self.kind_box):
            box.bind("<<ComboboxSelected>>", lambda _e: self.apply_filter())
        ttk.Label(self, textvariable=self.overall_var, font="-size 13 -weight bold",
                  bootstyle="primary").pack(fill="x", pady=(0, 6))
        self.message = ttk.Label(self, textvariable=self.message_var, wraplength=900, justify="left",
                                 padding=20, font="-size 12")
        self.notebook = ttk.Notebook(self)
        self._build_indices_tab()
        self._build_people_tab()
        self._build_breakdown_tab()
        self._build_texts_tab()
        self._build_rules_tab()
        self.message.pack(fill="x")

    def _tree(self, master: tkinter.Misc, columns: list[tuple[str, str, int, str]], height: int = 10):
        frame = ttk.Frame(master)
        tree = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=height)
        for key, title, width, anchor in columns:
            tree.heading(key, text=tr(title))
            tree.column(key, width=width, anchor=anchor, stretch=key in ("title", "label", "text"))
        bar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        tree.pack(side="left", fill="both", expand=True)
        return frame, tree

    def _build_indices_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Chỉ số"))
        right = ttk.Frame(tab)
        right.pack(side="right", fill="y", padx=(10, 0))
        self.element_chart = ChartCanvas(right, width=400)
        self.element_chart.pack(fill="x")
        self.spread_chart = ChartCanvas(right, width=400)
        self.spread_chart.pack(fill="x", pady=(10, 0))

        left = ttk.Frame(tab)
        left.pack(side="left", fill="both", expand=True)
        ttk.Label(left, text=tr("Tiêu chí, chỉ số thấp nhất trước"), font="-weight bold").pack(anchor="w")
        frame, self.criteria_tree = self._tree(left, [
            ("rank", "#", 34, "center"), ("index", "Chỉ số", 72, "e"), ("id", "Mã", 56, "w"),
            ("title", "Tiêu chí", 220, "w"), ("element", "Yếu tố", 140, "w"), ("valid", "Hợp lệ", 56, "e"),
            ("satisfied", "Hài lòng", 64, "e"), ("blank", "Trống", 56, "e")], height=14)
        frame.pack(fill="both", expand=True)
        ttk.Label(left, text=tr("Yếu tố và khối"), font="-weight bold").pack(anchor="w", pady=(8, 0))
        frame, self.element_tree = self._tree(left, [
            ("kind", "Loại", 64, "w"), ("index", "Chỉ số", 72, "e"), ("count", "Số tiêu chí", 92, "e"),
            ("title", "Nội dung", 300, "w")], height=8)
        frame.pack(fill="both", expand=True)
    def _build_people_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Người trả lời, mong đợi"))
        frame, self.people_tree = self._tree(tab, [
            ("label", "Câu hỏi / phương án", 520, "w"), ("count", "Số người", 90, "e"),
            ("percent", "Tỷ lệ", 90, "e")], height=22)
        frame.pack(fill="both", expand=True)

    def _build_breakdown_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Theo lĩnh vực, đối tượng"))
        self.breakdown_note = ttk.Label(tab, text="", bootstyle="secondary", wraplength=900, justify="left")
        self.breakdown_note.pack(anchor="w")
        self.breakdown_holder = ttk.Frame(tab)
        self.breakdown_holder.pack(fill="both", expand=True)
        self.breakdown_tree: Any = None

    def _build_texts_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Nội dung báo cáo"))
        top = ttk.Frame(tab)
        top.pack(fill="x")
        ttk.Label(top, wraplength=820, justify="left", bootstyle="secondary", text=tr(
            "Các phần do cán bộ viết trước khi in báo cáo để trình ký. Số liệu, bảng, biểu đồ và các tiêu "
            "chí thấp nhất do chương trình tự lập. Phần để trống in thành dòng chấm để viết tay.")).pack(
            side="left")
        ttk.Button(top, text=tr("Lưu nội dung"), bootstyle="success",
                   command=self.save_texts).pack(side="right")
        scroll = ScrollFrame(tab)
        scroll.pack(fill="both", expand=True, pady=(6, 0))
        grid = scroll.inner
        grid.columnconfigure(1, weight=1)
        for row, (key, label, lines) in enumerate(TEXT_FIELDS):
            ttk.Label(grid, text=tr(label), wraplength=260, justify="left").grid(
                row=row, column=0, sticky="nw", padx=(0, 10), pady=3)
            if lines:
                widget = ttk.Text(grid, height=lines, wrap="word", undo=True, font="TkTextFont")
            else:
                widget = ttk.Entry(grid)
            widget.grid(row=row, column=1, sticky="ew", pady=3)
            self.text_widgets[key] = widget

    def _build_rules_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Quy tắc tính, lưu ý"))
        self.rules_text = ttk.Text(tab, wrap="word", height=20, font="TkTextFont")
        self.rules_text.pack(fill="both", expand=True)

    # --- the area protocol ----------------------------------------------------------------------
    def commands(self) -> list[Command]:
        return [
            Command(tr("Tính lại chỉ số"), self.reload, "F5", ("<F5>",)),
            Command(tr("Ghi tệp báo cáo chuẩn…"), self.export_report_file, "Ctrl+S", ("<Control-s>",
                                                                                      "<Control-S>"),
                    separator_before=True),
            Command(tr("Xuất báo cáo PDF…"), self.export_pdf, "Ctrl+P", ("<Control-p>", "<Control-P>")),
            Command(tr("Xuất báo cáo Word…"), self.export_docx),
            Command(tr("Xuất dữ liệu phiếu…"), self.export_data),
            Command(tr("Kiểm tra tệp báo cáo…"), self.verify_file, separator_before=True),
        ]

    def on_show(self) -> None:
        if self.survey is None and not self.loading:
            self.reload()

    def refresh(self, what: str = "") -> None:
        self.survey = None
        if self.winfo_ismapped():
            self.reload()

    # --- data -----------------------------------------------------------------------------------
    def reload(self) -> Any:
        """Gather the survey again (worker thread) and show it."""
        self.loading = True
        self.message_var.set(tr("Đang tính chỉ số…"))
        self._show_message()
        field, kind = self._filter()

        def work(progress: Any) -> services.Results:
            survey = services.gather(progress)
            try:
                return services.compute_results(field, kind, survey=survey)
            except UserError:
                return services.compute_results(survey=survey)   # the filter no longer applies

        return self.ctx.jobs.submit("results", work, on_done=self._loaded, on_error=self._failed)

    def apply_filter(self) -> Any:
        if self.survey is None:
            return None
        field, kind = self._filter()
        survey = self.survey
        return self.ctx.jobs.submit("results-filter",
                                    lambda progress: services.compute_results(field, kind, survey=survey),
                                    on_done=self._loaded, on_error=self._failed)

    def _filter(self) -> tuple[str | None, str | None]:
        field = self.field_var.get()
        kind = self.kind_var.get()
        return (None if field in ("", ALL) else field, KIND_BY_LABEL.get(kind))

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        if isinstance(exc, UserError):
            self.survey = None
            self.results = None
            self.message_var.set(exc.message)
            self._show_message()
            for button in self.buttons:
                button.configure(state="disabled")
            return
        self.ctx.show_error(exc, tr("Tính chỉ số"))

    def _show_message(self) -> None:
        self.notebook.pack_forget()
        self.message.pack(fill="x")

    def _loaded(self, res: services.Results) -> None:
        self.loading = False
        first = self.survey is not res.survey
        self.survey, self.results = res.survey, res
        self.message.pack_forget()
        self.notebook.pack(fill="both", expand=True)
        for button in self.buttons:
            button.configure(state="normal")
        self.field_box.configure(values=[ALL, *res.fields], state="readonly" if res.fields else "disabled")
        self.kind_box.configure(values=[ALL, *(APPLICANT_LABELS[k] for k in res.applicant_types)],
                                state="readonly" if res.applicant_types else "disabled")
        c = res.survey.content
        self.summary_var.set(tr("{plan} · phiếu {form} {version} · {valid} phiếu hợp lệ / {total} đã nhập",
                                plan=c.plan_title, form=c.form_id, version=c.form_version,
                                valid=format_int(res.scores.valid_forms),
                                total=format_int(res.scores.total_forms)))
        self._show_scores(res.scores)
        if first:
            self._load_texts()

    def _show_scores(self, sc: Scores) -> None:
        main = sc.indices[0] if sc.indices else None
        parts = [tr("Chỉ số chung: {value}", value=format_percent(round2(sc.overall)))]
        parts += [f"{b.title.split('.')[0].strip()}: {format_percent(round2(b.index))}" for b in sc.blocks]
        self.overall_var.set("   ·   ".join(parts))
        self.overall_title = main.title if main is not None else ""
        tree = self.criteria_tree
        tree.delete(*tree.get_children())
        titles = {e.id: e.title for e in sc.elements}
        ranked = sorted(sc.criteria, key=lambda c: (c.exact is None, c.exact if c.exact is not None else 0))
        for rank, c in enumerate(ranked, start=1):
            tree.insert("", "end", iid=c.id, values=(
                rank, format_percent(round2(c.index)), c.id, c.title, titles.get(c.element_id, c.element_id),
                format_int(c.valid), format_int(c.satisfied), format_int(c.blank + c.no_answer + c.invalid)))
        tree = self.element_tree
        tree.delete(*tree.get_children())
        for i in sc.indices:
            tree.insert("", "end", values=(tr("Chỉ số"), format_percent(round2(i.index)), "", i.title))
        for b in sc.blocks:
            tree.insert("", "end", values=(tr("Khối"), format_percent(round2(b.index)),
                                           format_int(len(b.elements)), b.title))
        for e in sc.elements:
            tree.insert("", "end", iid=f"e:{e.id}", values=(tr("Yếu tố"), format_percent(round2(e.index)),
                                                           format_int(len(e.criteria)), e.title))
        lowest = min((e for e in sc.elements if e.exact is not None), key=lambda e: e.exact, default=None)
        self.element_chart.show(charts.BarChart(
            tr("Chỉ số hài lòng theo yếu tố (%)"),
            tuple(charts.Bar(e.title, e.index, highlight=e is lowest) for e in sc.elements), font_size=9))
        dist = sc.satisfaction_distribution()
        total = sum(n for _, n in dist)
        labels = self._scale_labels()
        self.spread_chart.show(charts.BarChart(
            tr("Mức độ hài lòng trên mọi lượt đánh giá (%)"),
            tuple(charts.Bar(labels.get(code, str(code)), 100 * n / total if total else None) for code,
                  n in dist),
            horizontal=False, height=200, font_size=9) if dist else None)
        self._show_people(sc)
        self._show_breakdowns(sc)
        self.rules_text.configure(state="normal")
        self.rules_text.delete("1.0", "end")
        self.rules_text.insert("end", tr("Quy tắc tính\n"))
        for rule in sc.rules:
            self.rules_text.insert("end", f"• {rule.text}\n")
        if sc.warnings:
            self.rules_text.insert("end", tr("\nLưu ý\n"))
            for w in sc.warnings:
                self.rules_text.insert("end", f"• {w.message}\n")
        self.rules_text.configure(state="disabled")

    def _scale_labels(self) -> dict[int, str]:
        if self.survey is None or self.survey.form.scoring is None:
            return {}
        form = self.survey.form
        first = form.scoring.elements[0].criteria[0].questions[0]
        return {c.code: c.label for c in form.question(first).choices}

    def _show_people(self, sc: Scores) -> None:
        tree = self.people_tree
        tree.delete(*tree.get_children())

        tree.tag_configure("group", font="TkHeadingFont")

        def group(title: str, rows: Any) -> None:
            parent = tree.insert("", "end", values=(title, "", ""), open=True, tags=("group",))
            for r in rows:
                tree.insert(parent, "end", values=(f"    {r.label}", format_int(r.count),
                                                   format_percent(round2(r.percent))))

        tree.configure(show="tree headings")
        tree.column("#0", width=0, stretch=False)
        if sc.applicant_types and any(r.label != "Không rõ" for r in sc.applicant_types):
            group(tr("Đối tượng"), sc.applicant_types)
        for d in (*sc.respondents, *sc.perceptions):
            group(f"Câu {d.number}. {d.text}" if d.number else d.text, d.rows)
        if sc.expectations:
            parent = tree.insert("", "end", values=(tr("Mong đợi cải thiện (tỷ lệ chọn mức cao)"), "", ""),
                                 open=True, tags=("group",))
            for x in sorted(sc.expectations, key=lambda x: -(x.exact or 0)):
                tree.insert(parent, "end", values=(f"    {x.text}", format_int(x.counted),
                                                   format_percent(round2(x.index))))
        if sc.comments:
            parent = tree.insert("", "end", values=(tr("Ý kiến khác (đã che thông tin cá nhân)"), "", ""),
                                 open=True, tags=("group",))
            for c in sc.comments:
                tree.insert(parent, "end", values=(f"    {c.text}", format_int(c.count), ""))

    def _show_breakdowns(self, sc: Scores) -> None:
        for child in self.breakdown_holder.winfo_children():
            child.destroy()
        columns = [("group", "Nhóm", 260, "w"), ("forms", "Số phiếu", 80, "e"), ("overall", "Chỉ số chung",
                                                                                 100, "e")]
        columns += [(f"e{i}", e.title, 120, "e") for i, e in enumerate(sc.elements)]
        frame, tree = self._tree(self.breakdown_holder, columns, height=16)
        frame.pack(fill="both", expand=True)
        self.breakdown_tree = tree
        names = {"field": tr("Lĩnh vực"), "applicant_type": tr("Đối tượng")}
        for b in sc.breakdowns:
            tree.insert("", "end", values=(f"{names[b.dimension]}: {b.label}", format_int(b.forms),
                                           format_percent(round2(b.overall)),
                                           *(format_percent(round2(v)) for _, v in b.elements)))
        self.breakdown_note.configure(text="" if sc.breakdowns else tr(
            "Phiếu khảo sát này không có câu hỏi về lĩnh vực hoặc đối tượng (cá nhân, tổ chức), nên không "
            "tính được chỉ số theo nhóm."))

    # --- the clerk's texts ------------------------------------------------------------------------
    def _load_texts(self) -> None:
        texts = services.load_texts(self.survey)
        self.set_texts(texts)

    def set_texts(self, texts: BaoCaoTexts) -> None:
        values = texts.to_dict()
        values["report_date"] = format_date(texts.report_date)
        for key, widget in self.text_widgets.items():
            value = str(values.get(key) or "")
            if isinstance(widget, tkinter.Text):
                widget.delete("1.0", "end")
                widget.insert("1.0", value)
            else:
                widget.delete(0, "end")
                widget.insert(0, value)

    def texts(self) -> BaoCaoTexts:
        """The texts as typed; a date that cannot be read raises UserError (said where)."""
        values: dict[str, Any] = {}
        for key, widget in self.text_widgets.items():
            raw = widget.get("1.0", "end-1c") if isinstance(widget, tkinter.Text) else widget.get()
            values[key] = raw.strip()
        try:
            when = parse_date(values.pop("report_date"))
        except DateError as exc:
            raise UserError(tr("Ngày báo cáo: {msg}", msg=str(exc)), code="RESULTS_030") from None
        known = {f.name for f in dc_fields(BaoCaoTexts)}
        defaults = BaoCaoTexts()
        clean = {k: v for k, v in values.items() if k in known}
        for key in ("signer_authority", "signer_position"):
            clean[key] = clean[key] or getattr(defaults, key)
        return BaoCaoTexts(**clean, report_date=when)

    def save_texts(self) -> BaoCaoTexts | None:
        try:
            texts = self.texts()
            services.save_texts(texts, self.survey)
        except UserError as exc:
            self.ctx.show_error(exc, tr("Lưu nội dung báo cáo"))
            return None
        self.ctx.set_status(tr("Đã lưu nội dung báo cáo."))
        return texts

    # --- exports --------------------------------------------------------------------------------------
    def _ask(self, title: str, name: str, types: list[tuple[str, str]], ext: str) -> Path | None:
        chosen = filedialog.asksaveasfilename(parent=self, title=title, defaultextension=ext,
                                              initialfile=name,
                                              filetypes=types,
                                              initialdir=self.ctx.prefs.get("last_folder") or None)
        return Path(chosen) if chosen else None

    def _default_name(self, ext: str) -> str:
        if self.survey is None:
            return f"bao-cao{ext}"
        c = self.survey.content
        return f"bao-cao-{c.unit_code}-{c.plan_year or ''}{ext}".replace("--", "-")

    def _export(self, title: str, path: str | Path | None, ext: str, types: list[tuple[str, str]],
                work: Any, done_text: str) -> Any:
        if self.survey is None:
            self.ctx.prompter.warning(self.message_var.get() or tr("Chưa có dữ liệu để xuất."), title)
            return None
        target = Path(path) if path is not None else self._ask(title, self._default_name(ext), types, ext)
        if target is None:
            return None
        self.ctx.prefs["last_folder"] = str(target.parent)
        survey = self.survey

        def done(result: Any) -> None:
            where = getattr(result, "path", result)
            self.ctx.set_status(tr("Đã ghi {path}", path=where))
            self.ctx.prompter.info(tr(done_text, path=where), title)

        return self.ctx.run_with_progress(title, lambda progress: work(target, survey, progress), done)

    def export_report_file(self, path: str | Path | None = None) -> Any:
        return self._export(
            tr("Ghi tệp báo cáo chuẩn"), path, ".xlsx", [("Bảng tính Excel", "*.xlsx")],
            lambda p, s, progress: services.export_report_file(p, survey=s, progress=progress),
            "Đã ghi tệp báo cáo chuẩn:\n{path}\n\nGửi tệp này lên cấp trên; tệp không có họ tên, địa chỉ, "
            "số điện thoại của người trả lời.")

    def _texts_or_none(self) -> BaoCaoTexts | None:
        texts = self.save_texts()
        return texts

    def export_pdf(self, path: str | Path | None = None) -> Any:
        texts = self._texts_or_none()
        if texts is None:
            return None
        return self._export(
            tr("Xuất báo cáo PDF"), path, ".pdf", [("Tệp PDF", "*.pdf")],
            lambda p, s, progress: services.export_bao_cao_pdf(p, texts, survey=s, progress=progress),
            "Đã ghi báo cáo:\n{path}")

    def export_docx(self, path: str | Path | None = None) -> Any:
        texts = self._texts_or_none()
        if texts is None:
            return None
        return self._export(
            tr("Xuất báo cáo Word"), path, ".docx", [("Văn bản Word", "*.docx")],
            lambda p, s, progress: services.export_bao_cao_docx(p, texts, survey=s, progress=progress),
            "Đã ghi báo cáo (sửa được bằng Word trước khi trình ký):\n{path}")

    def export_data(self, path: str | Path | None = None) -> Any:
        return self._export(
            tr("Xuất dữ liệu phiếu"), path, ".xlsx", [("Bảng tính Excel", "*.xlsx"), ("CSV (UTF-8)",
                                                                                      "*.csv")],
            lambda p, s, progress: services.export_data(p, survey=s, progress=progress),
            "Đã xuất dữ liệu phiếu (không có thông tin cá nhân):\n{path}")

    def verify_file(self, path: str | Path | None = None) -> Any:
        title = tr("Kiểm tra tệp báo cáo")
        if path is None:
            chosen = filedialog.askopenfilename(parent=self, title=title, filetypes=[("Bảng tính Excel",
                                                                                      "*.xlsx")],
                                                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not chosen:
                return None
            path = chosen

        def done(result: Any) -> None:
            s = result.summary
            what = "" if s is None else tr(
                "\n\nĐơn vị: {unit} ({code})\nKế hoạch: {plan}\n"
                "Phiếu: {form} phiên bản {version}; {forms} phiếu",
                unit=s.unit_name, code=s.unit_code, plan=s.plan_title, form=s.form_id, version=s.form_version,
                forms=format_int(s.forms))
            if result.intact:
                self.ctx.prompter.info(tr("Tệp nguyên vẹn: mã kiểm tra SHA-256 khớp, chỉ số tính lại "
                                          "khớp.") + what,
                                       title)
            else:
                problems = "\n".join(f"• {p}" for p in result.problems[:12])
                self.ctx.prompter.warning(tr("Tệp KHÔNG nguyên vẹn:\n{problems}", problems=problems) + what,
                                          title)

        return self.ctx.run_with_progress(title, lambda progress: services.verify_report_file(path, progress),
                                          done)
