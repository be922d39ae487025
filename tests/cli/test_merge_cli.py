"""`sipas merge` through the real entry point: JSON keys used by acceptance checks, outputs, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sipas_desktop.core import exchange
from tests.core import merge_data as md


@pytest.fixture
def province(sipas):
    assert sipas("init", "--unit", "42", "--role", "tong-hop")[0] == 0
    return sipas


@pytest.fixture
def mailbox(tmp_path) -> Path:
    box = tmp_path / "hop-thu"
    good = [md.write(box, f"{c}.xlsx", md.content((c, n), seed=i, forms=9)) for i, (c, n) in
            enumerate(md.COMMUNES[:3])]
    md.copy(good[0], box / "ban-sao.xlsx")
    md.alter_answer(good[1], box / "da-sua.xlsx")
    md.write(box, "ha-noi.xlsx", md.content(md.FOREIGN, seed=8))
    (box / "word-doi-ten.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    return box


def test_merge_json_gives_units_overall_figures_accepted_rejected_and_missing(province, mailbox, tmp_path):
    out = tmp_path / "ra"
    code, stdout, stderr = province("merge", str(mailbox), "--out", str(out / "tong-hop.xlsx"),
                                    "--pdf", str(out / "bao-cao.pdf"), "--docx", str(out / "bao-cao.docx"),
                                    "--aggregate", str(out / "tinh.xlsx"), "--json")
    assert code == 0, stderr
    data = json.loads(stdout)
    assert {"units", "overall_pooled", "overall_mean", "accepted", "rejected", "missing_units"} <= set(data)
    assert {u["unit"] for u in data["units"]} == {c for c, _ in md.COMMUNES[:3]}
    for unit in data["units"]:
        assert {"unit", "overall", "elements", "forms"} <= set(unit)
        assert unit["forms"] == 9 and 0 <= unit["overall"] <= 100
    assert isinstance(data["overall_pooled"], float) and isinstance(data["overall_mean"], float)
    rejected = {Path(r["file"]).name: r["reason"] for r in data["rejected"]}
    assert set(rejected) == {"ban-sao.xlsx", "da-sua.xlsx", "ha-noi.xlsx", "word-doi-ten.xlsx"}
    assert all(rejected.values())
    assert "đã bị sửa" in rejected["da-sua.xlsx"] and "địa bàn" in rejected["ha-noi.xlsx"]
    assert len(data["accepted"]) == 3 and all("file" in a for a in data["accepted"])
    assert data["missing_units"] == []
    assert set(data["outputs"]) == {"summary", "pdf", "docx", "aggregate"}
    assert load_workbook(out / "tong-hop.xlsx").sheetnames[0] == "Tổng hợp"
    aggregate = exchange.verify_report_file(out / "tinh.xlsx")
    assert aggregate.intact and aggregate.summary.unit_code == "42" and aggregate.summary.forms == 27


def test_merge_prints_a_readable_summary_without_json(province, mailbox, tmp_path):
    code, stdout, _ = province("merge", str(mailbox), "--out", str(tmp_path / "t.xlsx"))
    assert code == 0
    assert "Chỉ số chung gộp" in stdout and "Trung bình chỉ số các đơn vị" in stdout
    assert "[Bị từ chối] da-sua.xlsx" in stdout and "Đã ghi bảng tổng hợp" in stdout


def test_an_aggregate_without_any_good_file_fails_with_exit_1_but_the_summary_is_written(province, tmp_path):
    (tmp_path / "rac.xlsx").write_bytes(b"khong phai excel")
    code, stdout, stderr = province("merge", str(tmp_path / "rac.xlsx"), "--out", str(tmp_path / "t.xlsx"),
                                    "--aggregate", str(tmp_path / "a.xlsx"), "--json")
    assert code == 1 and "tệp tổng hợp" in stderr
    data = json.loads(stdout)
    assert data["accepted"] == [] and data["rejected"][0]["reason"]
    assert (tmp_path / "t.xlsx").exists() and not (tmp_path / "a.xlsx").exists()


def test_merge_without_out_is_a_usage_error(sipas, tmp_path):
    with pytest.raises(SystemExit) as exc:
        sipas("merge", str(tmp_path))
    assert exc.value.code == 2


def test_without_a_declared_office_the_command_merges_and_says_the_area_was_not_checked(db_path, mailbox,
                                                                                        tmp_path):
    result = subprocess.run([sys.executable, "-m", "sipas_desktop", "--db", str(db_path), "merge",
                             str(mailbox), "--out", str(tmp_path / "t.xlsx"), "--json"],
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {Path(a["file"]).name for a in data["accepted"]} == {"18073.xlsx", "18100.xlsx", "18115.xlsx",
                                                                "ha-noi.xlsx"}
    assert any("địa bàn" in note for note in data["notes"])
