"""Indices, the standard report file and the báo cáo for 1,000 forms.

Two parts. *Pure*: 1,000 complete forms of each shipped questionnaire made in memory (seeded),
then timed: `score` (every index, distribution, breakdown), writing the report file, verifying it
(read back, digests, indices recomputed), the PDF and the DOCX. *Service*: the same through the
database the way the results screen does it — 1,000 forms keyed with `save_response` into a
temporary database with a 2,000-dossier log and a draw (setup, not timed), then `gather` and
`export_report_file`. Each timing is the best of `REPEAT` runs (time.perf_counter).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORMS = 1000
REPEAT = 3


def best(fn: Callable[[], Any], repeat: int = REPEAT) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def pure(form_id: str, folder: Path) -> dict[str, float]:
    from sipas_desktop.core import exchange as ex
    from sipas_desktop.core.forms import load_form
    from sipas_desktop.core.reporting.bao_cao_content import BaoCaoData, BaoCaoTexts, build_document
    from sipas_desktop.core.reporting.bao_cao_docx import render_docx
    from sipas_desktop.core.reporting.bao_cao_pdf import render_pdf
    from sipas_desktop.core.scoring import score
    from tests.core.results_data import make_content

    content = make_content(form_id, forms=FORMS, seed=11)
    form = load_form(form_id)
    out: dict[str, float] = {}
    out["indices_s"], scores = best(lambda: score(form, content.responses))
    path = folder / f"{form_id}.xlsx"
    out["report_file_write_s"], written = best(lambda: ex.write_report_file(content, path))
    out["report_file_verify_s"], verified = best(lambda: ex.verify_report_file(path))
    assert verified.intact, verified.problems
    document = build_document(BaoCaoData(content, form, scores, BaoCaoTexts(signer_name="Nguyễn Văn Bình")))
    out["pdf_s"], _ = best(lambda: render_pdf(document, folder / f"{form_id}.pdf"))
    out["docx_s"], _ = best(lambda: render_docx(document, folder / f"{form_id}.docx"))
    out["report_file_kb"] = round(written.size / 1024, 1)
    out["pdf_kb"] = round((folder / f"{form_id}.pdf").stat().st_size / 1024, 1)
    return {k: round(v, 3) for k, v in out.items()}


def service(folder: Path) -> dict[str, float]:
    os.environ["SIPAS_HOME"] = str(folder / "home")
    from datetime import date

    from sipas_desktop.core.entry.responses import record_issue, save_response
    from sipas_desktop.core.forms import load_form
    from sipas_desktop.core.services import plans as plan_services
    from sipas_desktop.core.services import results
    from sipas_desktop.core.services.app import init_office, open_app
    from tests.core.plan_data import insert_log, random_log
    from tests.core.results_data import answers_for

    open_app(folder / "bench.db")
    init_office("18352", "xa")
    insert_log(random_log(2000, seed=5, start=date(2020, 1, 2)))
    plan = plan_services.create_plan("Kế hoạch đo thử", date(2020, 1, 2), date(2020, 8, 31), "sipas-2023")
    plan_services.draw_sample(seed=424242)
    form = load_form("sipas-2023")
    record_issue(plan.plan_id, "18352", form, 1, FORMS)
    rng = random.Random(9)
    started = time.perf_counter()
    for number in range(1, FORMS + 1):
        save_response(plan.plan_id, "18352", number, form,
                      answers_for(form, rng, comment="Cần thêm ghế chờ" if number % 9 == 0 else None))
    setup = time.perf_counter() - started
    out: dict[str, float] = {"keying_setup_s": setup}
    out["gather_and_indices_s"], res = best(lambda: results.compute_results())
    survey = res.survey
    out["export_report_file_s"], _ = best(
        lambda: results.export_report_file(folder / "svc.xlsx", survey=survey))
    out["export_pdf_s"], _ = best(lambda: results.export_bao_cao_pdf(folder / "svc.pdf", survey=survey))
    return {k: round(v, 3) for k, v in out.items()}


def main() -> dict[str, Any]:
    figures: dict[str, Any] = {"forms": FORMS, "repeat": REPEAT}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for form_id in ("sipas-2017", "sipas-2023"):
            figures[form_id] = pure(form_id, folder)
            print(f"{form_id}: {figures[form_id]}", flush=True)
        figures["service_sipas-2023"] = service(folder)
        print(f"service (database, sipas-2023): {figures['service_sipas-2023']}", flush=True)
        from sipas_desktop.core.db import close_database

        close_database()
    return figures


if __name__ == "__main__":
    main()
