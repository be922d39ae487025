"""Dossier-log import speed and memory against python-calamine's bare read of the same file.

`python -m bench log_import` (rows: SIPAS_BENCH_ROWS, default 100,000). A demo export is made once
(kept in bench/out/), then, side by side and alternating so that both see the same machine load:
- "read": python-calamine opens the file and turns the sheet into Python rows (nothing else);
- "import": `sipas log import` work — preview (read, find header, parse, check every row) and
  commit (compare with the log, write in one transaction) into a fresh database;
- "reimport": the same file again into that database (everything unchanged).
Each runs in its own subprocess, which reports wall time, CPU time and its peak resident memory
(ru_maxrss: the whole process, interpreter included). Best of three runs each. Targets (issue #2):
import ≤ 2 × read, peak memory < 400 MB.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RUNS = 3


def _child(kind: str, file: str, db: str) -> dict[str, float]:
    import resource

    out: dict[str, float] = {}
    if kind == "read":
        from python_calamine import CalamineWorkbook

        wall0, cpu0 = time.perf_counter(), time.process_time()
        rows = CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python(skip_empty_area=False)
        out["rows"] = len(rows)
    else:
        from sipas_desktop.core.services import log_io
        from sipas_desktop.core.services.app import open_app

        open_app(db, daily_backup=False)  # creating the database is not part of an import
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        preview = log_io.preview_import(file)
        t1 = time.perf_counter()
        result = log_io.commit_import(preview)
        t2 = time.perf_counter()
        out.update(preview_s=t1 - t0, commit_s=t2 - t1, new=result.new, unchanged=result.unchanged,
                   refused=result.refused)
        wall0 = t0
    out["wall_s"] = time.perf_counter() - wall0
    out["cpu_s"] = time.process_time() - cpu0
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _run(kind: str, file: Path, db: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_log_import", "--child", kind, str(file), str(db)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "SIPAS_HOME": str(db.parent / "home")})
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def demo_file(rows: int, seed: int = 1) -> Path:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path = out / f"demo-log-{rows}-{seed}.xlsx"
    if not path.exists():
        from sipas_desktop.core.tthc_log.demo import write_demo_log

        started = time.perf_counter()
        write_demo_log(path, rows, seed)
        print(f"  demo export of {rows:,} rows written in {time.perf_counter() - started:.1f} s "
              f"({path.stat().st_size / 1e6:.1f} MB)", flush=True)
    return path


def main() -> dict[str, object]:
    rows = int(os.environ.get("SIPAS_BENCH_ROWS", "100000"))
    file = demo_file(rows)
    reads, imports, reimports = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(RUNS):
            db = Path(tmp) / f"run{n}" / "sipas.db"
            db.parent.mkdir()
            if n == 0:
                _run("read", file, db)  # warm the page cache so that the first read is not slower
            reads.append(_run("read", file, db))
            imports.append(_run("import", file, db))
            reimports.append(_run("import", file, db))
    best_read = min(r["wall_s"] for r in reads)
    best_import = min(r["wall_s"] for r in imports)
    best_reimport = min(r["wall_s"] for r in reimports)
    cpu_read = min(r["cpu_s"] for r in reads)
    cpu_import = min(r["cpu_s"] for r in imports)
    result = {
        "rows": rows,
        "read_s": round(best_read, 2),
        "import_s": round(best_import, 2),
        "preview_s": round(min(r["preview_s"] for r in imports), 2),
        "commit_s": round(min(r["commit_s"] for r in imports), 2),
        "reimport_s": round(best_reimport, 2),
        "ratio_wall": round(best_import / best_read, 2),
        "ratio_cpu": round(cpu_import / cpu_read, 2),
        "import_peak_mb": round(max(r["maxrss_mb"] for r in imports + reimports), 1),
        "read_peak_mb": round(max(r["maxrss_mb"] for r in reads), 1),
        "all_read_s": [round(r["wall_s"], 2) for r in reads],
        "all_import_s": [round(r["wall_s"], 2) for r in imports],
        "median_ratio_wall": round(statistics.median(i["wall_s"] for i in imports)
                                   / statistics.median(r["wall_s"] for r in reads), 2),
        "new": imports[0]["new"], "reimport_unchanged": reimports[0]["unchanged"],
        "target": "import ≤ 2 × read; peak < 400 MB",
    }
    print(f"  rows {rows:,}: calamine read {best_read:.2f} s | import {best_import:.2f} s "
          f"(preview {result['preview_s']} s + commit {result['commit_s']} s) | ratio {result['ratio_wall']} "
          f"(CPU {result['ratio_cpu']}) | re-import {best_reimport:.2f} s | "
          f"peak {result['import_peak_mb']} MB (read alone {result['read_peak_mb']} MB)", flush=True)
    return result


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--child":
        print(json.dumps(_child(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        print(json.dumps(main(), indent=2, ensure_ascii=False))
