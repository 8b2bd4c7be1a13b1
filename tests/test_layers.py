"""The layers, as a test: import-linter's contracts (in pyproject.toml) hold, they name
every engine module a front end must not reach, and no module imports itself round."""

import graphlib
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
FRONT_ENDS_MAY_USE = {"service", "readmodels", "errors", "messages", "danish"}


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONFIG['contracts'])} kept, 0 broken" in result.stdout


def test_front_ends_are_kept_from_every_other_engine_module():
    """A new engine module is below the service unless it is added to the allowed few."""
    contract = next(c for c in CONFIG["contracts"] if c["id"] == "front-ends")
    engine = {p.stem for p in (ROOT / "engine").glob("*.py") if p.stem not in ("__init__", "__main__")}
    forbidden = {m.removeprefix("samskab.engine.") for m in contract["forbidden_modules"]}
    assert engine - FRONT_ENDS_MAY_USE == forbidden & engine


def test_no_import_cycles():
    graph = grimp.build_graph(*CONFIG["root_packages"], exclude_type_checking_imports=True)
    imports = {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}
    try:
        graphlib.TopologicalSorter(imports).prepare()
    except graphlib.CycleError as cycle:
        raise AssertionError(f"an import cycle: {' -> '.join(cycle.args[1])}") from None
