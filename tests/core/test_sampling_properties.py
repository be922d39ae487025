"""Properties of the draw over many inputs (hypothesis) and the selection frequency over many seeds.

The frequency test is deterministic: a fixed sequence of seeds, so it passes or fails the same way
on every run; its tolerance is five binomial standard deviations. It is checked against an
interval rounded down (the bug the fractional k avoids) to show that it can fail.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sipas_desktop.core import sampling as s
from sipas_desktop.core.text import fold
from tests.core.plan_data import row

RULES = s.Rules(date(2020, 1, 2), date(2020, 8, 31), fields=("Hộ tịch", "Chứng thực"))

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàằầèềìòồờùừỳáắấéếíóốớúứýảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹạặậẹệịọộợụựỵ"
ALPHABET = VIETNAMESE + VIETNAMESE.upper() + " \t-.,/()0123456789\u0301\u0300\u0323ßİ\u00a0"


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=20))
def test_the_fast_text_key_equals_the_key_built_from_core_text_fold(value):
    slow = " ".join("".join(c if c.isalnum() and c.isascii() else " " for c in fold(value)).split())
    assert s.text_key(value) == slow


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=25) | st.text(max_size=8), max_size=12))
def test_text_keys_of_a_batch_equal_the_keys_one_by_one(values):
    assert s.text_keys(values) == [s.text_key(v) for v in values]


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="0123456789 +.-()84\x00٣", max_size=16) | st.text(max_size=6),
                max_size=12))
def test_phone_keys_of_a_batch_equal_the_keys_one_by_one(values):
    assert s.phone_keys(values) == [s.phone_key(v) for v in values]


@given(st.integers(1, 400), st.data())
def test_systematic_positions_are_increasing_distinct_in_range_and_evenly_spaced(N, data):
    n = data.draw(st.integers(1, N))
    u = data.draw(st.floats(0, 1, exclude_max=True))
    result = s.systematic(N, n, u)
    pos = result.positions
    assert len(pos) == n and pos[0] >= 0 and pos[-1] < N
    assert all(b > a for a, b in zip(pos, pos[1:], strict=False))
    gaps = {b - a for a, b in zip(pos, pos[1:], strict=False)}
    assert gaps <= {math.floor(result.k), math.ceil(result.k)}
    assert 0 <= result.start < result.k


dossier = st.builds(
    lambda i, day, ret, kind, chan, prov, field, person: row(
        f"HS-{i:04d}", received=date(2019, 12, 20) + timedelta(days=day),
        returned=None if ret is None else date(2019, 12, 20) + timedelta(days=day + ret),
        name=f"Người {person}", kind=kind, channel=chan, in_province=prov, field=field,
        phone=f"09{person:08d}"),
    st.integers(0, 9999), st.integers(0, 270), st.none() | st.integers(0, 10),
    st.sampled_from(["ca_nhan", "ca_nhan", "to_chuc"]),
    st.sampled_from(["truc_tiep", "truc_tiep", "truc_tuyen", "buu_chinh"]), st.booleans(),
    st.sampled_from(["Hộ tịch", "Chứng thực", "Đất đai"]), st.integers(0, 60))


@settings(max_examples=150, deadline=None)
@given(st.lists(dossier, min_size=1, max_size=120, unique_by=lambda r: r.code),
       st.integers(0, 10**9), st.integers(0, 30), st.integers(0, 30),
       st.sampled_from(["0", "0.2", "0.3", "1"]))
def test_nobody_excluded_is_drawn_lists_are_disjoint_and_sizes_are_as_planned(rows, seed, qi, qo, ratio):
    pop = s.build_population(rows, RULES)
    if pop.N == 0 or qi + qo == 0 or qi + qo > pop.N:
        return  # refused with a message: covered by the unit tests
    sizes = s.stratum_sizes(pop.counts(), {"ca_nhan": qi, "to_chuc": qo})
    result = s.draw(pop, sizes, seed, ratio)
    excluded = {e.row.code for e in pop.excluded}
    main, reserve = [], []
    for stratum in result.strata:
        frame = pop.frame(stratum.stratum)
        main += [frame[p].code for p in stratum.main.positions]
        reserve += [frame[p].code for p in stratum.reserve]
        left = stratum.size.N - stratum.size.n
        assert len(stratum.reserve) == min(left, math.ceil(s.exact(ratio) * stratum.size.n))
    assert not (set(main) | set(reserve)) & excluded
    assert not set(main) & set(reserve)
    assert len(main) == len(set(main)) == qi + qo
    # the transfer rule: a stratum gets its quota, or all it has and the other takes the rest
    for size in sizes:
        assert size.n == size.quota + size.transferred_in and size.n <= size.N
        assert size.n == size.quota or size.n == size.N or size.transferred_in > 0
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert s.draw(s.build_population(shuffled, RULES), sizes, seed, ratio) == result


@settings(max_examples=150, deadline=None)
@given(st.lists(dossier, max_size=80, unique_by=lambda r: r.code), st.booleans(), st.booleans(),
       st.booleans(), st.sampled_from([None, 18]), st.sampled_from(["received", "returned"]))
def test_the_inline_checks_of_build_population_give_the_reasons_of_exclusion_reason(
        rows, direct, returned, province, min_age, basis):
    rows = [r._replace(birth_date=date(2002, 6, 1) if i % 3 == 0 else None) for i, r in enumerate(rows)]
    rules = s.Rules(date(2020, 1, 2), date(2020, 8, 31), ("Hộ tịch",), returned, direct, province,
                    min_age, basis)
    pop = s.build_population(rows, rules)
    expected = {r.code: s.exclusion_reason(r, rules) for r in rows}
    got = {e.row.code: e.reason for e in pop.excluded if e.reason != s.DUPLICATE_PERSON}
    assert got == {code: reason for code, reason in expected.items() if reason is not None}
    drawn = {r.code for r in pop.individuals + pop.organisations}
    dups = {e.row.code for e in pop.excluded if e.reason == s.DUPLICATE_PERSON}
    assert drawn | dups == {code for code, reason in expected.items() if reason is None}
    assert pop.total == len(rows)


def naive_people(rows):
    """Reference: compare every pair, join linked pairs, keep each group's latest dossier."""
    group = list(range(len(rows)))

    def root(i):
        while group[i] != i:
            i = group[i]
        return i

    keys = [(s.text_key(r.applicant_name), s.phone_key(r.phone), s.text_key(r.address)) for r in rows]
    for i in range(len(rows)):
        for j in range(i):
            (n1, p1, a1), (n2, p2, a2) = keys[i], keys[j]
            if n1 and n1 == n2 and ((p1 and p1 == p2) or (a1 and a1 == a2)):
                group[root(i)] = root(j)
    best = {}
    for i, r in enumerate(rows):
        g = root(i)
        if g not in best or (r.received_date, r.code) > (rows[best[g]].received_date, rows[best[g]].code):
            best[g] = i
    return {r.code: rows[best[root(i)]].code for i, r in enumerate(rows)}


person = st.builds(
    lambda i, day, name, phone, addr: row(f"D{i:03d}", received=date(2020, 3, 1) + timedelta(days=day),
                                          name=name, phone=phone, address=addr),
    st.integers(0, 999), st.integers(0, 5),
    st.sampled_from(["Nguyễn Văn An", "NGUYEN VAN AN", "Nguyễn  Văn-An", "Lê Thị Hoa", "", "Lê Thị Hòa"]),
    st.sampled_from(["", "0912345678", "+84 912 345 678", "0987654321", "12"]),
    st.sampled_from(["", "Thôn 1", "thôn 1", "Thôn 2, xã Nghi Xuân", "THÔN 2 XÃ NGHI XUÂN"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(person, max_size=25, unique_by=lambda r: r.code))
def test_deduplication_matches_comparing_every_pair_of_dossiers(rows):
    keep, dropped, representative = s.deduplicate(rows)
    expected = naive_people(rows)
    assert {r.code for r in keep} == {code for code, rep in expected.items() if code == rep}
    assert {d.code: rep for d, rep in zip(dropped, representative, strict=True)} == {
        code: rep for code, rep in expected.items() if code != rep}


def selection_counts(N: int, n: int, seeds: range, positions_of) -> list[int]:
    counts = [0] * N
    for seed in seeds:
        for p in positions_of(N, n, random.Random(seed).random()):
            counts[p] += 1
    return counts


def frequencies_match(counts: list[int], trials: int, p: float, sigmas: float = 5.0) -> bool:
    sd = math.sqrt(trials * p * (1 - p))
    return all(abs(c - trials * p) <= sigmas * sd for c in counts)


def test_over_many_seeds_each_unit_is_drawn_with_frequency_n_over_N():
    N, n, seeds = 37, 10, range(4000)
    pop = s.build_population([row(f"HS-{i:03d}", name=f"N{i}") for i in range(N)], RULES)
    sizes = s.stratum_sizes(pop.counts(), {"ca_nhan": n, "to_chuc": 0})
    counts = [0] * N
    for seed in seeds:
        for p in s.draw(pop, sizes, seed).stratum("ca_nhan").main.positions:
            counts[p] += 1
    assert sum(counts) == n * len(seeds)
    assert frequencies_match(counts, len(seeds), n / N)
    assert min(counts) > 0  # the tail of the list is reached


def test_the_frequency_check_catches_an_interval_rounded_down():
    def floor_k(N: int, n: int, u: float) -> tuple[int, ...]:
        k = N // n  # the bug: units after n·⌊k⌋ can never be drawn
        start = math.floor(u * k)
        return tuple(start + j * k for j in range(n))

    counts = selection_counts(37, 10, range(4000), floor_k)
    assert not frequencies_match(counts, 4000, 10 / 37)
    assert counts[-1] == 0
    exact = selection_counts(37, 10, range(4000), lambda N, n, u: s.systematic(N, n, u).positions)
    assert frequencies_match(exact, 4000, 10 / 37)
