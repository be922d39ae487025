"""Scoring a report file's answers as a table of cell texts (`scoring_table.AnswerTable`, what the
merge does) gives exactly what `scoring.score` gives on the same answers as `Response` objects."""

from __future__ import annotations

from dataclasses import fields

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipas_desktop.core import exchange as ex
from sipas_desktop.core import exchange_read as er
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.scoring import score
from sipas_desktop.core.scoring_table import AnswerTable

FORMS = {name: load_form(name) for name in ("sipas-2017", "sipas-2023")}


def cell(q):
    """Cells a report file can hold that the reader's fast path accepts: valid, satisfied and
    unsatisfied codes, the no-answer code, codes the question does not have, out-of-range numbers,
    multiple choices in any order (also empty ones), blank and spaces-only texts."""
    if q.type == "multiple":
        return st.sampled_from(["1;3", "3;1", "2", "9", "", ";", "1;;2", "7", "1;9"])
    if q.type == "text":
        return st.sampled_from(["", " ", "Tốt", "tốt.", "TỐT", "Cần nhanh hơn", "9"])
    return st.sampled_from(["1", "2", "3", "4", "5", "9", "7", "0", "-1", "150", ""])


def rows_strategy(form):
    def row(number):
        return st.tuples(st.just(str(number)), st.sampled_from(["Hộ tịch", "", "Đất đai"]),
                         st.sampled_from(["ca_nhan", "to_chuc", ""]), *(cell(q) for q in form.questions))
    return st.lists(st.integers(1, 900), min_size=0, max_size=14, unique=True).flatmap(
        lambda numbers: st.tuples(*(row(n) for n in numbers)))


def table_of(form, rows):
    header = [*ex.ANSWER_FIXED, *(q.id for q in form.questions), ex.ROW_CHECK]
    raw = [header, *([*r, ex.row_check(list(r))] for r in rows)]
    parser = er._Parser({ex.ANSWERS: raw}, {ex.ANSWERS: ex.canon_rows(raw)})
    table = parser.responses(form)
    assert isinstance(table, AnswerTable) and not parser.issues
    return table


def same_scores(a, b):
    """Every field, and the exact fractions the dataclasses leave out of ==."""
    assert a == b
    for name in ("indices", "blocks", "elements", "expectations"):
        assert [x.exact for x in getattr(a, name)] == [x.exact for x in getattr(b, name)], name
    assert [c.exact for c in a.criteria] == [c.exact for c in b.criteria]
    for f in fields(a):
        assert getattr(a, f.name) == getattr(b, f.name), f.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(sorted(FORMS)))
def test_scoring_the_table_gives_exactly_the_scores_of_the_responses(data, name):
    form = FORMS[name]
    table = table_of(form, data.draw(rows_strategy(form)))
    same_scores(table.score(form, breakdowns=False), score(form, table.responses(), breakdowns=False))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_skipped_questions_are_counted_from_the_table_as_from_the_responses(data):
    form = FORMS["sipas-2023"]
    skipper = next(q for q in form.questions if q.skip_if)
    cond = skipper.skip_if[0]
    first = form.scoring.elements[0].criteria[0].questions[0]
    cells = data.draw(st.lists(st.sampled_from([str(cond.codes[0]), "", "99"]), min_size=1, max_size=10))
    rows = []
    for n, c in enumerate(cells, start=1):
        answers = {cond.question: c, first: "4"}
        rows.append((str(n), "", "", *(answers.get(q.id, "") for q in form.questions)))
    table = table_of(form, rows)
    got = table.score(form, breakdowns=False)
    same_scores(got, score(form, table.responses(), breakdowns=False))
    counts = {c.question_id: c for c in got.question_counts}[skipper.id]
    assert counts.skipped == cells.count(str(cond.codes[0]))


def test_forms_without_a_valid_scored_answer_are_left_out_as_by_score():
    form = FORMS["sipas-2023"]
    blank = ("1", "", "", *("" for _ in form.questions))
    no_answer = ("2", "", "", *("9" if q.type in ("scale", "single") else "" for q in form.questions))
    table = table_of(form, [blank, no_answer])
    got = table.score(form, breakdowns=False)
    assert (got.total_forms, got.valid_forms) == (2, 0)
    same_scores(got, score(form, table.responses(), breakdowns=False))


def test_the_table_is_a_sequence_of_the_responses_the_reader_would_build():
    form = FORMS["sipas-2023"]
    cells = ("1;3" if q.type == "multiple" else "Tốt" if q.type == "text" else "4" for q in form.questions)
    rows = [("7", "Hộ tịch", "ca_nhan", *cells)]
    table = table_of(form, rows)
    assert len(table) == 1 and table[0].number == "7" and table[0].field == "Hộ tịch"
    assert table == table.responses() and table == list(table) and tuple(table) == table.responses()
    multiple = next(q.id for q in form.questions if q.type == "multiple")
    assert table[0].answers[multiple] == [1, 3]
    assert table.subset([]).score(form, breakdowns=False).total_forms == 0


def test_a_lazy_verification_checks_and_scores_like_the_full_one(tmp_path):
    from datetime import datetime

    from tests.core.merge_data import responses

    form = FORMS["sipas-2023"]
    content = ex.ReportContent(unit_code="00001", unit_name="Xã A", plan_id="KH-1", plan_title="Kế hoạch",
                               form_id=form.id, form_version=form.version,
                               form_source=ex.form_source_of(form),
                               responses=tuple(responses(form, 30, seed=3, satisfaction=0.6)),
                               created_at=datetime(2025, 9, 1, 8, 0), app_version="test")
    path = tmp_path / "bao-cao.xlsx"
    ex.write_report_file(content, path)
    full = er.verify(path, breakdowns=False)
    lazy = er.verify(path, breakdowns=False, lazy=True)
    assert full.report and lazy.report and full.data_sha256 == lazy.data_sha256
    assert isinstance(lazy.report.content.responses, AnswerTable)
    assert isinstance(full.report.content.responses, tuple)
    assert lazy.report.content.responses == full.report.content.responses == content.responses
    same_scores(lazy.report.scores, full.report.scores)


def test_classifications_kept_from_earlier_files_never_leak_into_another_questionnaire():
    # Same question ids, other rules: 9 is the no-answer code of one and an invalid code of the other
    # (whose no-answer code is 99), and 3 is valid in one only. Scored one after the other, twice
    # (what a merge of files of two questionnaire versions does), each gives exactly what `score` gives.
    form = FORMS["sipas-2023"]
    source = ex.form_source_of(form)
    assert "no_answer_code = 9" in source and "valid_codes = [1, 2, 3, 4, 5]" in source
    changed = source.replace("no_answer_code = 9", "no_answer_code = 99").replace(
        "valid_codes = [1, 2, 3, 4, 5]", "valid_codes = [1, 2, 4, 5]")
    other, issues = ex.form_from_source(changed, form.id)
    assert other is not None and not [i for i in issues if i.is_error]
    first = form.scoring.elements[0].criteria[0].questions[0]
    cells = ["9", "3", "4", "99", "", "5"]        # in the first scored question; "4" in the others
    rows = [(str(n), "", "", *(c if q.id == first else "4" if q.type in ("scale", "single") else ""
                               for q in form.questions))
            for n, c in enumerate(cells, start=1)]
    for _ in range(2):
        for f in (form, other):
            table = table_of(f, rows)
            got = table.score(f, breakdowns=False)
            same_scores(got, score(f, table.responses(), breakdowns=False))
    counts = {c.question_id: c for c in table_of(other, rows).score(other, breakdowns=False).question_counts}
    assert (counts[first].no_answer, counts[first].invalid) == (1, 2)      # 99; 9 and 3
