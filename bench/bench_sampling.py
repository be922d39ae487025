"""Population list and draw from a 1,000,000-dossier log, against a plain sort of the same rows.

Goal (issue 3): building the population list (eligibility, one person once, strata, frame order)
and drawing the sample and reserves take at most 3 × the time of a plain Python sort of the same
rows by (date received, dossier code), measured in the same run on the same machine.

Also measured, and reported separately: reading the same log from a real SQLite database with
`sample_store.load_log_rows` (what `sipas sample draw` does first). Set SIPAS_BENCH_ROWS to try
another size; SIPAS_BENCH_DB=0 skips the database part.
"""

from __future__ import annotations

import gc
import os
import random
import sqlite3
import tempfile
import time
from datetime import date, timedelta
from operator import attrgetter
from pathlib import Path

from sipas_desktop.core import sampling
from sipas_desktop.core.sampling import DossierRow

ROWS = int(os.environ.get("SIPAS_BENCH_ROWS", "1000000"))
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quang", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm",
         "Thảo", "Trang", "Tuấn", "Vân", "Xuân", "Yến"]
FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Hộ kinh doanh", "Bảo trợ xã hội",
          "Người có công", "Lao động – Việc làm"]


def make_log(count: int, seed: int = 2020) -> list[DossierRow]:
    """A log where people come back (about 1.3 dossiers each), with every kind of exclusion."""
    rng = random.Random(seed)
    people = [(f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i % 997}",
               f"09{rng.randrange(10**8):08d}", f"Thôn {rng.randrange(1, 30)}, xã {i % 50}")
              for i in range(count * 3 // 4)]
    start = date(2019, 12, 1)
    rows = []
    channels = ["truc_tiep"] * 16 + ["truc_tuyen"] * 3 + ["buu_chinh"]
    for i in range(count):
        name, phone, address = people[rng.randrange(len(people))]
        received = start + timedelta(days=rng.randrange(300))
        rows.append(DossierRow(
            f"000.17.22.H56-{received:%y%m%d}-{i:07d}", received,
            None if rng.random() < 0.08 else received + timedelta(days=rng.randrange(1, 12)),
            name, "to_chuc" if rng.random() < 0.12 else "ca_nhan", address,
            "" if rng.random() < 0.1 else phone, rng.choice(FIELDS), "Thủ tục", rng.choice(channels),
            rng.random() > 0.04, None))
    return rows


def timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """Best wall time and best CPU time of this process over `repeat` runs, and the result."""
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return best_wall, best_cpu, result


def interleaved(first, second, rounds: int = 5) -> tuple[tuple[float, float], tuple[float, float], object]:
    """Best (wall, CPU) of each of two jobs run in turn, and the second's result.

    On a machine shared with other jobs the load comes and goes: running the two in turn, and
    keeping each one's best, compares them under the same conditions. CPU time of this process
    is what the ratio uses (wall time mostly measures the neighbours); both are reported.
    """
    a = [float("inf"), float("inf")]
    b = [float("inf"), float("inf")]
    result = None
    for _ in range(rounds):
        for best, fn in ((a, first), (b, second)):
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            out = fn()
            best[1] = min(best[1], time.process_time() - cpu)
            best[0] = min(best[0], time.perf_counter() - wall)
            if fn is second:
                result = out
    return (a[0], a[1]), (b[0], b[1]), result


def population_and_draw(rows: list[DossierRow]) -> sampling.DrawResult:
    rules = sampling.Rules(date(2020, 1, 2), date(2020, 8, 31), fields=tuple(FIELDS[:6]))
    pop = sampling.build_population(rows, rules)
    sizes = sampling.stratum_sizes(pop.counts(), {"ca_nhan": 150, "to_chuc": 50})
    return sampling.draw(pop, sizes, 2020, "0.2")


def database_read(rows: list[DossierRow]) -> dict[str, float]:
    """Write the log to a migrated SQLite file (raw executemany), then time load_log_rows."""
    from sipas_desktop.core import sample_store
    from sipas_desktop.core.db import close_database
    from sipas_desktop.core.services.app import open_app

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SIPAS_HOME"] = tmp
        path = Path(tmp) / "bench.db"
        open_app(path, daily_backup=False)
        close_database()
        con = sqlite3.connect(path)
        values = {
            "code": lambda r: r.code, "procedure_name": lambda r: r.procedure_name,
            "field_name": lambda r: r.field_name, "applicant_name": lambda r: r.applicant_name,
            "applicant_type": lambda r: r.applicant_type, "address": lambda r: r.address,
            "phone": lambda r: r.phone, "received_date": lambda r: r.received_date.isoformat(),
            "returned_date": lambda r: r.returned_date.isoformat() if r.returned_date else None,
            "channel": lambda r: r.channel, "in_province": lambda r: int(r.in_province),
            "source": lambda r: "bench"}
        # Other columns (added by later migrations too): NOT NULL ones get an empty value.
        filler = {row[1]: (0 if "INT" in (row[2] or "").upper() else "")
                  for row in con.execute("PRAGMA table_info(dossier)")
                  if row[3] and row[4] is None and row[1] not in values and not row[5]}
        columns = list(values) + list(filler)
        started = time.perf_counter()
        con.executemany(
            f"INSERT INTO dossier ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            (tuple(get(r) for get in values.values()) + tuple(filler.values()) for r in rows))
        con.commit()
        con.close()
        write = time.perf_counter() - started
        open_app(path, daily_backup=False)
        read, _, loaded = timed(sample_store.load_log_rows, repeat=1)
        assert len(loaded) == len(rows)  # type: ignore[arg-type]
        close_database()
    return {"db_write_s": round(write, 2), "db_read_s": round(read, 2)}


def main() -> dict[str, object]:
    started = time.perf_counter()
    rows = make_log(ROWS)
    print(f"log of {len(rows):,} dossiers generated in {time.perf_counter() - started:.1f} s")
    (sort_wall, sort_cpu), (ours_wall, ours_cpu), result = interleaved(
        lambda: sorted(rows, key=attrgetter("received_date", "code")), lambda: population_and_draw(rows))
    assert isinstance(result, sampling.DrawResult)
    ratio = ours_cpu / sort_cpu
    print(f"plain sort of the same rows by (date received, code): {sort_cpu:.2f} s CPU "
          f"({sort_wall:.2f} s wall)")
    print(f"population list + sizes + draw (n = {result.n}, reserve {result.reserve_count}): "
          f"{ours_cpu:.2f} s CPU ({ours_wall:.2f} s wall) = {ratio:.2f} × the sort (goal ≤ 3 ×; "
          f"wall-time ratio {ours_wall / sort_wall:.2f} ×)")
    out: dict[str, object] = {"rows": len(rows), "sort_cpu_s": round(sort_cpu, 3),
                              "sort_wall_s": round(sort_wall, 3),
                              "population_and_draw_cpu_s": round(ours_cpu, 3),
                              "population_and_draw_wall_s": round(ours_wall, 3),
                              "ratio_cpu": round(ratio, 2), "ratio_wall": round(ours_wall / sort_wall, 2),
                              "goal_met": ratio <= 3.0}
    if os.environ.get("SIPAS_BENCH_DB", "1") != "0":
        db = database_read(rows)
        print(f"reading the log back from SQLite (load_log_rows): {db['db_read_s']:.2f} s "
              f"(written with raw executemany in {db['db_write_s']:.2f} s)")
        out.update(db)
    return out


if __name__ == "__main__":
    main()
