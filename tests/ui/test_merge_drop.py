"""Dropping report files and folders on the merge screen (tkdnd through tkinterdnd2), under Xvfb.

A drop is delivered through tkdnd's own XDND handlers, the Tcl procedures its C code calls when
the X server reports a drag from a file manager: enter, position over a widget deep inside the
window, then the drop with the data a file manager sends (a text/uri-list, percent-encoded UTF-8),
decoded by tkdnd's own `normalise_data`. Only the X selection round trip is left out (there is no
second program owning the selection); test_merge_drop_xdnd.py does a real drag with xdotool.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import urllib.parse
from pathlib import Path

import pytest

from tests.core import merge_data as md
from tests.ui.conftest import pump

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "0x4a00007"    # the X window of the file manager the drag comes from (never looked up)


@pytest.fixture(scope="module")
def dropped(tmp_path_factory) -> tuple[Path, Path]:
    """A mailbox folder with two communes' files, and a resubmission elsewhere, names with spaces."""
    base = tmp_path_factory.mktemp("merge-drop")
    box = base / "Hộp thư tỉnh" / "tháng 9"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIPAS_HOME", str(base / "home"))
        for i, (code, name) in enumerate(md.COMMUNES[:2]):
            md.write(box, f"{code} {name}.xlsx", md.content((code, name), seed=i, forms=8))
        third = md.COMMUNES[2]
        single = md.write(base / "Tải về", "xã gửi lại lần 2.xlsx", md.content(third, seed=7, forms=9))
    return box, single


def uri_list(paths: list[Path]) -> str:
    """What a Linux file manager puts in the XdndSelection for files: one file:// URI a line."""
    return "".join(f"file://{urllib.parse.quote(str(p))}\r\n" for p in paths)


def xdnd_drop(over, paths: list[Path]) -> tuple[str, str]:
    """Drag `paths` over the widget `over` and let go; tkdnd's answers (action) to both."""
    call = over.tk.call
    x, y = over.winfo_rootx() + 5, over.winfo_rooty() + 5
    call("tkdnd::xdnd::HandleXdndEnter", str(over), SOURCE, ("text/uri-list",), 0)
    position = call("tkdnd::xdnd::HandleXdndPosition", str(over), x, y, 0, SOURCE)
    data = call("tkdnd::xdnd::normalise_data", "text/uri-list", uri_list(paths))
    call("tkdnd::generic::SetDroppedData", data)
    action = call("tkdnd::generic::HandleDrop", "", "", "", x, y, 0)
    return str(position), str(action)


def table(view) -> dict[str, str]:
    tree = view.files_tree
    return {tree.set(i, "file"): tree.set(i, "status") for i in tree.get_children()}


@pytest.fixture
def view(merge_view):   # the shared merge screen (tests/ui/conftest.py)
    return merge_view


def test_the_merge_screen_makes_its_whole_window_a_drop_target_for_files_and_says_so(view, window):
    assert view.drop is not None and view.drop.target is window
    types = window.tk.call("bind", str(window), "<<DropTargetTypes>>")
    assert "text/uri-list" in window.tk.splitlist(types)      # tkdnd's X11 name for DND_Files
    assert list(view.drop.bindings()) == ["<<DropEnter>>", "<<DropPosition>>", "<<DropLeave>>", "<<Drop>>"]
    assert view.drop_hint.winfo_manager() == "pack"
    assert view.drop_hint.cget("text") == "Hoặc kéo thả tệp/thư mục vào đây"
    assert view.drop_hint.winfo_ismapped()


def test_a_folder_and_a_file_with_spaces_dropped_on_the_table_are_merged_like_a_choice(
        view, ctx, window, dropped):
    box, single = dropped
    position, action = xdnd_drop(view.files_tree, [box, single])
    assert (position, action) == ("copy", "copy")
    assert view.inputs == [box, single]                      # braces and %20 decoded, order kept
    ctx.jobs.wait(view.job, timeout=120)
    pump(window)
    assert table(view) == {"18073 Phường Thành Sen.xlsx": "Đã nhận", "18100 Phường Trần Phú.xlsx": "Đã nhận",
                           "xã gửi lại lần 2.xlsx": "Đã nhận"}
    assert view.result is not None and len(view.result.leaf_units) == 3
    assert view.drop_hint.cget("text") == "Hoặc kéo thả tệp/thư mục vào đây"   # highlight undone


def test_dropping_the_same_things_gives_the_same_table_as_choosing_them_with_the_buttons(
        view, ctx, window, dropped):
    box, single = dropped
    ctx.jobs.wait(view.choose_files([single]), timeout=120)
    ctx.jobs.wait(view.merge_paths([box, single]), timeout=120)
    chosen = table(view)
    view.files_tree.delete(*view.files_tree.get_children())
    xdnd_drop(view.notebook, [box, single])
    ctx.jobs.wait(view.job, timeout=120)
    pump(window)
    assert table(view) == chosen and len(chosen) == 3


def test_while_files_are_held_over_the_window_the_hint_says_to_let_go(view, window, dropped):
    call = window.tk.call
    over = view.files_tree
    x, y = over.winfo_rootx() + 5, over.winfo_rooty() + 5
    call("tkdnd::xdnd::HandleXdndEnter", str(over), SOURCE, ("text/uri-list",), 0)
    assert str(call("tkdnd::xdnd::HandleXdndPosition", str(over), x, y, 0, SOURCE)) == "copy"
    assert view.drop_hint.cget("text") == "Thả chuột để tổng hợp các tệp này"
    call("tkdnd::xdnd::HandleXdndLeave")
    assert view.drop_hint.cget("text") == "Hoặc kéo thả tệp/thư mục vào đây"
    assert view.job is None


def test_a_drop_while_another_area_is_shown_is_refused_and_merges_nothing(view, window, dropped):
    view.pack_forget()
    pump(window)
    position, action = xdnd_drop(window, [dropped[1]])
    assert (position, action) == ("refuse_drop", "refuse_drop")
    assert view.job is None and view.inputs == []


def test_a_drop_during_a_merge_does_not_start_a_second_one(view, ctx, window, dropped):
    box, single = dropped
    said: list[str] = []
    ctx.status_callback = said.append
    first = view.choose_folder(box)
    assert view.drop_paths([single]) is first
    assert said == ["Đang tổng hợp các tệp đã chọn; hãy thả lại sau khi xong."]
    ctx.jobs.wait(first, timeout=120)
    pump(window)
    assert set(table(view)) == {"18073 Phường Thành Sen.xlsx", "18100 Phường Trần Phú.xlsx"}


def test_without_the_tkdnd_library_the_merge_screen_works_without_drop_and_logs_one_line(tmp_path, tk_root):
    """A copy of tkinterdnd2 with its native libraries removed, first on sys.path of a new process."""
    import tkinterdnd2

    broken = tmp_path / "site"
    shutil.copytree(Path(tkinterdnd2.__file__).parent, broken / "tkinterdnd2")
    for library in (broken / "tkinterdnd2").rglob("*"):
        if library.suffix in (".so", ".dll", ".dylib"):
            library.unlink()
    script = textwrap.dedent(f"""
        import logging, sys
        sys.path.insert(0, {str(broken)!r})
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="LOG %(name)s %(message)s")
        import ttkbootstrap as ttk
        from sipas_desktop.ui.context import AppContext
        from sipas_desktop.ui.errors import RecordingPrompter
        from sipas_desktop.ui.views.merge import MergeView
        from sipas_desktop.ui.worker import JobRunner
        import tkinterdnd2
        assert tkinterdnd2.__file__.startswith({str(broken)!r}), tkinterdnd2.__file__
        root = ttk.App(title="x", theme="bootstrap-light")
        ctx = AppContext(root, JobRunner(root), RecordingPrompter(), {{}}, modal=False)
        views = [MergeView(root, ctx) for _ in range(2)]
        views[0].pack(fill="both", expand=True)
        root.update()
        print("drop", views[0].drop, views[1].drop)
        print("hint", repr(views[0].drop_hint.winfo_manager()))
        print("buttons", [str(b.cget("state")) for b in views[0].choose_buttons])
        root.destroy()
    """)
    env = {**os.environ, "SIPAS_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "drop None None" in lines
    assert "hint ''" in lines                                   # no hint when drop does not work
    assert "buttons ['normal', 'normal', 'normal']" in lines
    logged = [line for line in lines if line.startswith("LOG sipas.ui")]
    assert len(logged) == 1 and "Drag and drop of files is unavailable" in logged[0]
    assert "Unable to load tkdnd library" in logged[0]
