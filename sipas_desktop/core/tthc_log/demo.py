"""A realistic one-stop-desk export for demos, tests and benchmarks (`sipas demo log`).

The file looks like what commune one-stop software exports: a title block above the table, a
two-row merged header ("Ngày, tháng, năm" over five dates) or a flat one, dates as Excel dates
and as dd/mm/yyyy text, address and phone in one cell, a total row and a signature block below.
The dossiers are invented but plausible: Vietnamese names and organisations, procedures of the
commune catalogue across all fields, all three channels, results not yet handed over, applicants
from other provinces, and dates spilling outside a calendar-year window.

Everything follows from `seed` (random.Random, never the module RNG), so the same command gives
the same rows. The sheet is written with openpyxl's write-only mode: it streams rows to disk in
tens of megabytes where the normal mode needs a gigabyte for 100,000 rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sipas_desktop.core.errors import UserError
from sipas_desktop.core.files import save_workbook
from sipas_desktop.core.progress import Progress, report

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
VARIANTS = {
    "mau06": "Mẫu 06 (tiêu đề hai dòng, địa chỉ và điện thoại chung một ô, ngày dạng Excel)",
    "mot-cua": "phần mềm một cửa (tiêu đề một dòng, cột riêng, ngày dạng chữ dd/mm/yyyy)",
}
MAX_ROWS = 1_000_000
_FIXED_TIME = datetime(2025, 1, 1, 8, 0, 0)  # workbook properties: same seed, same file


@dataclass(frozen=True)
class DemoPlace:
    """Where the demo office is: the commune and its province (names as in the unit list)."""

    unit_name: str = "Xã Nghi Xuân"
    unit_code: str = "18352"
    province_name: str = "Hà Tĩnh"
    province_code: str = "42"


@dataclass(frozen=True)
class DemoDossier:
    code: str
    procedure: str
    field: str
    quantity: int
    name: str
    is_org: bool
    address: str
    phone: str
    agency: str
    received: date
    due: date
    transferred: date | None
    result_in: date | None
    returned: date | None
    channel: str
    result_method: str
    notes: str


def _load_words() -> dict:
    return json.loads((DATA_DIR / "demo_log.json").read_text("utf-8"))


def _load_catalogue() -> list[tuple[str, list[str]]]:
    data = json.loads((DATA_DIR / "catalogue.json").read_text("utf-8"))
    return [(f["name"], list(f["procedures"])) for f in data["fields"]]


def _home_communes(place: DemoPlace) -> list[str]:
    """Real commune names of the home province (from the unit package), for addresses."""
    try:
        from vietnam_provinces import Ward

        names = [w.name for w in Ward.iter_all() if int(w.province_code) == int(place.province_code)]
    except Exception:  # the package is optional for the demo: fall back to the office alone
        names = []
    return names or [place.unit_name]


class _Generator:
    def __init__(self, seed: int, place: DemoPlace, start: date, end: date) -> None:
        self.rng = random.Random(seed)
        self.place = place
        self.words = _load_words()
        self.catalogue = _load_catalogue()
        weights = self.words["field_weights"]
        self.fields = [name for name, _ in self.catalogue]
        self.field_weights = [weights.get(name, 1) for name in self.fields]
        self.procedures = dict(self.catalogue)
        fam = self.words["family_names"]
        self.families = [f for f, _ in fam]
        self.family_weights = [w for _, w in fam]
        self.communes = _home_communes(place)
        self.start, self.end = start, end
        self.span = (end - start).days
        self.office = f"UBND {place.unit_name[0].lower()}{place.unit_name[1:]}"
        self.province_label = (place.province_name if place.province_name.startswith("Thành phố")
                               else f"tỉnh {place.province_name}")

    def person(self) -> str:
        rng = self.rng
        family = rng.choices(self.families, self.family_weights)[0]
        if rng.random() < 0.5:
            middle = rng.choice(self.words["middle_names_male"])
            given = rng.choice(self.words["given_names_male"])
        else:
            middle = rng.choice(self.words["middle_names_female"])
            given = rng.choice(self.words["given_names_female"])
        if rng.random() < 0.25:  # a second middle name: "Nguyễn Thị Thu Hà"
            given = f"{rng.choice(self.words['middle_names_female'])} {given}"
        return f"{family} {middle} {given}"

    def organisation(self, field: str) -> str:
        rng = self.rng
        pattern = rng.choice(self.words["organisations"][field])
        commune = rng.choice(self.communes)
        short = commune.split(" ", 1)[1] if " " in commune else commune
        return pattern.format(w=rng.choice(self.words["org_words"]), place=short,
                              village=rng.choice(self.words["villages"]))

    def address(self) -> tuple[str, bool]:
        rng = self.rng
        if rng.random() < 0.06:  # lives in another province
            return (f"{rng.choice(self.words['villages'])}, {rng.choice(self.words['other_communes'])}, "
                    f"{self._province_text(rng.choice(self.words['other_provinces']))}"), False
        commune = self.place.unit_name if rng.random() < 0.8 else rng.choice(self.communes)
        commune = commune[0].lower() + commune[1:]
        if rng.random() < 0.15:
            first = f"Số {rng.randint(1, 250)} {rng.choice(self.words['streets'])}"
        else:
            first = rng.choice(self.words["villages"])
        return f"{first}, {commune}, {self.province_label}", True

    @staticmethod
    def _province_text(name: str) -> str:
        return name if name.startswith("Thành phố") else f"tỉnh {name}"

    def phone(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            return ""
        prefix = rng.choice(["09", "09", "08", "03", "07"])
        return prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))

    def dossier(self, received: date, seq: int) -> DemoDossier:
        rng = self.rng
        field = rng.choices(self.fields, self.field_weights)[0]
        procedure = rng.choice(self.procedures[field])
        share = self.words["organisation_share"].get(field, 0.0)
        is_org = field in self.words["organisations"] and rng.random() < share
        name = self.organisation(field) if is_org else self.person()
        address, _home = self.address()
        low, high = self.words["processing_days"].get(field, [1, 10])
        due = received + timedelta(days=rng.randint(low, high))
        land = field == "Đất đai"
        agency = self.words["land_agency"] if land and rng.random() < 0.7 else self.office
        transferred = received + timedelta(days=rng.randint(0, 1)) if (land or rng.random() < 0.3) else None
        days_left = (self.end - received).days
        pending = rng.random() < (0.6 if days_left < 20 else 0.03)
        result_in = None
        returned = None
        if not pending or rng.random() < 0.3:
            result_in = received + timedelta(days=max(0, (due - received).days - rng.randint(0, 2)))
            if transferred and result_in < transferred:
                result_in = transferred
        if not pending and result_in is not None:
            returned = result_in + timedelta(days=rng.choice([0, 0, 0, 1, 2, 5]))
        roll = rng.random()
        channel = "truc_tiep" if roll < 0.72 else ("truc_tuyen" if roll < 0.92 else "buu_chinh")
        if channel == "truc_tuyen":
            notes = rng.choice(self.words["notes_online"])
        elif channel == "buu_chinh":
            notes = rng.choice(self.words["notes_post"])
        else:
            notes = rng.choice(self.words["notes_other"]) if rng.random() < 0.15 else ""
        code = (f"000.{int(self.place.province_code):02d}.{self.place.unit_code[-2:]}."
                f"H{int(self.place.province_code):02d}-{received:%y%m%d}-{seq:04d}")
        return DemoDossier(
            code=code, procedure=procedure, field=field,
            quantity=1 if rng.random() < 0.93 else rng.randint(2, 4), name=name, is_org=is_org,
            address=address, phone=self.phone(), agency=agency, received=received, due=due,
            transferred=transferred, result_in=result_in, returned=returned, channel=channel,
            result_method=rng.choice(self.words["result_methods"]), notes=notes)

    def dossiers(self, count: int):
        """`count` dossiers in order of receipt, numbered per day like the one-stop software."""
        rng = self.rng
        days = sorted(self.start + timedelta(days=rng.randint(0, self.span)) for _ in range(count))
        seq = 0
        previous = None
        for received in days:
            seq = seq + 1 if received == previous else 1
            previous = received
            yield self.dossier(received, seq)


def _address_phone(rng: random.Random, address: str, phone: str) -> str:
    if not phone:
        return address
    sep = rng.choice([" - ĐT: ", " - ĐT: ", " - SĐT: ", "; ĐT ", ", Điện thoại: "])
    return f"{address}{sep}{phone}"


_CHANNEL_TEXT = {"truc_tiep": "Trực tiếp", "truc_tuyen": "Trực tuyến", "buu_chinh": "Bưu chính công ích"}
_MAU06_HEADER = ["TT", "Mã hồ sơ", "Tên TTHC", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
                 "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Ngày, tháng, năm", "", "", "",
                 "", "Phương thức nhận kết quả", "Ghi chú", "Ký nhận"]
_MAU06_SUB = ["", "", "", "", "", "", "", "Nhận hồ sơ", "Hẹn trả kết quả",
              "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết",
              "Trả kết quả cho cá nhân, tổ chức", "", "", ""]
_MOTCUA_HEADER = ["STT", "Số hồ sơ", "Lĩnh vực", "Tên thủ tục hành chính", "Họ tên người nộp",
                  "Đối tượng", "Địa chỉ", "Số điện thoại", "Ngày tiếp nhận", "Ngày hẹn trả",
                  "Ngày trả kết quả", "Hình thức nộp", "Ghi chú"]


def write_demo_log(path: Path | str, rows: int, seed: int, *, variant: str = "mau06",
                   place: DemoPlace | None = None, start: date = date(2024, 1, 2),
                   end: date = date(2025, 3, 31), progress: Progress | None = None) -> Path:
    """Write `rows` invented dossiers to `path` (.xlsx); same seed, same rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side

    if variant not in VARIANTS:
        raise UserError(f"Kiểu tệp mẫu “{variant}” không có; chọn: {', '.join(VARIANTS)}.", code="DEMO_001")
    if not 1 <= rows <= MAX_ROWS:
        raise UserError(f"Số dòng phải từ 1 đến {MAX_ROWS:,}".replace(",", ".") + ".", code="DEMO_002")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Tệp mẫu phải có đuôi .xlsx (đã cho “{path.name}”).", code="DEMO_003")
    place = place or DemoPlace()
    gen = _Generator(seed, place, start, end)
    rng = gen.rng
    mau06 = variant == "mau06"
    header = _MAU06_HEADER if mau06 else _MOTCUA_HEADER
    width = len(header)

    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.properties.creator = "SIPAS Desktop (dữ liệu mẫu)"
    ws = wb.create_sheet("Sổ theo dõi hồ sơ" if mau06 else "DanhSachHoSo")
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def cell(value: object, *, font: Font | None = None, boxed: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        if font is not None:
            c.font = font
        if boxed:
            c.alignment, c.border = centre, box
        return c

    for col, w in enumerate([6, 26, 38, 9, 26, 40, 22, 12, 12, 12, 12, 12, 16, 22, 10][:width], start=1):
        ws.column_dimensions[chr(64 + col)].width = w
    # Title block: office left, national title right, then the log's title and period.
    right = width - 5
    ws.append([cell(f"UBND {place.unit_name.upper()}", font=bold)] + [None] * (right - 1)
              + [cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold)])
    ws.append([cell("BỘ PHẬN MỘT CỬA", font=bold)] + [None] * (right - 1)
              + [cell("Độc lập - Tự do - Hạnh phúc", font=bold)])
    ws.append([])
    ws.append([cell("SỔ THEO DÕI HỒ SƠ", font=Font(bold=True, size=14))])
    ws.append([f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"])
    ws.append([])
    ws.merged_cells.add(f"A4:{chr(64 + width)}4")
    ws.merged_cells.add(f"A5:{chr(64 + width)}5")
    ws.append([cell(text, font=bold, boxed=True) for text in header])
    first_header = 7
    if mau06:
        ws.append([cell(text, font=bold, boxed=True) for text in _MAU06_SUB])
        ws.append([cell(f"({i})", boxed=True) for i in range(1, width + 1)])
        for col in range(1, width + 1):
            letter = chr(64 + col)
            if not _MAU06_SUB[col - 1]:
                ws.merged_cells.add(f"{letter}{first_header}:{letter}{first_header + 1}")
        ws.merged_cells.add(f"H{first_header}:L{first_header}")

    # One reusable cell per date column: write-only mode serialises a row as it is appended.
    date_cells = [WriteOnlyCell(ws) for _ in range(5)]
    for c in date_cells:
        c.number_format = "dd/mm/yyyy"

    def as_date(slot: int, value: date | None, text: bool) -> object:
        if value is None:
            return None
        if text:
            return f"{value:%d/%m/%Y}"
        c = date_cells[slot]
        c.value = value
        return c

    step = max(1, rows // 100)
    for n, d in enumerate(gen.dossiers(rows), start=1):
        if mau06:
            text = rng.random() < 0.12  # some rows keyed by hand: dates as text
            ws.append([n, d.code, d.procedure, d.quantity, d.name, _address_phone(rng, d.address, d.phone),
                       d.agency, as_date(0, d.received, text), as_date(1, d.due, text),
                       as_date(2, d.transferred, text), as_date(3, d.result_in, text),
                       as_date(4, d.returned, text), d.result_method, d.notes, None])
        else:
            ws.append([n, d.code, d.field, d.procedure, d.name, "Tổ chức" if d.is_org else "Cá nhân",
                       d.address, d.phone, f"{d.received:%d/%m/%Y}", f"{d.due:%d/%m/%Y}",
                       f"{d.returned:%d/%m/%Y}" if d.returned else "", _CHANNEL_TEXT[d.channel],
                       d.notes])
        if n % step == 0:
            report(progress, n, rows, "Đang tạo dữ liệu mẫu…")
    ws.append([])
    ws.append([None, cell(f"Tổng cộng: {rows} hồ sơ", font=bold)])
    ws.append([])
    ws.append([None, cell("NGƯỜI LẬP SỔ", font=bold)] + [None] * (right - 2)
              + [cell("THỦ TRƯỞNG ĐƠN VỊ", font=bold)])
    ws.append([None, "(Ký, ghi rõ họ tên)"] + [None] * (right - 2) + ["(Ký tên, đóng dấu)"])
    save_workbook(wb, path, code="DEMO_005")
    report(progress, rows, rows, "Đã tạo dữ liệu mẫu.")
    return path
