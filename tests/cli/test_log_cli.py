"""`sipas log import|export|count` and `sipas demo log`, run as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from sipas_desktop.cli import main
from sipas_desktop.core.db import close_database
from tests.core.log_data import dossier, write_mau06


@pytest.fixture
def sipas(tmp_path):
    db = tmp_path / "data" / "sipas.db"

    def run(*args: str) -> int:
        try:
            return main(["--db", str(db), *args])
        finally:
            close_database()

    return run


def test_demo_then_import_count_export_and_reimport(sipas, tmp_path, capsys):
    demo = tmp_path / "demo.xlsx"
    assert sipas("demo", "log", "--rows", "250", "--seed", "4", "--out", str(demo)) == 0
    assert "250" in capsys.readouterr().out and demo.exists()

    assert sipas("log", "import", str(demo), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"new", "updated", "unchanged", "refused", "issues"}
    assert (result["new"], result["updated"], result["unchanged"], result["refused"]) == (250, 0, 0, 0)

    assert sipas("log", "count") == 0
    assert capsys.readouterr().out.strip() == "250"
    assert sipas("log", "count", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"count": 250}

    out = tmp_path / "so.xlsx"
    assert sipas("log", "export", str(out)) == 0
    assert "Đã xuất" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active["A4"].value == "SỔ THEO DÕI HỒ SƠ"

    assert sipas("log", "import", str(demo)) == 0
    text = capsys.readouterr().out
    assert "0 hồ sơ mới" in text and "250 không đổi" in text


def test_a_file_with_errors_imports_nothing_without_keep_valid_and_exits_1(sipas, tmp_path, capsys):
    path = write_mau06(tmp_path / "loi.xlsx", [dossier(1), dossier(2, received="31/02/2020"), dossier(3)])
    assert sipas("log", "import", str(path), "--json") == 1
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert (result["new"], result["refused"]) == (0, 1)
    errors = [i for i in result["issues"] if i["level"] == "error"]
    assert [(i["code"], i["sheet"], i["row"], i["column"]) for i in errors] == [
        ("LOG_IMP_101", "Sổ hồ sơ", 10, "Ngày nhận hồ sơ")]  # once, not also "thiếu ngày nhận"
    assert "chưa nhập hồ sơ nào" in captured.err
    assert sipas("log", "count") == 0
    assert capsys.readouterr().out.strip() == "0"

    assert sipas("log", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "dòng 10" in err and "31/02/2020" in err

    assert sipas("log", "import", str(path), "--keep-valid", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["new"], result["refused"]) == (2, 1)


def test_a_file_that_is_not_a_spreadsheet_exits_1_with_a_vietnamese_message(sipas, tmp_path, capsys):
    path = tmp_path / "so.xlsx"
    path.write_bytes(b"%PDF-1.7\n")
    assert sipas("log", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "PDF" in err and "Traceback" not in err
    assert sipas("log", "import", str(path), "--json") == 1
    result = json.loads(capsys.readouterr().out)
    assert result["issues"][0]["code"] == "LOG_IMP_010"


def test_bad_usage_exits_2(sipas, capsys):
    with pytest.raises(SystemExit) as caught:
        sipas("demo", "log", "--rows", "0", "--out", "x.xlsx")
    assert caught.value.code == 2
    assert "lỗi" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        sipas("log", "import")
    assert caught.value.code == 2


def test_the_installed_command_runs_the_log_commands(tmp_path):
    sipas = Path(sys.executable).with_name("sipas")
    if not sipas.exists():
        pytest.skip("the console script is not installed in this environment")
    db = tmp_path / "s.db"
    demo = tmp_path / "d.xlsx"
    env_run = [str(sipas), "--db", str(db)]
    done = subprocess.run(env_run + ["demo", "log", "--rows", "30", "--seed", "2", "--out", str(demo)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(env_run + ["log", "import", str(demo), "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["new"] == 30
    done = subprocess.run(env_run + ["log", "count"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "30"


def test_a_file_without_a_recognisable_header_is_imported_with_columns_mapped_by_hand(
        sipas, tmp_path, capsys):
    from tests.core.log_data import foreign_rows, write_xlsx

    path = write_xlsx(tmp_path / "la.xlsx", foreign_rows(2, range(1, 4)))
    assert sipas("log", "import", str(path)) == 1
    err = capsys.readouterr().err
    assert "--map" in err and "--data-row" in err and "Traceback" not in err

    columns = "A=code, B=procedure_name,C=applicant_name,D=received_date,E=phone"
    assert sipas("log", "import", str(path), "--map", columns, "--data-row", "4", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"new", "updated", "unchanged", "refused", "issues"}
    assert (result["new"], result["refused"]) == (3, 0)
    # Remembered for the next export with the same header, wherever its data starts.
    later = write_xlsx(tmp_path / "la-2.xlsx", foreign_rows(4, range(4, 6)))
    assert sipas("log", "import", str(later), "--json") == 0
    assert json.loads(capsys.readouterr().out)["new"] == 2


@pytest.mark.parametrize("mapping", ["A=ma_ho_so", "A-code", "1A=code", "A=code,A=notes", ""])
def test_a_mapping_that_cannot_be_read_is_a_usage_error(sipas, tmp_path, capsys, mapping):
    with pytest.raises(SystemExit) as caught:
        sipas("log", "import", str(tmp_path / "x.xlsx"), "--map", mapping)
    assert caught.value.code == 2
    assert "--map" in capsys.readouterr().err


def test_the_help_of_log_import_names_every_field_a_column_can_be_mapped_to(sipas, capsys):
    from sipas_desktop.core.tthc_log.headers import load_vocabulary

    with pytest.raises(SystemExit):
        sipas("log", "import", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert all(key in text for key in load_vocabulary().keys)
