"""Office settings kept in the database (unit, role) and per-user UI preferences in a JSON file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sipas_desktop.core import models, paths
from sipas_desktop.core.db import atomic


def get(key: str, default: str | None = None) -> str | None:
    row = models.Setting.get_or_none(models.Setting.key == key)
    return row.value if row else default


def put(key: str, value: str) -> None:
    with atomic():
        models.Setting.insert(key=key, value=value).on_conflict_replace().execute()


def load_prefs() -> dict[str, Any]:
    """UI preferences (window size, last folder, …); a damaged file is ignored."""
    try:
        return json.loads(paths.settings_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def save_prefs(prefs: dict[str, Any]) -> None:
    """Write to a temporary name, then rename: a power cut keeps the old file."""
    target: Path = paths.settings_path()
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(prefs, ensure_ascii=False, indent=2), "utf-8")
    os.replace(tmp, target)
