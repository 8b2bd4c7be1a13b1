"""The SQLite store's schema, changed only through sqlite-utils ``Migrations``.

``mNNN_`` functions are applied in order and never renamed or reordered once released.
Kept apart from ``plugins.sqlite_store`` so that commands that only read never import
sqlite-utils (it is the largest part of start-up); ``MIGRATIONS`` there names them all.
"""

import json

import sqlite_utils
from sqlite_utils.migrations import Migrations

from samskab.engine import audit, clock
from samskab.engine.cases import Event

migrations = Migrations("samskab")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.table("definitions").create(
        {"process_id": str, "version": int, "sha256": str, "text": str, "origin": str},
        pk=("process_id", "version"),
        not_null={"sha256", "text"},
    )
    db.table("cases").create(
        {
            "id": int,
            "title": str,
            "process_id": str,
            "version": int,
            "definition_sha256": str,
            "state": str,
            "fields": str,
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
            "revision": int,
        },
        pk="id",
        not_null={"title", "process_id", "version", "state", "fields", "revision"},
    )
    db.table("events").create(
        {
            "id": int,
            "case_id": int,
            "at": str,
            "actor": str,
            "kind": str,
            "action": str,
            "from_state": str,
            "to_state": str,
            "changes": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "at", "actor", "kind", "to_state"},
    )
    db.table("deadlines").create(
        {
            "id": int,
            "case_id": int,
            "state": str,
            "kind": str,
            "due_at": str,
            "action": str,
            "before": str,
            "fired_at": str,
            "closed_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
        not_null={"case_id", "state", "kind", "due_at"},
    )
    db.table("cases").create_index(["process_id", "state"])
    db.table("cases").create_index(["updated_at"])
    db.table("events").create_index(["case_id"])
    db.table("deadlines").create_index(["case_id"])
    # Partial indexes keep the deadline queries proportional to what is open, not to
    # every deadline ever stored.
    db.execute(
        "CREATE INDEX deadlines_pending ON deadlines(due_at) WHERE fired_at IS NULL AND closed_at IS NULL"
    )
    db.execute(
        "CREATE INDEX deadlines_open ON deadlines(due_at) WHERE closed_at IS NULL AND kind = 'deadline'"
    )


@migrations()
def m002_next_due(db: sqlite_utils.Database) -> None:
    """Keep each open case's next deadline on the case, so lists sort and filter by it
    through an index instead of a subquery per case."""
    db.table("cases").add_column("next_due", str)
    db.execute(
        "UPDATE cases SET next_due = (SELECT min(due_at) FROM deadlines d WHERE"
        " d.case_id = cases.id AND d.closed_at IS NULL AND d.kind = 'deadline')"
    )
    db.execute("CREATE INDEX cases_open_next_due ON cases(next_due) WHERE closed_at IS NULL")


@migrations()
def m003_outbox(db: sqlite_utils.Database) -> None:
    """Messages written with the change that causes them, delivered afterwards."""
    db.table("outbox").create(
        {
            "id": int,
            "key": str,
            "event_id": int,
            "case_id": int,
            "channel": str,
            "recipient": str,
            "subject": str,
            "body": str,
            "payload": str,
            "status": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        foreign_keys=[("event_id", "events", "id"), ("case_id", "cases", "id")],
        not_null={"key", "channel", "recipient", "status", "attempts", "created_at"},
    )
    db.table("outbox").create_index(["key"], unique=True)
    db.execute("CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE status = 'pending'")
    db.table("outbox_log").create(
        {"id": int, "message_id": int, "at": str, "actor": str, "what": str},
        pk="id",
        foreign_keys=[("message_id", "outbox", "id")],
    )


@migrations()
def m004_audit_chain(db: sqlite_utils.Database) -> None:
    """Digests chained per case and overall; events can no longer be changed or deleted."""
    for column in ("digest", "case_link", "chain"):
        db.table("events").add_column(column, str)
    last_chain: str | None = None
    last_link: dict[int, str] = {}
    after = 0
    while True:  # in batches, so a large history does not have to fit in memory
        rows = db.execute(
            "SELECT id, case_id, at, actor, kind, action, from_state, to_state, changes, note"
            " FROM events WHERE id > ? ORDER BY id LIMIT 10000",
            (after,),
        ).fetchall()
        if not rows:
            break
        for event_id, case_id, at, actor, kind, action, from_state, to_state, changes, note in rows:
            event = Event(
                case_id,
                clock.from_text(at),
                actor,
                kind,
                action,
                from_state,
                to_state,
                json.loads(changes),
                note,
            )
            event_digest = audit.digest(event)
            last_link[case_id] = audit.link(last_link.get(case_id), event_digest)
            last_chain = audit.link(last_chain, event_digest)
            db.execute(
                "UPDATE events SET digest = ?, case_link = ?, chain = ? WHERE id = ?",
                (event_digest, last_link[case_id], last_chain, event_id),
            )
        after = rows[-1][0]
    db.table("erasures").create({"event_id": int, "erasure_event_id": int}, pk="event_id")
    db.table("audit_unlock").create({"id": int}, pk="id")
    db.execute(
        "CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
        " WHEN (SELECT count(*) FROM audit_unlock) = 0"
        " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events"
        " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
    )


@migrations()
def m005_accounts_and_refusals(db: sqlite_utils.Database) -> None:
    """Who acted on whose behalf, and every refused attempt."""
    db.table("events").add_column("account", str)
    db.table("refusals").create(
        {"id": int, "case_id": int, "at": str, "actor": str, "account": str, "action": str, "reasons": str},
        pk="id",
    )
    db.table("refusals").create_index(["case_id"])


@migrations()
def m006_case_link_on_case(db: sqlite_utils.Database) -> None:
    """Each case keeps the last link of its chain, so that appending an event reads the
    case's row (already at hand) rather than its last event."""
    db.table("cases").add_column("case_link", str)
    db.execute(
        "UPDATE cases SET case_link = (SELECT case_link FROM events e WHERE e.case_id = cases.id"
        " ORDER BY e.id DESC LIMIT 1)"
    )
    db.execute(
        "CREATE TRIGGER events_case_link AFTER INSERT ON events"
        " BEGIN UPDATE cases SET case_link = NEW.case_link WHERE id = NEW.case_id; END"
    )


@migrations()
def m007_keyed_audit(db: sqlite_utils.Database) -> None:
    """Heads of the chains, and the fingerprint of the key the history is kept under.
    An older history is linked again under the key when samskab first has it
    (``SqliteStore.use_audit_key``): a migration has no key."""
    db.table("audit_heads").create({"case_id": int, "count": int, "last": str, "mac": str}, pk="case_id")
    db.table("audit_key").create({"fingerprint": str}, not_null={"fingerprint"})


@migrations()
def m008_heads_only(db: sqlite_utils.Database) -> None:
    """The heads (m007) say where each case's chain ends: the case row no longer keeps
    its last link, and appending an event no longer updates the case a second time."""
    db.execute("DROP TRIGGER IF EXISTS events_case_link")
    db.execute("ALTER TABLE cases DROP COLUMN case_link")


@migrations()
def m009_case_owner(db: sqlite_utils.Database) -> None:
    """Each case's owner (its *ansvarlig*) on the case, indexed for "mine"; the events that
    set it (opening, handing over) record it. A case opened before owners is owned by
    whoever opened it: the actor of its first event, as ``audit.verify`` replays it."""
    db.table("cases").add_column("owner", str)
    db.table("events").add_column("owner", str)
    db.execute(
        "UPDATE cases SET owner = (SELECT actor FROM events e WHERE e.case_id = cases.id ORDER BY e.id LIMIT 1)"
    )
    db.execute("CREATE INDEX cases_owner ON cases(owner)")


@migrations()
def m010_documents(db: sqlite_utils.Database) -> None:
    """Documents kept with a case (a signed agreement, minutes), in the database itself:
    one file holds everything, a document and the event that records its hash are one
    transaction, and a backup of the database has them. A document's row is written
    before its event (which names its id), and then learns the event's id."""
    db.table("documents").create(
        {
            "id": int,
            "case_id": int,
            "event_id": int,
            "name": str,
            "size": int,
            "sha256": str,
            "content": bytes,
            "deleted_event_id": int,
        },
        pk="id",
        foreign_keys=[
            ("case_id", "cases", "id"),
            ("event_id", "events", "id"),
            ("deleted_event_id", "events", "id"),
        ],
        not_null={"case_id", "name", "size", "sha256", "content"},
    )
    db.table("documents").create_index(["case_id"])


@migrations()
def m011_deadline_rules(db: sqlite_utils.Database) -> None:
    """Which of its step's deadlines a row is (``rule``: a step may have several), and
    what a recurring deadline counted from entering its step counts every occurrence
    from (``anchor``). Rows from before have neither: the step's one deadline."""
    db.table("deadlines").add_column("rule", str)
    db.table("deadlines").add_column("anchor", str)


@migrations()
def m012_case_links(db: sqlite_utils.Database) -> None:
    """Links between cases (a sub-case to its parent, a renewal to what it renews): the
    events that make and remove them name the kind and the other case; the links
    table holds those in force, indexed both ways."""
    db.table("events").add_column("link_kind", str)
    db.table("events").add_column("link_case", int)
    db.table("links").create(
        {"case_id": int, "other_id": int, "kind": str, "event_id": int},
        pk=("case_id", "other_id", "kind"),
        foreign_keys=[("case_id", "cases", "id"), ("other_id", "cases", "id"), ("event_id", "events", "id")],
        not_null={"event_id"},
    )
    db.table("links").create_index(["other_id", "kind"])


@migrations()
def m014_imported_cases(db: sqlite_utils.Database) -> None:
    """Cases imported from a file (``samskab cases import``): the event that opens one
    keeps the key of the row it came from, unique, so a row imported again is found (by
    this index) instead of opened a second time. (Released after m015: applied after it to
    a database made before.)"""
    db.table("events").add_column("imported", str)
    db.execute("CREATE UNIQUE INDEX events_imported ON events(imported) WHERE imported IS NOT NULL")


# Each change of a case's process, step, owner or openness moves one count, so that how
# many cases there are per process, step and owner is read from a few rows, however many
# cases there are. The register of people (case -1) is not a case.
_COUNTED = "process_id, state, coalesce(owner, ''), closed_at IS NULL"
_CASE_COUNTS = (
    """CREATE TABLE case_counts (
    process_id TEXT NOT NULL, state TEXT NOT NULL, owner TEXT NOT NULL, open INTEGER NOT NULL,
    n INTEGER NOT NULL, PRIMARY KEY (process_id, state, owner, open)) WITHOUT ROWID""",
    f"INSERT INTO case_counts SELECT {_COUNTED}, count(*) FROM cases WHERE id != -1 GROUP BY 1, 2, 3, 4",
    """CREATE TRIGGER case_counts_insert AFTER INSERT ON cases WHEN NEW.id != -1 BEGIN
    INSERT INTO case_counts VALUES
        (NEW.process_id, NEW.state, coalesce(NEW.owner, ''), NEW.closed_at IS NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END""",
    """CREATE TRIGGER case_counts_delete AFTER DELETE ON cases WHEN OLD.id != -1 BEGIN
    UPDATE case_counts SET n = n - 1 WHERE process_id = OLD.process_id AND state = OLD.state
        AND owner = coalesce(OLD.owner, '') AND open = (OLD.closed_at IS NULL);
END""",
    """CREATE TRIGGER case_counts_update AFTER UPDATE OF process_id, state, owner, closed_at ON cases
WHEN OLD.id != -1 AND (OLD.process_id IS NOT NEW.process_id OR OLD.state IS NOT NEW.state
    OR OLD.owner IS NOT NEW.owner OR (OLD.closed_at IS NULL) != (NEW.closed_at IS NULL)) BEGIN
    UPDATE case_counts SET n = n - 1 WHERE process_id = OLD.process_id AND state = OLD.state
        AND owner = coalesce(OLD.owner, '') AND open = (OLD.closed_at IS NULL);
    INSERT INTO case_counts VALUES
        (NEW.process_id, NEW.state, coalesce(NEW.owner, ''), NEW.closed_at IS NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END""",
)

# The search index: each case's folded title and field values (``search``, kept by the
# store) indexed by their three-letter pieces, so that a search reads the cases that
# match, not every case. The index holds no copy of the text (content='cases'). A case
# whose text changed waits in ``cases_search_pending`` (with the text the index holds for
# it, to take out) until the store indexes the waiting ones together (``SqliteStore.tidy``,
# at each tick): an action does not pay for indexing, and a search looks at the waiting
# cases one by one.
_CASE_SEARCH = (
    """CREATE VIRTUAL TABLE cases_search USING fts5(
    search, content='cases', content_rowid='id', tokenize='trigram case_sensitive 1', columnsize=0)""",
    "INSERT INTO cases_search (cases_search) VALUES ('rebuild')",
    "CREATE TABLE cases_search_pending (id INTEGER PRIMARY KEY, indexed TEXT)",
    """CREATE TRIGGER cases_search_insert AFTER INSERT ON cases WHEN NEW.id != -1 BEGIN
    INSERT OR IGNORE INTO cases_search_pending VALUES (NEW.id, NULL);
END""",
    """CREATE TRIGGER cases_search_update AFTER UPDATE OF search ON cases
WHEN OLD.id != -1 AND OLD.search IS NOT NEW.search BEGIN
    INSERT OR IGNORE INTO cases_search_pending VALUES (OLD.id, OLD.search);
END""",
    """CREATE TRIGGER cases_search_delete AFTER DELETE ON cases WHEN OLD.id != -1 BEGIN
    INSERT OR IGNORE INTO cases_search_pending VALUES (OLD.id, OLD.search);
END""",
)


@migrations()
def m015_cost_by_the_page(db: sqlite_utils.Database) -> None:
    """What the case list reads on opening costs in proportion to the page, not the
    table: counts kept per process, step and owner (``case_counts``); each case's
    Danish sort key (``title_key``) and folded text (``search``, indexed by
    ``cases_search``); the list's default order (open deadlines first, soonest first)
    as an index."""
    from samskab.engine import collation, jsontext

    def search(title: str, fields: str) -> str | None:
        try:
            return collation.search_text(title, jsontext.loads(fields))
        except ValueError:  # a damaged row: found by number only, until it is mended
            return None

    db.execute("ALTER TABLE cases ADD COLUMN title_key TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN search TEXT")
    rows = db.execute("SELECT id, title, fields FROM cases WHERE id != -1")
    while batch := rows.fetchmany(10_000):
        db.conn.executemany(
            "UPDATE cases SET title_key = ?, search = ? WHERE id = ?",
            [(collation.key(title), search(title, fields), case_id) for case_id, title, fields in batch],
        )
    db.execute("CREATE INDEX cases_title_key ON cases(title_key, id)")
    # Open cases in the list's default order (it finds the overdue ones too), "mine" and
    # one process in that order: either of the last two may be a third of the cases.
    db.execute("DROP INDEX cases_open_next_due")
    db.execute(
        "CREATE INDEX cases_due_order ON cases(next_due IS NULL, next_due, id) WHERE closed_at IS NULL"
    )
    db.execute("DROP INDEX cases_owner")
    db.execute("CREATE INDEX cases_owner ON cases(owner, next_due IS NULL, next_due, id)")
    db.execute(
        "CREATE INDEX cases_process_due ON cases(process_id, next_due IS NULL, next_due, id)"
        " WHERE closed_at IS NULL"
    )
    for statement in (*_CASE_COUNTS, *_CASE_SEARCH):
        db.execute(statement)


@migrations()
def m016_periods(db: sqlite_utils.Database) -> None:
    """The cases opened and closed in a period (the report's questions, the overview's
    year) found by index, not by reading every case."""
    db.execute("CREATE INDEX cases_created ON cases(created_at)")
    db.execute("CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL")
