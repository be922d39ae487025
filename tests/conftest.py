"""Shared fixtures: every test gets its own data folder and a real SQLite database file."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the real per-user data folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("SIPAS_HOME", str(home))
    monkeypatch.delenv("SIPAS_DB", raising=False)
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "sipas.db"


@pytest.fixture
def app(db_path: Path):
    """An opened, migrated database in a temporary folder; closed afterwards."""
    from sipas_desktop.core.db import close_database
    from sipas_desktop.core.services.app import open_app

    info = open_app(db_path)
    yield info
    close_database()


@pytest.fixture
def commune(app):
    """The office configured as a commune (Xã Nghi Xuân, Hà Tĩnh)."""
    from sipas_desktop.core.services.app import init_office

    return init_office("18352", "xa")
