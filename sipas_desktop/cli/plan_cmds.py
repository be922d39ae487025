"""`sipas plan …` (survey plans, plan files) and `sipas sample …` (population list, draw, sheet,
returns, substitutions): a thin shell over `core.services.plans`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sipas_desktop.cli.common import (
    CliContext,
    date_arg,
    print_issues,
    print_json,
    terminal_progress,
    whole_number,
)
from sipas_desktop.core import sampling
from sipas_desktop.core.sample_store import ROLE_LABELS, STATUSES, DrawInfo
from sipas_desktop.core.services import plans as services
from sipas_desktop.core.text import format_date, format_int

QUOTA, AGE = whole_number(0, "chỉ tiêu"), whole_number(0, "tuổi tối thiểu")
SEED = whole_number(0, "hạt giống")

def _ratio(text: str) -> str:
    """0.2, 0,2, 20 % or 20 (a number above 1 is read as a percentage)."""
    raw = text.strip().replace(",", ".")
    percent = raw.endswith("%")
    try:
        value = sampling.exact(raw.rstrip("%").strip())
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"tỷ lệ “{text}” không phải số") from None
    if percent or value > 1:
        value /= 100
    return sampling.decimal_text(value)


def register(sub: argparse._SubParsersAction) -> None:
    plan = sub.add_parser("plan", help="kế hoạch khảo sát: lập, nhập, xuất tệp kế hoạch",
                          description="Kế hoạch khảo sát: lập kế hoạch, nhập/xuất tệp kế hoạch (.xlsx).")
    psub = plan.add_subparsers(dest="plan_command", metavar="LỆNH", required=True)

    p = psub.add_parser("new", help="lập kế hoạch mới (cơ quan tổng hợp: cho các xã; xã: kế hoạch riêng)")
    p.add_argument("--title", required=True, metavar="TÊN", help="tên kế hoạch")
    p.add_argument("--from", dest="window_from", required=True, type=date_arg, metavar="NGÀY",
                   help="hồ sơ từ ngày (dd/mm/yyyy)")
    p.add_argument("--to", dest="window_to", required=True, type=date_arg, metavar="NGÀY",
                   help="hồ sơ đến ngày (dd/mm/yyyy)")
    p.add_argument("--form", required=True, metavar="MÃ_PHIẾU", help="mã phiếu khảo sát (ví dụ sipas-2017)")
    p.add_argument("--form-version", default="", metavar="PHIÊN_BẢN",
                   help="phiên bản phiếu (mặc định: phiên bản đang có)")
    p.add_argument("--fields", default="", metavar="“A;B”",
                   help="các lĩnh vực, cách nhau bởi dấu chấm phẩy (mặc định: tất cả)")
    p.add_argument("--individuals", type=QUOTA, metavar="N", help="chỉ tiêu cá nhân mỗi đơn vị")
    p.add_argument("--organizations", type=QUOTA, metavar="M", help="chỉ tiêu tổ chức mỗi đơn vị")
    p.add_argument("--reserve-ratio", type=_ratio, default="0.2", metavar="R",
                   help="tỷ lệ dự phòng: 0.2 hoặc 20%% (mặc định 0.2)")
    p.add_argument("--margin", type=_ratio, default="0.05", metavar="E",
                   help="sai số e khi không giao chỉ tiêu (mặc định 0.05)")
    p.add_argument("--year", type=int, metavar="NĂM", help="năm khảo sát (mặc định: năm của ngày bắt đầu)")
    p.add_argument("--legal-basis", default="", metavar="VĂN_BẢN", help="căn cứ ban hành")
    p.add_argument("--min-age", type=AGE, metavar="TUỔI", help="tuổi tối thiểu (khi biết ngày sinh)")
    p.add_argument("--all-channels", action="store_true",
                   help="tính cả giao dịch trực tuyến và bưu chính (mặc định: chỉ trực tiếp)")
    p.add_argument("--include-not-returned", action="store_true", help="tính cả hồ sơ chưa trả kết quả")
    p.add_argument("--include-outside-province", action="store_true", help="tính cả người ở ngoài tỉnh")
    p.add_argument("--window-basis", choices=["received", "returned"], default="received",
                   help="thời gian tính theo ngày nhận (received, mặc định) hay ngày trả kết quả (returned)")
    p.add_argument("--sample-deadline", type=date_arg, metavar="NGÀY", help="hạn gửi danh sách mẫu")
    p.add_argument("--report-deadline", type=date_arg, metavar="NGÀY", help="hạn gửi báo cáo")
    p.add_argument("--out", metavar="KẾ_HOẠCH.xlsx", help="ghi luôn tệp kế hoạch")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_plan_new)

    p = psub.add_parser("import", help="nhập tệp kế hoạch (.xlsx) của cấp trên hoặc đã sửa chỉ tiêu")
    p.add_argument("file", metavar="KẾ_HOẠCH.xlsx")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_plan_import)

    p = psub.add_parser("export", help="xuất kế hoạch hiện hành ra tệp .xlsx")
    p.add_argument("file", metavar="KẾ_HOẠCH.xlsx")
    p.add_argument("--plan", metavar="MÃ", help="mã kế hoạch (mặc định: kế hoạch hiện hành)")
    p.set_defaults(handler=cmd_plan_export)

    p = psub.add_parser("show", help="xem kế hoạch hiện hành và chỉ tiêu")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_plan_show)

    p = psub.add_parser("list", help="các kế hoạch đã có")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_plan_list)

    p = psub.add_parser("use", help="chọn kế hoạch hiện hành")
    p.add_argument("plan_id", metavar="MÃ")
    p.set_defaults(handler=cmd_plan_use)

    p = psub.add_parser("quota", help="sửa chỉ tiêu của một đơn vị trong kế hoạch hiện hành")
    p.add_argument("unit", metavar="MÃ_ĐƠN_VỊ")
    p.add_argument("--individuals", type=QUOTA, metavar="N")
    p.add_argument("--organizations", type=QUOTA, metavar="M")
    p.set_defaults(handler=cmd_plan_quota)

    sample = sub.add_parser("sample", help="danh sách tổng thể, chọn mẫu, danh sách mẫu, thay thế",
                            description="Danh sách tổng thể, chọn mẫu hệ thống, danh sách mẫu và dự "
                                        "phòng, ghi nhận phát/thu phiếu và thay thế.")
    ssub = sample.add_subparsers(dest="sample_command", metavar="LỆNH", required=True)

    p = ssub.add_parser("population", help="danh sách tổng thể và các hồ sơ bị loại")
    p.add_argument("--out", metavar="TỆP.xlsx", help="xuất danh sách tổng thể ra Excel")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_population)

    p = ssub.add_parser("draw", help="chọn mẫu (cùng sổ, kế hoạch, hạt giống: cùng kết quả)")
    p.add_argument("--seed", type=SEED, metavar="S", help="hạt giống (mặc định: số ngẫu nhiên, được in ra)")
    p.add_argument("--reason", default="", metavar="LÝ_DO", help="lý do chọn lại (bắt buộc từ lần thứ hai)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_draw)

    p = ssub.add_parser("export", help="xuất danh sách mẫu ra .xlsx hoặc .pdf")
    p.add_argument("file", metavar="TỆP.xlsx|TỆP.pdf")
    p.set_defaults(handler=cmd_sample_export)

    p = ssub.add_parser("replace", help="thay một người bằng người dự phòng kế tiếp cùng nhóm")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("--reason", required=True, metavar="LÝ_DO")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_replace)

    p = ssub.add_parser("status", help="ghi tình trạng phiếu của một người (đã phát, đã thu, …)")
    p.add_argument("code", metavar="MÃ_HỒ_SƠ")
    p.add_argument("status", choices=list(STATUSES), metavar="TÌNH_TRẠNG",
                   help="một trong: " + ", ".join(f"{k} ({v})" for k, v in STATUSES.items()))
    p.add_argument("--note", metavar="GHI_CHÚ")
    p.set_defaults(handler=cmd_status)

    p = ssub.add_parser("show", help="danh sách mẫu hiện hành, tình trạng và số liệu")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_sample_show)

    p = ssub.add_parser("history", help="các lần chọn mẫu (ai, khi nào, lý do)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(handler=cmd_history)


# --- plan -----------------------------------------------------------------------------------

def _plan_json(plan) -> dict[str, object]:
    return {
        "plan_id": plan.plan_id, "title": plan.title, "year": plan.year,
        "issuer": plan.issuer_name, "issuer_code": plan.issuer_code,
        "from": format_date(plan.window_from), "to": format_date(plan.window_to),
        "window_basis": plan.window_basis, "fields": list(plan.fields),
        "require_returned": plan.require_returned, "direct_only": plan.direct_only,
        "in_province_only": plan.in_province_only, "min_age": plan.min_age,
        "form": plan.form_id, "form_version": plan.form_version,
        "reserve_ratio": float(plan.reserve_fraction), "margin_e": float(sampling.exact(plan.margin_e)),
        "sample_deadline": format_date(plan.sample_deadline) or None,
        "report_deadline": format_date(plan.report_deadline) or None, "origin": plan.origin,
        "quotas": [{"unit": q.unit_code, "name": q.unit_name, "individuals": q.individuals,
                    "organizations": q.organizations, "total": q.total, "note": q.note}
                   for q in plan.quotas],
    }


def _print_plan(plan) -> None:
    print(f"Kế hoạch: {plan.title} (mã {plan.plan_id})")
    print(f"  Hồ sơ từ {format_date(plan.window_from)} đến {format_date(plan.window_to)}; "
          f"lĩnh vực: {plan.fields_text}; phiếu: {plan.form_id} {plan.form_version}")
    print(f"  Dự phòng {float(plan.reserve_fraction) * 100:g} %; {len(plan.quotas)} dòng chỉ tiêu")
    for q in plan.quotas[:20]:
        total = ("theo công thức" if q.computed
                 else f"{q.individuals or 0} + {q.organizations or 0} = {q.total}")
        print(f"    {q.unit_code:>6}  {q.unit_name}: {total}")
    if len(plan.quotas) > 20:
        print(f"    … và {len(plan.quotas) - 20} đơn vị khác")


def cmd_plan_new(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    fields = [f for f in (args.fields or "").split(";") if f.strip()]
    plan = services.create_plan(
        args.title, args.window_from, args.window_to, args.form, year=args.year, fields=fields,
        individuals=args.individuals, organizations=args.organizations, reserve_ratio=args.reserve_ratio,
        legal_basis=args.legal_basis, min_age=args.min_age, require_returned=not args.include_not_returned,
        direct_only=not args.all_channels, in_province_only=not args.include_outside_province,
        form_version=args.form_version, margin_e=args.margin, sample_deadline=args.sample_deadline,
        report_deadline=args.report_deadline, window_basis=args.window_basis)
    out = services.export_plan_file(args.out, plan.plan_id) if args.out else None
    if args.json:
        data = _plan_json(plan)
        data["file"] = str(out) if out else None
        print_json(data)
    else:
        print("Đã lập kế hoạch; đây là kế hoạch hiện hành.")
        _print_plan(plan)
        if out:
            print(f"Đã ghi tệp kế hoạch: {out}")
    return 0


def cmd_plan_import(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    result = services.import_plan_file(Path(args.file))
    if args.json:
        data = _plan_json(result.plan)
        data.update(updated=result.updated, added_units=list(result.added_units),
                    warnings=[w.to_dict() for w in result.warnings])
        print_json(data)
        return 0
    print(("Đã cập nhật" if result.updated else "Đã nhập") + " kế hoạch; đây là kế hoạch hiện hành.")
    _print_plan(result.plan)
    if result.added_units:
        print(f"Đã thêm {len(result.added_units)} đơn vị cũ từ tệp: {', '.join(result.added_units)}")
    if result.warnings:
        print("Lưu ý:")
        print_issues(list(result.warnings))
    return 0


def cmd_plan_export(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path = services.export_plan_file(Path(args.file), args.plan)
    print(f"Đã xuất tệp kế hoạch: {path}")
    return 0


def cmd_plan_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    plan = services.current_plan()
    if args.json:
        print_json(_plan_json(plan))
    else:
        _print_plan(plan)
    return 0


def cmd_plan_list(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    found = services.list_plans()
    if args.json:
        print_json([{"plan_id": p.plan_id, "title": p.title, "year": p.year, "issuer": p.issuer_name,
                     "origin": p.origin, "current": p.current, "draws": p.draws} for p in found])
        return 0
    for p in found:
        mark = "*" if p.current else " "
        print(f"{mark} {p.plan_id}  {p.year}  {p.title}  ({p.draws} lần chọn mẫu)")
    print(f"({len(found)} kế hoạch; * là kế hoạch hiện hành)")
    return 0


def cmd_plan_use(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    plan = services.set_current_plan(args.plan_id)
    print(f"Kế hoạch hiện hành: {plan.title} (mã {plan.plan_id}).")
    return 0


def cmd_plan_quota(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    plan = services.set_quota(args.unit, args.individuals, args.organizations)
    q = plan.quota_for(args.unit)
    assert q is not None
    print(f"Chỉ tiêu của {q.unit_name}: cá nhân {q.individuals}, tổ chức {q.organizations}.")
    return 0


# --- sample ---------------------------------------------------------------------------------

def cmd_population(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    progress = terminal_progress(not args.json)
    view = services.population(progress)
    if args.out:
        services.export_population(Path(args.out))
    if args.json:
        print_json({"N": view.N, "strata": view.counts(), "excluded": view.excluded_counts(),
                    "total": view.population.total, "file": args.out})
        return 0
    counts = view.counts()
    print(f"Danh sách tổng thể: N = {format_int(view.N)} (cá nhân {format_int(counts['ca_nhan'])}, "
          f"tổ chức {format_int(counts['to_chuc'])}); sổ có {format_int(view.population.total)} hồ sơ.")
    for reason, count in view.excluded_counts().items():
        if count:
            print(f"  Loại – {sampling.REASON_LABELS[reason]}: {format_int(count)}")
    if args.out:
        print(f"Đã xuất: {args.out}")
    return 0


def _draw_json(view: services.SampleView) -> dict[str, object]:
    draw: DrawInfo = view.draw
    by_role: dict[str, list[str]] = {"main": [], "reserve": []}
    for e in sorted(view.entries, key=lambda e: (e.role, sampling.STRATA.index(e.stratum), e.order)):
        by_role[e.role].append(e.code)
    return {
        "plan_id": view.plan.plan_id, "draw_id": draw.id, "seed": draw.seed,
        "N": draw.N, "n": draw.n,
        "strata": {m.stratum: {"N": m.N, "n": m.n, "k": float(m.k), "start": float(m.start),
                               "quota": m.quota, "transferred_in": m.transferred_in,
                               "k_exact": f"{m.k.numerator}/{m.k.denominator}",
                               "reserve_n": m.reserve_n, "reserve_k": float(m.reserve_k),
                               "reserve_start": float(m.reserve_start)} for m in draw.strata},
        "excluded": draw.excluded,
        "sample": by_role["main"], "reserve": by_role["reserve"],
        "drawn_at": draw.drawn_at.isoformat(timespec="seconds"), "drawn_by": draw.drawn_by,
        "reason": draw.reason, "frame_digest": draw.frame_digest,
    }


def cmd_draw(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    view = services.draw_sample(args.seed, reason=args.reason, progress=terminal_progress(not args.json))
    if args.json:
        print_json(_draw_json(view))
        return 0
    draw = view.draw
    print(f"Đã chọn mẫu (lần số {draw.id}), hạt giống {draw.seed}: N = {format_int(draw.N)}, "
          f"n = {format_int(draw.n)}.")
    for m in draw.strata:
        print(f"  {m.label}: N = {m.N}, n = {m.n}, k = {float(m.k):.4f}, s = {float(m.start):.4f}; "
              f"dự phòng {m.reserve_n}. {m.note}".rstrip())
    print("Xuất danh sách mẫu: sipas sample export DANH_SACH_MAU.xlsx (hoặc .pdf)")
    return 0


def cmd_sample_export(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    path = services.export_sample(Path(args.file))
    print(f"Đã xuất danh sách mẫu: {path}")
    return 0


def cmd_replace(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    spare = services.replace_entry(args.code, args.reason)
    if args.json:
        print_json({"replaced": args.code, "replacement": spare.code, "stratum": spare.stratum,
                    "reserve_order": spare.order, "reason": args.reason})
    else:
        print(f"Đã thay hồ sơ {args.code} bằng {spare.code} ({spare.applicant_name}, dự phòng thứ "
              f"{spare.order} nhóm {sampling.STRATUM_LABELS[spare.stratum].lower()}).")
    return 0


def cmd_status(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    entry = services.set_status(args.code, args.status, args.note)
    print(f"{entry.code} ({entry.applicant_name}): {entry.status_text}.")
    return 0


def cmd_sample_show(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    view = services.sample_view()
    c = view.counts
    if args.json:
        data = _draw_json(view)
        data["active"] = [e.code for e in view.entries if e.active]
        data["entries"] = [{"code": e.code, "stratum": e.stratum, "role": e.role, "order": e.order,
                            "position": e.position, "active": e.active, "status": e.status,
                            "replaces": e.replaces, "replaced_by": e.replaced_by} for e in view.entries]
        data["counts"] = {s.stratum: {"planned": s.planned, "issued": s.issued, "returned": s.returned,
                                      "refused": s.refused, "unreachable": s.unreachable,
                                      "substitutions": s.substitutions, "reserve_left": s.reserve_left}
                          for s in c.strata}
        print_json(data)
        return 0
    for e in view.entries:
        if e.role == "main" or e.used:
            print(f"  {ROLE_LABELS[e.role]:<10} {e.order:>3}  {e.code:<28} {e.applicant_name:<30} "
                  f"{e.status_text}")
    rate = c.response_rate
    print(f"Đã phát {c.total('issued')}, đã thu {c.total('returned')}"
          + (f" ({rate:.2f} %)" if rate is not None else "")
          + f", từ chối {c.total('refused')}, không liên lạc được {c.total('unreachable')}, "
          f"đã thay {c.total('substitutions')}; dự phòng còn {c.total('reserve_left')}.")
    return 0


def cmd_history(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.open()
    found = services.history()
    if args.json:
        print_json([{"draw_id": d.id, "seed": d.seed, "drawn_at": d.drawn_at.isoformat(timespec="seconds"),
                     "drawn_by": d.drawn_by, "reason": d.reason, "current": d.current, "N": d.N,
                     "n": d.n, "frame_digest": d.frame_digest} for d in found])
        return 0
    for d in found:
        mark = "*" if d.current else " "
        print(f"{mark} lần {d.id}: {d.drawn_at:%H:%M %d/%m/%Y}, {d.drawn_by or '?'}, hạt giống {d.seed}, "
              f"N = {d.N}, n = {d.n}; lý do: {d.reason}")
    return 0
