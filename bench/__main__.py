"""Run the benchmarks: `python -m bench [name ...]` (names without the bench_ prefix).

Each `bench/bench_*.py` has `main()` that measures and prints its figures; results are also
collected in bench/out/results.json when a module returns a dict.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if wanted:
        modules = [m for m in modules if m in wanted or m.removeprefix("bench_") in wanted]
    results: dict[str, object] = {}
    failed = []
    for name in modules:
        print(f"=== {name}", flush=True)
        started = time.perf_counter()
        try:
            out = importlib.import_module(f"bench.{name}").main()
        except Exception as exc:  # keep going: one broken bench must not hide the others
            print(f"FAILED: {exc!r}", flush=True)
            failed.append(name)
            continue
        results[name] = out if out is not None else {}
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
