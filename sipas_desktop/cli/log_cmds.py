"""`sipas log import|export|count` and `sipas demo log` (dossier log).

Thin shells over `core.services.log_io` and `core.services.log`. `log import` without
`--keep-valid` imports nothing when any row has an error and exits 1 with the list; `--json`
prints the result (keys `new`, `updated`, `unchanged`, `refused`, `issues`) on stdout in both cases.
`--map "A=code,…" --data-row N` maps the columns by hand when no header is recognised.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sipas_desktop.cli.common import (
    CliContext,
    date_arg,
    fail,
    print_issues,
    print_json,
    terminal_progress,
    whole_number,
)
from sipas_desktop.core.errors import Issue, Level, UserError
from sipas_desktop.core.text import format_int

ROW, ROWS, SEED = whole_number(1, "số dòng"), whole_number(1, "số hồ sơ"), whole_number(0, "hạt giống")

def _column_index(name: str) -> int:
    """"A" → 0, "AB" → 27; "3" → 2 (a column number counts from 1)."""
    if name.isdigit() and int(name) >= 1:
        return int(name) - 1
    if not name or not name.isascii() or not name.isalpha():
        raise ValueError(name)
    index = 0
    for letter in name.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _mapping(text: str) -> dict[int, str]:
    """--map "A=code,B=procedure_name" → {0: "code", 1: "procedure_name"}."""
    from sipas_desktop.core.tthc_log.headers import load_vocabulary

    keys = load_vocabulary().keys
    out: dict[int, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, key = (x.strip() for x in part.partition("="))
        try:
            index = _column_index(column)
        except ValueError:
            raise argparse.ArgumentTypeError(f"“{part}”: cần dạng CỘT=thông_tin, ví dụ A=code") from None
        if not sep or key not in keys:
            raise argparse.ArgumentTypeError(f"“{part}”: không có thông tin “{key}”; dùng một trong: "
                                             + ", ".join(keys))
        if index in out:
            raise argparse.ArgumentTypeError(f"cột {column} được ghép hai lần")
        out[index] = key
    if not out:
        raise argparse.ArgumentTypeError("cần ít nhất một cột, ví dụ \"A=code,B=procedure_name\"")
    return out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("log", help="sổ theo dõi hồ sơ: nhập, xuất, đếm",
                       description="Sổ theo dõi hồ sơ thủ tục hành chính.")
    lsub = p.add_subparsers(dest="log_command", metavar="LỆNH", required=True)

    q = lsub.add_parser("import", help="nhập sổ từ tệp Excel (.xlsx, .xls) hoặc .csv",
                        description="Nhập sổ hồ sơ từ tệp xuất của phần mềm một cửa. Không có "
                                    "--keep-valid thì tệp có lỗi sẽ không được nhập dòng nào. "
                                    "Nhập lại cùng tệp không tạo hồ sơ trùng (khóa: mã hồ sơ).")
    q.add_argument("file", metavar="TỆP", help="tệp .xlsx, .xls hoặc .csv")
    q.add_argument("--keep-valid", action="store_true",
                   help="chỉ nhập các dòng hợp lệ, bỏ các dòng có lỗi")
    q.add_argument("--json", action="store_true",
                   help="in kết quả dạng JSON (new, updated, unchanged, refused, issues)")
    q.add_argument("--map", type=_mapping, metavar="CỘT=THÔNG_TIN,…",
                   help="tự ghép cột (khi chương trình không nhận ra dòng tiêu đề hay nhận sai), ví dụ "
                        "\"A=code,B=procedure_name,C=applicant_name,D=received_date\"; thông tin: "
                        "code, procedure_name, field_name, quantity, applicant_name, applicant_type, "
                        "address, phone, address_phone, agency, received_date, due_date, transferred_date, "
                        "result_in_date, returned_date, channel, in_province, birth_date, result_method, "
                        "notes, row_number, signature. Cách ghép được nhớ cho các tệp cùng mẫu")
    q.add_argument("--data-row", type=ROW, metavar="N",
                   help="dòng đầu tiên có dữ liệu (đếm từ 1 như trong Excel)")
    q.set_defaults(handler=cmd_import)

    q = lsub.add_parser("export", help="xuất sổ theo mẫu số 06 ra .xlsx để in",
                        description="Xuất sổ theo dõi hồ sơ (Mẫu số 06, TT 01/2018/TT-VPCP) ra tệp "
                                    ".xlsx: khổ A4 ngang, lặp dòng tiêu đề trên mọi trang.")
    q.add_argument("file", metavar="TỆP.xlsx")
    q.add_argument("--from", dest="date_from", type=date_arg, metavar="NGÀY",
                   help="chỉ hồ sơ nhận từ ngày này (dd/mm/yyyy)")
    q.add_argument("--to", dest="date_to", type=date_arg, metavar="NGÀY",
                   help="chỉ hồ sơ nhận đến ngày này (dd/mm/yyyy)")
    q.add_argument("--form", metavar="MẪU", help="mẫu sổ (mặc định: mau06_2018; có thêm mau06_2018_mo_rong)")
    q.set_defaults(handler=cmd_export)

    q = lsub.add_parser("count", help="in số hồ sơ trong sổ", description="In số hồ sơ trong sổ.")
    q.add_argument("--json", action="store_true", help="in dạng JSON {\"count\": …}")
    q.set_defaults(handler=cmd_count)

    p = sub.add_parser("demo", help="tạo dữ liệu mẫu để dùng thử",
                       description="Tạo dữ liệu mẫu (hư cấu) để dùng thử và kiểm tra.")
    dsub = p.add_subparsers(dest="demo_command", metavar="LỆNH", required=True)
    q = dsub.add_parser("log", help="tạo tệp xuất sổ hồ sơ giống phần mềm một cửa",
                        description="Tạo tệp .xlsx giống tệp xuất của phần mềm một cửa: tên người, tổ "
                                    "chức, thủ tục thuộc mọi lĩnh vực, đủ ba kênh, có hồ sơ chưa trả kết "
                                    "quả, người ngoài tỉnh. Cùng --seed cho cùng dữ liệu.")
    q.add_argument("--rows", type=ROWS, default=1000, metavar="N", help="số hồ sơ (mặc định 1000)")
    q.add_argument("--seed", type=SEED, default=1, metavar="S", help="hạt giống ngẫu nhiên (mặc định 1)")
    q.add_argument("--out", required=True, metavar="TỆP.xlsx", help="tệp sẽ tạo")
    q.add_argument("--variant", choices=["mau06", "mot-cua"], default="mau06",
                   help="mau06: tiêu đề hai dòng, địa chỉ và điện thoại chung ô (mặc định); "
                        "mot-cua: tiêu đề một dòng, cột riêng, ngày dạng chữ")
    q.set_defaults(handler=cmd_demo_log)


def _empty_result(refused: int, issues: list[Issue]) -> dict[str, object]:
    return {"new": 0, "updated": 0, "unchanged": 0, "refused": refused,
            "issues": [i.to_dict() for i in issues]}


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.services import log_io

    ctx.open()
    progress = terminal_progress()
    try:
        preview = log_io.preview_import(Path(args.file), mapping=args.map, progress=progress,
                                        data_row=args.data_row)
    except UserError as exc:
        if args.json:
            issues = exc.issues or [Issue(exc.code, exc.message, Level.ERROR)]
            print_json(_empty_result(0, issues))
        return fail(exc)
    if not preview.ok and not (args.keep_valid and not preview.file_errors):
        if args.json:
            print_json(_empty_result(preview.error_count, preview.errors + preview.issues.warnings))
        else:
            print_issues(preview.errors)
        what = ("; ".join(i.message for i in preview.file_errors) if preview.file_errors
                else f"{format_int(preview.error_count)} dòng có lỗi")
        print(f"Lỗi: tệp “{preview.path.name}” {what}; chưa nhập hồ sơ nào. Sửa tệp rồi nhập lại, "
              "hoặc dùng --keep-valid để chỉ nhập các dòng hợp lệ.", file=sys.stderr)
        return 1
    result = log_io.commit_import(preview, keep_valid=args.keep_valid, progress=progress)
    if args.json:
        print_json(result.to_dict())
        return 0
    print(f"Đã nhập từ “{preview.path.name}” (trang tính “{preview.sheet}”): "
          f"{format_int(result.new)} hồ sơ mới, {format_int(result.updated)} cập nhật, "
          f"{format_int(result.unchanged)} không đổi, {format_int(result.refused)} bị từ chối.")
    if result.refused:
        print_issues([i for i in result.issues if i.is_error], stream=sys.stdout)
    warnings = [i for i in result.issues if not i.is_error]
    if warnings:
        print(f"Lưu ý ({format_int(len(warnings))}):")
        print_issues(warnings, limit=10, stream=sys.stdout)
    return 0


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.services import log_io
    from sipas_desktop.core.tthc_log.records import LogFilter

    ctx.open()
    flt = None
    if args.date_from or args.date_to:
        flt = LogFilter(date_from=args.date_from, date_to=args.date_to)
    path = log_io.export_log(Path(args.file), flt, progress=terminal_progress(), form=args.form)
    print(f"Đã xuất sổ hồ sơ ra: {path}")
    return 0


def cmd_count(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.services import log as log_services

    ctx.open()
    count = log_services.count_dossiers()
    if args.json:
        print_json({"count": count})
    else:
        print(count)  # a bare number: scripts read it
    return 0


def cmd_demo_log(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.services import log_io

    ctx.open()
    path = log_io.make_demo_log(Path(args.out), args.rows, args.seed, variant=args.variant,
                                progress=terminal_progress())
    print(f"Đã tạo {format_int(args.rows)} hồ sơ mẫu (seed {args.seed}) trong: {path}")
    return 0
