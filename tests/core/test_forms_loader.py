"""The questionnaire loader: small forms written inline, asserting error codes and places."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sipas_desktop.core.errors import Level, UserError
from sipas_desktop.core.forms import CATALOG, check_form_file, load_form_file

HEAD = '''
format = 1
id = "mini"
version = "1"
title = "Phiếu thử"
[scales.hl]
choices = [{code = 1, label = "Rất không hài lòng"}, {code = 2, label = "Không hài lòng"},
           {code = 3, label = "Bình thường"}, {code = 4, label = "Hài lòng"},
           {code = 5, label = "Rất hài lòng"}]
'''

SECTION = '''
[[sections]]
id = "a"
title = "Phần A"
[[sections.questions]]
id = "q1"
text = "Giới tính"
type = "single"
choices = [{code = 1, label = "Nam"}, {code = 2, label = "Nữ"}]
[[sections.questions]]
id = "grid"
text = "Đánh giá"
type = "scale"
scale = "hl"
items = [{id = "s1", text = "Công chức lịch sự"}, {id = "s2", text = "Công chức lắng nghe"}]
'''

SCORING = '''
[scoring]
[[scoring.elements]]
id = "cc"
title = "Công chức"
criteria = ["s1", {id = "k2", title = "Lắng nghe", questions = ["s2"]}]
[[scoring.indices]]
id = "sipas"
title = "Chỉ số"
elements = ["cc"]
'''


def write(tmp_path: Path, body: str, name: str = "mini.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), "utf-8")
    return path


def codes(issues) -> list[str]:
    return [i.code for i in issues]


def test_a_well_formed_form_loads_into_frozen_objects_with_boxes_in_paper_order(tmp_path):
    form = load_form_file(write(tmp_path, HEAD + SECTION + SCORING))
    assert [q.id for q in form.questions] == ["q1", "s1", "s2"]
    assert [q.box for q in form.questions] == [1, 2, 3]
    assert form.question("s1").codes == (1, 2, 3, 4, 5)
    assert form.question("s1").grid.id == "grid"
    assert form.scoring.elements[0].criteria[0].title == "Công chức lịch sự"
    assert form.scoring.elements[0].criteria[1].questions == ("s2",)
    assert form.scoring.satisfied_codes == (4, 5)
    with pytest.raises(AttributeError):
        form.title = "khác"  # frozen


def test_a_duplicate_question_id_is_refused_with_its_section_and_question(tmp_path):
    body = HEAD + SECTION + '''
    [[sections.questions]]
    id = "q1"
    text = "Lặp"
    type = "single"
    choices = [{code = 1, label = "Có"}]
    ''' + SCORING
    issues = check_form_file(write(tmp_path, body))
    dup = [i for i in issues if i.code == "FORM_020"]
    assert len(dup) == 1
    assert dup[0].file == "mini.toml" and dup[0].section == "a" and dup[0].question == "q1"
    assert "mini.toml" in str(dup[0]) and "q1" in str(dup[0])


def test_scoring_that_names_a_missing_question_is_refused(tmp_path):
    body = HEAD + SECTION + SCORING.replace('criteria = ["s1",', 'criteria = ["s9",')
    issues = check_form_file(write(tmp_path, body))
    assert "FORM_040" in codes(issues)
    assert any("s9" in i.message for i in issues)


def test_a_choice_without_a_code_is_refused_and_every_problem_is_listed(tmp_path):
    body = HEAD + SECTION.replace('{code = 2, label = "Nữ"}', '{label = "Nữ"}') + SCORING.replace(
        'criteria = ["s1",', 'criteria = ["s9",')
    path = write(tmp_path, body)
    issues = check_form_file(path)
    assert {"FORM_023", "FORM_040"} <= set(codes(issues))
    with pytest.raises(UserError) as caught:
        load_form_file(path)
    assert caught.value.code == "FORM_100"
    assert {"FORM_023", "FORM_040"} <= set(codes(caught.value.issues))


def test_an_element_with_no_criteria_is_refused(tmp_path):
    body = HEAD + SECTION + SCORING.replace('criteria = ["s1", {id = "k2", title = "Lắng nghe", '
                                            'questions = ["s2"]}]', 'criteria = []')
    assert "FORM_042" in codes(check_form_file(write(tmp_path, body)))


def test_a_toml_syntax_error_says_line_and_column(tmp_path):
    issues = check_form_file(write(tmp_path, HEAD + 'title "thiếu dấu bằng"\n' + SECTION))
    assert codes(issues) == ["FORM_002"]
    assert issues[0].part == "dòng 10, cột 7"
    assert "dòng 10, cột 7" in str(issues[0])


def test_a_missing_file_is_reported_not_raised(tmp_path):
    assert codes(check_form_file(tmp_path / "khong-co.toml")) == ["FORM_001"]


@pytest.mark.parametrize("snippet, code", [
    ('choices = [{code = 1, label = "Nam"}, {code = 1, label = "Nữ"}]', "FORM_024"),
    ('choices = [{code = 1, label = "Nam"}, {code = 9, label = "Nữ"}]', "FORM_025"),
    ('choices = [{code = 1, label = "Nam"}, {code = 2}]', "FORM_026"),
    ('choices = []', "FORM_022"),
])
def test_bad_choices_get_their_own_codes(tmp_path, snippet, code):
    body = HEAD + SECTION.replace('choices = [{code = 1, label = "Nam"}, {code = 2, label = "Nữ"}]', snippet)
    assert code in codes(check_form_file(write(tmp_path, body + SCORING)))


def test_skip_conditions_must_name_an_earlier_question_and_its_codes(tmp_path):
    later = SECTION.replace('type = "single"\n',
                            'type = "single"\nskip_if = {question = "s1", codes = [1]}\n')
    assert "FORM_031" in codes(check_form_file(write(tmp_path, HEAD + later + SCORING)))
    missing = SECTION.replace('scale = "hl"\n', 'scale = "hl"\nskip_if = {question = "zz", codes = [1]}\n')
    assert "FORM_030" in codes(check_form_file(write(tmp_path, HEAD + missing + SCORING)))
    badcode = SECTION.replace('scale = "hl"\n', 'scale = "hl"\nskip_if = {question = "q1", codes = [7]}\n')
    assert "FORM_032" in codes(check_form_file(write(tmp_path, HEAD + badcode + SCORING)))
    good = SECTION.replace('scale = "hl"\n', 'scale = "hl"\nskip_if = {question = "q1", codes = [2]}\n')
    form = load_form_file(write(tmp_path, HEAD + good + SCORING))
    assert form.question("s2").skip_if[0].codes == (2,)


def test_an_unknown_key_is_a_warning_and_the_form_still_loads(tmp_path):
    body = HEAD.replace('title = "Phiếu thử"', 'title = "Phiếu thử"\ntitel = "gõ nhầm"') + SECTION + SCORING
    issues = check_form_file(write(tmp_path, body))
    assert codes(issues) == ["FORM_005"]
    assert issues[0].level is Level.WARNING
    load_form_file(write(tmp_path, body))


def test_an_index_naming_a_missing_element_and_a_scored_text_question_are_refused(tmp_path):
    body = HEAD + SECTION + '''
    [[sections.questions]]
    id = "note"
    text = "Ý kiến khác"
    type = "text"
    ''' + SCORING.replace('elements = ["cc"]', 'elements = ["cc", "xx"]').replace('"s1",', '"note",')
    found = codes(check_form_file(write(tmp_path, body)))
    assert "FORM_045" in found and "FORM_041" in found


def test_every_code_used_by_the_loader_is_in_the_catalog():
    source = (Path(__file__).parents[2] / "sipas_desktop/core/forms/loader.py").read_text("utf-8")
    import re

    used = set(re.findall(r'"(FORM_0\d\d)"', source))
    assert used and used <= set(CATALOG)
