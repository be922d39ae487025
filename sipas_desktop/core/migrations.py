"""Named schema migrations, recorded in the `schema_migration` table.

A step is a function that gets the open database inside a transaction. Steps run in the order of
`STEPS`; a released step is never edited, only followed by a new one. Before any pending step runs,
the database file is backed up (`backups/…-truoc-nang-cap-….db`). A database that has steps this
program does not know was written by a newer version: it is refused and left untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sipas_desktop import __version__
from sipas_desktop.core import models
from sipas_desktop.core.db import database
from sipas_desktop.core.errors import UserError

Step = Callable[[], None]


def _create(*tables: type[models.BaseModel]) -> None:
    database.create_tables(list(tables), safe=True)


def step_0001_foundation() -> None:
    _create(*models.FOUNDATION_MODELS)


def step_0002_builtin_units() -> None:
    from sipas_desktop.core.units import seed_builtin_units

    seed_builtin_units()


def step_0003_default_catalogue() -> None:
    data = json.loads((Path(__file__).parent / "data" / "catalogue.json").read_text("utf-8"))
    from sipas_desktop.core.text import fold

    for order, entry in enumerate(data["fields"], start=1):
        field = models.Field.create(name=entry["name"], sort_order=order)
        for name in entry["procedures"]:
            models.Procedure.create(name=name, name_fold=fold(name), field=field)


def step_0004_plans_and_samples() -> None:
    from sipas_desktop.core.plan_models import PLAN_MODELS

    _create(*PLAN_MODELS)


def step_0005_questionnaire_responses() -> None:
    from sipas_desktop.core.entry.models import ENTRY_MODELS

    _create(*ENTRY_MODELS)


def step_0006_fewer_dossier_indexes() -> None:
    # Applicant type, channel and field have two to twenty values (a scan of 100,000 dossiers
    # answers such a filter in ≈0.03 s) and the phone is searched through search_fold: these
    # indexes hardly served a query, yet each cost every import a B-tree to build.
    for name in ("dossier_applicant_type", "dossier_channel", "dossier_field_name", "dossier_phone"):
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')


STEPS: list[tuple[str, Step]] = [
    ("0001_foundation", step_0001_foundation),
    ("0002_builtin_units_2025", step_0002_builtin_units),
    ("0003_default_catalogue", step_0003_default_catalogue),
    ("0004_plans_and_samples", step_0004_plans_and_samples),
    ("0005_questionnaire_responses", step_0005_questionnaire_responses),
    ("0006_fewer_dossier_indexes", step_0006_fewer_dossier_indexes),
]


def register(name: str, step: Step) -> None:
    """Append a step (used by feature modules that own their tables)."""
    if any(existing == name for existing, _ in STEPS):
        return
    STEPS.append((name, step))


def applied_names() -> list[str]:
    if not database.table_exists(models.SchemaMigration._meta.table_name):
        return []
    return [row.name for row in models.SchemaMigration.select().order_by(models.SchemaMigration.name)]


def pending() -> list[str]:
    done = set(applied_names())
    return [name for name, _ in STEPS if name not in done]


def migrate(db_path: Path) -> list[str]:
    """Apply pending steps; return their names. Backs up first when the database has data."""
    from sipas_desktop.core.backup import backup_database

    done = applied_names()
    known = {name for name, _ in STEPS}
    unknown = [name for name in done if name not in known]
    if unknown:
        raise UserError(
            "Cơ sở dữ liệu này do một phiên bản SIPAS Desktop mới hơn tạo ra "
            f"(có bước nâng cấp “{unknown[0]}” mà phiên bản {__version__} không biết). "
            "Hãy cài phiên bản mới hơn; dữ liệu không bị thay đổi.",
            code="DB_010",
        )
    todo = [(name, step) for name, step in STEPS if name not in set(done)]
    if not todo:
        return []
    if done:  # an existing database: keep a copy before touching its schema
        backup_database(db_path, reason="truoc-nang-cap")
    for name, step in todo:
        with database.atomic():
            step()
            models.SchemaMigration.create(name=name, app_version=__version__)
    return [name for name, _ in todo]
