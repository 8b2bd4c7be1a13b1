"""Start-up: wall time of `samskab cases show ID` against the bare import of the
libraries it stands on: medians of runs taken in turn."""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = "import sqlite_utils, pluggy, attrs, cattrs, transitions"


def _wall(command: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - started


def main(runs: int) -> dict:
    samskab = str(Path(sys.executable).parent / "samskab")
    show, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [samskab, "cases", "new", "partnerskab", "--title", "Lions"],
            check=True,
            capture_output=True,
            cwd=tmp,
        )
        for _ in range(runs):  # in turn, so that a slow spell of the machine falls on both
            show.append(_wall([samskab, "cases", "show", "1"], tmp))
            bare.append(_wall([sys.executable, "-c", BARE], tmp))
    return {"cases_show_s": statistics.median(show), "bare_import_s": statistics.median(bare)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
