"""samskab on PostgreSQL, against the run's own server (``postgres`` in conftest.py): the
command line end to end, the audit finding what is changed behind samskab's back, a
municipality per schema, many writers at once, and an open terminal UI hearing of
changes. What every store does is in test_store_conformance.py, which runs on it too."""

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from conftest import ADMIN, FORMAL_HEARING
from pilot import app_for, settle, table_ids

from samskab.engine.config import Actor
from samskab.engine.core import open_engine
from samskab.engine.errors import Busy, Conflict
from samskab.engine.plugins import make_plugin_manager
from samskab.tui.screens.cases import CasesScreen

PM = make_plugin_manager(load_entrypoints=False)
SETUP = Actor("setup", None)
HEARING = {"hoeringsparter": "Alle", "hoeringsform": "formel", "hoer_ungebyraadet": "nej"}
"""What sends a hearing into its six weeks, which close by themselves."""


def engine_on(url):
    return open_engine(url, pm=PM)


def schema_of(url: str) -> str:
    return url.rsplit("schema=", 1)[1]


def test_the_command_line_end_to_end(samskab, postgres_url, workdir):
    db = ("--db", postgres_url)
    case = samskab.json(
        *db, "cases", "new", "partnerskab", "--title", "Lions", "--set", "kontakt_email=anna@x.dk"
    )
    samskab(
        *db,
        "cases",
        "advance",
        str(case["id"]),
        "udform_aftale",
        "--set",
        "organisation=Lions",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Anna og bestyrelsen",
        now="2026-01-10",
    )
    shown = samskab.json(*db, "cases", "show", str(case["id"]))
    assert shown["state"] == "aftaleudkast" and shown["revision"] == 2
    hearing = samskab.json(*db, "cases", "new", "hoering", "--title", "Politik", "--set", "dokument=Politik")
    samskab(
        *db,
        "cases",
        "advance",
        str(hearing["id"]),
        "send_i_hoering",
        *FORMAL_HEARING,
    )
    tick = samskab.json(*db, "tick", now="2027-06-01")
    assert [(e["case"], e["action"]) for e in tick["actions"]] == [(hearing["id"], "luk_hoering")]
    assert samskab.json(*db, "audit", "verify")["broken"] is None
    erased = samskab.json(*db, "person", "erase", "anna@x.dk", "--yes")
    assert erased["cases"] == 1
    assert samskab.json(*db, "cases", "show", str(case["id"]))["fields"]["kontakt_email"].startswith(
        "slettet-"
    )
    assert samskab.json(*db, "audit", "verify")["broken"] is None
    assert (workdir / f"postgres-{schema_of(postgres_url)}.key").stat().st_mode & 0o077 == 0


def test_a_schema_is_made_only_by_a_command_that_writes(samskab, postgres, postgres_url):
    samskab("--db", postgres_url, "processes", "list")
    missing = samskab("--db", postgres_url, "tick", exit=1)
    assert "there is no samskab database in" in missing.stderr
    schema = schema_of(postgres_url)
    assert postgres.execute(f"SELECT 1 FROM pg_namespace WHERE nspname = '{schema}'") == []
    samskab("--db", postgres_url, "cases", "new", "partnerskab", "--title", "Lions")
    applied = postgres.execute(f"SELECT name FROM {schema}.samskab_migrations ORDER BY applied_order")
    assert applied == [
        ("p001_initial",),
        ("p002_deadline_rules",),
        ("p003_field_keys",),
        ("p004_documents",),
        ("p005_case_links",),
        ("p008_cost_by_the_page",),
        ("p007_imported_cases",),
        ("p009_periods",),
        ("p010_text_search",),
    ]


def test_a_search_is_answered_by_the_trigram_index(samskab, postgres, postgres_url):
    """The server has pg_trgm: the search for a text finds the cases by their trigrams
    (in a schema of the extension's own, shared by every municipality), and what LIKE
    would read as a wildcard is searched for as written."""
    for title in ("Lions 100% frivillig", "Lions 1000 frivillige", "Roklubben_Nord", "RoklubbenXNord"):
        samskab("--db", postgres_url, "cases", "new", "partnerskab", "--title", title)
    schema = schema_of(postgres_url)
    assert postgres.execute(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'"
    ) == [("samskab_extensions",)]
    assert postgres.execute(
        f"SELECT indexname FROM pg_indexes WHERE schemaname = '{schema}' AND indexname = 'cases_search'"
    ) == [("cases_search",)]

    def found(text: str) -> list[str]:
        return sorted(
            c["title"] for c in samskab.json("--db", postgres_url, "cases", "list", "--search", text)
        )

    assert found("100%") == ["Lions 100% frivillig"]
    assert found("ben_n") == ["Roklubben_Nord"]
    assert found("LIONS 1") == ["Lions 100% frivillig", "Lions 1000 frivillige"]
    assert found("%") == ["Lions 100% frivillig"]
    plan = postgres.execute(
        f"SET search_path TO {schema}",
        "SET enable_seqscan = off",
        "EXPLAIN SELECT id FROM cases WHERE search LIKE '%frivill%'",
    )
    assert "cases_search" in str(plan)


def test_a_schema_is_brought_up_to_date_and_a_newer_one_refused(samskab, postgres, postgres_url):
    """Its own versions: a schema from samskab at p001 gets the later ones when first
    opened, its cases' keys to sort by a field made from their fields."""
    from samskab.plugins import postgres_schema

    schema = schema_of(postgres_url)
    with psycopg.connect(postgres.uri, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(
            "CREATE TABLE samskab_migrations (name text PRIMARY KEY, applied_order integer NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        postgres_schema.p001_initial(conn)
        conn.execute("INSERT INTO samskab_migrations (name, applied_order) VALUES ('p001_initial', 1)")
        conn.execute(  # a case's row as p001 kept it (its history aside)
            "INSERT INTO cases (id, title, process_id, version, state, fields, created_at, updated_at,"
            " revision, title_key, search) VALUES (-2, 'Gammel', 'x', 1, 'a', '{\"tilskud\":\"9000.00\"}',"
            " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', 1, 'gammel', '{gammel}')"
        )
    samskab(
        "--db", postgres_url, "cases", "new", "hoering", "--title", "Politik", "--set", "dokument=Politik"
    )
    applied = postgres.execute(f"SELECT name FROM {schema}.samskab_migrations ORDER BY applied_order")
    assert applied == [(name,) for name, _ in postgres_schema.MIGRATIONS]
    columns = f"SELECT column_name FROM information_schema.columns WHERE table_schema = '{schema}'"
    assert postgres.execute(f"{columns} AND table_name = 'deadlines' AND column_name IN ('rule', 'anchor')")
    assert postgres.execute(f"SELECT field_keys FROM {schema}.cases WHERE id = -2") == [
        ({"tilskud": [9000.0, "9000.00"]},)
    ]
    postgres.execute(
        f"INSERT INTO {schema}.samskab_migrations (name, applied_order) VALUES ('p999_later', 999)"
    )
    newer = samskab("--db", postgres_url, "cases", "list", exit=2)
    assert "was made by a newer samskab; upgrade samskab to open it" in newer.stderr


def test_the_demo_is_built_whole_into_its_schema(samskab, postgres, postgres_url, workdir):
    assert samskab("--db", postgres_url, "demo", now="2026-11-23T08:00").stderr.startswith("Built ")
    schema = schema_of(postgres_url)
    schemas = [name for (name,) in postgres.execute("SELECT nspname FROM pg_namespace") if schema in name]
    assert schemas == [schema]
    assert sorted(path.name for path in workdir.iterdir() if path.suffix == ".key") == [
        f"postgres-{schema}.key"
    ]
    assert len(samskab.json("--db", postgres_url, "cases", "list")) > 20
    assert samskab.json("--db", postgres_url, "audit", "verify")["broken"] is None
    assert samskab("--db", postgres_url, "demo").stderr == ""  # there already: opened as it is


def test_a_bad_url_is_a_clear_error(samskab, postgres):
    bad = samskab("--db", f"{postgres.uri}&schema=Holbæk", "cases", "list", exit=2)
    assert "a schema's name is lower-case letters" in bad.stderr
    gone = samskab("--db", "postgresql://nobody@/x?host=/nonexistent", "cases", "list", exit=2)
    assert "cannot connect to postgresql://nobody@/x" in gone.stderr


# -- the audit: what is changed behind samskab's back ------------------------------------------


@pytest.fixture
def history(samskab, postgres, postgres_url, monkeypatch):
    """Three cases with a few events each, sealed by a checkpoint (``samskab tick``); a
    function that runs SQL on the schema as its superuser, the triggers off."""
    monkeypatch.setenv("SAMSKAB_DB", postgres_url)
    for title in ("Lions", "Spejderne", "FDF"):
        case = samskab.json("cases", "new", "partnerskab", "--title", title)
        for note in ("første møde", "andet møde"):
            samskab("cases", "comment", str(case["id"]), "--note", note)
    samskab("tick")
    schema = schema_of(postgres_url)

    def behind_the_back(*statements: str) -> list[tuple]:
        return postgres.execute(
            f"SET search_path TO {schema}",
            "ALTER TABLE events DISABLE TRIGGER USER",
            "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER",
            *statements,
        )

    assert samskab("audit", "verify").stdout == "ok: 9 events, chains intact\n"
    return behind_the_back


def verify_fails(samskab) -> str:
    return samskab("audit", "verify", exit=1).stderr


def test_the_history_cannot_be_changed_through_sql(postgres, history, postgres_url):
    schema = schema_of(postgres_url)
    for statement in ("UPDATE events SET note = 'rettet'", "DELETE FROM events", "TRUNCATE events CASCADE"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            postgres.execute(f"SET search_path TO {schema}", statement)


def test_an_edited_event_is_found(samskab, history):
    history("UPDATE events SET note = 'Alt gik fint' WHERE id = 2")
    assert "Broken: event 2 " in verify_fails(samskab)


def test_an_edit_with_a_recomputed_digest_breaks_the_case_chain(samskab, history):
    history("UPDATE events SET note = 'Alt gik fint', digest = repeat('0', 64) WHERE id = 2")
    assert "the case's chain is broken here" in verify_fails(samskab)


def test_events_reordered_in_a_case_are_found(samskab, history):
    history(
        "UPDATE events SET note = CASE id WHEN 2 THEN 'andet møde' ELSE 'første møde' END,"
        " digest = (SELECT digest FROM events e WHERE e.id = CASE events.id WHEN 2 THEN 3 ELSE 2 END)"
        " WHERE id IN (2, 3)"
    )
    assert "the case's chain is broken here" in verify_fails(samskab)


def test_an_event_removed_at_the_end_of_a_case_is_found(samskab, history):
    history(
        "DELETE FROM outbox WHERE event_id = 3",
        "DELETE FROM events WHERE id = 3",
        "UPDATE cases SET revision = revision - 1 WHERE id = 1",
    )
    assert "the case's history ends before" in verify_fails(samskab)


def test_a_case_removed_whole_is_found_once_a_checkpoint_recorded_it(samskab, history):
    history(
        "DELETE FROM outbox WHERE case_id = 2",
        "DELETE FROM deadlines WHERE case_id = 2",
        "DELETE FROM events WHERE case_id = 2",
        "DELETE FROM audit_heads WHERE case_id = 2",
        "DELETE FROM cases WHERE id = 2",
    )
    assert "(case 2)" in (found := verify_fails(samskab))
    assert (
        "the case's history ends before checkpoint 1 recorded it (events, or the whole case, removed?)"
        in found
    )


def test_a_document_swapped_is_found(samskab, history, workdir):
    (workdir / "aftale.pdf").write_bytes(b"Aftalen, underskrevet")
    samskab("cases", "attach", "1", workdir / "aftale.pdf")
    samskab("audit", "verify")
    history("UPDATE documents SET content = 'falsk'::bytea WHERE id = 1")
    assert "document 1's content does not match the sha256 its history records" in verify_fails(samskab)


def test_a_link_between_cases_added_or_removed_is_found(samskab, history):
    samskab("cases", "link", "2", "1", "--kind", "del_af")
    assert samskab("audit", "verify").stdout == "ok: 10 events, chains intact\n"
    history("DELETE FROM links")
    assert "its link to case 1 (del_af) does not follow from its history" in verify_fails(samskab)
    history("INSERT INTO links VALUES (2, 1, 'del_af', 10), (3, 1, 'relateret_til', 10)")
    assert "(case 3): its link to case 1 (relateret_til)" in verify_fails(samskab)


def test_a_checkpoint_changed_or_removed_is_found(samskab, history):
    samskab("cases", "comment", "1", "--note", "tredje møde")
    samskab("tick")
    history("UPDATE audit_checkpoints SET events = events + 1 WHERE number = 1")
    assert "checkpoint 1 of the database was changed" in verify_fails(samskab)
    history(
        "UPDATE audit_checkpoints SET events = events - 1 WHERE number = 1",
        "DELETE FROM audit_checkpoints WHERE number = 2",
    )
    assert "the database's checkpoints end before its recorded head" in verify_fails(samskab)


def test_an_anchor_kept_elsewhere_is_a_checkpoint(samskab, history, workdir):
    samskab("cases", "comment", "3", "--note", "tredje møde")
    (workdir / "anker.txt").write_text(samskab("audit", "anchor").stdout)
    samskab("cases", "new", "partnerskab", "--title", "Senere")
    samskab("audit", "verify", "--anchor", "anker.txt")
    (workdir / "anker.txt").write_text(f"samskab-anchor events=5 head={'0' * 64}")
    assert (
        "the history differs from the anchor here"
        in samskab("audit", "verify", "--anchor", "anker.txt", exit=1).stderr
    )
    (workdir / "anker.txt").write_text(f"samskab-anchor events=99 head={'0' * 64}")
    assert "shorter than the anchor" in samskab("audit", "verify", "--anchor", "anker.txt", exit=1).stderr


def test_a_history_written_without_samskab_is_not_taken_under_a_key(samskab, postgres, postgres_url):
    PM.hook.open_store(url=postgres_url, create=True).close()  # the tables, no key yet
    schema = schema_of(postgres_url)
    postgres.execute(
        f"SET search_path TO {schema}",
        "INSERT INTO cases (title, process_id, version, state, fields, created_at, updated_at, revision,"
        " title_key, search) VALUES ('Indsat', 'x', 1, 'a', '{}', '2026-01-01T00:00:00+00:00',"
        " '2026-01-01T00:00:00+00:00', 1, 'indsat', '{indsat}')",
        "INSERT INTO events (case_id, at, actor, kind, to_state, changes, digest, case_link)"
        " VALUES (1, '2026-01-01T00:00:00+00:00', 'x', 'created', 'a', '{}', 'd', 'l')",
    )
    refused = samskab("--db", postgres_url, "cases", "list", exit=2)
    assert "is not kept under an audit key: events were added without samskab" in refused.stderr
    assert not any(path.suffix == ".key" for path in Path.cwd().iterdir())


# -- a municipality per schema -------------------------------------------------------------------


def test_each_municipality_is_a_schema_of_its_own(samskab, postgres, workdir):
    """Holbæk's coordinator (the account running the tests) is registered in Holbæk only:
    samskab refuses her Odense's cases; a database account of Holbæk's is refused
    Odense's schema by PostgreSQL itself."""
    holbaek, odense = postgres.url("holbaek"), postgres.url("odense")
    for name, people in (("holbaek", ADMIN), ("odense", '[people.bo]\nroles = ["admin", "koordinator"]\n')):
        (workdir / name).mkdir()
        (workdir / name / "samskab.toml").write_text(people)
    samskab(
        "--db", holbaek, "--config", "holbaek/samskab.toml", "cases", "new", "partnerskab", "--title", "Lions"
    )
    for command in (("cases", "new", "partnerskab", "--title", "Ikke her"), ("cases", "list")):
        refused = samskab("--db", odense, "--config", "odense/samskab.toml", *command, exit=1)
        assert "is not registered in this database" in refused.stderr
    assert [c["title"] for c in samskab.json("--db", holbaek, "cases", "list")] == ["Lions"]
    assert postgres.execute("SELECT count(*) FROM odense.cases WHERE id > 0") == [(0,)]

    postgres.execute(
        "CREATE ROLE holbaek_app LOGIN",
        "GRANT USAGE ON SCHEMA holbaek TO holbaek_app",
        "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA holbaek TO holbaek_app",
    )
    as_holbaek = postgres.uri.replace("postgres:@", "holbaek_app@")
    mine = samskab.json("--db", f"{as_holbaek}&schema=holbaek&key=postgres-holbaek.key", "cases", "list")
    assert [c["title"] for c in mine] == ["Lions"]
    theirs = samskab("--db", f"{as_holbaek}&schema=odense&key=postgres-odense.key", "cases", "list", exit=2)
    assert (
        "the PostgreSQL server does not let this account do that (permission denied for schema odense)"
        in theirs.stderr
    )


# -- many writers at once ------------------------------------------------------------------------


def test_writers_of_different_cases_never_wait_for_each_other(postgres_url):
    setup = engine_on(postgres_url)
    cases = [setup.new_case("hoering", f"Politik {i}", {"dokument": "Politik"}, SETUP).id for i in range(4)]
    for case_id in cases:
        setup.advance(case_id, "send_i_hoering", HEARING, actor=SETUP)
    start = threading.Barrier(len(cases))
    failures: list[Exception] = []

    def coordinator(case_id: int) -> None:
        engine = engine_on(postgres_url)
        start.wait()
        try:
            for i in range(10):
                engine.advance(
                    case_id, "registrer_svar", {"seneste_svar": f"svar {i}"}, actor=Actor(f"k{case_id}", None)
                )
        except Exception as failed:  # pragma: no cover - the assertion below says it
            failures.append(failed)
        engine.store.close()

    threads = [threading.Thread(target=coordinator, args=(case_id,)) for case_id in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [setup.case(case_id).fields["antal_svar"] for case_id in cases] == [10] * 4
    setup.store.audit_checkpoint(setup.now())
    assert setup.store.audit_checkpoints()[-1].events == 4 * 12


def test_two_writers_of_one_case_at_once_one_wins(postgres_url):
    setup = engine_on(postgres_url)
    case = setup.new_case("hoering", "Politik", {"dokument": "Politik"}, SETUP)
    setup.advance(case.id, "send_i_hoering", HEARING, actor=SETUP)
    seen = setup.case(case.id).revision
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def coordinator(name: str) -> None:
        engine = engine_on(postgres_url)
        start.wait()
        try:
            engine.advance(
                case.id,
                "registrer_svar",
                {"seneste_svar": name},
                actor=Actor(name, None),
                expected_revision=seen,
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        engine.store.close()

    threads = [threading.Thread(target=coordinator, args=(name,)) for name in ("anna", "bo")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert setup.case(case.id).revision == seen + 1


def test_processes_racing_on_the_same_cases_lose_nothing(postgres_url, workdir):
    """As test_reliability's race, on PostgreSQL: every accepted action once, no refused one."""
    from test_reliability import WORKER

    setup = engine_on(postgres_url)
    for i in range(3):
        case = setup.new_case("hoering", f"Politik {i}", {"dokument": "Politik"}, SETUP)
        setup.advance(case.id, "send_i_hoering", HEARING, actor=SETUP)
    import json
    import time

    start_at = str(time.time() + 2)
    workers = [
        subprocess.Popen(
            [sys.executable, WORKER, "race", postgres_url, name, "60", start_at],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("anna", "bo")
    ]
    outcomes = [o for worker in workers for o in json.loads(worker.communicate(timeout=120)[0])]
    accepted = [o for o in outcomes if o["result"] == "ok"]
    for case in setup.cases():
        notes = [e.note for e in setup.store.history(case.id) if e.action == "registrer_svar"]
        assert sorted(notes) == sorted(o["note"] for o in accepted if o["case"] == case.id)
        assert case.revision == 2 + len(notes)


def test_audit_verify_while_others_write_finds_nothing_broken(postgres_url):
    """It reads one snapshot: events, heads and cases as one moment left them."""
    from samskab.engine.service import Service

    setup = engine_on(postgres_url)
    case = setup.new_case("hoering", "Politik", {"dokument": "Politik"}, SETUP)
    setup.advance(case.id, "send_i_hoering", HEARING, actor=SETUP)
    done = threading.Event()

    def coordinator() -> None:
        engine = engine_on(postgres_url)
        for i in range(40):
            engine.advance(case.id, "registrer_svar", {"seneste_svar": str(i)}, actor=SETUP)
            engine.new_case("partnerskab", f"Ny {i}", {}, SETUP)
        engine.store.close()
        done.set()

    writer = threading.Thread(target=coordinator)
    writer.start()
    service = Service(setup, SETUP, "en")
    reports = [service.verify_audit()]
    while not done.is_set():
        reports.append(service.verify_audit())
    writer.join()
    assert [report.broken for report in reports] == [None] * len(reports)


def test_a_row_held_too_long_is_busy(postgres, postgres_url):
    setup = engine_on(postgres_url)
    case = setup.new_case("partnerskab", "Lions", {}, SETUP)
    impatient = engine_on(postgres_url.replace("&schema=", "&timeout=0.2&schema="))
    with psycopg.connect(postgres.uri) as blocker:
        blocker.execute(f"SELECT 1 FROM {schema_of(postgres_url)}.cases WHERE id = %s FOR UPDATE", (case.id,))
        with pytest.raises(Busy, match="the database is busy"):
            impatient.advance(case.id, "afbryd", note="x", actor=SETUP)
    impatient.advance(case.id, "afbryd", note="x", actor=SETUP)


# -- an open terminal UI ---------------------------------------------------------------------------


async def test_the_terminal_ui_hears_of_a_case_another_coordinator_opened(postgres_url):
    engine = engine_on(postgres_url)
    first = engine.new_case("partnerskab", "Lions", {}, SETUP)
    app = app_for(engine, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        app.check_for_changes()  # listening from here on
        await settle(pilot)
        assert table_ids(app) == [first.id]
        other = engine_on(postgres_url)
        second = other.new_case("partnerskab", "Spejderne", {}, Actor("bo", None))
        app.check_for_changes()  # what the timer does every refresh_seconds
        await settle(pilot)
        await settle(pilot)
        assert table_ids(app) == [first.id, second.id]
        other.store.close()


def test_the_sqlite_default_never_imports_psycopg(workdir):
    code = (
        "import sys\n"
        "from samskab.cli import cli\n"
        "cli(['cases', 'new', 'partnerskab', '--title', 'Lions'], standalone_mode=False)\n"
        "cli(['cases', 'list'], standalone_mode=False)\n"
        "assert not [m for m in sys.modules if m.startswith('psycopg')], 'psycopg imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=workdir, capture_output=True)
