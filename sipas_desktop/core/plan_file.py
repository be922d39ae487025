"""The plan file (.xlsx) exchanged between a province/district office and its communes.

The first sheet, “Kế hoạch”, is the readable plan: the heading, the plan's settings as label /
value rows, and the quota table TT · Mã đơn vị · Đơn vị · Cá nhân · Tổ chức · Tổng · Ghi chú.
Staff may edit it in Excel (quotas, dates, …); the import reads everything back from this sheet,
finding rows by their labels (accent- and case-insensitive), so inserted blank rows or widened
columns do not matter. The stable plan id is printed on the sheet and also kept in a hidden sheet
“_sipas” (with the file format and the definitions of the units in the quota table, so a commune's
database can learn old units it does not have) and in the workbook's custom properties: Excel
keeps all three when it saves.

Reading collects every problem with its sheet, row and column; nothing is written to the
database here (see `services.plans.import_plan_file`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

from sipas_desktop import __version__
from sipas_desktop.core import models
from sipas_desktop.core.errors import IssueList, Level, UserError
from sipas_desktop.core.files import save_workbook
from sipas_desktop.core.plans import WINDOW_BASES, Location, PlanData, QuotaRow
from sipas_desktop.core.reporting.heading import NATIONAL_MOTTO, NATIONAL_TITLE
from sipas_desktop.core.sampling import decimal_text
from sipas_desktop.core.text import DateError, fold, nfc, parse_date

SHEET = "Kế hoạch"
META_SHEET = "_sipas"
FORMAT = "sipas-plan"
FORMAT_VERSION = 1

# key → label on the sheet, in print order
LABELS: list[tuple[str, str]] = [
    ("plan_id", "Mã kế hoạch"),
    ("title", "Tên kế hoạch"),
    ("year", "Năm khảo sát"),
    ("issuer_name", "Cơ quan ban hành"),
    ("issuer_code", "Mã đơn vị ban hành"),
    ("legal_basis", "Căn cứ"),
    ("window_from", "Hồ sơ từ ngày"),
    ("window_to", "Hồ sơ đến ngày"),
    ("window_basis", "Tính thời gian theo"),
    ("fields", "Lĩnh vực khảo sát (cách nhau bởi dấu ;)"),
    ("require_returned", "Chỉ người đã nhận kết quả"),
    ("direct_only", "Chỉ giao dịch trực tiếp tại Bộ phận Một cửa"),
    ("in_province_only", "Chỉ người cư trú trong tỉnh"),
    ("min_age", "Tuổi tối thiểu (để trống: không xét)"),
    ("form_id", "Mã phiếu khảo sát"),
    ("form_version", "Phiên bản phiếu"),
    ("reserve_ratio", "Tỷ lệ danh sách dự phòng (%)"),
    ("margin_e", "Sai số e (khi không giao chỉ tiêu)"),
    ("sample_deadline", "Hạn gửi danh sách mẫu"),
    ("report_deadline", "Hạn gửi báo cáo"),
]
LABEL_OF = dict(LABELS)
QUOTA_HEADERS = ["TT", "Mã đơn vị", "Đơn vị", "Cá nhân", "Tổ chức", "Tổng", "Ghi chú"]
ALL_FIELDS = "Tất cả"
YES, NO = "Có", "Không"
_YES = {"co", "x", "yes", "true", "1", "dung"}
_NO = {"khong", "no", "false", "0", "sai", ""}


@dataclass(frozen=True)
class UnitDef:
    code: str
    name: str
    kind: str
    level: int
    parent: str | None


@dataclass(frozen=True)
class PlanFile:
    plan: PlanData | None
    issues: IssueList
    units: tuple[UnitDef, ...]       # definitions carried by the file (for units not yet known)
    locations: dict[str, Location] = field(default_factory=dict)   # plan key → sheet, row, column


# --- writing --------------------------------------------------------------------------------

def _unit_defs(plan: PlanData) -> list[UnitDef]:
    """The quota units and every unit above them, so a receiver can add missing old units."""
    found: dict[str, UnitDef] = {}
    for code in [q.unit_code for q in plan.quotas] + ([plan.issuer_code] if plan.issuer_code else []):
        while code and code not in found:
            row = models.Unit.get_or_none(models.Unit.code == code)
            if row is None:
                break
            found[code] = UnitDef(row.code, row.name, row.kind, row.level, row.parent)
            code = row.parent
    return sorted(found.values(), key=lambda u: (u.level, u.code))


def write_plan_file(plan: PlanData, path: Path) -> Path:
    """Write the plan file; a temporary name first, so a failure never leaves half a file."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for col, width in zip("ABCDEFG", (6, 12, 34, 12, 12, 10, 34), strict=True):
        ws.column_dimensions[col].width = width
    bold, center = Font(name="Times New Roman", bold=True, size=12), Alignment(horizontal="center")
    normal = Font(name="Times New Roman", size=12)
    ws.merge_cells("A1:C1")
    ws["A1"] = plan.issuer_name.upper()
    ws["A1"].font, ws["A1"].alignment = bold, center
    ws.merge_cells("D1:G1")
    ws["D1"] = NATIONAL_TITLE
    ws["D1"].font, ws["D1"].alignment = bold, center
    ws.merge_cells("D2:G2")
    ws["D2"] = NATIONAL_MOTTO
    ws["D2"].font = Font(name="Times New Roman", bold=True, size=13, underline="single")
    ws["D2"].alignment = center
    ws.merge_cells("A4:G4")
    ws["A4"] = plan.title.upper()
    ws["A4"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A4"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[4].height = 36
    ws["A6"] = "I. THÔNG TIN KẾ HOẠCH"
    ws["A6"].font = bold
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=False)
    basis = DataValidation(type="list", formula1='"' + ",".join(WINDOW_BASES.values()) + '"')
    ws.add_data_validation(yes_no)
    ws.add_data_validation(basis)
    values = _display_values(plan)
    row = 7
    for key, label in LABELS:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=7)
        ws.cell(row, 1, label).font = normal
        cell = ws.cell(row, 4, values[key])
        cell.font = bold if key in ("plan_id", "title") else normal
        cell.alignment = Alignment(horizontal="left", wrap_text=True)
        if isinstance(values[key], date):
            cell.number_format = "DD/MM/YYYY"
        if key in ("require_returned", "direct_only", "in_province_only"):
            yes_no.add(cell)
        if key == "window_basis":
            basis.add(cell)
        if key in ("legal_basis", "fields") and len(str(values[key])) > 60:
            ws.row_dimensions[row].height = 15 * (1 + len(str(values[key])) // 60)
        row += 1
    row += 1
    ws.cell(row, 1, "II. CHỈ TIÊU MẪU THEO ĐƠN VỊ").font = bold
    row += 1
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, header in enumerate(QUOTA_HEADERS, start=1):
        cell = ws.cell(row, col, header)
        cell.font, cell.border = bold, box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first = row + 1
    for index, q in enumerate(plan.quotas, start=1):
        row += 1
        cells = [index, q.unit_code, q.unit_name, q.individuals, q.organizations,
                 f'=IF(COUNT(D{row}:E{row})=0,"",SUM(D{row}:E{row}))', q.note]
        for col, value in enumerate(cells, start=1):
            cell = ws.cell(row, col, value)
            cell.font, cell.border = normal, box
            if col == 2:
                cell.number_format = "@"  # keep leading zeros of unit codes when edited
    row += 1
    ws.cell(row, 3, "Tổng cộng").font = bold
    for col in "DEF":
        ws[f"{col}{row}"] = f"=SUM({col}{first}:{col}{row - 1})" if plan.quotas else 0
    for col in range(1, 8):
        ws.cell(row, col).border = box
        ws.cell(row, col).font = bold
    row += 2
    notes = ["Ghi chú:",
             "(1) Đơn vị có số hồ sơ của tổ chức ít hơn chỉ tiêu thì chuyển phần thiếu sang cá nhân "
             "và ngược lại.",
             "(2) Danh sách mẫu và danh sách dự phòng phải đủ thông tin; mọi người trong danh sách "
             "đều đáp ứng các điều kiện của kế hoạch.",
             "(3) Để trống cả hai cột Cá nhân và Tổ chức: cỡ mẫu tính theo công thức n = N/(1 + N·e²).",
             "(4) Có thể sửa chỉ tiêu trong bảng này rồi nhập lại tệp; không xóa trang tính ẩn “_sipas”."]
    for text in notes:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        ws.cell(row, 1, text).font = Font(name="Times New Roman", size=11, italic=text != notes[0],
                                          bold=text == notes[0])
        ws.cell(row, 1).alignment = Alignment(wrap_text=True)
        row += 1
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _write_meta(wb, plan)
    return save_workbook(wb, path, code="PLAN_301")


def _write_meta(wb, plan: PlanData) -> None:
    from openpyxl.packaging.custom import StringProperty

    meta = wb.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    for key, value in (("format", FORMAT), ("format_version", FORMAT_VERSION),
                       ("plan_id", plan.plan_id), ("issuer_code", plan.issuer_code),
                       ("written_at", datetime.now().isoformat(timespec="seconds")),
                       ("app_version", __version__)):
        meta.append([key, value])
    meta.append([])
    meta.append(["unit_code", "unit_name", "kind", "level", "parent"])
    for u in _unit_defs(plan):
        meta.append([u.code, u.name, u.kind, u.level, u.parent or ""])
    wb.custom_doc_props.append(StringProperty(name="sipas_plan_id", value=plan.plan_id))


def _display_values(plan: PlanData) -> dict[str, object]:
    def yes(flag: bool) -> str:
        return YES if flag else NO

    return {
        "plan_id": plan.plan_id, "title": plan.title, "year": plan.year,
        "issuer_name": plan.issuer_name, "issuer_code": plan.issuer_code,
        "legal_basis": plan.legal_basis, "window_from": plan.window_from,
        "window_to": plan.window_to, "window_basis": WINDOW_BASES.get(plan.window_basis, ""),
        "fields": "; ".join(plan.fields) if plan.fields else ALL_FIELDS,
        "require_returned": yes(plan.require_returned), "direct_only": yes(plan.direct_only),
        "in_province_only": yes(plan.in_province_only), "min_age": plan.min_age,
        "form_id": plan.form_id, "form_version": plan.form_version,
        "reserve_ratio": _percent(plan.reserve_ratio), "margin_e": float(plan.margin_e),
        "sample_deadline": plan.sample_deadline, "report_deadline": plan.report_deadline,
    }


def _percent(ratio: str) -> int | float:
    from sipas_desktop.core.sampling import exact

    value = exact(ratio) * 100
    return int(value) if value.denominator == 1 else float(value)


# --- reading --------------------------------------------------------------------------------

class _Reader:
    """Reads the “Kế hoạch” sheet into a PlanData, collecting issues with locations."""

    def __init__(self, ws, issues: IssueList) -> None:
        self.ws = ws
        self.issues = issues
        self.rows = [list(r) for r in ws.iter_rows(values_only=True)]
        self.where: dict[str, Location] = {}

    def error(self, code: str, key: str, message: str, level: Level = Level.ERROR) -> None:
        sheet, row, column = self.where.get(key, (self.ws.title, None, None))
        self.issues.add(code, message, level=level, sheet=sheet, row=row, column=column)

    def labelled(self) -> dict[str, object]:
        by_label = {fold(label): key for key, label in LABELS}
        found: dict[str, object] = {}
        for index, cells in enumerate(self.rows, start=1):
            label = fold(cells[0]) if cells and cells[0] is not None else ""
            key = by_label.get(label)
            if key is None or key in found:
                continue
            value = next((c for c in cells[1:] if c is not None and nfc(c) != ""), None)
            found[key] = value
            self.where[key] = (self.ws.title, index, LABEL_OF[key])
        return found

    def quota_table(self) -> list[tuple[int, dict[str, object]]]:
        wanted = {fold(h): h for h in QUOTA_HEADERS}
        for index, cells in enumerate(self.rows, start=1):
            heads = {fold(c): col for col, c in enumerate(cells) if c is not None}
            if "tt" in heads and "don vi" in heads and "ca nhan" in heads:
                columns = {wanted[h]: col for h, col in heads.items() if h in wanted}
                return self._quota_rows(index, columns)
        self.issues.add("PLAN_203", "không tìm thấy bảng chỉ tiêu (dòng tiêu đề “TT · Đơn vị · Cá nhân · "
                        "Tổ chức …”)", sheet=self.ws.title)
        return []

    def _quota_rows(self, header_row: int, columns: dict[str, int]) -> list[tuple[int, dict[str, object]]]:
        result = []
        for index in range(header_row + 1, len(self.rows) + 1):
            cells = self.rows[index - 1]
            values = {h: (cells[c] if c < len(cells) else None) for h, c in columns.items()}
            name = nfc(values.get("Đơn vị"))
            code = nfc(values.get("Mã đơn vị"))
            if fold(name).startswith("tong cong") or fold(nfc(values.get("TT"))).startswith("tong"):
                break
            if not name and not code:
                if any(nfc(v) for v in values.values() if not str(v).startswith("=")):
                    result.append((index, values))
                    continue
                break
            result.append((index, values))
        return result


def _int_cell(value: object) -> int | None:
    """An integer from a cell: 15, 15.0, "15"; None for empty; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError
    text = nfc(value).replace(".", "").replace(" ", "")
    if text.lstrip("-").isdigit():
        return int(text)
    raise ValueError


def _number(value: object) -> Fraction:
    if isinstance(value, bool) or value is None:
        raise ValueError
    if isinstance(value, (int, float)):
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    text = nfc(value).replace(" ", "").replace(",", ".")
    return Fraction(text)  # ValueError if not a number


def _decimal_cell(value: object) -> str:
    """A decimal as exact text ("0.05"), from 0.05, "0,05" or "5 %"."""
    text = nfc(value).replace(" ", "")
    if text.endswith("%"):
        return decimal_text(_number(text[:-1]) / 100)
    return decimal_text(_number(value))


def _ratio_cell(value: object) -> str:
    """The reserve ratio from the “(%)” row: 20 → "0.2"; "20 %" too. A value below 1 is read as a
    fraction already (Excel stores 20 % typed in a percent-formatted cell as 0.2)."""
    if value is None or nfc(value) == "":
        return "0.2"
    text = nfc(value).replace(" ", "")
    number = _number(text[:-1]) if text.endswith("%") else _number(value)
    if text.endswith("%") or number >= 1 or number == 0:
        number = number / 100
    return decimal_text(number)


def read_plan_file(path: Path, *, resolve_unit: Callable[[str, str], str | None] | None = None) -> PlanFile:
    """Read a plan file. Never raises for the content: problems come back as issues."""
    from openpyxl import load_workbook

    path = Path(path)
    issues = IssueList()
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds: wrap once, here
        raise UserError(f"Không đọc được tệp “{path.name}”: không phải tệp Excel .xlsx hợp lệ.",
                        code="PLAN_201") from exc
    meta, units = _read_meta(wb)
    ws = next((s for s in wb.worksheets if fold(s.title) == fold(SHEET)), None)
    if ws is None or (meta.get("format") != FORMAT and not _has_plan_id(ws)):
        raise UserError(f"Tệp “{path.name}” không phải tệp kế hoạch khảo sát của SIPAS Desktop "
                        f"(không có trang tính “{SHEET}” với mã kế hoạch).", code="PLAN_202")
    if meta.get("format_version") and int(meta["format_version"]) > FORMAT_VERSION:
        raise UserError(f"Tệp “{path.name}” được tạo bằng phiên bản SIPAS Desktop mới hơn; hãy cập nhật "
                        "chương trình.", code="PLAN_204")
    reader = _Reader(ws, issues)
    values = reader.labelled()
    plan = _plan_from_values(reader, values, meta)
    quotas = _read_quotas(reader, units, resolve_unit)
    wb.close()
    if plan is None:
        return PlanFile(None, issues, units, reader.where)
    return PlanFile(replace(plan, quotas=tuple(quotas), source_file=path.name), issues, units,
                    reader.where)


def _has_plan_id(ws) -> bool:
    for cells in ws.iter_rows(values_only=True, max_col=1):
        if cells and fold(cells[0]) == fold(LABEL_OF["plan_id"]):
            return True
    return False


def _read_meta(wb) -> tuple[dict[str, object], tuple[UnitDef, ...]]:
    if META_SHEET not in wb.sheetnames:
        return {}, ()
    meta: dict[str, object] = {}
    units: list[UnitDef] = []
    in_units = False
    for cells in wb[META_SHEET].iter_rows(values_only=True):
        cells = list(cells) + [None] * 5
        if cells[0] == "unit_code":
            in_units = True
            continue
        if in_units and cells[0]:
            try:
                units.append(UnitDef(nfc(cells[0]), nfc(cells[1]), nfc(cells[2]), int(cells[3]),
                                     nfc(cells[4]) or None))
            except (TypeError, ValueError):
                continue  # a damaged definition only loses the automatic unit creation
        elif cells[0] and not in_units:
            meta[str(cells[0])] = cells[1]
    return meta, tuple(units)


def _plan_from_values(reader: _Reader, values: dict[str, object], meta: dict[str, object]) -> PlanData | None:
    err = reader.error
    visible_id = nfc(values.get("plan_id"))
    plan_id = nfc(meta.get("plan_id")) or visible_id
    if not plan_id:
        err("PLAN_205", "plan_id", "tệp không có mã kế hoạch")
        return None
    if visible_id and meta.get("plan_id") and visible_id != nfc(meta.get("plan_id")):
        err("PLAN_206", "plan_id", f"mã kế hoạch trên trang tính ({visible_id}) khác mã trong tệp "
            f"({plan_id}); dùng mã {plan_id}", Level.WARNING)
    dates: dict[str, date | None] = {}
    for key in ("window_from", "window_to", "sample_deadline", "report_deadline"):
        try:
            dates[key] = parse_date(values.get(key))
        except DateError as exc:
            err("PLAN_207", key, str(exc))
            dates[key] = None
    for key in ("window_from", "window_to"):
        if key not in values:
            err("PLAN_208", key, f"thiếu dòng “{LABEL_OF[key]}”")
        elif dates[key] is None and values.get(key) is None:
            err("PLAN_208", key, "chưa có ngày")
    flags: dict[str, bool] = {}
    for key in ("require_returned", "direct_only", "in_province_only"):
        text = fold(values.get(key))
        if text in _YES:
            flags[key] = True
        elif text in _NO:
            flags[key] = False
        else:
            err("PLAN_209", key, f"giá trị “{values.get(key)}” không hợp lệ; ghi “{YES}” hoặc “{NO}”")
            flags[key] = True
    numbers: dict[str, int | None] = {}
    for key in ("year", "min_age"):
        try:
            numbers[key] = _int_cell(values.get(key))
        except ValueError:
            err("PLAN_210", key, f"“{values.get(key)}” không phải số nguyên")
            numbers[key] = None
    try:
        ratio = _ratio_cell(values.get("reserve_ratio"))
    except ValueError:
        err("PLAN_211", "reserve_ratio", f"“{values.get('reserve_ratio')}” không phải số phần trăm")
        ratio = "0.2"
    try:
        margin = _decimal_cell(values.get("margin_e") if values.get("margin_e") is not None else "0.05")
    except ValueError:
        err("PLAN_211", "margin_e", f"“{values.get('margin_e')}” không phải số")
        margin = "0.05"
    basis = next((k for k, v in WINDOW_BASES.items() if fold(v) == fold(values.get("window_basis"))),
                 None)
    if basis is None:
        if values.get("window_basis") is not None:
            err("PLAN_212", "window_basis", f"“{values.get('window_basis')}” không hợp lệ; chọn "
                "“Ngày nhận hồ sơ” hoặc “Ngày trả kết quả”")
        basis = "received"
    fields_text = nfc(values.get("fields"))
    fields = () if fold(fields_text) in ("", fold(ALL_FIELDS), "tat ca linh vuc") else tuple(
        nfc(f) for f in fields_text.split(";") if nfc(f))
    window_from, window_to = dates["window_from"], dates["window_to"]
    if window_from is None or window_to is None:
        return None
    year = numbers["year"] or window_from.year
    return PlanData(
        plan_id=plan_id, title=nfc(values.get("title")), year=year, window_from=window_from,
        window_to=window_to, issuer_code=nfc(values.get("issuer_code")) or nfc(meta.get("issuer_code")),
        issuer_name=nfc(values.get("issuer_name")), legal_basis=nfc(values.get("legal_basis")),
        fields=fields, require_returned=flags["require_returned"], direct_only=flags["direct_only"],
        in_province_only=flags["in_province_only"], min_age=numbers["min_age"],
        form_id=nfc(values.get("form_id")), form_version=nfc(values.get("form_version")),
        reserve_ratio=ratio, margin_e=margin,
        sample_deadline=dates["sample_deadline"], report_deadline=dates["report_deadline"],
        window_basis=basis, origin="imported")


def _read_quotas(reader: _Reader, units: tuple[UnitDef, ...],
                 resolve_unit: Callable[[str, str], str | None] | None) -> list[QuotaRow]:
    rows: list[QuotaRow] = []
    sheet = reader.ws.title
    for index, values in reader.quota_table():
        code = nfc(values.get("Mã đơn vị"))
        name = nfc(values.get("Đơn vị"))
        if isinstance(values.get("Mã đơn vị"), (int, float)):
            code = _code_from_number(values["Mã đơn vị"], units)
        if not code and resolve_unit is not None:
            code = resolve_unit(code, name) or ""
        if not code:
            reader.issues.add("PLAN_214", f"không xác định được đơn vị “{name}”: cần mã đơn vị",
                              sheet=sheet, row=index, column="Mã đơn vị")
        numbers: dict[str, int | None] = {}
        for column in ("Cá nhân", "Tổ chức"):
            raw = values.get(column)
            try:
                numbers[column] = _int_cell(raw)
            except ValueError:
                reader.issues.add("PLAN_213", f"“{raw}” không phải số nguyên", sheet=sheet, row=index,
                                  column=column)
                numbers[column] = None
                continue
            if numbers[column] is not None and numbers[column] < 0:  # type: ignore[operator]
                reader.issues.add("PLAN_113", f"chỉ tiêu âm ({numbers[column]}) không hợp lệ",
                                  sheet=sheet, row=index, column=column)
        reader.where[f"quota[{len(rows)}].unit"] = (sheet, index, "Mã đơn vị")
        reader.where[f"quota[{len(rows)}].individuals"] = (sheet, index, "Cá nhân")
        reader.where[f"quota[{len(rows)}].organizations"] = (sheet, index, "Tổ chức")
        rows.append(QuotaRow(code, name, numbers["Cá nhân"], numbers["Tổ chức"],
                             nfc(values.get("Ghi chú"))))
    return rows


def _code_from_number(value: object, units: tuple[UnitDef, ...]) -> str:
    """Excel turns “01234” typed in a General cell into 1234: restore the zeros we know."""
    number = int(value) if isinstance(value, (int, float)) else 0
    for width in (5, 2, 3):
        candidate = f"{number:0{width}d}"
        if any(u.code == candidate for u in units) or models.Unit.get_or_none(
                models.Unit.code == candidate):
            return candidate
    return str(number)


def locator(reader_where: dict[str, Location]) -> Callable[[str], Location]:
    def locate(key: str) -> Location:
        return reader_where.get(key, (SHEET, None, LABEL_OF.get(key)))
    return locate
