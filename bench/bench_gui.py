"""GUI speed: the log view opening on 100,000 dossiers, and cold start against bare ttkbootstrap.

- Log view open: in one process, a real LogView is built over a database of 100,000 dossiers
  and timed from the constructor call to the end of the first full redraw (`update()`), rows on
  screen. Also timed: a jump to the middle of the log, a sort by name (Vietnamese order) and an
  accent-free name search, each to the end of its redraw.
- Cold start: a fresh Python process is started and timed (wall clock, from the parent) until
  it prints READY, which it does once its window is mapped and drawn. For SIPAS that is the main
  window with the log view showing the first rows of the same 100,000-dossier database; for the
  reference it is a bare `ttkbootstrap.App` with one label. Both are run alternately, after one
  warm-up each, and the median is reported.

Needs a display; without one (`make bench` on a server) it re-runs itself under `xvfb-run -a`.
Run alone: `python -m bench bench_gui` (`SIPAS_BENCH_ROWS` changes the number of dossiers).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROWS = int(os.environ.get("SIPAS_BENCH_ROWS", "100000"))
RUNS = int(os.environ.get("SIPAS_BENCH_RUNS", "5"))
ROOT = Path(__file__).resolve().parents[1]

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
         "Ánh", "Yến"]
PROCEDURES = [("Hộ tịch", "Đăng ký khai sinh"), ("Hộ tịch", "Đăng ký kết hôn"),
              ("Hộ tịch", "Đăng ký khai tử"), ("Chứng thực", "Chứng thực bản sao từ bản chính"),
              ("Chứng thực", "Chứng thực chữ ký"), ("Đất đai", "Đăng ký biến động đất đai"),
              ("Bảo trợ xã hội", "Trợ cấp xã hội hằng tháng"), ("Xây dựng", "Cấp giấy phép xây dựng")]


def build_database(db_path: Path, rows: int, seed: int = 7) -> None:
    """`rows` plausible dossiers, inserted in chunks (Windows' parameter limit respected)."""
    from sipas_desktop.core import models
    from sipas_desktop.core.db import atomic, chunk_size
    from sipas_desktop.core.services.app import init_office, open_app
    from sipas_desktop.core.tthc_log.records import DossierRecord, record_to_model_dict

    open_app(db_path, daily_backup=False)
    init_office("18352", "xa")
    rng = random.Random(seed)
    start = date(2024, 1, 2)
    batch: list[dict] = []
    size = 0
    with atomic():
        for i in range(rows):
            field, procedure = rng.choice(PROCEDURES)
            org = rng.random() < 0.12
            name = (f"Công ty TNHH {rng.choice(GIVEN)} {rng.choice(GIVEN)}" if org else
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}")
            received = start + timedelta(days=rng.randrange(700))
            record = DossierRecord(
                code=f"000.17.22.H56-{received:%y%m%d}-{i:06d}", procedure_name=procedure,
                field_name=field, applicant_name=name, received_date=received,
                returned_date=received + timedelta(days=rng.randrange(1, 10)) if rng.random() < .9 else None,
                channel=rng.choice(["truc_tiep", "truc_tiep", "truc_tuyen", "buu_chinh"]),
                applicant_type="to_chuc" if org else "ca_nhan", phone=f"09{rng.randrange(10**8):08d}",
                address=f"Thôn {rng.randrange(1, 12)}, Xã Nghi Xuân", source="bench")
            batch.append(record_to_model_dict(record))
            size = size or chunk_size(len(batch[0]))
            if len(batch) >= size:
                models.Dossier.insert_many(batch).execute()
                batch = []
        if batch:
            models.Dossier.insert_many(batch).execute()


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure_view(db_path: Path) -> dict[str, float]:
    """Open the real LogView RUNS times over the database; time it and three common actions."""
    import ttkbootstrap as ttk

    from sipas_desktop.core.services.app import open_app
    from sipas_desktop.ui import i18n
    from sipas_desktop.ui.context import AppContext
    from sipas_desktop.ui.errors import RecordingPrompter
    from sipas_desktop.ui.views.log import LogView
    from sipas_desktop.ui.worker import JobRunner

    open_app(db_path, daily_backup=False)
    root = ttk.App(title="bench", theme="bootstrap-light", size=(1280, 800))
    i18n.install(root)
    root.update()
    opens, middle, sort, search = [], [], [], []
    for _ in range(RUNS):
        frame = ttk.Frame(root)
        frame.pack(fill="both", expand=True)
        ctx = AppContext(root, JobRunner(root), RecordingPrompter(), {}, modal=False)
        holder: dict[str, LogView] = {}

        def open_view(frame=frame, ctx=ctx, holder=holder) -> None:
            view = LogView(frame, ctx)
            view.pack(fill="both", expand=True)
            root.update()
            holder["view"] = view

        opens.append(_timed(open_view))
        view = holder["view"]
        assert view.grid_widget.total == ROWS and view.grid_widget.visible_rows()
        middle.append(_timed(lambda v=view: (v.grid_widget._on_scrollbar("moveto", "0.5"), root.update())))
        sort.append(_timed(lambda v=view: (v.sort_by("applicant_name"), root.update())))
        search.append(_timed(lambda v=view: (v.set_filter(text="nguyen van an"), root.update())))
        frame.destroy()
        root.update()
    root.destroy()
    return {"view_open_median_s": statistics.median(opens), "view_open_max_s": max(opens),
            "jump_to_middle_median_s": statistics.median(middle),
            "sort_by_name_median_s": statistics.median(sort),
            "search_name_median_s": statistics.median(search)}


SIPAS_CHILD = """
import sys
from sipas_desktop.ui.app import create_main_window
root, window = create_main_window(sys.argv[1])
root.wait_visibility()
root.update()
assert window.views["log"].grid_widget.visible_rows()
print("READY", flush=True)
root.destroy()
"""

BARE_CHILD = """
import ttkbootstrap as ttk
root = ttk.App(title="bare", theme="bootstrap-light", size=(1280, 800))
ttk.Label(root, text="Xin chào").pack()
root.wait_visibility()
root.update()
print("READY", flush=True)
root.destroy()
"""


def _start_once(code: str, *args: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline() if proc.stdout else ""
    elapsed = time.perf_counter() - started
    _, err = proc.communicate(timeout=60)
    if not line.startswith("READY") or proc.returncode != 0:
        raise RuntimeError(f"child did not start: {line!r} {err[-2000:]}")
    return elapsed


def measure_cold_start(db_path: Path, env: dict[str, str]) -> dict[str, float]:
    _start_once(SIPAS_CHILD, str(db_path), env=env)   # warm-up (also takes today's backup)
    _start_once(BARE_CHILD, env=env)
    sipas, bare = [], []
    for _ in range(RUNS):
        sipas.append(_start_once(SIPAS_CHILD, str(db_path), env=env))
        bare.append(_start_once(BARE_CHILD, env=env))
    return {"cold_start_sipas_median_s": statistics.median(sipas),
            "cold_start_bare_ttkbootstrap_median_s": statistics.median(bare),
            "cold_start_ratio": statistics.median(sipas) / statistics.median(bare)}


def run() -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="sipas-bench-gui-"))
    try:
        env = dict(os.environ, SIPAS_HOME=str(folder / "home"))
        os.environ["SIPAS_HOME"] = env["SIPAS_HOME"]
        db_path = folder / "sipas.db"
        started = time.perf_counter()
        build_database(db_path, ROWS)
        print(f"database of {ROWS:,} dossiers built in {time.perf_counter() - started:.1f} s", flush=True)
        from sipas_desktop.core.db import close_database

        close_database()
        view = measure_view(db_path)
        close_database()
        cold = measure_cold_start(db_path, env)
        return {"rows": ROWS, "runs": RUNS, **view, **cold}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> dict[str, object]:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            raise RuntimeError("no display and no xvfb-run: install Debian's xvfb")
        out = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", sys.executable, "-m",
                              "bench.bench_gui", "--json"], cwd=ROOT, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
    else:
        result = run()
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")
    return result


if __name__ == "__main__":
    if "--json" in sys.argv:
        print(json.dumps(run()))
    else:
        main()
