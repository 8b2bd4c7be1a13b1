"""The engine and the command line stay headless: they never import the terminal UI (nor
the web server `samskab serve` starts)."""

import subprocess
import sys

from conftest import SAMSKAB


def test_engine_and_cli_do_not_import_textual():
    code = (
        "import sys, samskab.engine, samskab.engine.core, samskab.cli, samskab.engine.views, samskab.engine.demo;"
        "from samskab.engine.plugins import make_plugin_manager; make_plugin_manager();"
        "print([m for m in sys.modules if m.split('.')[0] in ('textual', 'textual_serve', 'aiohttp')"
        " or m.startswith('samskab.tui')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_engine_does_no_io(tmp_path):
    code = (
        "import samskab.engine, samskab.engine.core, samskab.cli; import os; print(sorted(os.listdir('.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "[]"


def test_installed_command_runs_as_a_user_would(tmp_path):
    """The real `samskab` entry point, in a fresh directory, in Danish (the default):
    exit statuses, errors in Danish, no traceback."""

    def run(*args):
        return subprocess.run(
            [SAMSKAB, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "SAMSKAB_LOAD_PLUGINS": ""},
        )

    made = run("cases", "new", "partnerskab", "--title", "Lions", "--set", "tilskud=abc")
    assert made.returncode == 2 and "Fejl: nogle værdier passer ikke til deres felter" in made.stderr
    assert "Årligt tilskud (kr.): 'abc' er ikke et beløb i kroner" in made.stderr
    assert "Traceback" not in made.stderr
    made = run("cases", "new", "partnerskab", "--title", "Lions")
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "samskab.db").stat().st_mode & 0o077 == 0
    refused = run("cases", "advance", "1", "underskriv")
    assert (
        refused.returncode == 1
        and "Fejl: sag 1: Styregruppen underskriver kan ikke tages nu" in refused.stderr
    )
    usage = run("cases", "advance")
    assert usage.returncode == 2 and "Usage:" in usage.stderr


def test_installed_under_one_namespace(tmp_path):
    """samskab claims only the `samskab` import name; `python -m samskab` is the command."""
    names = "engine", "plugins", "tui", "processes", "cli"
    code = f"import importlib.util as u; print([n for n in {names!r} if u.find_spec(n)])"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "[]"
    made = subprocess.run(
        [sys.executable, "-m", "samskab", "cases", "new", "partnerskab", "--title", "Lions"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SAMSKAB_LOAD_PLUGINS": ""},
    )
    assert made.returncode == 0, made.stderr
    assert "Sag 1: Lions" in made.stdout
