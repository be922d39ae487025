"""The readable sheets at the front of the standard report file (what a person sees in Excel).

Each sheet is built as a `SheetSpec`: the exact cell values (so `exchange` can digest them) plus
styling that does not change values (bold, fills, borders, widths, merges, number formats).
Indices are written as numbers rounded to two decimals with format `0.00`, so Excel shows them
with the reader's decimal separator (a comma on a Vietnamese Windows).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.scoring import APPLICANT_LABELS, Distribution, Scores, round2
from sipas_desktop.core.text import format_date, format_int, format_number, format_percent

HEADER_FILL = "DDEBF7"
ELEMENT_FILL = "F2F2F2"


@dataclass
class SheetSpec:
    name: str
    rows: list[list[Any]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    styles: dict[int,
                 str] = field(default_factory=dict)        # row → "title" | "section" | "header" | "bold"
    tables: list[tuple[int, int, int, int]] = field(default_factory=list)
    wrap: set[int] = field(default_factory=set)                  # columns whose text wraps

    def add(self, *cells: Any, style: str = "") -> int:
        self.rows.append(list(cells))
        number = len(self.rows)
        if style:
            self.styles[number] = style
        return number

    def blank(self) -> None:
        self.rows.append([])

    def title(self, text: str, span: int) -> None:
        r = self.add(text, style="title")
        self.merges.append((r, 1, r, span))

    def table(self, header: list[str], rows: list[list[Any]], *, bold_rows: set[int] | None = None) -> None:
        start = self.add(*header, style="header")
        for i, row in enumerate(rows):
            self.add(*row, style="bold" if bold_rows and i in bold_rows else "")
        self.tables.append((start, 1, len(self.rows), len(header)))

    def render(self, ws: Any) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="808080")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for r, row in enumerate(self.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
                if isinstance(value, float):
                    cell.number_format = "0.00"
        for r1, c1, r2, c2 in self.tables:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    ws.cell(row=r, column=c).border = border
        for r, style in self.styles.items():
            width = max(len(self.rows[r - 1]), 1)
            for c in range(1, width + 1):
                cell = ws.cell(row=r, column=c)
                if style == "title":
                    cell.font = Font(bold=True, size=14)
                elif style == "section":
                    cell.font = Font(bold=True, size=12)
                elif style == "header":
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
                    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                elif style == "bold":
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor=ELEMENT_FILL)
        for c in self.wrap:
            for r in range(1, len(self.rows) + 1):
                if self.styles.get(r) not in ("header", "title", "section"):
                    ws.cell(row=r, column=c).alignment = Alignment(wrap_text=True, vertical="top")
        for r1, c1, r2, c2 in self.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        from openpyxl.utils import get_column_letter

        for c, width in self.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.sheet_view.showGridLines = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def _pct(value: float | None) -> float | None:
    return round2(value)


def _summary(content: Any, form: Form, scores: Scores) -> SheetSpec:
    s = SheetSpec("Tổng hợp", widths={1: 6, 2: 58, 3: 22, 4: 40})
    s.wrap = {2, 4}
    s.title("BÁO CÁO KẾT QUẢ TỰ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", 4)
    s.add(None, content.unit_name + (f" – {content.parent_name}" if content.parent_name else ""),
          style="section")
    s.add(None, "Tệp báo cáo chuẩn SIPAS Desktop: các trang đầu để đọc; các trang META, MAU, CHI_SO, PHIEU, "
                "TRA_LOI, KIEM_TRA để chương trình đọc. Không sửa nội dung tệp.")
    s.blank()
    s.add("I.", "THÔNG TIN CHUNG", style="section")
    info: list[tuple[str, Any]] = [
        ("Đơn vị (mã)", f"{content.unit_name} ({content.unit_code})"),
        ("Kế hoạch", f"{content.plan_title} (mã {content.plan_id})"),
        ("Phiếu khảo sát", f"{form.short_title or form.title} – mã {form.id}, phiên bản {form.version}"),
    ]
    if content.window_from or content.window_to:
        info.append(("Hồ sơ tiếp nhận", f"từ {format_date(content.window_from)} đến "
                                        f"{format_date(content.window_to)}"))
    sample = content.sample
    if sample is not None:
        info += [("Số người trong danh sách tổng thể (N)", sample.population_n),
                 ("Cỡ mẫu (n)", sample.sample_n),
                 ("Số người dự phòng", sample.reserve_n),
                 ("Số lần thay bằng người dự phòng", sample.substitutions)]
        for x in sample.strata:
            label = APPLICANT_LABELS.get(x.stratum, x.stratum)
            info.append((f"Nhóm {label.lower()}: N, n, k, điểm xuất phát",
                         f"N = {format_int(x.population)}; n = {format_int(x.sample)}; k = {x.interval}; "
                         f"điểm xuất phát = {x.start}"))
        info.append(("Hạt giống ngẫu nhiên (seed)", sample.seed))
        if sample.forms_issued is not None:
            info.append(("Số phiếu phát ra", sample.forms_issued))
        if sample.forms_returned is not None:
            info.append(("Số phiếu thu về", sample.forms_returned))
        if sample.response_rate is not None:
            info.append(("Tỷ lệ phản hồi (%)", _pct(sample.response_rate)))
    info += [("Số phiếu đã nhập", scores.total_forms), ("Số phiếu hợp lệ", scores.valid_forms)]
    q = content.quality
    if q is not None:
        info.append(("Tỷ lệ phiếu nhập kép để kiểm tra (%)", _pct(q.share_verified)))
        info.append(("Tỷ lệ ô trả lời sai khác khi nhập kép (%)", _pct(q.error_rate)))
    info += [("Thời điểm tạo tệp", content.created_at.strftime("%d/%m/%Y %H:%M:%S")),
             ("Phiên bản chương trình", content.app_version)]
    for i, (label, value) in enumerate(info, start=1):
        s.add(i, label, value)
    s.blank()
    s.add("II.", "CHỈ SỐ HÀI LÒNG (%)", style="section")
    rows: list[list[Any]] = []
    bold: set[int] = set()
    for i in scores.indices:
        bold.add(len(rows))
        rows.append([None, i.title, _pct(i.index)])
    for b in scores.blocks:
        bold.add(len(rows))
        rows.append([None, b.title if b.title.lower().startswith("khối") else f"Khối: {b.title}",
                     _pct(b.index)])
    for n, e in enumerate(scores.elements, start=1):
        rows.append([n, f"Yếu tố: {e.title}", _pct(e.index)])
    s.table(["STT", "Nội dung", "Chỉ số (%)"], rows, bold_rows=bold)
    s.blank()
    s.add("III.", "QUY TẮC TÍNH", style="section")
    for n, rule in enumerate(scores.rules, start=1):
        s.add(n, rule.text)
    if scores.warnings:
        s.blank()
        s.add("IV.", "LƯU Ý", style="section")
        for n, w in enumerate(scores.warnings, start=1):
            s.add(n, w.message)
    return s


def _criteria(scores: Scores) -> SheetSpec:
    codes = [code for code, _ in scores.criteria[0].distribution] if scores.criteria else []
    header = ["STT", "Mã", "Yếu tố / tiêu chí", "Số trả lời hợp lệ", *[f"Mức {c}" for c in codes],
              "Để trống", "Không trả lời", "Mã không hợp lệ", "Số hài lòng", "Chỉ số (%)"]
    s = SheetSpec("Chỉ số tiêu chí", widths={1: 6, 2: 10, 3: 60, **{c: 11 for c in range(4,
                                                                                         len(header) + 1)}})
    s.wrap = {3}
    s.title("CHỈ SỐ THEO TỪNG YẾU TỐ, TIÊU CHÍ", len(header))
    s.blank()
    rows: list[list[Any]] = []
    bold: set[int] = set()
    for n, e in enumerate(scores.elements, start=1):
        bold.add(len(rows))
        rows.append([_roman(n), e.id, e.title, *[None] * (len(header) - 4), _pct(e.index)])
        for m, c in enumerate(e.criteria, start=1):
            rows.append([f"{n}.{m}", c.id, c.title, c.valid, *[count for _, count in c.distribution],
                         c.blank, c.no_answer, c.invalid, c.satisfied, _pct(c.index)])
    s.table(header, rows, bold_rows=bold)
    s.blank()
    s.add(None, None, "Tiêu chí có chỉ số thấp nhất", style="section")
    for n, c in enumerate(scores.lowest_criteria(5), start=1):
        s.add(n, c.id, c.title, None, *[None] * len(codes), None, None, None, None, _pct(c.index))
    return s


def _distribution_rows(s: SheetSpec, d: Distribution) -> None:
    s.add(None, f"Câu {d.number}. {d.text}" if d.number else d.text, style="section")
    rows: list[list[Any]] = [[r.code, r.label, r.count, _pct(r.percent)] for r in d.rows]
    rows.append([None, "Để trống / không trả lời", d.counts.blank + d.counts.no_answer, None])
    s.table(["Mã", "Phương án", "Số người", "Tỷ lệ (%)"], rows)
    s.blank()


def _respondents(scores: Scores) -> SheetSpec:
    s = SheetSpec("Người trả lời", widths={1: 8, 2: 60, 3: 12, 4: 12})
    s.wrap = {2}
    s.title("CƠ CẤU NGƯỜI TRẢ LỜI", 4)
    s.blank()
    for label, rows in (("Đối tượng (theo danh sách mẫu)", scores.applicant_types),
                        ("Lĩnh vực (theo danh sách mẫu)", scores.fields)):
        s.add(None, label, style="section")
        s.table(["STT", "Nhóm", "Số người", "Tỷ lệ (%)"], [[r.code, r.label, r.count,
                                                            _pct(r.percent)] for r in rows])
        s.blank()
    for d in scores.respondents:
        _distribution_rows(s, d)
    return s


def _expectations(scores: Scores) -> SheetSpec:
    s = SheetSpec("Mong đợi, nhận thức", widths={1: 8, 2: 70, 3: 12, 4: 12, 5: 12})
    s.wrap = {2}
    s.title("MONG ĐỢI VÀ NHẬN THỨC CỦA NGƯỜI TRẢ LỜI", 5)
    s.blank()
    if scores.expectations:
        s.add(None, "Mong đợi cải thiện (tỷ lệ chọn mức cao)", style="section")
        s.table(["Câu", "Nội dung", "Số trả lời", "Số chọn", "Tỷ lệ (%)"],
                [[x.number, x.text, x.answered, x.counted, _pct(x.index)] for x in scores.expectations])
        s.blank()
    for d in scores.perceptions:
        _distribution_rows(s, d)
    if scores.comments:
        s.add(None, "Ý kiến khác (đã gộp các ý kiến giống nhau; đã che thông tin cá nhân)", style="section")
        s.table(["STT", "Ý kiến", "Số phiếu"], [[n, c.text, c.count] for n, c in enumerate(scores.comments,
                                                                                           1)])
    return s


def _breakdowns(scores: Scores) -> SheetSpec:
    header = ["Phân theo", "Nhóm", "Số phiếu hợp lệ", "Chỉ số chung (%)", *[e.title for e in scores.elements]]
    s = SheetSpec("Phân tổ", widths={1: 14, 2: 34, 3: 12, 4: 14, **{c: 18 for c in range(5,
                                                                                         len(header) + 1)}})
    s.title("CHỈ SỐ THEO LĨNH VỰC VÀ ĐỐI TƯỢNG", len(header))
    s.blank()
    names = {"field": "Lĩnh vực", "applicant_type": "Đối tượng"}
    rows = [[names[b.dimension], b.label, b.forms, _pct(b.overall), *[_pct(v) for _, v in b.elements]]
            for b in scores.breakdowns]
    s.table(header, rows)
    return s


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while n >= value:
            out += letters
            n -= value
    return out


def readable_sheets(content: Any, form: Form, scores: Scores) -> list[SheetSpec]:
    """The sheets a person reads, in order (the machine sheets follow them)."""
    return [_summary(content, form, scores), _criteria(scores), _respondents(scores),
            _expectations(scores), _breakdowns(scores)]


def percent_text(value: float | None) -> str:
    """“86,67 %” for print; “—” when there is no value."""
    return format_percent(round2(value))


__all__ = ["SheetSpec", "format_number", "percent_text", "readable_sheets"]
