"""What the báo cáo says, format-free: texts, tables and charts in the outline of SIPAS.md §6.

`build_document(data)` turns the report file's content, the scores and the clerk's free texts
(`BaoCaoTexts`) into a `BaoCaoDocument`, a list of blocks that `bao_cao_pdf` and `bao_cao_docx`
render the same way. Figures are printed with two decimals and a decimal comma; the lowest
criteria are always named in "Hạn chế", whatever the clerk writes around them. Parts the clerk
left empty where no figure can speak (causes, solutions) print as dotted lines to fill by hand.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from sipas_desktop.core.exchange import ReportContent
from sipas_desktop.core.forms.schema import Form
from sipas_desktop.core.reporting.bao_cao_charts import Bar, BarChart
from sipas_desktop.core.reporting.heading import Heading, place_date, short_place
from sipas_desktop.core.scoring import APPLICANT_LABELS, Distribution, Scores, round2
from sipas_desktop.core.text import format_date, format_int, format_number

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
DOTS = "…" * 3


def block_label(title: str) -> str:
    """“khối I. Tổ chức thực hiện chính sách” whether or not the form's title says “Khối”."""
    return f"{title[:1].lower()}{title[1:]}" if title.lower().startswith("khối") else f"khối “{title}”"


def pct(value: float | None) -> str:
    """“86,67 %”, or “—”."""
    return "—" if value is None else f"{format_number(round2(value) or 0.0, 2)} %"


def num(value: float | None) -> str:
    return "—" if value is None else format_number(round2(value) or 0.0, 2)


# --- the clerk's free texts --------------------------------------------------------------------

@dataclass(frozen=True)
class BaoCaoTexts:
    """The parts of the báo cáo the clerk writes (GUI "Nội dung báo cáo"); empty = default/dots."""

    number: str = ""                       # the number in “Số: …/BC-UBND” (empty: left blank)
    report_date: date | None = None        # empty: today
    legal_basis: str = ""                  # one “Căn cứ …” per line
    purpose: str = ""
    strengths: str = ""
    weaknesses: str = ""
    causes: str = ""
    solutions: str = ""
    recommendations: str = ""
    comments_summary: str = ""
    signer_authority: str = "TM. ỦY BAN NHÂN DÂN"
    signer_position: str = "CHỦ TỊCH"
    signer_name: str = ""
    recipients: str = ""                   # one per line; “- Lưu: VT, …” is added when missing

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["report_date"] = self.report_date.isoformat() if self.report_date else ""
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BaoCaoTexts:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and isinstance(v, str)}
        raw = values.pop("report_date", "")
        when = None
        if raw:
            try:
                when = date.fromisoformat(raw)
            except ValueError:
                when = None
        return cls(**values, report_date=when)


@dataclass(frozen=True)
class BaoCaoData:
    """Everything the báo cáo needs: the report file's content, its questionnaire and scores."""

    content: ReportContent
    form: Form
    scores: Scores
    texts: BaoCaoTexts = field(default_factory=BaoCaoTexts)
    plan_legal_basis: str = ""
    plan_issuer: str = ""


# --- blocks ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    style: str = "body"        # body | section | subsection | caption | plain | dots | centre

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class TableBlock:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]              # fractions of the text width
    align: tuple[str, ...]                 # "l" | "c" | "r" per column
    bold_rows: frozenset[int] = frozenset()
    font_size: float = 12.0


@dataclass(frozen=True)
class ChartBlock:
    chart: BarChart
    caption: str


@dataclass(frozen=True)
class Signature:
    recipients: tuple[str, ...]
    authority: str
    position: str
    name: str


@dataclass(frozen=True)
class Part:
    """An appendix: a new page with its own page numbers."""

    label: str                 # "Phụ lục I"
    title: str
    note: str                  # "(Kèm theo Báo cáo số …)"
    blocks: tuple[Any, ...]


@dataclass(frozen=True)
class BaoCaoDocument:
    heading: Heading
    title: str
    subject: str
    body: tuple[Any, ...]
    signature: Signature
    appendices: tuple[Part, ...]

    def all_text(self) -> str:
        """Every word of the document (tests, search)."""
        out = [self.heading.issuer, self.heading.number, self.heading.place_date, self.title, self.subject]
        for block in (*self.body, *(b for p in self.appendices for b in (p, *p.blocks))):
            if isinstance(block, Para):
                out.append(block.text)
            elif isinstance(block, TableBlock):
                out += [" ".join(block.header), *(" ".join(r) for r in block.rows)]
            elif isinstance(block, Part):
                out += [block.label, block.title, block.note]
        out += [*self.signature.recipients, self.signature.authority, self.signature.position,
                self.signature.name]
        return "\n".join(out)


def body(text: str) -> Para:
    return Para((Run(text),))


def section(text: str) -> Para:
    return Para((Run(text, bold=True),), "section")


def subsection(text: str) -> Para:
    return Para((Run(text, bold=True),), "subsection")


def paragraphs(text: str) -> list[Para]:
    return [body(line.strip()) for line in text.splitlines() if line.strip()]


def free_text(text: str, lines: int = 3) -> list[Para]:
    """The clerk's text, or dotted lines to fill by hand."""
    found = paragraphs(text)
    return found or [Para((Run(DOTS * 30),), "dots") for _ in range(lines)]


# --- the outline ------------------------------------------------------------------------------

def unit_phrase(name: str) -> str:
    """“Ủy ban nhân dân xã Nghi Xuân” from “Xã Nghi Xuân”."""
    return f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}" if name else "Ủy ban nhân dân"


def _year(data: BaoCaoData) -> int:
    c = data.content
    return c.plan_year or (c.window_to.year if c.window_to else c.created_at.year)


def heading_of(data: BaoCaoData) -> Heading:
    c, t = data.content, data.texts
    when = t.report_date or date.today()
    number = f"Số: {t.number}/BC-UBND" if t.number else "Số:        /BC-UBND"
    place = short_place(c.unit_name)
    if not place or place[0].isdigit():      # “Phường 1”: the number alone is not a place name
        place = c.unit_name
    return Heading(issuer=f"ỦY BAN NHÂN DÂN\n{c.unit_name.upper()}", superior="", number=number,
                   place=place, when=when, title="BÁO CÁO",
                   subject=f"Kết quả tự khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ "
                           f"của cơ quan hành chính nhà nước năm {_year(data)}")


def _legal_basis(data: BaoCaoData) -> list[Para]:
    if data.texts.legal_basis.strip():
        return paragraphs(data.texts.legal_basis)
    out = []
    if data.form.legal_basis:
        out.append(body(f"Căn cứ {data.form.legal_basis};"))
    plan = data.content.plan_title
    if plan:
        issuer = f" của {data.plan_issuer}" if data.plan_issuer else ""
        out.append(body(f"Căn cứ {plan}{issuer};"))
    if data.plan_legal_basis:
        out += [body(line) for line in data.plan_legal_basis.splitlines() if line.strip()]
    return out


def _purpose(data: BaoCaoData) -> list[Para]:
    if data.texts.purpose.strip():
        return paragraphs(data.texts.purpose)
    return [body("Đánh giá khách quan chất lượng cung cấp dịch vụ hành chính công tại Bộ phận Một cửa "
                 f"của {unit_phrase(data.content.unit_name)} thông qua ý kiến của người dân, tổ chức đã "
                 "trực tiếp giải quyết thủ tục hành chính; làm rõ mặt được, mặt chưa được để có giải pháp "
                 "nâng cao chất lượng phục vụ."),
            body("Việc khảo sát bảo đảm khách quan, đúng phương pháp; thông tin người trả lời được bảo mật "
                 "theo quy định.")]


def _method(data: BaoCaoData) -> list[Any]:
    c, s, sc = data.content, data.content.sample, data.scores
    out: list[Any] = [subsection("1. Phạm vi, đối tượng khảo sát")]
    window = ""
    if c.window_from and c.window_to:
        window = f" từ ngày {format_date(c.window_from)} đến ngày {format_date(c.window_to)}"
    out.append(body("Người dân, tổ chức đã trực tiếp nộp hồ sơ và nhận kết quả giải quyết thủ tục hành "
                    f"chính tại Bộ phận Một cửa{window}."))
    out.append(subsection("2. Chọn mẫu"))
    if s is None:
        out.append(body("Chưa có thông tin về lần chọn mẫu (danh sách tổng thể, cỡ mẫu)."))
    else:
        out.append(body(f"Danh sách tổng thể gồm N = {format_int(s.population_n)} người; cỡ mẫu n = "
                        f"{format_int(s.sample_n)}. Mẫu được chọn theo phương pháp ngẫu nhiên hệ thống "
                        f"(hạt giống ngẫu nhiên {s.seed}), riêng cho từng nhóm đối tượng; danh sách dự "
                        f"phòng {format_int(s.reserve_n)} người, đã dùng {format_int(s.substitutions)} người "
                        "dự phòng để thay người được chọn nhưng không khảo sát được."))
        if s.strata:
            rows = tuple((APPLICANT_LABELS.get(x.stratum, x.stratum), format_int(x.population),
                          format_int(x.sample), x.interval, x.start, format_int(x.reserve)) for x in s.strata)
            out.append(TableBlock(("Nhóm", "Tổng thể (N)", "Cỡ mẫu (n)", "Khoảng cách (k)",
                                   "Điểm xuất phát", "Dự phòng"), rows,
                                  (0.2, 0.16, 0.16, 0.16, 0.16, 0.16), ("l", "r", "r", "r", "r", "r")))
        if s.population_by_field:
            rows = tuple((name, format_int(n)) for name, n in s.population_by_field)
            out.append(body("Số người trong danh sách tổng thể theo lĩnh vực:"))
            out.append(TableBlock(("Lĩnh vực", "Số người (N)"), rows, (0.7, 0.3), ("l", "r")))
        if s.substitution_reasons:
            reasons = "; ".join(f"{r}: {format_int(n)}" for r, n in s.substitution_reasons)
            out.append(body(f"Lý do thay người: {reasons}."))
    out.append(subsection("3. Phát, thu và xử lý phiếu"))
    parts = []
    if s is not None and s.forms_issued is not None:
        parts.append(f"số phiếu phát ra {format_int(s.forms_issued)}")
    if s is not None and s.forms_returned is not None:
        parts.append(f"thu về {format_int(s.forms_returned)}")
    if s is not None and s.response_rate is not None:
        parts.append(f"tỷ lệ phản hồi {pct(s.response_rate)}")
    parts.append(f"số phiếu đã nhập {format_int(sc.total_forms)}, hợp lệ {format_int(sc.valid_forms)}")
    title = data.form.title.capitalize() if data.form.title.isupper() else data.form.title
    out.append(body(f"Phiếu khảo sát: {title} (mã {data.form.id}, phiên bản {data.form.version}); "
                    + ", ".join(parts) + "."))
    q = c.quality
    if q is not None and q.forms_keyed:
        out.append(body(f"Phiếu được nhập vào phần mềm SIPAS Desktop; {format_int(q.forms_double_entered)} "
                        f"phiếu ({pct(q.share_verified)}) được nhập lần thứ hai để kiểm tra, tỷ lệ ô trả lời "
                        f"sai khác giữa hai lần nhập {pct(q.error_rate)}."))
    out.append(body("Cách tính chỉ số: " + " ".join(r.text for r in sc.rules if r.id != "form_note")))
    return out


def _distribution_sentence(d: Distribution) -> str:
    shares = [f"{r.label.lower()} {pct(r.percent)}" for r in d.rows if r.count]
    return f"{d.text}: {'; '.join(shares) if shares else 'không có trả lời'}."


def _respondent_chart(sc: Scores) -> BarChart | None:
    bars: list[Bar] = [Bar(r.label, r.percent, "Đối tượng") for r in sc.applicant_types]
    for d in sc.respondents:
        if d.multiple:
            continue
        bars += [Bar(r.label, r.percent, d.text) for r in d.rows]
    if not bars:
        return None
    return BarChart("Cơ cấu người trả lời (%)", tuple(bars), bar_height=14, font_size=9.5)


def _results(data: BaoCaoData) -> list[Any]:
    sc, unit = data.scores, data.content.unit_name
    out: list[Any] = [subsection("1. Thông tin về người trả lời")]
    if sc.applicant_types:
        shares = "; ".join(f"{r.label.lower()} {format_int(r.count)} người ({pct(r.percent)})"
                           for r in sc.applicant_types)
        out.append(body(f"Trong {format_int(sc.valid_forms)} phiếu hợp lệ: {shares}."))
    out += [body(_distribution_sentence(d)) for d in sc.respondents]
    chart = _respondent_chart(sc)
    if chart is not None:
        out.append(ChartBlock(chart, "Biểu đồ 1. Cơ cấu người trả lời"))
    out.append(subsection("2. Chỉ số hài lòng"))
    main = sc.indices[0] if sc.indices else None
    if main is not None:
        out.append(Para((Run(f"{main.title} của {unit_phrase(unit)} đạt "), Run(pct(main.index), bold=True),
                         Run(f", tính trên {format_int(sc.valid_forms)} phiếu hợp lệ."))))
    for b in sc.blocks:
        out.append(body(f"Chỉ số {block_label(b.title)}: {pct(b.index)}."))
    rows = tuple((str(n), e.title, str(len(e.criteria)), num(e.index)) for n, e in enumerate(sc.elements, 1))
    out.append(body("Chỉ số hài lòng theo từng yếu tố:"))
    out.append(TableBlock(("STT", "Yếu tố", "Số tiêu chí", "Chỉ số (%)"), rows, (0.08, 0.6, 0.14, 0.18),
                          ("c", "l", "c", "r")))
    lowest = min((e for e in sc.elements if e.exact is not None), key=lambda e: e.exact, default=None)
    out.append(ChartBlock(BarChart("Chỉ số hài lòng theo yếu tố (%)",
                                   tuple(Bar(e.title, e.index, highlight=e is lowest) for e in sc.elements)),
                          "Biểu đồ 2. Chỉ số hài lòng theo yếu tố (yếu tố thấp nhất tô màu cam)"))
    dist = sc.satisfaction_distribution()
    total = sum(n for _, n in dist)
    if total:
        labels = _scale_labels(data)
        shares = [(labels.get(code, str(code)), 100 * n / total) for code, n in dist]
        out.append(body(f"Trong tổng số {format_int(total)} lượt đánh giá hợp lệ: "
                        + "; ".join(f"{label.lower()} {pct(p)}" for label, p in reversed(shares)) + "."))
        out.append(ChartBlock(BarChart("Mức độ hài lòng trên mọi lượt đánh giá (%)",
                                       tuple(Bar(label, p) for label, p in shares), horizontal=False),
                              "Biểu đồ 3. Phân bố mức độ hài lòng"))
    groups = {"applicant_type": [], "field": []}  # type: dict[str, list[str]]
    for b in sc.breakdowns:
        groups[b.dimension].append(f"{b.label} {pct(b.overall)} ({format_int(b.forms)} phiếu)")
    if groups["applicant_type"]:
        out.append(body("Theo đối tượng: " + "; ".join(groups["applicant_type"]) + "."))
    if groups["field"]:
        out.append(body("Theo lĩnh vực: " + "; ".join(groups["field"]) + "."))
    out.append(body("Chi tiết chỉ số từng tiêu chí tại Phụ lục I; theo lĩnh vực, đối tượng tại Phụ lục II."))
    n = 3
    if sc.expectations:
        out.append(subsection(f"{n}. Mong đợi của người dân, tổ chức"))
        ranked = sorted((x for x in sc.expectations if x.exact is not None), key=lambda x: -x.exact)
        out.append(body("Tỷ lệ người trả lời mong muốn cải thiện ở mức cao, từ cao đến thấp:"))
        out.append(TableBlock(("STT", "Nội dung cần cải thiện", "Tỷ lệ (%)"),
                              tuple((str(i), x.text, num(x.index)) for i, x in enumerate(ranked, 1)),
                              (0.08, 0.74, 0.18), ("c", "l", "r")))
        n += 1
    if sc.perceptions:
        out.append(subsection(f"{n}. Nhận thức, trải nghiệm của người trả lời"))
        out += [body(_distribution_sentence(d)) for d in sc.perceptions[:8]]
        out.append(body("Chi tiết tại Phụ lục III."))
        n += 1
    out.append(subsection(f"{n}. Ý kiến khác"))
    count = sum(c.count for c in sc.comments)
    if count:
        out.append(body(f"Có {format_int(count)} phiếu ghi ý kiến khác ({format_int(len(sc.comments))} ý "
                        "kiến sau khi gộp các ý kiến giống nhau); toàn văn tại Phụ lục IV."))
        out += paragraphs(data.texts.comments_summary)
        for c in sc.comments[:5]:
            out.append(body(f"- “{c.text}” ({format_int(c.count)} phiếu)."))
    else:
        out.append(body("Không có phiếu nào ghi ý kiến khác."))
    return out


def _scale_labels(data: BaoCaoData) -> dict[int, str]:
    sc = data.form.scoring
    if sc is None:
        return {}
    for e in sc.elements:
        for c in e.criteria:
            for qid in c.questions:
                q = data.form.question(qid)
                return {ch.code: ch.label for ch in q.choices}
    return {}


def _assessment(data: BaoCaoData) -> list[Any]:
    sc, t = data.scores, data.texts
    out: list[Any] = [subsection("1. Ưu điểm")]
    ranked = sorted((e for e in sc.elements if e.exact is not None), key=lambda e: -e.exact)
    if ranked:
        top = "; ".join(f"{e.title} ({pct(e.index)})" for e in ranked[:2])
        out.append(body(f"Yếu tố được đánh giá cao nhất: {top}."))
    out += paragraphs(t.strengths)
    out.append(subsection("2. Hạn chế"))
    low = sc.lowest_criteria(3)
    if low:
        out.append(body("Các tiêu chí có chỉ số thấp nhất, cần tập trung cải thiện:"))
        out += [body(f"- {c.title} ({pct(c.index)});") for c in low]
    out += paragraphs(t.weaknesses)
    out.append(subsection("3. Nguyên nhân"))
    out += free_text(t.causes)
    return out


def _recipients(data: BaoCaoData) -> tuple[str, ...]:
    lines = [line.strip() for line in data.texts.recipients.splitlines() if line.strip()]
    if not lines:
        lines = [f"- {data.plan_issuer or 'Sở Nội vụ'};", "- Thường trực Đảng ủy, HĐND xã;",
                 "- Chủ tịch, các Phó Chủ tịch UBND xã;"]
    lines = [line if line.startswith("-") else f"- {line}" for line in lines]
    if not any(line.startswith("- Lưu") for line in lines):
        lines.append("- Lưu: VT, VP.")
    return tuple(lines)


def _appendices(data: BaoCaoData, heading: Heading) -> tuple[Part, ...]:
    sc = data.scores
    when = heading.when
    ref = heading.number.removeprefix("Số:").strip()
    date_text = place_date("", when).removeprefix(", ")
    note = f"(Kèm theo Báo cáo số {ref} {date_text} của {unit_phrase(data.content.unit_name)})"
    codes = [code for code, _ in sc.criteria[0].distribution] if sc.criteria else []
    rows, bold = [], set()
    for n, e in enumerate(sc.elements, 1):
        bold.add(len(rows))
        rows.append((ROMAN[n - 1] if n <= len(ROMAN) else str(n), e.title, "", *[""] * len(codes), "",
                     num(e.index)))
        for m, c in enumerate(e.criteria, 1):
            rows.append((f"{n}.{m}", c.title, format_int(c.valid), *[format_int(k) for _,
                                                                     k in c.distribution],
                         format_int(c.blank + c.no_answer + c.invalid), num(c.index)))
    k = len(codes)
    part1 = Part("Phụ lục I", "KẾT QUẢ CHỈ SỐ HÀI LÒNG THEO TỪNG TIÊU CHÍ", note, (
        TableBlock(("STT", "Yếu tố / tiêu chí", "Hợp lệ", *[f"Mức {c}" for c in codes], "Trống, KTL",
                    "Chỉ số (%)"), tuple(rows), (0.07, 0.41, 0.09, *[0.065] * k, 0.09, 0.115)[:3 + k + 2]
                   if k == 5 else _even(3 + k + 2),
                   ("c", "l", "r", *["r"] * k, "r", "r"), frozenset(bold), 10.5),
        body("Ghi chú: Mức 1 – rất không hài lòng; 2 – không hài lòng; 3 – bình thường; 4 – hài lòng; "
             "5 – rất hài lòng; KTL – không trả lời. Chỉ số = tỷ lệ % trả lời mức "
             + ", ".join(map(str, data.form.scoring.satisfied_codes if data.form.scoring else ()))
             + " trên số trả lời hợp lệ."),
    ))
    header2 = ("Nhóm", "Số phiếu", "Chung (%)", *[f"YT{n}" for n in range(1, len(sc.elements) + 1)])
    rows2 = []
    for b in sc.breakdowns:
        rows2.append((("Đối tượng: " if b.dimension == "applicant_type" else "Lĩnh vực: ") + b.label,
                      format_int(b.forms), num(b.overall), *[num(v) for _, v in b.elements]))
    legend = "; ".join(f"YT{n} – {e.title}" for n, e in enumerate(sc.elements, 1))
    part2 = Part("Phụ lục II", "CHỈ SỐ HÀI LÒNG THEO LĨNH VỰC VÀ ĐỐI TƯỢNG", note, (
        TableBlock(header2, tuple(rows2), _breakdown_widths(len(sc.elements)),
                   ("l", "r", *["r"] * (len(header2) - 2)), font_size=10.5 if len(sc.elements) <= 6 else 9),
        body(f"Ghi chú: {legend}."),
    ))
    blocks3: list[Any] = []
    for d in (*sc.respondents, *sc.perceptions):
        blocks3.append(Para((Run(f"Câu {d.number}. {d.text}" if d.number else d.text, bold=True),), "plain"))
        blocks3.append(TableBlock(("Phương án", "Số người", "Tỷ lệ (%)"),
                                  tuple((r.label, format_int(r.count), num(r.percent)) for r in d.rows)
                                  + (("Để trống, không trả lời",
                                      format_int(d.counts.blank + d.counts.no_answer),
                                      ""),), (0.6, 0.2, 0.2), ("l", "r", "r"), font_size=11))
    if sc.expectations:
        blocks3.append(Para((Run("Mong đợi cải thiện", bold=True),), "plain"))
        blocks3.append(TableBlock(("Câu", "Nội dung", "Số trả lời", "Số chọn mức cao", "Tỷ lệ (%)"),
                                  tuple((x.number, x.text, format_int(x.answered), format_int(x.counted),
                                         num(x.index)) for x in sc.expectations),
                                  (0.08, 0.5, 0.14, 0.14, 0.14), ("c", "l", "r", "r", "r"), font_size=11))
    parts = [part1, part2, Part("Phụ lục III", "CƠ CẤU NGƯỜI TRẢ LỜI, MONG ĐỢI VÀ NHẬN THỨC", note,
                                tuple(blocks3))]
    if sc.comments:
        parts.append(Part("Phụ lục IV", "Ý KIẾN KHÁC CỦA NGƯỜI DÂN, TỔ CHỨC", note, (
            TableBlock(("STT", "Ý kiến (đã che thông tin cá nhân)", "Số phiếu"),
                       tuple((str(i), c.text, format_int(c.count)) for i, c in enumerate(sc.comments, 1)),
                       (0.08, 0.77, 0.15), ("c", "l", "r"), font_size=11),)))
    return tuple(parts)


def _even(n: int) -> tuple[float, ...]:
    return tuple([1 / n] * n)


def _breakdown_widths(elements: int) -> tuple[float, ...]:
    """Group name wide, counts and overall readable, elements share the rest."""
    fixed = (0.24, 0.09, 0.1)
    rest = (1 - sum(fixed)) / max(elements, 1)
    return (*fixed, *[rest] * elements)


def build_document(data: BaoCaoData) -> BaoCaoDocument:
    heading = heading_of(data)
    unit = data.content.unit_name
    intro = [*_legal_basis(data),
             body(f"{unit_phrase(unit)} báo cáo kết quả tự khảo sát sự hài lòng của người dân, tổ chức "
                  f"đối với sự phục vụ của cơ quan hành chính nhà nước năm {_year(data)} như sau:")]
    blocks: list[Any] = [*intro,
                         section("I. MỤC ĐÍCH, YÊU CẦU"), *_purpose(data),
                         section("II. TỔ CHỨC THỰC HIỆN"), *_method(data),
                         section("III. KẾT QUẢ KHẢO SÁT"), *_results(data),
                         section("IV. ĐÁNH GIÁ CHUNG"), *_assessment(data),
                         section("V. GIẢI PHÁP, KIẾN NGHỊ"),
                         subsection("1. Giải pháp"), *free_text(data.texts.solutions),
                         subsection("2. Kiến nghị"), *free_text(data.texts.recommendations, 2),
                         body("Trên đây là báo cáo kết quả tự khảo sát sự hài lòng của người dân, tổ chức "
                              f"năm {_year(data)} của {unit_phrase(unit)}./.")]
    signature = Signature(_recipients(data), data.texts.signer_authority or "TM. ỦY BAN NHÂN DÂN",
                          data.texts.signer_position or "CHỦ TỊCH", data.texts.signer_name)
    return BaoCaoDocument(heading, heading.title, heading.subject, tuple(blocks), signature,
                          _appendices(data, heading))


__all__ = ["BaoCaoData", "BaoCaoDocument", "BaoCaoTexts", "ChartBlock", "Para", "Part", "Run", "Signature",
           "TableBlock", "build_document", "pct", "place_date"]
