"""Every hook in engine/hookspecs.py, exercised by a throwaway plugin through the CLI."""

import re
from pathlib import Path

import click
from conftest import PROCESSES

from samskab.engine import hookspecs
from samskab.engine.guards import Guard
from samskab.engine.hookspecs import hookimpl
from samskab.engine.validate import Finding
from samskab.plugins.sqlite_store import SqliteStore

HOOKS = sorted(name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), "samskab_spec"))


def new_case(samskab, *extra):
    return samskab.json(*extra, "cases", "new", "partnerskab", "--title", "Lions")


def test_every_hook_is_documented_and_tested():
    docs = (Path(__file__).parent.parent / "docs" / "plugins.md").read_text(encoding="utf-8")
    tests = Path(__file__).read_text(encoding="utf-8")
    for hook in HOOKS:
        assert re.search(rf"^### `{hook}\(", docs, re.M), f"{hook} is not in docs/plugins.md"
        assert f"def test_hook_{hook}(" in tests, f"{hook} has no test"


def test_hook_open_store(samskab, register_plugin, workdir):
    opened = []

    class CustomStore:
        @hookimpl
        def open_store(self, url):
            if url.startswith("custom:"):
                opened.append(url)
                return SqliteStore(str(workdir / url.removeprefix("custom:")))
            return None

    register_plugin(CustomStore())
    case = new_case(samskab, "--db", "custom:elsewhere.db")
    assert opened == ["custom:elsewhere.db"] and (workdir / "elsewhere.db").exists()
    assert samskab.json("--db", "custom:elsewhere.db", "cases", "show", str(case["id"]))["title"] == "Lions"
    # The built-in store still serves plain paths, and nobody claims other URLs.
    assert not (workdir / "samskab.db").exists()
    result = samskab("--db", "mysql://server/db", "cases", "list", exit=2)
    assert "no storage plugin can open 'mysql://server/db'" in result.stderr


def test_hook_create_store(samskab, register_plugin, workdir):
    """`samskab demo` creates its database through the storage plugin that claims the URL."""
    created = []

    class Elsewhere:
        @hookimpl
        def create_store(self, url, fill):
            if not url.startswith("elsewhere:"):
                return None
            if (workdir / "kept.db").exists():
                return False
            created.append(url)
            fill("custom:kept.db")
            return True

        @hookimpl
        def open_store(self, url):
            if url.startswith(("elsewhere:", "custom:")):
                return SqliteStore(str(workdir / "kept.db"))
            return None

    register_plugin(Elsewhere())
    samskab("--db", "elsewhere:demo", "demo", now="2026-11-23T08:00")
    samskab("--db", "elsewhere:demo", "demo", now="2026-11-23T08:00")  # there already: kept
    assert created == ["elsewhere:demo"]
    assert len(samskab.json("--db", "elsewhere:demo", "cases", "list", "--all")) == 65
    assert not (workdir / "samskab.db").exists()


def user_process(directory: Path, edit=lambda text: text) -> Path:
    text = (PROCESSES / "partnerskab.toml").read_text(encoding="utf-8")
    text = edit(text.replace('id = "partnerskab"', 'id = "lokal"'))
    path = directory / "lokal.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hook_register_guards(samskab, register_plugin, workdir):
    class BudgetGuard:
        @hookimpl
        def register_guards(self):
            def within_budget(context, ref):
                if int(float(context.values.get(ref.field) or 0)) > ref.value:
                    return f"`{ref.field}` is over the budget of {ref.value} kr."
                return None

            return [
                Guard(
                    "within_budget",
                    within_budget,
                    "subsidy within budget",
                    needs_field=True,
                    needs_value=True,
                )
            ]

    register_plugin(BudgetGuard())
    user_process(
        workdir,
        lambda text: text.replace(
            'requires = ["kommunens_bidrag", "organisationens_bidrag", "tilskud", "faciliteter"]',
            'requires = ["kommunens_bidrag", "organisationens_bidrag", "tilskud", "faciliteter"]\n'
            'guards = [{ name = "within_budget", field = "tilskud", value = 50000 }]',
        ),
    )
    mine = ["--processes", str(workdir)]
    samskab(*mine, "processes", "check", str(workdir / "lokal.toml"))
    number = str(samskab.json(*mine, "cases", "new", "lokal", "--title", "X")["id"])
    samskab(
        *mine,
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "organisation=O",
        "--set",
        "dialogmoede_dato=2026-01-01",
        "--set",
        "deltagere=Alle",
    )
    sets = ["--set", "kommunens_bidrag=a", "--set", "organisationens_bidrag=b", "--set", "faciliteter=c"]
    refused = samskab(
        *mine, "cases", "advance", number, "send_til_underskrift", *sets, "--set", "tilskud=60000", exit=1
    )
    assert "`tilskud` is over the budget of 50000 kr." in refused.stderr
    samskab(*mine, "cases", "advance", number, "send_til_underskrift", *sets, "--set", "tilskud=40000")


def test_hook_register_process_dirs(samskab, register_plugin, workdir):
    directory = workdir / "plugin-processes"
    directory.mkdir()
    user_process(directory)

    class MoreProcesses:
        @hookimpl
        def register_process_dirs(self):
            return [str(directory)]

    register_plugin(MoreProcesses())
    ids = [row["id"] for row in samskab.json("processes", "list")]
    assert "lokal" in ids and "partnerskab" in ids


def test_hook_validate_process(samskab, register_plugin, workdir):
    class HouseRules:
        @hookimpl
        def validate_process(self, process):
            if not process.title.en:
                return [Finding(("title",), "every process needs an English title", "add `en = ...`")]
            return None

    register_plugin(HouseRules())
    path = user_process(
        workdir, lambda text: text.replace(', en = "Partnership with a voluntary organisation" }', " }")
    )
    result = samskab("processes", "check", str(path), exit=2)
    assert f"{path}:11: title: every process needs an English title (add `en = ...`)" in result.stderr


def test_hook_before_action(samskab, register_plugin):
    class Freeze:
        @hookimpl
        def before_action(self, case, action, actor, changes, note):
            if action == "afbryd" and "budget" not in (note or ""):
                return "withdrawals this month need the word 'budget' in the note"
            return None

    register_plugin(Freeze())
    number = str(new_case(samskab)["id"])
    result = samskab("cases", "advance", number, "afbryd", "--note", "no", exit=1)
    assert "withdrawals this month need the word 'budget'" in result.stderr
    assert samskab.json("cases", "show", number)["revision"] == 1
    samskab("cases", "advance", number, "afbryd", "--note", "budget cut")


def test_hook_after_action(samskab, register_plugin):
    seen = []

    class Audit:
        @hookimpl
        def after_action(self, case, event, store):
            # Called after the commit: the store already holds the new state.
            seen.append((event.kind, event.action, store.get_case(case.id).state))

    register_plugin(Audit())
    number = str(new_case(samskab)["id"])
    samskab("cases", "advance", number, "afbryd", "--note", "x")
    assert seen == [("created", None, "dialog"), ("action", "afbryd", "ikke_indgaaet")]


def test_after_action_errors_never_undo_the_action(samskab, register_plugin):
    class Broken:
        @hookimpl
        def after_action(self, case, event, store):
            raise RuntimeError("mail server on fire")

    register_plugin(Broken())
    result = samskab("cases", "new", "partnerskab", "--title", "Lions")
    assert "a plugin failed after `created` was saved: RuntimeError: mail server on fire" in result.stderr
    assert len(samskab.json("cases", "list")) == 1


def test_hook_register_commands(samskab, register_plugin):
    class Export:
        @hookimpl
        def register_commands(self, cli):
            @cli.command()
            @click.pass_obj
            def count(settings):
                """Count the cases."""
                click.echo(f"{len(list(settings.service().cases()))} cases")

    register_plugin(Export())
    new_case(samskab)
    assert samskab("count").stdout == "1 cases\n"
    assert "Count the cases." in samskab("--help").stdout


def test_hook_register_channel_types(samskab, register_plugin, workdir):
    delivered = []

    class Memory:
        type = "memory"
        addressed = False

        @__import__("attrs").frozen
        class Settings:
            label: str
            events: tuple[str, ...] = ("created", "action")

        def __init__(self, name, settings):
            self.name, self.settings = name, settings

        def send(self, message):
            delivered.append((self.settings.label, message.payload["event"], message.key))

    class MemoryPlugin:
        @hookimpl
        def register_channel_types(self):
            return [Memory]

    register_plugin(MemoryPlugin())
    (workdir / "samskab.toml").write_text('[channels.mem]\ntype = "memory"\nlabel = "test"\n')
    number = str(new_case(samskab)["id"])
    samskab("cases", "advance", number, "afbryd", "--note", "x")
    samskab("tick")
    assert [(label, event) for label, event, _ in delivered] == [("test", "created"), ("test", "action")]
    assert len({key for _, _, key in delivered}) == 2
    (workdir / "samskab.toml").write_text('[channels.mem]\ntype = "memory"\nlabl = "test"\n')
    result = samskab("cases", "list", exit=2)
    assert "channels.mem.labl: unknown key `labl` (did you mean `label`?)" in result.stderr
