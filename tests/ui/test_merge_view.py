"""MergeView driven under Xvfb with a mailbox folder mixing good, altered and duplicate files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from sipas_desktop.core import exchange
from sipas_desktop.core.merge import Status
from tests.core import merge_data as md
from tests.ui.conftest import pump


@pytest.fixture(scope="module")
def mailbox(tmp_path_factory) -> Path:
    """Written once per module (report files take a moment to write); tests only read it."""
    box = tmp_path_factory.mktemp("merge-view") / "hop-thu"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIPAS_HOME", str(box.parent / "home"))
        good = [md.write(box, f"{code}.xlsx", md.content((code, name), seed=i, forms=10 + 2 * i,
                                                         satisfaction=0.6 + 0.1 * i))
                for i, (code, name) in enumerate(md.COMMUNES[:3])]
        md.copy(good[0], box / "18073 - gửi lần 2.xlsx")                  # exact duplicate
        md.alter_answer(good[1], box / "18100-da-sua-tay.xlsx")           # altered by hand
        md.write(box, "ha-noi.xlsx", md.content(md.FOREIGN, seed=9))      # another province
        (box / "cong-van.docx.xlsx").write_bytes(b"PK\x03\x04broken")      # junk
    return box


def _run(view, ctx, window, job) -> None:
    ctx.jobs.wait(job, timeout=120)
    pump(window)


@pytest.fixture
def view(merge_view):   # the shared merge screen (tests/ui/conftest.py)
    return merge_view


def test_merging_a_folder_fills_the_table_with_a_status_and_reason_per_file(view, ctx, window, mailbox):
    job = view.choose_folder(mailbox)
    assert view.progress_row.winfo_manager() == "pack"                # the progress bar is shown
    _run(view, ctx, window, job)
    assert view.progress_row.winfo_manager() == ""                    # and hidden when done
    rows = {view.files_tree.set(i, "file"): view.files_tree.item(i) for i in view.files_tree.get_children()}
    assert len(rows) == 7
    status = {name: row["values"][1] for name, row in rows.items()}
    assert status["18073.xlsx"] == "Đã nhận" and status["18115.xlsx"] == "Đã nhận"
    assert status["18073 - gửi lần 2.xlsx"] == "Trùng lặp"
    assert status["18100-da-sua-tay.xlsx"] == "Bị từ chối"
    assert "đã bị sửa" in rows["18100-da-sua-tay.xlsx"]["values"][6]
    assert "không thuộc địa bàn" in rows["ha-noi.xlsx"]["values"][6]
    assert rows["18100-da-sua-tay.xlsx"]["tags"] == ["bad"]
    # Refused files are listed first, so the officer sees what to chase.
    first = view.files_tree.get_children()[0]
    assert view.files_tree.set(first, "status") == "Bị từ chối"
    assert "từ chối 3" in view.summary_var.get() and "trùng lặp 1" in view.summary_var.get()


def test_the_ranking_overall_figures_and_charts_are_shown(view, ctx, window, mailbox):
    _run(view, ctx, window, view.choose_folder(mailbox))
    result = view.result
    tree = view.ranking_tree
    units = tree.get_children()
    assert list(units) == [u.unit for _, u in result.leaf_ranking()]
    assert [tree.set(u, "rank") for u in units] == ["1", "2", "3"]
    text = view.overall_var.get()
    assert "Chỉ số chung gộp" in text and "Trung bình chỉ số các đơn vị" in text and "," in text
    assert view.ranking_chart.find_all() and view.element_chart.find_all()
    rows = 1 + len(result.pooled.elements) + len(result.pooled.criteria)
    assert len(view.overall_tree.get_children()) == rows
    view.notebook.select(1)
    pump(window)


def test_selecting_a_refused_file_shows_its_whole_reason(view, ctx, window, mailbox):
    _run(view, ctx, window, view.choose_folder(mailbox))
    iid = next(i for i in view.files_tree.get_children()
               if view.files_tree.set(i, "file") == "18100-da-sua-tay.xlsx")
    view.files_tree.selection_set(iid)
    pump(window)
    assert view.detail_var.get().startswith("18100-da-sua-tay.xlsx: Bị từ chối.")
    assert "TRA_LOI" in view.detail_var.get()


def test_exports_write_the_summary_the_bao_cao_and_the_aggregate(view, ctx, window, mailbox, tmp_path):
    _run(view, ctx, window, view.choose_folder(mailbox))
    assert all(str(b.cget("state")) == "normal" for b in view.export_buttons)
    view.text_widgets["number"].insert(0, "27")
    view.text_widgets["signer_name"].insert(0, "Trần Thị Hà")
    out = tmp_path / "ra"
    for job in (view.export_summary(out / "tong-hop.xlsx"), view.export_pdf(out / "bao-cao.pdf"),
                view.export_docx(out / "bao-cao.docx"), view.export_aggregate(out / "tinh.xlsx")):
        _run(view, ctx, window, job)
        assert job.error is None, job.error
    assert load_workbook(out / "tong-hop.xlsx").sheetnames[0] == "Tổng hợp"
    assert (out / "bao-cao.pdf").read_bytes().startswith(b"%PDF")
    verified = exchange.verify_report_file(out / "tinh.xlsx")
    assert verified.intact and verified.summary.unit_code == "42"
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out / "bao-cao.docx")).paragraphs)
    assert "Số: 27/BC-SNV" in text or "27/BC-SNV" in "\n".join(
        c.text for t in docx.Document(str(out / "bao-cao.docx")).tables for r in t.rows for c in r.cells)


def test_stop_cancels_a_running_merge_and_keeps_the_previous_result(view, ctx, window, mailbox):
    _run(view, ctx, window, view.choose_folder(mailbox))
    before = view.result
    job = view.merge_paths([mailbox])
    view.stop()
    _run(view, ctx, window, job)
    if job.error is not None:                    # stopped before the end: the old result stays
        assert view.result is before and "Đã dừng" in view.summary_var.get()
    else:                                        # the merge was faster than the click
        assert view.result is not before
    assert all(str(b.cget("state")) == "normal" for b in view.choose_buttons)


def test_the_merge_area_opens_from_the_main_window(app, tk_root, mailbox):
    import ttkbootstrap as ttk

    from sipas_desktop.core.services.app import init_office
    from sipas_desktop.ui.app import MainWindow
    from sipas_desktop.ui.errors import RecordingPrompter

    init_office("42", "tong-hop")
    top = ttk.Toplevel(master=tk_root, size=(1400, 900))
    try:
        main = MainWindow(top, prompter=RecordingPrompter(), modal=False)
        main.pack(fill="both", expand=True)
        view = main.show_area("merge")
        assert view is not None and type(view).__name__ == "MergeView"
        labels = [main.view_menu.entrycget(i, "label") for i in range(main.view_menu.index("end") + 1)
                  if main.view_menu.type(i) == "command"]
        assert "Chọn thư mục để tổng hợp…" in labels
        job = view.choose_folder(mailbox)
        main.jobs.wait(job, timeout=120)
        top.update()
        assert sum(1 for f in view.result.files if f.status is Status.ACCEPTED) == 3
    finally:
        top.destroy()
