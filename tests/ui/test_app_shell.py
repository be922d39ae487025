"""The main window: areas, shortcuts, status bar, remembered size, errors, workers, dialogs."""

from __future__ import annotations

import threading
import time

import pytest

from sipas_desktop import __version__
from sipas_desktop.core.errors import CancelledError, UserError
from sipas_desktop.core.services import log as log_services
from tests.ui.conftest import add_dossiers, pump


@pytest.fixture
def main(window, app, prompter):
    from sipas_desktop.ui.app import MainWindow

    win = MainWindow(window, prompter=prompter, prefs={}, modal=False)
    win.pack(fill="both", expand=True)
    win.show_area("log")
    pump(window)
    return win


def test_every_area_is_listed_and_the_unbuilt_ones_are_disabled_with_what_they_will_do(main):
    from sipas_desktop.ui.app import AREAS, NOT_YET

    titles = [a.title for a in AREAS]
    assert titles == ["Sổ theo dõi hồ sơ", "Kế hoạch và chọn mẫu", "Phiếu khảo sát (in phiếu)",
                      "Nhập phiếu", "Kết quả và báo cáo", "Tổng hợp báo cáo"]
    assert str(main.area_buttons["log"].cget("state")) == "normal"
    for area in AREAS:
        if area.view is None:
            assert str(main.area_buttons[area.key].cget("state")) == "disabled"
            assert main.show_area(area.key) is None
            assert NOT_YET in main.status_var.get()
    assert main.current == "log"


def test_an_area_whose_view_module_exists_is_enabled_and_loaded_on_demand(window, app, prompter):
    from sipas_desktop.ui.app import Area, MainWindow

    areas = [Area("log", "Sổ", "…", "sipas_desktop.ui.views.log:LogView"),
             Area("x", "Khác", "…", "sipas_desktop.ui.views.does_not_exist:View")]
    win = MainWindow(window, prompter=prompter, areas=areas, modal=False)
    assert win._available == {"log": True, "x": False}
    view = win.show_area("log")
    assert type(view).__name__ == "LogView"


def test_the_status_bar_gives_the_unit_and_the_database_file(main, commune):
    main.refresh_office()
    assert "Xã Nghi Xuân" in main.unit_var.get() and "Cấp xã" in main.unit_var.get()
    assert "sipas.db" in main.db_var.get()


def test_an_unconfigured_office_is_said_in_the_status_bar(main):
    assert "Chưa khai báo đơn vị" in main.unit_var.get()


def test_the_menus_show_every_action_with_its_shortcut(main):
    labels = {}
    menu = main.view_menu
    for index in range(menu.index("end") + 1):
        if menu.type(index) == "command":
            labels[menu.entrycget(index, "label")] = menu.entrycget(index, "accelerator")
    assert labels["Thêm hồ sơ…"] == "Ctrl+N"
    assert labels["Tìm hồ sơ"] == "Ctrl+F"
    assert labels["Nhập sổ từ Excel…"] == "Ctrl+I"
    assert labels["Xuất sổ ra Excel…"] == "Ctrl+E"
    assert labels["Làm mới"] == "F5"
    assert labels["Xóa hồ sơ đang chọn…"] == "Delete"
    table = dict(main.shortcut_table())
    assert table["Alt+1"] == "Sổ theo dõi hồ sơ" and table["Ctrl+B"] == "Sao lưu và khôi phục"


def test_ctrl_n_opens_the_dossier_form_and_ctrl_f_goes_to_search(main, window):
    view = main.views["log"]
    before = set(window.winfo_children())
    window.focus_force()
    pump(window)
    view.grid_widget.tree.event_generate("<Control-n>")
    pump(window)
    opened = [w for w in set(window.winfo_children()) - before if w.winfo_class() == "Toplevel"]
    assert len(opened) == 1 and opened[0].title() == "Thêm hồ sơ"
    opened[0].close()
    pump(window)
    view.grid_widget.tree.focus_force()
    pump(window)
    view.grid_widget.tree.event_generate("<Control-f>")
    pump(window)
    assert window.focus_get() is view.search_entry


def test_f5_reloads_the_log_after_a_change_made_elsewhere(main, window):
    view = main.views["log"]
    assert view.grid_widget.total == 0
    add_dossiers(5)
    view.grid_widget.tree.focus_force()
    pump(window)
    view.grid_widget.tree.event_generate("<F5>")
    pump(window)
    assert view.grid_widget.total == 5


def test_the_window_size_is_remembered_between_sessions(tk_root, app):
    import ttkbootstrap as ttk

    from sipas_desktop.core import settings
    from sipas_desktop.ui.app import MainWindow, restore_geometry

    top = ttk.Toplevel(master=tk_root)
    win = MainWindow(top, prefs={}, modal=False)
    win.pack(fill="both", expand=True)
    top.geometry("1100x700+20+30")
    pump(top)
    win.quit_app()
    assert settings.load_prefs()["window_geometry"].startswith("1100x700")
    again = ttk.Toplevel(master=tk_root)
    restore_geometry(again, settings.load_prefs())
    pump(again)
    assert again.geometry().startswith("1100x700")
    again.destroy()


def test_a_user_error_is_shown_as_its_message_with_every_issue_located():
    from sipas_desktop.core.errors import Issue
    from sipas_desktop.ui.errors import describe

    exc = UserError("Tệp có lỗi.", issues=[Issue("X_1", "ngày không có thật", sheet="Sổ", row=12,
                                                 column="Ngày nhận")])
    report = describe(exc)
    assert not report.is_bug
    assert "Tệp có lỗi." in report.message
    assert "trang tính “Sổ”, dòng 12, cột “Ngày nhận”: ngày không có thật" in report.message


def test_an_unexpected_error_is_logged_and_the_message_gives_the_log_file():
    from sipas_desktop.core.logs import log_file
    from sipas_desktop.ui.errors import describe

    def broken():
        return {}["missing-key"]

    try:
        broken()
    except KeyError as exc:
        error = exc
    report = describe(error, "test")
    assert report.is_bug and str(log_file()) in report.message
    assert "Traceback" not in report.message
    logged = log_file().read_text("utf-8")
    assert "missing-key" in logged and "in broken" in logged


def test_a_worker_hands_its_result_to_the_tk_thread(window, app):
    from sipas_desktop.ui.worker import JobRunner

    runner = JobRunner(window)
    seen = {}

    def work(progress):
        seen["worker"] = threading.current_thread()
        for i in range(5):
            progress.step(i + 1, 5, "bước")
        return log_services.count_dossiers()

    steps = []
    job = runner.submit("t", work, on_done=lambda r: seen.update(done=(r, threading.current_thread())),
                        on_progress=lambda d, t, s: steps.append(d))
    runner.wait(job, timeout=10)
    assert seen["done"] == (0, threading.main_thread())
    assert seen["worker"] is not threading.main_thread()
    assert steps and steps[-1] == 5


def test_cancel_stops_the_job_and_the_error_handler_gets_a_cancellation(window, ctx, prompter):
    def slow(progress):
        for i in range(1000):
            progress.step(i, 1000, "đang làm")
            time.sleep(0.01)
        return "xong"

    job = ctx.run_with_progress("Việc dài", slow, lambda r: pytest.fail("must not finish"))
    deadline = time.monotonic() + 5
    while not job.dialog.count_var.get() and time.monotonic() < deadline:
        pump(window, 1)
        ctx.jobs.drain()
    job.dialog.cancel_button.invoke()
    ctx.jobs.wait(job, timeout=10)
    assert isinstance(job.error, CancelledError)
    assert prompter.last()[0] == "info" and "Đã hủy" in prompter.last()[1]
    assert not job.dialog.winfo_exists()


def test_ttkbootstrap_dialogs_speak_vietnamese(tk_root):
    from ttkbootstrap.localization import MessageCatalog

    assert MessageCatalog.translate("Cancel") == "Hủy"
    assert MessageCatalog.translate("Yes") == "Có"
    assert MessageCatalog.translate("OK") == "Đồng ý"
    # the date picker of the filters and the dossier form: month title and weekday heads
    assert MessageCatalog.translate("November") == "Tháng 11"
    assert [MessageCatalog.translate(d) for d in ("Mo", "Su")] == ["T2", "CN"]


def test_the_ui_font_has_vietnamese_glyphs(tk_root):
    from tkinter import font

    from sipas_desktop.ui.i18n import FONT_CANDIDATES

    assert font.nametofont("TkDefaultFont").actual("family") in FONT_CANDIDATES


def test_the_about_dialog_shows_the_version_and_the_shortcuts(main, window):
    dialog = main.open_about()
    texts = [w.cget("text") for w in dialog.winfo_children()[0].winfo_children()
             if w.winfo_class() == "TLabel"]
    assert f"Phiên bản {__version__}" in texts
    dialog.close()
    assert "Alt+1" in [k for k, _ in main.shortcut_table()]


def test_backup_now_lists_the_new_backup_and_restore_brings_the_old_data_back(main, window, prompter):
    add_dossiers(4)
    dialog = main.open_backup()
    before = len(dialog.backups)
    job = dialog.backup_now()
    main.jobs.wait(job, timeout=20)
    pump(window)
    assert len(dialog.backups) == before + 1
    assert dialog.backups[0].reason == "thu-cong"
    assert "Đã sao lưu vào" in dialog.message_var.get()
    log_services.delete_dossiers([r.id for r in log_services.query_dossiers(limit=10)])
    main.views["log"].reload()
    assert main.views["log"].grid_widget.total == 0
    dialog.tree.selection_set("0")
    prompter.answers = [True]
    assert dialog.restore_selected() is True
    assert log_services.count_dossiers() == 4
    assert main.views["log"].grid_widget.total == 4
    assert any(b.reason == "truoc-khoi-phuc" for b in dialog.backups)
    dialog.close()


def test_restoring_a_file_that_is_not_a_backup_says_so_and_changes_nothing(main, tmp_path, prompter):
    add_dossiers(2)
    bogus = tmp_path / "khong-phai.db"
    bogus.write_text("xin chào", encoding="utf-8")
    dialog = main.open_backup()
    prompter.answers = [True]
    assert dialog.restore(bogus) is False
    kind, title, message = prompter.last()
    assert kind == "error" and "không phải bản sao lưu SIPAS" in message
    assert log_services.count_dossiers() == 2
    dialog.close()


def test_the_first_run_wizard_finds_a_commune_typed_without_accents(main, window):
    from sipas_desktop.core.services.app import get_office

    wizard = main.open_first_run()
    found = wizard.search("nghi xuan")
    assert any(u.code == "18352" for u in found)
    assert all(u.level == 3 for u in found)
    wizard.demo_var.set(False)
    assert wizard.finish() is False or wizard.unit is not None
    wizard.choose("18352")
    assert "Xã Nghi Xuân" in wizard.chosen_var.get()
    assert wizard.finish() is True
    office = get_office()
    assert office.configured and office.unit.code == "18352" and office.role == "xa"
    assert "Xã Nghi Xuân" in main.unit_var.get()


def test_the_wizard_refuses_to_finish_without_a_unit(main):
    wizard = main.open_first_run()
    wizard.unit = None
    assert wizard.finish() is False
    assert "Hãy chọn đơn vị" in wizard.error_var.get()
    wizard.close()


def test_an_aggregating_office_picks_a_province(main):
    from sipas_desktop.core.services.app import get_office

    wizard = main.open_first_run()
    wizard.role_var.set("tong-hop")
    wizard._role_changed()
    found = wizard.search("ha tinh")
    assert found and all(u.level < 3 for u in found)
    assert str(wizard.demo_check.cget("state")) == "disabled"
    wizard.choose(found[0].code)
    assert wizard.finish() is True
    assert get_office().role == "tong-hop"
