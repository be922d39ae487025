"""Responses to and from spreadsheets: the per-questionnaire template, import, export.

Other channels (a kiosk, a web form, a partner office keying on its own machine) send answers in
the template this module generates for a questionnaire: sheet “Phiếu”, row 1 the column keys
(`so_phieu`, `ma_phieu`, `phien_ban`, then one column per question id, in paper order), row 2
the human labels, data from row 3. An export has the same layout (plus status columns), so an
export can be imported elsewhere. A .csv with the same row 1 is accepted too.

Import runs the same checks as keyed entry on every row (codes, required answers, skip
conditions, printed range, duplicates, questionnaire and version) and reports each problem with
its sheet, row and column. Default is all-or-nothing; `keep_valid=True` stores the good rows and
refuses the others. Either way the database is written in one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee

from sipas_desktop.core.db import atomic, chunk_size
from sipas_desktop.core.entry.models import Response, ResponseChange
from sipas_desktop.core.entry.numbers import format_number, is_valid
from sipas_desktop.core.entry.responses import (
    ResponseInfo,
    dumps,
    issued_form,
    keyed_numbers,
    list_responses,
)
from sipas_desktop.core.errors import Issue, IssueList, Level, UserError
from sipas_desktop.core.files import save_workbook
from sipas_desktop.core.forms.schema import Form, Question
from sipas_desktop.core.forms.validation import clean_answers, field_count, validate_answers
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.text import nfc

SHEET = "Phiếu"
FIXED = ("so_phieu", "ma_phieu", "phien_ban")
FIXED_LABELS = ("Số phiếu", "Mã phiếu", "Phiên bản")
EXTRA = ("trang_thai", "nguoi_nhap", "thoi_diem_nhap")
EXTRA_LABELS = ("Trạng thái", "Người nhập", "Thời điểm nhập")
FIRST_DATA_ROW = 3


@dataclass
class ImportResult:
    imported: int = 0
    refused: int = 0
    rows: int = 0
    held_back: int = 0          # valid rows not stored because another row had an error
    issues: list[Issue] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "refused": self.refused, "rows": self.rows,
                "held_back": self.held_back, "issues": [i.to_dict() for i in self.issues]}


def _label(form: Form, q: Question) -> str:
    text = q.text if len(q.text) <= 70 else q.text[:69] + "…"
    if q.type in ("single", "scale"):
        codes = ", ".join(str(c) for c in q.codes)
        hint = f"{codes}; {form.no_answer_code} = không trả lời"
    elif q.type == "multiple":
        hint = "các mã cách nhau bằng dấu ;"
    elif q.type == "integer":
        hint = f"số {q.min if q.min is not None else ''}–{q.max if q.max is not None else ''}"
    else:
        hint = "chữ"
    return f"Câu {q.number}. {text} ({hint})"


def _cell_value(q: Question, value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def _write_book(out: Path, form: Form, responses: list[ResponseInfo], *, template: bool,
                plan_id: str, unit_code: str) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    keys = list(FIXED) + [q.id for q in form.questions] + ([] if template else list(EXTRA))
    labels = list(FIXED_LABELS) + [_label(form, q) for q in form.questions] + \
        ([] if template else list(EXTRA_LABELS))
    ws.append(keys)
    ws.append(labels)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEEEEE")
    for cell in ws[1]:
        cell.font = Font(color="888888", size=9)
    for cell in ws[2]:
        cell.font, cell.fill = bold, grey
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[2].height = 75
    ws.freeze_panes = "D3"
    ws.column_dimensions["A"].width = 12
    for r in responses:
        row = [format_number(r.number), r.form_id, r.form_version]
        row += [_cell_value(q, r.answers.get(q.id)) for q in form.questions]
        row += [r.status_label, r.keyed_by, r.keyed_at.strftime("%d/%m/%Y %H:%M")]
        ws.append(row)
    if template:
        last = 2000
        for col, q in enumerate(form.questions, start=len(FIXED) + 1):
            if q.type in ("single", "scale"):
                allowed = ",".join(str(c) for c in list(q.codes) + [form.no_answer_code])
                dv = DataValidation(type="list", formula1=f'"{allowed}"', allow_blank=True,
                                    error="Mã không hợp lệ", errorTitle="SIPAS", showErrorMessage=True)
                ws.add_data_validation(dv)
                letter = ws.cell(row=1, column=col).column_letter
                dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        _guide_sheet(wb.create_sheet("Hướng dẫn"), form, plan_id, unit_code)
    return save_workbook(wb, out, code="RESP_IMP_020")


def _guide_sheet(ws, form: Form, plan_id: str, unit_code: str) -> None:
    from openpyxl.styles import Font

    lines = [
        f"Mẫu nhập kết quả phiếu: {form.title}",
        f"Mã phiếu: {form.id} — phiên bản {form.version}. Kế hoạch: {plan_id or '(chưa có)'}. "
        f"Đơn vị: {unit_code}.",
        "Mỗi phiếu một dòng trên trang “Phiếu”, từ dòng 3. Không sửa dòng 1 (mã cột).",
        "Cột so_phieu: số in trên phiếu, ví dụ 000123-4 (có số kiểm tra), hoặc chỉ số 123.",
        f"Cột ma_phieu và phien_ban: ghi đúng “{form.id}” và “{form.version}”.",
        f"Câu chọn một: ghi mã của ô được đánh dấu; để trống hoặc hỏng thì ghi {form.no_answer_code} "
        "(không trả lời).",
        "Câu chọn nhiều: ghi các mã cách nhau bằng dấu chấm phẩy, ví dụ 1;3;5.",
        "Câu được bỏ qua theo điều kiện: để trống.",
        "",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append(["Cột (mã câu)", "Câu", "Nội dung", "Loại", "Mã và ý nghĩa", "Bắt buộc", "Bỏ qua khi"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    kinds = {"single": "chọn một", "scale": "thang đo", "multiple": "chọn nhiều", "integer": "số",
             "text": "chữ"}
    for q in form.questions:
        codes = "; ".join(f"{c.code} = {c.label}" for c in q.choices)
        skips = "; ".join(f"câu {form.question(c.question).number} = {', '.join(map(str, c.codes))}"
                          for c in q.skip_if)
        ws.append([q.id, q.number, q.text, kinds.get(q.type, q.type), codes, "có" if q.required else "không",
                   skips])
    for letter, width in zip("ABCDEFG", (16, 7, 60, 11, 60, 9, 20), strict=True):
        ws.column_dimensions[letter].width = width


def write_template(form: Form, out: Path | str, *, plan_id: str = "", unit_code: str = "") -> Path:
    return _write_book(Path(out), form, [], template=True, plan_id=plan_id, unit_code=unit_code)


def export_responses(out: Path | str, plan_id: str, unit_code: str, form: Form) -> tuple[Path, int]:
    """Every response of the plan and unit keyed on `form` (its version), in the template layout."""
    rows = [r for r in list_responses(plan_id, unit_code)
            if (r.form_id, r.form_version) == (form.id, form.version)]
    path = _write_book(Path(out), form, rows, template=False, plan_id=plan_id, unit_code=unit_code)
    return path, len(rows)


# --- reading ----------------------------------------------------------------------------------

def _read_rows(path: Path) -> tuple[str, list[list[Any]]]:
    """(sheet name, rows) of the file's data sheet: .xlsx via openpyxl, .csv (UTF-8, , or ;)."""
    if not path.exists():
        raise UserError(f"Không tìm thấy tệp “{path}”.", code="RESP_IMP_001")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(f"Tệp “{path.name}” không phải văn bản UTF-8; hãy lưu CSV với bảng mã UTF-8.",
                            code="RESP_IMP_002") from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return path.stem, [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    if suffix not in (".xlsx", ".xlsm"):
        raise UserError(f"Tệp “{path.name}”: chỉ nhập được .xlsx hoặc .csv.", code="RESP_IMP_003")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file; wrapped once, here
        raise UserError(f"Tệp “{path.name}” không đọc được như bảng tính Excel ({type(exc).__name__}).",
                        code="RESP_IMP_004") from exc
    try:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        return ws.title, rows
    finally:
        wb.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _parse_number(value: Any) -> int | None:
    if isinstance(value, str) and "-" in value.strip():
        head, _, check = value.strip().rpartition("-")
        number, digit = _to_int(head), _to_int(check)
        if number is None or digit is None or not 0 <= digit <= 9 or not is_valid(number, digit):
            return None
        return number
    number = _to_int(value)
    return number if number is not None and number > 0 else None


def _parse_answer(form: Form, q: Question, value: Any) -> tuple[bool, Any, str | None]:
    """(present, value, error message) for one cell."""
    if q.type == "multiple":
        if _blank(value):
            return True, [], None
        parts = [p for p in str(value).replace(",", ";").replace(" ", ";").split(";") if p]
        codes = [_to_int(p) for p in parts] if not isinstance(value, int | float) else [_to_int(value)]
        if any(c is None for c in codes):
            return True, None, f"“{value}” không phải danh sách mã (ví dụ 1;3)"
        return True, codes, None
    if _blank(value):
        if q.type == "integer":
            return True, None, None
        if q.type == "text":
            return True, "", None
        return False, None, None
    if q.type == "text":
        return True, nfc(value), None
    number = _to_int(value)
    if number is None:
        return True, None, f"“{value}” không phải số nguyên"
    return True, number, None


def import_responses(path: Path | str, plan_id: str, unit_code: str, form: Form, *, by: str = "",
                     keep_valid: bool = False, allow_unprinted: bool = False,
                     progress: Progress | None = None) -> ImportResult:
    """Check every row, then store all of them (or, with keep_valid, the good ones) at once."""
    path = Path(path)
    sheet, rows = _read_rows(path)
    issues = IssueList()
    result = ImportResult()
    if not rows or "so_phieu" not in [str(c).strip() for c in rows[0] if c is not None]:
        raise UserError(f"Tệp “{path.name}” không theo mẫu nhập phiếu (dòng 1 phải có các mã cột so_phieu, "
                        "ma_phieu, phien_ban, …). Hãy tạo mẫu bằng “sipas responses template”.",
                        code="RESP_IMP_005")
    header = [str(c).strip() if c is not None else "" for c in rows[0]]
    col = {key: i for i, key in enumerate(header) if key}
    for key in header:
        if key and key not in FIXED and key not in EXTRA and not form.has_question(key):
            issues.add("RESP_IMP_006", f"cột “{key}” không phải câu của phiếu {form.id}; bỏ qua",
                       level=Level.WARNING, sheet=sheet, row=1, column=key)
    for q in form.questions:
        if q.id not in col and q.required:
            issues.add("RESP_IMP_007", f"thiếu cột của câu {q.number} ({q.id})", sheet=sheet, row=1,
                       column=q.id)
    start = 1
    if len(rows) > 1 and _parse_number(rows[1][col["so_phieu"]] if col["so_phieu"] < len(rows[1]) else None) \
            is None:
        start = 2   # row 2 holds the labels
    keyed = keyed_numbers(plan_id, unit_code)
    seen: dict[int, int] = {}
    good: list[tuple[int, dict[str, Any]]] = []
    data = rows[start:]
    for index, cells in enumerate(data):
        excel_row = start + index + 1
        if all(_blank(c) for c in cells):
            continue
        result.rows += 1
        before = len(issues.errors)
        number = _check_row_head(cells, col, form, excel_row, sheet, issues, seen, keyed, plan_id, unit_code,
                                 allow_unprinted)
        answers: dict[str, Any] = {}
        for q in form.questions:
            if q.id not in col:
                continue
            cell = cells[col[q.id]] if col[q.id] < len(cells) else None
            present, value, error = _parse_answer(form, q, cell)
            if error:
                issues.add("RESP_009", f"câu {q.number}: {error}", sheet=sheet, row=excel_row, column=q.id)
            elif present:
                answers[q.id] = value
        if len(issues.errors) == before:
            for p in validate_answers(form, answers):
                issues.add(p.code, p.message, sheet=sheet, row=excel_row, column=p.question)
        if len(issues.errors) > before or number is None:
            result.refused += 1
        else:
            good.append((number, clean_answers(form, answers)))
        report(progress, index + 1, len(data), f"Đã kiểm tra {index + 1}/{len(data)} dòng")
    if issues.errors and not keep_valid:
        result.held_back = len(good)
        good = []
    if good:
        _store(good, plan_id, unit_code, form, by, f"import:{path.name}")
    result.imported = len(good)
    result.numbers = [n for n, _ in good]
    result.issues = list(issues.items)
    return result


def _check_row_head(cells: list[Any], col: dict[str, int], form: Form, row: int, sheet: str,
                    issues: IssueList, seen: dict[int, int], keyed: set[int], plan_id: str, unit_code: str,
                    allow_unprinted: bool) -> int | None:
    def cell(key: str) -> Any:
        return cells[col[key]] if key in col and col[key] < len(cells) else None

    raw = cell("so_phieu")
    number = _parse_number(raw)
    if number is None:
        issues.add("RESP_IMP_010", f"số phiếu “{raw if raw is not None else ''}” không hợp lệ (ví dụ "
                   "000123-4 hoặc 123)", sheet=sheet, row=row, column="so_phieu")
    form_id, version = nfc(cell("ma_phieu")), nfc(cell("phien_ban"))
    if (form_id, version) != (form.id, form.version):
        issues.add("RESP_IMP_011", f"phiếu “{form_id} {version}” không phải mẫu đang nhập "
                   f"({form.id} phiên bản {form.version})", sheet=sheet, row=row, column="ma_phieu")
    if number is None:
        return None
    text = format_number(number)
    if number in seen:
        issues.add("RESP_IMP_012", f"số phiếu {text} trùng với dòng {seen[number]}", sheet=sheet, row=row,
                   column="so_phieu")
        return None
    seen[number] = row
    if number in keyed:
        issues.add("RESP_IMP_013", f"số phiếu {text} đã có trong dữ liệu", sheet=sheet, row=row,
                   column="so_phieu")
        return None
    printed = issued_form(plan_id, unit_code, number)
    if printed is None and not allow_unprinted:
        issues.add("RESP_IMP_014", f"số phiếu {text} không có trong các số đã in cho đơn vị này",
                   sheet=sheet, row=row, column="so_phieu")
        return None
    if printed is not None and printed != (form.id, form.version):
        issues.add("RESP_IMP_015", f"số phiếu {text} được in cho mẫu {printed[0]} phiên bản {printed[1]}",
                   sheet=sheet, row=row, column="so_phieu")
        return None
    return number


def _store(good: list[tuple[int, dict[str, Any]]], plan_id: str, unit_code: str, form: Form, by: str,
           source: str) -> None:
    now = datetime.now()
    responses = [dict(plan_id=plan_id, unit_code=unit_code, number=n, form_id=form.id,
                      form_version=form.version, answers=dumps(a), status="keyed", source=source,
                      keyed_by=by, keyed_at=now, seconds=None, fields=field_count(form, a),
                      updated_at=now, updated_by=by) for n, a in good]
    audit = [dict(plan_id=plan_id, unit_code=unit_code, number=n, at=now, user=by, action="import",
                  question_id="", old=None, new=dumps(a)) for n, a in good]
    try:
        with atomic():
            for rows, model in ((responses, Response), (audit, ResponseChange)):
                size = chunk_size(len(rows[0]))
                for i in range(0, len(rows), size):
                    model.insert_many(rows[i:i + size]).execute()
    except peewee.IntegrityError as exc:   # someone keyed one of these numbers meanwhile
        raise UserError("Có số phiếu vừa được nhập ở nơi khác trong lúc nhập tệp; chưa nhập gì, hãy "
                        "nhập lại tệp.", code="RESP_IMP_016") from exc
