"""`sipas init|backup|restore|units` and the CLI's conventions, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def sipas(*args: str, db: Path, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, SIPAS_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "sipas_desktop", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, input=stdin, timeout=120)


@pytest.fixture
def run(tmp_path, _isolated_home):
    db = tmp_path / "cli" / "sipas.db"
    return lambda *args: sipas(*args, db=db, home=_isolated_home)


def test_init_declares_the_commune_and_prints_it_in_vietnamese(run):
    done = run("init", "--unit", "18352", "--role", "xa")
    assert done.returncode == 0, done.stderr
    assert "Xã Nghi Xuân" in done.stdout and "cấp xã" in done.stdout
    as_json = json.loads(run("init", "--unit", "42", "--role", "tong-hop", "--json").stdout)
    assert as_json == {"unit": "42", "name": "Tỉnh Hà Tĩnh", "role": "tong-hop"}


def test_an_unknown_unit_code_is_a_user_error_with_exit_1_and_a_message_on_stderr(run):
    done = run("init", "--unit", "99999")
    assert done.returncode == 1
    assert "Không có đơn vị hành chính mã “99999”" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_bad_usage_exits_2_with_a_vietnamese_usage_line(run):
    done = run("init", "--role", "xa")
    assert done.returncode == 2
    assert "cách dùng:" in done.stderr and "thiếu tham số bắt buộc" in done.stderr


def test_every_command_has_vietnamese_help(run):
    for command in (["init"], ["backup"], ["restore"], ["units", "search"], ["log", "import"],
                    ["plan", "new"], ["sample", "draw"], ["forms", "print"], ["responses", "import"],
                    ["report", "export"], ["indices"], ["merge"]):
        done = run(*command, "--help")
        assert done.returncode == 0, (command, done.stderr)
        assert "cách dùng:" in done.stdout and "hiện hướng dẫn này rồi thoát" in done.stdout, command


def test_backup_and_restore_bring_back_the_office(run, tmp_path):
    assert run("init", "--unit", "18352").returncode == 0
    copy = tmp_path / "saoluu.db"
    done = run("backup", "--out", str(copy))
    assert done.returncode == 0 and copy.exists()
    assert run("init", "--unit", "42", "--role", "tong-hop").returncode == 0
    done = run("restore", str(copy))
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục" in done.stdout
    assert json.loads(run("init", "--unit", "18352", "--json").stdout)["role"] == "xa"


def test_restoring_a_file_that_is_not_a_backup_changes_nothing(run, tmp_path):
    assert run("init", "--unit", "18352").returncode == 0
    junk = tmp_path / "junk.db"
    junk.write_text("không phải cơ sở dữ liệu")
    done = run("restore", str(junk))
    assert done.returncode == 1 and "không phải bản sao lưu" in done.stderr
    assert "Xã Nghi Xuân" in run("units", "search", "18352").stdout


def test_units_search_is_accent_insensitive_and_historical_units_can_be_added(run):
    assert "18352  Xã Nghi Xuân, Tỉnh Hà Tĩnh" in run("units", "search", "nghi xuan").stdout
    done = run("units", "add", "--code", "H-NX", "--name", "Huyện Nghi Xuân", "--kind", "huyen",
               "--parent", "42")
    assert done.returncode == 0 and "Huyện Nghi Xuân" in done.stdout


def test_output_cut_short_by_a_pipe_is_no_error(run, tmp_path):
    """`sipas forms show … | head -1` (75 KB): the reader leaves early; no traceback, no error logged."""
    env = dict(os.environ, SIPAS_HOME=str(tmp_path / "pipe-home"))
    db = tmp_path / "pipe.db"
    subprocess.run([sys.executable, "-m", "sipas_desktop", "--db", str(db), "init", "--unit", "42",
                    "--role", "tong-hop"], env=env, check=True, capture_output=True)
    command = f"{sys.executable} -m sipas_desktop --db {db} forms show sipas-2023 --json | head -1"
    done = subprocess.run(command, shell=True, env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.count("\n") == 1
    assert "Traceback" not in done.stderr and "Lỗi" not in done.stderr
    log = tmp_path / "pipe-home" / "logs" / "sipas.log"
    assert not log.exists() or "BrokenPipeError" not in log.read_text("utf-8")
