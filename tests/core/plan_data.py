"""Test data for plans and samples: dossier rows for the pure functions, log rows for the database."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sipas_desktop.core.sampling import DossierRow

FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm",
         "Thảo", "Trang", "Tuấn", "Vân", "Xuân", "Yến"]


def row(code: str, *, received: date = date(2020, 3, 2), returned: date | None = date(2020, 3, 5),
        name: str | None = None, kind: str = "ca_nhan", address: str = "", phone: str = "",
        field: str = "Hộ tịch", channel: str = "truc_tiep", in_province: bool = True,
        birth: date | None = None) -> DossierRow:
    return DossierRow(code, received, returned, name if name is not None else f"Người {code}", kind,
                      address, phone, field, "Đăng ký khai sinh", channel, in_province, birth)


def eligible_rows(count: int, *, kind: str = "ca_nhan", prefix: str = "HS",
                  start: date = date(2020, 1, 2)) -> list[DossierRow]:
    """`count` distinct eligible people, one dossier each, on consecutive days."""
    return [row(f"{prefix}-{i:05d}", received=start + timedelta(days=i % 200),
                returned=start + timedelta(days=i % 200 + 2), name=f"{prefix} người {i}", kind=kind,
                phone=f"09{i:08d}") for i in range(count)]


def random_log(count: int, seed: int = 7, *, start: date = date(2020, 1, 2)) -> list[dict[str, object]]:
    """A realistic mixed log as Dossier table values: channels, pending results, repeat visitors,
    organisations, people from outside the province, fields outside a plan."""
    rng = random.Random(seed)
    people = []
    for _ in range(max(1, count * 3 // 4)):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        people.append((name, f"09{rng.randrange(10**8):08d}", f"Thôn {rng.randrange(1, 12)}, xã Nghi Xuân"))
    rows = []
    for i in range(count):
        organisation = rng.random() < 0.15
        if organisation:
            name, phone, address = (f"Công ty TNHH {rng.choice(GIVEN)} {i % 40}", f"0239{i % 40:06d}",
                                    "Khu công nghiệp Gia Lách")
        else:
            name, phone, address = rng.choice(people)
            if rng.random() < 0.1:
                phone = ""  # some people give no phone: matched on name and address only
        received = start + timedelta(days=rng.randrange(260))
        rows.append(dict(
            code=f"000.17.22.H56-{received:%y%m%d}-{i:05d}", procedure_name="Đăng ký khai sinh",
            field_name=rng.choice(FIELDS), applicant_name=name,
            applicant_type="to_chuc" if organisation else "ca_nhan", address=address, phone=phone,
            received_date=received,
            returned_date=None if rng.random() < 0.08 else received + timedelta(days=rng.randrange(1, 10)),
            channel=rng.choices(["truc_tiep", "truc_tuyen", "buu_chinh"], [80, 15, 5])[0],
            in_province=rng.random() > 0.04, source="test"))
    return rows


def insert_log(rows: list[dict[str, object]]) -> None:
    from sipas_desktop.core import models
    from sipas_desktop.core.db import atomic, chunk_size

    if not rows:
        return
    size = chunk_size(len(rows[0]))
    with atomic():
        for begin in range(0, len(rows), size):
            models.Dossier.insert_many(rows[begin:begin + size]).execute()
