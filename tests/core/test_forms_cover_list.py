"""The cover list (number → sampled person) continues the sample list across print runs."""

from __future__ import annotations

import subprocess
from datetime import date

from sipas_desktop.core.services import forms as form_services
from sipas_desktop.core.services import plans as plan_services
from tests.core.plan_data import insert_log, random_log


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_second_print_run_gives_its_numbers_to_the_next_people_of_the_sample(commune, tmp_path):
    insert_log(random_log(300))
    plan_services.create_plan("Kế hoạch 2020", date(2020, 1, 2), date(2020, 8, 31), "sipas-2017",
                              individuals=3, organizations=2)
    people = [e for e in plan_services.draw_sample(2020).entries if e.active]
    form_services.print_forms(tmp_path / "a.pdf", count=2, cover_list=tmp_path / "a-ds.pdf")
    form_services.print_forms(tmp_path / "b.pdf", count=3, cover_list=tmp_path / "b-ds.pdf")
    first, second = pdf_text(tmp_path / "a-ds.pdf"), pdf_text(tmp_path / "b-ds.pdf")
    assert people[0].applicant_name in first and people[1].applicant_name in first
    assert all(p.applicant_name in second for p in people[2:5])
    assert people[0].applicant_name not in second
