"""`sipas forms …` and `sipas responses …` through the real entry point, JSON keys and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from sipas_desktop.core.entry.numbers import format_number
from sipas_desktop.core.forms import load_form

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")


@pytest.fixture
def office(sipas):
    assert sipas("init", "--unit", "18352")[0] == 0
    return sipas


def test_forms_list_and_show_json_give_sections_codes_and_the_scoring_tree(sipas):
    code, out, _ = sipas("forms", "list", "--json")
    assert code == 0
    ids = {f["id"] for f in json.loads(out)["forms"]}
    assert {"sipas-2017", "sipas-2023", "xa-rut-gon-2024"} <= ids
    code, out, _ = sipas("forms", "show", "sipas-2023", "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "sipas-2023"
    first = data["sections"][0]["questions"][0]
    assert first["id"] == "a1_gioi_tinh" and first["choices"][0] == {"code": 1, "label": "Nam"}
    sipas_index = next(i for i in data["scoring"]["indices"] if i["id"] == "sipas")
    elements = sipas_index["elements"]
    assert len(elements) == 9
    criteria = [c for e in elements for c in e["criteria"]]
    assert len(criteria) == 33 and criteria[14]["questions"] == ["c9_15"]


def test_forms_show_of_an_unknown_form_exits_1_with_a_vietnamese_message(sipas):
    code, _, err = sipas("forms", "show", "khong-co")
    assert code == 1 and "Không có phiếu khảo sát mã “khong-co”" in err


def test_forms_check_lists_every_problem_and_exits_1(sipas, tmp_path):
    bad = tmp_path / "hong.toml"
    from pathlib import Path

    text = Path(load_form("xa-rut-gon-2024").path).read_text("utf-8")
    bad.write_text(text.replace('id = "hoc_van"', 'id = "do_tuoi"').replace('criteria = ["nd1"]',
                                                                            'criteria = ["nd99"]'), "utf-8")
    code, out, err = sipas("forms", "check", str(bad))
    assert code == 1 and "FORM_100" not in out
    assert "do_tuoi" in out and "nd99" in out and "hong.toml" in out
    code, out, _ = sipas("forms", "check", str(bad), "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert {"FORM_020", "FORM_040", "FORM_008"} <= {i["code"] for i in data["issues"]}
    code, out, _ = sipas("forms", "check", load_form("sipas-2017").path)
    assert code == 0 and "hợp lệ" in out


def test_print_without_office_or_plan_says_what_to_do(sipas, tmp_path):
    code, _, err = sipas("forms", "print", "--count", "2", "--out", str(tmp_path / "p.pdf"))
    assert code == 1 and "sipas init" in err
    sipas("init", "--unit", "18352")
    code, _, err = sipas("forms", "print", "--count", "2", "--out", str(tmp_path / "p.pdf"))
    assert code == 1 and "--form" in err


def test_print_usage_errors_exit_2(office, tmp_path):
    with pytest.raises(SystemExit) as caught:
        office("forms", "print", "--count", "x", "--out", str(tmp_path / "p.pdf"))
    assert caught.value.code == 2


@needs_poppler
def test_print_uses_the_current_plan_and_continues_numbering_then_reprints(office, tmp_path):
    from sipas_desktop.core.services.plans import create_plan

    plan = create_plan("Kế hoạch tự khảo sát năm 2024", date(2024, 1, 2), date(2024, 8, 31),
                       "xa-rut-gon-2024")
    code, out, _ = office("forms", "print", "--count", "3", "--out", str(tmp_path / "a.pdf"), "--json")
    first = json.loads(out)
    assert code == 0 and (first["first"], first["last"], first["plan_id"]) == (1, 3, plan.plan_id)
    code, out, _ = office("forms", "print", "--count", "2", "--out", str(tmp_path / "b.pdf"), "--json")
    assert json.loads(out)["first"] == 4
    text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
    assert f"Phiếu số: {format_number(4)}" in text and "Kế hoạch tự khảo sát năm 2024" in text
    code, out, _ = office("forms", "print", "--reprint", "2", "--out", str(tmp_path / "c.pdf"))
    assert code == 0 and "In lại" in out
    code, _, err = office("forms", "print", "--reprint", "9", "--out", str(tmp_path / "d.pdf"))
    assert code == 1 and "chưa từng in" in err
    code, _, err = office("forms", "print", "--count", "1", "--start", "2",
                          "--out", str(tmp_path / "e.pdf"))
    assert code == 1 and "đã in" in err and not (tmp_path / "e.pdf").exists()


def test_template_import_export_and_verify_report_round_trip(office, tmp_path):
    form = load_form("sipas-2017")
    assert office("forms", "print", "--count", "5", "--form", "sipas-2017", "--out",
                  str(tmp_path / "p.pdf"))[0] == 0
    template = tmp_path / "mau.xlsx"
    assert office("responses", "template", "--out", str(template), "--form", "sipas-2017")[0] == 0
    wb = load_workbook(template)
    ws = wb["Phiếu"]
    answers = [4 if q.type == "scale" else q.codes[0] if q.is_choice else "" for q in form.questions]
    ws.append([format_number(1), form.id, form.version] + answers)
    bad = list(answers)
    bad[10] = 8
    ws.append([format_number(2), form.id, form.version] + bad)
    wb.save(template)
    code, out, _ = office("responses", "import", str(template), "--form", "sipas-2017", "--json")
    data = json.loads(out)
    assert code == 1 and (data["imported"], data["refused"]) == (0, 1)
    assert data["issues"][0]["row"] == 4 and data["issues"][0]["code"] == "RESP_002"
    code, out, _ = office("responses", "import", str(template), "--form", "sipas-2017", "--json",
                          "--keep-valid")
    assert json.loads(out)["imported"] == 1
    code, out, _ = office("responses", "export", str(tmp_path / "x.xlsx"), "--form", "sipas-2017", "--json")
    assert code == 0 and json.loads(out)["exported"] == 1
    code, out, _ = office("responses", "verify-report", "--json")
    assert code == 0 and json.loads(out) == {"clerks": []}     # imports are not clerk keying
    assert office("responses", "verify-share", "20")[0] == 0
