"""CLI test fixtures: `sipas` runs the command in-process on the test's own database."""

from __future__ import annotations

import pytest

from sipas_desktop.cli import main


@pytest.fixture
def sipas(db_path, capsys):
    """Run `sipas …` on the test database; returns (exit code, stdout, stderr).

    Modules that want only the exit code define their own `sipas` fixture, which overrides this.
    """

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
