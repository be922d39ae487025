"""Administrative units: the 2025 two-tier list built in, older three-tier units added by hand.

The built-in list (34 provinces, 3,321 communes after 1 July 2025) comes from the maintained
`vietnam-provinces` package, never a hand-typed list. Units that existed only before 7/2025
(a huyện and its xã, for a 2020 plan) are added by the user or imported from Excel and marked
`historical`. Any unit can aggregate the units below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sipas_desktop.core import models
from sipas_desktop.core.db import atomic, chunk_size
from sipas_desktop.core.errors import IssueList, NotFoundError, UserError
from sipas_desktop.core.text import fold, nfc, sort_key

KIND_LABELS = {
    "tinh": "Tỉnh",
    "thanh_pho_tw": "Thành phố trực thuộc trung ương",
    "xa": "Xã",
    "phuong": "Phường",
    "dac_khu": "Đặc khu",
    "huyen": "Huyện",
    "quan": "Quận",
    "thi_xa": "Thị xã",
    "thanh_pho": "Thành phố thuộc tỉnh",
    "thi_tran": "Thị trấn",
}
LEVEL_OF_KIND = {
    "tinh": 1, "thanh_pho_tw": 1,
    "huyen": 2, "quan": 2, "thi_xa": 2, "thanh_pho": 2,
    "xa": 3, "phuong": 3, "dac_khu": 3, "thi_tran": 3,
}


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str
    level: int
    parent: str | None
    parent_name: str | None
    historical: bool
    builtin: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def full_name(self) -> str:
        return f"{self.name}, {self.parent_name}" if self.parent_name else self.name


def _builtin_rows() -> list[dict[str, object]]:
    from vietnam_provinces import Province, Ward

    kinds = {"tỉnh": "tinh", "thành phố trung ương": "thanh_pho_tw",
             "xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}
    rows: list[dict[str, object]] = []
    for p in Province.iter_all():
        name = nfc(p.name)
        if p.division_type.value == "tỉnh" and not fold(name).startswith("tinh "):
            name = f"Tỉnh {name}"  # the package names provinces without the word, cities with it
        rows.append(dict(code=f"{int(p.code):02d}", name=name, kind=kinds[p.division_type.value],
                         level=1, parent=None, builtin=True, historical=False, name_fold=fold(name)))
    for w in Ward.iter_all():
        name = nfc(w.name)
        rows.append(dict(code=f"{int(w.code):05d}", name=name, kind=kinds[w.division_type.value],
                         level=3, parent=f"{int(w.province_code):02d}", builtin=True,
                         historical=False, name_fold=fold(name)))
    return rows


def seed_builtin_units() -> int:
    rows = _builtin_rows()
    size = chunk_size(len(rows[0]))
    with atomic():
        for start in range(0, len(rows), size):
            models.Unit.insert_many(rows[start:start + size]).on_conflict_replace().execute()
    return len(rows)


def _info(unit: models.Unit, names: dict[str, str] | None = None) -> UnitInfo:
    parent_name = None
    if unit.parent:
        if names is not None:
            parent_name = names.get(unit.parent)
        else:
            parent = models.Unit.get_or_none(models.Unit.code == unit.parent)
            parent_name = parent.name if parent else None
    return UnitInfo(unit.code, unit.name, unit.kind, unit.level, unit.parent, parent_name,
                    unit.historical, unit.builtin)


def get_unit(code: str) -> UnitInfo:
    unit = models.Unit.get_or_none(models.Unit.code == nfc(code))
    if unit is None:
        raise NotFoundError(f"Không có đơn vị hành chính mã “{code}”.", code="UNIT_001")
    return _info(unit)


def search_units(query: str = "", *, parent: str | None = None, level: int | None = None,
                 limit: int = 200) -> list[UnitInfo]:
    """Units whose name or code contains `query` (accent-insensitive), Vietnamese order."""
    q = models.Unit.select()
    term = fold(query)
    if term:
        q = q.where((models.Unit.name_fold.contains(term)) | (models.Unit.code.startswith(term)))
    if parent is not None:
        q = q.where(models.Unit.parent == parent)
    if level is not None:
        q = q.where(models.Unit.level == level)
    units = list(q.limit(5000))
    names = {u.code: u.name for u in models.Unit.select(models.Unit.code, models.Unit.name)
             .where(models.Unit.level < 3)}
    units.sort(key=lambda u: (u.level, sort_key(u.name)))
    return [_info(u, names) for u in units[:limit]]


def children(code: str) -> list[UnitInfo]:
    return search_units(parent=code, limit=100000)


def descendants(code: str) -> set[str]:
    """Codes of every unit below `code` (any depth)."""
    found: set[str] = set()
    frontier = [code]
    while frontier:
        rows = models.Unit.select(models.Unit.code).where(models.Unit.parent.in_(frontier))
        frontier = [r.code for r in rows if r.code not in found]
        found.update(frontier)
    return found


def add_unit(code: str, name: str, kind: str, parent: str | None = None,
             historical: bool = True) -> UnitInfo:
    """Add a unit by hand (an old huyện or xã for a historical plan)."""
    code, name = nfc(code), nfc(name)
    if not code or not name:
        raise UserError("Cần nhập cả mã và tên đơn vị.", code="UNIT_002")
    if kind not in LEVEL_OF_KIND:
        raise UserError(f"Loại đơn vị “{kind}” không hợp lệ.", code="UNIT_003")
    if models.Unit.get_or_none(models.Unit.code == code):
        raise UserError(f"Mã đơn vị “{code}” đã có.", code="UNIT_004")
    if parent and not models.Unit.get_or_none(models.Unit.code == parent):
        raise UserError(f"Không có đơn vị cấp trên mã “{parent}”.", code="UNIT_001")
    with atomic():
        models.Unit.create(code=code, name=name, kind=kind, level=LEVEL_OF_KIND[kind], parent=parent,
                           builtin=False, historical=historical, name_fold=fold(name))
    return get_unit(code)


_KIND_BY_WORD = {fold(v): k for k, v in KIND_LABELS.items()}
_KIND_BY_WORD.update({"tinh": "tinh", "huyen": "huyen", "xa": "xa", "phuong": "phuong",
                      "thi tran": "thi_tran", "thi xa": "thi_xa", "quan": "quan",
                      "thanh pho": "thanh_pho", "dac khu": "dac_khu"})


def import_units(path: Path) -> tuple[int, IssueList]:
    """Import historical units from an .xlsx with columns Mã · Tên · Loại · Mã cấp trên.

    All-or-nothing: any error leaves the database unchanged and is returned as issues.
    """
    from openpyxl import load_workbook

    issues = IssueList()
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds; wrap once here
        raise UserError(f"Không đọc được tệp “{Path(path).name}”: không phải tệp Excel .xlsx hợp lệ.",
                        code="UNIT_010") from exc
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    new: list[dict[str, object]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows[1:], start=2):
        cells = [nfc(c) for c in (list(row) + [None] * 4)[:4]]
        if not any(cells):
            continue
        code, name, kind_text, parent = cells
        kind = _KIND_BY_WORD.get(fold(kind_text))
        if not code or not name:
            issues.add("UNIT_011", "thiếu mã hoặc tên đơn vị", sheet=ws.title, row=index)
            continue
        if kind is None:
            issues.add("UNIT_012", f"loại đơn vị “{kind_text}” không rõ (huyện, xã, phường, …)",
                       sheet=ws.title, row=index, column="Loại")
            continue
        if code in seen or models.Unit.get_or_none(models.Unit.code == code):
            issues.add("UNIT_004", f"mã đơn vị “{code}” đã có", sheet=ws.title, row=index, column="Mã")
            continue
        if parent and parent not in seen and not models.Unit.get_or_none(models.Unit.code == parent):
            issues.add("UNIT_001", f"không có đơn vị cấp trên mã “{parent}”", sheet=ws.title, row=index,
                       column="Mã cấp trên")
            continue
        seen.add(code)
        new.append(dict(code=code, name=name, kind=kind, level=LEVEL_OF_KIND[kind], parent=parent or None,
                        builtin=False, historical=True, name_fold=fold(name)))
    if issues.errors:
        return 0, issues
    with atomic():
        for row in new:
            models.Unit.create(**row)
    return len(new), issues
