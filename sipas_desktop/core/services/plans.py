"""Services for plans and samples: one function per user action, for the GUI and the CLI alike.

Plain arguments in, frozen dataclasses out, `SipasError` raised; nothing here hands a peewee
model across. The office (unit and role, `services.app`) decides whose quota applies: a commune
draws for itself; a province or district office issues plans for the communes below it.
"""

from __future__ import annotations

import getpass
import secrets
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sipas_desktop.core import plan_file, plans, sample_store, sampling, settings, units
from sipas_desktop.core.db import atomic
from sipas_desktop.core.errors import Issue, UserError
from sipas_desktop.core.models import Unit
from sipas_desktop.core.plans import ANY_UNIT, ANY_UNIT_NAME, PlanData, PlanSummary, QuotaRow
from sipas_desktop.core.progress import Progress, report
from sipas_desktop.core.services.app import OfficeInfo, get_office
from sipas_desktop.core.text import fold, nfc


@dataclass(frozen=True)
class PlanImport:
    plan: PlanData
    warnings: tuple[Issue, ...]
    added_units: tuple[str, ...]
    updated: bool                 # a plan with this id was already here


@dataclass(frozen=True)
class PopulationView:
    plan: PlanData
    unit_code: str
    population: sampling.Population
    quota: QuotaRow | None

    @property
    def N(self) -> int:
        return self.population.N

    def counts(self) -> dict[str, int]:
        return self.population.counts()

    def excluded_counts(self) -> dict[str, int]:
        return self.population.excluded_counts()


@dataclass(frozen=True)
class SampleView:
    plan: PlanData
    unit_code: str
    unit_name: str
    draw: sample_store.DrawInfo
    entries: tuple[sample_store.EntryInfo, ...]
    counts: sample_store.SampleCounts
    substitutions: tuple[sample_store.SubstitutionInfo, ...]

    def main(self) -> list[sample_store.EntryInfo]:
        return [e for e in self.entries if e.role == sample_store.MAIN]

    def reserve(self) -> list[sample_store.EntryInfo]:
        return [e for e in self.entries if e.role == sample_store.RESERVE]


def current_user() -> str:
    """Who is working: the name set in the program's settings, else the Windows/Linux login."""
    name = settings.get("office.user")
    if name:
        return name
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (service accounts, some containers)
        return ""


def _office_code(office: OfficeInfo) -> str | None:
    return office.unit.code if office.unit else None


# --- plans ----------------------------------------------------------------------------------

def default_quotas(office: OfficeInfo, individuals: int | None,
                   organizations: int | None) -> tuple[QuotaRow, ...]:
    """A commune: its own row. An aggregating office: one row per commune below it. No office:
    one row “*” for any unit."""
    if office.unit is None:
        if individuals is None and organizations is None:
            return ()
        return (QuotaRow(ANY_UNIT, ANY_UNIT_NAME, individuals, organizations),)
    if office.role == "tong-hop":
        codes = units.descendants(office.unit.code)
        rows = Unit.select().where(Unit.code.in_(list(codes)) & (Unit.level == 3))
        ordered = sorted(rows, key=lambda u: (u.parent or "", u.code))
        return tuple(QuotaRow(u.code, u.name, individuals, organizations) for u in ordered)
    return (QuotaRow(office.unit.code, office.unit.name, individuals, organizations),)


def create_plan(title: str, window_from: date, window_to: date, form_id: str, *,
                year: int | None = None, fields: tuple[str, ...] | list[str] = (),
                individuals: int | None = None, organizations: int | None = None,
                reserve_ratio: str = "0.2", legal_basis: str = "", min_age: int | None = None,
                require_returned: bool = True, direct_only: bool = True,
                in_province_only: bool = True, form_version: str = "", margin_e: str = "0.05",
                sample_deadline: date | None = None, report_deadline: date | None = None,
                window_basis: str = "received") -> PlanData:
    """A new plan for this office (its communes' quota table, or its own row); becomes current."""
    office = get_office()
    forms = plans.known_forms()
    if forms and form_id in forms and not form_version:
        form_version = forms[form_id]
    issuer = office.unit
    plan = PlanData(
        plan_id=plans.new_plan_id(year or window_from.year), title=nfc(title),
        year=year or window_from.year, window_from=window_from, window_to=window_to,
        issuer_code=issuer.code if issuer else "",
        issuer_name=(f"UBND {issuer.name}" if issuer else ""), legal_basis=nfc(legal_basis),
        fields=tuple(nfc(f) for f in fields if nfc(f)), require_returned=require_returned,
        direct_only=direct_only, in_province_only=in_province_only, min_age=min_age,
        form_id=nfc(form_id), form_version=nfc(form_version),
        reserve_ratio=_decimal(reserve_ratio, "tỷ lệ dự phòng"), margin_e=_decimal(margin_e, "sai số e"),
        sample_deadline=sample_deadline, report_deadline=report_deadline, window_basis=window_basis,
        quotas=default_quotas(office, individuals, organizations),
        origin="issued" if office.role == "tong-hop" else "local")
    return save_plan(plan)


def _decimal(value: object, what: str) -> str:
    try:
        return sampling.decimal_text(sampling.exact(str(value).replace(",", ".").strip()))
    except (ValueError, ZeroDivisionError):
        raise UserError(f"Giá trị {what} “{value}” không phải số.", code="PLAN_120") from None


def save_plan(plan: PlanData) -> PlanData:
    """Check and store a plan (new, or edited in the GUI); it becomes the current plan."""
    issues = plans.validate_plan(plan, known_units=plans.unit_exists)
    plans.raise_if_errors(issues, "Kế hoạch chưa hợp lệ")
    with atomic():
        saved = plans.save_plan(plan)
        plans.set_current(saved.plan_id)
    return saved


def set_quota(unit_code: str, individuals: int | None, organizations: int | None,
              note: str | None = None) -> PlanData:
    """Change one unit's quota in the current plan."""
    return save_plan(plans.with_quota(plans.current_plan(), unit_code, individuals, organizations, note))


def _resolve_unit_by_name(_code: str, name: str) -> str | None:
    """A quota row without a code: the unit whose name matches, if exactly one does."""
    if not name:
        return None
    found = list(Unit.select(Unit.code).where(Unit.name_fold == fold(name)).limit(2))
    return found[0].code if len(found) == 1 else None


def import_plan_file(path: Path | str) -> PlanImport:
    """Read a plan file, check it, store it (same id: update) and make it current.

    All or nothing: any error leaves the database as it was and lists every problem with where
    it is. Old units defined in the file and missing here are added (marked historical).
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"Không có tệp “{path}”.", code="PLAN_200")
    read = plan_file.read_plan_file(path, resolve_unit=_resolve_unit_by_name)
    defined = {u.code: u for u in read.units}
    issues = read.issues
    if read.plan is None:
        plans.raise_if_errors(issues, f"Tệp kế hoạch “{path.name}” có lỗi")
        raise UserError(f"Tệp kế hoạch “{path.name}” không đọc được.", code="PLAN_215")
    plan = read.plan
    # the readers' locations let the semantic checks point at cells too
    checked = plans.validate_plan(plan, locate=plan_file.locator(read.locations),
                                  known_units=lambda c: plans.unit_exists(c) or c in defined)
    issues.items.extend(checked.items)
    office = get_office()
    mine = _office_code(office)
    if office.role == "xa" and mine and plan.quotas and plan.quota_for(mine) is None:
        name = office.unit.name if office.unit else mine
        issues.add("PLAN_220", f"kế hoạch không giao chỉ tiêu cho {name} (mã {mine}); kiểm tra lại "
                   "tệp hoặc hỏi cơ quan ban hành", sheet=plan_file.SHEET)
    plans.raise_if_errors(issues, f"Tệp kế hoạch “{path.name}” có lỗi")
    existing = plans.Plan.get_or_none(plans.Plan.plan_id == plan.plan_id)
    if existing is not None and existing.origin == "issued":
        plan = replace(plan, origin="issued")   # the issuing office re-reads its own edited file
    added: list[str] = []
    with atomic():
        for code in _missing_units(plan, defined):
            u = defined[code]
            Unit.create(code=u.code, name=u.name, kind=u.kind, level=u.level, parent=u.parent,
                        builtin=False, historical=True, name_fold=fold(u.name))
            added.append(code)
        saved = plans.save_plan(plan)
        plans.set_current(saved.plan_id)
    return PlanImport(saved, tuple(issues.warnings), tuple(added), existing is not None)


def _missing_units(plan: PlanData, defined: dict[str, plan_file.UnitDef]) -> list[str]:
    """Codes to create, parents before children."""
    wanted: list[str] = []
    for q in plan.quotas:
        code: str | None = q.unit_code
        chain: list[str] = []
        while code and code in defined and not plans.unit_exists(code) and code not in wanted:
            chain.append(code)
            code = defined[code].parent
        wanted.extend(reversed(chain))
    return wanted


def export_plan_file(path: Path | str, plan_id: str | None = None) -> Path:
    plan = plans.load_plan(plan_id) if plan_id else plans.current_plan()
    return plan_file.write_plan_file(plan, Path(path))


def current_plan() -> PlanData:
    return plans.current_plan()


def current_plan_or_none() -> PlanData | None:
    plan_id = plans.current_plan_id()
    return plans.load_plan(plan_id) if plan_id else None


def list_plans() -> list[PlanSummary]:
    return plans.list_plans()


def set_current_plan(plan_id: str) -> PlanData:
    plans.set_current(plan_id)
    return plans.load_plan(plan_id)


# --- population and draw --------------------------------------------------------------------

def _quota_for_office(plan: PlanData, office: OfficeInfo) -> QuotaRow | None:
    code = _office_code(office)
    quota = plan.quota_for(code)
    if quota is None and plan.quotas and code is not None:
        raise UserError(f"Kế hoạch “{plan.title}” không giao chỉ tiêu cho đơn vị mã {code}; không chọn "
                        "mẫu được.", code="PLAN_220")
    return quota


def population(progress: Progress | None = None) -> PopulationView:
    """The population list of the current plan for this office, with every exclusion."""
    plan = plans.current_plan()
    office = get_office()
    rows = sample_store.load_log_rows(progress)
    report(progress, 0, 1, "Đang lập danh sách tổng thể…")
    pop = sampling.build_population(rows, plan.rules())
    report(progress, 1, 1, "Đã lập danh sách tổng thể.")
    return PopulationView(plan, _office_code(office) or "", pop, plan.quota_for(_office_code(office)))


def new_seed() -> int:
    """A seed for a draw nobody gave one for: six digits, easy to write on the sample sheet."""
    return 100_000 + secrets.randbelow(900_000)


def draw_sample(seed: int | None = None, *, reason: str = "", by: str | None = None,
                progress: Progress | None = None) -> SampleView:
    """Draw the main and reserve lists for the current plan and store them as the current draw.

    The first draw needs no reason; any later draw of the same plan does (it is kept in the
    history next to the earlier ones). Same log, plan and seed: the same lists.
    """
    plan = plans.current_plan()
    office = get_office()
    unit_code = _office_code(office) or ""
    quota = _quota_for_office(plan, office)
    previous = sample_store.current_draw(plan.plan_id, unit_code)
    reason = nfc(reason)
    if previous is not None and not reason:
        raise UserError(f"Đã chọn mẫu lần trước (lúc {previous.drawn_at:%H:%M %d/%m/%Y}, hạt giống "
                        f"{previous.seed}). Chọn lại phải ghi lý do.", code="SAMPLE_010")
    if seed is None:
        seed = new_seed()
    if seed < 0:
        raise UserError("Hạt giống (seed) phải là số nguyên không âm.", code="SAMPLE_011")
    rows = sample_store.load_log_rows(progress)
    pop = sampling.build_population(rows, plan.rules())
    sizes = sampling.stratum_sizes(pop.counts(), quota.as_quotas() if quota else None,
                                   sampling.exact(plan.margin_e))
    result = sampling.draw(pop, sizes, seed, plan.reserve_fraction)
    report(progress, 1, 1, "Đang lưu danh sách mẫu…")
    sample_store.save_draw(plan.plan_id, unit_code, pop, result, plan.rules(),
                           by=by if by is not None else current_user(),
                           reason=reason or "Chọn mẫu lần đầu")
    return sample_view()


def sample_view() -> SampleView:
    """The current draw of the current plan with its lists, statuses and counts."""
    plan = plans.current_plan()
    office = get_office()
    unit_code = _office_code(office) or ""
    draw = sample_store.current_draw(plan.plan_id, unit_code)
    if draw is None:
        raise UserError("Chưa chọn mẫu cho kế hoạch hiện hành. Chạy “sipas sample draw --seed S” "
                        "hoặc bấm “Chọn mẫu”.", code="SAMPLE_012")
    name = office.unit.name if office.unit else ""
    return SampleView(plan, unit_code, name, draw, tuple(sample_store.entries(draw.id)),
                      sample_store.counts(draw.id), tuple(sample_store.substitutions(draw.id)))


def sample_view_or_none() -> SampleView | None:
    try:
        return sample_view()
    except UserError:
        return None


def history() -> list[sample_store.DrawInfo]:
    plan = plans.current_plan()
    return sample_store.history(plan.plan_id, _office_code(get_office()) or "")


def set_status(code: str, status: str, note: str | None = None) -> sample_store.EntryInfo:
    view = sample_view()
    return sample_store.set_status(view.draw.id, nfc(code), status, note=note, by=current_user())


def replace_entry(code: str, reason: str) -> sample_store.EntryInfo:
    """Replace someone by the next reserve of the same stratum; returns the reserve called up."""
    view = sample_view()
    return sample_store.replace(view.draw.id, nfc(code), reason, by=current_user())


# --- files ----------------------------------------------------------------------------------

def export_sample(path: Path | str) -> Path:
    """The sample sheet as .xlsx or .pdf (by the file's extension)."""
    from sipas_desktop.core.reporting import sample_sheet

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError(f"Chỉ xuất được tệp .xlsx hoặc .pdf (không phải “{path.suffix or path.name}”).",
                        code="SAMPLE_020")
    view = sample_view()
    sheet = sample_sheet.build_sheet(view)
    if suffix == ".pdf":
        return sample_sheet.write_pdf(sheet, path)
    return sample_sheet.write_xlsx(sheet, path)


def export_population(path: Path | str, progress: Progress | None = None) -> Path:
    """The population list (per stratum, in frame order) and the excluded dossiers, as .xlsx."""
    from sipas_desktop.core.reporting import sample_sheet

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("Danh sách tổng thể xuất ra tệp .xlsx.", code="SAMPLE_021")
    view = population(progress)
    return sample_sheet.write_population_xlsx(view, path)
