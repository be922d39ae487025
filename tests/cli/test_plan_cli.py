"""`sipas plan …` and `sipas sample …` run as a user (and the acceptance checks) run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sipas_desktop.cli import main
from sipas_desktop.core.db import close_database
from sipas_desktop.core.services.app import open_app
from tests.core.plan_data import insert_log, random_log


@pytest.fixture
def sipas(tmp_path):
    db = tmp_path / "data" / "sipas.db"

    def run(*args: str) -> int:
        try:
            return main(["--db", str(db), *args])
        finally:
            close_database()

    run.db = db
    return run


def with_log(sipas, rows) -> None:
    open_app(sipas.db)
    insert_log(rows)
    close_database()


def commune_with_plan(sipas, capsys, *extra: str) -> None:
    assert sipas("init", "--unit", "18352") == 0
    with_log(sipas, random_log(400))
    assert sipas("plan", "new", "--title", "Kế hoạch khảo sát năm 2020", "--from", "02/01/2020",
                 "--to", "31/08/2020", "--form", "sipas-2017", "--individuals", "15",
                 "--organizations", "10", *extra) == 0
    capsys.readouterr()


def test_plan_new_writes_the_plan_file_and_prints_json(sipas, tmp_path, capsys):
    assert sipas("init", "--unit", "42", "--role", "tong-hop") == 0
    capsys.readouterr()
    out = tmp_path / "ke-hoach.xlsx"
    assert sipas("plan", "new", "--title", "KH 2020", "--from", "02/01/2020", "--to", "31/08/2020",
                 "--form", "sipas-2017", "--fields", "Hộ tịch;Chứng thực", "--individuals", "15",
                 "--organizations", "10", "--reserve-ratio", "0.25", "--out", str(out), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan_id"].startswith("KH-2020-") and data["fields"] == ["Hộ tịch", "Chứng thực"]
    assert data["reserve_ratio"] == 0.25 and data["form_version"] == "2017.1"
    assert len(data["quotas"]) == 69 and data["quotas"][0]["total"] == 25
    assert openpyxl.load_workbook(out).sheetnames[0] == "Kế hoạch"
    assert sipas("plan", "import", str(out), "--json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["plan_id"] == data["plan_id"] and again["updated"] is True


def test_draw_json_has_the_keys_the_acceptance_checks_read(sipas, capsys):
    commune_with_plan(sipas, capsys)
    assert sipas("sample", "draw", "--seed", "2020", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {"N", "n", "strata", "excluded", "sample", "reserve"} <= set(data)
    assert data["n"] == 25 == len(data["sample"]) and len(data["reserve"]) == 5
    assert set(data["strata"]) == {"ca_nhan", "to_chuc"}
    for stratum in data["strata"].values():
        assert {"N", "n", "k", "start"} <= set(stratum)
        assert stratum["k"] == pytest.approx(stratum["N"] / stratum["n"])
        assert 0 <= stratum["start"] < stratum["k"]
    assert data["N"] == sum(s["N"] for s in data["strata"].values())
    assert data["N"] + sum(data["excluded"].values()) == 400
    assert set(data["excluded"]) >= {"outside_window", "online", "postal", "not_handed_over",
                                     "outside_province", "duplicate_person", "field_not_in_plan"}
    assert not set(data["sample"]) & set(data["reserve"])


def test_the_same_seed_redraws_the_same_sample_and_a_redraw_needs_a_reason(sipas, capsys):
    commune_with_plan(sipas, capsys)
    assert sipas("sample", "draw", "--seed", "77", "--json") == 0
    first = json.loads(capsys.readouterr().out)
    assert sipas("sample", "draw", "--seed", "77") == 1
    assert "phải ghi lý do" in capsys.readouterr().err
    assert sipas("sample", "draw", "--seed", "77", "--reason", "Giám sát yêu cầu chọn lại", "--json") == 0
    second = json.loads(capsys.readouterr().out)
    assert (first["sample"], first["reserve"]) == (second["sample"], second["reserve"])
    assert sipas("sample", "history", "--json") == 0
    history = json.loads(capsys.readouterr().out)
    assert [h["reason"] for h in history] == ["Giám sát yêu cầu chọn lại", "Chọn mẫu lần đầu"]
    assert all(h["drawn_at"] and "drawn_by" in h for h in history)


def test_export_replace_status_and_show(sipas, tmp_path, capsys):
    commune_with_plan(sipas, capsys)
    assert sipas("sample", "draw", "--seed", "5", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    for name in ("mau.xlsx", "mau.pdf"):
        assert sipas("sample", "export", str(tmp_path / name)) == 0
        assert (tmp_path / name).stat().st_size > 1000
    capsys.readouterr()
    first = data["sample"][0]
    assert sipas("sample", "status", first, "tu_choi") == 0
    assert sipas("sample", "replace", first, "--reason", "Từ chối trả lời", "--json") == 0
    out = capsys.readouterr().out
    replaced = json.loads(out[out.index("{"):])
    assert replaced["replaced"] == first and replaced["replacement"] == data["reserve"][0]
    assert sipas("sample", "status", data["sample"][1], "da_thu") == 0
    assert "Đã thu" in capsys.readouterr().out
    assert sipas("sample", "show", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert data["reserve"][0] in shown["active"] and first not in shown["active"]
    assert shown["counts"]["ca_nhan"]["substitutions"] == 1
    assert sum(c["returned"] for c in shown["counts"].values()) == 1


def test_population_json_and_export(sipas, tmp_path, capsys):
    commune_with_plan(sipas, capsys)
    out = tmp_path / "tong-the.xlsx"
    assert sipas("sample", "population", "--json", "--out", str(out)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["N"] + sum(data["excluded"].values()) == data["total"] == 400
    assert out.exists()


@pytest.mark.parametrize("args, code, message", [
    (["--from", "31/08/2020", "--to", "02/01/2020", "--form", "sipas-2017"], 1, "trước thời gian bắt đầu"),
    (["--from", "02/01/2020", "--to", "31/08/2020", "--form", "khong-co"], 1, "không có phiếu khảo sát"),
    (["--from", "31/02/2020", "--to", "31/08/2020", "--form", "sipas-2017"], 2, "không có thật"),
    (["--from", "02/01/2020", "--to", "31/08/2020", "--form", "sipas-2017", "--individuals", "-3"], 2,
     "không được âm"),
])
def test_bad_plans_fail_with_a_vietnamese_message_and_nothing_stored(sipas, capsys, args, code, message):
    assert sipas("init", "--unit", "18352") == 0
    try:
        result = sipas("plan", "new", "--title", "KH", *args)
    except SystemExit as usage_error:   # argparse: bad usage exits with 2
        result = usage_error.code
    assert result == code
    assert message in capsys.readouterr().err
    assert sipas("plan", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_bad_inputs_to_sample_commands_fail_cleanly(sipas, tmp_path, capsys):
    assert sipas("init", "--unit", "18352") == 0
    assert sipas("sample", "draw", "--seed", "1") == 1
    assert "Chưa có kế hoạch" in capsys.readouterr().err
    rows = random_log(60)
    for r in rows:
        r["returned_date"] = None
    with_log(sipas, rows)
    assert sipas("plan", "new", "--title", "KH", "--from", "02/01/2020", "--to", "31/08/2020",
                 "--form", "sipas-2017") == 0
    assert sipas("sample", "draw", "--seed", "1") == 1
    assert "không có hồ sơ nào đủ điều kiện" in capsys.readouterr().err
    assert sipas("sample", "export", str(tmp_path / "mau.docx")) == 1
    bad = tmp_path / "khac.xlsx"
    openpyxl.Workbook().save(bad)
    assert sipas("plan", "import", str(bad)) == 1
    assert "không phải tệp kế hoạch" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage_error:
        sipas("sample", "draw", "--seed", "abc")
    assert usage_error.value.code == 2


def test_the_commands_appear_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["sample", "--help"])
    out = capsys.readouterr().out
    for command in ("population", "draw", "export", "replace", "status", "show", "history"):
        assert command in out


SIPAS = Path(sys.executable).with_name("sipas")


@pytest.mark.skipif(not SIPAS.exists(), reason="the sipas entry point is not installed (pip install -e .)")
def test_the_installed_command_runs_a_whole_draw_in_its_own_process(tmp_path):
    db = tmp_path / "x.db"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(SIPAS), "--db", str(db), *args], capture_output=True, text=True,
                              env={**os.environ, "SIPAS_HOME": str(tmp_path)})

    assert run("init", "--unit", "18352").returncode == 0
    open_app(db)
    insert_log(random_log(200))
    close_database()
    assert run("plan", "new", "--title", "KH", "--from", "02/01/2020", "--to", "31/08/2020",
               "--form", "sipas-2017", "--individuals", "10", "--organizations", "5").returncode == 0
    result = run("sample", "draw", "--seed", "3", "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["sample"]) == 15
