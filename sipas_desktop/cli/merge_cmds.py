"""`sipas merge`: merge the report files of many units into a summary, a báo cáo and an aggregate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sipas_desktop.cli.common import CliContext, print_json, terminal_progress
from sipas_desktop.core.errors import SipasError
from sipas_desktop.core.merge import MergeResult, Status
from sipas_desktop.core.text import format_number


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "merge", help="tổng hợp các tệp báo cáo chuẩn của các đơn vị",
        description="Kiểm tra và tổng hợp các tệp báo cáo chuẩn (tệp hoặc thư mục): tệp hỏng, bị sửa, "
                    "trùng lặp, khác kế hoạch hoặc ngoài địa bàn được liệt kê kèm lý do và không làm dừng "
                    "việc tổng hợp. Ghi bảng tổng hợp .xlsx và, nếu yêu cầu, báo cáo tổng hợp PDF/DOCX và "
                    "tệp tổng hợp để gửi cấp trên.")
    p.add_argument("inputs", nargs="+", metavar="TỆP_HOẶC_THƯ_MỤC",
                   help="tệp báo cáo hoặc thư mục chứa chúng")
    p.add_argument("--out", required=True, metavar="TỔNG_HỢP.xlsx", help="bảng tổng hợp (.xlsx)")
    p.add_argument("--pdf", metavar="TỆP.pdf", help="ghi báo cáo tổng hợp dạng PDF")
    p.add_argument("--docx", metavar="TỆP.docx", help="ghi báo cáo tổng hợp dạng Word (sửa được)")
    p.add_argument("--aggregate", metavar="TỆP.xlsx",
                   help="ghi tệp tổng hợp theo định dạng chuẩn để cấp trên tổng hợp tiếp")
    p.add_argument("--plan", default="", metavar="MÃ_KẾ_HOẠCH",
                   help="chỉ tổng hợp tệp của kế hoạch này (mặc định: kế hoạch của đa số tệp)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="số tiến trình đọc tệp song song (mặc định: tự chọn theo số tệp)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_merge)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{format_number(round(value, 2), 2)} %"


def _print_text(result: MergeResult, outputs: dict[str, str]) -> None:
    counts = result.counts()
    print(f"Đã xem {len(result.files)} tệp: nhận {counts['accepted']}, từ chối {counts['rejected']}, "
          f"trùng lặp {counts['duplicate']}, bản cũ {counts['superseded']}.")
    for f in result.files:
        if f.status is not Status.ACCEPTED or f.message():
            print(f"  [{f.status_label}] {f.name}: {f.message()}")
    if result.pooled is not None:
        print(f"Chỉ số chung gộp (mỗi người trả lời có trọng số như nhau): {_pct(result.overall_pooled)}")
        print(f"Trung bình chỉ số các đơn vị (mỗi đơn vị có trọng số như nhau): {_pct(result.overall_mean)}")
        print("Xếp hạng:")
        for u in result.units:
            print(f"  {u.rank or '—':>3}. {u.name} ({u.unit}): {_pct(u.overall)}, {u.forms} phiếu hợp lệ")
    if result.missing:
        print("Đơn vị chưa gửi: " + ", ".join(f"{name} ({code})" for code, name in result.missing))
    for g in result.quota_gaps:
        print(f"Chưa đủ chỉ tiêu: {g.unit_name} ({g.unit_code}) {g.forms}/{g.quota} phiếu")
    for note in result.notes:
        print(f"Lưu ý: {note}")
    for label, path in outputs.items():
        print(f"Đã ghi {label}: {path}")


def cmd_merge(args: argparse.Namespace, ctx: CliContext) -> int:
    from sipas_desktop.core.services import merge as service

    ctx.open()
    result = service.merge_reports([Path(p) for p in args.inputs], plan_id=args.plan, workers=args.workers,
                                   progress=terminal_progress(not args.json))
    outputs: dict[str, str] = {}
    written: dict[str, str] = {}
    errors: list[str] = []
    steps = [("summary", "bảng tổng hợp", args.out, lambda p: service.export_summary(result, p)),
             ("pdf", "báo cáo PDF", args.pdf, lambda p: service.export_bao_cao(result, p)),
             ("docx", "báo cáo DOCX", args.docx, lambda p: service.export_bao_cao(result, p)),
             ("aggregate", "tệp tổng hợp", args.aggregate, lambda p: service.export_aggregate(result, p))]
    for key, label, target, write in steps:
        if not target:
            continue
        try:
            write(Path(target))
            outputs[key] = str(target)
            written[label] = str(target)
        except SipasError as exc:     # one output failing must not hide the others
            errors.append(f"{label}: {exc.message}")
    if args.json:
        data = result.to_dict()
        data["outputs"] = outputs
        data["errors"] = errors
        print_json(data)
    else:
        _print_text(result, written)
    for message in errors:
        print(f"Lỗi: {message}", file=sys.stderr)
    return 1 if errors else 0
