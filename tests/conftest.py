"""Shared fixtures: a clean working directory, and the real CLI run as a user runs it."""

import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from samskab.cli import cli
from samskab.engine.config import os_account

PROCESSES = Path(__file__).parent.parent / "processes"
SAMSKAB = str(Path(sys.executable).parent / "samskab")
"""The installed command, as a user runs it."""

FORMAL_HEARING = (
    "--set",
    "hoeringsparter=Alle",
    "--set",
    "hoeringsform=formel",
    "--set",
    "hoer_ungebyraadet=nej",
)
"""What `cases advance N send_i_hoering` takes to send a hearing into its six formal weeks,
which close by themselves: a deadline's automatic action many tests need."""

ADMIN = f'[people.{os_account()}]\nroles = ["admin", "koordinator"]\n'
"""Config lines registering the account that runs the tests as an admin (who may use
--as) and a coordinator (who opens partnerships), when the database is first used."""


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch):
    """Every test runs in its own directory, with no samskab settings from outside."""
    monkeypatch.chdir(tmp_path)
    for name in ("SAMSKAB_DB", "SAMSKAB_NOW", "SAMSKAB_LANG", "SAMSKAB_LOAD_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SAMSKAB_LOAD_PLUGINS", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "settings"))  # a person's own settings
    monkeypatch.setenv("SAMSKAB_LANG", "en")
    return tmp_path


class Run:
    """``samskab(...)``: run the command line; checks the exit status and no traceback."""

    def __init__(self):
        self.runner = CliRunner()

    def __call__(self, *args: str, now: str | None = None, exit: int = 0):
        env = {"SAMSKAB_NOW": now} if now else {}
        result = self.runner.invoke(cli, [str(a) for a in args], env=env, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == exit, (
            f"samskab {' '.join(map(str, args))} exited {result.exit_code}, not {exit}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        assert "Traceback" not in result.stderr
        return result

    def json(self, *args: str, now: str | None = None, exit: int = 0):
        """The command's ``--json`` answer: its data (``{"ok": true, "data": ...}``), or,
        when it is to fail (``exit``), its error (``{"ok": false, "error": ...}``)."""
        answer = json.loads(self(*args, "--json", now=now, exit=exit).stdout)
        assert answer["ok"] is (exit == 0), answer
        return answer["data"] if exit == 0 else answer["error"]


@pytest.fixture
def samskab():
    return Run()


@pytest.fixture
def process_dir(workdir):
    """A directory of the user's own process files: a copy of partnerskab named ``lokal``."""
    directory = workdir / "mine"
    directory.mkdir()
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^version = \d+$", "version = 1", text.replace('id = "partnerskab"', 'id = "lokal"'))
    (directory / "lokal.toml").write_text(text)
    return directory


@pytest.fixture
def changed_in_place(workdir, monkeypatch, process_dir):
    """An engine whose process ``lokal`` (in ``process_dir``) has a case, and whose file
    was then edited without a new version number: samskab no longer uses the file."""
    from pilot import NOW

    from samskab.engine.config import Actor
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    pm = make_plugin_manager(load_entrypoints=False)
    first = open_engine(str(workdir / "samskab.db"), pm=pm, process_dirs=(process_dir,))
    first.new_case("lokal", "Spejderne", {"organisation": "Spejderne"}, Actor("mette", None))
    file = process_dir / "lokal.toml"
    file.write_text(file.read_text().replace("Partnerskab med", "Partnerskab (lokalt) med"))
    return open_engine(str(workdir / "samskab.db"), pm=pm, process_dirs=(process_dir,))


@pytest.fixture
def engine(workdir, monkeypatch):
    """The demo municipality on a real database file, at a fixed time (pilot.NOW)."""
    from pilot import NOW

    from samskab.engine import demo
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    made = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    demo.build(made)
    return made


@pytest.fixture
def register_plugin():
    """Register plugin objects for one test; they are unregistered afterwards."""
    from samskab.engine.plugins import get_plugin_manager

    pm = get_plugin_manager()
    added = []

    def register(plugin):
        pm.register(plugin)
        added.append(plugin)
        return plugin

    yield register
    for plugin in added:
        pm.unregister(plugin)


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole run (started at first use, in about a second),
    stopped at the end. Its data is in a temporary directory of its own, not pytest's:
    run as root, the server runs as another account, which must reach it, and pytest
    makes its own directory owner-only whenever a run starts."""
    from servers import Postgres

    directory = Path(tempfile.mkdtemp(prefix="samskab-postgres-"))
    server = Postgres(directory)
    yield server
    server.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres) -> str:
    """A new, empty schema of the run's PostgreSQL server: a database of its own."""
    return postgres.url()


@pytest.fixture(params=["sqlite", "postgresql"])
def each_store(request, monkeypatch) -> str:
    """Run the test on each built-in store: the command line's database (SAMSKAB_DB) is
    the default SQLite file in the test's directory, or a new PostgreSQL schema (its key
    and samskab.toml in the test's directory all the same)."""
    if request.param == "postgresql":
        monkeypatch.setenv("SAMSKAB_DB", request.getfixturevalue("postgres_url"))
    return request.param
