"""The application log file in the user data folder; unexpected errors go there, not to users."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from sipas_desktop.core import paths

_handler: logging.Handler | None = None
_handler_path: Path | None = None


def log_file() -> Path:
    return paths.log_dir() / "sipas.log"


def setup_logging() -> Path:
    """Log to the data folder's log file; follows a data folder that changed (SIPAS_HOME)."""
    global _handler, _handler_path
    target = log_file()
    if _handler_path != target:
        root = logging.getLogger("sipas")
        if _handler is not None:
            root.removeHandler(_handler)
            _handler.close()
        _handler = logging.handlers.RotatingFileHandler(target, maxBytes=2_000_000, backupCount=3,
                                                        encoding="utf-8")
        _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.setLevel(logging.INFO)
        root.addHandler(_handler)
        _handler_path = target
    return target


def log_unexpected(where: str) -> Path:
    """Log the exception being handled, with its traceback; return the log file's path."""
    target = setup_logging()
    logging.getLogger("sipas").exception("Unexpected error in %s", where)
    return target
