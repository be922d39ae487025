"""MergeView: the "Tổng hợp báo cáo" area of an aggregating office (province, old district).

The officer chooses a folder (a mailbox export, a USB stick) or files; the files are read on a
worker thread with a progress bar and a Stop button under the toolbar; the table lists every file
with its status and reason (accepted, refused, duplicate, older submission), and the tabs show the
ranking of units, the overall figures (pooled and mean of units, both labelled) with charts, and
the units that have not sent or are short of their quota. The export buttons write the summary
workbook, the báo cáo tổng hợp (PDF, Word) and the aggregate file for the level above.

Files and folders dropped anywhere on the window while this screen is shown are merged exactly
as if they had been chosen with the buttons (widgets/drop.py, tkdnd); where tkdnd cannot be
loaded the screen works without it and does not mention it.

Action methods take optional paths (tests pass them; a person gets a file dialog) and return the
job they started.
"""

from __future__ import annotations

import tkinter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core.errors import CancelledError, UserError
from sipas_desktop.core.merge import MergeResult, Status
from sipas_desktop.core.merge_stats import MEAN_LABEL, POOLED_LABEL
from sipas_desktop.core.reporting import bao_cao_charts as charts
from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts
from sipas_desktop.core.scoring import round2
from sipas_desktop.core.services import merge as services
from sipas_desktop.core.text import DateError, format_int, format_percent, parse_date
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr
from sipas_desktop.ui.views.results import ChartCanvas
from sipas_desktop.ui.widgets.drop import FileDropTarget, drop_support

BY_MAJORITY = "Theo kế hoạch của đa số tệp"
DROP_HINT = "Hoặc kéo thả tệp/thư mục vào đây"
DROP_HOVER = "Thả chuột để tổng hợp các tệp này"
STATUS_TAGS = {Status.ACCEPTED: "ok", Status.REJECTED: "bad", Status.DUPLICATE: "dup",
               Status.SUPERSEDED: "dup"}
# (field of BaoCaoTexts, label); the báo cáo's free texts an officer may fill before exporting.
TEXT_FIELDS: tuple[tuple[str, str, int], ...] = (
    ("number", "Số báo cáo", 0),
    ("report_date", "Ngày báo cáo (ngày/tháng/năm; để trống: ngày xuất)", 0),
    ("signer_position", "Chức vụ người ký (để trống: theo cấp cơ quan)", 0),
    ("signer_name", "Họ tên người ký", 0),
    ("strengths", "Ưu điểm", 3),
    ("weaknesses", "Hạn chế", 3),
    ("causes", "Nguyên nhân", 3),
    ("solutions", "Giải pháp", 3),
    ("recommendations", "Kiến nghị", 3),
    ("recipients", "Nơi nhận (mỗi dòng một nơi)", 3),
)


def _pct(value: float | None) -> str:
    return format_percent(round2(value)) if value is not None else "—"


class MergeView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master)
        self.ctx = ctx
        self.inputs: list[Path] = []
        self.result: MergeResult | None = None
        self.job: Any = None
        self.summary_var = tkinter.StringVar(self, tr("Chọn thư mục hoặc các tệp báo cáo của các đơn vị."))
        self.overall_var = tkinter.StringVar(self, "")
        self.progress_var = tkinter.StringVar(self, "")
        self.detail_var = tkinter.StringVar(self, "")
        self.plan_var = tkinter.StringVar(self, BY_MAJORITY)
        self.text_widgets: dict[str, Any] = {}
        self._build()
        self.drop: FileDropTarget | None = None
        self._enable_drop()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Tổng hợp báo cáo"), font="-size 14 -weight bold").pack(side="left")
        ttk.Label(head, textvariable=self.summary_var, bootstyle="secondary").pack(side="left", padx=12)
        bar = ttk.Frame(self)
        bar.pack(fill="x", pady=(8, 4))
        self.choose_buttons = [
            ttk.Button(bar, text=tr("Chọn thư mục…"), bootstyle="primary", command=self.choose_folder),
            ttk.Button(bar, text=tr("Chọn tệp…"), bootstyle="secondary", command=self.choose_files),
            ttk.Button(bar, text=tr("Tổng hợp lại"), bootstyle="secondary", command=self.rerun)]
        for button in self.choose_buttons:
            button.pack(side="left", padx=(0, 6))
        # Packed between "Chọn tệp…" and "Tổng hợp lại" by _enable_drop, only if drop works.
        self.drop_hint = ttk.Label(bar, text=tr(DROP_HINT), bootstyle="secondary")
        ttk.Label(bar, text=tr("Kế hoạch")).pack(side="left", padx=(16, 6))
        self.plan_box = ttk.Combobox(bar, textvariable=self.plan_var, state="readonly", width=34,
                                     values=[BY_MAJORITY])
        self.plan_box.pack(side="left")
        self.plan_box.bind("<<ComboboxSelected>>", lambda _e: self.rerun())

        self.progress_row = ttk.Frame(self)
        self.progress = ttk.Progressbar(self.progress_row, mode="determinate", maximum=100, length=420,
                                        bootstyle="striped")
        self.progress.pack(side="left")
        ttk.Label(self.progress_row, textvariable=self.progress_var).pack(side="left", padx=10)
        self.stop_button = ttk.Button(self.progress_row, text=tr("Dừng"), bootstyle="danger-outline",
                                      command=self.stop)
        self.stop_button.pack(side="left")

        exports = ttk.Frame(self)
        exports.pack(fill="x", pady=(4, 4))
        self.export_buttons = []
        for label, command, style in (("Bảng tổng hợp (.xlsx)…", self.export_summary, "primary"),
                                      ("Báo cáo tổng hợp PDF…", self.export_pdf, "secondary"),
                                      ("Báo cáo tổng hợp Word…", self.export_docx, "secondary"),
                                      ("Tệp tổng hợp gửi cấp trên…", self.export_aggregate, "secondary")):
            button = ttk.Button(exports, text=tr(label), bootstyle=style, command=command, state="disabled")
            button.pack(side="left", padx=(0, 6))
            self.export_buttons.append(button)
        ttk.Label(self, textvariable=self.overall_var, font="-size 12 -weight bold", bootstyle="primary",
                  wraplength=1100, justify="left").pack(fill="x", pady=(4, 6))
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True)
        self._build_files_tab()
        self._build_ranking_tab()
        self._build_overall_tab()
        self._build_gaps_tab()
        self._build_texts_tab()

    def _tree(self, master: tkinter.Misc, columns: Sequence[tuple[str, str, int, str]], height: int = 12,
              stretch: tuple[str, ...] = ("name", "message", "title")):
        frame = ttk.Frame(master)
        tree = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=height)
        for key, title, width, anchor in columns:
            tree.heading(key, text=tr(title))
            tree.column(key, width=width, anchor=anchor, stretch=key in stretch)
        bar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
        across = ttk.Scrollbar(frame, orient="horizontal", command=tree.xview)
        tree.configure(yscrollcommand=bar.set, xscrollcommand=across.set)
        across.pack(side="bottom", fill="x")
        bar.pack(side="right", fill="y")
        tree.pack(side="left", fill="both", expand=True)
        return frame, tree

    def _build_files_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Tệp đã nhận"))
        frame, self.files_tree = self._tree(tab, [
            ("file", "Tệp", 190, "w"), ("status", "Tình trạng", 215, "w"), ("unit", "Mã", 60, "w"),
            ("name", "Đơn vị", 180, "w"), ("forms", "Số phiếu", 70, "e"), ("overall", "Chỉ số", 80, "e"),
            ("message", "Lý do, lưu ý", 420, "w")], height=16)
        frame.pack(fill="both", expand=True)
        for tag, colour in (("ok", "#1e7b34"), ("bad", "#b02a37"), ("dup", "#9a6700")):
            self.files_tree.tag_configure(tag, foreground=colour)
        self.files_tree.bind("<<TreeviewSelect>>", lambda _e: self._show_detail())
        ttk.Label(tab, textvariable=self.detail_var, wraplength=1100, justify="left",
                  bootstyle="secondary").pack(fill="x", pady=(6, 0))

    def _build_ranking_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Xếp hạng đơn vị"))
        self.ranking_chart = ChartCanvas(tab, width=360)
        self.ranking_chart.pack(side="right", fill="y", padx=(10, 0))
        self.ranking_holder = ttk.Frame(tab)
        self.ranking_holder.pack(side="left", fill="both", expand=True)
        self.ranking_tree: Any = None

    def _build_overall_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Chỉ số chung"))
        self.element_chart = ChartCanvas(tab, width=430)
        self.element_chart.pack(side="right", fill="y", padx=(10, 0))
        left = ttk.Frame(tab)
        left.pack(side="left", fill="both", expand=True)
        ttk.Label(left, text=tr("Gộp: {pooled}. Trung bình đơn vị: {mean}.", pooled=POOLED_LABEL.lower(),
                                mean=MEAN_LABEL.lower()), wraplength=620, justify="left",
                  bootstyle="secondary").pack(fill="x", pady=(0, 6))
        frame, self.overall_tree = self._tree(left, [
            ("id", "STT", 50, "w"), ("title", "Yếu tố / tiêu chí", 360, "w"), ("valid", "Hợp lệ", 70, "e"),
            ("pooled", "Gộp", 80, "e"), ("mean", "Trung bình đơn vị", 120, "e")], height=18)
        frame.pack(fill="both", expand=True)

    def _build_gaps_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Chưa gửi, thiếu phiếu"))
        self.gaps_note = ttk.Label(tab, text="", wraplength=1000, justify="left", bootstyle="secondary")
        self.gaps_note.pack(fill="x")
        ttk.Label(tab, text=tr("Đơn vị chưa gửi báo cáo"), font="-weight bold").pack(anchor="w", pady=(6, 0))
        frame, self.missing_tree = self._tree(tab, [("unit", "Mã", 80, "w"), ("name", "Đơn vị", 300, "w")],
                                              height=8)
        frame.pack(fill="both", expand=True)
        ttk.Label(tab, text=tr("Đơn vị chưa đủ chỉ tiêu phiếu"), font="-weight bold").pack(anchor="w",
                                                                                         pady=(8, 0))
        frame, self.quota_tree = self._tree(tab, [
            ("unit", "Mã", 80, "w"), ("name", "Đơn vị", 300, "w"), ("quota", "Chỉ tiêu", 80, "e"),
            ("forms", "Phiếu hợp lệ", 100, "e"), ("short", "Còn thiếu", 90, "e")], height=8)
        frame.pack(fill="both", expand=True)

    def _build_texts_tab(self) -> None:
        tab = ttk.Frame(self.notebook, padding=6)
        self.notebook.add(tab, text=tr("Nội dung báo cáo"))
        ttk.Label(tab, wraplength=900, justify="left", bootstyle="secondary", text=tr(
            "Các phần do cán bộ viết vào báo cáo tổng hợp. Số liệu, bảng xếp hạng, biểu đồ và các tiêu chí "
            "thấp nhất do chương trình tự lập; phần để trống in thành dòng chấm để viết tay.")).pack(fill="x")
        grid = ttk.Frame(tab)
        grid.pack(fill="both", expand=True, pady=(6, 0))
        grid.columnconfigure(1, weight=1)
        for row, (key, label, lines) in enumerate(TEXT_FIELDS):
            ttk.Label(grid, text=tr(label), wraplength=240, justify="left").grid(
                row=row, column=0, sticky="nw", padx=(0, 10), pady=2)
            widget = (ttk.Text(grid, height=lines, wrap="word", font="TkTextFont") if lines
                      else ttk.Entry(grid))
            widget.grid(row=row, column=1, sticky="ew", pady=2)
            self.text_widgets[key] = widget

    # --- dropping files -----------------------------------------------------------------------
    def _enable_drop(self) -> None:
        # The whole window is the target (a file let go over the sidebar counts too); it says
        # no while another area is shown or a modal job runs.
        if drop_support(self) is None:
            return
        self.drop = FileDropTarget(self.winfo_toplevel(), self.drop_paths, accepts=self._accepts_drop,
                                   on_hover=self._hover)
        self.drop_hint.pack(side="left", padx=(4, 12), after=self.choose_buttons[1])

    def _accepts_drop(self) -> bool:
        return bool(self.winfo_ismapped()) and not self.ctx.foreground_jobs

    def _hover(self, over: bool) -> None:
        self.drop_hint.configure(text=tr(DROP_HOVER if over else DROP_HINT),
                                 bootstyle="primary" if over else "secondary")

    def drop_paths(self, paths: Sequence[Path]) -> Any:
        """Files and folders dropped on the window: merged like a choice made with the buttons."""
        if self.job is not None and not self.job.finished:
            self.ctx.set_status(tr("Đang tổng hợp các tệp đã chọn; hãy thả lại sau khi xong."))
            return self.job
        return self.merge_paths(list(paths))

    # --- the area protocol ----------------------------------------------------------------------
    def commands(self) -> list[Command]:
        return [
            Command(tr("Chọn thư mục để tổng hợp…"), self.choose_folder, "Ctrl+O",
                    ("<Control-o>", "<Control-O>")),
            Command(tr("Chọn tệp để tổng hợp…"), self.choose_files),
            Command(tr("Tổng hợp lại"), self.rerun, "F5", ("<F5>",)),
            Command(tr("Ghi bảng tổng hợp…"), self.export_summary, "Ctrl+S", ("<Control-s>", "<Control-S>"),
                    separator_before=True),
            Command(tr("Xuất báo cáo tổng hợp PDF…"), self.export_pdf, "Ctrl+P",
                    ("<Control-p>", "<Control-P>")),
            Command(tr("Xuất báo cáo tổng hợp Word…"), self.export_docx),
            Command(tr("Ghi tệp tổng hợp gửi cấp trên…"), self.export_aggregate),
        ]

    def on_show(self) -> None:
        self._load_plans()
        office = self.ctx.office
        if office.role != "tong-hop":
            self.summary_var.set(tr("Máy này chưa khai báo là cơ quan tổng hợp: sẽ không kiểm tra đơn vị "
                                    "gửi có thuộc địa bàn hay không (Tệp → Khai báo đơn vị…)."))

    def refresh(self, what: str = "") -> None:
        self._load_plans()

    def _load_plans(self) -> None:
        try:
            from sipas_desktop.core import plans

            ids = [f"{p.plan_id} – {p.title}" for p in plans.list_plans()]
        except Exception:      # no database yet (a view built alone): only the default choice
            ids = []
        self.plan_box.configure(values=[BY_MAJORITY, *ids])

    def _plan_id(self) -> str:
        value = self.plan_var.get()
        return "" if value == BY_MAJORITY else value.split(" – ", 1)[0]

    # --- merging --------------------------------------------------------------------------------
    def choose_folder(self, folder: Path | str | None = None) -> Any:
        if folder is None:
            chosen = filedialog.askdirectory(parent=self, title=tr("Chọn thư mục chứa các tệp báo cáo"))
            if not chosen:
                return None
            folder = chosen
        return self.merge_paths([Path(folder)])

    def choose_files(self, files: Sequence[Path | str] | None = None) -> Any:
        if files is None:
            chosen = filedialog.askopenfilenames(parent=self, title=tr("Chọn các tệp báo cáo"), filetypes=[
                (tr("Tệp báo cáo chuẩn"), "*.xlsx"), (tr("Mọi tệp"), "*.*")])
            if not chosen:
                return None
            files = list(chosen)
        return self.merge_paths([Path(f) for f in files])

    def rerun(self) -> Any:
        return self.merge_paths(self.inputs) if self.inputs else None

    def merge_paths(self, paths: Sequence[Path]) -> Any:
        """Read and merge on a worker thread; the table fills when it is done."""
        if self.job is not None and not self.job.finished:
            return self.job
        self.inputs = list(paths)
        plan_id = self._plan_id()
        self.progress["value"] = 0
        self.progress_var.set(tr("Đang đọc các tệp…"))
        self.progress_row.pack(fill="x", pady=(2, 4), after=self.choose_buttons[0].master)
        for button in (*self.choose_buttons, *self.export_buttons):
            button.configure(state="disabled")
        self.job = self.ctx.jobs.submit(
            "merge", lambda progress: services.merge_reports(self.inputs, plan_id=plan_id, progress=progress),
            on_done=self._merged, on_error=self._failed, on_progress=self._on_progress)
        return self.job

    def stop(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.progress_var.set(tr("Đang dừng…"))

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress["value"] = 100 * done / total if total else 0
        self.progress_var.set(f"{format_int(done)}/{format_int(total)} · {text}")

    def _finish_job(self) -> None:
        self.progress_row.pack_forget()
        for button in self.choose_buttons:
            button.configure(state="normal")
        state = "normal" if self.result is not None and self.result.accepted else "disabled"
        for button in self.export_buttons:
            button.configure(state=state)
        if self.result is not None:
            self.export_buttons[0].configure(state="normal")      # the summary lists refusals too

    def _failed(self, exc: BaseException) -> None:
        self._finish_job()
        if isinstance(exc, CancelledError):
            self.summary_var.set(tr("Đã dừng tổng hợp; kết quả trước đó (nếu có) không đổi."))
            return
        if isinstance(exc, UserError):
            self.summary_var.set(exc.message)
        self.ctx.show_error(exc, tr("Tổng hợp báo cáo"))

    def _merged(self, result: MergeResult) -> None:
        self.result = result
        self._finish_job()
        counts = result.counts()
        self.summary_var.set(tr(
            "{files} tệp: nhận {ok}, từ chối {bad}, trùng lặp {dup}, bản cũ {old} · {units} đơn vị · "
            "{secs} giây",
            files=format_int(len(result.files)), ok=format_int(counts["accepted"]),
            bad=format_int(counts["rejected"]), dup=format_int(counts["duplicate"]),
            old=format_int(counts["superseded"]), units=format_int(len(result.leaf_units)),
            secs=f"{result.seconds:.1f}".replace(".", ",")))
        if result.pooled is not None:
            self.overall_var.set(tr("Chỉ số chung gộp: {pooled}   ·   Trung bình chỉ số các đơn vị: {mean}",
                                    pooled=_pct(result.overall_pooled), mean=_pct(result.overall_mean)))
        else:
            self.overall_var.set(tr("Không có tệp hợp lệ nào: chưa tính được chỉ số."))
        self._show_files(result)
        self._show_ranking(result)
        self._show_overall(result)
        self._show_gaps(result)
        self.ctx.set_status(tr("Đã tổng hợp {n} tệp.", n=format_int(len(result.files))))

    # --- showing --------------------------------------------------------------------------------
    def _show_files(self, result: MergeResult) -> None:
        tree = self.files_tree
        tree.delete(*tree.get_children())
        order = {Status.REJECTED: 0, Status.DUPLICATE: 1, Status.SUPERSEDED: 2, Status.ACCEPTED: 3}
        for i, f in sorted(enumerate(result.files), key=lambda p: (order[p[1].status], p[0])):
            tree.insert("", "end", iid=str(i), tags=(STATUS_TAGS[f.status],), values=(
                f.name, f.status_label, f.unit_code, f.unit_name, format_int(f.forms) if f.forms else "",
                _pct(f.overall) if f.overall is not None else "", f.message()))
        self.detail_var.set(tr("Chọn một dòng để xem đầy đủ lý do."))

    def _show_detail(self) -> None:
        selection = self.files_tree.selection()
        if not selection or self.result is None:
            return
        f = self.result.files[int(selection[0])]
        self.detail_var.set(f"{f.name}: {f.status_label}. {f.message()}")

    def _show_ranking(self, result: MergeResult) -> None:
        for child in self.ranking_holder.winfo_children():
            child.destroy()
        elements = result.pooled.elements if result.pooled else ()
        columns = [("rank", "Hạng", 46, "center"), ("unit", "Mã", 54, "w"), ("name", "Đơn vị", 170, "w"),
                   ("forms", "Phiếu", 50, "e"), ("overall", "Chung", 72, "e")]
        columns += [(f"e{n}", f"YT{n}", 66, "e") for n in range(1, len(elements) + 1)]
        columns += [("quota", "Chỉ tiêu", 62, "e"), ("response", "Phản hồi", 72, "e"),
                    ("verified", "Nhập kép", 72, "e")]
        frame, tree = self._tree(self.ranking_holder, columns, height=18)
        frame.pack(fill="both", expand=True)
        self.ranking_tree = tree
        ranked = result.leaf_ranking()
        for position, u in ranked:
            by_id = {e.id: e.index for e in u.scores.elements}
            quota = "" if u.quota is None else f"{format_int(u.quota)}{'' if u.quota_met else ' ✗'}"
            tree.insert("", "end", iid=u.unit, values=(
                position or "—", u.unit, u.name, format_int(u.forms), _pct(u.overall),
                *(_pct(by_id.get(e.id)) for e in elements), quota, _pct(u.response_rate),
                _pct(u.share_verified)))
        legend = "; ".join(f"YT{n}: {e.title}" for n, e in enumerate(elements, 1))
        ttk.Label(self.ranking_holder, text=legend, wraplength=700, justify="left",
                  bootstyle="secondary").pack(fill="x", pady=(4, 0))
        scored = [(r, u) for r, u in ranked if u.overall is not None]
        if len(scored) > 30:
            scored = scored[:15] + scored[-15:]
        lowest = scored[-1][1] if scored else None
        self.ranking_chart.show(charts.BarChart(
            tr("Chỉ số chung của các đơn vị (%)"),
            tuple(charts.Bar(f"{r}. {u.name}", u.overall, highlight=u is lowest) for r, u in scored),
            bar_height=13, font_size=8.5) if scored else None)

    def _show_overall(self, result: MergeResult) -> None:
        tree = self.overall_tree
        tree.delete(*tree.get_children())
        pooled, mean = result.pooled, result.mean
        if pooled is None or mean is None:
            self.element_chart.show(None)
            return
        tree.tag_configure("element", font="TkHeadingFont")
        for i in pooled.indices:
            tree.insert("", "end", tags=("element",), values=("", i.title, format_int(pooled.valid_forms),
                                                              _pct(i.index), _pct(mean.indices.get(i.id))))
        for b in pooled.blocks:
            tree.insert("", "end", values=("", tr("Khối: {t}", t=b.title), "", _pct(b.index),
                                           _pct(mean.blocks.get(b.id))))
        for n, e in enumerate(pooled.elements, 1):
            tree.insert("", "end", tags=("element",), values=(str(n), e.title, "", _pct(e.index),
                                                              _pct(mean.elements.get(e.id))))
            for m, c in enumerate(e.criteria, 1):
                tree.insert("", "end", values=(f"{n}.{m}", f"    {c.title}", format_int(c.valid),
                                               _pct(c.index), _pct(mean.criteria.get(c.id))))
        lowest = min((e for e in pooled.elements if e.exact is not None), key=lambda e: e.exact, default=None)
        self.element_chart.show(charts.BarChart(
            tr("Chỉ số theo yếu tố, tính gộp (%)"),
            tuple(charts.Bar(e.title, e.index, highlight=e is lowest) for e in pooled.elements), font_size=9))

    def _show_gaps(self, result: MergeResult) -> None:
        self.missing_tree.delete(*self.missing_tree.get_children())
        for code, name in result.missing:
            self.missing_tree.insert("", "end", values=(code, name))
        self.quota_tree.delete(*self.quota_tree.get_children())
        for g in result.quota_gaps:
            self.quota_tree.insert("", "end", values=(g.unit_code, g.unit_name, format_int(g.quota),
                                                      format_int(g.forms), format_int(g.shortfall)))
        notes = list(result.notes)
        if not notes and not result.missing and not result.quota_gaps:
            notes.append(tr("Mọi đơn vị trong kế hoạch đã gửi đủ."))
        self.gaps_note.configure(text="\n".join(notes))

    # --- texts and exports ------------------------------------------------------------------------
    def texts(self) -> BaoCaoTexts:
        values: dict[str, Any] = {}
        for key, widget in self.text_widgets.items():
            text = widget.get("1.0", "end") if isinstance(widget, tkinter.Text) else widget.get()
            values[key] = text.strip()
        when: date | None = None
        if values.pop("report_date"):
            try:
                when = parse_date(self.text_widgets["report_date"].get().strip())
            except DateError as exc:
                raise UserError(tr("Ngày báo cáo: {msg}", msg=str(exc)), code="MERGE_070") from exc
        if not values.get("signer_position"):
            values.pop("signer_position", None)
        return BaoCaoTexts(report_date=when, **values)

    def _save_path(self, path: Path | str | None, title: str, suffix: str, name: str) -> Path | None:
        if path is not None:
            return Path(path)
        chosen = filedialog.asksaveasfilename(parent=self, title=tr(title), defaultextension=suffix,
                                              initialfile=name,
                                              filetypes=[(suffix.upper()[1:], f"*{suffix}")])
        return Path(chosen) if chosen else None

    def _export(self, title: str, work: Any, path: Path | None) -> Any:
        if self.result is None or path is None:
            return None
        result = self.result

        def done(written: Any) -> None:
            self.ctx.set_status(tr("Đã ghi {path}", path=getattr(written, "path", written)))

        return self.ctx.run_with_progress(tr(title), lambda progress: work(result, path, progress), done)

    def export_summary(self, path: Path | str | None = None) -> Any:
        target = self._save_path(path, "Ghi bảng tổng hợp", ".xlsx", "tong-hop-bao-cao.xlsx")
        return self._export("Ghi bảng tổng hợp", lambda r, p, _pr: services.export_summary(r, p), target)

    def export_pdf(self, path: Path | str | None = None) -> Any:
        texts = self.texts()
        target = self._save_path(path, "Xuất báo cáo tổng hợp PDF", ".pdf", "bao-cao-tong-hop.pdf")
        return self._export("Xuất báo cáo tổng hợp PDF",
                            lambda r, p, pr: services.export_bao_cao(r, p, texts=texts, progress=pr), target)

    def export_docx(self, path: Path | str | None = None) -> Any:
        texts = self.texts()
        target = self._save_path(path, "Xuất báo cáo tổng hợp Word", ".docx", "bao-cao-tong-hop.docx")
        return self._export("Xuất báo cáo tổng hợp Word",
                            lambda r, p, pr: services.export_bao_cao(r, p, texts=texts, progress=pr), target)

    def export_aggregate(self, path: Path | str | None = None) -> Any:
        target = self._save_path(path, "Ghi tệp tổng hợp gửi cấp trên", ".xlsx", "tep-tong-hop.xlsx")
        return self._export("Ghi tệp tổng hợp",
                            lambda r, p, pr: services.export_aggregate(r, p, progress=pr), target)
