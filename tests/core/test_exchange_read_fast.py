"""The reader's fast path (answers parsed from the canonical cells through lookups, each row's JSON
for the data digest written from the same cells) gives exactly what the cell-by-cell reading gives,
for every kind of cell a hand-edited or foreign file can hold."""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipas_desktop.core import exchange as ex
from sipas_desktop.core import exchange_read as er
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.scoring_table import AnswerTable

FORM = load_form("sipas-2023")
WIDTH = 3 + len(FORM.questions) + 1
ODD = [4.0, 4, "4", " 4", "04", "4.0", 4.5, True, False, 1e15, 1e16, -1.0, 0.0, 99999.0, "", None, "x",
       "1;3", "3;1", " 1; 3", ";", "1;;2", "1;a", "٣", "Ý kiến", "Y\u0301 kie\u0302\u0301n", "a\r\nb",
       datetime(2024, 5, 1), 12.0, 9.0]


def plain_cell(q):
    if q.type == "multiple":
        return st.sampled_from(["1;3", "2", "", "1;2;4"])
    if q.type == "text":
        return st.sampled_from(["", "Tốt", "Cần nhanh hơn"])
    return st.sampled_from([1.0, 2.0, 4.0, 5.0, 9.0, ""])


def rows_strategy():
    """Rows of plain cells, most with one odd cell somewhere (so that the fast path meets each odd
    value on its own, not only in rows another odd cell already sends the long way)."""
    def row(number):
        plain = [plain_cell(q) for q in FORM.questions]
        odd = st.tuples(st.integers(0, len(plain) - 1), st.sampled_from(ODD)) | st.none()
        return st.tuples(st.just(str(number)), st.sampled_from(["Hộ tịch", "", 3.0]),
                         st.sampled_from(["ca_nhan", "to_chuc", ""]), st.tuples(*plain), odd).map(
            lambda t: (*t[:3], *[t[4][1] if t[4] and i == t[4][0] else v for i, v in enumerate(t[3])]))
    return st.lists(st.integers(1, 500), min_size=1, max_size=8, unique=True).flatmap(
        lambda numbers: st.tuples(*(row(n) for n in numbers)))


def sheet(rows):
    header = [*ex.ANSWER_FIXED, *(q.id for q in FORM.questions), ex.ROW_CHECK]
    return [header, *([*r, ex.row_check(list(r))] for r in rows)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy())
def test_answers_read_through_lookups_are_the_answers_read_cell_by_cell(rows):
    raw = sheet(rows)
    fast = er._Parser({ex.ANSWERS: raw}, {ex.ANSWERS: ex.canon_rows(raw)})
    got = fast.responses(FORM)
    slow = er._Parser({ex.ANSWERS: raw})
    expected = [slow._answers(FORM, [*r, *[None] * WIDTH][:WIDTH], n) for n, r in enumerate(raw[1:], start=2)]
    assert [r.answers for r in got] == expected
    assert [[type(v) for v in r.answers.values()] for r in got] == \
        [[type(v) for v in a.values()] for a in expected]
    assert [i.code for i in fast.issues] == [i.code for i in slow.issues]
    assert {i.code for i in fast.issues} <= {"REPORT_045"}
    # each row's JSON written by the reader is the plain json.dumps of the parsed response
    plain = ex._responses_json(got)
    assert ex._responses_json(got, fast.encoded) == plain
    assert any(e is not None for e in fast.encoded) or all(i.code == "REPORT_045" for i in fast.issues)


def test_a_changed_cell_is_still_named_by_its_row_check():
    raw = sheet([("1", "", "", *[4.0] * len(FORM.questions))])
    raw[1][5] = 3.0
    parser = er._Parser({ex.ANSWERS: raw}, {ex.ANSWERS: ex.canon_rows(raw)})
    parser.responses(FORM)
    assert [(i.code, i.row) for i in parser.issues] == [("REPORT_043", 2)]


def test_row_checks_and_repeated_numbers_are_named_alike_on_the_table_and_the_long_way():
    plain = [4.0] * len(FORM.questions)
    rows = [("1", "", "", *plain), ("2", "", "", *plain), ("2", "", "", *plain)]
    for odd in (None, "x"):               # every cell known: a table; a bad code: read cell by cell
        raw = sheet(rows)
        raw[2][5] = 3.0                    # row 3 changed after its row check was written
        raw.insert(3, [""] * WIDTH)        # an empty row (row 4) is skipped, not checked
        if odd is not None:
            raw[1][4] = odd
            raw[1][-1] = ex.row_check(raw[1][:-1])
        parser = er._Parser({ex.ANSWERS: raw}, {ex.ANSWERS: ex.canon_rows(raw)})
        got = parser.responses(FORM)
        assert len(got) == 3
        assert isinstance(got, AnswerTable) == (odd is None)
        issues = [(i.code, i.row, i.column) for i in parser.issues if i.code != "REPORT_045"]
        assert issues == [("REPORT_043", 3, ex.ROW_CHECK), ("REPORT_044", 5, "so_phieu")]
        assert any(i.code == "REPORT_045" for i in parser.issues) == (odd is not None)
