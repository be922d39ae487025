"""`sipas indices` and `sipas report …` run as a user would (a subprocess on a real database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sipas_desktop.core import exchange as ex
from sipas_desktop.core.db import close_database
from tests.core.results_data import build_commune_survey


@pytest.fixture
def database(commune, db_path: Path) -> Path:
    build_commune_survey(30)
    close_database()
    return db_path


def sipas(db: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    prefix = ["--db", str(db)] if db else []
    return subprocess.run([sys.executable, "-m", "sipas_desktop", *prefix, *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_indices_json_has_the_keys_acceptance_checks_read(database):
    run = sipas(database, "indices", "--json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {"overall", "elements", "criteria", "valid_forms", "rules"} <= set(data)
    assert data["valid_forms"] == 30
    assert set(data["elements"]) == {"tiep_can", "thu_tuc", "cong_chuc", "ket_qua", "gop_y"}
    assert len(data["criteria"]) == 22
    assert 0 <= data["overall"] <= 100
    assert abs(data["overall"] - sum(data["elements"].values()) / 5) < 0.006   # mean of elements
    assert "blocks" not in data                       # the 2017 form has no blocks
    assert all(rule["text"] for rule in data["rules"])


def test_indices_prints_a_readable_table_with_decimal_commas(database):
    run = sipas(database, "indices")
    assert run.returncode == 0, run.stderr
    assert "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS):" in run.stdout
    assert "Quy tắc tính:" in run.stdout
    line = next(x for x in run.stdout.splitlines() if x.startswith("Chỉ số hài lòng"))
    assert "," in line and line.endswith("%")


def test_export_then_verify_says_intact_and_what_the_file_holds(database, tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    run = sipas(database, "report", "export", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert out.exists() and "SHA-256" in run.stdout
    check = sipas(None, "report", "verify", str(out), "--json")
    assert check.returncode == 0, check.stdout + check.stderr
    data = json.loads(check.stdout)
    assert data["intact"] is True and data["problems"] == []
    assert data["summary"]["forms"] == 30 and data["summary"]["unit_code"] == "18352"
    text = sipas(None, "report", "verify", str(out))
    assert text.returncode == 0 and "Tệp nguyên vẹn" in text.stdout and "Xã Nghi Xuân" in text.stdout


def test_verify_of_a_tampered_file_exits_1_with_reasons_also_in_json(database, tmp_path):
    out = tmp_path / "bao-cao.xlsx"
    assert sipas(database, "report", "export", "--out", str(out)).returncode == 0
    wb = openpyxl.load_workbook(out)
    wb[ex.ANSWERS].delete_rows(5)
    wb.save(out)
    run = sipas(None, "report", "verify", str(out), "--json")
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["intact"] is False
    assert any(p["code"] == "REPORT_040" for p in data["problems"])
    text = sipas(None, "report", "verify", str(out))
    assert text.returncode == 1 and "KHÔNG nguyên vẹn" in text.stdout


def test_pdf_and_docx_are_written(database, tmp_path):
    texts = tmp_path / "noi-dung.json"
    texts.write_text(json.dumps({"number": "125", "signer_name": "Nguyễn Văn Bình"}), "utf-8")
    for kind in ("pdf", "docx"):
        out = tmp_path / f"bc.{kind}"
        run = sipas(database, "report", kind, "--out", str(out), "--noi-dung", str(texts))
        assert run.returncode == 0, run.stderr
        assert out.stat().st_size > 5000
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bc.pdf"), "-"], capture_output=True,
                          text=True).stdout
    assert "Số: 125/BC-UBND" in text and "Nguyễn Văn Bình" in text


def test_data_export_and_bad_texts_file(database, tmp_path):
    assert sipas(database, "report", "data", "--out", str(tmp_path / "d.csv")).returncode == 0
    bad = tmp_path / "x.json"
    bad.write_text("{không phải json", "utf-8")
    run = sipas(database, "report", "pdf", "--out", str(tmp_path / "b.pdf"), "--noi-dung", str(bad))
    assert run.returncode == 1 and "JSON" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "b.pdf").exists()


def test_no_forms_keyed_is_a_clear_error_with_exit_1(commune, db_path, tmp_path):
    from datetime import date

    from sipas_desktop.core.services import plans as plan_services

    plan_services.create_plan("Kế hoạch 2025", date(2025, 1, 2), date(2025, 8, 31), "sipas-2017")
    close_database()
    run = sipas(db_path, "report", "export", "--out", str(tmp_path / "x.xlsx"))
    assert run.returncode == 1 and "Chưa có phiếu nào được nhập" in run.stderr
    assert not (tmp_path / "x.xlsx").exists()
    run = sipas(db_path, "indices", "--json")
    assert run.returncode == 1 and "Traceback" not in run.stderr


def test_unknown_subcommand_is_a_usage_error(database):
    assert sipas(database, "report", "gui-di").returncode == 2
