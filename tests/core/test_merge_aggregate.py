"""Multi-level roll-up: commune → district aggregate → province, with exact recomputation."""

from __future__ import annotations

from datetime import datetime

import pytest

from sipas_desktop.core import exchange, merge, merge_aggregate, units
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.merge import MergeOptions, Status
from sipas_desktop.core.scoring import score
from tests.core import merge_data as md

DISTRICT = ("H0001", "Huyện Nghi Xuân")
OLD_COMMUNES = [("X0001", "Xã Xuân Hội"), ("X0002", "Xã Xuân Phổ"), ("X0003", "Xã Xuân Đan")]


@pytest.fixture
def old_units(app):
    """A pre-2025 district of Hà Tĩnh with three communes, added by hand as historical units."""
    units.add_unit(*DISTRICT, "huyen", "42")
    for code, name in OLD_COMMUNES:
        units.add_unit(code, name, "xa", DISTRICT[0])


def _district_options() -> MergeOptions:
    return MergeOptions(office_code=DISTRICT[0], office_name=DISTRICT[1], office_parent_code="42",
                        office_parent_name="Tỉnh Hà Tĩnh", area=frozenset(units.descendants(DISTRICT[0])))


def _province_options() -> MergeOptions:
    return MergeOptions(office_code="42", office_name="Tỉnh Hà Tĩnh", area=frozenset(units.descendants("42")))


def test_a_district_aggregate_is_a_standard_file_that_the_province_merges_exactly(old_units, tmp_path):
    contents = [md.content(u, seed=i, forms=8 + 3 * i, satisfaction=0.6 + 0.1 * i, parent=DISTRICT)
                for i, u in enumerate(OLD_COMMUNES)]
    files = [md.write(tmp_path / "xa", f"{c.unit_code}.xlsx", c) for c in contents]
    district = merge.merge_files(files, _district_options())
    assert len(district.accepted) == 3
    office = merge_aggregate.AggregateUnit(*DISTRICT, "42", "Tỉnh Hà Tĩnh")
    aggregate = tmp_path / "huyen" / "tong-hop-nghi-xuan.xlsx"
    merge_aggregate.write_aggregate(office, [f.path for f in district.accepted], aggregate,
                                    form_source=district.form_source, plan_id=district.plan_id,
                                    created_at=datetime(2025, 9, 20, 10, 0))

    verified = exchange.verify_report_file(aggregate)
    assert verified.intact, verified.problems
    content = verified.report.content
    assert content.unit_code == DISTRICT[0] and merge_aggregate.is_aggregate(content)
    sources = merge_aggregate.sources_of(content)
    assert [s.unit_code for s in sources] == [c for c, _ in OLD_COMMUNES]
    assert [s.forms for s in sources] == [8, 11, 14]
    assert content.responses[0].number == "X0001/1"
    assert content.sample.population_n == 1200 and content.quality.forms_keyed == 33

    direct_commune = md.write(tmp_path / "xa", "18073.xlsx", md.content(md.COMMUNES[0], seed=7, forms=10))
    province = merge.merge_files([aggregate, direct_commune], _province_options())
    assert len(province.accepted) == 2
    form = load_form(md.FORM_ID)
    everything = [r for c in contents for r in c.responses] + \
        list(exchange.read_report_file(direct_commune).content.responses)
    assert province.pooled.indices[0].exact == score(form, everything).indices[0].exact
    by_unit = {u.unit: u for u in province.units}
    assert by_unit[DISTRICT[0]].kind == "aggregate" and len(by_unit[DISTRICT[0]].sources) == 3
    leaf = {u.unit: u for u in province.leaf_units}
    for c in contents:
        assert leaf[c.unit_code].scores.indices[0].exact == score(form, c.responses).indices[0].exact
    # The mean of units takes every commune, whether it reported directly or through the district.
    leaf_values = [u.overall for u in province.leaf_units]
    assert province.overall_mean == pytest.approx(sum(leaf_values) / len(leaf_values))
    assert len(leaf_values) == 4


def test_a_commune_already_inside_an_accepted_aggregate_is_counted_once(old_units, tmp_path):
    contents = [md.content(u, seed=i, forms=6, parent=DISTRICT) for i, u in enumerate(OLD_COMMUNES[:2])]
    files = [md.write(tmp_path, f"{c.unit_code}.xlsx", c) for c in contents]
    district = merge.merge_files(files, _district_options())
    aggregate = tmp_path / "huyen.xlsx"
    merge_aggregate.write_aggregate(merge_aggregate.AggregateUnit(*DISTRICT, "42"),
                                    [f.path for f in district.accepted], aggregate,
                                    form_source=district.form_source, plan_id=district.plan_id)
    province = merge.merge_files([aggregate, files[0]], _province_options())
    statuses = {f.name: f.status for f in province.files}
    assert statuses == {"huyen.xlsx": Status.ACCEPTED, "X0001.xlsx": Status.DUPLICATE}
    assert "huyen.xlsx" in next(f for f in province.files if f.name == "X0001.xlsx").reason
    assert province.pooled.valid_forms == 12


def test_an_aggregate_holding_a_unit_of_another_province_is_refused(old_units, tmp_path):
    ok = md.content(OLD_COMMUNES[0], seed=1, forms=5, parent=DISTRICT)
    foreign = md.content(md.FOREIGN, seed=2, forms=5)
    files = [md.write(tmp_path, "a.xlsx", ok), md.write(tmp_path, "b.xlsx", foreign)]
    # A district that did not check its area (no office declared) rolls up a foreign file …
    loose = merge.merge_files(files, MergeOptions())
    aggregate = tmp_path / "huyen.xlsx"
    merge_aggregate.write_aggregate(merge_aggregate.AggregateUnit(*DISTRICT, "42"),
                                    [f.path for f in loose.accepted], aggregate,
                                    form_source=loose.form_source, plan_id=loose.plan_id)
    # … and the province refuses the whole aggregate, naming the foreign unit.
    province = merge.merge_files([aggregate], _province_options())
    assert province.files[0].status is Status.REJECTED
    assert md.FOREIGN[0] in province.files[0].reason
