"""The application log file in the user data folder; unexpected errors go there, not to users."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from sipas_desktop.core import paths

_configured = False


def log_file() -> Path:
    return paths.log_dir() / "sipas.log"


def setup_logging() -> Path:
    global _configured
    target = log_file()
    if not _configured:
        handler = logging.handlers.RotatingFileHandler(target, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger("sipas")
        root.setLevel(logging.INFO)
        root.addHandler(handler)
        _configured = True
    return target


def log_unexpected(where: str) -> Path:
    """Log the exception being handled, with its traceback; return the log file's path."""
    target = setup_logging()
    logging.getLogger("sipas").exception("Unexpected error in %s", where)
    return target
