"""Merging report files: every file gets a status and a reason; plan, area, resubmissions, quotas."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from sipas_desktop.core import exchange, merge, units
from sipas_desktop.core.errors import CancelledError, UserError
from sipas_desktop.core.merge import MergeOptions, PlanFacts, PlanQuota, Status
from sipas_desktop.core.progress import Progress
from tests.core import merge_data as md


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """Real report files of three Hà Tĩnh communes and one of Hà Nội, written once per module."""
    folder = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIPAS_HOME", str(folder / "home"))
        files = {code: md.write(folder, f"{code}.xlsx", md.content((code, name), seed=i, forms=12))
                 for i, (code, name) in enumerate(md.COMMUNES[:3])}
        files["foreign"] = md.write(folder, "ha-noi.xlsx", md.content(md.FOREIGN, seed=9))
        files["other-plan"] = md.write(folder, "other-plan.xlsx", md.content(md.COMMUNES[3], seed=4,
                                                                             plan_id="KH-2024-CU"))
        files["other-form"] = md.write(folder, "other-form.xlsx",
                                       md.content(md.COMMUNES[4], seed=5, form_id="sipas-2017"))
        again = md.with_changed_forms(md.content(md.COMMUNES[2], seed=2, forms=12), drop=2, extra=3,
                                      created=datetime(2025, 9, 6, 9, 30))
        files["resubmitted"] = md.write(folder, "18115-gui-lai.xlsx", again)
    return files


def _options(**kw) -> MergeOptions:
    area = frozenset(units.descendants("42"))
    base = MergeOptions(office_code="42", office_name="Tỉnh Hà Tĩnh", area=area)
    return replace(base, **kw)


def _by_name(result: merge.MergeResult) -> dict[str, merge.FileEntry]:
    return {f.name: f for f in result.files}


def test_a_mailbox_of_good_altered_duplicate_foreign_and_junk_files_gives_every_file_a_reason(
        app, reports, tmp_path):
    box = tmp_path / "hop-thu"
    for key in ("18073", "18100", "foreign"):
        md.copy(reports[key], box / reports[key].name)
    md.copy(reports["18073"], box / "18073 (1).xlsx")                 # sent twice
    md.alter_answer(reports["18100"], box / "18100-da-sua.xlsx")      # edited by hand in Excel
    data = reports["18073"].read_bytes()
    (box / "tai-chua-xong.xlsx").write_bytes(data[: len(data) // 2])   # truncated download
    (box / "cong-van.xlsx").write_bytes(b"%PDF-1.4\n")                 # a scan renamed
    (box / "ghi-chu.txt").write_text("Gửi kèm báo cáo", encoding="utf-8")

    result = merge.merge_files([box], _options())

    files = _by_name(result)
    assert len(files) == 8
    assert files["18073.xlsx"].status is Status.ACCEPTED
    assert files["18100.xlsx"].status is Status.ACCEPTED
    assert files["18073 (1).xlsx"].status is Status.DUPLICATE
    assert "18073.xlsx" in files["18073 (1).xlsx"].reason
    altered = files["18100-da-sua.xlsx"]
    assert altered.status is Status.REJECTED and "đã bị sửa" in altered.reason and "TRA_LOI" in altered.reason
    assert "không thuộc địa bàn" in files["ha-noi.xlsx"].reason
    assert "cắt cụt" in files["tai-chua-xong.xlsx"].reason
    assert "PDF" in files["cong-van.xlsx"].reason
    assert files["ghi-chu.txt"].status is Status.REJECTED and files["ghi-chu.txt"].reason
    assert all(f.reason for f in result.not_accepted)
    assert [u.rank for u in result.units] == [1, 2]
    assert {u.unit for u in result.units} == {"18073", "18100"}


def test_a_resubmission_keeps_the_newest_and_says_what_changed(app, reports):
    result = merge.merge_files([reports["18115"], reports["resubmitted"]], _options())
    files = _by_name(result)
    old, new = files["18115.xlsx"], files["18115-gui-lai.xlsx"]
    assert old.status is Status.SUPERSEDED and "18115-gui-lai.xlsx" in old.reason
    assert new.status is Status.ACCEPTED
    change = " ".join(new.notes)
    assert "số phiếu 12 → 13" in change and "thêm 3 phiếu" in change and "bớt 2 phiếu" in change
    assert [u.forms for u in result.units] == [13]


def test_the_plan_most_files_carry_is_the_session_plan_and_another_plan_is_refused(app, reports):
    result = merge.merge_files([reports["18073"], reports["18100"], reports["other-plan"]], _options())
    assert result.plan_id == md.PLAN_ID
    refused = _by_name(result)["other-plan.xlsx"]
    assert refused.status is Status.REJECTED and "KH-2024-CU" in refused.reason


def test_the_office_plan_chosen_explicitly_refuses_files_of_every_other_plan(app, reports):
    result = merge.merge_files([reports["18073"], reports["other-plan"]], _options(plan_id="KH-2024-CU"))
    assert _by_name(result)["18073.xlsx"].status is Status.REJECTED
    assert _by_name(result)["other-plan.xlsx"].status is Status.ACCEPTED


def test_a_file_keyed_on_another_questionnaire_is_refused(app, reports):
    plan = PlanFacts(md.PLAN_ID, "Kế hoạch 2025", md.FORM_ID, "2024.1")
    result = merge.merge_files([reports["18073"], reports["other-form"]], _options(plans=(plan,)))
    refused = _by_name(result)["other-form.xlsx"]
    assert refused.status is Status.REJECTED and "sipas-2017" in refused.reason


def test_missing_units_and_unmet_quotas_come_from_the_plan_quota_table(app, reports):
    quotas = [PlanQuota(code, name, 12) for code, name in md.COMMUNES[:4]]
    quotas[2] = PlanQuota("18115", "Phường Bắc Hồng Lĩnh", 15)
    plan = PlanFacts(md.PLAN_ID, "Kế hoạch 2025", md.FORM_ID, "", tuple(quotas))
    result = merge.merge_files([reports["18073"], reports["18100"], reports["18115"]],
                               _options(plans=(plan,)))
    assert result.missing == (("18118", "Phường Nam Hồng Lĩnh"),)
    assert [(g.unit_code, g.quota, g.forms, g.shortfall) for g in result.quota_gaps] == [("18115", 15, 12, 3)]
    unit = next(u for u in result.units if u.unit == "18115")
    assert unit.quota == 15 and unit.quota_met is False
    data = result.to_dict()
    assert data["missing_units"] == ["18118"]


def test_without_a_declared_office_the_area_is_not_checked_and_the_result_says_so(app, reports):
    result = merge.merge_files([reports["18073"], reports["foreign"]], MergeOptions())
    assert len(result.accepted) == 2
    assert any("địa bàn" in note for note in result.notes)


def test_pooled_and_mean_overall_are_both_reported_and_labelled(app, reports):
    result = merge.merge_files([reports["18073"], reports["18100"], reports["resubmitted"]], _options())
    data = result.to_dict()
    unit_values = [u.overall for u in result.units]
    assert data["overall_mean"] == pytest.approx(sum(unit_values) / 3, abs=0.006)
    assert data["overall_pooled"] is not None and data["overall_pooled"] != data["overall_mean"]
    assert "mỗi người trả lời" in data["overall_labels"]["pooled"]
    assert "mỗi xã" in data["overall_labels"]["mean"]
    assert {"unit", "overall", "elements", "forms"} <= set(data["units"][0])
    assert set(data["units"][0]["elements"]) == {e.id for e in result.pooled.elements}


def test_an_embedded_questionnaire_with_looser_rules_is_rescored_with_the_office_copy(app, tmp_path):
    # A commune edits the questionnaire it embeds so that "3 – bình thường" counts as satisfied.
    data = md.content(md.COMMUNES[0], seed=3, satisfaction=0.5)
    looser = data.form_source.replace("satisfied_codes = [4, 5]", "satisfied_codes = [3, 4, 5]")
    assert looser != data.form_source
    path = md.write(tmp_path, "18073.xlsx", replace(data, form_source=looser))
    assert exchange.verify_report_file(path).intact          # consistent with itself …
    result = merge.merge_files([path], _options())
    entry = result.files[0]
    assert entry.status is Status.ACCEPTED
    codes = {w.code for w in entry.warnings}
    assert {"MERGE_031", "MERGE_032"} <= codes                 # … but flagged and rescored
    declared = exchange.verify_report_file(path).report.scores.overall
    assert result.units[0].overall < declared


def test_an_embedded_questionnaire_differing_only_in_wording_is_accepted_without_rescoring(app, tmp_path):
    data = md.content(md.COMMUNES[1], seed=5)
    lines = data.form_source.split("\n")
    reworded = "\n".join(["# Bản chép lại phiếu của xã, sửa lời dẫn.", *lines]).replace(
        'title = "', 'title = "(Bản xã) ', 1)
    assert reworded != data.form_source
    path = md.write(tmp_path, "18100.xlsx", replace(data, form_source=reworded))
    entry = merge.merge_files([path], _options()).files[0]
    assert entry.status is Status.ACCEPTED
    assert entry.warnings == () and entry.outcome.form_source_differs is False


def test_a_plan_file_sent_by_mistake_is_recognised(app, tmp_path):
    from sipas_desktop.core import plan_file, plans

    plan = plans.PlanData(plan_id="KH-2025-ABC", title="Kế hoạch khảo sát 2025", year=2025,
                          window_from=date(2025, 1, 2), window_to=date(2025, 8, 31), issuer_code="42",
                          issuer_name="Sở Nội vụ tỉnh Hà Tĩnh", form_id=md.FORM_ID,
                          quotas=(plans.QuotaRow("18073", "Phường Thành Sen", 15, 10),))
    path = plan_file.write_plan_file(plan, tmp_path / "bao-cao-xa.xlsx")
    result = merge.merge_files([path], _options())
    assert "tệp kế hoạch" in result.files[0].reason


def test_an_empty_selection_is_a_clear_error(app, tmp_path):
    (tmp_path / "trong").mkdir()
    with pytest.raises(UserError, match="Không có tệp nào"):
        merge.merge_files([tmp_path / "trong"], _options())


def test_cancelling_stops_the_merge(app, reports):
    progress = Progress()
    progress.token.cancel()
    with pytest.raises(CancelledError):
        merge.merge_files([reports["18073"]], _options(), progress=progress)


def test_reading_in_worker_processes_gives_the_same_result(app, reports, monkeypatch, tmp_path):
    box = tmp_path / "box"
    for key in ("18073", "18100", "18115", "resubmitted", "foreign"):
        md.copy(reports[key], box / reports[key].name)
    serial = merge.merge_files([box], _options(workers=1))
    monkeypatch.setattr(merge, "PARALLEL_MIN_FILES", 2)
    parallel = merge.merge_files([box], _options(workers=2))
    assert parallel.workers == 2
    strip = lambda r: {k: v for k, v in r.to_dict().items() if k != "seconds"}  # noqa: E731
    assert strip(parallel) == strip(serial)


def test_cancelling_while_worker_processes_read_stops_them_all(app, reports, monkeypatch, tmp_path):
    import multiprocessing

    box = tmp_path / "box"
    for key in ("18073", "18100", "18115", "resubmitted", "foreign"):
        md.copy(reports[key], box / reports[key].name)
    monkeypatch.setattr(merge, "PARALLEL_MIN_FILES", 2)
    progress = Progress()
    progress.callback = lambda done, total, text: progress.token.cancel() if "Đã đọc" in text else None
    with pytest.raises(CancelledError):
        merge.merge_files([box], _options(workers=2), progress=progress)
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


@pytest.mark.parametrize("worker", ["exits", "hangs"])
def test_worker_processes_that_cannot_start_are_given_up_and_the_files_read_here(
        app, reports, monkeypatch, tmp_path, worker, caplog):
    import multiprocessing.resource_tracker
    import multiprocessing.spawn

    box = tmp_path / "box"
    for key in ("18073", "18100", "18115", "resubmitted", "foreign"):
        md.copy(reports[key], box / reports[key].name)
    serial = merge.merge_files([box], _options(workers=1))
    # The program cannot be started again (blocked, or it never answers): a real process that
    # fails as such a PC would, not a stand-in for the pool.
    program = tmp_path / "program"
    program.write_text("#!/bin/sh\n" + ("exit 3\n" if worker == "exits" else "exec sleep 300\n"))
    program.chmod(0o755)
    # multiprocessing's own helper process is started for real first: only the workers fail.
    multiprocessing.resource_tracker.ensure_running()
    monkeypatch.setattr(multiprocessing.spawn, "_python_exe", os.fsencode(program))
    monkeypatch.setattr(merge, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(merge, "FIRST_RESULT_TIMEOUT_S", 3.0)
    started = time.monotonic()
    parallel = merge.merge_files([box], _options(workers=2))
    assert time.monotonic() - started < 60
    assert "worker processes failed" in caplog.text
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]
    strip = lambda r: {k: v for k, v in r.to_dict().items() if k not in ("seconds", "workers")}  # noqa: E731
    assert strip(parallel) == strip(serial)


def test_a_lock_file_of_excel_is_not_taken_for_a_report(app, reports, tmp_path):
    lock = tmp_path / "~$18073.xlsx"
    shutil.copyfile(reports["18073"], lock)
    result = merge.merge_files([lock], _options())
    assert "khóa tạm của Excel" in result.files[0].reason


def test_the_service_takes_the_office_area_and_the_plan_quotas_from_the_database(app, reports):
    from sipas_desktop.core import plans
    from sipas_desktop.core.services import merge as service
    from sipas_desktop.core.services.app import init_office

    init_office("42", "tong-hop")
    plans.save_plan(plans.PlanData(
        plan_id=md.PLAN_ID, title="Kế hoạch tự khảo sát của tỉnh năm 2025", year=2025,
        window_from=date(2025, 1, 2), window_to=date(2025, 8, 31), issuer_code="42",
        issuer_name="Sở Nội vụ tỉnh Hà Tĩnh", form_id=md.FORM_ID, form_version="2024.1",
        quotas=tuple(plans.QuotaRow(code, name, 8, 4) for code, name in md.COMMUNES)))
    result = service.merge_reports([reports["18073"], reports["18100"], reports["foreign"]])
    assert result.plan_title == "Kế hoạch tự khảo sát của tỉnh năm 2025"
    assert [code for code, _ in result.missing] == ["18115", "18118", "18652"]
    assert "không thuộc địa bàn" in _by_name(result)["ha-noi.xlsx"].reason
    assert all(u.quota == 12 and u.quota_met for u in result.units)
    assert result.options.office_name == "Tỉnh Hà Tĩnh" and result.options.office_parent_code == ""
