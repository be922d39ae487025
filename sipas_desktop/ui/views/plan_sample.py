"""PlanSampleView: the plan, the population list, the draw, the sample sheet and the returns.

Five numbered tabs walk the clerk through the work in order: (1) import the plan file or make a
local plan, (2) build the population list and read why dossiers were left out, (3) draw the
sample with a seed (a redraw asks for a reason), (4) export the sample sheet to Excel or PDF,
(5) record đã phát / đã thu / từ chối / không liên lạc được and replace people from the reserve
list in order. Everything goes through `core.services.plans`; building the population list and
drawing run on a worker thread behind a progress dialog.

Every action takes its inputs as optional arguments (a path, a code, a reason) so that tests
drive the real view without any file dialog or message box.
"""

from __future__ import annotations

import tkinter
from pathlib import Path
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from sipas_desktop.core import sampling
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.plans import PlanData
from sipas_desktop.core.sample_store import ROLE_LABELS, STATUSES
from sipas_desktop.core.services import plans as services
from sipas_desktop.core.text import DateError, format_date, format_int, parse_date
from sipas_desktop.ui.context import AppContext, Command
from sipas_desktop.ui.i18n import tr

EXCEL = [("Bảng tính Excel", "*.xlsx")]
PDF = [("Tài liệu PDF", "*.pdf")]
MAX_EXCLUDED_SHOWN = 2000
TABS = ["1. Kế hoạch", "2. Danh sách tổng thể", "3. Chọn mẫu", "4. In, xuất danh sách", "5. Theo dõi phiếu"]


def _tree(master: tkinter.Misc, columns: list[tuple[str, str, int]], height: int = 8,
          stretch: str = "") -> tuple[ttk.Frame, ttk.Treeview]:
    frame = ttk.Frame(master)
    tree = ttk.Treeview(frame, columns=[c[0] for c in columns], show="headings", height=height)
    for key, title, width in columns:
        tree.heading(key, text=tr(title))
        tree.column(key, width=width, stretch=key == stretch, anchor="w")
    bar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
    tree.configure(yscrollcommand=bar.set)
    bar.pack(side="right", fill="y")
    tree.pack(side="left", fill="both", expand=True)
    return frame, tree


def _fill(tree: ttk.Treeview, rows: list[tuple[Any, ...]], ids: list[str] | None = None) -> None:
    tree.delete(*tree.get_children())
    for i, values in enumerate(rows):
        tree.insert("", "end", iid=ids[i] if ids else None, values=[str(v) for v in values])


class PlanSampleView(ttk.Frame):
    def __init__(self, master: tkinter.Misc, ctx: AppContext) -> None:
        super().__init__(master)
        self.ctx = ctx
        self.plan: PlanData | None = None
        self.population: services.PopulationView | None = None
        self.sample: services.SampleView | None = None
        self.last_export: Path | None = None
        self.plan_var = tkinter.StringVar(self, "")
        self.step_var = tkinter.StringVar(self, "")
        self.population_var = tkinter.StringVar(self, "")
        self.draw_var = tkinter.StringVar(self, "")
        self.export_var = tkinter.StringVar(self, "")
        self.counts_var = tkinter.StringVar(self, "")
        self.form_error_var = tkinter.StringVar(self, "")
        self.seed_var = tkinter.StringVar(self, str(services.new_seed()))
        self.reason_var = tkinter.StringVar(self, "")
        self.status_choice = tkinter.StringVar(self, STATUSES["da_phat"])
        self.replace_reason_var = tkinter.StringVar(self, "")
        self._build()
        self.refresh()

    # --- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        head = ttk.Frame(self)
        head.pack(fill="x")
        ttk.Label(head, text=tr("Kế hoạch và chọn mẫu"), font="-size 14 -weight bold").pack(side="left")
        ttk.Label(head, textvariable=self.step_var, bootstyle="secondary").pack(side="left", padx=12)
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=(8, 0))
        self.tabs: list[ttk.Frame] = []
        for title in TABS:
            tab = ttk.Frame(self.notebook, padding=10)
            self.notebook.add(tab, text=tr(title))
            self.tabs.append(tab)
        self._build_plan_tab(self.tabs[0])
        self._build_population_tab(self.tabs[1])
        self._build_draw_tab(self.tabs[2])
        self._build_export_tab(self.tabs[3])
        self._build_returns_tab(self.tabs[4])

    def _buttons(self, master: tkinter.Misc, items: list[tuple[str, str, Any]]) -> dict[str, ttk.Button]:
        bar = ttk.Frame(master)
        bar.pack(fill="x", pady=(0, 8))
        made = {}
        for label, style, command in items:
            button = ttk.Button(bar, text=tr(label), bootstyle=style, command=command)
            button.pack(side="left", padx=(0, 6))
            made[label.split(" (")[0].rstrip("…")] = button
        return made

    def _build_plan_tab(self, tab: ttk.Frame) -> None:
        self.plan_buttons = self._buttons(tab, [
            ("Nhập tệp kế hoạch… (Ctrl+O)", "primary", self.import_plan),
            ("Lập kế hoạch mới", "success-outline", self.show_plan_form),
            ("Xuất tệp kế hoạch…", "primary-outline", self.export_plan),
        ])
        ttk.Label(tab, textvariable=self.plan_var, justify="left", wraplength=920).pack(fill="x")
        self.form = ttk.Labelframe(tab, text=tr("Lập kế hoạch mới"), padding=10)
        self._build_plan_form(self.form)
        frame, self.quota_tree = _tree(tab, [("tt", "TT", 40), ("code", "Mã đơn vị", 90),
                                             ("name", "Đơn vị", 260), ("ind", "Cá nhân", 80),
                                             ("org", "Tổ chức", 80), ("total", "Tổng", 80),
                                             ("note", "Ghi chú", 300)], height=8, stretch="note")
        self.quota_frame = frame
        frame.pack(fill="both", expand=True, pady=(8, 0))

    def _build_plan_form(self, box: ttk.Labelframe) -> None:
        from sipas_desktop.core.plans import known_forms

        self.form_vars = {key: tkinter.StringVar(self, value) for key, value in (
            ("title", ""), ("fields", ""), ("individuals", ""), ("organizations", ""),
            ("reserve", "20"), ("min_age", ""), ("legal_basis", ""), ("form", ""))}
        self.flag_vars = {key: tkinter.BooleanVar(self, True)
                          for key in ("require_returned", "direct_only", "in_province_only")}
        forms = known_forms() or {}
        rows = [("Tên kế hoạch", "title", 60), ("Căn cứ", "legal_basis", 60),
                ("Lĩnh vực (cách nhau bởi dấu ;, để trống: tất cả)", "fields", 60),
                ("Chỉ tiêu cá nhân", "individuals", 8), ("Chỉ tiêu tổ chức", "organizations", 8),
                ("Tỷ lệ dự phòng (%)", "reserve", 8), ("Tuổi tối thiểu (để trống: không xét)", "min_age", 8)]
        self.form_entries: dict[str, ttk.Entry] = {}
        for r, (label, key, width) in enumerate(rows):
            ttk.Label(box, text=tr(label)).grid(row=r, column=0, sticky="w", pady=2)
            entry = ttk.Entry(box, textvariable=self.form_vars[key], width=width)
            entry.grid(row=r, column=1, columnspan=3, sticky="w", pady=2)
            self.form_entries[key] = entry
        r = len(rows)
        ttk.Label(box, text=tr("Hồ sơ từ ngày")).grid(row=r, column=0, sticky="w", pady=2)
        self.date_from = ttk.DateEntry(box, date_format="%d/%m/%Y", value=None, width=11, first_weekday=0)
        self.date_from.grid(row=r, column=1, sticky="w")
        ttk.Label(box, text=tr("đến ngày")).grid(row=r, column=2, sticky="e", padx=6)
        self.date_to = ttk.DateEntry(box, date_format="%d/%m/%Y", value=None, width=11, first_weekday=0)
        self.date_to.grid(row=r, column=3, sticky="w")
        r += 1
        ttk.Label(box, text=tr("Hạn gửi danh sách mẫu")).grid(row=r, column=0, sticky="w", pady=2)
        self.sample_deadline = ttk.DateEntry(box, date_format="%d/%m/%Y", value=None, width=11,
                                             first_weekday=0)
        self.sample_deadline.grid(row=r, column=1, sticky="w")
        ttk.Label(box, text=tr("hạn gửi báo cáo")).grid(row=r, column=2, sticky="e", padx=6)
        self.report_deadline = ttk.DateEntry(box, date_format="%d/%m/%Y", value=None, width=11,
                                             first_weekday=0)
        self.report_deadline.grid(row=r, column=3, sticky="w")
        r += 1
        ttk.Label(box, text=tr("Phiếu khảo sát")).grid(row=r, column=0, sticky="w", pady=2)
        self.form_box = ttk.Combobox(box, textvariable=self.form_vars["form"], state="readonly", width=30,
                                     values=sorted(forms))
        if forms:  # the newest national questionnaire, else any
            national = sorted(f for f in forms if f.startswith("sipas-"))
            self.form_vars["form"].set((national or sorted(forms))[-1])
        self.form_box.grid(row=r, column=1, columnspan=3, sticky="w")
        r += 1
        for c, (key, label) in enumerate((("require_returned", "Chỉ người đã nhận kết quả"),
                                          ("direct_only", "Chỉ giao dịch trực tiếp"),
                                          ("in_province_only", "Chỉ người cư trú trong tỉnh"))):
            ttk.Checkbutton(box, text=tr(label), variable=self.flag_vars[key]).grid(
                row=r, column=c, sticky="w", pady=4, padx=(0, 12))
        r += 1
        buttons = ttk.Frame(box)
        buttons.grid(row=r, column=0, columnspan=4, sticky="w", pady=(6, 0))
        self.save_plan_button = ttk.Button(buttons, text=tr("Lưu kế hoạch"), bootstyle="success",
                                           command=self.create_plan)
        self.save_plan_button.pack(side="left", padx=(0, 6))
        ttk.Button(buttons, text=tr("Đóng"), bootstyle="secondary-outline",
                   command=self.hide_plan_form).pack(side="left")
        ttk.Label(box, textvariable=self.form_error_var, bootstyle="danger", wraplength=900,
                  justify="left").grid(row=r + 1, column=0, columnspan=4, sticky="w")

    def _build_population_tab(self, tab: ttk.Frame) -> None:
        self.population_buttons = self._buttons(tab, [
            ("Lập danh sách tổng thể (F5)", "primary", self.build_population),
            ("Xuất danh sách tổng thể…", "primary-outline", self.export_population),
        ])
        ttk.Label(tab, textvariable=self.population_var, justify="left", wraplength=920,
                  font="-size 11").pack(fill="x", pady=(0, 6))
        frame, self.reason_tree = _tree(tab, [("reason", "Lý do loại", 300), ("count", "Số hồ sơ", 90)],
                                        height=8)
        frame.pack(anchor="w", pady=(0, 8))
        ttk.Label(tab, text=tr("Các hồ sơ bị loại và lý do"), font="-weight bold").pack(anchor="w")
        frame, self.excluded_tree = _tree(tab, [
            ("code", "Mã hồ sơ", 225), ("name", "Họ tên / Tên tổ chức", 190), ("date", "Ngày nhận", 90),
            ("reason", "Lý do", 215), ("dup", "Trùng với hồ sơ", 215)], height=12, stretch="reason")
        frame.pack(fill="both", expand=True)

    def _build_draw_tab(self, tab: ttk.Frame) -> None:
        ttk.Label(tab, justify="left", wraplength=920, bootstyle="secondary", text=tr(
            "Chọn mẫu hệ thống trong từng nhóm (cá nhân, tổ chức) theo thứ tự danh sách tổng thể. Cùng sổ "
            "hồ sơ, kế hoạch và hạt giống thì luôn ra cùng danh sách: hạt giống được in trên danh sách mẫu "
            "để người giám sát chọn lại và đối chiếu.")).pack(fill="x", pady=(0, 8))
        row = ttk.Frame(tab)
        row.pack(fill="x")
        ttk.Label(row, text=tr("Hạt giống (seed)"), width=16).pack(side="left")
        self.seed_entry = ttk.Entry(row, textvariable=self.seed_var, width=14)
        self.seed_entry.pack(side="left", padx=6)
        ttk.Button(row, text=tr("Số khác"), bootstyle="secondary-outline",
                   command=lambda: self.seed_var.set(str(services.new_seed()))).pack(side="left", padx=(0, 6))
        self.draw_button = ttk.Button(row, text=tr("Chọn mẫu (Ctrl+D)"), bootstyle="success",
                                      command=self.draw)
        self.draw_button.pack(side="left")
        row = ttk.Frame(tab)
        row.pack(fill="x", pady=(6, 8))
        ttk.Label(row, text=tr("Lý do chọn lại"), width=16).pack(side="left")
        self.reason_entry = ttk.Entry(row, textvariable=self.reason_var, width=48)
        self.reason_entry.pack(side="left", padx=6)
        ttk.Label(row, text=tr("(bắt buộc khi đã chọn mẫu trước đó)"), bootstyle="secondary").pack(
            side="left")
        ttk.Label(tab, textvariable=self.draw_var, justify="left", wraplength=920,
                  font="-size 11").pack(fill="x", pady=(0, 8))
        ttk.Label(tab, text=tr("Các lần chọn mẫu"), font="-weight bold").pack(anchor="w")
        frame, self.history_tree = _tree(tab, [
            ("id", "Lần", 50), ("at", "Lúc", 140), ("by", "Người chọn", 140), ("seed", "Hạt giống", 90),
            ("N", "N", 70), ("n", "n", 60), ("reason", "Lý do", 300), ("current", "Hiện hành", 90)],
            height=6, stretch="reason")
        frame.pack(fill="both", expand=True)

    def _build_export_tab(self, tab: ttk.Frame) -> None:
        ttk.Label(tab, justify="left", wraplength=920, text=tr(
            "Danh sách mẫu theo thể thức Nghị định 30/2020/NĐ-CP: phương pháp chọn (N, n, k, điểm bắt đầu, "
            "hạt giống, thứ tự danh sách) để Ủy ban MTTQ và Hội Cựu chiến binh kiểm tra lại bằng tay, danh "
            "sách mẫu chính, danh sách dự phòng và chỗ ký. Tài liệu có dữ liệu cá nhân: không công bố, "
            "không gửi kèm tệp báo cáo.")).pack(fill="x", pady=(0, 10))
        self.export_buttons = self._buttons(tab, [
            ("Xuất danh sách mẫu ra Excel…", "primary", lambda: self.export_sample(suffix=".xlsx")),
            ("Xuất danh sách mẫu ra PDF để in… (Ctrl+P)", "primary",
             lambda: self.export_sample(suffix=".pdf")),
        ])
        ttk.Label(tab, textvariable=self.export_var, bootstyle="success").pack(fill="x")

    def _build_returns_tab(self, tab: ttk.Frame) -> None:
        ttk.Label(tab, textvariable=self.counts_var, justify="left", wraplength=920,
                  font="-size 11").pack(fill="x", pady=(0, 6))
        controls = ttk.Frame(tab)
        controls.pack(fill="x", pady=(0, 4))
        ttk.Label(controls, text=tr("Tình trạng"), width=10).pack(side="left")
        self.status_box = ttk.Combobox(controls, textvariable=self.status_choice, state="readonly", width=22,
                                       values=list(STATUSES.values()))
        self.status_box.pack(side="left", padx=6)
        self.status_button = ttk.Button(controls, text=tr("Ghi tình trạng"), bootstyle="primary",
                                        command=self.set_status)
        self.status_button.pack(side="left")
        controls = ttk.Frame(tab)
        controls.pack(fill="x", pady=(0, 6))
        ttk.Label(controls, text=tr("Lý do thay"), width=10).pack(side="left")
        ttk.Entry(controls, textvariable=self.replace_reason_var, width=40).pack(side="left", padx=6)
        self.replace_button = ttk.Button(controls, text=tr("Thay bằng người dự phòng kế tiếp cùng nhóm"),
                                         bootstyle="warning", command=self.replace)
        self.replace_button.pack(side="left")
        frame, self.entry_tree = _tree(tab, [("order", "Thứ tự", 62), ("code", "Mã hồ sơ", 222),
                                             ("name", "Họ tên / Tên tổ chức", 160), ("kind", "Nhóm", 72),
                                             ("list", "Danh sách", 84), ("pos", "STT tổng thể", 102),
                                             ("status", "Tình trạng", 222)],
                                       height=16, stretch="status")
        frame.pack(fill="both", expand=True)
        self.entry_tree.tag_configure("waiting", foreground="#888888")
        self.entry_tree.tag_configure("replaced", foreground="#a00000")

    # --- shell hooks --------------------------------------------------------------------------
    def commands(self) -> list[Command]:
        return [
            Command(tr("Nhập tệp kế hoạch…"), self.import_plan, "Ctrl+O", ("<Control-o>",)),
            Command(tr("Lập danh sách tổng thể"), self.build_population, "F5", ("<F5>",)),
            Command(tr("Chọn mẫu"), self.draw, "Ctrl+D", ("<Control-d>",)),
            Command(tr("Xuất danh sách mẫu ra PDF…"), lambda: self.export_sample(suffix=".pdf"), "Ctrl+P",
                    ("<Control-p>",)),
        ]

    def on_show(self) -> None:
        self.refresh()

    def refresh(self, what: str | None = None) -> None:
        """Reload the plan, the current draw and their tables (data changed, or shown again)."""
        try:
            self.plan = services.current_plan_or_none()
            self.sample = services.sample_view_or_none() if self.plan else None
        except Exception as exc:
            self.ctx.show_error(exc, "plan view")
            return
        if what == "log":
            self.population = None
        self._show_plan()
        self._show_population()
        self._show_draw()
        self._show_entries()

    def select_tab(self, index: int) -> None:
        self.notebook.select(self.tabs[index])

    # --- step 1: the plan ---------------------------------------------------------------------
    def _show_plan(self) -> None:
        plan = self.plan
        if plan is None:
            self.plan_var.set(tr("Chưa có kế hoạch. Nhập tệp kế hoạch do Sở Nội vụ (hoặc Phòng Nội vụ) gửi, "
                                 "hoặc lập kế hoạch của đơn vị nếu không có tệp kế hoạch."))
            self.step_var.set(tr("Bước 1: nhập hoặc lập kế hoạch"))
            _fill(self.quota_tree, [])
            return
        office = self.ctx.office
        mine = plan.quota_for(office.unit.code if office.unit else None)
        quota = tr("theo công thức n = N/(1 + N·e²)") if mine is None or mine.computed else tr(
            "cá nhân {i}, tổ chức {o}, tổng {t}", i=mine.individuals or 0, o=mine.organizations or 0,
            t=mine.total)
        if office.role == "tong-hop":
            quota = tr("giao cho {u} đơn vị, tổng {t} người (sửa trong tệp kế hoạch rồi nhập lại)",
                       u=len(plan.quotas), t=format_int(sum(q.total or 0 for q in plan.quotas)))
        rules = [tr("đã nhận kết quả") if plan.require_returned else "",
                 tr("giao dịch trực tiếp") if plan.direct_only else "",
                 tr("cư trú trong tỉnh") if plan.in_province_only else "",
                 tr("từ đủ {a} tuổi", a=plan.min_age) if plan.min_age else ""]
        self.plan_var.set("\n".join([
            tr("Kế hoạch: {t}  (mã {id})", t=plan.title, id=plan.plan_id),
            tr("Hồ sơ từ {f} đến {to}; lĩnh vực: {fields}", f=format_date(plan.window_from),
               to=format_date(plan.window_to), fields=plan.fields_text),
            tr("Điều kiện: {r}", r=", ".join(r for r in rules if r) or tr("không")),
            tr("Phiếu: {f} {v}; dự phòng {p} % cỡ mẫu", f=plan.form_id, v=plan.form_version,
               p=format_int(round(float(plan.reserve_fraction) * 100))),
            tr("Chỉ tiêu: {q}", q=quota)]
            + ([tr("Hạn gửi danh sách mẫu: {d}; hạn gửi báo cáo: {r}", d=format_date(plan.sample_deadline)
                   or "—", r=format_date(plan.report_deadline) or "—")]
               if plan.sample_deadline or plan.report_deadline else [])))
        self.step_var.set(tr("Kế hoạch hiện hành: {t}", t=plan.title))
        _fill(self.quota_tree, [(i, q.unit_code, q.unit_name, "" if q.individuals is None else q.individuals,
                                 "" if q.organizations is None else q.organizations,
                                 "" if q.total is None else q.total, q.note)
                                for i, q in enumerate(plan.quotas, start=1)])

    def show_plan_form(self) -> None:
        self.form.pack(fill="x", pady=(8, 0), before=self.quota_frame)
        self.form_entries["title"].focus_set()

    def hide_plan_form(self) -> None:
        self.form.pack_forget()
        self.form_error_var.set("")

    def fill_plan_form(self, *, title: str, date_from: str, date_to: str, form: str | None = None,
                       individuals: str = "", organizations: str = "", fields: str = "",
                       sample_deadline: str = "", report_deadline: str = "") -> None:
        """Type into the form as a clerk would (tests and the walk-through use it)."""
        self.show_plan_form()
        for key, value in (("title", title), ("individuals", individuals), ("organizations", organizations),
                           ("fields", fields)):
            self.form_vars[key].set(value)
        if form is not None:
            self.form_vars["form"].set(form)
        for entry, value in ((self.date_from, date_from), (self.date_to, date_to),
                             (self.sample_deadline, sample_deadline),
                             (self.report_deadline, report_deadline)):
            entry.entry.delete(0, "end")
            entry.entry.insert(0, value)

    def _form_number(self, key: str, label: str) -> int | None:
        text = self.form_vars[key].get().strip()
        if not text:
            return None
        if not text.isdigit():
            raise UserError(tr("{label}: “{t}” không phải số nguyên không âm.", label=label, t=text))
        return int(text)

    def create_plan(self) -> PlanData | None:
        """Save the form as a new plan for this office."""
        self.form_error_var.set("")
        try:
            try:
                window_from = parse_date(self.date_from.entry.get())
                window_to = parse_date(self.date_to.entry.get())
                deadlines = [parse_date(e.entry.get()) for e in (self.sample_deadline, self.report_deadline)]
            except DateError as exc:
                raise UserError(tr("Ngày không hợp lệ: {e}.", e=str(exc))) from None
            if window_from is None or window_to is None:
                raise UserError(tr("Cần nhập cả ngày bắt đầu và ngày kết thúc của hồ sơ."))
            reserve = self.form_vars["reserve"].get().strip().replace(",", ".") or "20"
            try:
                ratio = sampling.decimal_text(sampling.exact(reserve) / 100)
            except (ValueError, ZeroDivisionError):
                raise UserError(tr("Tỷ lệ dự phòng “{r}” không phải số.", r=reserve)) from None
            plan = services.create_plan(
                self.form_vars["title"].get(), window_from, window_to, self.form_vars["form"].get(),
                fields=[f for f in self.form_vars["fields"].get().split(";") if f.strip()],
                individuals=self._form_number("individuals", tr("Chỉ tiêu cá nhân")),
                organizations=self._form_number("organizations", tr("Chỉ tiêu tổ chức")),
                reserve_ratio=ratio, legal_basis=self.form_vars["legal_basis"].get(),
                min_age=self._form_number("min_age", tr("Tuổi tối thiểu")),
                sample_deadline=deadlines[0], report_deadline=deadlines[1],
                **{key: var.get() for key, var in self.flag_vars.items()})
        except UserError as exc:
            lines = [exc.message] + [f"• {i}" for i in exc.issues[:8]]
            self.form_error_var.set("\n".join(lines))
            return None
        self.hide_plan_form()
        self.population = None
        self.refresh()
        self.ctx.set_status(tr("Đã lập kế hoạch {t}.", t=plan.title))
        return plan

    def import_plan(self, path: str | Path | None = None) -> Any:
        if path is None:
            path = filedialog.askopenfilename(parent=self, title=tr("Chọn tệp kế hoạch (.xlsx)"),
                                              filetypes=EXCEL,
                                              initialdir=self.ctx.prefs.get("last_folder") or None)
            if not path:
                return None
        path = Path(path)
        self.ctx.prefs["last_folder"] = str(path.parent)
        try:
            result = services.import_plan_file(path)
        except Exception as exc:
            self.ctx.show_error(exc, "import plan")
            return None
        self.population = None
        self.refresh()
        message = tr("Đã nhập kế hoạch “{t}” từ tệp {f}.", t=result.plan.title, f=path.name)
        if result.warnings:
            message += "\n\n" + tr("Lưu ý:") + "\n" + "\n".join(f"• {w}" for w in result.warnings[:8])
        self.ctx.prompter.info(message, tr("Nhập kế hoạch"))
        self.ctx.set_status(tr("Đã nhập kế hoạch {t}.", t=result.plan.title))
        return result

    def export_plan(self, path: str | Path | None = None) -> Path | None:
        if self.plan is None:
            self.ctx.set_status(tr("Chưa có kế hoạch để xuất."))
            return None
        if path is None:
            path = filedialog.asksaveasfilename(parent=self, title=tr("Xuất tệp kế hoạch"),
                                                defaultextension=".xlsx", filetypes=EXCEL,
                                                initialfile=f"ke-hoach-{self.plan.plan_id}.xlsx",
                                                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not path:
                return None
        try:
            written = services.export_plan_file(Path(path))
        except Exception as exc:
            self.ctx.show_error(exc, "export plan")
            return None
        self.ctx.set_status(tr("Đã xuất tệp kế hoạch: {p}", p=written))
        return written

    # --- step 2: the population list ----------------------------------------------------------
    def build_population(self) -> Any:
        """Build the population list on a worker (returns the job)."""
        if self.plan is None:
            self.ctx.set_status(tr("Chưa có kế hoạch: làm bước 1 trước."))
            return None
        return self.ctx.run_with_progress(tr("Lập danh sách tổng thể"), services.population,
                                          self._population_ready)

    def _population_ready(self, view: services.PopulationView) -> None:
        self.population = view
        self._show_population()
        self.select_tab(1)
        self.ctx.set_status(tr("Danh sách tổng thể: N = {n}.", n=format_int(view.N)))

    def _show_population(self) -> None:
        view = self.population
        if view is None:
            self.population_var.set(tr("Bấm “Lập danh sách tổng thể” để lập danh sách từ sổ hồ sơ theo "
                                       "điều kiện của kế hoạch."))
            _fill(self.reason_tree, [])
            _fill(self.excluded_tree, [])
            return
        counts = view.counts()
        excluded = view.excluded_counts()
        text = tr("N = {n} người (cá nhân {i}, tổ chức {o}); sổ có {t} hồ sơ, loại {x} hồ sơ.",
                  n=format_int(view.N), i=format_int(counts["ca_nhan"]), o=format_int(counts["to_chuc"]),
                  t=format_int(view.population.total), x=format_int(sum(excluded.values())))
        if view.N == 0:
            text += "\n" + tr("Không có hồ sơ nào đủ điều kiện: xem lý do loại bên dưới, kiểm tra sổ hồ sơ.")
        self.population_var.set(text)
        _fill(self.reason_tree, [(sampling.REASON_LABELS[r], format_int(c)) for r, c in excluded.items()])
        shown = view.population.excluded[:MAX_EXCLUDED_SHOWN]
        _fill(self.excluded_tree, [(e.row.code, e.row.applicant_name, format_date(e.row.received_date),
                                    e.label, e.duplicate_of or "") for e in shown])

    def export_population(self, path: str | Path | None = None) -> Any:
        if self.plan is None:
            return None
        if path is None:
            path = filedialog.asksaveasfilename(parent=self, title=tr("Xuất danh sách tổng thể"),
                                                defaultextension=".xlsx", filetypes=EXCEL,
                                                initialfile="danh-sach-tong-the.xlsx",
                                                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not path:
                return None
        target = Path(path)
        return self.ctx.run_with_progress(
            tr("Xuất danh sách tổng thể"),
            lambda progress: services.export_population(target, progress),
            lambda written: self.ctx.set_status(tr("Đã xuất danh sách tổng thể: {p}", p=written)))

    # --- step 3: the draw ---------------------------------------------------------------------
    def draw(self, seed: int | str | None = None, reason: str | None = None) -> Any:
        """Draw on a worker with the seed and reason typed (or given); returns the job."""
        if seed is not None:
            self.seed_var.set(str(seed))
        if reason is not None:
            self.reason_var.set(reason)
        text = self.seed_var.get().strip()
        if not text.isdigit():
            self.ctx.show_error(UserError(tr("Hạt giống “{s}” phải là số nguyên không âm.", s=text)))
            return None
        chosen, why = int(text), self.reason_var.get().strip()
        return self.ctx.run_with_progress(
            tr("Chọn mẫu"), lambda progress: services.draw_sample(chosen, reason=why, progress=progress),
            self._drawn)

    def _drawn(self, view: services.SampleView) -> None:
        self.sample = view
        self.reason_var.set("")
        self._show_draw()
        self._show_entries()
        self.select_tab(2)
        self.ctx.set_status(tr("Đã chọn mẫu: n = {n}, hạt giống {s}.", n=view.draw.n, s=view.draw.seed))

    def _show_draw(self) -> None:
        view = self.sample
        if view is None:
            self.draw_var.set(tr("Chưa chọn mẫu cho kế hoạch này."))
            _fill(self.history_tree, [])
            return
        draw = view.draw
        lines = [tr("Lần {id}, hạt giống {s}: N = {N}, n = {n}.", id=draw.id, s=draw.seed,
                    N=format_int(draw.N), n=format_int(draw.n))]
        for m in draw.strata:
            lines.append(tr("  {g}: N = {N}, n = {n}, k = {k}, điểm bắt đầu s = {s}; dự phòng {r}. {note}",
                            g=m.label, N=format_int(m.N), n=m.n, k=f"{float(m.k):.4f}".replace(".", ","),
                            s=f"{float(m.start):.4f}".replace(".", ","), r=m.reserve_n, note=m.note))
        self.draw_var.set("\n".join(line.rstrip() for line in lines))
        try:
            history = services.history()
        except UserError:
            history = []
        _fill(self.history_tree, [(d.id, f"{d.drawn_at:%H:%M %d/%m/%Y}", d.drawn_by, d.seed, d.N, d.n,
                                   d.reason, tr("Có") if d.current else "") for d in history])

    # --- step 4: export -----------------------------------------------------------------------
    def export_sample(self, path: str | Path | None = None, suffix: str = ".xlsx") -> Path | None:
        if self.sample is None:
            self.ctx.show_error(UserError(tr("Chưa chọn mẫu: làm bước 3 trước.")))
            return None
        if path is None:
            path = filedialog.asksaveasfilename(
                parent=self, title=tr("Xuất danh sách mẫu"), defaultextension=suffix,
                filetypes=PDF if suffix == ".pdf" else EXCEL, initialfile=f"danh-sach-mau{suffix}",
                initialdir=self.ctx.prefs.get("last_folder") or None)
            if not path:
                return None
        try:
            written = services.export_sample(Path(path))
        except Exception as exc:
            self.ctx.show_error(exc, "export sample")
            return None
        self.last_export = written
        self.export_var.set(tr("Đã xuất: {p}", p=written))
        self.ctx.set_status(tr("Đã xuất danh sách mẫu: {p}", p=written))
        return written

    # --- step 5: returns and substitutions ----------------------------------------------------
    def _show_entries(self) -> None:
        view = self.sample
        if view is None:
            self.counts_var.set(tr("Chưa có danh sách mẫu."))
            _fill(self.entry_tree, [])
            return
        self.entry_tree.delete(*self.entry_tree.get_children())
        by_code = {e.code: e for e in view.entries}
        for e in view.entries:
            tag = "replaced" if e.replaced_by else ("waiting" if not e.active else "")
            self.entry_tree.insert("", "end", iid=e.code, tags=(tag,) if tag else (), values=[
                str(e.order), e.code, e.applicant_name, sampling.STRATUM_LABELS.get(e.stratum, e.stratum),
                ROLE_LABELS[e.role], str(e.position), self._status_cell(e, by_code)])
        c = view.counts
        rate = c.response_rate
        self.counts_var.set(tr(
            "Cỡ mẫu {n}: đã phát {i}, đã thu {r}{rate}; từ chối {f}, không liên lạc được {u}; đã thay {s} "
            "người; dự phòng còn {left}.", n=c.total("planned"), i=c.total("issued"), r=c.total("returned"),
            rate=f" ({rate:.2f} %)".replace(".", ",") if rate is not None else "", f=c.total("refused"),
            u=c.total("unreachable"), s=c.total("substitutions"), left=c.total("reserve_left")))

    @staticmethod
    def _status_cell(e: Any, by_code: dict[str, Any]) -> str:
        """Short enough for the table: the other person is named by list and number (“dự phòng
        số 1”), since both rows are on screen; the sheet prints the dossier codes."""
        status = STATUSES.get(e.status, e.status)
        if e.replaced_by:
            other = by_code.get(e.replaced_by)
            return tr("{s}; thay bằng dự phòng số {n}", s=status, n=other.order if other else "?")
        if e.replaces:
            other = by_code.get(e.replaces)
            what = ROLE_LABELS[other.role].lower() if other else ""
            return tr("{s}; thay cho {what} số {n}", s=status, what=what, n=other.order if other else "?")
        return status if e.active else tr("Dự phòng chưa dùng")

    def selected_code(self) -> str | None:
        focus = self.entry_tree.focus() or next(iter(self.entry_tree.selection()), "")
        return focus or None

    def select_code(self, code: str) -> None:
        self.entry_tree.selection_set(code)
        self.entry_tree.focus(code)
        self.entry_tree.see(code)

    def set_status(self, code: str | None = None, status: str | None = None) -> Any:
        """Record the chosen status for the selected (or given) person."""
        code = code or self.selected_code()
        if not code:
            self.ctx.set_status(tr("Chọn một người trong danh sách trước."))
            return None
        key = status or next((k for k, v in STATUSES.items() if v == self.status_choice.get()), "da_phat")
        try:
            entry = services.set_status(code, key)
        except Exception as exc:
            self.ctx.show_error(exc, "sample status")
            return None
        self.sample = services.sample_view_or_none()
        self._show_entries()
        self.select_code(code)
        return entry

    def replace(self, code: str | None = None, reason: str | None = None) -> Any:
        """Replace the selected (or given) person by the next reserve of the same group."""
        code = code or self.selected_code()
        if reason is not None:
            self.replace_reason_var.set(reason)
        if not code:
            self.ctx.set_status(tr("Chọn người cần thay trong danh sách trước."))
            return None
        try:
            spare = services.replace_entry(code, self.replace_reason_var.get())
        except Exception as exc:
            self.ctx.show_error(exc, "replace")
            return None
        self.replace_reason_var.set("")
        self.sample = services.sample_view_or_none()
        self._show_entries()
        self.select_code(spare.code)
        self.ctx.set_status(tr("Đã thay {a} bằng {b} ({name}).", a=code, b=spare.code,
                               name=spare.applicant_name))
        return spare
