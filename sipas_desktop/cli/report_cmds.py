"""`sipas indices` and `sipas report export|pdf|docx|data|verify`: thin shells over services.results."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sipas_desktop.cli.common import CliContext, print_issues, print_json, terminal_progress
from sipas_desktop.core.errors import UserError
from sipas_desktop.core.scoring import APPLICANT_LABELS, round2
from sipas_desktop.core.services import results
from sipas_desktop.core.text import format_int, format_percent


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indices", help="tính chỉ số hài lòng của kế hoạch hiện hành",
                       description="Tính chỉ số theo tiêu chí, yếu tố, khối và chỉ số chung từ các phiếu đã "
                                   "nhập (quy tắc tính ghi trong tệp phiếu).")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("--linh-vuc", dest="field", metavar="TÊN", help="chỉ tính các phiếu của lĩnh vực này")
    p.add_argument("--doi-tuong", dest="applicant_type", choices=["ca_nhan", "to_chuc"],
                   help="chỉ tính các phiếu của cá nhân hoặc tổ chức")
    p.set_defaults(handler=cmd_indices)

    p = sub.add_parser("report", help="tệp báo cáo chuẩn, báo cáo PDF/DOCX, kiểm tra tệp",
                       description="Lập tệp báo cáo chuẩn (.xlsx) gửi cấp trên, báo cáo theo Nghị định "
                                   "30/2020/NĐ-CP (PDF, DOCX), xuất dữ liệu phiếu và kiểm tra tệp báo cáo.")
    rsub = p.add_subparsers(dest="report_command", metavar="LỆNH", required=True)
    q = rsub.add_parser("export", help="ghi tệp báo cáo chuẩn (.xlsx) gửi cấp trên")
    q.add_argument("--out", required=True, metavar="TỆP.xlsx")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_export)
    for name, what in (("pdf", "PDF"), ("docx", "Word (DOCX)")):
        q = rsub.add_parser(name, help=f"ghi báo cáo (BC) dạng {what} theo Nghị định 30/2020/NĐ-CP")
        q.add_argument("--out", required=True, metavar=f"TỆP.{name}")
        q.add_argument("--noi-dung", dest="texts", metavar="TỆP.json",
                       help="nội dung tự viết (số báo cáo, người ký, ưu điểm, hạn chế…) dạng JSON; "
                            "mặc định: nội dung đã lưu trong màn hình Kết quả")
        q.set_defaults(handler=cmd_bao_cao, kind=name)
    q = rsub.add_parser("data", help="xuất dữ liệu phiếu (ẩn danh) ra .csv hoặc .xlsx")
    q.add_argument("--out", required=True, metavar="TỆP.csv|TỆP.xlsx")
    q.set_defaults(handler=cmd_data)
    q = rsub.add_parser("verify", help="kiểm tra một tệp báo cáo chuẩn có nguyên vẹn không")
    q.add_argument("file", metavar="TỆP.xlsx")
    q.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    q.set_defaults(handler=cmd_verify)


def cmd_indices(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    res = results.compute_results(args.field, args.applicant_type, progress=terminal_progress(not args.json))
    sc = res.scores
    if args.json:
        data = sc.to_dict()
        data["filter"] = {"field": args.field, "applicant_type": args.applicant_type}
        print_json(data)
        return 0
    where = []
    if args.field:
        where.append(f"lĩnh vực {args.field}")
    if args.applicant_type:
        where.append(APPLICANT_LABELS[args.applicant_type].lower())
    print(f"Phiếu “{sc.form_id}” phiên bản {sc.form_version}; {format_int(sc.valid_forms)} phiếu hợp lệ "
          f"/ {format_int(sc.total_forms)} phiếu đã nhập" + (f" ({', '.join(where)})" if where else "") + ".")
    for index in sc.indices:
        print(f"{index.title}: {format_percent(round2(index.index))}")
    for block in sc.blocks:
        title = block.title if block.title.lower().startswith("khối") else f"Khối {block.title}"
        print(f"  {title}: {format_percent(round2(block.index))}")
    for element in sc.elements:
        print(f"  {element.title}: {format_percent(round2(element.index))}")
        for c in element.criteria:
            print(f"      {c.id:<10} {format_percent(round2(c.index)):>10}  ({format_int(c.satisfied)}/"
                  f"{format_int(c.valid)})  {c.title}")
    low = sc.lowest_criteria(3)
    if low:
        print("Tiêu chí thấp nhất: " + "; ".join(f"{c.id} {format_percent(round2(c.index))}" for c in low))
    print("Quy tắc tính:")
    for rule in sc.rules:
        print(f"  - {rule.text}")
    if sc.warnings:
        print_issues(list(sc.warnings))
    return 0


def cmd_export(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    written = results.export_report_file(Path(args.out), progress=terminal_progress(not args.json))
    if args.json:
        print_json({"path": str(written.path), "forms": written.forms, "size": written.size,
                    "content_sha256": written.content_sha256, "data_sha256": written.data_sha256})
    else:
        print(f"Đã ghi tệp báo cáo chuẩn: {written.path} ({format_int(written.forms)} phiếu).")
        print(f"Mã kiểm tra SHA-256: {written.content_sha256}")
    return 0


def _texts(path: str | None):
    if not path:
        return None
    from sipas_desktop.core.reporting.bao_cao_content import BaoCaoTexts

    try:
        data = json.loads(Path(path).read_text("utf-8-sig"))
    except OSError as exc:
        raise UserError(f"Không đọc được tệp nội dung “{path}”: {exc.strerror or exc}.",
                        code="RESULTS_020") from exc
    except ValueError as exc:
        raise UserError(f"Tệp nội dung “{path}” không phải JSON hợp lệ: {exc}.", code="RESULTS_021") from exc
    if not isinstance(data, dict):
        raise UserError(f"Tệp nội dung “{path}” phải là một đối tượng JSON {{…}}.", code="RESULTS_021")
    return BaoCaoTexts.from_dict(data)


def cmd_bao_cao(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    texts = _texts(args.texts)
    progress = terminal_progress()
    if args.kind == "pdf":
        path = results.export_bao_cao_pdf(Path(args.out), texts, progress=progress)
    else:
        path = results.export_bao_cao_docx(Path(args.out), texts, progress=progress)
    print(f"Đã ghi báo cáo: {path}")
    return 0


def cmd_data(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path = results.export_data(Path(args.out), progress=terminal_progress())
    print(f"Đã xuất dữ liệu phiếu (không có thông tin cá nhân): {path}")
    return 0


def cmd_verify(args: argparse.Namespace, ctx: CliContext) -> int:
    # Needs no database: a province officer can check a file before opening the program.
    result = results.verify_report_file(Path(args.file))
    if args.json:
        print_json(result.to_dict())
        return 0 if result.intact else 1
    s = result.summary
    if result.intact:
        print(f"Tệp nguyên vẹn (định dạng {result.format_version}, SHA-256 khớp, chỉ số tính lại khớp).")
    else:
        print(f"Tệp KHÔNG nguyên vẹn: {len(result.problems)} lỗi.")
        print_issues(list(result.problems), stream=None)
    if s is not None:
        print(f"Đơn vị: {s.unit_name} (mã {s.unit_code}); kế hoạch: {s.plan_title} (mã {s.plan_id})")
        print(f"Phiếu: {s.form_id} phiên bản {s.form_version}; {format_int(s.forms)} phiếu"
              + (f", {format_int(s.valid_forms)} hợp lệ" if s.valid_forms is not None else "")
              + (f"; chỉ số chung {format_percent(round2(s.overall))}" if s.overall is not None else ""))
        print(f"Tạo lúc {s.created_at} bởi SIPAS Desktop {s.app_version}")
    return 0 if result.intact else 1
