"""Screenshots for the Vietnamese user guide (`make screenshots`, under Xvfb).

Drives the real GUI over a throw-away data folder: first run, the empty log, an import with
problems (preview, column mapping), the log with demo data, search and filters, the dossier
form (and its validation), backup, about, the print screen and the units dialog. Each state is
captured with ImageMagick's `import` (the region of the main window, so dialogs are seen over it)
into docs/user-guide/images/; the merge screen (a mailbox of real report files written with the
tests' helpers) into docs/images/, where the merge page of the guide takes it from.
`python -m installer.screenshots --only merge` redoes only the merge screen.
Dialogs are built non-modal (ctx.modal = False) so that the script never waits for a click.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "user-guide" / "images"
SHARED = ROOT / "docs" / "images"


def snap(root, name: str, widget=None, folder: Path = OUT) -> Path:
    """Capture the main window with its menu bar, or only `widget` (a dialog) with a thin border.

    There is no window manager under Xvfb, hence no title bars: a dialog shot over the main
    window would have no visible edge, so dialogs are captured on their own.
    """
    for _ in range(4):
        root.update()
        time.sleep(0.05)
    target = widget or root
    x, y = target.winfo_rootx(), target.winfo_rooty()
    w, h = target.winfo_width(), target.winfo_height()
    if widget is None:  # the menu bar sits above the client area on X11
        menu_height = root.nametowidget(root.cget("menu")).winfo_reqheight() if root.cget("menu") else 0
        y, h = y - menu_height, h + menu_height
    path = folder / f"{name}.png"
    screen = subprocess.run(["import", "-window", "root", "png:-"], check=True,
                            capture_output=True).stdout
    subprocess.run(["convert", "png:-", "-crop", f"{w}x{h}+{x}+{y}", "+repage", "-bordercolor",
                    "#8a939b", "-border", "1", "-strip", "-colors", "128", f"PNG8:{path}"], input=screen,
                   check=True)  # 128 colours: a third of the size, no visible change on UI text
    print(f"  {path.relative_to(ROOT)}")
    return path


def broken_export(source: Path, target: Path) -> Path:
    """The demo export with four typical mistakes, for the preview screenshot."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    ws = wb.worksheets[0]
    first = 10  # the demo layout: title block, two header rows, a row of column numbers
    ws.cell(first + 2, 8).value = "31/02/2025"                 # a date that does not exist
    ws.cell(first + 4, 12).value = ws.cell(first + 4, 8).value  # returned …
    ws.cell(first + 4, 8).value = "20/12/2025"                 # … before the date of receipt
    ws.cell(first + 6, 5).value = None                         # no applicant name
    ws.cell(first + 8, 2).value = ws.cell(first + 7, 2).value  # the same code twice
    wb.save(target)
    return target


def settle(root, window, job) -> None:
    window.jobs.wait(job, timeout=120)
    for _ in range(3):
        root.update()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["merge"], help="only this screen")
    args = parser.parse_args(argv)
    if shutil.which("import") is None or shutil.which("convert") is None:
        print("ImageMagick's `import` is needed (Debian: imagemagick).", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="sipas-shots-"))
    os.environ["SIPAS_HOME"] = str(folder / "home")
    try:
        return _run_merge_only(folder) if args.only == "merge" else _run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run_merge_only(folder: Path) -> int:
    from sipas_desktop.core.services.app import init_office, open_app
    from sipas_desktop.ui.app import create_main_window
    from sipas_desktop.ui.errors import RecordingPrompter

    open_app(folder / "sipas.db")
    init_office("42", "tong-hop")     # declared: the first-run wizard does not open
    root, window = create_main_window(folder / "sipas.db", prompter=RecordingPrompter())
    window.ctx.modal = False
    root.geometry("1280x800+0+0")
    root.update()
    merge_screen(root, window, folder)
    root.destroy()
    return 0


def _run(folder: Path) -> int:
    from sipas_desktop.core.progress import CancelToken
    from sipas_desktop.core.services import log_io
    from sipas_desktop.ui.app import create_main_window
    from sipas_desktop.ui.dialogs.progress import ProgressDialog
    from sipas_desktop.ui.errors import RecordingPrompter

    prompter = RecordingPrompter()
    root, window = create_main_window(folder / "sipas.db", prompter=prompter)
    window.ctx.modal = False
    root.geometry("1280x800+0+0")
    root.update()

    # 1. First run: the wizard opens by itself over the empty main window.
    deadline = time.monotonic() + 10
    while window.last_dialog is None and time.monotonic() < deadline:
        root.update()
        time.sleep(0.02)
    wizard = window.last_dialog
    wizard.geometry(f"+{root.winfo_rootx() + 260}+{root.winfo_rooty() + 40}")
    wizard.search_var.set("nghi xuan")
    wizard.search()
    wizard.choose("18352")
    wizard.demo_var.set(False)
    snap(root, "01-khai-bao-don-vi", wizard)
    wizard.finish()
    root.update()

    # 2. The empty log says what to do next.
    log = window.views["log"]
    snap(root, "02-so-trong")

    # 3. Import a file with mistakes: the preview lists each by place.
    demo = log_io.make_demo_log(folder / "so-mot-cua.xlsx", 600, 2025)
    bad = broken_export(demo, folder / "so-mot-cua-co-loi.xlsx")
    job = log.import_file(bad)
    settle(root, window, job)
    preview = log.last_preview_dialog
    preview.geometry(f"1080x640+{root.winfo_rootx() + 100}+{root.winfo_rooty() + 60}")
    snap(root, "03-xem-truoc-co-loi", preview)
    preview.notebook.select(1)
    snap(root, "04-ghep-cot", preview)
    preview.close()

    # 4. The progress window of a long job.
    progress = ProgressDialog(root, "Nhập so-mot-cua.xlsx vào sổ", CancelToken(), grab=False)
    progress.update_progress(4200, 10000, "Đang ghi vào sổ…")
    progress.geometry(f"+{root.winfo_rootx() + 400}+{root.winfo_rooty() + 300}")
    snap(root, "05-dang-nhap", progress)
    progress.close()

    # 5. Import the good file: the log with 600 dossiers.
    job = log.import_file(demo)
    settle(root, window, job)
    dialog = log.last_preview_dialog
    dialog.geometry(f"1080x640+{root.winfo_rootx() + 100}+{root.winfo_rooty() + 60}")
    snap(root, "06-xem-truoc-hop-le", dialog)
    dialog.import_all_button.invoke()
    settle(root, window, dialog.job)
    log.grid_widget.select_position(2)
    snap(root, "07-so-theo-doi")

    # 6. Search without accents and filter by channel and status.
    log.set_filter(text="nguyen thi", channel="truc_tiep", status="returned")
    snap(root, "08-tim-va-loc")
    log.clear_filters()

    # 7. The dossier form, then the same form with mistakes.
    log.grid_widget.select_position(0)
    form = log.edit_selected()
    form.geometry(f"+{root.winfo_rootx() + 150}+{root.winfo_rooty() + 90}")
    snap(root, "09-sua-ho-so", form)
    form.close()
    form = log.add()
    form.geometry(f"+{root.winfo_rootx() + 150}+{root.winfo_rooty() + 90}")
    form.set_values(code="", applicant_name="Lê Văn Tám", procedure_name="Đăng ký kết hôn",
                    received_date="10/03/2025", returned_date="01/03/2025", due_date="31/02/2025")
    form.save()
    snap(root, "10-ho-so-co-loi", form)
    form.close()

    # 8. The menu of the log with its shortcuts.
    menu = window.view_menu
    menu.post(root.winfo_rootx() + 60, root.winfo_rooty() + 2)
    snap(root, "11-menu-thao-tac")
    menu.unpost()

    # 9. Backup and restore; about and shortcuts.
    backup = window.open_backup()
    settle(root, window, backup.backup_now())
    backup.geometry(f"+{root.winfo_rootx() + 220}+{root.winfo_rooty() + 120}")
    snap(root, "12-sao-luu", backup)
    backup.close()
    about = window.open_about()
    about.geometry(f"+{root.winfo_rootx() + 300}+{root.winfo_rooty() + 30}")
    snap(root, "13-gioi-thieu", about)
    about.close()
    # 10. The catalogue of fields and procedures.
    catalogue = log.open_catalogue()
    catalogue.refresh(select_field="Chứng thực")
    catalogue.geometry(f"+{root.winfo_rootx() + 150}+{root.winfo_rooty() + 60}")
    snap(root, "15-danh-muc", catalogue)
    catalogue.close()

    # 11. Printing numbered forms (with a plan and its sample), and the units dialog.
    forms_and_units(root, window, folder)

    # 12. The merge screen of an aggregating office (the province), with its drop hint.
    merge_screen(root, window, folder)

    # 13. A file that is not a spreadsheet: the message box a user sees.
    fake = folder / "bao-cao.xlsx"
    fake.write_text("không phải bảng tính", encoding="utf-8")
    settle(root, window, log.import_file(fake))
    kind, title, message = prompter.last()
    from ttkbootstrap.dialogs import MessageDialog

    box = MessageDialog(message, title, buttons=["Đồng ý:primary"], parent=root, icon="x-circle-fill",
                        width=60, localize=False)
    box.show(wait_for_result=False)
    snap(root, "14-thong-bao-loi", box._toplevel)
    box._toplevel.destroy()
    root.destroy()
    return 0


def forms_and_units(root, window, folder: Path) -> None:
    """The print screen after a first print run and a reprint; the units dialog with an old
    district, its commune, and the problems of an import that was refused."""
    from datetime import date

    from openpyxl import Workbook

    from sipas_desktop.core.services import plans

    plans.create_plan("Kế hoạch tự khảo sát sự hài lòng năm 2025", date(2025, 1, 2), date(2025, 12, 31),
                      "sipas-2023", individuals=15, organizations=10)
    plans.draw_sample(2025)
    view = window.show_area("forms")
    view.open_path = lambda _path: None
    view.count_var.set("20")
    settle(root, window, view.print_new(folder / "phieu-so-000001-000020.pdf"))
    view.reprint_var.set("000007")
    settle(root, window, view.reprint(folder / "phieu-in-lai-so-000007.pdf"))
    view.count_box.focus_set()
    snap(root, "16-in-phieu")

    units = window.open_units()
    units.geometry(f"1060x720+{root.winfo_rootx() + 110}+{root.winfo_rooty() + 30}")
    units.tree.selection_set("42")
    root.update()
    units.code_var.set("432")
    units.name_var.set("Huyện Nghi Xuân")
    units.add()
    root.update()
    units.code_var.set("43201")
    units.name_var.set("Xã Xuân Hội")
    units.add()
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    sheet.append(["Mã", "Tên", "Loại", "Mã cấp trên"])
    sheet.append(["43202", "Xã Xuân Trường", "Xã", "432"])
    sheet.append(["43203", "Xã Xuân Đan", "làng", "432"])
    sheet.append(["43204", "Thị trấn Xuân An", "Thị trấn", "433"])
    book.save(folder / "don-vi-cu.xlsx")
    units.import_file(folder / "don-vi-cu.xlsx")
    units.reveal("43201")
    root.update()
    units.tree.see("43201")  # again, now that the list of problems has made the tree shorter
    snap(root, "17-don-vi-hanh-chinh", units)
    units.close()
    window.show_area("log")


def mailbox(folder: Path) -> Path:
    """What a province's mailbox collects: five communes, a duplicate, a file edited by hand, a
    commune of another province, a Word file renamed, and a resubmission with more forms."""
    sys.path.insert(0, str(ROOT))
    from datetime import datetime

    from tests.core import merge_data as md

    box = folder / "hop-thu"
    good = [md.write(box, f"{code}.xlsx", md.content((code, name), seed=i, forms=40 + 7 * i,
                                                     satisfaction=0.55 + 0.08 * i))
            for i, (code, name) in enumerate(md.COMMUNES[:4])]
    md.copy(good[0], box / "18073 (1).xlsx")
    md.alter_answer(good[1], box / "18100-da-sua.xlsx")
    md.write(box, "ha-noi.xlsx", md.content(md.FOREIGN, seed=9))
    (box / "Báo cáo.docx.xlsx").write_bytes(good[2].read_bytes()[:3000])
    first = md.content(md.COMMUNES[4], seed=4, forms=68, satisfaction=0.87)
    md.write(box, "18652.xlsx", first)
    md.write(box, "18652-gui-lai.xlsx", md.with_changed_forms(first, extra=4,
                                                              created=datetime(2025, 9, 9, 14, 30)))
    return box


def merge_screen(root, window, folder: Path) -> None:
    """The merge area after reading a mixed mailbox: the files tab, then the ranking."""
    from sipas_desktop.core.services.app import init_office

    box = mailbox(folder)
    init_office("42", "tong-hop")
    window.refresh_office()
    view = window.show_area("merge")
    size = root.geometry()
    root.geometry("1480x900+0+0")     # wide enough for the reason column
    settle(root, window, view.choose_folder(box))
    view.notebook.select(0)
    snap(root, "merge-view-files", folder=SHARED)
    view.notebook.select(1)
    snap(root, "merge-view-ranking", folder=SHARED)
    view.notebook.select(0)
    root.geometry(size)
    window.show_area("log")


if __name__ == "__main__":
    sys.exit(main())
