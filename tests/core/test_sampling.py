"""The pure sampling functions: eligibility, one person once, sizes, transfer rule, the draw."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest

from sipas_desktop.core import sampling as s
from sipas_desktop.core.errors import UserError
from tests.core.plan_data import eligible_rows, row

RULES = s.Rules(date(2020, 1, 2), date(2020, 8, 31))


def codes(rows) -> list[str]:
    return [r.code for r in rows]


# --- eligibility -----------------------------------------------------------------------------

def test_each_kind_of_ineligible_dossier_is_excluded_with_its_own_reason():
    rows = [
        row("OK"),
        row("EARLY", received=date(2020, 1, 1)),
        row("LATE", received=date(2020, 9, 1)),
        row("FIELD", field="Đất đai"),
        row("ONLINE", channel="truc_tuyen"),
        row("POST", channel="buu_chinh"),
        row("PENDING", returned=None),
        row("AWAY", in_province=False),
        row("YOUNG", birth=date(2005, 1, 1)),
    ]
    rules = s.Rules(date(2020, 1, 2), date(2020, 8, 31), fields=("Hộ tịch",), min_age=18)
    pop = s.build_population(rows, rules)
    assert codes(pop.individuals) == ["OK"]
    reasons = {e.row.code: e.reason for e in pop.excluded}
    assert reasons == {"EARLY": s.OUTSIDE_WINDOW, "LATE": s.OUTSIDE_WINDOW, "FIELD": s.FIELD_NOT_IN_PLAN,
                       "ONLINE": s.ONLINE, "POST": s.POSTAL, "PENDING": s.NOT_HANDED_OVER,
                       "AWAY": s.OUTSIDE_PROVINCE, "YOUNG": s.UNDER_AGE}
    counts = pop.excluded_counts()
    assert counts[s.OUTSIDE_WINDOW] == 2 and sum(counts.values()) == 8 == pop.total - pop.N


def test_a_dossier_failing_several_rules_gets_the_first_reason_in_the_documented_order():
    pop = s.build_population([row("X", channel="truc_tuyen", returned=None, in_province=False)], RULES)
    assert pop.excluded[0].reason == s.ONLINE


def test_the_window_includes_both_its_first_and_last_day():
    pop = s.build_population([row("A", received=date(2020, 1, 2)), row("B", received=date(2020, 8, 31))],
                             RULES)
    assert pop.N == 2


def test_switched_off_rules_let_online_pending_and_outside_province_dossiers_in():
    rules = s.Rules(date(2020, 1, 2), date(2020, 8, 31), require_returned=False, direct_only=False,
                    in_province_only=False)
    pop = s.build_population([row("A", channel="truc_tuyen"), row("B", returned=None),
                              row("C", in_province=False)], rules)
    assert pop.N == 3 and not pop.excluded


def test_the_minimum_age_only_applies_where_a_birth_date_is_known():
    rules = s.Rules(date(2020, 1, 2), date(2020, 8, 31), min_age=18)
    pop = s.build_population([row("NOBIRTH"), row("ADULT", birth=date(2002, 8, 31)),
                              row("MINOR", birth=date(2002, 9, 1))], rules)
    assert codes(pop.individuals) == ["ADULT", "NOBIRTH"]   # 18 on the window’s last day counts


def test_fields_match_without_accents_case_or_extra_spaces():
    rules = s.Rules(date(2020, 1, 2), date(2020, 8, 31), fields=("Tư pháp – Hộ tịch", "đất đai"))
    pop = s.build_population([row("A", field="TƯ PHÁP - HỘ TỊCH"), row("B", field="Đất  đai"),
                              row("C", field="Xây dựng")], rules)
    assert codes(pop.individuals) == ["A", "B"]


def test_the_window_can_be_tested_on_the_date_the_result_was_handed_over():
    rules = s.Rules(date(2020, 3, 1), date(2020, 3, 31), window_basis="returned")
    pop = s.build_population([row("IN", received=date(2020, 2, 27), returned=date(2020, 3, 2)),
                              row("OUT", received=date(2020, 3, 30), returned=date(2020, 4, 2)),
                              row("PENDING", received=date(2020, 3, 5), returned=None)], rules)
    assert codes(pop.individuals) == ["IN"]
    assert {e.row.code: e.reason for e in pop.excluded} == {"OUT": s.OUTSIDE_WINDOW,
                                                            "PENDING": s.NOT_HANDED_OVER}


# --- one person counts once ----------------------------------------------------------------

def test_the_same_name_and_phone_is_one_person_kept_at_their_latest_dossier():
    rows = [row("A1", received=date(2020, 2, 1), name="Nguyễn Văn An", phone="0912 345 678"),
            row("A2", received=date(2020, 5, 1), name="NGUYEN VAN AN", phone="+84912345678"),
            row("B", received=date(2020, 3, 1), name="Nguyễn Văn Bình", phone="0912345678")]
    pop = s.build_population(rows, RULES)
    assert codes(pop.individuals) == ["B", "A2"]
    dup = pop.excluded[0]
    assert (dup.row.code, dup.reason, dup.duplicate_of) == ("A1", s.DUPLICATE_PERSON, "A2")


def test_the_same_name_and_address_is_one_person_even_without_a_phone():
    rows = [row("A1", name="Lê Thị Hoa", address="Thôn 3, xã Nghi Xuân"),
            row("A2", name="le thi hoa", address="thôn 3 - Xã Nghi Xuân", received=date(2020, 3, 9))]
    assert codes(s.build_population(rows, RULES).individuals) == ["A2"]


def test_people_are_linked_through_a_chain_of_phone_and_address_matches():
    rows = [row("1", name="Trần Văn Cường", phone="0901111111", address="Thôn 1"),
            row("2", name="Trần Văn Cường", phone="0901111111", address="Thôn 2", received=date(2020, 3, 3)),
            row("3", name="Trần Văn Cường", phone="0902222222", address="Thôn 2", received=date(2020, 3, 4))]
    pop = s.build_population(rows, RULES)
    assert codes(pop.individuals) == ["3"]
    assert {e.duplicate_of for e in pop.excluded} == {"3"}


def test_same_name_with_no_phone_and_no_address_are_not_merged():
    rows = [row("1", name="Phạm Văn Dũng"), row("2", name="Phạm Văn Dũng")]
    assert s.build_population(rows, RULES).N == 2


def test_ties_on_the_date_keep_the_dossier_with_the_larger_code():
    rows = [row("HS-2", name="Vũ Thị Mai", phone="0903333333"),
            row("HS-10", name="Vũ Thị Mai", phone="0903333333")]
    assert codes(s.build_population(rows, RULES).individuals) == ["HS-2"]  # "HS-2" > "HS-10"


def test_a_duplicate_is_found_only_among_eligible_dossiers():
    rows = [row("ONLINE", name="Đỗ Văn Hùng", phone="0904444444", channel="truc_tuyen",
                received=date(2020, 6, 1)),
            row("DESK", name="Đỗ Văn Hùng", phone="0904444444")]
    pop = s.build_population(rows, RULES)
    assert codes(pop.individuals) == ["DESK"]
    assert pop.excluded[0].reason == s.ONLINE


def test_text_key_and_phone_key_normalise_what_clerks_type_differently():
    assert s.text_key("  Nguyễn   Văn-Ánh ") == s.text_key("nguyen van anh") == "nguyen van anh"
    assert s.text_key("Đặng Thị Ngọc Hân") == "dang thi ngoc han"
    assert s.phone_key("(+84) 912.345.678") == s.phone_key("0912 345 678") == "0912345678"
    assert s.phone_key("12") == ""


# --- frame order and strata ----------------------------------------------------------------

def test_the_frame_is_ordered_by_date_received_then_code_and_split_into_strata():
    rows = [row("C", received=date(2020, 3, 2)), row("A", received=date(2020, 3, 3)),
            row("B", received=date(2020, 3, 2)), row("T", kind="to_chuc")]
    pop = s.build_population(rows, RULES)
    assert codes(pop.individuals) == ["B", "C", "A"]
    assert codes(pop.organisations) == ["T"]
    assert pop.counts() == {"ca_nhan": 3, "to_chuc": 1}


def test_the_order_of_the_log_does_not_change_the_population_list():
    rows = eligible_rows(50) + eligible_rows(10, kind="to_chuc", prefix="TC")
    a = s.build_population(rows, RULES)
    b = s.build_population(list(reversed(rows)), RULES)
    assert a.individuals == b.individuals and a.organisations == b.organisations


# --- sample sizes ---------------------------------------------------------------------------

def test_the_formula_gives_300_for_1200_people_with_e_5_percent():
    assert s.sample_size(1200) == 300
    assert s.sample_size(1200, "0.05") == 300
    assert s.sample_size(100) == 80          # 100 / 1.25
    assert s.sample_size(101) == 81          # 80.3… rounded up
    assert s.sample_size(0) == 0


def test_a_margin_of_error_outside_0_to_1_is_refused():
    with pytest.raises(UserError) as err:
        s.sample_size(100, 0)
    assert err.value.code == "SAMPLE_002"


def test_largest_remainder_splits_exactly_and_favours_the_largest_remainders():
    assert s.largest_remainder(10, [2, 1]) == [7, 3]        # 6.67 / 3.33
    assert s.largest_remainder(7, [5, 3, 2]) == [4, 2, 1]   # 3.5 / 2.1 / 1.4
    assert s.largest_remainder(5, [1, 1]) == [3, 2]         # a tie goes to the first
    assert s.largest_remainder(5, [0, 0]) == [0, 0]
    assert sum(s.largest_remainder(300, [971, 229])) == 300


def test_without_quotas_the_formula_size_is_split_in_proportion_to_the_strata():
    sizes = s.stratum_sizes({"ca_nhan": 971, "to_chuc": 229}, None)
    assert [x.n for x in sizes] == [243, 57] and sum(x.n for x in sizes) == 300
    assert all(x.quota is None and x.transferred_in == 0 for x in sizes)


def test_quotas_are_used_as_planned_when_both_strata_are_large_enough():
    sizes = s.stratum_sizes({"ca_nhan": 100, "to_chuc": 40}, {"ca_nhan": 15, "to_chuc": 10})
    assert [(x.n, x.transferred_in, x.note) for x in sizes] == [(15, 0, ""), (10, 0, "")]


def test_a_shortfall_of_organisations_moves_to_individuals():
    sizes = s.stratum_sizes({"ca_nhan": 100, "to_chuc": 4}, {"ca_nhan": 15, "to_chuc": 10})
    ind, org = sizes
    assert (ind.n, ind.transferred_in, org.n, org.transferred_in) == (21, 6, 4, -6)
    assert "Nhận thêm 6" in ind.note and "chuyển 6" in org.note


def test_a_shortfall_of_individuals_moves_to_organisations():
    ind, org = s.stratum_sizes({"ca_nhan": 9, "to_chuc": 30}, {"ca_nhan": 15, "to_chuc": 10})
    assert (ind.n, org.n, org.transferred_in) == (9, 16, 6)


def test_a_quota_larger_than_the_whole_population_is_refused_with_the_numbers():
    with pytest.raises(UserError) as err:
        s.stratum_sizes({"ca_nhan": 12, "to_chuc": 3}, {"ca_nhan": 15, "to_chuc": 10})
    assert err.value.code == "SAMPLE_006"
    assert "(25)" in err.value.message and "15" in err.value.message


def test_an_empty_population_list_is_refused():
    with pytest.raises(UserError) as err:
        s.stratum_sizes({"ca_nhan": 0, "to_chuc": 0}, {"ca_nhan": 15, "to_chuc": 10})
    assert err.value.code == "SAMPLE_003"


def test_negative_and_zero_quotas_are_refused():
    with pytest.raises(UserError, match="âm"):
        s.stratum_sizes({"ca_nhan": 50, "to_chuc": 5}, {"ca_nhan": -1, "to_chuc": 2})
    with pytest.raises(UserError) as err:
        s.stratum_sizes({"ca_nhan": 50, "to_chuc": 5}, {"ca_nhan": 0, "to_chuc": 0})
    assert err.value.code == "SAMPLE_005"


# --- systematic draw ------------------------------------------------------------------------

def test_positions_follow_floor_of_start_plus_j_times_k_with_a_fractional_interval():
    sys_ = s.systematic(10, 4, 0.99)
    assert sys_.k == Fraction(5, 2)
    # what the sheet prints is what was used: recompute by hand from the printed start
    assert sys_.positions == tuple(math.floor(sys_.start + j * sys_.k) for j in range(4))
    assert sys_.start == Fraction(24749, 10000) and sys_.positions == (2, 4, 7, 9)


def test_a_fractional_interval_lets_the_last_unit_of_the_list_be_drawn():
    # k = 2.5: rounding k down to 2 could never reach positions 8 and 9
    drawn_last = [u for u in (i / 100 for i in range(100)) if 9 in s.systematic(10, 4, u).positions]
    # s ≥ 1.5 ⇔ u ≥ 0.6 (the float 0.6 is a hair below 0.6, so 0.61 is the first of this grid)
    assert drawn_last and 0.59 < min(drawn_last) <= 0.61 and max(drawn_last) == 0.99


def test_drawing_everyone_takes_every_position_once():
    assert s.systematic(7, 7, 0.5).positions == tuple(range(7))


def test_same_seed_gives_the_same_sample_and_another_seed_a_different_one():
    rows = eligible_rows(200) + eligible_rows(40, kind="to_chuc", prefix="TC")
    pop = s.build_population(rows, RULES)
    sizes = s.stratum_sizes(pop.counts(), {"ca_nhan": 15, "to_chuc": 10})
    a, b = s.draw(pop, sizes, 2024), s.draw(pop, sizes, 2024)
    c = s.draw(pop, sizes, 2025)
    assert a == b
    assert [x.main.positions for x in a.strata] != [x.main.positions for x in c.strata]


def test_sizes_per_stratum_are_exactly_as_planned_after_the_transfer_rule():
    rows = eligible_rows(60) + eligible_rows(4, kind="to_chuc", prefix="TC")
    pop = s.build_population(rows, RULES)
    result = s.draw(pop, s.stratum_sizes(pop.counts(), {"ca_nhan": 15, "to_chuc": 10}), 1)
    assert [len(x.main.positions) for x in result.strata] == [21, 4]
    assert result.n == 25


def test_the_reserve_is_a_second_pass_over_the_unchosen_and_never_overlaps_the_main_list():
    pop = s.build_population(eligible_rows(97), RULES)
    sizes = s.stratum_sizes(pop.counts(), {"ca_nhan": 15, "to_chuc": 0})
    result = s.draw(pop, sizes, 42, "0.2")
    ind = result.stratum("ca_nhan")
    assert len(ind.reserve) == 3                          # ⌈0.2 × 15⌉
    assert not set(ind.reserve) & set(ind.main.positions)
    assert list(ind.reserve) == sorted(ind.reserve)       # used in frame order
    left = [i for i in range(97) if i not in set(ind.main.positions)]
    assert ind.reserve == tuple(left[p] for p in ind.reserve_pass.positions)
    assert ind.reserve_pass.N == 82 and ind.reserve_pass.k == Fraction(82, 3)


def test_the_reserve_is_limited_to_the_people_left_over():
    pop = s.build_population(eligible_rows(11), RULES)
    result = s.draw(pop, s.stratum_sizes(pop.counts(), {"ca_nhan": 10, "to_chuc": 0}), 3, "0.3")
    assert len(result.stratum("ca_nhan").reserve) == 1


def test_a_reserve_ratio_outside_0_to_1_is_refused():
    pop = s.build_population(eligible_rows(20), RULES)
    with pytest.raises(UserError) as err:
        s.draw(pop, s.stratum_sizes(pop.counts(), {"ca_nhan": 5, "to_chuc": 0}), 1, "1.5")
    assert err.value.code == "SAMPLE_007"


def test_the_random_start_comes_only_from_random_random_of_the_seed_in_the_documented_order():
    import random

    pop = s.build_population(eligible_rows(97) + eligible_rows(11, kind="to_chuc", prefix="TC"), RULES)
    result = s.draw(pop, s.stratum_sizes(pop.counts(), {"ca_nhan": 15, "to_chuc": 10}), 42)
    rng = random.Random(42)
    u = [rng.random() for _ in range(4)]
    ind, org = result.strata
    assert ind.main == s.systematic(97, 15, u[0])
    assert ind.reserve_pass == s.systematic(82, 3, u[1])
    assert org.main == s.systematic(11, 10, u[2])


def test_an_empty_window_is_refused_before_anything_is_built():
    with pytest.raises(UserError) as err:
        s.build_population([], s.Rules(date(2020, 8, 31), date(2020, 1, 2)))
    assert err.value.code == "SAMPLE_001"
