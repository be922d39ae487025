"""Benchmark: merging 3,321 report files of 100 forms each (national scale), issue 6.

Measured, each in a fresh Python process so that its peak memory is its own:

- **read**: just reading every sheet of every file with the fastest reader (python-calamine,
  `to_python` on each sheet): the floor any merge has to pay;
- **merge, 1 process** and **merge, 2 processes**: `core.merge.merge_files` doing everything a
  real merge does (sniff, SHA-256 digests of every cell, parse, recompute every index with the
  questionnaire, compare, resubmission and area logic, pooled and mean of units, ranking).

Goal: merge ≤ 2 × read, peak memory < 1 GB. The files are generated once (two processes) into
`bench/out/merge_cache/` (gitignored) and reused; set SIPAS_BENCH_MERGE_FILES to try fewer.
Run: `make bench BENCH_ARGS=merge` or `python -m bench merge`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
FILES = int(os.environ.get("SIPAS_BENCH_MERGE_FILES", "3321"))
FORMS = 100
FORM_ID = os.environ.get("SIPAS_BENCH_MERGE_FORM", "sipas-2023")
PLAN_ID = "KH-2025-QUOCGIA"
HOME = OUT / "merge_home"          # a private data folder: the benchmark never touches the user's


def _cache() -> Path:
    return OUT / "merge_cache" / f"{FORM_ID}-{FILES}x{FORMS}"


def _units() -> list[tuple[str, str, str]]:
    """The 3,321 communes of the 2025 list (code, name, province code), repeated if more are asked."""
    from vietnam_provinces import Ward

    wards = sorted((f"{int(w.code):05d}", w.name, f"{int(w.province_code):02d}") for w in Ward.iter_all())
    return [wards[i % len(wards)] for i in range(FILES)]


def _write_chunk(args: tuple[list[tuple[int, str, str, str]], str]) -> int:
    """Worker: write the report files of a chunk of units (one process each, spawned)."""
    chunk, folder = args
    os.environ["SIPAS_HOME"] = str(HOME)
    sys.path.insert(0, str(ROOT))
    from datetime import datetime

    from sipas_desktop.core import exchange
    from sipas_desktop.core.forms import load_form
    from tests.core.merge_data import responses

    form = load_form(FORM_ID)
    source = exchange.form_source_of(form)
    for index, code, name, province in chunk:
        content = exchange.ReportContent(
            unit_code=code, unit_name=name, plan_id=PLAN_ID, plan_title="Kế hoạch tự khảo sát 2025",
            form_id=form.id, form_version=form.version, form_source=source,
            responses=tuple(responses(form, FORMS, seed=index, satisfaction=0.55 + (index % 40) / 100)),
            created_at=datetime(2025, 9, 1 + index % 28, 8, 0), app_version="bench",
            parent_code=province, plan_year=2025,
            sample=exchange.SampleFacts(population_n=1000 + index % 500, sample_n=FORMS, seed=str(index),
                                        reserve_n=20, substitutions=index % 7, forms_issued=FORMS + 5,
                                        forms_returned=FORMS),
            quality=exchange.EntryQuality(FORMS, FORMS // 5, FORMS // 5 * 50, index % 4))
        exchange.write_report_file(content, Path(folder) / f"{code}-{index:04d}.xlsx")
    return len(chunk)


def generate() -> dict[str, float]:
    """Write the files once with two processes; reuse them on later runs."""
    import multiprocessing

    folder = _cache()
    stamp = folder / ".complete"
    if stamp.exists():
        return {"generated": 0, "generate_seconds": 0.0}
    folder.mkdir(parents=True, exist_ok=True)
    todo = [(i, code, name, prov) for i, (code, name, prov) in enumerate(_units())]
    chunks = [(todo[i:i + 50], str(folder)) for i in range(0, len(todo), 50)]
    started = time.perf_counter()
    done = 0
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for count in pool.imap_unordered(_write_chunk, chunks):
            done += count
            print(f"\r  tạo tệp: {done}/{len(todo)}", end="", flush=True)
    print()
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps({"files": len(todo), "seconds": seconds}))
    return {"generated": len(todo), "generate_seconds": seconds}


# --- the measured runs, each in its own process ---------------------------------------------

def _cpu() -> float:
    """CPU seconds of this process and its finished children: robust to other work on the machine."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _peak_mb() -> tuple[float, float]:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def _read_files(paths: list[str]) -> int:
    """Every sheet of every file to Python values with python-calamine; returns the cell count."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in paths:
        wb = CalamineWorkbook.from_path(path)
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(r) for r in rows)
    return cells


def run_read(folder: Path, workers: int) -> dict[str, float]:
    import multiprocessing

    files = [str(p) for p in sorted(folder.glob("*.xlsx"))]
    started, cpu = time.perf_counter(), _cpu()
    if workers <= 1:
        cells = _read_files(files)
    else:
        chunks = [files[i:i + 50] for i in range(0, len(files), 50)]
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            cells = sum(pool.imap_unordered(_read_files, chunks))
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    own, child = _peak_mb()
    return {"seconds": seconds, "cpu_seconds": cpu, "files": len(files), "cells": cells, "peak_mb": own,
            "children_peak_mb": child}


def run_merge(folder: Path, workers: int) -> dict[str, object]:
    from sipas_desktop.core import merge
    from sipas_desktop.core.merge import MergeOptions, PlanFacts, PlanQuota

    quotas = tuple(PlanQuota(code, name, FORMS) for code, name, _ in _units())
    options = MergeOptions(plan_id=PLAN_ID, plans=(PlanFacts(PLAN_ID, "Kế hoạch", FORM_ID, "", quotas),),
                           workers=workers)
    started, cpu = time.perf_counter(), _cpu()
    result = merge.merge_files([folder], options)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    own, child = _peak_mb()
    outputs: dict[str, float] = {}
    if workers == 1:        # the outputs once, after the measured merge (their own figures)
        from sipas_desktop.core.reporting import merge_summary
        from sipas_desktop.core.reporting.bao_cao_pdf import render_pdf

        started = time.perf_counter()
        merge_summary.write_summary_xlsx(result, OUT / "merge_summary.xlsx")
        outputs["summary_xlsx_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        render_pdf(merge_summary.build_document(result), OUT / "merge_bao_cao.pdf")
        outputs["bao_cao_pdf_seconds"] = time.perf_counter() - started
    counts = result.counts()
    return {"seconds": seconds, "cpu_seconds": cpu, **outputs, "files": len(result.files),
            "accepted": counts["accepted"],
            "not_accepted": len(result.files) - counts["accepted"], "forms": result.pooled.valid_forms
            if result.pooled else 0, "overall_pooled": result.overall_pooled,
            "overall_mean": result.overall_mean, "peak_mb": own, "children_peak_mb": child,
            "workers": result.workers}


def _child(mode: str, workers: int = 1) -> dict[str, object]:
    env = dict(os.environ, SIPAS_HOME=str(HOME), PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "bench.bench_merge", mode, str(_cache()), str(workers)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> dict[str, object]:
    os.environ["SIPAS_HOME"] = str(HOME)
    print(f"Tổng hợp {FILES} tệp báo cáo × {FORMS} phiếu ({FORM_ID}); thư mục đệm: {_cache()}")
    figures: dict[str, object] = dict(generate())
    read = _child("read", 1)
    read2 = _child("read", 2)
    merge1 = _child("merge", 1)
    merge2 = _child("merge", 2)
    figures.update({"files": FILES, "forms_per_file": FORMS, "form": FORM_ID, "read": read,
                    "read_2_processes": read2, "merge_1_process": merge1, "merge_2_processes": merge2,
                    "ratio_merge1_vs_read": merge1["seconds"] / read["seconds"],      # type: ignore[operator]
                    "ratio_merge2_vs_read": merge2["seconds"] / read["seconds"],      # type: ignore[operator]
                    "ratio_merge2_vs_read2": merge2["seconds"] / read2["seconds"],    # type: ignore[operator]
                    "cpu_ratio_merge1_vs_read": merge1["cpu_seconds"] / read["cpu_seconds"]})  # type: ignore[operator]
    peak2 = float(merge2["peak_mb"]) + 2 * float(merge2["children_peak_mb"])          # type: ignore[arg-type]
    figures["merge_2_processes_peak_total_mb"] = peak2
    if figures.get("generated"):
        print(f"  tạo {figures['generated']} tệp (2 tiến trình): {figures['generate_seconds']:.0f} s")
    print(f"  chỉ đọc (calamine, 1 tiến trình): {read['seconds']:8.1f} s   "
          f"bộ nhớ đỉnh {read['peak_mb']:.0f} MB")
    print(f"  chỉ đọc (calamine, 2 tiến trình): {read2['seconds']:8.1f} s")
    print(f"  tổng hợp, 1 tiến trình:           {merge1['seconds']:8.1f} s   "
          f"bộ nhớ đỉnh {merge1['peak_mb']:.0f} MB   = {figures['ratio_merge1_vs_read']:.2f} × đọc")
    print(f"  tổng hợp, 2 tiến trình:           {merge2['seconds']:8.1f} s   "
          f"bộ nhớ đỉnh {merge2['peak_mb']:.0f} MB (+ 2 × {merge2['children_peak_mb']:.0f} MB tiến trình con "
          f"= {peak2:.0f} MB)   = {figures['ratio_merge2_vs_read']:.2f} × đọc 1 tiến trình, "
          f"{figures['ratio_merge2_vs_read2']:.2f} × đọc 2 tiến trình")
    print(f"  thời gian CPU: đọc {read['cpu_seconds']:.1f} s, tổng hợp {merge1['cpu_seconds']:.1f} s "
          f"(= {figures['cpu_ratio_merge1_vs_read']:.2f} ×), tổng hợp 2 tiến trình "
          f"{merge2['cpu_seconds']:.1f} s")
    print(f"  bảng tổng hợp .xlsx {merge1['summary_xlsx_seconds']:.1f} s, báo cáo PDF "
          f"{merge1['bao_cao_pdf_seconds']:.1f} s (sau lần đo tổng hợp)")
    print(f"  tệp nhận {merge1['accepted']}/{merge1['files']}, phiếu hợp lệ {merge1['forms']}, chỉ số gộp "
          f"{merge1['overall_pooled']:.2f}, trung bình đơn vị {merge1['overall_mean']:.2f}")
    return figures


if __name__ == "__main__":
    mode, folder, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    os.environ["SIPAS_HOME"] = str(HOME)
    out = run_read(folder, workers) if mode == "read" else run_merge(folder, workers)
    print(json.dumps(out, default=str))
