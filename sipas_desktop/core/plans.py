"""Survey plans (kế hoạch khảo sát): the plan as data, its checks, and its place in the database.

A province or district office ("tong-hop") issues a plan for the communes below it, with a quota
table (TT · Đơn vị · Cá nhân · Tổ chức · Tổng · Ghi chú), and sends it as a plan file
(`plan_file.py`); a commune imports it and reads its own row. A commune without a plan file makes
a local plan with one row, its own. The plan's id is stable: it travels in the plan file, so a
file re-imported after staff edited its quotas in Excel updates the same plan.

`validate_plan` checks a plan however it arrived (form, CLI, file); callers give a `locate`
function so that an issue found in a file points at its sheet, row and column.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from fractions import Fraction

from sipas_desktop.core import models, sampling, settings
from sipas_desktop.core.db import atomic
from sipas_desktop.core.errors import IssueList, Level, NotFoundError, UserError
from sipas_desktop.core.plan_models import Draw, Plan, PlanQuota
from sipas_desktop.core.text import format_date, nfc

CURRENT_PLAN_KEY = "plan.current"
ANY_UNIT = "*"                       # a quota row for every unit not listed by name
ANY_UNIT_NAME = "Mọi đơn vị (chỉ tiêu chung)"
WINDOW_BASES = {"received": "Ngày nhận hồ sơ", "returned": "Ngày trả kết quả"}

Location = tuple[str | None, int | None, str | None]   # sheet, row, column
Locate = Callable[[str], Location]


@dataclass(frozen=True)
class QuotaRow:
    """One unit's quota; both numbers None: the size is computed from N by the formula."""

    unit_code: str
    unit_name: str
    individuals: int | None = None
    organizations: int | None = None
    note: str = ""

    @property
    def computed(self) -> bool:
        return self.individuals is None and self.organizations is None

    @property
    def total(self) -> int | None:
        return None if self.computed else (self.individuals or 0) + (self.organizations or 0)

    def as_quotas(self) -> dict[str, int | None] | None:
        if self.computed:
            return None
        return {sampling.INDIVIDUALS: self.individuals or 0,
                sampling.ORGANISATIONS: self.organizations or 0}


@dataclass(frozen=True)
class PlanData:
    plan_id: str
    title: str
    year: int
    window_from: date
    window_to: date
    issuer_code: str = ""
    issuer_name: str = ""
    legal_basis: str = ""
    fields: tuple[str, ...] = ()
    require_returned: bool = True
    direct_only: bool = True
    in_province_only: bool = True
    min_age: int | None = None
    form_id: str = ""
    form_version: str = ""
    reserve_ratio: str = "0.2"
    margin_e: str = "0.05"
    sample_deadline: date | None = None
    report_deadline: date | None = None
    window_basis: str = "received"
    quotas: tuple[QuotaRow, ...] = ()
    origin: str = "local"
    source_file: str = ""
    updated_at: datetime | None = field(default=None, compare=False)

    def rules(self) -> sampling.Rules:
        return sampling.Rules(self.window_from, self.window_to, self.fields, self.require_returned,
                              self.direct_only, self.in_province_only, self.min_age,
                              self.window_basis)

    def quota_for(self, unit_code: str | None) -> QuotaRow | None:
        """The unit's own row, else the row “*” (the same quota for every unit), else None."""
        own = next((q for q in self.quotas if unit_code and q.unit_code == unit_code), None)
        return own or next((q for q in self.quotas if q.unit_code == ANY_UNIT), None)

    @property
    def reserve_fraction(self) -> Fraction:
        return sampling.exact(self.reserve_ratio)

    @property
    def window_text(self) -> str:
        return f"{format_date(self.window_from)} – {format_date(self.window_to)}"

    @property
    def fields_text(self) -> str:
        return "; ".join(self.fields) if self.fields else "Tất cả lĩnh vực"


@dataclass(frozen=True)
class PlanSummary:
    plan_id: str
    title: str
    year: int
    issuer_name: str
    origin: str
    current: bool
    draws: int


def new_plan_id(year: int) -> str:
    return f"KH-{year}-{uuid.uuid4().hex[:10].upper()}"


# --- checks ---------------------------------------------------------------------------------

def _no_location(_key: str) -> Location:
    return None, None, None


def known_forms() -> dict[str, str] | None:
    """id → version of the questionnaires installed; None if the catalogue is unavailable."""
    try:
        from sipas_desktop.core.forms.catalog import available_forms
    except ImportError:  # the questionnaire module is not part of this build
        return None
    return {f.id: f.version for f in available_forms()}


def validate_plan(plan: PlanData, *, locate: Locate | None = None,
                  known_units: Callable[[str], bool] | None = None,
                  forms: dict[str, str] | None = None) -> IssueList:
    """Every problem of a plan at once; errors make it unusable, warnings are for a look."""
    where = locate or _no_location
    issues = IssueList()

    def add(code: str, key: str, message: str, level: Level = Level.ERROR) -> None:
        sheet, row, column = where(key)
        issues.add(code, message, level=level, sheet=sheet, row=row, column=column)

    if not nfc(plan.title):
        add("PLAN_101", "title", "chưa có tên kế hoạch")
    if not 2000 <= plan.year <= 2100:
        add("PLAN_102", "year", f"năm “{plan.year}” không hợp lệ")
    if plan.window_to < plan.window_from:
        add("PLAN_103", "window_to", f"thời gian kết thúc ({format_date(plan.window_to)}) trước "
            f"thời gian bắt đầu ({format_date(plan.window_from)})")
    if plan.window_basis not in WINDOW_BASES:
        add("PLAN_104", "window_basis", "cách tính thời gian phải là “Ngày nhận hồ sơ” hoặc "
            "“Ngày trả kết quả”")
    if plan.min_age is not None and not 0 < plan.min_age < 120:
        add("PLAN_105", "min_age", f"tuổi tối thiểu “{plan.min_age}” không hợp lệ")
    _check_decimal(plan.reserve_ratio, "reserve_ratio", 0, 1, True, add,
                   "tỷ lệ dự phòng phải từ 0 % đến 100 %")
    _check_decimal(plan.margin_e, "margin_e", 0, 1, False, add,
                   "sai số e phải lớn hơn 0 và nhỏ hơn 1 (ví dụ 0,05)")
    for key, deadline in (("sample_deadline", plan.sample_deadline),
                          ("report_deadline", plan.report_deadline)):
        if deadline is not None and deadline < plan.window_to:
            add("PLAN_106", key, f"hạn {format_date(deadline)} trước khi hết thời gian hồ sơ "
                f"({format_date(plan.window_to)})", Level.WARNING)
    _check_form(plan, forms if forms is not None else known_forms(), add)
    seen: set[str] = set()
    for index, quota in enumerate(plan.quotas):
        if not quota.unit_code:
            add("PLAN_110", f"quota[{index}].unit", f"không xác định được đơn vị “{quota.unit_name}”")
            continue
        if quota.unit_code in seen:
            add("PLAN_111", f"quota[{index}].unit", f"đơn vị mã “{quota.unit_code}” có hai dòng chỉ tiêu")
        seen.add(quota.unit_code)
        if quota.unit_code != ANY_UNIT and known_units is not None and not known_units(quota.unit_code):
            add("PLAN_112", f"quota[{index}].unit", f"không có đơn vị hành chính mã “{quota.unit_code}” "
                f"({quota.unit_name}); hãy thêm đơn vị hoặc sửa mã")
        for key, value in (("individuals", quota.individuals), ("organizations", quota.organizations)):
            if value is not None and value < 0:
                add("PLAN_113", f"quota[{index}].{key}", f"chỉ tiêu âm ({value}) không hợp lệ")
    return issues


def _check_decimal(text: str, key: str, low: int, high: int, inclusive: bool,
                   add: Callable[..., None], message: str) -> None:
    try:
        value = sampling.exact(text)
    except (ValueError, ZeroDivisionError):
        add("PLAN_107", key, message)
        return
    inside = low <= value <= high if inclusive else low < value < high
    if not inside:
        add("PLAN_107", key, message)


def _check_form(plan: PlanData, forms: dict[str, str] | None, add: Callable[..., None]) -> None:
    if not plan.form_id:
        add("PLAN_108", "form_id", "chưa chọn phiếu khảo sát (mã phiếu)")
        return
    if forms is None:
        add("PLAN_109", "form_id", "chưa kiểm tra được mã phiếu: chương trình chưa có danh mục phiếu",
            Level.WARNING)
        return
    if plan.form_id not in forms:
        known = ", ".join(sorted(forms)) or "không có"
        add("PLAN_108", "form_id", f"không có phiếu khảo sát mã “{plan.form_id}” (các phiếu hiện có: "
            f"{known})")
    elif plan.form_version and forms[plan.form_id] != plan.form_version:
        add("PLAN_109", "form_version", f"phiếu “{plan.form_id}” đang có phiên bản "
            f"{forms[plan.form_id]}, không phải {plan.form_version}", Level.WARNING)


def unit_exists(code: str) -> bool:
    return models.Unit.get_or_none(models.Unit.code == code) is not None


def raise_if_errors(issues: IssueList, what: str) -> None:
    if issues.errors:
        first = issues.errors[0]
        more = f" (và {len(issues.errors) - 1} lỗi khác)" if len(issues.errors) > 1 else ""
        raise UserError(f"{what}: {first}{more}. Chưa thay đổi gì.", code=first.code,
                        issues=list(issues.items))


# --- database -------------------------------------------------------------------------------

def save_plan(plan: PlanData) -> PlanData:
    """Insert or replace the plan (same id: same plan) and its quota table, in one transaction."""
    now = datetime.now()
    values = dict(title=nfc(plan.title), year=plan.year, issuer_code=plan.issuer_code,
                  issuer_name=plan.issuer_name, legal_basis=plan.legal_basis,
                  window_from=plan.window_from, window_to=plan.window_to,
                  window_basis=plan.window_basis, fields=json.dumps(list(plan.fields), ensure_ascii=False),
                  require_returned=plan.require_returned, direct_only=plan.direct_only,
                  in_province_only=plan.in_province_only, min_age=plan.min_age,
                  form_id=plan.form_id, form_version=plan.form_version,
                  reserve_ratio=plan.reserve_ratio, margin_e=plan.margin_e,
                  sample_deadline=plan.sample_deadline, report_deadline=plan.report_deadline,
                  origin=plan.origin, source_file=plan.source_file, updated_at=now)
    with atomic():
        row = Plan.get_or_none(Plan.plan_id == plan.plan_id)
        if row is None:
            Plan.create(plan_id=plan.plan_id, created_at=now, **values)
        else:
            Plan.update(**values).where(Plan.plan_id == plan.plan_id).execute()
        PlanQuota.delete().where(PlanQuota.plan == plan.plan_id).execute()
        for order, q in enumerate(plan.quotas, start=1):
            PlanQuota.create(plan=plan.plan_id, unit_code=q.unit_code, unit_name=q.unit_name,
                             individuals=q.individuals, organizations=q.organizations,
                             note=q.note, sort_order=order)
    return load_plan(plan.plan_id)


def load_plan(plan_id: str) -> PlanData:
    row = Plan.get_or_none(Plan.plan_id == plan_id)
    if row is None:
        raise NotFoundError(f"Không có kế hoạch mã “{plan_id}”.", code="PLAN_001")
    quotas = tuple(QuotaRow(q.unit_code, q.unit_name, q.individuals, q.organizations, q.note)
                   for q in PlanQuota.select().where(PlanQuota.plan == plan_id)
                   .order_by(PlanQuota.sort_order))
    return PlanData(plan_id=row.plan_id, title=row.title, year=row.year, window_from=row.window_from,
                    window_to=row.window_to, issuer_code=row.issuer_code, issuer_name=row.issuer_name,
                    legal_basis=row.legal_basis, fields=tuple(json.loads(row.fields or "[]")),
                    require_returned=row.require_returned, direct_only=row.direct_only,
                    in_province_only=row.in_province_only, min_age=row.min_age,
                    form_id=row.form_id, form_version=row.form_version,
                    reserve_ratio=row.reserve_ratio, margin_e=row.margin_e,
                    sample_deadline=row.sample_deadline, report_deadline=row.report_deadline,
                    window_basis=row.window_basis, quotas=quotas, origin=row.origin,
                    source_file=row.source_file, updated_at=row.updated_at)


def current_plan_id() -> str | None:
    plan_id = settings.get(CURRENT_PLAN_KEY)
    if plan_id and Plan.get_or_none(Plan.plan_id == plan_id):
        return plan_id
    return None


def set_current(plan_id: str) -> None:
    load_plan(plan_id)
    settings.put(CURRENT_PLAN_KEY, plan_id)


def current_plan() -> PlanData:
    plan_id = current_plan_id()
    if plan_id is None:
        raise UserError("Chưa có kế hoạch khảo sát. Hãy nhập tệp kế hoạch của cấp trên "
                        "(“sipas plan import”) hoặc lập kế hoạch của đơn vị (“sipas plan new”).",
                        code="PLAN_002")
    return load_plan(plan_id)


def list_plans() -> list[PlanSummary]:
    current = current_plan_id()
    result = []
    for row in Plan.select().order_by(Plan.year.desc(), Plan.created_at.desc()):
        draws = Draw.select().where(Draw.plan == row.plan_id).count()
        result.append(PlanSummary(row.plan_id, row.title, row.year, row.issuer_name, row.origin,
                                  row.plan_id == current, draws))
    return result


def with_quota(plan: PlanData, unit_code: str, individuals: int | None,
               organizations: int | None, note: str | None = None) -> PlanData:
    """The plan with one unit's quota changed (added if the unit had no row)."""
    rows = list(plan.quotas)
    for i, q in enumerate(rows):
        if q.unit_code == unit_code:
            rows[i] = replace(q, individuals=individuals, organizations=organizations,
                              note=q.note if note is None else note)
            break
    else:
        name = models.Unit.get_or_none(models.Unit.code == unit_code)
        rows.append(QuotaRow(unit_code, name.name if name else unit_code, individuals, organizations,
                             note or ""))
    return replace(plan, quotas=tuple(rows))
