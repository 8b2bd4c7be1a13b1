"""``python -m bench``: run the benchmarks and print each figure beside its baseline.

Every figure is a ratio against a baseline run in the same invocation, since these
machines drift from run to run. Each measurement runs in its own process, so that
peak memory is its own.

    python -m bench                  # the full run (about five minutes)
    python -m bench --cases 20 --peer-cases 5 --scale-cases 2000 --tui-cases 30 --startup-runs 1 \
        --import-rows 50             # a tiny run, as the test suite does
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def measure(module: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def durable_actions(cases: int, rounds: int, tmp: Path) -> dict:
    sides = ("engine", "sqlite3")
    built = {
        side: measure("bench.actions", "build", side, str(cases), str(tmp / f"{side}.db")) for side in sides
    }
    for side in sides:  # the same cases, all still to be advanced, for the FULL rounds
        shutil.copy(tmp / f"{side}.db", tmp / f"{side}-full.db")
        if (tmp / f"{side}.key").exists():  # the audit key goes with its database
            shutil.copy(tmp / f"{side}.key", tmp / f"{side}-full.key")
    size = cases // rounds
    results: dict = {"create": built}
    for synchronous, suffix in (("NORMAL", ""), ("FULL", "-full")):
        runs: dict[str, list] = {side: [] for side in sides}
        for number in range(rounds):
            # Alternate which side goes first, so that neither always follows the other.
            for side in sides if number % 2 == 0 else sides[::-1]:
                runs[side].append(
                    measure(
                        "bench.actions",
                        "advance",
                        side,
                        str(tmp / f"{side}{suffix}.db"),
                        synchronous,
                        str(1 + number * size),
                        str(size),
                    )
                )
        ratios = [
            base["advance_s"] / ours["advance_s"]
            for ours, base in zip(runs["engine"], runs["sqlite3"], strict=True)
        ]
        results[synchronous] = {
            **{
                side: {
                    "advance_us": statistics.median(r["advance_s"] for r in runs[side]) / size * 1e6,
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[side]),
                    "n": size * rounds,
                }
                for side in sides
            },
            "ratios": ratios,
            "ratio": statistics.median(ratios),
        }
    print(
        f"Durable actions: {cases} cases created, then each advanced once, in {rounds} rounds"
        " alternating engine and sqlite3"
    )
    print(
        f"  create: engine {built['engine']['create_s'] / cases * 1e6:.1f} µs,"
        f" sqlite3 {built['sqlite3']['create_s'] / cases * 1e6:.1f} µs per case"
    )
    print(
        f"{'synchronous':<12}{'engine µs':>10}{'sqlite3 µs':>12}{'peak MB':>9}"
        f"{'ratio (median)':>16}{'target':>8}  each round"
    )
    for synchronous, target in (("NORMAL", 0.5), ("FULL", 0.8)):
        figures = results[synchronous]
        print(
            f"{synchronous:<12}{figures['engine']['advance_us']:>10.1f}{figures['sqlite3']['advance_us']:>12.1f}"
            f"{figures['engine']['peak_rss_mb']:>9.1f}{figures['ratio']:>15.2f}x{target:>7}x  "
            + " ".join(f"{r:.2f}" for r in figures["ratios"])
        )
    print("  ratio = engine speed per action / plain sqlite3's")
    return results


def first_paint(sizes: list[int], rounds: int, tmp: Path) -> dict:
    runs: dict[str, list[list[str]]] = {"baseline": ["baseline"]}
    for size in sizes:
        path = tmp / f"tui-{size}.db"
        measure("bench.tui", "fill", str(path), str(size))
        runs[str(size)] = ["app", str(path)]
    figures: dict[str, list[dict]] = {name: [] for name in runs}
    for _ in range(rounds):  # in turn, so that a slow spell of the machine falls on all
        for name, args in runs.items():
            figures[name].append(measure("bench.tui", *args))
    results = {
        name: {
            "first_paint_s": statistics.median(f["first_paint_s"] for f in measured),
            "peak_rss_mb": max(f["peak_rss_mb"] for f in measured),
        }
        for name, measured in figures.items()
    }
    base = results["baseline"]["first_paint_s"]
    print(f"\nTerminal UI: process start to the first painted case list (120x36), median of {rounds}")
    print(f"{'cases':<14}{'seconds':>10}{'x bare Textual':>16}{'peak MB':>10}")
    for name, figures in results.items():
        print(
            f"{name:<14}{figures['first_paint_s']:>10.3f}{figures['first_paint_s'] / base:>16.2f}"
            f"{figures['peak_rss_mb']:>10.1f}"
        )
    return results


def peers(cases: int, rounds: int) -> dict:
    try:
        import SpiffWorkflow  # noqa: F401
        import statemachine  # noqa: F401
    except ImportError:
        print("\nPeers: not installed (pip install '.[bench]')")
        return {}
    figures = measure("bench.peers.run", str(cases), str(rounds))
    ours = figures["samskab_s_per_step"]
    print(f"\nThe same three-step process (µs per step, median of {rounds} rounds)")
    print(f"  samskab, durable (one transaction per step)     {ours * 1e6:9.1f}")
    print(
        f"  python-statemachine, in memory                  {figures['statemachine_s_per_step'] * 1e6:9.1f}"
        f"   samskab is {figures['statemachine_s_per_step'] / ours:.2f}x its speed (target > 1x)"
    )
    print(
        f"  SpiffWorkflow, serialised and stored each step  {figures['spiffworkflow_s_per_step'] * 1e6:9.1f}"
        f"   samskab is {figures['spiffworkflow_s_per_step'] / ours:.2f}x its speed (target >= 10x)"
    )
    return figures


def scale(cases: int, tmp: Path) -> dict:
    path = tmp / "scale" / "samskab.db"
    path.parent.mkdir()
    measure("bench.scale", "build", str(path), str(cases))
    with path.open("rb") as warm:  # both sides start with the file in the page cache
        while warm.read(1 << 24):
            pass
    results = {side: measure("bench.scale", side, str(path)) for side in ("sqlite3", "engine")}
    ours, base = results["engine"], results["sqlite3"]
    print(f"\n{cases} cases, {ours['overdue']} overdue")
    print(
        f"  overdue list      {ours['overdue_query_s'] * 1e3:8.1f} ms   (sqlite3 {base['overdue_query_s'] * 1e3:.1f} ms;"
        " target < 10 ms), the first query of the process"
    )
    print(
        f"                    {ours['overdue_again_s'] * 1e3:8.1f} ms   (sqlite3 {base['overdue_again_s'] * 1e3:.1f} ms),"
        " the median of five more"
    )
    print(
        f"  tick              {ours['tick_s'] * 1e3:8.1f} ms   ({ours['ticked']} deadlines, {ours['delivered']}"
        " messages delivered; target < 1000 ms)"
    )
    print(f"  list every case   {ours['list_all_s']:8.1f} s    (sqlite3 {base['list_all_s']:.1f} s)")
    print(
        f"  peak memory       {ours['peak_rss_mb']:8.1f} MB   (sqlite3 {base['peak_rss_mb']:.1f} MB; target < 150 MB)"
    )
    return results


def importing(rows: int, rounds: int, tmp: Path) -> dict:
    path = tmp / "partnerskaber.csv"
    measure("bench.importing", "file", str(path), str(rows))
    runs: dict[str, list[dict]] = {"engine": [], "sqlite3": []}
    for number in range(rounds):  # in turn, each side on a new database
        for side in ("engine", "sqlite3") if number % 2 == 0 else ("sqlite3", "engine"):
            db = tmp / f"import-{side}-{number}.db"
            runs[side].append(measure("bench.importing", side, str(path), str(db)))
    ratios = [
        ours["import_s"] / base["import_s"]
        for ours, base in zip(runs["engine"], runs["sqlite3"], strict=True)
    ]
    results = {
        **{
            side: {
                "import_s": statistics.median(r["import_s"] for r in measured),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in measured),
                "created": measured[0]["created"],
            }
            for side, measured in runs.items()
        },
        "ratios": ratios,
        "ratio": statistics.median(ratios),
    }
    ours, base = results["engine"], results["sqlite3"]
    print(f"\nImporting a CSV file of {rows} partnerships (cases import), median of {rounds}")
    print(
        f"  samskab {ours['import_s']:8.1f} s   ({ours['import_s'] / rows * 1e6:.0f} µs a row; target 100,000 in < 15 s),"
        f" peak {ours['peak_rss_mb']:.0f} MB"
    )
    print(
        f"  sqlite3 {base['import_s']:8.1f} s   (the rows stored unchecked), peak {base['peak_rss_mb']:.0f} MB;"
        f" samskab takes {results['ratio']:.1f}x as long"
    )
    return results


def startup(runs: int) -> dict:
    figures = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench.startup", str(runs)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    )
    ratio = figures["cases_show_s"] / figures["bare_import_s"]
    print(
        f"\nStart-up: `samskab cases show` {figures['cases_show_s'] * 1e3:.0f} ms, bare import "
        f"{figures['bare_import_s'] * 1e3:.0f} ms: {ratio:.2f}x (target <= 1.3x)"
    )
    return figures


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--cases", type=int, default=100_000, help="cases for durable actions")
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="rounds, taken in turn, of durable actions, peers and first paint",
    )
    parser.add_argument("--peer-cases", type=int, default=2_000, help="cases for the peer comparison")
    parser.add_argument("--scale-cases", type=int, default=1_000_000, help="cases for overdue, tick, memory")
    parser.add_argument(
        "--tui-cases", default="10000,100000", help="comma-separated database sizes for the UI's first paint"
    )
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the file to import")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        results = {
            "durable_actions": durable_actions(args.cases, args.rounds, Path(tmp)),
            "peers": peers(args.peer_cases, args.rounds),
            "scale": scale(args.scale_cases, Path(tmp)),
            "startup": startup(args.startup_runs),
            "first_paint": first_paint([int(n) for n in args.tui_cases.split(",")], args.rounds, Path(tmp)),
            "importing": importing(args.import_rows, min(args.rounds, 3), Path(tmp)),
        }
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
