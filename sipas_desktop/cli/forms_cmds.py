"""`sipas forms …` (questionnaires, printed forms) and `sipas responses …` (files, double-entry report).

A thin shell over `core.services.forms` and `core.services.entry`. JSON output keeps the same
exit codes as text output: 1 when something was refused, never 0 on failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sipas_desktop.cli.common import CliContext, print_issues, print_json, terminal_progress
from sipas_desktop.core.entry.numbers import format_number as form_number
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.services import entry as entry_services
from sipas_desktop.core.services import forms as form_services
from sipas_desktop.core.text import format_number


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("forms", help="mẫu phiếu khảo sát: xem, kiểm tra, in phiếu có số",
                       description="Các mẫu phiếu khảo sát (tệp .toml trong thư mục forms/).")
    fsub = p.add_subparsers(dest="forms_command", metavar="LỆNH", required=True)
    q = fsub.add_parser("list", help="liệt kê các mẫu phiếu hiện có")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_list)
    q = fsub.add_parser("show", help="xem một mẫu phiếu: các phần, câu hỏi, mã, cách tính chỉ số")
    q.add_argument("form_id", metavar="MÃ_PHIẾU")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_show)
    q = fsub.add_parser("check", help="kiểm tra một tệp mẫu phiếu, liệt kê mọi lỗi và vị trí")
    q.add_argument("file", metavar="TỆP.toml")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_check)
    q = fsub.add_parser("print", help="in phiếu có đánh số (PDF khổ A4)",
                        description="In N phiếu số liên tiếp (hoặc in lại một số) cho đơn vị và kế hoạch "
                                    "hiện hành.")
    q.add_argument("--count", type=int, default=1, metavar="N", help="số phiếu cần in (mặc định 1)")
    q.add_argument("--start", type=int, metavar="SỐ", help="số đầu tiên (mặc định: tiếp sau số đã in)")
    q.add_argument("--reprint", type=int, metavar="SỐ", help="in lại một số đã in (phiếu bị hỏng, mất)")
    q.add_argument("--out", required=True, metavar="TỆP.pdf", help="tệp PDF cần ghi")
    q.add_argument("--form", metavar="MÃ_PHIẾU", help="mẫu phiếu (khi chưa có kế hoạch nêu mẫu)")
    q.add_argument("--cover-list", metavar="TỆP.pdf",
                   help="ghi riêng danh sách giao phiếu (số phiếu → người được chọn)")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_print)

    p = sub.add_parser("responses", help="kết quả phiếu: mẫu nhập Excel, nhập, xuất, báo cáo nhập kép",
                       description="Kết quả phiếu khảo sát đã nhập.")
    rsub = p.add_subparsers(dest="responses_command", metavar="LỆNH", required=True)
    q = rsub.add_parser("template", help="tạo tệp Excel mẫu để nhập kết quả phiếu từ nơi khác")
    q.add_argument("--out", required=True, metavar="TỆP.xlsx")
    q.add_argument("--form", metavar="MÃ_PHIẾU", help="mẫu phiếu (mặc định: của kế hoạch hiện hành)")
    q.set_defaults(handler=cmd_template)
    q = rsub.add_parser("import", help="nhập kết quả phiếu từ tệp .xlsx hoặc .csv theo mẫu")
    q.add_argument("file", metavar="TỆP")
    q.add_argument("--keep-valid", action="store_true",
                   help="nhập các dòng đúng, bỏ các dòng lỗi (mặc định: có lỗi thì không nhập gì)")
    q.add_argument("--unprinted-ok", action="store_true",
                   help="chấp nhận số phiếu chưa in (phiếu từ máy kiosk, biểu mẫu trên mạng)")
    q.add_argument("--form", metavar="MÃ_PHIẾU", help="mẫu phiếu (mặc định: của kế hoạch hiện hành)")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_import)
    q = rsub.add_parser("export", help="xuất kết quả phiếu đã nhập ra Excel")
    q.add_argument("file", metavar="TỆP.xlsx")
    q.add_argument("--form", metavar="MÃ_PHIẾU", help="mẫu phiếu (mặc định: của kế hoạch hiện hành)")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_export)
    q = rsub.add_parser("verify-report", help="báo cáo nhập kép theo người nhập: phiếu, trường, sai lệch, "
                                              "lỗi/1.000 trường, phiếu/giờ")
    q.add_argument("--all-plans", action="store_true", help="mọi kế hoạch, mọi đơn vị trong dữ liệu")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_verify_report)
    q = rsub.add_parser("verify-share", help="đặt tỷ lệ phiếu được nhập kiểm tra (nhập kép)")
    q.add_argument("percent", type=int, metavar="PHẦN_TRĂM", help="0–100 (100 = mọi phiếu)")
    q.set_defaults(handler=cmd_verify_share)


# --- forms ------------------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    forms = form_services.list_forms()
    broken = form_services.broken_forms()
    if args.json:
        print_json({"forms": [{"id": f.id, "version": f.version, "title": f.title,
                               "legal_basis": f.legal_basis, "questions": f.questions,
                               "criteria": f.criteria, "file": f.path} for f in forms],
                    "broken": [{"file": b.path, "issues": [i.to_dict() for i in b.issues]} for b in broken]})
        return 0
    for f in forms:
        print(f"{f.id:<18} {f.version:<8} {f.questions:>3} câu, {f.criteria:>2} tiêu chí  {f.title}")
    for b in broken:
        print(f"(lỗi) {b.path}: {len(b.issues)} lỗi — chạy “sipas forms check {b.path}”", file=sys.stderr)
    print(f"({len(forms)} mẫu phiếu)")
    return 0


def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    form = form_services.show_form(args.form_id)
    if args.json:
        print_json(form.to_dict())
        return 0
    print(f"{form.title}\nMã {form.id}, phiên bản {form.version}\nCăn cứ: {form.legal_basis}")
    print(f"Nguồn câu chữ: {form.source}")
    for item in form.unconfirmed:
        print(f"  Chưa xác nhận: {item}")
    for section in form.sections:
        print(f"\n{section.title}")
        for q in section.questions:
            codes = ", ".join(f"{c.code}={c.label}" for c in q.choices)
            tail = f"  ({codes})" if codes else ""
            print(f"  [{q.box:>2}] {q.number:<6} {q.id:<16} {q.type:<8} {q.text}{tail}")
    if form.scoring:
        print("\nCách tính chỉ số:")
        for index in form.scoring.indices:
            print(f"  Chỉ số {index.id}: {index.title} ({index.rule})")
            for eid in index.elements:
                element = form.scoring.element(eid)
                crits = "; ".join(f"{c.id}: {', '.join(c.questions)}" for c in element.criteria)
                print(f"    Yếu tố {element.id} — {element.title}: {crits}")
    return 0


def cmd_check(args: argparse.Namespace, ctx: CliContext) -> int:
    issues = form_services.check_form(Path(args.file))
    errors = [i for i in issues if i.is_error]
    if args.json:
        print_json({"file": args.file, "ok": not errors, "errors": len(errors),
                    "warnings": len(issues) - len(errors), "issues": [i.to_dict() for i in issues]})
        return 1 if errors else 0
    if issues:
        print_issues(issues, limit=200, stream=sys.stdout)
    if errors:
        raise UserError(f"Tệp “{args.file}” có {len(errors)} lỗi; chưa dùng được.", code="FORM_100")
    print(f"Tệp “{args.file}” hợp lệ" + (f" ({len(issues)} lưu ý)." if issues else "."))
    return 0


def cmd_print(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    if args.reprint is not None and (args.start is not None or args.count != 1):
        raise UserError("In lại (--reprint) chỉ in một số; không dùng cùng --start hay --count.",
                        code="PRINT_018")
    outcome = form_services.print_forms(Path(args.out), count=args.count, start=args.start,
                                        reprint=args.reprint, form_id=args.form, cover_list=args.cover_list,
                                        by=entry_services.current_user(),
                                        progress=terminal_progress(not args.json))
    if args.json:
        print_json(outcome.to_dict())
        return 0
    if outcome.reprint:
        print(f"In lại phiếu số {form_number(outcome.first)} ({outcome.pages} trang) vào: {outcome.path}")
    else:
        print(f"Đã in {outcome.forms} phiếu, số {form_number(outcome.first)} – "
              f"{form_number(outcome.last)} ({outcome.pages} trang) vào: {outcome.path}")
    if outcome.cover_path:
        print(f"Danh sách giao phiếu (có thông tin cá nhân, giữ riêng): {outcome.cover_path}")
    return 0


# --- responses --------------------------------------------------------------------------------

def cmd_template(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path = entry_services.write_template(Path(args.out), args.form)
    print(f"Đã tạo tệp mẫu nhập phiếu: {path}")
    return 0


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    result = entry_services.import_file(Path(args.file), keep_valid=args.keep_valid,
                                        allow_unprinted=args.unprinted_ok, form_id=args.form,
                                        progress=terminal_progress(not args.json))
    if args.json:
        print_json(result.to_dict())
        return 1 if result.refused else 0
    print_issues(result.issues, limit=100)
    if result.refused and not args.keep_valid:
        raise UserError(f"{result.refused}/{result.rows} dòng có lỗi; chưa nhập phiếu nào (thêm "
                        "--keep-valid để nhập các dòng đúng).", code="RESP_IMP_030")
    print(f"Đã nhập {format_number(result.imported, 0)} phiếu; bỏ {result.refused} dòng lỗi.")
    return 1 if result.refused else 0


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path, count = entry_services.export_file(Path(args.file), args.form)
    if args.json:
        print_json({"file": str(path), "exported": count})
    else:
        print(f"Đã xuất {count} phiếu vào: {path}")
    return 0


def _num(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def cmd_verify_report(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    stats = entry_services.verify_report(all_plans=args.all_plans)
    if args.json:
        print_json({"clerks": [s.to_dict() for s in stats]})
        return 0
    if not stats:
        print("Chưa có phiếu nào được nhập.")
        return 0
    print(f"{'Người nhập':<22}{'Phiếu':>7}{'Trường':>9}{'Sai lệch':>10}{'Lỗi':>6}{'Lỗi/1.000':>11}"
          f"{'Phiếu/giờ':>11}")
    for s in stats:
        print(f"{s.clerk[:21]:<22}{s.forms:>7}{s.fields:>9}{s.mismatches:>10}{s.errors:>6}"
              f"{_num(s.errors_per_1000):>11}{_num(s.forms_per_hour):>11}")
    pending = sum(s.pending for s in stats) // 2
    if pending:
        print(f"Còn {pending} chỗ khác nhau chưa đối chiếu với phiếu giấy.")
    return 0


def cmd_verify_share(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    entry_services.set_verify_share(args.percent)
    print(f"Từ nay nhập kiểm tra {args.percent} % số phiếu.")
    return 0
