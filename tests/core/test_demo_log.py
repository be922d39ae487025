"""The demo one-stop export: deterministic from the seed, realistic, and importable."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import log_io
from sipas_desktop.core.tthc_log.demo import write_demo_log


def _cells(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(tmp_path):
    a = _cells(write_demo_log(tmp_path / "a.xlsx", 200, 7))
    b = _cells(write_demo_log(tmp_path / "b.xlsx", 200, 7))
    c = _cells(write_demo_log(tmp_path / "c.xlsx", 200, 8))
    assert a == b
    assert a != c


def test_the_demo_file_looks_like_a_one_stop_export(tmp_path):
    rows = _cells(write_demo_log(tmp_path / "d.xlsx", 120, 3))
    assert rows[3][0] == "SỔ THEO DÕI HỒ SƠ" and rows[0][0].startswith("UBND ")
    assert rows[6][7] == "Ngày, tháng, năm" and rows[7][7] == "Nhận hồ sơ"  # two-row header
    assert rows[8][0] == "(1)"
    data = [r for r in rows[9:] if isinstance(r[0], float)]
    assert len(data) == 120
    assert any(isinstance(r[7], date) for r in data) and any(isinstance(r[7], str) for r in data)
    assert any(" - ĐT: " in r[5] or "ĐT" in r[5] for r in data)
    assert any("Tổng cộng" in str(c) for r in rows[-6:] for c in r)


def test_the_demo_covers_fields_channels_pending_results_other_provinces_and_dates_outside_a_year(
        app, tmp_path):
    path = write_demo_log(tmp_path / "d.xlsx", 3000, 11)
    result = log_io.import_log(path)
    assert result.new == 3000 and result.refused == 0
    from sipas_desktop.core import models

    D = models.Dossier
    rows = list(D.select(D.field_name, D.channel, D.applicant_type, D.in_province, D.returned_date,
                         D.received_date).tuples())
    catalogue = json.loads((Path(log_io.__file__).parents[1] / "data" / "catalogue.json").read_text("utf-8"))
    fields = Counter(r[0] for r in rows)
    assert set(fields) == {f["name"] for f in catalogue["fields"]}
    channels = Counter(r[1] for r in rows)
    assert set(channels) == {"truc_tiep", "truc_tuyen", "buu_chinh"}
    assert channels["truc_tiep"] > channels["truc_tuyen"] > channels["buu_chinh"]
    assert {r[2] for r in rows} == {"ca_nhan", "to_chuc"}
    assert 0 < sum(1 for r in rows if not r[3]) < 0.2 * len(rows)
    assert 0 < sum(1 for r in rows if r[4] is None) < 0.2 * len(rows)
    assert any(r[5].year == 2025 for r in rows) and any(r[5].year == 2024 for r in rows)


def test_the_flat_variant_has_separate_columns_and_text_dates(app, tmp_path):
    path = write_demo_log(tmp_path / "m.xlsx", 80, 5, variant="mot-cua")
    rows = _cells(path)
    assert rows[6][:3] == ["STT", "Số hồ sơ", "Lĩnh vực"]
    assert all(isinstance(r[8], str) for r in rows[7:87])
    preview = log_io.preview_import(path)
    assert preview.ok and preview.total == 80
    assert {r.channel for r in preview.records} == {"truc_tiep", "truc_tuyen", "buu_chinh"}


@pytest.mark.parametrize("kwargs, code", [
    ({"rows": 0}, "DEMO_002"), ({"variant": "khac"}, "DEMO_001"), ({"name": "d.csv"}, "DEMO_003")])
def test_bad_demo_arguments_are_refused(tmp_path, kwargs, code):
    name = kwargs.pop("name", "d.xlsx")
    args = {"rows": 10, "seed": 1, **kwargs}
    with pytest.raises(UserError) as caught:
        write_demo_log(tmp_path / name, args.pop("rows"), args.pop("seed"), **args)
    assert caught.value.code == code


def test_the_demo_uses_the_configured_commune(app, tmp_path):
    from sipas_desktop.core.services.app import init_office

    init_office("18754", "xa")  # Phường Sông Trí, Hà Tĩnh
    rows = _cells(log_io.make_demo_log(tmp_path / "d.xlsx", 20, 1))
    assert rows[0][0] == "UBND PHƯỜNG SÔNG TRÍ"
    assert str(rows[9][1]).startswith("000.42.54.H42-")
