"""Where things live: the per-user data folder and the bundled resources.

Data (database, backups, logs, settings) goes to the per-user data folder:
`%LOCALAPPDATA%\\SIPAS` on Windows, `$XDG_DATA_HOME/sipas` on Linux. It can be moved with
`SIPAS_HOME` (tests use it). The database path can be overridden by `--db` or `SIPAS_DB`.
Resources (forms/, reports/) come from the checkout or, in a PyInstaller bundle, from
`sys._MEIPASS`. The installed program never writes next to itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_DIR_NAME = "SIPAS"


def data_dir() -> Path:
    override = os.environ.get("SIPAS_HOME")
    if override:
        path = Path(override)
    elif sys.platform == "win32":
        path = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))
    else:
        path = Path(platformdirs.user_data_dir("sipas", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    env = os.environ.get("SIPAS_DB")
    if env:
        return Path(env)
    return data_dir() / "sipas.db"


def backup_dir(db_path: Path) -> Path:
    """Backups sit beside the database, in `backups/`."""
    path = db_path.parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_path() -> Path:
    return data_dir() / "settings.json"


def resource_root() -> Path:
    """The folder holding `forms/` and `reports/`: the checkout, or the frozen bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[2]


def forms_dir() -> Path:
    return resource_root() / "forms"


def reports_dir() -> Path:
    return resource_root() / "reports"


def font_path(style: str = "Regular") -> Path:
    """A TTF with full Vietnamese coverage (Liberation Serif 2.x, metrics of Times New Roman)."""
    return reports_dir() / "fonts" / f"LiberationSerif-{style}.ttf"
