"""``python -m bench [--cases N]``: run the benchmarks and print each figure beside its baseline.

Every figure is a ratio against a baseline run in the same invocation, since these
machines drift from run to run.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def measure(which: str, n: int, path: Path, synchronous: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.actions", which, str(n), str(path), synchronous],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent,
    )
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to create and advance")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for synchronous in ("NORMAL", "FULL"):
            engine = measure("engine", args.cases, Path(tmp) / "engine.db", synchronous)
            baseline = measure("sqlite3", args.cases, Path(tmp) / "baseline.db", synchronous)
            results[synchronous] = {"engine": engine, "sqlite3": baseline}
    print(f"Durable actions, {args.cases} cases created then advanced once each")
    print(f"{'synchronous':<12}{'':<10}{'create µs':>12}{'advance µs':>12}{'peak MB':>10}")
    for synchronous, pair in results.items():
        for name, figures in pair.items():
            print(f"{synchronous:<12}{name:<10}{figures['create_s'] / args.cases * 1e6:>12.1f}"
                  f"{figures['advance_s'] / args.cases * 1e6:>12.1f}{figures['peak_rss_mb']:>10.1f}")
        ratio = pair["sqlite3"]["advance_s"] / pair["engine"]["advance_s"]
        print(f"{synchronous:<12}engine speed per action = {ratio:.2f}x plain sqlite3")
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
