"""Start-up: wall time of `samskab cases show ID` against the bare import of the
libraries it stands on, medians of repeated runs in the same session."""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = "import sqlite_utils, pluggy, attrs, cattrs, transitions"


def _median_wall(command: list[str], runs: int, cwd: str) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=cwd)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(runs: int) -> dict:
    samskab = str(Path(sys.executable).parent / "samskab")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([samskab, "cases", "new", "partnerskab", "--title", "Lions"], check=True,
                       capture_output=True, cwd=tmp)
        show = _median_wall([samskab, "cases", "show", "1"], runs, tmp)
        bare = _median_wall([sys.executable, "-c", BARE], runs, tmp)
    return {"cases_show_s": show, "bare_import_s": bare}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
