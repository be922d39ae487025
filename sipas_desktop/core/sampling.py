"""The sample, as pure functions: population list, sample sizes, systematic draw, reserves.

Nothing here touches the database or a file: rows come in, frozen dataclasses go out, so that a
draw can be redone by anyone (and by a test) from the same log, plan rules and seed.

The method (SIPAS.md §3):

1. *Eligibility.* Each dossier gets at most one exclusion reason, checked in the order of
   `REASONS` (outside the window, field not in plan, online, postal, result not handed over,
   outside the province, under age); only then are people de-duplicated: dossiers with the same
   name and phone, or the same name and address (accent-, case- and punctuation-insensitive,
   linked transitively), are one person, represented by their latest eligible dossier
   (latest date received, then the largest dossier code); the others are "duplicate person".
2. *Strata.* Individuals (cá nhân) and organisations (tổ chức); each stratum's frame is
   ordered by date received, then dossier code (plain code-point order, the same everywhere).
3. *Sizes.* The plan's quota per stratum, or n = N / (1 + N·e²) rounded up and split in
   proportion to the strata with largest-remainder rounding. Transfer rule: a stratum with fewer
   people than its quota passes the shortfall to the other, both ways.
4. *Draw.* `random.Random(seed)` gives four numbers u₁…u₄ in [0, 1) (only `random()`, whose
   sequence Python guarantees across versions and machines): u₁, u₂ for individuals (main list,
   reserve list), u₃, u₄ for organisations. Interval k = N/n kept as an exact fraction; start
   s = ⌊u·⌈k·10⁴⌉⌋ / 10⁴ (four decimals, so the printed start is the start used), and the
   units at 0-based positions ⌊s + j·k⌋, j = 0 … n−1, are drawn. Integer arithmetic only, so
   the result does not depend on the machine's floating point.
5. *Reserve.* A second systematic pass, the same way, over the people not drawn (in frame
   order), of size ⌈ratio·n⌉ (at most the number left); used strictly in that order.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from operator import attrgetter
from typing import NamedTuple

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.text import fold

INDIVIDUALS = "ca_nhan"
ORGANISATIONS = "to_chuc"
STRATA: tuple[str, str] = (INDIVIDUALS, ORGANISATIONS)
STRATUM_LABELS = {INDIVIDUALS: "Cá nhân", ORGANISATIONS: "Tổ chức"}

# Exclusion reasons, in the order they are checked; keys are stable (CLI JSON, database).
OUTSIDE_WINDOW = "outside_window"
FIELD_NOT_IN_PLAN = "field_not_in_plan"
ONLINE = "online"
POSTAL = "postal"
NOT_HANDED_OVER = "not_handed_over"
OUTSIDE_PROVINCE = "outside_province"
UNDER_AGE = "under_age"
DUPLICATE_PERSON = "duplicate_person"
REASONS: tuple[str, ...] = (OUTSIDE_WINDOW, FIELD_NOT_IN_PLAN, ONLINE, POSTAL, NOT_HANDED_OVER,
                            OUTSIDE_PROVINCE, UNDER_AGE, DUPLICATE_PERSON)
REASON_LABELS = {
    OUTSIDE_WINDOW: "Ngoài thời gian của kế hoạch",
    FIELD_NOT_IN_PLAN: "Lĩnh vực không thuộc kế hoạch",
    ONLINE: "Giao dịch trực tuyến",
    POSTAL: "Giao dịch qua bưu chính công ích",
    NOT_HANDED_OVER: "Chưa nhận kết quả",
    OUTSIDE_PROVINCE: "Cư trú ngoài tỉnh",
    UNDER_AGE: "Chưa đủ tuổi",
    DUPLICATE_PERSON: "Trùng người (đã tính ở hồ sơ khác)",
}

START_SCALE = 10_000  # the start is kept to four decimals: what is printed is what was used


class DossierRow(NamedTuple):
    """The fields of one dossier that sampling needs (a tuple: cheap for a million rows)."""

    code: str
    received_date: date
    returned_date: date | None
    applicant_name: str
    applicant_type: str
    address: str
    phone: str
    field_name: str
    procedure_name: str
    channel: str
    in_province: bool
    birth_date: date | None


@dataclass(frozen=True)
class Rules:
    """The plan's eligibility rules."""

    window_from: date
    window_to: date
    fields: tuple[str, ...] = ()           # empty: every field
    require_returned: bool = True
    direct_only: bool = True
    in_province_only: bool = True
    min_age: int | None = None             # applied only where a birth date is known
    window_basis: str = "received"         # "received" or "returned": which date the window tests


@dataclass(frozen=True)
class Exclusion:
    row: DossierRow
    reason: str
    duplicate_of: str | None = None        # for duplicate_person: the representative's code

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


@dataclass(frozen=True)
class Population:
    """The population list: per stratum, the eligible people in frame order; the excluded."""

    individuals: tuple[DossierRow, ...]
    organisations: tuple[DossierRow, ...]
    excluded: tuple[Exclusion, ...]

    def frame(self, stratum: str) -> tuple[DossierRow, ...]:
        return self.individuals if stratum == INDIVIDUALS else self.organisations

    @property
    def N(self) -> int:
        return len(self.individuals) + len(self.organisations)

    @property
    def total(self) -> int:
        return self.N + len(self.excluded)

    def counts(self) -> dict[str, int]:
        return {s: len(self.frame(s)) for s in STRATA}

    def excluded_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(REASONS, 0)
        for item in self.excluded:
            counts[item.reason] += 1
        return counts


@dataclass(frozen=True)
class StratumSize:
    stratum: str
    N: int
    quota: int | None          # the plan's quota (None: computed from N)
    n: int                     # after the transfer rule
    transferred_in: int        # > 0: received from the other stratum; < 0: passed on

    @property
    def note(self) -> str:
        label = STRATUM_LABELS[self.stratum].lower()
        other = STRATUM_LABELS[STRATA[1 - STRATA.index(self.stratum)]].lower()
        if self.transferred_in > 0:
            return (f"Nhận thêm {self.transferred_in} từ nhóm {other} do nhóm {other} "
                    "có ít hơn chỉ tiêu (quy tắc chuyển chỉ tiêu).")
        if self.transferred_in < 0:
            return (f"Nhóm {label} chỉ có {self.N}, ít hơn chỉ tiêu {self.quota}: "
                    f"chuyển {-self.transferred_in} sang nhóm {other}.")
        return ""


@dataclass(frozen=True)
class Systematic:
    """One systematic pass: N units, n drawn, interval k = N/n, start s, 0-based positions."""

    N: int
    n: int
    k: Fraction
    start: Fraction
    positions: tuple[int, ...]


@dataclass(frozen=True)
class StratumDraw:
    size: StratumSize
    main: Systematic                       # positions in the stratum frame
    reserve_pass: Systematic               # positions among the units not drawn
    reserve: tuple[int, ...]               # the reserve's positions in the stratum frame

    @property
    def stratum(self) -> str:
        return self.size.stratum


@dataclass(frozen=True)
class DrawResult:
    seed: int
    reserve_ratio: Fraction
    strata: tuple[StratumDraw, ...]

    @property
    def n(self) -> int:
        return sum(s.main.n for s in self.strata)

    @property
    def reserve_count(self) -> int:
        return sum(len(s.reserve) for s in self.strata)

    def stratum(self, stratum: str) -> StratumDraw:
        return next(s for s in self.strata if s.stratum == stratum)


# --- text keys for "the same person" -------------------------------------------------------

def _build_key_table() -> dict[int, str]:
    """Per-character fold for Latin letters, punctuation → space: `str.translate` runs in C."""
    table: dict[int, str] = {}
    for code in list(range(0x80)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        folded = fold(ch) if not ch.isspace() else " "
        if not folded.isascii():
            continue
        table[code] = "".join(c if c.isalnum() else " " for c in folded)
    return table


_KEY_TABLE = _build_key_table()
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def text_key(value: str) -> str:
    """Folded text with punctuation dropped: “Nguyễn  Văn-An” and “nguyen van an” give one key.

    A fast path translates character by character; anything it cannot fold to ASCII (decomposed
    accents, other scripts) goes through `core.text.fold`, which gives the same result.
    """
    fast = value.translate(_KEY_TABLE)
    if fast.isascii():
        return " ".join(fast.split())
    return " ".join(_NON_ALNUM.sub(" ", fold(value)).split())


def phone_key(value: str) -> str:
    """Digits of a phone number, +84/84 written as 0; "" when too short to identify anyone."""
    digits = "".join(ch for ch in value if ch.isdigit()) if not value.isdigit() else value
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 else ""


# --- eligibility and the population list ----------------------------------------------------

def age_on(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def exclusion_reason(row: DossierRow, rules: Rules, field_ok: dict[str, bool]) -> str | None:
    """The first reason `row` is not eligible, or None (before de-duplication)."""
    when = row.received_date if rules.window_basis == "received" else row.returned_date
    if when is None:  # window on the hand-over date, and nothing handed over yet
        return NOT_HANDED_OVER
    if when < rules.window_from or when > rules.window_to:
        return OUTSIDE_WINDOW
    ok = field_ok.get(row.field_name)
    if ok is None:
        ok = field_ok[row.field_name] = not rules.fields or text_key(row.field_name) in {
            text_key(f) for f in rules.fields}
    if not ok:
        return FIELD_NOT_IN_PLAN
    if rules.direct_only and row.channel != "truc_tiep":
        return ONLINE if row.channel == "truc_tuyen" else POSTAL
    if rules.require_returned and row.returned_date is None:
        return NOT_HANDED_OVER
    if rules.in_province_only and not row.in_province:
        return OUTSIDE_PROVINCE
    if rules.min_age and row.birth_date is not None and age_on(row.birth_date,
                                                               rules.window_to) < rules.min_age:
        return UNDER_AGE
    return None


_FRAME_ORDER = attrgetter("received_date", "code")


def build_population(rows: Iterable[DossierRow], rules: Rules) -> Population:
    """The population list from the log by the plan's rules (see the module docstring)."""
    if rules.window_to < rules.window_from:
        raise UserError("Thời gian của kế hoạch không hợp lệ: ngày kết thúc trước ngày bắt đầu.",
                        code="SAMPLE_001")
    excluded: list[Exclusion] = []
    eligible: list[DossierRow] = []
    field_ok: dict[str, bool] = {}
    for row in rows:
        reason = exclusion_reason(row, rules, field_ok)
        if reason is None:
            eligible.append(row)
        else:
            excluded.append(Exclusion(row, reason))
    representatives, duplicates = deduplicate(eligible)
    excluded.extend(duplicates)
    individuals = [r for r in representatives if r.applicant_type != ORGANISATIONS]
    organisations = [r for r in representatives if r.applicant_type == ORGANISATIONS]
    individuals.sort(key=_FRAME_ORDER)
    organisations.sort(key=_FRAME_ORDER)
    return Population(tuple(individuals), tuple(organisations), tuple(excluded))


def deduplicate(rows: Sequence[DossierRow]) -> tuple[list[DossierRow], list[Exclusion]]:
    """One person per group of dossiers linked by (name, phone) or (name, address).

    Union-find over row indices; each group is represented by its latest dossier (date
    received, then code). Returns the representatives (in input order) and the exclusions.
    """
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:  # path compression keeps later look-ups short
            parent[i], i = root, parent[i]
        return root

    owner: dict[tuple[str, str, str], int] = {}
    name_cache: dict[str, str] = {}
    addr_cache: dict[str, str] = {}
    linked = False
    for i, row in enumerate(rows):
        name = name_cache.get(row.applicant_name)
        if name is None:
            name = name_cache[row.applicant_name] = text_key(row.applicant_name)
        if not name:
            continue
        phone = phone_key(row.phone) if row.phone else ""
        addr = ""
        if row.address:
            addr = addr_cache.get(row.address)
            if addr is None:
                addr = addr_cache[row.address] = text_key(row.address)
        for key in (("p", name, phone) if phone else None, ("a", name, addr) if addr else None):
            if key is None:
                continue
            first = owner.setdefault(key, i)
            if first != i:
                a, b = find(first), find(i)
                if a != b:
                    parent[b] = a
                    linked = True
    if not linked:
        return list(rows), []
    best: dict[int, int] = {}
    for i, row in enumerate(rows):
        root = find(i)
        current = best.get(root)
        if current is None or _FRAME_ORDER(row) > _FRAME_ORDER(rows[current]):
            best[root] = i
    keep: list[DossierRow] = []
    dropped: list[Exclusion] = []
    for i, row in enumerate(rows):
        chosen = best[find(i)]
        if chosen == i:
            keep.append(row)
        else:
            dropped.append(Exclusion(row, DUPLICATE_PERSON, rows[chosen].code))
    return keep, dropped


# --- sample sizes ---------------------------------------------------------------------------

def exact(value: float | int | str | Fraction) -> Fraction:
    """A decimal as typed (0.05 → 1/20), not its binary approximation."""
    return value if isinstance(value, Fraction) else Fraction(str(value))


def decimal_text(value: Fraction) -> str:
    """Exact decimal text of a fraction with a finite expansion (1/5 → "0.2"); else 12 places."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole, rest = divmod(value.numerator, value.denominator)
    digits = ""
    while rest and len(digits) < 12:
        rest *= 10
        digit, rest = divmod(rest, value.denominator)
        digits += str(digit)
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"


def sample_size(N: int, e: float | Fraction = 0.05) -> int:
    """n = N / (1 + N·e²), rounded up (N = 1200, e = 0,05 → 300)."""
    if N <= 0:
        return 0
    err = exact(e)
    if err <= 0 or err >= 1:
        raise UserError("Sai số e phải lớn hơn 0 và nhỏ hơn 1 (ví dụ 0,05).", code="SAMPLE_002")
    return math.ceil(Fraction(N) / (1 + N * err * err))


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`; leftover units go to the largest remainders
    (ties: the earlier weight). Sums to `total` exactly (0s when every weight is 0)."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [Fraction(total * w, whole) for w in weights]
    result = [math.floor(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - result[i]), i))
    for i in order[: total - sum(result)]:
        result[i] += 1
    return result


def stratum_sizes(counts: dict[str, int], quotas: dict[str, int | None] | None,
                  e: float | Fraction = 0.05) -> tuple[StratumSize, ...]:
    """Sizes per stratum: the quotas (None: computed from N) after the transfer rule.

    Raises UserError when the log has nobody eligible or the quotas exceed the whole population.
    """
    N = sum(counts.get(s, 0) for s in STRATA)
    if N == 0:
        raise UserError("Danh sách tổng thể trống: không có hồ sơ nào đủ điều kiện theo kế hoạch. "
                        "Hãy kiểm tra sổ hồ sơ (thời gian, lĩnh vực, đã trả kết quả…) và các lý do "
                        "loại.", code="SAMPLE_003")
    given = quotas is not None and any(quotas.get(s) is not None for s in STRATA)
    if given:
        assert quotas is not None
        planned = {s: int(quotas.get(s) or 0) for s in STRATA}
        if any(v < 0 for v in planned.values()):
            raise UserError("Chỉ tiêu mẫu không được âm.", code="SAMPLE_004")
    else:
        split = largest_remainder(sample_size(N, e), [counts.get(s, 0) for s in STRATA])
        planned = dict(zip(STRATA, split, strict=True))
    wanted = sum(planned.values())
    if wanted == 0:
        raise UserError("Chỉ tiêu mẫu bằng 0: kế hoạch không giao chỉ tiêu nào cho đơn vị.",
                        code="SAMPLE_005")
    if wanted > N:
        detail = ", ".join(f"{STRATUM_LABELS[s].lower()} {counts.get(s, 0)}" for s in STRATA)
        raise UserError(f"Chỉ tiêu mẫu ({wanted}) lớn hơn số người trong danh sách tổng thể "
                        f"({N}: {detail}). Không chọn được đủ mẫu; hãy kiểm tra sổ hồ sơ hoặc đề "
                        "nghị điều chỉnh chỉ tiêu trong kế hoạch.", code="SAMPLE_006")
    sizes = {s: min(planned[s], counts.get(s, 0)) for s in STRATA}
    shortfall = {s: planned[s] - sizes[s] for s in STRATA}
    moved = dict.fromkeys(STRATA, 0)
    for s, other in (STRATA, STRATA[::-1]):
        give = min(shortfall[s], counts.get(other, 0) - sizes[other])
        sizes[other] += give
        moved[other] += give
        moved[s] -= give
    return tuple(StratumSize(s, counts.get(s, 0), planned[s] if given else None, sizes[s],
                             moved[s]) for s in STRATA)


# --- the systematic draw --------------------------------------------------------------------

def systematic(N: int, n: int, u: float) -> Systematic:
    """Positions ⌊s + j·k⌋ (0-based), k = N/n exact, s from u ∈ [0, 1) on a 10⁻⁴ grid."""
    if n <= 0 or N <= 0:
        return Systematic(N, 0, Fraction(0), Fraction(0), ())
    if n > N:
        raise ValueError(f"cannot draw {n} of {N}")
    steps = -(-N * START_SCALE // n)            # ⌈k·10⁴⌉: every grid point below k
    start_units = math.floor(Fraction(u) * steps)  # exact: Fraction(u) is the float's value
    denominator = n * START_SCALE
    positions = tuple((start_units * n + j * N * START_SCALE) // denominator for j in range(n))
    return Systematic(N, n, Fraction(N, n), Fraction(start_units, START_SCALE), positions)


def reserve_size(n: int, ratio: float | Fraction, available: int) -> int:
    return min(available, math.ceil(exact(ratio) * n)) if n > 0 else 0


def draw(population: Population, sizes: Sequence[StratumSize], seed: int,
         reserve_ratio: float | Fraction = 0.2) -> DrawResult:
    """The main and reserve lists per stratum (module docstring, steps 4 and 5)."""
    ratio = exact(reserve_ratio)
    if ratio < 0 or ratio > 1:
        raise UserError("Tỷ lệ dự phòng phải từ 0 đến 1 (ví dụ 0,2 là 20 %).", code="SAMPLE_007")
    rng = random.Random(seed)
    by_stratum = {s.stratum: s for s in sizes}
    result: list[StratumDraw] = []
    for stratum in STRATA:
        size = by_stratum[stratum]
        frame_n = len(population.frame(stratum))
        if size.N != frame_n or size.n > frame_n:
            raise ValueError("sizes do not match the population")
        u_main, u_reserve = rng.random(), rng.random()   # always two: the sequence stays simple
        main = systematic(frame_n, size.n, u_main)
        chosen = set(main.positions)
        left = [i for i in range(frame_n) if i not in chosen]
        rpass = systematic(len(left), reserve_size(size.n, ratio, len(left)), u_reserve)
        result.append(StratumDraw(size, main, rpass, tuple(left[p] for p in rpass.positions)))
    return DrawResult(seed, ratio, tuple(result))
