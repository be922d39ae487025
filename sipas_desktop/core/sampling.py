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

import gc
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import cached_property
from itertools import compress, repeat
from operator import add, attrgetter, itemgetter, ne, not_
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


class Exclusion(NamedTuple):
    """An excluded dossier and why (a tuple, not a dataclass: a log may exclude a million)."""

    row: DossierRow
    reason: str
    duplicate_of: str | None = None        # for duplicate_person: the representative's code

    @property
    def label(self) -> str:
        return REASON_LABELS[self.reason]


@dataclass(frozen=True)
class Population:
    """The population list: per stratum, the eligible people in frame order; the excluded.

    Exclusions are kept as three aligned tuples (dossier, reason, representative's code for a
    duplicate) rather than a million small objects; `excluded` builds the `Exclusion`s when asked.
    """

    individuals: tuple[DossierRow, ...]
    organisations: tuple[DossierRow, ...]
    excluded_rows: tuple[DossierRow, ...] = ()
    excluded_reasons: tuple[str, ...] = ()
    excluded_links: tuple[str | None, ...] = ()

    def frame(self, stratum: str) -> tuple[DossierRow, ...]:
        return self.individuals if stratum == INDIVIDUALS else self.organisations

    @cached_property
    def excluded(self) -> tuple[Exclusion, ...]:
        return tuple(map(Exclusion, self.excluded_rows, self.excluded_reasons, self.excluded_links))

    @property
    def N(self) -> int:
        return len(self.individuals) + len(self.organisations)

    @property
    def total(self) -> int:
        return self.N + len(self.excluded_rows)

    def counts(self) -> dict[str, int]:
        return {s: len(self.frame(s)) for s in STRATA}

    def excluded_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(REASONS, 0)
        counts.update(Counter(self.excluded_reasons))
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

# ASCII → ASCII: lower case, anything but letters and digits → space. `str.translate` has a fast
# path for such a table on ASCII text.
_ASCII_KEY = {c: (chr(c).lower() if chr(c).isalnum() else " ") for c in range(128)}
# After NFD, Vietnamese text is ASCII plus combining marks; anything else takes the slow path.
_NOT_LATIN = re.compile("[^\x00-\x7f\u0300-\u036f]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_NON_DIGIT = re.compile(r"\D+")
_NOT_DIGIT_OR_SEPARATOR = re.compile("[^0-9\x00]+")


def text_key(value: str) -> str:
    """Folded text with punctuation dropped: “Nguyễn  Văn-An” and “nguyen van an” give one key.

    Equal to folding with `core.text.fold` and replacing non-alphanumerics by spaces (a property
    test checks it); the fast path (NFD, drop the combining marks by an ASCII encode) is C code,
    because this runs for every eligible dossier of a log that may hold a million.
    """
    if not value.isascii():
        nfd = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
        if _NOT_LATIN.search(nfd):
            return " ".join(_NON_ALNUM.sub(" ", fold(value)).split())
        value = nfd.encode("ascii", "ignore").decode("ascii")
    return " ".join(value.translate(_ASCII_KEY).split())


_BATCH_KEY = dict(_ASCII_KEY)
_BATCH_KEY[0] = "\x00"          # the separator of a batch survives the translation
_SPACE_RUNS = re.compile(" {2,}")


def text_keys(values: Sequence[str]) -> list[str]:
    """`text_key` of many strings at once: one NFD, one encode, one translate over them all.

    Falls back to one string at a time when a value holds the separator (NUL) or the batch has
    text that is not Latin letters with combining marks.
    """
    if not values:
        return []
    joined = "\x00".join(values)
    if joined.count("\x00") != len(values) - 1:
        return [text_key(v) for v in values]
    if not joined.isascii():
        nfd = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "D"))
        if _NOT_LATIN.search(nfd):
            return [text_key(v) for v in values]
        joined = nfd.encode("ascii", "ignore").decode("ascii")
    folded = joined.translate(_BATCH_KEY)
    if "  " in folded:
        folded = _SPACE_RUNS.sub(" ", folded)
    # at most one space is left on each side of a separator: plain replaces beat a regex here
    folded = folded.replace(" \x00", "\x00").replace("\x00 ", "\x00")
    return folded.strip(" ").split("\x00")


def phone_key(value: str) -> str:
    """Digits of a phone number, +84/84 written as 0; "" when too short to identify anyone."""
    digits = value if value.isdigit() else _NON_DIGIT.sub("", value)
    if len(digits) >= 11 and digits.startswith("84"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 6 and digits.isascii() else ""


def phone_keys(values: Sequence[str]) -> list[str]:
    """`phone_key` of many numbers at once (one regex over them all when they are ASCII)."""
    if not values:
        return []
    joined = "\x00".join(values)
    if not joined.isascii() or joined.count("\x00") != len(values) - 1:
        return [phone_key(v) for v in values]
    parts = _NOT_DIGIT_OR_SEPARATOR.sub("", joined).split("\x00")
    # Most numbers are ten digits starting with 0 and stay as they are; fix the others only.
    for i in compress(range(len(parts)), map(ne, map(len, parts), repeat(10))):
        d = parts[i]
        parts[i] = "0" + d[2:] if len(d) >= 11 and d.startswith("84") else d if len(d) >= 6 else ""
    return parts


# --- eligibility and the population list ----------------------------------------------------

def age_on(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def _field_checker(rules: Rules):
    """field name → in the plan? (cached: a log has a handful of distinct field names)."""
    wanted = {text_key(f) for f in rules.fields}
    cache: dict[str, bool] = {}

    def ok(name: str) -> bool:
        hit = cache.get(name)
        if hit is None:
            hit = cache[name] = not wanted or text_key(name) in wanted
        return hit
    return ok


def exclusion_reason(row: DossierRow, rules: Rules, field_ok=None) -> str | None:
    """The first reason `row` is not eligible, or None (before de-duplication).

    The reference statement of the rules; `build_population` runs the same checks inline (a
    test holds the two to the same answers).
    """
    field_ok = field_ok or _field_checker(rules)
    when = row.received_date if rules.window_basis == "received" else row.returned_date
    if when is None:  # window on the hand-over date, and nothing handed over yet
        return NOT_HANDED_OVER
    if when < rules.window_from or when > rules.window_to:
        return OUTSIDE_WINDOW
    if not field_ok(row.field_name):
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
    with _gc_paused():
        return _build_population(rows, rules)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a million rows are sorted into lists.

    Nothing built here forms a cycle, but the collector would walk every live row again and
    again as the lists grow: that costs more than the work itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build_population(rows: Iterable[DossierRow], rules: Rules) -> Population:
    eligible: list[DossierRow] = []
    dropped: list[DossierRow] = []
    reasons: list[str] = []
    keep, drop, why = eligible.append, dropped.append, reasons.append
    if not isinstance(rows, list):
        rows = list(rows)
    # The verdict for every field name of the log at once: a log has a handful of them.
    field_ok = _field_checker(rules)
    in_plan = {name: field_ok(name) for name in set(map(itemgetter(7), rows))}
    every_field = not rules.fields
    start, end, min_age = rules.window_from, rules.window_to, rules.min_age
    by_received = rules.window_basis == "received"
    direct, returned, in_province = rules.direct_only, rules.require_returned, rules.in_province_only
    # The checks of `exclusion_reason`, inline: this loop meets every dossier of the log.
    for row in rows:
        when = row[1] if by_received else row[2]
        if when is None:
            reason = NOT_HANDED_OVER
        elif when < start or when > end:
            reason = OUTSIDE_WINDOW
        elif not (every_field or in_plan[row[7]]):
            reason = FIELD_NOT_IN_PLAN
        elif direct and row[9] != "truc_tiep":
            reason = ONLINE if row[9] == "truc_tuyen" else POSTAL
        elif returned and row[2] is None:
            reason = NOT_HANDED_OVER
        elif in_province and not row[10]:
            reason = OUTSIDE_PROVINCE
        elif min_age and row[11] is not None and age_on(row[11], end) < min_age:
            reason = UNDER_AGE
        else:
            keep(row)
            continue
        drop(row)
        why(reason)
    links: list[str | None] = [None] * len(dropped)
    representatives, duplicates, duplicate_of = deduplicate(eligible)
    dropped.extend(duplicates)
    reasons.extend([DUPLICATE_PERSON] * len(duplicates))
    links.extend(duplicate_of)
    individuals = [r for r in representatives if r[4] != ORGANISATIONS]
    organisations = [r for r in representatives if r[4] == ORGANISATIONS]
    individuals.sort(key=_FRAME_ORDER)
    organisations.sort(key=_FRAME_ORDER)
    return Population(tuple(individuals), tuple(organisations), tuple(dropped), tuple(reasons),
                      tuple(links))


def deduplicate(rows: Sequence[DossierRow]) -> tuple[list[DossierRow], list[DossierRow], list[str]]:
    """One person per group of dossiers linked by (name, phone) or (name, address).

    Returns the representatives (in input order), the other dossiers (in input order), and for
    each of those its representative's code; each group is represented by its latest dossier
    (date received, then code). Groups are the connected components of the two relations
    "same name and phone" and "same name and address" (an empty phone or address links nobody).

    This meets every eligible dossier of a log that may hold a million, so the work is done
    column-wise by C code (`map`, `compress`, `Counter`, dict methods): only dossiers whose name
    is shared can be linked; each relation labels a dossier with the first dossier of its class
    (`dict.setdefault` keeps the first seen); classes of the phone relation that the address
    relation joins are merged by union-find over class labels, which are few.
    """
    n = len(rows)
    name_keys = text_keys(list(map(itemgetter(3), rows)))
    counts = Counter(name_keys)
    counts[""] = 0                                   # a dossier without a name links nobody
    shared = list(compress(range(n), map((1).__lt__, map(counts.__getitem__, name_keys))))
    if not shared:
        return list(rows), [], []
    m = len(shared)
    names = list(map(add, map(name_keys.__getitem__, shared), repeat("\x00", m)))
    subset = list(map(rows.__getitem__, shared))
    raw_addresses = list(map(itemgetter(5), subset))
    distinct = list(set(raw_addresses))              # few: villages and streets repeat
    address_of = dict(zip(distinct, text_keys(distinct), strict=True))
    labels = []
    for seconds in (phone_keys(list(map(itemgetter(6), subset))),
                    list(map(address_of.__getitem__, raw_addresses))):
        keys = list(map(add, names, seconds))
        for j in compress(range(m), map(not_, seconds)):
            keys[j] = f"\x01{j}"                     # no phone (address): a class of its own
        first: dict[str, int] = {}
        labels.append(list(map(first.setdefault, keys, range(m))))
    by_phone, by_address = labels
    # Address links that join two different phone classes: union-find over phone-class labels.
    group = by_phone
    crossing = list(compress(range(m), map(ne, by_phone, map(by_phone.__getitem__, by_address))))
    if crossing:
        parent: dict[int, int] = {}

        def find(c: int) -> int:
            while parent.get(c, c) != c:
                parent[c] = parent.get(parent[c], parent[c])  # path halving
                c = parent[c]
            return c

        for j in crossing:
            a, b = find(by_phone[j]), find(by_phone[by_address[j]])
            if a != b:
                parent[max(a, b)] = min(a, b)
        root = {c: find(c) for c in parent}
        group = list(map(root.get, by_phone, by_phone))   # root.get(c, c) for every label
    sizes = Counter(group)
    members = list(compress(range(m), map((1).__lt__, map(sizes.__getitem__, group))))
    if not members:
        return list(rows), [], []
    # Each group's latest dossier (date received, then code) represents it.
    latest: dict[int, tuple[tuple[date, str], int]] = {}
    for j, g, key in zip(members, map(group.__getitem__, members),
                         map(_FRAME_ORDER, map(subset.__getitem__, members)), strict=True):
        current = latest.get(g)
        if current is None or key > current[0]:
            latest[g] = (key, j)
    representative = [latest[g][1] for g in map(group.__getitem__, members)]
    dropped = list(compress(members, map(ne, representative, members)))
    gone = set(map(shared.__getitem__, dropped))
    keep = list(compress(rows, map(not_, map(gone.__contains__, range(n)))))
    codes = map(attrgetter("code"), map(subset.__getitem__, compress(representative, map(
        ne, representative, members))))
    return keep, list(map(subset.__getitem__, dropped)), list(codes)


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
