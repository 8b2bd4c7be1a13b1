"""``python -m bench``: run the benchmarks and print each figure beside its baseline.

Every figure is a ratio against a baseline run in the same invocation, since these
machines drift from run to run. Each measurement runs in its own process, so that
peak memory is its own.

    python -m bench                         # the full run (a few minutes)
    python -m bench --cases 20 --tui-cases 50   # a tiny run, as the test suite does
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def measure(module: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True, cwd=ROOT,
    )
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def durable_actions(cases: int, tmp: Path) -> dict:
    results = {}
    for synchronous in ("NORMAL", "FULL"):
        results[synchronous] = {
            side: measure("bench.actions", side, str(cases), str(tmp / f"{side}.db"), synchronous)
            for side in ("engine", "sqlite3")
        }
    print(f"Durable actions: {cases} cases created, then advanced once each")
    print(f"{'synchronous':<12}{'':<10}{'create µs':>12}{'advance µs':>12}{'peak MB':>10}")
    for synchronous, pair in results.items():
        for name, figures in pair.items():
            print(f"{synchronous:<12}{name:<10}{figures['create_s'] / cases * 1e6:>12.1f}"
                  f"{figures['advance_s'] / cases * 1e6:>12.1f}{figures['peak_rss_mb']:>10.1f}")
        ratio = pair["sqlite3"]["advance_s"] / pair["engine"]["advance_s"]
        print(f"{synchronous:<12}engine speed per action = {ratio:.2f}x plain sqlite3")
    return results


def first_paint(sizes: list[int], tmp: Path) -> dict:
    results = {"baseline": measure("bench.tui", "baseline")}
    for size in sizes:
        path = tmp / f"tui-{size}.db"
        measure("bench.tui", "fill", str(path), str(size))
        results[str(size)] = measure("bench.tui", "app", str(path))
    base = results["baseline"]["first_paint_s"]
    print("\nTerminal UI: process start to the first painted case list (120x36)")
    print(f"{'cases':<14}{'seconds':>10}{'x bare Textual':>16}{'peak MB':>10}")
    for name, figures in results.items():
        print(f"{name:<14}{figures['first_paint_s']:>10.3f}{figures['first_paint_s'] / base:>16.2f}"
              f"{figures['peak_rss_mb']:>10.1f}")
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--cases", type=int, default=100_000, help="cases for durable actions")
    parser.add_argument("--tui-cases", default="10000,100000",
                        help="comma-separated database sizes for the UI's first paint")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            "durable_actions": durable_actions(args.cases, Path(tmp)),
            "first_paint": first_paint([int(n) for n in args.tui_cases.split(",")], Path(tmp)),
        }
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
