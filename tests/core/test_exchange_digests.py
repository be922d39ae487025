"""The digests of the report file keep their documented definition (docs/report-file.md §7)
while their computation is made fast for the merge: fixed figures computed before the speed-up,
and the fast paths compared with the plain definitions on odd values (hypothesis)."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipas_desktop.core import exchange as ex
from sipas_desktop.core.scoring import Response

GOLDEN_ROWS = [["so_phieu", "linh_vuc", "c1", "c2", "kiem_tra"],
               ["0001", "Hộ tịch", 4.0, "1;3", "abc"], [], ["", "", "", ""],
               [2.0, "Ho\u0323 ti\u0323ch", 2.5, True, None, ""],
               [1e15, -0.0, 1 / 3, "a\r\nb", date(2024, 5, 1)],
               [7, False, datetime(2024, 5, 1, 8, 30), "x\x1fy", " "]]


def golden_content() -> ex.ReportContent:
    return ex.ReportContent(
        unit_code="18352", unit_name="Xã Mẫu", plan_id="KH-2025-1", plan_title="Kế hoạch",
        form_id="sipas-2023", form_version="2023.1", form_source="[form]\nid = \"x\"\n",
        responses=(Response("1", {"c9_01": 4, "c1": [1, 3], "a1": 2, "y": "Ý kiến \"hay\"\n"}, "Hộ tịch",
                            "ca_nhan"),
                   Response("2", {}, "", ""),
                   Response("10", {"c9_01": 9, "b": True, "c": 2.5, "d": [True, 1.0], "e": None}, "Đất đai",
                            "to_chuc")),
        created_at=datetime(2025, 9, 1, 8), app_version="0.1", parent_code="18",
        sample=ex.SampleFacts(1000, 100, "42", 20, 3,
                              (ex.StratumFacts("ca_nhan", 900, 90, "10,0000", "3,5", 18),),
                              (("vắng nhà", 2),), (("Hộ tịch", 400),), 105, 100, "2025-08-01T08:00:00"),
        quality=ex.EntryQuality(100, 20, 1000, 3),
        extra_sheets=(("DON_VI", (("ma", "ten"), ("18352", 4.0), ("x", None))),))


def test_the_digests_are_the_same_as_before_the_merge_was_made_fast():
    # Figures computed with the code of commit 091dfa8 (before canon_rows and _responses_json).
    assert ex.sheet_digest("TRA_LOI", GOLDEN_ROWS) == \
        "fbcc594432786fbe5e5b2469c1a00d587737f0c52fb6134bf43109c410152f94"
    assert ex.data_digest(golden_content()) == \
        "1fbfd1e3432d7ea378a8fdc929103685712e9f445029c86721903287bcdaf41c"


def reference_data_digest(content: ex.ReportContent) -> str:
    """data_sha256 exactly as docs/report-file.md §7 defines it, the plain way."""
    doc = {
        "format": ex.FORMAT_NAME, "unit_code": content.unit_code, "plan_id": content.plan_id,
        "form_id": content.form_id, "form_version": content.form_version,
        "form_source_sha256": hashlib.sha256(content.form_source.encode()).hexdigest(),
        "window": [ex._iso(content.window_from), ex._iso(content.window_to)],
        "responses": [[r.number, r.field, r.applicant_type, sorted(r.answers.items())]
                      for r in content.responses],
        **ex._facts_dict(content),
    }
    if content.extra_sheets:
        doc["extra_sheets"] = [[name, [ex.canon_row(r) for r in rows]] for name, rows in content.extra_sheets]
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6) | \
    st.sampled_from(["", "Hộ tịch", "Ho\u0323", "a\"b", "\\", "\x00", "\x1f", '"responses":[]', "é\r\n"])
values = st.one_of(st.integers(-3, 12), st.booleans(), st.floats(allow_nan=False), texts, st.none(),
                   st.lists(st.one_of(st.integers(0, 9), st.booleans(), st.floats(0, 9)), max_size=3),
                   st.lists(st.integers(0, 9), max_size=3))
answers = st.dictionaries(st.sampled_from(["a1", "c9_01", "c10_01", "c2", "b", "Z", "é", "a\"q"]), values,
                          max_size=6)
responses = st.lists(st.builds(Response, texts, answers, texts, texts), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(found=responses, plan=texts)
def test_the_data_digest_is_the_plain_json_definition_for_any_answers(found, plan):
    content = ex.ReportContent("1", "X", plan, "", "f", "1", "src", tuple(found), datetime(2025, 1, 1), "0.1")
    assert ex.data_digest(content) == reference_data_digest(content)


def test_the_data_digest_of_a_file_with_every_kind_of_content_is_the_plain_definition():
    assert ex.data_digest(golden_content()) == reference_data_digest(golden_content())


cells = st.one_of(st.floats(), st.integers(-10**16, 10**16), st.booleans(), st.none(), texts,
                  st.sampled_from([0.0, -0.0, 1.0, 4.0, 1e15, 1e16, 2.5, math.inf, -math.inf]),
                  st.dates(), st.datetimes(), st.text(min_size=190, max_size=230))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(cells, max_size=8), max_size=6))
def test_canonical_rows_are_canon_row_of_every_row(rows):
    twice = rows + rows           # the second time from the cache
    assert ex.canon_rows(twice) == [ex.canon_row(r) for r in twice]


def test_a_nan_cell_is_canonical_every_time():
    rows = [[float("nan"), 1.0], [float("nan"), "nan"]]
    assert ex.canon_rows(rows) == [["nan", "1"], ["nan", "nan"]]


def test_the_questionnaire_sheet_kept_from_the_last_file_is_used_only_for_the_very_same_cells():
    from sipas_desktop.core import exchange_read as er

    rows = [["dong", "noi_dung"], [1.0, "[form]"], [2.0, ""], [3.0, "id = \"x\""]]
    first = er._canon_rows(ex.FORM_SOURCE, rows)
    digest = er._sheet_digest(ex.FORM_SOURCE, first)
    assert digest == ex.sheet_digest(ex.FORM_SOURCE, rows)
    same = er._canon_rows(ex.FORM_SOURCE, [list(r) for r in rows])
    assert same is first and er._sheet_digest(ex.FORM_SOURCE, same) == digest
    # 1.0 == True == 1 as Python values, but not as cells: never taken for the kept sheet
    for changed in ([["dong", "noi_dung"], [True, "[form]"], [2.0, ""], [3.0, "id = \"x\""]],
                    [["dong", "noi_dung"], [1, "[form]"], [2.0, ""], [3.0, "id = \"x\""]],
                    [["dong", "noi_dung"], [1.0, "[form] "], [2.0, ""], [3.0, "id = \"x\""]]):
        canonical = er._canon_rows(ex.FORM_SOURCE, changed)
        assert canonical is not first and canonical == ex.canon_rows(changed)
        assert er._sheet_digest(ex.FORM_SOURCE, canonical) == ex.sheet_digest(ex.FORM_SOURCE, changed)


def test_an_edited_questionnaire_sheet_is_caught_after_files_with_the_original_one(tmp_path):
    from openpyxl import load_workbook

    from sipas_desktop.core import exchange_read as er
    from sipas_desktop.core.forms import load_form
    from tests.core.merge_data import responses

    form = load_form("sipas-2023")
    content = ex.ReportContent(unit_code="00001", unit_name="Xã A", plan_id="KH-1", plan_title="Kế hoạch",
                               form_id=form.id, form_version=form.version,
                               form_source=ex.form_source_of(form),
                               responses=tuple(responses(form, 5, seed=1, satisfaction=0.6)),
                               created_at=datetime(2025, 9, 1, 8, 0), app_version="test")
    good = tmp_path / "good.xlsx"
    ex.write_report_file(content, good)
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(good)
    ws = wb[ex.FORM_SOURCE]
    ws.cell(row=3, column=2).value = f"{ws.cell(row=3, column=2).value} # sửa"
    wb.save(edited)
    assert er.verify(good, lazy=True).report is not None
    assert er.verify(good, lazy=True).report is not None          # the kept sheet is used
    problems = er.verify(edited, lazy=True).problems
    assert any(p.code == "REPORT_015" and p.sheet == ex.FORM_SOURCE for p in problems)
    assert er.verify(good, lazy=True).report is not None
    # the questionnaire text of the kept sheet is the very text object of the last file, and its
    # digests are those of the text itself
    a, b = er.verify(good, lazy=True).report, er.verify(good, lazy=True).report
    assert a is not None and b is not None
    assert a.content.form_source == content.form_source and b.content.form_source is a.content.form_source
    # the edited text right after the kept one: its own SHA-256 in the data digest, which then differs
    assert any(p.code == "REPORT_019" for p in er.verify(edited, lazy=True).problems)
    assert ex.data_digest(b.content) == a.data_sha256


def test_the_sha256_of_a_text_is_the_plain_one_whichever_text_came_before():
    texts = ["", "[form]\nid = \"x\"\n", "Phiếu khảo sát", "[form]\nid = \"y\"\n"]
    for text in [*texts, *reversed(texts), *texts]:
        copy = "".join(list(text))            # an equal text, another object
        for t in (text, copy, text):
            assert ex.text_sha256(t) == hashlib.sha256(t.encode()).hexdigest()
