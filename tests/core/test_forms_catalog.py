"""The shipped questionnaires load cleanly and the catalog finds them (bundled and user folder)."""

from __future__ import annotations

import shutil

import pytest

from sipas_desktop.core import paths
from sipas_desktop.core.errors import NotFoundError
from sipas_desktop.core.forms import available_forms, broken_forms, check_form_file, load_form


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def shipped():
    return sorted(paths.forms_dir().glob("*.toml"))


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.name)
def test_every_shipped_form_file_has_no_problem_at_all(path):
    assert check_form_file(path) == []


def test_every_shipped_form_says_where_its_wording_comes_from_and_what_is_unconfirmed():
    for summary in available_forms():
        form = load_form(summary.id)
        assert form.source and form.legal_basis
        assert form.unconfirmed, form.id


def test_the_2017_form_has_five_elements_and_22_criteria_4_5_6_3_4():
    form = load_form("sipas-2017")
    assert [len(e.criteria) for e in form.scoring.elements] == [4, 5, 6, 3, 4]
    assert form.scoring.indices[0].elements == ("tiep_can", "thu_tuc", "cong_chuc", "ket_qua", "gop_y")
    assert form.no_answer_code == 9
    for element in form.scoring.elements:
        for criterion in element.criteria:
            for qid in criterion.questions:
                assert form.question(qid).codes == (1, 2, 3, 4, 5)


def test_available_forms_lists_id_version_and_title():
    found = {s.id: s for s in available_forms()}
    assert "sipas-2017" in found
    assert found["sipas-2017"].version and "PHIẾU KHẢO SÁT" in found["sipas-2017"].title


def test_a_user_copy_replaces_the_bundled_form_and_a_broken_one_is_reported(home):
    user_dir = home / "forms"
    user_dir.mkdir(parents=True, exist_ok=True)
    text = (paths.forms_dir() / "sipas-2017.toml").read_text("utf-8")
    (user_dir / "sipas-2017.toml").write_text(text.replace('version = "2017.1"', 'version = "2017.9"'),
                                              "utf-8")
    assert load_form("sipas-2017").version == "2017.9"
    shutil.copy(paths.forms_dir() / "sipas-2017.toml", user_dir / "hong.toml")
    (user_dir / "hong.toml").write_text(text.replace('id = "sipas-2017"', 'id = "hong"')
                                        .replace('{ code = 2, label = "Nữ" }', '{ label = "Nữ" }'), "utf-8")
    assert "hong" not in {s.id for s in available_forms()}
    broken = broken_forms()
    assert [b.path.endswith("hong.toml") for b in broken] == [True]
    assert broken[0].issues[0].code == "FORM_023"
    with pytest.raises(NotFoundError) as caught:
        load_form("hong")
    assert "sipas forms check" in caught.value.message


def test_the_2023_form_has_33_statements_in_a_policy_block_of_14_and_a_service_block_of_19():
    form = load_form("sipas-2023")
    sc = form.scoring
    per_block = {b.id: sum(len(sc.element(e).criteria) for e in b.elements) for b in sc.blocks}
    assert per_block == {"chinh_sach": 14, "dich_vu": 19}
    service = [len(sc.element(e).criteria) for e in sc.block("dich_vu").elements]
    assert service == [4, 4, 5, 3, 3]           # access 15–18, procedures 19–22, … feedback 31–33
    assert sc.element("tiep_can").question_ids == ("c9_15", "c9_16", "c9_17", "c9_18")
    assert sc.element("gop_y").question_ids == ("c9_31", "c9_32", "c9_33")
    assert len(sc.expectations.questions) == 10 and sc.expectations.counted_codes == (1, 2)
    assert [q.id for q in form.sections[0].questions][:3] == ["a1_gioi_tinh", "a2_do_tuoi", "a3_dan_toc"]
    numbers = [q.number for q in form.questions if q.section == "b"]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert {i.id for i in sc.indices} == {"sipas", "chinh_sach", "dich_vu"}


def test_the_short_commune_form_asks_gender_age_education_and_9_statements():
    form = load_form("xa-rut-gon-2024")
    assert [q.id for q in form.sections[0].questions] == ["gioi_tinh", "do_tuoi", "hoc_van"]
    assert sum(len(e.criteria) for e in form.scoring.elements) == 9
