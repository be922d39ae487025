"""AboutDialog: the version, where the data and the error log are, and every keyboard shortcut."""

from __future__ import annotations

import tkinter

import ttkbootstrap as ttk

from sipas_desktop import APP_NAME, __version__
from sipas_desktop.core.logs import log_file
from sipas_desktop.core.paths import backup_dir
from sipas_desktop.ui.context import AppContext
from sipas_desktop.ui.dialogs.base import BaseDialog
from sipas_desktop.ui.i18n import tr


class AboutDialog(BaseDialog):
    def __init__(self, parent: tkinter.Misc, ctx: AppContext, shortcuts: list[tuple[str, str]]) -> None:
        super().__init__(parent, tr("Giới thiệu {app}", app=APP_NAME), resizable=(False, False))
        self.ctx = ctx
        body = ttk.Frame(self, padding=20)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=APP_NAME, font="-size 16 -weight bold", bootstyle="primary").pack(anchor="w")
        self.version_text = tr("Phiên bản {v}", v=__version__)
        ttk.Label(body, text=self.version_text, font="-weight bold").pack(anchor="w")
        ttk.Label(body, wraplength=560, justify="left", text=tr(
            "Phần mềm giúp UBND cấp xã tự khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ "
            "hành chính (SIPAS): sổ theo dõi hồ sơ, chọn mẫu, phiếu khảo sát, nhập phiếu, chỉ số và báo "
            "cáo; cơ quan cấp trên tổng hợp báo cáo. Chạy hoàn toàn trên máy, không cần mạng.")).pack(
            anchor="w", pady=(6, 10))
        office = ctx.office
        lines = []
        if office.unit is not None:
            lines.append(tr("Đơn vị: {name} ({role})", name=office.unit.full_name, role=office.role_label))
        db_path = ctx.db_path
        lines += [tr("Cơ sở dữ liệu: {p}", p=db_path), tr("Thư mục sao lưu: {p}", p=backup_dir(db_path)),
                  tr("Nhật ký lỗi: {p}", p=log_file())]
        for line in lines:
            ttk.Label(body, text=line, wraplength=560).pack(anchor="w")
        ttk.Label(body, text=tr("Phím tắt"), font="-weight bold").pack(anchor="w", pady=(12, 4))
        table = ttk.Frame(body)
        table.pack(anchor="w", fill="x")
        for row, (keys, action) in enumerate(shortcuts):
            ttk.Label(table, text=keys, font="-weight bold", width=14).grid(row=row, column=0, sticky="w")
            ttk.Label(table, text=action).grid(row=row, column=1, sticky="w")
        self.close_button = ttk.Button(body, text=tr("Đóng"), bootstyle="primary", command=self.close)
        self.close_button.pack(anchor="e", pady=(14, 0))

    def focus_initial(self) -> None:
        self.close_button.focus_set()
