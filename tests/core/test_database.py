"""The database file: migrations, refusal of newer databases, backups and restore."""

from __future__ import annotations

import sqlite3

import pytest

from sipas_desktop.core import backup, models
from sipas_desktop.core.db import close_database, database
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.migrations import STEPS
from sipas_desktop.core.services import app as app_services


def test_a_new_database_gets_every_migration_step_wal_and_foreign_keys(app):
    names = [r.name for r in models.SchemaMigration.select()]
    assert names == [name for name, _ in STEPS]
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_the_2025_units_are_built_in(app):
    assert models.Unit.select().where(models.Unit.level == 1).count() == 34
    assert models.Unit.select().where(models.Unit.level == 3).count() == 3321


def test_a_pending_migration_is_preceded_by_a_backup(db_path, monkeypatch):
    app_services.open_app(db_path)
    close_database()
    ran = []
    monkeypatch.setattr("sipas_desktop.core.migrations.STEPS",
                        STEPS + [("9999_test_step", lambda: ran.append(1))])
    app_services.open_app(db_path)
    assert ran == [1]
    assert any(b.reason == "truoc-nang-cap" for b in backup.list_backups(db_path))
    close_database()


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(db_path):
    app_services.open_app(db_path)
    models.SchemaMigration.create(name="9999_from_the_future")
    close_database()
    before = db_path.read_bytes()
    with pytest.raises(UserError) as info:
        app_services.open_app(db_path)
    assert "phiên bản" in info.value.message and "mới hơn" in info.value.message
    close_database()
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    bogus = tmp_path / "not.db"
    bogus.write_text("hello")
    with pytest.raises(UserError) as info:
        app_services.open_app(bogus)
    assert "không phải" in info.value.message


def test_backup_and_restore_bring_back_the_old_data(app, commune):
    saved = app_services.backup_now()
    app_services.init_office("18355", "xa") if models.Unit.get_or_none(code="18355") else None
    models.Setting.update(value="changed").where(models.Setting.key == "office.role").execute()
    safety = app_services.restore(saved)
    assert app_services.get_office().role == "xa"
    assert safety.exists()


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, commune, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not a database")
    with pytest.raises(UserError):
        app_services.restore(junk)
    assert app_services.get_office().unit.code == "18352"


def test_restore_refuses_a_backup_from_a_newer_version(app, commune, tmp_path):
    newer = tmp_path / "newer.db"
    app_services.backup_now(dest=newer)
    con = sqlite3.connect(newer)
    con.execute("INSERT INTO schema_migration(name, applied_at, app_version) VALUES ('9999_x', '', '')")
    con.commit()
    con.close()
    with pytest.raises(UserError) as info:
        app_services.restore(newer)
    assert "mới hơn" in info.value.message


def test_daily_backups_rotate(app, monkeypatch):
    monkeypatch.setattr(backup, "KEEP_OTHER", 3)
    for _ in range(5):
        app_services.backup_now()
    assert len([b for b in app_services.list_backups() if b.reason == "thu-cong"]) == 3


def test_the_office_must_be_a_commune_for_the_commune_role(app):
    with pytest.raises(UserError):
        app_services.init_office("42", "xa")
    office = app_services.init_office("42", "tong-hop")
    assert office.unit.name == "Tỉnh Hà Tĩnh" and office.role == "tong-hop"


def test_a_backup_to_a_place_that_cannot_be_written_says_why_in_vietnamese(app, tmp_path):
    blocker = tmp_path / "la-tep"
    blocker.write_text("một tệp, không phải thư mục")
    with pytest.raises(UserError) as info:
        app_services.backup_now(dest=blocker / "saoluu.db")
    assert info.value.code == "BACKUP_002"
    assert "tệp trùng tên" in info.value.message and "Errno" not in info.value.message


def _dossier_indexes() -> set[str]:
    return {r[0] for r in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dossier'")}


def test_a_new_database_has_16k_pages_and_only_the_dossier_indexes_queries_use(app):
    assert database.execute_sql("PRAGMA page_size").fetchone()[0] == 16384
    assert _dossier_indexes() == {"dossier_code", "dossier_received_date", "dossier_returned_date",
                                  "dossier_name_key"}


def test_an_older_database_keeps_its_data_and_loses_the_unused_dossier_indexes(db_path):
    app_services.open_app(db_path)
    # The file as step 0005 left it: the four indexes, and no record of step 0006.
    for column in ("applicant_type", "channel", "field_name", "phone"):
        database.execute_sql(f'CREATE INDEX "dossier_{column}" ON "dossier" ("{column}")')
    step = models.SchemaMigration.name == "0006_fewer_dossier_indexes"
    models.SchemaMigration.delete().where(step).execute()
    units = models.Unit.select().count()
    close_database()
    app_services.open_app(db_path)
    assert _dossier_indexes() == {"dossier_code", "dossier_received_date", "dossier_returned_date",
                                  "dossier_name_key"}
    assert models.Unit.select().count() == units
    assert any(b.reason == "truoc-nang-cap" for b in backup.list_backups(db_path))
    close_database()
