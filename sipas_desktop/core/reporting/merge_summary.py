"""Outputs of a merge: the summary workbook and the báo cáo tổng hợp (NĐ 30/2020 layout).

The workbook (`write_summary_xlsx`) has one sheet per question an office asks: the overall
figures (pooled and mean of units, both labelled, with the rules), the ranking, the criteria,
the files with their status and reason, and the units still missing or short of their quota.

The báo cáo (`build_document`) is a `BaoCaoDocument` of the commune báo cáo's own blocks
(`bao_cao_content`), so `bao_cao_pdf.render_pdf` and `bao_cao_docx.render_docx` lay it out the
same way: one layout engine for both reports. Figures: two decimals, decimal comma.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sipas_desktop.core.merge import MergeResult, Status, UnitResult
from sipas_desktop.core.merge_stats import MEAN_LABEL, POOLED_LABEL
from sipas_desktop.core.reporting.bao_cao_charts import Bar, BarChart
from sipas_desktop.core.reporting.bao_cao_content import (
    BaoCaoDocument,
    BaoCaoTexts,
    ChartBlock,
    Para,
    Part,
    Run,
    Signature,
    TableBlock,
    body,
    free_text,
    num,
    paragraphs,
    pct,
    section,
    subsection,
)
from sipas_desktop.core.reporting.bao_cao_xlsx import SheetSpec
from sipas_desktop.core.reporting.heading import Heading, place_date, short_place
from sipas_desktop.core.scoring import round2
from sipas_desktop.core.text import format_int

CHART_ALL_UNITS = 40          # more units than this: the chart shows the ten best and ten lowest


def _r(value: float | None) -> float | None:
    return round2(value)


def _leaf_rank(result: MergeResult) -> list[tuple[int | None, UnitResult]]:
    return result.leaf_ranking()


def _has_aggregates(result: MergeResult) -> bool:
    return any(u.sources for u in result.units)


# --- the workbook ------------------------------------------------------------------------------

def _overview(result: MergeResult) -> SheetSpec:
    # No wrapping: a long rule text runs over the empty cells to its right, in Excel and LibreOffice
    # alike (wrapped cells need row heights that openpyxl cannot compute).
    s = SheetSpec("Tổng hợp", widths={1: 58, 2: 16, 3: 24})
    s.title("KẾT QUẢ TỔNG HỢP TỰ KHẢO SÁT SỰ HÀI LÒNG CỦA NGƯỜI DÂN, TỔ CHỨC", 3)
    o = result.options
    s.add("Cơ quan tổng hợp", o.office_name or "(chưa khai báo)")
    s.add("Kế hoạch", result.plan_title or "", result.plan_id or "")
    if result.form is not None:
        s.add("Phiếu khảo sát", f"{result.form.id} phiên bản {result.form.version}")
    s.add("Thời điểm tổng hợp", datetime.now().strftime("%d/%m/%Y %H:%M"))
    counts = result.counts()
    s.add("Số tệp đã xem", len(result.files))
    s.add("Số tệp đã nhận", counts[Status.ACCEPTED.value])
    s.add("Số tệp bị từ chối", counts[Status.REJECTED.value])
    s.add("Số tệp trùng lặp", counts[Status.DUPLICATE.value])
    s.add("Số tệp bản cũ (đơn vị đã gửi lại)", counts[Status.SUPERSEDED.value])
    s.add("Số đơn vị đã tổng hợp (cấp xã)", len(result.leaf_units))
    s.add("Số đơn vị chưa gửi (theo kế hoạch)", len(result.missing))
    s.blank()
    s.add("Chỉ số", "Gộp (%)", "Trung bình đơn vị (%)", style="header")
    start = len(s.rows)
    pooled, mean = result.pooled, result.mean
    if pooled is not None and mean is not None:
        for i in pooled.indices:
            s.add(i.title, _r(i.index), _r(mean.indices.get(i.id)), style="bold")
        for b in pooled.blocks:
            s.add(f"Khối: {b.title}", _r(b.index), _r(mean.blocks.get(b.id)))
        for e in pooled.elements:
            s.add(f"Yếu tố: {e.title}", _r(e.index), _r(mean.elements.get(e.id)))
        s.add("Số phiếu hợp lệ", pooled.valid_forms, None)
    s.tables.append((start, 1, len(s.rows), 3))
    s.blank()
    s.add("Gộp", POOLED_LABEL)
    s.add("Trung bình đơn vị", MEAN_LABEL)
    if pooled is not None:
        s.blank()
        s.add("Quy tắc tính", style="section")
        for rule in pooled.rules:
            s.add(rule.text)
    if result.notes:
        s.blank()
        s.add("Lưu ý", style="section")
        for note in result.notes:
            s.add(note)
    return s


def _ranking(result: MergeResult) -> SheetSpec:
    elements = result.pooled.elements if result.pooled else ()
    header = ["Hạng", "Mã đơn vị", "Đơn vị", "Số phiếu hợp lệ", "Chỉ số chung (%)",
              *[f"YT{n} (%)" for n in range(1, len(elements) + 1)],
              "Chỉ tiêu phiếu", "Đạt chỉ tiêu", "Tỷ lệ phản hồi (%)", "Tỷ lệ thay thế (%)",
              "Tỷ lệ nhập kép (%)"]
    widths = {c: 12.0 for c in range(1, len(header) + 1)}
    widths.update({1: 7, 2: 10, 3: 30, 4: 10, 5: 12})
    widths.update({c: 9 for c in range(6, 6 + len(elements))})
    s = SheetSpec("Xếp hạng", widths=widths)
    s.title("XẾP HẠNG CÁC ĐƠN VỊ THEO CHỈ SỐ HÀI LÒNG", len(header))
    rows = []
    for position, u in _leaf_rank(result):
        by_id = {e.id: e.index for e in u.scores.elements}
        met = {True: "Đạt", False: "Chưa đạt", None: ""}[u.quota_met]
        rows.append([position, u.unit, u.name, u.forms, _r(u.overall),
                     *[_r(by_id.get(e.id)) for e in elements], u.quota, met, _r(u.response_rate),
                     _r(u.substitution_rate), _r(u.share_verified)])
    s.table(header, rows)
    if elements:
        s.blank()
        for n, e in enumerate(elements, 1):
            s.add(f"YT{n}: {e.title}")
    return s


def _submitters(result: MergeResult) -> SheetSpec:
    s = SheetSpec("Đơn vị gửi", widths={1: 7, 2: 11, 3: 34, 4: 12, 5: 14, 6: 40})
    s.title("CÁC ĐƠN VỊ GỬI TỆP (TỆP TỔNG HỢP CỦA CẤP TRUNG GIAN TÍNH LÀ MỘT ĐƠN VỊ)", 6)
    rows = [[u.rank, u.unit, u.name, u.forms, _r(u.overall),
             ", ".join(f"{x.name} ({x.unit})" for x in u.sources)] for u in result.units]
    s.table(["Hạng", "Mã", "Đơn vị", "Số phiếu", "Chỉ số chung (%)", "Gồm các đơn vị"], rows)
    return s


def _criteria(result: MergeResult) -> SheetSpec:
    s = SheetSpec("Tiêu chí", widths={1: 9, 2: 62, 3: 12, 4: 12, 5: 14, 6: 16})
    s.wrap = {2}
    s.title("CHỈ SỐ THEO TIÊU CHÍ: GỘP VÀ TRUNG BÌNH CÁC ĐƠN VỊ", 6)
    pooled, mean = result.pooled, result.mean
    rows, bold = [], set()
    if pooled is not None and mean is not None:
        for n, e in enumerate(pooled.elements, 1):
            bold.add(len(rows))
            rows.append([str(n), e.title, None, None, _r(e.index), _r(mean.elements.get(e.id))])
            for m, c in enumerate(e.criteria, 1):
                rows.append([f"{n}.{m}", c.title, c.valid, c.satisfied, _r(c.index),
                             _r(mean.criteria.get(c.id))])
    s.table(["STT", "Yếu tố / tiêu chí", "Trả lời hợp lệ", "Hài lòng", "Gộp (%)", "Trung bình đơn vị (%)"],
            rows, bold_rows=bold)
    return s


def _files(result: MergeResult) -> SheetSpec:
    s = SheetSpec("Tệp đã nhận", widths={1: 6, 2: 36, 3: 22, 4: 11, 5: 28, 6: 10, 7: 17, 8: 80})
    s.wrap = {8}
    s.title("DANH SÁCH TỆP VÀ KẾT QUẢ KIỂM TRA", 8)
    rows = []
    for i, f in enumerate(result.files, 1):
        rows.append([i, f.name, f.status_label, f.unit_code or None, f.unit_name or None, f.forms,
                     f.created_at.strftime("%d/%m/%Y %H:%M") if f.created_at else None, f.message() or None])
    s.table(["STT", "Tệp", "Tình trạng", "Mã đơn vị", "Đơn vị", "Số phiếu", "Thời điểm tạo tệp",
             "Lý do, lưu ý"], rows)
    return s


def _gaps(result: MergeResult) -> SheetSpec:
    s = SheetSpec("Chưa gửi, thiếu phiếu", widths={1: 6, 2: 11, 3: 36, 4: 14, 5: 14, 6: 14})
    s.title("ĐƠN VỊ CHƯA GỬI BÁO CÁO VÀ ĐƠN VỊ CHƯA ĐỦ CHỈ TIÊU PHIẾU", 6)
    s.add("Đơn vị chưa gửi báo cáo", style="section")
    s.table(["STT", "Mã", "Đơn vị"], [[i, code, name] for i, (code, name) in enumerate(result.missing, 1)])
    s.blank()
    s.add("Đơn vị chưa đủ chỉ tiêu phiếu", style="section")
    s.table(["STT", "Mã", "Đơn vị", "Chỉ tiêu", "Phiếu hợp lệ", "Còn thiếu"],
            [[i, g.unit_code, g.unit_name, g.quota, g.forms, g.shortfall]
             for i, g in enumerate(result.quota_gaps, 1)])
    return s


def summary_sheets(result: MergeResult) -> list[SheetSpec]:
    sheets = [_overview(result), _ranking(result)]
    if _has_aggregates(result):
        sheets.append(_submitters(result))
    return sheets + [_criteria(result), _files(result), _gaps(result)]


def write_summary_xlsx(result: MergeResult, path: Path) -> Path:
    """The summary workbook, written to a temporary name and renamed."""
    from openpyxl import Workbook

    from sipas_desktop.core.exchange import write_atomic

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in summary_sheets(result):
        sheet.render(wb.create_sheet(sheet.name))
    wb.properties.creator = "SIPAS Desktop"
    wb.properties.title = "Kết quả tổng hợp tự khảo sát sự hài lòng"
    buffer = io.BytesIO()
    wb.save(buffer)
    write_atomic(Path(path), buffer.getvalue())
    return Path(path)


# --- the báo cáo tổng hợp ----------------------------------------------------------------------

def _issuer(result: MergeResult) -> tuple[str, str, str, str, str]:
    """(superior, issuer, number suffix, signer position, place) for the office's level."""
    name = result.options.office_name
    if not name:
        return "", "CƠ QUAN TỔNG HỢP", "BC", "THỦ TRƯỞNG CƠ QUAN", ""
    place = short_place(name)
    if name.startswith(("Tỉnh ", "Thành phố ")) and result.options.office_parent_code == "":
        return f"ỦY BAN NHÂN DÂN\n{name.upper()}", "SỞ NỘI VỤ", "BC-SNV", "GIÁM ĐỐC", place
    return f"ỦY BAN NHÂN DÂN\n{name.upper()}", "PHÒNG NỘI VỤ", "BC-PNV", "TRƯỞNG PHÒNG", place


def _year(result: MergeResult) -> int:
    digits = [int(part) for part in result.plan_id.split("-") if part.isdigit() and len(part) == 4]
    return digits[0] if digits else date.today().year


def heading_of(result: MergeResult, texts: BaoCaoTexts, when: date | None) -> Heading:
    superior, issuer, suffix, _, place = _issuer(result)
    number = f"Số: {texts.number}/{suffix}" if texts.number else f"Số:        /{suffix}"
    return Heading(issuer=issuer, superior=superior, number=number, place=place,
                   when=texts.report_date or when or date.today(), title="BÁO CÁO",
                   subject="Tổng hợp kết quả tự khảo sát sự hài lòng của người dân, tổ chức đối với sự "
                           f"phục vụ của cơ quan hành chính nhà nước năm {_year(result)}")


def _method(result: MergeResult) -> list[Any]:
    counts = result.counts()
    leaves = result.leaf_units
    out: list[Any] = [subsection("1. Tiếp nhận và kiểm tra tệp báo cáo")]
    planned = len(leaves) + len(result.missing)
    plan_part = f" trên tổng số {format_int(planned)} đơn vị theo kế hoạch" if result.missing else ""
    out.append(body(f"Cơ quan tổng hợp đã tiếp nhận {format_int(len(result.files))} tệp; "
                    f"{format_int(counts['accepted'])} tệp hợp lệ được tổng hợp, gồm số liệu của "
                    f"{format_int(len(leaves))} đơn vị cấp xã{plan_part}. Mỗi tệp được kiểm tra: đọc được, "
                    "đúng phiên bản định dạng, mã kiểm tra SHA-256 còn nguyên vẹn, đúng kế hoạch, đúng "
                    "phiếu khảo sát, đơn vị thuộc địa bàn, số liệu bên trong khớp nhau; chỉ số được tính "
                    "lại từ từng phiếu theo mẫu phiếu của kế hoạch và đối chiếu với số liệu tệp khai."))
    refused = counts["rejected"] + counts["duplicate"] + counts["superseded"]
    if refused:
        out.append(body(f"Không tổng hợp {format_int(refused)} tệp: {format_int(counts['rejected'])} tệp bị "
                        f"từ chối, {format_int(counts['duplicate'])} tệp trùng lặp, "
                        f"{format_int(counts['superseded'])} bản cũ đã được đơn vị gửi lại; lý do từng tệp "
                        "tại Phụ lục III."))
    keyed = sum(u.scores.total_forms for u in leaves)
    out.append(subsection("2. Số phiếu"))
    valid = result.pooled.valid_forms if result.pooled else 0
    out.append(body(f"Tổng số phiếu trong các tệp đã tổng hợp: {format_int(keyed)}; số phiếu hợp lệ: "
                    f"{format_int(valid)}."))
    rates = [u.response_rate for u in leaves if u.response_rate is not None]
    verified = [u.share_verified for u in leaves if u.share_verified is not None]
    if rates:
        out.append(body(f"Tỷ lệ phản hồi bình quân của các đơn vị: {pct(sum(rates) / len(rates))}."))
    if verified:
        out.append(body(f"Tỷ lệ phiếu được nhập kép để kiểm tra, bình quân các đơn vị: "
                        f"{pct(sum(verified) / len(verified))}."))
    out.append(subsection("3. Cách tính chỉ số tổng hợp"))
    out.append(body(f"Báo cáo nêu hai chỉ số chung: (1) {POOLED_LABEL.lower()}; (2) {MEAN_LABEL.lower()}."))
    if result.pooled is not None:
        out.append(body("Quy tắc: " + " ".join(r.text for r in result.pooled.rules
                                               if r.id not in ("form_note", "pooled"))))
    return out


def _ranking_chart(ranked: list[tuple[int | None, UnitResult]]) -> BarChart:
    scored = [(r, u) for r, u in ranked if u.overall is not None]
    if len(scored) > CHART_ALL_UNITS:
        scored = scored[:10] + scored[-10:]
        title = "Chỉ số hài lòng: 10 đơn vị cao nhất và 10 đơn vị thấp nhất (%)"
    else:
        title = "Chỉ số hài lòng của các đơn vị (%)"
    lowest = scored[-1][1] if scored else None
    return BarChart(title, tuple(Bar(f"{r}. {u.name}", u.overall, highlight=u is lowest) for r, u in scored),
                    bar_height=13, font_size=9)


def _results(result: MergeResult) -> list[Any]:
    pooled, mean = result.pooled, result.mean
    out: list[Any] = [subsection("1. Chỉ số hài lòng chung")]
    if pooled is None or mean is None:
        out.append(body("Không có tệp hợp lệ nào nên chưa tính được chỉ số."))
        return out
    main = pooled.indices[0] if pooled.indices else None
    if main is not None:
        out.append(Para((Run(f"{main.title} tính gộp trên {format_int(pooled.valid_forms)} phiếu hợp lệ "
                             "(mỗi người trả lời có trọng số như nhau) đạt "),
                         Run(pct(main.index), bold=True),
                         Run(f"; trung bình chỉ số của {format_int(mean.units)} đơn vị cấp xã (mỗi đơn vị "
                             "có trọng số như nhau) đạt "), Run(pct(mean.overall), bold=True), Run("."))))
    for b in pooled.blocks:
        out.append(body(f"Khối “{b.title}”: gộp {pct(b.index)}; trung bình đơn vị "
                        f"{pct(mean.blocks.get(b.id))}."))
    out.append(subsection("2. Chỉ số theo yếu tố"))
    rows = tuple((str(n), e.title, num(e.index), num(mean.elements.get(e.id)))
                 for n, e in enumerate(pooled.elements, 1))
    out.append(TableBlock(("STT", "Yếu tố", "Gộp (%)", "Trung bình đơn vị (%)"), rows,
                          (0.08, 0.56, 0.16, 0.2), ("c", "l", "r", "r")))
    lowest = min((e for e in pooled.elements if e.exact is not None), key=lambda e: e.exact, default=None)
    out.append(ChartBlock(BarChart("Chỉ số hài lòng theo yếu tố, tính gộp (%)",
                                   tuple(Bar(e.title, e.index, highlight=e is lowest)
                                         for e in pooled.elements)),
                          "Biểu đồ 1. Chỉ số hài lòng theo yếu tố (yếu tố thấp nhất tô màu cam)"))
    out.append(subsection("3. Xếp hạng các đơn vị"))
    ranked = _leaf_rank(result)
    if ranked:
        best, worst = ranked[0][1], ranked[-1][1]
        out.append(body(f"Đơn vị có chỉ số cao nhất: {best.name} ({pct(best.overall)}); thấp nhất: "
                        f"{worst.name} ({pct(worst.overall)}). Bảng xếp hạng đầy đủ theo từng yếu tố tại "
                        "Phụ lục II."))
        out.append(TableBlock(("Hạng", "Đơn vị", "Số phiếu", "Chỉ số (%)"),
                              tuple((str(r or "—"), u.name, format_int(u.forms), num(u.overall))
                                    for r, u in ranked[:20]), (0.1, 0.56, 0.14, 0.2), ("c", "l", "r", "r")))
        if len(ranked) > 20:
            out.append(body(f"(Bảng trên nêu 20 đơn vị đứng đầu trong {format_int(len(ranked))} đơn vị.)"))
        out.append(ChartBlock(_ranking_chart(ranked), "Biểu đồ 2. Chỉ số hài lòng của các đơn vị"))
    out.append(subsection("4. Đơn vị chưa gửi báo cáo, chưa đủ chỉ tiêu phiếu"))
    if result.missing:
        names = ", ".join(name or code for code, name in result.missing[:30])
        more = f" và {format_int(len(result.missing) - 30)} đơn vị khác" if len(result.missing) > 30 else ""
        out.append(body(f"Có {format_int(len(result.missing))} đơn vị chưa gửi tệp báo cáo hợp lệ: "
                        f"{names}{more}."))
    elif any("bảng chỉ tiêu" in n for n in result.notes):
        out.append(body("Chưa đối chiếu được với bảng chỉ tiêu của kế hoạch (kế hoạch không có trong máy)."))
    else:
        out.append(body("Tất cả đơn vị trong kế hoạch đã gửi tệp báo cáo hợp lệ."))
    if result.quota_gaps:
        gaps = "; ".join(f"{g.unit_name} ({format_int(g.forms)}/{format_int(g.quota)} phiếu)"
                         for g in result.quota_gaps[:30])
        out.append(body(f"Đơn vị chưa đủ chỉ tiêu số phiếu: {gaps}."))
    if pooled.expectations:
        out.append(subsection("5. Mong đợi của người dân, tổ chức"))
        ranked_x = sorted((x for x in pooled.expectations if x.exact is not None), key=lambda x: -x.exact)
        out.append(TableBlock(("STT", "Nội dung cần cải thiện", "Tỷ lệ (%)"),
                              tuple((str(i), x.text, num(x.index)) for i, x in enumerate(ranked_x, 1)),
                              (0.08, 0.74, 0.18), ("c", "l", "r")))
    return out


def _assessment(result: MergeResult, texts: BaoCaoTexts) -> list[Any]:
    out: list[Any] = [subsection("1. Ưu điểm")]
    pooled = result.pooled
    if pooled is not None:
        ranked = sorted((e for e in pooled.elements if e.exact is not None), key=lambda e: -e.exact)
        if ranked:
            out.append(body("Yếu tố được đánh giá cao nhất: "
                            + "; ".join(f"{e.title} ({pct(e.index)})" for e in ranked[:2]) + "."))
    out += paragraphs(texts.strengths)
    out.append(subsection("2. Hạn chế"))
    if pooled is not None:
        low = pooled.lowest_criteria(3)
        if low:
            out.append(body("Các tiêu chí có chỉ số gộp thấp nhất, cần tập trung cải thiện:"))
            out += [body(f"- {c.title} ({pct(c.index)});") for c in low]
        ranked = [u for _, u in _leaf_rank(result) if u.overall is not None]
        if len(ranked) >= 3:
            out.append(body("Các đơn vị có chỉ số thấp nhất: "
                            + "; ".join(f"{u.name} ({pct(u.overall)})" for u in ranked[-3:][::-1]) + "."))
    out += paragraphs(texts.weaknesses)
    out.append(subsection("3. Nguyên nhân"))
    out += free_text(texts.causes)
    return out


def _appendices(result: MergeResult, heading: Heading) -> tuple[Part, ...]:
    ref = heading.number.removeprefix("Số:").strip()
    note = f"(Kèm theo Báo cáo số {ref} {place_date('', heading.when).removeprefix(', ')})"
    parts = []
    pooled, mean = result.pooled, result.mean
    if pooled is not None and mean is not None:
        rows, bold = [], set()
        for n, e in enumerate(pooled.elements, 1):
            bold.add(len(rows))
            rows.append((str(n), e.title, "", num(e.index), num(mean.elements.get(e.id))))
            for m, c in enumerate(e.criteria, 1):
                rows.append((f"{n}.{m}", c.title, format_int(c.valid), num(c.index),
                             num(mean.criteria.get(c.id))))
        parts.append(Part("Phụ lục I", "CHỈ SỐ HÀI LÒNG THEO TIÊU CHÍ", note, (
            TableBlock(("STT", "Yếu tố / tiêu chí", "Trả lời hợp lệ", "Gộp (%)", "Trung bình đơn vị (%)"),
                       tuple(rows), (0.08, 0.5, 0.14, 0.13, 0.15), ("c", "l", "r", "r", "r"), frozenset(bold),
                       10.5),)))
        elements = pooled.elements
        header = ("Hạng", "Đơn vị", "Phiếu", "Chung", *[f"YT{n}" for n in range(1, len(elements) + 1)])
        urows = []
        for r, u in _leaf_rank(result):
            by_id = {e.id: e.index for e in u.scores.elements}
            urows.append((str(r or "—"), u.name, format_int(u.forms), num(u.overall),
                          *[num(by_id.get(e.id)) for e in elements]))
        k = len(elements)
        rest = 0.6 / max(k + 2, 1)
        legend = "; ".join(f"YT{n} – {e.title}" for n, e in enumerate(elements, 1))
        parts.append(Part("Phụ lục II", "XẾP HẠNG CÁC ĐƠN VỊ THEO CHỈ SỐ HÀI LÒNG (%)", note, (
            TableBlock(header, tuple(urows), (0.07, 0.33, *[rest] * (k + 2)), ("c", "l", *["r"] * (k + 2)),
                       font_size=10),
            body(f"Ghi chú: {legend}."))))
    frows = tuple((str(i), f.name, f.status_label, f.unit_name or "", f.message() or "")
                  for i, f in enumerate(result.files, 1))
    parts.append(Part(f"Phụ lục {'III' if parts else 'I'}", "DANH SÁCH TỆP ĐÃ TIẾP NHẬN VÀ KẾT QUẢ KIỂM TRA",
                      note, (TableBlock(("STT", "Tệp", "Tình trạng", "Đơn vị", "Lý do, lưu ý"), frows,
                                        (0.06, 0.2, 0.14, 0.18, 0.42), ("c", "l", "l", "l", "l"),
                                        font_size=9.5),)))
    return tuple(parts)


def _recipients(texts: BaoCaoTexts, result: MergeResult) -> tuple[str, ...]:
    lines = [line.strip() for line in texts.recipients.splitlines() if line.strip()]
    if not lines:
        name = result.options.office_name
        lines = ["- Bộ Nội vụ;", f"- UBND {name[:1].lower()}{name[1:]};" if name else "- Cơ quan cấp trên;",
                 "- Các đơn vị được khảo sát;"]
    lines = [line if line.startswith("-") else f"- {line}" for line in lines]
    if not any(line.startswith("- Lưu") for line in lines):
        lines.append("- Lưu: VT.")
    return tuple(lines)


def build_document(result: MergeResult, texts: BaoCaoTexts | None = None, *,
                   when: date | None = None) -> BaoCaoDocument:
    """The báo cáo tổng hợp as format-free blocks (rendered by bao_cao_pdf / bao_cao_docx)."""
    texts = texts or BaoCaoTexts()
    heading = heading_of(result, texts, when)
    _, issuer, _, position, _ = _issuer(result)
    phrase = {"SỞ NỘI VỤ": "Sở Nội vụ", "PHÒNG NỘI VỤ": "Phòng Nội vụ"}.get(issuer, "Cơ quan tổng hợp")
    name = result.options.office_name
    area = f"trên địa bàn {name[:1].lower()}{name[1:]}" if name else "đã gửi báo cáo"
    basis = paragraphs(texts.legal_basis)
    if not basis:
        if result.form is not None and result.form.legal_basis:
            basis.append(body(f"Căn cứ {result.form.legal_basis};"))
        if result.plan_title:
            basis.append(body(f"Căn cứ {result.plan_title};"))
    purpose = paragraphs(texts.purpose) or [body(
        "Tổng hợp, đánh giá khách quan mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của các "
        "đơn vị trên địa bàn; so sánh, xếp hạng các đơn vị để có giải pháp nâng cao chất lượng phục vụ.")]
    blocks: list[Any] = [
        *basis,
        body(f"{phrase} báo cáo tổng hợp kết quả tự khảo sát sự hài lòng của người dân, tổ chức của các "
             f"đơn vị {area} như sau:"),
        section("I. MỤC ĐÍCH, YÊU CẦU"), *purpose,
        section("II. TỔ CHỨC THỰC HIỆN"), *_method(result),
        section("III. KẾT QUẢ TỔNG HỢP"), *_results(result),
        section("IV. ĐÁNH GIÁ CHUNG"), *_assessment(result, texts),
        section("V. GIẢI PHÁP, KIẾN NGHỊ"),
        subsection("1. Giải pháp"), *free_text(texts.solutions),
        subsection("2. Kiến nghị"), *free_text(texts.recommendations, 2),
        body(f"Trên đây là báo cáo tổng hợp kết quả tự khảo sát sự hài lòng của người dân, tổ chức năm "
             f"{_year(result)}./."),
    ]
    authority = texts.signer_authority if texts.signer_authority != BaoCaoTexts().signer_authority else ""
    signer = texts.signer_position if texts.signer_position != BaoCaoTexts().signer_position else position
    signature = Signature(_recipients(texts, result), authority, signer, texts.signer_name)
    return BaoCaoDocument(heading, heading.title, heading.subject, tuple(blocks), signature,
                          _appendices(result, heading))
