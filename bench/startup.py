"""Start-up: the wall time of `samskab cases show 1` on the demo municipality, against
the baseline of a Python that only imports what that command imports besides samskab
(every module `python -X importtime` lists for it, samskab's own left out), taken in
turn for ROUNDS rounds:

    python -m bench.startup ROUNDS     # prints JSON: each round's seconds, the modules
"""

import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMSKAB = str(Path(sys.executable).parent / "samskab")
SHOW = [SAMSKAB, "cases", "show", "1"]


def _wall(command: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=cwd)
    return time.perf_counter() - started


def imported(cwd: str) -> list[str]:
    """The modules `samskab cases show 1` imports that are not samskab's, in the order
    they were imported."""
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", *SHOW], check=True, capture_output=True, text=True, cwd=cwd
    ).stderr
    names: list[str] = []
    for line in trace.splitlines():
        if not line.startswith("import time:") or line.endswith("| imported package"):
            continue
        name = line.rsplit("|", 1)[1].strip()
        if not name.startswith(("samskab", "__editable__")) and name not in names:
            names.append(name)
    return names


def baseline(modules: list[str]) -> list[str]:
    """A Python importing ``modules`` (those that cannot be imported on their own, as
    `nt` on Linux, which the trace lists for having been looked for, skipped)."""
    program = (
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass\n"
    )
    return [sys.executable, "-c", program]


def main(rounds: int) -> dict:
    from samskab.engine.service import build_demo

    with tempfile.TemporaryDirectory() as tmp:
        build_demo(str(Path(tmp) / "samskab.db"))
        modules = imported(tmp)
        bare = baseline(modules)
        show, imports = [], []
        for number in range(rounds):  # in turn, so that a slow spell of the machine falls on both
            if number % 2:
                imports.append(_wall(bare, tmp))
                show.append(_wall(SHOW, tmp))
            else:
                show.append(_wall(SHOW, tmp))
                imports.append(_wall(bare, tmp))
    return {
        "cases_show_s": show,
        "imports_s": imports,
        "modules": len(modules),
        "packages": packages(modules),
    }


def packages(modules: list[str]) -> list[str]:
    """The installed packages among ``modules`` (not the standard library's)."""
    tops = {name.split(".")[0] for name in modules}
    return sorted(
        top
        for top in tops - set(sys.stdlib_module_names)
        if not top.startswith("_") and top != "sitecustomize" and importlib.util.find_spec(top) is not None
    )


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
