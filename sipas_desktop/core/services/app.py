"""Services for the application as a whole: open the database, the office, backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sipas_desktop import __version__
from sipas_desktop.core import backup, db, paths, settings, units
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.storage import storage_errors

ROLES = {
    "xa": "Cấp xã (UBND xã, phường, đặc khu): sổ hồ sơ, chọn mẫu, phiếu, báo cáo",
    "tong-hop": "Cơ quan tổng hợp (Sở Nội vụ, Phòng Nội vụ cũ): nhận và tổng hợp báo cáo",
}


@dataclass(frozen=True)
class OfficeInfo:
    unit: units.UnitInfo | None
    role: str | None

    @property
    def configured(self) -> bool:
        return self.unit is not None and self.role is not None

    @property
    def role_label(self) -> str:
        return {"xa": "Cấp xã", "tong-hop": "Cơ quan tổng hợp"}.get(self.role or "", "")


@dataclass(frozen=True)
class AppInfo:
    db_path: Path
    version: str
    office: OfficeInfo
    migrated: list[str]


def open_app(db_path: Path | str | None = None, *, daily_backup: bool = True) -> AppInfo:
    """Open the database (default: per-user data folder), migrate it, take the daily backup."""
    from sipas_desktop.core import migrations

    path = Path(db_path) if db_path else paths.default_db_path()
    existed = path.exists() and path.stat().st_size > 0
    opened = db.open_database(path, migrate=False)
    # A full or read-only disk: a clear message; the transaction leaves the file as it was.
    with storage_errors(opened, "Không cập nhật được cơ sở dữ liệu", "DB_005"):
        migrated = migrations.migrate(opened)
    if daily_backup and existed:
        try:
            backup.daily_backup_if_due(opened)
        except UserError:
            pass  # a full disk must not stop the clerk from working; the GUI warns separately
    return AppInfo(opened, __version__, get_office(), migrated)


def current_db_path() -> Path:
    path = db.database_path()
    if path is None:
        raise UserError("Chưa mở cơ sở dữ liệu.", code="DB_004")
    return path


def get_office() -> OfficeInfo:
    code = settings.get("office.unit")
    role = settings.get("office.role")
    unit = None
    if code:
        try:
            unit = units.get_unit(code)
        except UserError:
            unit = None
    return OfficeInfo(unit, role)


def init_office(unit_code: str, role: str = "xa") -> OfficeInfo:
    """Set this office's unit and role (the first-run wizard and `sipas init`)."""
    if role not in ROLES:
        raise UserError(f"Vai trò “{role}” không hợp lệ; chọn “xa” hoặc “tong-hop”.", code="APP_001")
    unit = units.get_unit(unit_code)
    if role == "xa" and unit.level != 3:
        raise UserError(f"“{unit.name}” không phải đơn vị cấp xã; vai trò cấp xã cần mã xã, phường "
                        "hoặc đặc khu (5 chữ số).", code="APP_002")
    if role == "tong-hop" and unit.level == 3:
        raise UserError(f"“{unit.name}” là đơn vị cấp xã; cơ quan tổng hợp cần mã tỉnh hoặc huyện.",
                        code="APP_003")
    with db.atomic():
        settings.put("office.unit", unit.code)
        settings.put("office.role", role)
    return get_office()


def require_office() -> OfficeInfo:
    office = get_office()
    if not office.configured:
        raise UserError("Chưa khai báo đơn vị. Chạy “sipas init --unit MÃ” hoặc mở chương trình để "
                        "khai báo.", code="APP_004")
    return office


def backup_now(dest: Path | None = None) -> Path:
    return backup.backup_database(current_db_path(), reason="thu-cong", dest=dest)


def list_backups() -> list[backup.BackupInfo]:
    return backup.list_backups(current_db_path())


def restore(file: Path) -> Path:
    """Restore a backup over the current database; returns the safety copy of the old one."""
    path = current_db_path()
    backup.check_backup_file(Path(file))
    db.close_database()
    try:
        safety = backup.restore_database(path, Path(file))
    finally:
        open_app(path, daily_backup=False)
    return safety
