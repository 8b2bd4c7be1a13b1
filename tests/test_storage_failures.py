"""A database file samskab cannot use as asked: damaged, read-only, on a full disk. Every
command says so in one line, in the user's language, with exit status 2 and never a
traceback, wherever the problem shows (at the start, in the middle of a list, in the
terminal UI); and nothing is lost: a write that fails leaves the database as it was."""

import ctypes
import datetime as dt
import hashlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from conftest import SAMSKAB
from pilot import NOW, app_for, settle
from test_reliability import check_invariants

from samskab.engine.config import Actor
from samskab.tui.screens.cases import CasesScreen

DAMAGED = (
    "the database file is damaged (samskab.db: database disk image is malformed); restore it from a backup"
)


@pytest.fixture
def municipality(engine, workdir):
    """The demo municipality and 300 associations on a real file, ``samskab.db``; a third
    of them closed. Gives each association's case id by its number."""
    ids = {}
    for i in range(300):
        values = {"organisation": f"Forening {i}", "kontakt_email": f"f{i}@x.dk"}
        case = engine.new_case("partnerskab", f"Forening {i}", values, Actor("mette", None))
        if i % 3 == 0:
            engine.advance(case.id, "afbryd", note="Trak sig", actor=Actor("mette", None))
        ids[i] = case.id
    engine.store.close()  # the last connection: the log is copied into the file
    assert not (workdir / "samskab.db-wal").exists()
    return ids


def command(*args, cwd, now=NOW, preexec_fn=None):
    """The installed samskab in a process of its own, as a user runs it; never a traceback."""
    env = {"PATH": os.environ["PATH"], "SAMSKAB_LANG": "en", "SAMSKAB_LOAD_PLUGINS": "", "SAMSKAB_NOW": now}
    result = subprocess.run(
        [SAMSKAB, *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def overwrite(path: Path, old: bytes, new: bytes) -> None:
    """Replace ``old`` (once in the file) by ``new`` of the same length, in place."""
    data = path.read_bytes()
    assert data.count(old) == 1 and len(new) == len(old)
    path.write_bytes(data.replace(old, new))


def garble_page_holding(path: Path, text: bytes) -> None:
    """Overwrite the database page that holds ``text`` with garbage."""
    data = bytearray(path.read_bytes())
    page = 4096
    start = data.index(text) // page * page
    data[start : start + page] = bytes(range(256)) * (page // 256)
    path.write_bytes(bytes(data))


EVERY_COMMAND = [
    ("cases", "list"),
    ("cases", "list", "--all", "--json"),
    ("cases", "show", "5"),
    ("audit", "verify"),
    ("tick",),
    ("cases", "new", "partnerskab", "--title", "Lions"),
    ("cases", "advance", "5", "afbryd", "--note", "x"),
    ("outbox", "list"),
    ("person", "export", "f1@x.dk"),
    ("calendar",),
]


@pytest.mark.parametrize("damage", ["half of it overwritten", "cut off in the middle"])
def test_a_damaged_database_is_a_clear_error_for_every_command(samskab, municipality, workdir, damage):
    db = workdir / "samskab.db"
    size = db.stat().st_size
    with db.open("r+b") as file:
        if damage == "half of it overwritten":
            file.seek(size // 4 // 4096 * 4096)
            file.write(b"\xa5" * (size // 2))
        else:
            file.truncate(size // 2 // 4096 * 4096)
    damaged = digest(db)
    for args in EVERY_COMMAND:
        result = samskab(*args, now="2027-06-01T08:00", exit=2)
        assert result.stderr == f"Error: {DAMAGED}\n", args
    danish = samskab("--lang", "da", "cases", "list", exit=2)
    assert danish.stderr.startswith("Fejl: databasefilen er beskadiget (samskab.db: ")
    assert danish.stderr.endswith("); gendan den fra en sikkerhedskopi\n")
    assert digest(db) == damaged  # made no worse


def test_damage_found_in_the_middle_of_a_list_is_a_clear_error_there(samskab, municipality, workdir):
    """Only the page holding an association's case is damaged: the list stops there with
    the error; what is elsewhere in the file can still be read."""
    garble_page_holding(workdir / "samskab.db", b"Forening 151partnerskab")
    listed = samskab("cases", "list", exit=2)
    assert "Forening 1 " in listed.stdout and "Forening 299" not in listed.stdout
    assert listed.stderr == f"Error: {DAMAGED}\n"
    for args in [
        ("cases", "list", "--json"),
        ("cases", "show", municipality[151]),
        ("audit", "verify"),
        ("person", "export", "f151@x.dk"),
        ("cases", "advance", municipality[151], "afbryd", "--note", "x"),
    ]:
        assert samskab(*args, exit=2).stderr == f"Error: {DAMAGED}\n", args
    assert "Forening 1" in samskab("cases", "show", municipality[1]).stdout


def test_values_damaged_inside_a_row_are_a_clear_error(samskab, municipality, workdir):
    """Damage SQLite cannot see: a value samskab wrote reads back as something it never
    writes (not JSON, not a time, not UTF-8 text)."""
    db = workdir / "samskab.db"
    fields = b'{"kontakt_email":"f7@x.dk","organisation":"Forening 7"}2026'
    overwrite(db, fields, b"[" + fields[1:])
    overwrite(db, b'"organisation":"Forening 8"}2026-11-23', b'"organisation":"Forening 8"}2026x11x23')
    overwrite(db, b"Forening 10partnerskab", b"Forening \xff0partnerskab")
    for case, said in [
        (municipality[7], "a value it holds is not JSON"),
        (municipality[8], "a time it holds is not a time"),
        (municipality[10], "samskab.db: Could not decode to UTF-8 column 'title'"),
    ]:
        result = samskab("cases", "show", case, exit=2)
        assert result.stderr == f"Error: the database file is damaged ({said}); restore it from a backup\n"
    assert "Forening 9" in samskab("cases", "show", municipality[9]).stdout


def test_a_damaged_schema_is_a_clear_error_that_prints_none_of_the_damage(samskab, engine, workdir):
    """SQLite quotes the damaged text of a table's definition in its message: bytes that
    are not UTF-8 (Python's sqlite3 cannot even make the message) and an escape sequence
    (a terminal would obey it). The error says where, and shows neither."""
    engine.store.close()
    old = b'CREATE TABLE "refusals" (\n   "id"'
    overwrite(workdir / "samskab.db", old, old[:-4] + b"`\xff\x1b[")
    result = samskab("cases", "list", exit=2)
    assert result.stderr.startswith(
        "Error: the database file is damaged (samskab.db: malformed database schema (refusals)"
        " - unrecognized token: "
    )
    assert result.stderr.endswith("); restore it from a backup\n") and result.stderr.count("\n") == 1
    assert "\x1b" not in result.stderr


def test_tick_stopped_by_damage_says_how_much_it_had_saved(samskab, workdir, monkeypatch):
    """300 citizens' ideas, each due an answer in 14 days: tick answers for them batch by
    batch until it reaches the damaged page, near the end; what the batches before did is
    saved, and it says so."""
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    engine = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    for i in range(300):
        engine.new_case("borgerinitiativ", f"Idé {i}", {"ide": f"Idé {i}"}, Actor("mette", None))
    engine.store.close()
    garble_page_holding(workdir / "samskab.db", b"Id\xc3\xa9 290borgerinitiativ")
    result = samskab("tick", now="2026-12-08T08:00", exit=2)
    saved = (
        sqlite3.connect(workdir / "samskab.db")
        .execute("SELECT count(*) FROM events WHERE kind IN ('reminder', 'deadline')")
        .fetchone()[0]
    )
    assert 0 < saved < 600
    assert result.stderr == (
        f"Error: {DAMAGED}\n  - the {saved} deadline(s) and reminder(s) handled before it were saved\n"
    )


async def test_a_damaged_database_is_a_notification_in_the_terminal_ui(municipality, workdir):
    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    garble_page_holding(workdir / "samskab.db", b"Forening 151partnerskab")
    engine = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        said = {notification.message for notification in pilot.app._notifications}
        assert said == {
            f"databasefilen er beskadiget ({workdir / 'samskab.db'}: database disk image is malformed);"
            " gendan den fra en sikkerhedskopi"
        }


# -- read-only -------------------------------------------------------------------------


def powerless():
    """A preexec_fn for a child that meets file permissions as anyone does, even run by
    root: it gives up every capability (from the bounding set, so its program starts with
    none), among them the one that lets root write a read-only file."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())

    def give_up() -> None:
        for capability in range(last + 1):
            if prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return give_up if os.geteuid() == 0 else None


def test_a_read_only_database_can_be_read_and_says_so_for_every_write(workdir):
    """The file (0444) and its folder (0555) read-only, so SQLite can make no -wal or
    -shm beside it: reading commands work as before; writing ones say the file is
    read-only and that nothing was saved, and the file is left as it was."""
    folder = workdir / "kommune"
    db = folder / "samskab.db"
    folder.mkdir()
    command("--db", db, "demo", cwd=workdir)
    reading = [("cases", "list", "--all"), ("cases", "show", "4"), ("audit", "verify"), ("outbox", "list")]
    before = {args: command("--db", db, *args, cwd=workdir).stdout for args in reading}
    as_user = powerless()
    files = sorted(os.listdir(folder))
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        try:
            probe = subprocess.run(["touch", folder / "probe"], preexec_fn=as_user, capture_output=True)
        except subprocess.SubprocessError as error:
            pytest.skip(f"running as root, and root cannot give up its power to write any file here: {error}")
        if probe.returncode == 0:
            pytest.skip("running as root, and a read-only folder does not stop root here")
        kept = digest(db)
        for args in reading:
            result = command("--db", db, *args, cwd=workdir, preexec_fn=as_user)
            assert result.returncode == 0, result.stderr
            assert result.stdout == before[args]
        for args in [
            ("cases", "new", "partnerskab", "--title", "Lions"),
            ("cases", "advance", "4", "afbryd", "--note", "Trak sig"),
            ("tick",),
            ("person", "erase", "spejd@example.dk", "--yes"),
        ]:
            result = command("--db", db, *args, cwd=workdir, now="2027-06-01T08:00", preexec_fn=as_user)
            assert result.returncode == 2, args
            assert result.stderr == f"Error: {db} is read-only (the file or its folder): nothing was saved\n"
        danish = command(
            "--lang", "da", "--db", db, "tick", cwd=workdir, now="2027-06-01T08:00", preexec_fn=as_user
        )
        assert danish.stderr == f"Fejl: {db} er skrivebeskyttet (filen eller dens mappe): intet blev gemt\n"
        assert digest(db) == kept
        assert sorted(os.listdir(folder)) == files  # no -wal, no -shm
    finally:
        folder.chmod(0o755)
        db.chmod(0o600)
    assert (
        command("--db", db, "cases", "list", "--all", cwd=workdir).stdout
        == before[("cases", "list", "--all")]
    )


# -- a full disk -----------------------------------------------------------------------


def at_most(size: int):
    """A preexec_fn for a child that may write files of ``size`` bytes at most (as on a
    full disk, a write beyond fails with EFBIG instead of killing it with SIGXFSZ)."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def content(db: Path) -> list[str]:
    """Everything the database holds, read without writing (no log copied back)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_a_full_disk_is_a_clear_error_and_every_write_is_all_or_nothing(workdir):
    """Writing commands of every kind (new cases with large values, actions with long
    notes, tick firing reminders and deadlines, the demo builder) under a file-size limit,
    day after day until the database and its log fill it: each one that fails says the
    disk is full and leaves the database exactly as it was; each one that succeeded is all
    there, and the database is whole."""
    db = workdir / "samskab.db"
    command("demo", cwd=workdir)
    # Room for a few new cases: each large value is kept twice (its field, and folded
    # for search) and indexed.
    limit = at_most(db.stat().st_size + 300_000)
    large = "x" * 12_000
    made: dict[int, str] = {}
    refused: list[tuple[int, str]] = []
    fired: list[tuple[int, str, str]] = []
    failed = Counter[str]()
    for day in range(60):
        # Two new cases for each one refused, so that some wait when the disk fills.
        step = ("new", "advance", "new", "tick", "demo")[day % 5]
        waiting = sorted(set(made) - {case for case, _ in refused})
        if step == "new":
            args = ["cases", "new", "borgerinitiativ", "--title", f"Idé {day}", "--json"]
            args += ["--set", f"ide={large}", "--set", f"borger_email=b{day}@x.dk"]
        elif step == "advance":
            if len(waiting) < 2:  # one is kept for when the disk is full
                continue
            args = [
                "cases",
                "advance",
                waiting[0],
                "afvis",
                "--set",
                "afslagsgrund=andet",
                "--note",
                f"{large * 2} {day}",
            ]
            args += ["--json"]
        elif step == "tick":
            args = ["tick", "--json"]
        else:
            args = ["--db", f"demo{day}.db", "demo"]
        now = (dt.datetime(2026, 11, 23, 8) + dt.timedelta(days=day)).isoformat(timespec="minutes")
        before = content(db)
        result = command(*args, cwd=workdir, now=now, preexec_fn=limit)
        if result.returncode != 0:
            failed["demo" if args[0] == "--db" else args[1] if args[0] == "cases" else "tick"] += 1
            where = args[1] + ".building" if args[0] == "--db" else "samskab.db"
            assert result.returncode == 2
            assert result.stderr.startswith(f"Error: the disk is full: nothing was saved in {where}\n")
            if "handled before it were saved" not in result.stderr:
                assert content(db) == before, args
            if min(failed[name] for name in ("new", "advance", "tick", "demo")) >= 2:
                break
        elif args[1] == "new":
            made[json.loads(result.stdout)["data"]["id"]] = f"Idé {day}"
        elif args[1] == "advance":
            refused.append((waiting[0], f"{large * 2} {day}"))
        elif args[0] == "tick":
            report = json.loads(result.stdout)["data"]
            fired += [
                (e["case"], e["kind"], e["at"]) for kind in ("reminders", "deadlines") for e in report[kind]
            ]
    assert min(failed[name] for name in ("new", "advance", "tick", "demo")) >= 2, failed
    assert len(made) >= 5 and refused and fired

    assert command("audit", "verify", cwd=workdir).stdout.startswith("ok: ")
    check_invariants(db)  # PRAGMA integrity_check, and every case's state is its history's
    conn = sqlite3.connect(db)
    for case, title in made.items():
        assert conn.execute("SELECT title FROM cases WHERE id = ?", (case,)).fetchone() == (title,)
    for case, note in refused:
        assert conn.execute("SELECT state FROM cases WHERE id = ?", (case,)).fetchone() == ("afvist",)
        assert conn.execute("SELECT count(*) FROM events WHERE note = ?", (note,)).fetchone() == (1,)
    for case, kind, at in fired:
        assert conn.execute(
            "SELECT count(*) FROM events WHERE case_id = ? AND kind = ? AND at = ?", (case, kind, at)
        ).fetchone() == (1,)
    conn.close()
    assert not [name for name in os.listdir(workdir) if name.startswith("demo")]


def test_an_erasure_on_a_full_disk_says_its_old_text_may_be_left_in_the_file(workdir):
    """The erasure fits in the log, but the log cannot be copied back into the file (over
    the old text): samskab does not say nothing was saved, it says the old text may still
    be in the file; a later samskab copies the log back."""
    db = workdir / "samskab.db"
    command("demo", cwd=workdir)
    room = at_most(db.stat().st_size // 2)  # for the log, but not for the file's last pages
    result = command("person", "erase", "spejd@example.dk", "--yes", cwd=workdir, preexec_fn=room)
    assert result.returncode == 2
    assert result.stderr == (
        "Error: the personal data is erased, but the log (samskab.db-wal) could not be copied into"
        " samskab.db, where its old text may still be: free some space, then run samskab again\n"
    )
    assert (
        "nothing is held on spejd@example.dk"
        in command("person", "export", "spejd@example.dk", cwd=workdir).stderr
    )
    assert not (workdir / "samskab.db-wal").exists()  # copied back when samskab closed it
    assert b"spejd@example.dk" not in db.read_bytes()
    assert command("audit", "verify", cwd=workdir).stdout.startswith("ok: ")
