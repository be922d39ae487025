"""`sipas init`, `sipas backup`, `sipas restore`, `sipas units …`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sipas_desktop.cli.common import CliContext, print_issues, print_json
from sipas_desktop.core import units
from sipas_desktop.core.services import app as app_services


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="khai báo đơn vị và vai trò của cơ quan",
                       description="Khai báo đơn vị hành chính của cơ quan và vai trò.")
    p.add_argument("--unit", required=True, metavar="MÃ", help="mã đơn vị (xã: 5 chữ số, tỉnh: 2 chữ số)")
    p.add_argument("--role", choices=["xa", "tong-hop"], default="xa",
                   help="xa: cấp xã; tong-hop: cơ quan tổng hợp (mặc định: xa)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu", description="Sao lưu cơ sở dữ liệu ngay.")
    p.add_argument("--out", metavar="TỆP", help="ghi bản sao lưu vào tệp này (mặc định: thư mục backups)")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="khôi phục cơ sở dữ liệu từ bản sao lưu",
                       description="Khôi phục từ bản sao lưu; dữ liệu hiện tại được sao lưu trước.")
    p.add_argument("file", metavar="TỆP", help="tệp sao lưu (.db)")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("units", help="tra cứu, thêm đơn vị hành chính",
                       description="Tra cứu đơn vị hành chính; thêm đơn vị cũ (trước 1/7/2025).")
    usub = p.add_subparsers(dest="units_command", metavar="LỆNH", required=True)
    q = usub.add_parser("search", help="tìm đơn vị theo tên hoặc mã")
    q.add_argument("query", nargs="?", default="", metavar="TỪ_KHÓA")
    q.add_argument("--parent", metavar="MÃ", help="chỉ các đơn vị trực thuộc mã này")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_units_search)
    q = usub.add_parser("add", help="thêm đơn vị (ví dụ huyện, xã trước 1/7/2025)")
    q.add_argument("--code", required=True, metavar="MÃ")
    q.add_argument("--name", required=True, metavar="TÊN")
    q.add_argument("--kind", required=True, choices=sorted(units.LEVEL_OF_KIND), metavar="LOẠI",
                   help="một trong: " + ", ".join(sorted(units.LEVEL_OF_KIND)))
    q.add_argument("--parent", metavar="MÃ", help="mã đơn vị cấp trên")
    q.set_defaults(handler=cmd_units_add)
    q = usub.add_parser("import", help="nhập danh sách đơn vị cũ từ Excel (Mã · Tên · Loại · Mã cấp trên)")
    q.add_argument("file", metavar="TỆP.xlsx")
    q.set_defaults(handler=cmd_units_import)


def cmd_init(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    office = app_services.init_office(args.unit, args.role)
    assert office.unit is not None
    if args.json:
        print_json({"unit": office.unit.code, "name": office.unit.full_name, "role": office.role})
    else:
        print(f"Đã khai báo: {office.unit.full_name} (mã {office.unit.code}), "
              f"vai trò {office.role_label.lower()}.")
    return 0


def cmd_backup(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path = app_services.backup_now(Path(args.out) if args.out else None)
    print(f"Đã sao lưu vào: {path}")
    return 0


def cmd_restore(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    safety = app_services.restore(Path(args.file))
    print(f"Đã khôi phục từ “{args.file}”. Dữ liệu trước khi khôi phục được giữ ở: {safety}")
    return 0


def cmd_units_search(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    found = units.search_units(args.query, parent=args.parent, limit=500)
    if args.json:
        print_json([{"code": u.code, "name": u.name, "kind": u.kind, "parent": u.parent} for u in found])
        return 0
    for u in found:
        print(f"{u.code:>6}  {u.full_name}")
    print(f"({len(found)} đơn vị)")
    return 0


def cmd_units_add(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    u = units.add_unit(args.code, args.name, args.kind, args.parent)
    print(f"Đã thêm {u.full_name} (mã {u.code}).")
    return 0


def cmd_units_import(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.errors import UserError

    ctx.open()
    count, issues = units.import_units(Path(args.file))
    if issues.errors:
        print_issues(issues.items)
        raise UserError(f"Tệp có {len(issues.errors)} lỗi; chưa nhập đơn vị nào.", code="UNIT_013")
    print(f"Đã nhập {count} đơn vị.")
    return 0
