"""The report file made from a real database: no personal data, sample facts, bad input."""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

import pytest

from sipas_desktop.core import exchange as ex
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import results
from sipas_desktop.core.text import fold
from tests.core.results_data import PLANTED, PLANTED_CODE, build_commune_survey


@pytest.fixture
def survey(commune):
    return build_commune_survey(36)


def unzipped_text(path: Path) -> str:
    """Every part of the .xlsx, entities decoded: what anyone unzipping the file can read."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(html.unescape(archive.read(n).decode("utf-8",
                                                              "replace")) for n in archive.namelist())


def test_the_report_file_holds_no_name_phone_address_or_dossier_code_from_the_log(survey, tmp_path):
    path = results.export_report_file(tmp_path / "bao-cao.xlsx").path
    text = unzipped_text(path)
    folded = fold(text)
    for name, phone, address in PLANTED:
        assert name not in text and fold(name) not in folded
        assert phone not in text and phone.replace(" ", "") not in text.replace(" ", "")
        assert address not in text
    assert PLANTED_CODE not in text
    # The comments that named them are still there, masked.
    assert ex.NAME_MASK in text and ex.PHONE_MASK in text and ex.CODE_MASK in text


def test_the_plain_data_export_is_anonymous_too(survey, tmp_path):
    for suffix in (".csv", ".xlsx"):
        path = results.export_data(tmp_path / f"du-lieu{suffix}")
        text = path.read_bytes().decode("utf-8-sig") if suffix == ".csv" else unzipped_text(path)
        for name, phone, _ in PLANTED:
            assert name not in text and phone not in text


def test_the_report_file_carries_the_sample_facts_and_double_entry_figures(survey, tmp_path):
    written = results.export_report_file(tmp_path / "bao-cao.xlsx")
    back = ex.read_report_file(written.path).content
    assert back.plan_id == survey["plan_id"] and back.unit_code == "18352"
    assert back.form_id == "sipas-2017" and len(back.responses) == 36
    s = back.sample
    assert (s.population_n, s.sample_n, s.seed) == (sum(x.population for x in s.strata), 25, "20200905")
    assert [x.stratum for x in s.strata] == ["ca_nhan", "to_chuc"]
    assert "," in s.strata[0].interval                       # printed as on the sample sheet
    assert sum(n for _, n in s.population_by_field) == s.population_n
    q = back.quality
    assert (q.forms_keyed, q.forms_double_entered, q.answers_differing) == (36, 5, 1)
    assert q.error_rate > 0


def test_applicant_type_comes_from_the_questionnaire_question(survey):
    res = results.compute_results()
    assert res.applicant_types == ("ca_nhan", "to_chuc")
    assert {b.dimension for b in res.scores.breakdowns} == {"applicant_type"}
    only = results.compute_results(applicant_type="to_chuc")
    assert 0 < only.scores.valid_forms < res.scores.valid_forms


def test_no_forms_keyed_gives_a_clear_message_and_no_file(commune, tmp_path):
    from datetime import date

    from sipas_desktop.core.services import plans as plan_services

    plan_services.create_plan("Kế hoạch 2025", date(2025, 1, 2), date(2025, 8, 31), "sipas-2017")
    with pytest.raises(UserError) as err:
        results.export_report_file(tmp_path / "bao-cao.xlsx")
    assert err.value.code == "RESULTS_001" and "Chưa có phiếu nào" in err.value.message
    assert not list(tmp_path.glob("*.xlsx"))


def test_forms_keyed_with_a_version_not_in_the_plan_are_refused(survey, tmp_path):
    from sipas_desktop.core.entry.models import Response as Row

    Row.update(form_version="2016.9").where(Row.number.in_([3, 4])).execute()
    with pytest.raises(UserError) as err:
        results.export_report_file(tmp_path / "bao-cao.xlsx")
    assert err.value.code == "RESULTS_002"
    assert "2016.9" in err.value.message and "00003" in err.value.message.replace(".", "")
    assert not list(tmp_path.glob("*.xlsx"))
