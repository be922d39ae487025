"""Draws, sample lists and substitutions in the database; the dossier log read for sampling.

Every draw is kept (who, when, why, seed and every number of the method); only the latest draw
of a plan and unit is "current". A sample entry keeps a copy of what the sample sheet prints, so
the sheet of an old draw does not change when the log is edited later. Status changes and
substitutions are written with their author to the audit trail / substitution log.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from sipas_desktop.core import models, sampling
from sipas_desktop.core.db import atomic, chunk_size, database
from sipas_desktop.core.errors import NotFoundError, UserError
from sipas_desktop.core.plan_models import Draw, SampleEntry, Substitution
from sipas_desktop.core.progress import Progress, report

MAIN, RESERVE = "main", "reserve"
ROLE_LABELS = {MAIN: "Mẫu chính", RESERVE: "Dự phòng"}
STATUSES = {
    "chua_phat": "Chưa phát",
    "da_phat": "Đã phát",
    "da_thu": "Đã thu",
    "tu_choi": "Từ chối",
    "khong_lien_lac": "Không liên lạc được",
}
FRAME_ORDER_TEXT = "ngày nhận hồ sơ tăng dần, cùng ngày thì theo mã hồ sơ"


@dataclass(frozen=True)
class StratumMethod:
    stratum: str
    N: int
    quota: int | None
    n: int
    transferred_in: int
    k: Fraction
    start: Fraction
    reserve_N: int
    reserve_n: int
    reserve_k: Fraction
    reserve_start: Fraction
    note: str

    @property
    def label(self) -> str:
        return sampling.STRATUM_LABELS[self.stratum]


@dataclass(frozen=True)
class DrawInfo:
    id: int
    plan_id: str
    unit_code: str
    seed: int
    drawn_at: datetime
    drawn_by: str
    reason: str
    current: bool
    N: int
    n: int
    reserve_ratio: str
    frame_digest: str
    strata: tuple[StratumMethod, ...]
    excluded: dict[str, int]
    rules: dict[str, object]


@dataclass(frozen=True)
class EntryInfo:
    code: str
    stratum: str
    role: str
    order: int
    position: int
    active: bool
    status: str
    replaces: str | None
    replaced_by: str | None
    note: str
    applicant_name: str
    applicant_type: str
    address: str
    phone: str
    field_name: str
    procedure_name: str
    received_date: date | None
    returned_date: date | None

    @property
    def status_text(self) -> str:
        text = STATUSES.get(self.status, self.status)
        if self.replaced_by:
            if self.status == "chua_phat":
                return f"Đã thay bằng {self.replaced_by}"
            return f"{text}; đã thay bằng {self.replaced_by}"
        if self.replaces:
            return f"{text}; thay cho {self.replaces}"
        return text

    @property
    def used(self) -> bool:
        """A reserve already called up (or a main entry)."""
        return self.role == MAIN or self.active or bool(self.replaced_by) or bool(self.replaces)


@dataclass(frozen=True)
class StratumCounts:
    stratum: str
    planned: int
    issued: int          # đã phát or đã thu, among the people on the list now
    returned: int        # đã thu
    refused: int         # từ chối (anyone, replaced or not)
    unreachable: int     # không liên lạc được
    substitutions: int
    reserve_left: int


@dataclass(frozen=True)
class SampleCounts:
    strata: tuple[StratumCounts, ...]

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.strata)

    @property
    def response_rate(self) -> float | None:
        planned = self.total("planned")
        return 100.0 * self.total("returned") / planned if planned else None


# --- the log, as rows for sampling -----------------------------------------------------------

_LOG_SQL = ("SELECT code, received_date, returned_date, applicant_name, applicant_type, address, "
            "phone, field_name, procedure_name, channel, in_province, birth_date FROM dossier")


class _Days(dict):
    """Date text → date, parsed once per distinct day: a log has a few hundred days and a
    million dossiers, and a dict look-up is C code where a parser call is not."""

    def __missing__(self, key: object) -> date | None:
        if key is None or key == "":
            value = None
        elif isinstance(key, date):
            value = key
        else:
            value = date.fromisoformat(str(key)[:10])
        self[key] = value
        return value


def load_log_rows(progress: Progress | None = None) -> list[sampling.DossierRow]:
    """Every dossier of the log, read with one query (a million rows in a few seconds)."""
    total = models.Dossier.select().count()
    cursor = database.execute_sql(_LOG_SQL)
    rows: list[sampling.DossierRow] = []
    make = sampling.DossierRow
    day = _Days().__getitem__
    while True:
        batch = cursor.fetchmany(50_000)
        if not batch:
            break
        rows.extend([make(r[0], day(r[1]), day(r[2]), r[3] or "", r[4] or "", r[5] or "", r[6] or "",
                          r[7] or "", r[8] or "", r[9] or "", bool(r[10]), day(r[11])) for r in batch])
        report(progress, len(rows), total, "Đang đọc sổ hồ sơ…")
    return rows


def frame_digest(population: sampling.Population) -> str:
    """sha256 of both frames (stratum, position, code): equal digests, equal population lists."""
    h = hashlib.sha256()
    for stratum in sampling.STRATA:
        h.update(stratum.encode())
        for row in population.frame(stratum):
            h.update(b"\x00" + row.code.encode("utf-8"))
    return h.hexdigest()


# --- saving and reading draws ----------------------------------------------------------------

def _method_json(result: sampling.DrawResult, rules: sampling.Rules) -> str:
    strata = []
    for s in result.strata:
        strata.append(dict(
            stratum=s.stratum, N=s.size.N, quota=s.size.quota, n=s.size.n,
            transferred_in=s.size.transferred_in,
            k=[s.main.k.numerator, s.main.k.denominator],
            start=[s.main.start.numerator, s.main.start.denominator],
            reserve_N=s.reserve_pass.N, reserve_n=s.reserve_pass.n,
            reserve_k=[s.reserve_pass.k.numerator, s.reserve_pass.k.denominator],
            reserve_start=[s.reserve_pass.start.numerator, s.reserve_pass.start.denominator]))
    rules_json = dict(window_from=rules.window_from.isoformat(), window_to=rules.window_to.isoformat(),
                      window_basis=rules.window_basis, fields=list(rules.fields),
                      require_returned=rules.require_returned, direct_only=rules.direct_only,
                      in_province_only=rules.in_province_only, min_age=rules.min_age)
    return json.dumps(dict(strata=strata, rules=rules_json, order=FRAME_ORDER_TEXT,
                           generator="random.Random(seed).random()",
                           start_scale=sampling.START_SCALE), ensure_ascii=False)


def _entry_values(draw_id: int, row: sampling.DossierRow, stratum: str, role: str, order: int,
                  position: int, active: bool) -> dict[str, object]:
    return dict(draw=draw_id, dossier_code=row.code, stratum=stratum, role=role, order=order,
                position=position, active=active, status="chua_phat", note="",
                applicant_name=row.applicant_name, applicant_type=row.applicant_type,
                address=row.address, phone=row.phone, field_name=row.field_name,
                procedure_name=row.procedure_name, received_date=row.received_date,
                returned_date=row.returned_date, updated_at=datetime.now())


def save_draw(plan_id: str, unit_code: str, population: sampling.Population,
              result: sampling.DrawResult, rules: sampling.Rules, *, by: str, reason: str) -> int:
    """Store a draw as the current one (earlier draws stay in the history); returns its id."""
    with atomic():
        Draw.update(current=False).where((Draw.plan == plan_id) & (Draw.unit_code == unit_code)).execute()
        draw = Draw.create(plan=plan_id, unit_code=unit_code, seed=str(result.seed), drawn_by=by,
                           reason=reason, current=True, population_n=population.N, sample_n=result.n,
                           reserve_ratio=sampling.decimal_text(result.reserve_ratio),
                           frame_digest=frame_digest(population), method=_method_json(result, rules),
                           excluded=json.dumps(population.excluded_counts()))
        values: list[dict[str, object]] = []
        for s in result.strata:
            frame = population.frame(s.stratum)
            for order, pos in enumerate(s.main.positions, start=1):
                values.append(_entry_values(draw.id, frame[pos], s.stratum, MAIN, order, pos + 1, True))
            for order, pos in enumerate(s.reserve, start=1):
                values.append(_entry_values(draw.id, frame[pos], s.stratum, RESERVE, order, pos + 1, False))
        size = chunk_size(len(values[0])) if values else 1
        for start in range(0, len(values), size):
            SampleEntry.insert_many(values[start:start + size]).execute()
        models.AuditEntry.create(user=by, action="chon_mau", entity="draw", entity_id=str(draw.id),
                                 detail=json.dumps(dict(plan=plan_id, unit=unit_code, seed=str(result.seed),
                                                        reason=reason), ensure_ascii=False))
    return draw.id


def _fraction(pair: list[int]) -> Fraction:
    return Fraction(pair[0], pair[1])


def draw_info(draw: Draw) -> DrawInfo:
    method = json.loads(draw.method)
    strata = []
    for s in method["strata"]:
        size = sampling.StratumSize(s["stratum"], s["N"], s["quota"], s["n"], s["transferred_in"])
        strata.append(StratumMethod(s["stratum"], s["N"], s["quota"], s["n"], s["transferred_in"],
                                    _fraction(s["k"]), _fraction(s["start"]), s["reserve_N"],
                                    s["reserve_n"], _fraction(s["reserve_k"]),
                                    _fraction(s["reserve_start"]), size.note))
    return DrawInfo(draw.id, draw.plan_id, draw.unit_code, int(draw.seed), draw.drawn_at, draw.drawn_by,
                    draw.reason, draw.current, draw.population_n, draw.sample_n, draw.reserve_ratio,
                    draw.frame_digest, tuple(strata), json.loads(draw.excluded), method["rules"])


def current_draw(plan_id: str, unit_code: str) -> DrawInfo | None:
    draw = (Draw.select().where((Draw.plan == plan_id) & (Draw.unit_code == unit_code) & Draw.current)
            .order_by(Draw.id.desc()).first())
    return draw_info(draw) if draw else None


def history(plan_id: str, unit_code: str) -> list[DrawInfo]:
    query = Draw.select().where((Draw.plan == plan_id) & (Draw.unit_code == unit_code))
    return [draw_info(d) for d in query.order_by(Draw.id.desc())]


def _entry_info(e: SampleEntry) -> EntryInfo:
    return EntryInfo(e.dossier_code, e.stratum, e.role, e.order, e.position, e.active, e.status,
                     e.replaces, e.replaced_by, e.note, e.applicant_name, e.applicant_type, e.address,
                     e.phone, e.field_name, e.procedure_name, e.received_date, e.returned_date)


def entries(draw_id: int) -> list[EntryInfo]:
    """Main list then reserve list; each by stratum (individuals first) and draw order."""
    rank = {s: i for i, s in enumerate(sampling.STRATA)}
    found = [_entry_info(e) for e in SampleEntry.select().where(SampleEntry.draw == draw_id)]
    found.sort(key=lambda e: (e.role != MAIN, rank.get(e.stratum, 9), e.order))
    return found


def _entry(draw_id: int, code: str) -> SampleEntry:
    entry = SampleEntry.get_or_none((SampleEntry.draw == draw_id) & (SampleEntry.dossier_code == code))
    if entry is None:
        raise NotFoundError(f"Hồ sơ mã “{code}” không có trong danh sách mẫu hay dự phòng của lần chọn "
                            "mẫu hiện hành.", code="SAMPLE_101")
    return entry


def set_status(draw_id: int, code: str, status: str, *, note: str | None = None, by: str = "") -> EntryInfo:
    """Record đã phát / đã thu / từ chối / không liên lạc được for someone on the list."""
    if status not in STATUSES:
        raise UserError(f"Tình trạng “{status}” không hợp lệ; chọn một trong: "
                        + ", ".join(f"{k} ({v})" for k, v in STATUSES.items()) + ".", code="SAMPLE_102")
    with atomic():
        entry = _entry(draw_id, code)
        if not entry.active:
            what = "đã được thay" if entry.replaced_by else "là người dự phòng chưa được gọi"
            raise UserError(f"Hồ sơ “{code}” {what}; không ghi tình trạng được.", code="SAMPLE_103")
        old = entry.status
        entry.status = status
        if note is not None:
            entry.note = note
        entry.updated_at = datetime.now()
        entry.save()
        models.AuditEntry.create(user=by, action="tinh_trang_mau", entity="sample_entry", entity_id=code,
                                 detail=json.dumps(dict(draw=draw_id, old=old, new=status, note=note),
                                                   ensure_ascii=False))
    return _entry_info(entry)


def replace(draw_id: int, code: str, reason: str, *, by: str = "") -> EntryInfo:
    """Replace someone on the list by the next unused reserve of the same stratum, in order."""
    reason = (reason or "").strip()
    if not reason:
        raise UserError("Cần ghi lý do thay người (ví dụ: từ chối trả lời, không liên lạc được).",
                        code="SAMPLE_104")
    with atomic():
        entry = _entry(draw_id, code)
        if entry.replaced_by:
            raise UserError(f"Hồ sơ “{code}” đã được thay bằng “{entry.replaced_by}”.", code="SAMPLE_105")
        if not entry.active:
            raise UserError(f"Hồ sơ “{code}” là người dự phòng chưa được gọi; chỉ thay được người đang "
                            "trong danh sách khảo sát.", code="SAMPLE_106")
        if entry.status == "da_thu":
            raise UserError(f"Đã thu phiếu của hồ sơ “{code}”; không thay người được.", code="SAMPLE_107")
        spare = (SampleEntry.select()
                 .where((SampleEntry.draw == draw_id) & (SampleEntry.role == RESERVE)
                        & (SampleEntry.stratum == entry.stratum) & (SampleEntry.active == False)  # noqa: E712
                        & SampleEntry.replaces.is_null() & SampleEntry.replaced_by.is_null())
                 .order_by(SampleEntry.order).first())
        if spare is None:
            label = sampling.STRATUM_LABELS.get(entry.stratum, entry.stratum).lower()
            raise UserError(f"Đã dùng hết danh sách dự phòng của nhóm {label}; không còn người để thay.",
                            code="SAMPLE_108")
        now = datetime.now()
        entry.active, entry.replaced_by, entry.updated_at = False, spare.dossier_code, now
        entry.save()
        spare.active, spare.replaces, spare.updated_at = True, entry.dossier_code, now
        spare.save()
        Substitution.create(draw=draw_id, original_code=entry.dossier_code,
                            replacement_code=spare.dossier_code, stratum=entry.stratum, reason=reason,
                            at=now, by=by)
        models.AuditEntry.create(user=by, action="thay_mau", entity="sample_entry", entity_id=code,
                                 detail=json.dumps(dict(draw=draw_id, replacement=spare.dossier_code,
                                                        reason=reason), ensure_ascii=False))
    return _entry_info(spare)


@dataclass(frozen=True)
class SubstitutionInfo:
    original_code: str
    replacement_code: str
    stratum: str
    reason: str
    at: datetime
    by: str


def substitutions(draw_id: int) -> list[SubstitutionInfo]:
    return [SubstitutionInfo(s.original_code, s.replacement_code, s.stratum, s.reason, s.at, s.by)
            for s in Substitution.select().where(Substitution.draw == draw_id).order_by(Substitution.id)]


def counts(draw_id: int) -> SampleCounts:
    items = entries(draw_id)
    subs = substitutions(draw_id)
    result = []
    for stratum in sampling.STRATA:
        mine = [e for e in items if e.stratum == stratum]
        active = [e for e in mine if e.active]
        result.append(StratumCounts(
            stratum=stratum,
            planned=sum(1 for e in mine if e.role == MAIN),
            issued=sum(1 for e in active if e.status in ("da_phat", "da_thu")),
            returned=sum(1 for e in active if e.status == "da_thu"),
            refused=sum(1 for e in mine if e.status == "tu_choi"),
            unreachable=sum(1 for e in mine if e.status == "khong_lien_lac"),
            substitutions=sum(1 for s in subs if s.stratum == stratum),
            reserve_left=sum(1 for e in mine if e.role == RESERVE and not e.used)))
    return SampleCounts(tuple(result))
