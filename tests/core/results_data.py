"""Test data for indices and reports: answers for a questionnaire, and a whole commune survey in the
database (log, plan, draw, printed numbers, keyed forms, double entry) built through the real services."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

from sipas_desktop.core import exchange as ex
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.scoring import Response

# Planted in the log and in comments: the report file must hold none of them.
PLANTED = [("Trịnh Thị Bích Ngọc", "0987654321", "Xóm Đồng Hương, xã Nghi Xuân"),
           ("Lưu Quang Vũ", "0912 345 678", "Thôn Tiên Điền, xã Nghi Xuân")]
PLANTED_CODE = "000.17.22.H56-200315-09999"


def answers_for(form: Form, rng: random.Random, *, satisfied_bias: float = 0.6,
                comment: str | None = None) -> dict[str, Any]:
    """A complete, valid form: every required question answered, skips respected."""
    from sipas_desktop.core.forms.validation import is_skipped

    sc = form.scoring
    scored = {q for e in sc.elements for c in e.criteria for q in c.questions} if sc else set()
    answers: dict[str, Any] = {}
    for q in form.questions:
        if is_skipped(q, answers):
            continue
        if q.id in scored:
            answers[q.id] = rng.choice([4, 5]) if rng.random() < satisfied_bias else rng.choice([1, 2, 3, 9])
        elif q.type in ("single", "scale"):
            answers[q.id] = rng.choice(q.codes)
        elif q.type == "multiple":
            limit = q.max_choices or len(q.codes)
            answers[q.id] = sorted(rng.sample(q.codes, rng.randint(1, max(1, min(2, limit)))))
        elif q.type == "integer":
            answers[q.id] = q.min if q.min is not None else 1
        elif q.type == "text" and q.skip_if:
            answers[q.id] = "Tày"                      # a "khác, ghi rõ" detail, not a comment
        elif q.type == "text" and comment is not None:
            answers[q.id] = comment[: q.max_length or None]
        elif q.type == "text" and not q.required:
            continue
        elif q.type == "text":
            answers[q.id] = "Không"
    return answers


def build_commune_survey(forms: int = 40, *, form_id: str = "sipas-2017", seed: int = 3,
                         double: int = 5) -> dict[str, Any]:
    """An office set up as Xã Nghi Xuân with a plan, a draw and `forms` keyed questionnaires.

    Needs the `commune` fixture (database open, office configured). Returns ids and the form.
    """
    from sipas_desktop.core.entry.responses import record_issue, save_response
    from sipas_desktop.core.entry.verify import save_verification
    from sipas_desktop.core.forms.catalog import load_form
    from sipas_desktop.core.services import plans as plan_services
    from tests.core.plan_data import insert_log, random_log

    rows = random_log(600, seed=seed, start=date(2020, 1, 2))
    for i, (name, phone, address) in enumerate(PLANTED):
        rows[i].update(applicant_name=name, phone=phone, address=address, channel="truc_tiep",
                       in_province=True, returned_date=date(2020, 3, 20), received_date=date(2020, 3, 15))
    rows[0]["code"] = PLANTED_CODE
    insert_log(rows)
    plan = plan_services.create_plan("Kế hoạch tự khảo sát sự hài lòng năm 2020", date(2020, 1, 2),
                                     date(2020, 8, 31), form_id, individuals=15, organizations=10,
                                     legal_basis="Căn cứ Kế hoạch số 45/KH-UBND ngày 10/01/2020 của "
                                                 "UBND huyện Nghi Xuân;")
    plan_services.draw_sample(seed=20200905)
    form = load_form(form_id)
    from sipas_desktop.core.services.app import get_office

    unit = get_office().unit.code
    record_issue(plan.plan_id, unit, form, 1, forms)
    rng = random.Random(seed)
    comments = [None, None, "Cán bộ nhiệt tình", "cán bộ nhiệt tình.",
                f"Tôi là {PLANTED[0][0]}, số {PLANTED[0][1]}, hồ sơ {PLANTED_CODE} trả chậm",
                f"Anh {PLANTED[1][0].upper()} gọi {PLANTED[1][1]} không ai nghe"]
    for number in range(1, forms + 1):
        answers = answers_for(form, rng, comment=comments[number % len(comments)])
        save_response(plan.plan_id, unit, number, form, answers, by="Văn thư")
        if number <= double:
            second = dict(answers)
            if number == 1:
                key = next(q.id for q in form.questions if q.type == "scale")
                second[key] = 1 if answers.get(key) != 1 else 2
            save_verification(plan.plan_id, unit, number, form, second, by="Kiểm tra")
    return {"plan_id": plan.plan_id, "unit": unit, "form": form, "forms": forms}


def make_content(form_id: str = "sipas-2017", forms: int = 60, seed: int = 1) -> ex.ReportContent:
    """A report file's content made in memory (no database): random valid answers, sample facts."""
    from sipas_desktop.core.forms import load_form

    form = load_form(form_id)
    rng = random.Random(seed)
    fields = ["Hộ tịch", "Chứng thực", "Đất đai"]
    responses = [Response(str(n), answers_for(form, rng, comment="Tốt" if n % 7 == 0 else None),
                          fields[n % 3], "ca_nhan" if n % 4 else "to_chuc") for n in range(1, forms + 1)]
    return ex.ReportContent(
        unit_code="18352", unit_name="Xã Nghi Xuân", plan_id="KH-2020-ABC",
        plan_title="Kế hoạch tự khảo sát 2020",
        form_id=form.id, form_version=form.version, form_source=ex.form_source_of(form),
        responses=ex.anonymous_responses(form, responses), created_at=datetime(2020, 9, 5, 8, 30, 0),
        app_version="0.1.0", parent_code="42", parent_name="Tỉnh Hà Tĩnh", plan_year=2020,
        window_from=date(2020, 1, 2), window_to=date(2020, 8, 31),
        sample=ex.SampleFacts(280, 25, "20200905", 5, 2,
                              (ex.StratumFacts("ca_nhan", 223, 15, "14,8667", "5,9003", 3),
                               ex.StratumFacts("to_chuc", 57, 10, "5,7000", "0,0899", 2)),
                              (("Từ chối", 1), ("Không liên lạc được", 1)), (("Hộ tịch", 100), ("Đất đai",
                                                                                                180)),
                              27, 25, "2020-06-01T09:00:00"),
        quality=ex.EntryQuality(60, 12, 500, 3))
