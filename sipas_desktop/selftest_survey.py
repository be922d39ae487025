"""The self-test's walk through one small survey, through the same services the GUI calls.

A demo dossier log is written and imported, a plan is made and its sample drawn, two
questionnaires are printed to PDF, keyed with complete answers, and the standard report file is
written. Each function is one check of `sipas_desktop.selftest.CHECKS` and builds on the ones
before it (the office is set up by the check “Khai báo đơn vị”).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sipas_desktop.core.text import format_int

DEMO_ROWS = 200
DEMO_SEED = 7
WINDOW = (date(2024, 1, 2), date(2024, 12, 31))  # inside the demo log's dates (1/2024 – 3/2025)
PRINTED = 2


class Failure(Exception):
    """Raised with a Vietnamese reason; the self-test reports it as a failed check."""


def check_import_log(ctx: Any) -> str:
    from sipas_desktop.core.services import log_io

    source = ctx.folder / "so-ho-so-mau.xlsx"
    log_io.make_demo_log(source, DEMO_ROWS, DEMO_SEED)
    result = log_io.import_log(source)
    if result.new != DEMO_ROWS or result.refused:
        raise Failure(f"nhập được {result.new}/{DEMO_ROWS} hồ sơ, từ chối {result.refused}")
    return f"{format_int(result.new)} hồ sơ"


def check_draw_sample(ctx: Any) -> str:
    from sipas_desktop.core.forms import catalog
    from sipas_desktop.core.services import plans

    forms = [f.id for f in catalog.available_forms()]
    if not forms:
        raise Failure("không có mẫu phiếu khảo sát nào đi kèm chương trình (thư mục forms/)")
    form_id = "sipas-2023" if "sipas-2023" in forms else forms[0]
    plans.create_plan("Kế hoạch tự kiểm tra", WINDOW[0], WINDOW[1], form_id,
                      individuals=6, organizations=2)
    view = plans.draw_sample(seed=20240905, by="tự kiểm tra")
    chosen, reserve = len(view.main()), len(view.reserve())
    if chosen == 0:
        raise Failure("danh sách mẫu trống")
    return f"{chosen} người trong danh sách mẫu, {reserve} dự phòng (mẫu phiếu {form_id})"


def check_print_forms(ctx: Any) -> str:
    from sipas_desktop.core.services import forms

    target = ctx.folder / "phieu.pdf"
    outcome = forms.print_forms(target, count=PRINTED, by="tự kiểm tra")
    data = target.read_bytes()
    if not data.startswith(b"%PDF-") or outcome.forms != PRINTED or outcome.pages < PRINTED:
        raise Failure(f"in được {outcome.forms} phiếu, {outcome.pages} trang")
    ctx.made["numbers"] = list(range(outcome.first, outcome.last + 1))
    return f"{outcome.forms} phiếu, {outcome.pages} trang, {format_int(len(data))} byte"


def complete_answers(form: Any) -> dict[str, Any]:
    """A complete, valid questionnaire: the top answer on every scale, the first choice elsewhere."""
    from sipas_desktop.core.forms.validation import is_skipped

    answers: dict[str, Any] = {}
    for q in form.questions:
        if is_skipped(q, answers):
            continue
        if q.type == "scale":
            answers[q.id] = max(c for c in q.codes if c < 9) if any(c < 9 for c in q.codes) else q.codes[0]
        elif q.type == "single":
            answers[q.id] = q.codes[0]
        elif q.type == "multiple":
            answers[q.id] = [q.codes[0]]
        elif q.type == "integer":
            answers[q.id] = q.min if q.min is not None else 1
        elif q.type == "text" and (q.required or q.skip_if):
            answers[q.id] = "Không"
    return answers


def check_report_file(ctx: Any) -> str:
    from sipas_desktop.core import exchange
    from sipas_desktop.core.services import entry, results

    survey = entry.context()
    answers = complete_answers(survey.form)
    numbers = ctx.made.get("numbers")
    if not numbers:
        raise Failure("chưa in phiếu nào (mục “In phiếu khảo sát ra PDF” đã lỗi)")
    for number in numbers:
        entry.save_form(survey, number, answers, by="tự kiểm tra")
    target = ctx.folder / "bao-cao.xlsx"
    written = results.export_report_file(target)
    check = exchange.verify_report_file(written.path)   # read back: openpyxl where calamine won't load
    if not check.intact:
        raise Failure("tệp báo cáo vừa ghi không kiểm tra được: "
                      + "; ".join(str(p) for p in check.problems[:3]))
    if written.forms != len(numbers) or check.summary.forms != len(numbers):
        raise Failure(f"tệp báo cáo ghi {written.forms} phiếu, đọc lại được {check.summary.forms}")
    return f"{written.forms} phiếu, đọc lại và kiểm tra toàn vẹn: đạt"
