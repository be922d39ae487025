"""Real standard report files for merge tests, written by `exchange.write_report_file`.

Units are real Hà Tĩnh communes of the built-in list (province code 42), so the area check
(`units.descendants("42")`) is exercised against the real unit table.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sipas_desktop.core import exchange
from sipas_desktop.core.forms import load_form
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.scoring import Response

PROVINCE = ("42", "Tỉnh Hà Tĩnh")
COMMUNES = [("18073", "Phường Thành Sen"), ("18100", "Phường Trần Phú"), ("18115", "Phường Bắc Hồng Lĩnh"),
            ("18118", "Phường Nam Hồng Lĩnh"), ("18652", "Phường Hà Huy Tập")]
FOREIGN = ("00004", "Phường Ba Đình")          # Hà Nội: another province
PLAN_ID = "KH-2025-MERGETEST"
FORM_ID = "xa-rut-gon-2024"


def random_answers(form: Form, rng: random.Random, satisfaction: float) -> dict:
    answers: dict = {}
    for q in form.questions:
        if q.type == "scale":
            roll = rng.random()
            answers[q.id] = (rng.choice((4, 5)) if roll < satisfaction else
                             form.no_answer_code if roll > 0.97 else rng.choice((1, 2, 3)))
        elif q.type == "single":
            answers[q.id] = rng.choice(q.codes)
        elif q.type == "multiple":
            answers[q.id] = sorted(rng.sample(q.codes, min(2, len(q.codes))))
        elif q.type == "integer":
            answers[q.id] = rng.randint(q.min or 0, q.max or 99)
        elif q.type == "text" and rng.random() < 0.1:
            answers[q.id] = rng.choice(("Cán bộ nhiệt tình", "Cần thêm ghế ngồi chờ"))
    return answers


def responses(form: Form, count: int, *, seed: int, satisfaction: float = 0.8) -> list[Response]:
    rng = random.Random(seed)
    return [Response(str(n), random_answers(form, rng, satisfaction), rng.choice(("Hộ tịch", "Đất đai")),
                     rng.choice(("ca_nhan", "to_chuc"))) for n in range(1, count + 1)]


def content(unit: tuple[str, str], *, forms: int = 12, seed: int = 1, satisfaction: float = 0.8,
            plan_id: str = PLAN_ID, form_id: str = FORM_ID, created: datetime | None = None,
            parent: tuple[str, str] = PROVINCE) -> exchange.ReportContent:
    form = load_form(form_id)
    return exchange.ReportContent(
        unit_code=unit[0], unit_name=unit[1], plan_id=plan_id, plan_title="Kế hoạch tự khảo sát năm 2025",
        form_id=form.id, form_version=form.version, form_source=exchange.form_source_of(form),
        responses=tuple(responses(form, forms, seed=seed, satisfaction=satisfaction)),
        created_at=created or datetime(2025, 9, 5, 8, 0), app_version="test",
        parent_code=parent[0], parent_name=parent[1], plan_year=2025,
        sample=exchange.SampleFacts(population_n=400, sample_n=forms, seed="12345", reserve_n=forms // 5,
                                    substitutions=2, forms_issued=forms + 2, forms_returned=forms),
        quality=exchange.EntryQuality(forms, forms // 2, forms // 2 * 10, 1))


def write(folder: Path, name: str, data: exchange.ReportContent) -> Path:
    path = folder / name
    exchange.write_report_file(data, path)
    return path


def copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def alter_answer(path: Path, out: Path) -> Path:
    """Change one answer cell with openpyxl, as a clerk editing the file in Excel would."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[exchange.ANSWERS]
    header = [c.value for c in ws[1]]
    column = next(i for i, h in enumerate(header, start=1) if h == "nd1")
    cell = ws.cell(row=3, column=column)
    cell.value = 5 if cell.value != 5 else 4
    wb.save(out)
    return out


def with_changed_forms(data: exchange.ReportContent, *, drop: int = 0, extra: int = 0,
                       created: datetime | None = None) -> exchange.ReportContent:
    form = load_form(data.form_id)
    kept = list(data.responses[:len(data.responses) - drop])
    more = responses(form, extra, seed=99, satisfaction=1.0)
    kept += [Response(str(len(data.responses) + i), r.answers, r.field, r.applicant_type)
             for i, r in enumerate(more, start=1)]
    return replace(data, responses=tuple(kept), created_at=created or data.created_at)
