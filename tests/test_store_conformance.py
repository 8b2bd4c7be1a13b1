"""Every store keeps the contract written in engine/store.py.

Each test checks one method of the ``Store`` protocol (its name starts with
``test_<method>``), or a rule every method keeps (``test_times_...``), on every store in
``STORES``, through the Store API only: a store passes this module or it is not a
samskab store. A new store adds to ``STORES`` a fixture that gives the URL of a fresh,
empty database for one test, which its ``open_store`` hook claims.
"""

import datetime as dt
import hashlib
import threading
from pathlib import Path

import attrs
import pytest

from samskab.engine import audit, demo
from samskab.engine.cases import (
    ACTION,
    CREATED,
    DEADLINE,
    DOCUMENT,
    DOCUMENT_DELETED,
    ERASURE,
    HANDOVER,
    LINK,
    REMINDER,
    SYSTEM_ACTOR,
    UNLINK,
    Case,
    Deadline,
    Event,
    Link,
)
from samskab.engine.core import open_engine
from samskab.engine.errors import BadInput, Busy, Conflict, NotFound
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.readmodels import CaseFilter, Period
from samskab.engine.store import Firing, NewCase, Outgoing, Store, StoredDefinition, StoredDocument


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'conformance.db'}"


STORES = {"sqlite": "sqlite_url", "postgresql": "postgres_url"}
"""Store name -> the fixture giving the URL of a fresh, empty database for one test."""

PM = make_plugin_manager(load_entrypoints=False)
SECRET = b"k" * audit.KEY_BYTES
KEY = audit.Key(SECRET)
"""The audit key every store in these tests keeps its history under (in its key file
too, for an engine opened on the same database)."""


@pytest.fixture(params=list(STORES))
def url(request) -> str:
    """A fresh, empty database of each store."""
    return request.getfixturevalue(STORES[request.param])


@pytest.fixture
def open_store(url):
    """Open (another) store on the test's database, the way the engine opens one."""
    opened = []

    def open_one() -> Store:
        store = PM.hook.open_store(url=url, create=True)
        assert store is not None, f"no store opens {url}"
        opened.append(store)
        path = store.audit_key_path()
        if path is not None and not path.exists():
            path.write_bytes(SECRET)
        store.use_audit_key(KEY, new_key=True)
        return store

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store) -> Store:
    return open_store()


METHODS = sorted(name for name, value in vars(Store).items() if callable(value) and not name.startswith("_"))


def test_every_store_method_has_a_conformance_test():
    """A method added to the protocol needs a ``test_<method>...`` here (a test counts for
    the longest method name its name starts with: test_outbox_claim_... is outbox_claim's)."""
    assert {"commit_action", "erase_personal_data", "close"} <= set(METHODS)

    def method_of(test: str) -> str | None:
        named = [m for m in METHODS if test == m or test.startswith(m + "_")]
        return max(named, key=len, default=None)

    tested = {method_of(name.removeprefix("test_")) for name in globals() if name.startswith("test_")}
    assert [m for m in METHODS if m not in tested] == []


# -- building cases with the engine's own objects ------------------------------------------


def at(day: int, hour: int = 9) -> dt.datetime:
    """A time in March 2026, as the engine gives times: in UTC, to the second."""
    return dt.datetime(2026, 3, day, hour, tzinfo=dt.UTC)


def deadline(due: dt.datetime, kind: str = DEADLINE, state: str = "dialog", **more) -> Deadline:
    return Deadline(0, state, kind, due, **more)


def message(
    recipient: str = "anna@x.dk", channel: str = "email", body: str = "Der er nyt i sagen"
) -> Outgoing:
    return Outgoing(channel, recipient, "Sag opdateret", body, {"note": body, "to": recipient})


def new_case(store: Store, title: str = "Lions", **more) -> Case:
    """Open a case the way the engine does (what :func:`opening` takes)."""
    new = opening(store, title, **more)
    return store.create_case(new.case, new.event, new.deadlines, new.outbox)


def opening(
    store: Store,
    title: str = "Lions",
    *,
    process: str = "partnerskab",
    state: str = "dialog",
    fields: dict | None = None,
    deadlines: tuple[Deadline, ...] = (),
    outbox: tuple[Outgoing, ...] = (),
    actor: str = "mette",
    owner: str | None = None,
    when: dt.datetime | None = None,
    link: tuple[str, int] | None = None,
) -> NewCase:
    """A case to open, owned by ``owner`` (default: ``actor``), as :func:`new_case` opens
    it or ``commit_action(opened=...)``; ``link``: linked (kind, case) to another case, as
    a sub-case or a renewal is."""
    when = when or at(1)
    text = f'id = "{process}"\nversion = 1\n'
    sha = hashlib.sha256(text.encode()).hexdigest()
    store.save_definition(StoredDefinition(process, 1, sha, text, f"processes/{process}.toml"))
    owner = owner or actor
    case = Case(0, title, process, 1, sha, state, fields or {}, when, when, 1, owner=owner)
    kind, other = link or (None, None)
    event = Event(
        0, when, actor, CREATED, None, None, state, fields or {}, owner=owner, link_kind=kind, link_case=other
    )
    return NewCase(case, event, deadlines, lambda _: outbox)


def act(
    store: Store,
    case: Case,
    action: str = "noter",
    *,
    to: str | None = None,
    changes: dict | None = None,
    deadlines: tuple[Deadline, ...] = (),
    close: bool = False,
    closed: bool = False,
    fire: int | None = None,
    outbox: tuple[Outgoing, ...] = (),
    actor: str = "mette",
    when: dt.datetime | None = None,
    note: str | None = None,
) -> Case:
    """Take an action the way the engine does: one ``commit_action`` (at day 2 unless ``when``)."""
    when = when or at(2)
    state = to or case.state
    event = Event(case.id, when, actor, ACTION, action, case.state, state, changes or {}, note)
    return store.commit_action(
        case,
        state=state,
        fields={**case.fields, **(changes or {})},
        event=event,
        deadlines=[attrs.evolve(d, case_id=case.id) for d in deadlines],
        close_deadlines=close,
        closed=closed,
        fire_deadline=fire,
        outbox=outbox,
    )


def hand_over(
    store: Store, case: Case, to: str, *, actor: str = "mette", when: dt.datetime | None = None
) -> Case:
    """Hand the case over the way the engine does: a ``handover`` event naming the new owner."""
    event = Event(
        case.id, when or at(2), actor, HANDOVER, None, case.state, case.state, {}, "overtag", owner=to
    )
    return in_step(store, case, event, owner=to)


def fire(store: Store, due: Deadline, event: Event, outbox=(), *, follow=()) -> bool:
    """One deadline fired through :meth:`Store.fire_deadlines`: whether it fired."""
    [fired] = store.fire_deadlines([Firing(due, event, tuple(outbox), tuple(follow))])
    return fired


def in_step(store: Store, case: Case, event: Event, **more) -> Case:
    """Commit ``event`` as the engine commits one that leaves the case in its step."""
    return store.commit_action(
        case,
        state=case.state,
        fields=dict(case.fields),
        event=event,
        deadlines=[],
        close_deadlines=False,
        closed=case.closed_at is not None,
        **more,
    )


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def attach(
    store: Store,
    case: Case,
    name: str = "aftale.pdf",
    content: bytes = b"%PDF-1.4 Samarbejdsaftale",
    *,
    actor: str = "mette",
    when: dt.datetime | None = None,
    note: str | None = None,
) -> StoredDocument:
    """Attach a document the way the engine does: its event records its id, name, size and hash."""
    when = when or at(3)
    record = {"name": name, "size": len(content), "sha256": sha256(content)}

    def event(document_id: int) -> Event:
        changes = {"document": {"id": document_id, **record}}
        return Event(case.id, when, actor, DOCUMENT, None, case.state, case.state, changes, note)

    return store.attach_document(case.id, name, content, event)


def delete(store: Store, document: StoredDocument, *, when: dt.datetime | None = None) -> bool:
    """Delete a document's content the way the engine does."""
    record = {"id": document.id, "name": document.name, "sha256": sha256(b""), "deleted": document.sha256}
    case = store.get_case(document.case_id)
    assert case is not None
    event = Event(
        case.id,
        when or at(4),
        "admin",
        DOCUMENT_DELETED,
        None,
        case.state,
        case.state,
        {"document": record},
        "x",
    )
    return store.delete_document(document.id, event)


def everything(store: Store) -> tuple:
    """All a store holds that the engine can read, to compare before and after."""
    cases = list(store.list_cases(CaseFilter()))
    return (
        cases,
        [store.history(c.id) for c in cases],
        [store.deadlines(c.id, open_only=False) for c in cases],
        [store.refusals(c.id) for c in cases],
        store.links(),
        store.outbox(include_done=True),
        list(store.audit_rows()),
        list(store.audit_heads()),
        [store.documents(c.id) for c in cases],
    )


def replayed(store: Store) -> int:
    """As :func:`verified`, and every case (its owner too) and every link between cases
    is what the history makes it."""
    cases = list(store.list_cases(CaseFilter()))
    checked, broken = audit.verify(
        store.audit_rows(),
        KEY,
        store.audit_heads(),
        cases,
        checkpoints=store.audit_checkpoints(),
        links=store.links(),
    )
    assert broken is None
    return checked


def verified(store: Store) -> int:
    """How many events the audit trail holds; fails if any link is broken or any document
    is not what its history records."""
    checked, broken = audit.verify(
        store.audit_rows(),
        KEY,
        store.audit_heads(),
        documents=store.document_digests(),
        checkpoints=store.audit_checkpoints(),
    )
    assert broken is None
    return checked


# -- definitions -------------------------------------------------------------------------


def definition(process_id: str, version: int, text: str) -> StoredDefinition:
    return StoredDefinition(
        process_id, version, hashlib.sha256(text.encode()).hexdigest(), text, f"{process_id}.toml"
    )


def test_save_definition_keeps_the_first_text_of_each_id_and_version(store, open_store):
    first = definition("partnerskab", 1, 'id = "partnerskab"\n')
    store.save_definition(first)
    store.save_definition(definition("partnerskab", 1, 'id = "partnerskab"\n# edited\n'))
    second = definition("partnerskab", 2, 'id = "partnerskab"\nversion = 2\n')
    store.save_definition(second)
    other = definition("hoering", 1, 'id = "hoering"\n')
    open_store().save_definition(other)
    key = lambda d: (d.process_id, d.version)  # noqa: E731
    assert sorted(store.definitions(), key=key) == [other, first, second]


def test_definitions_are_empty_in_a_new_database_and_shared_by_every_instance(store, open_store):
    assert store.definitions() == []
    kept = definition("hoering", 3, 'title = { da = "Høring", en = "Consultation" }\n')
    store.save_definition(kept)
    assert open_store().definitions() == [kept]


# -- writing cases -----------------------------------------------------------------------


def test_create_case_assigns_ids_and_writes_event_deadlines_and_outbox_together(store, open_store):
    case = Case(
        99, "Lions", "partnerskab", 1, "sha", "dialog", {"kontakt_email": "anna@x.dk"}, at(1), at(1), 1
    )
    event = Event(
        99, at(1), "mette", CREATED, None, None, "dialog", {"kontakt_email": "anna@x.dk"}, account="mj"
    )
    rows = [deadline(at(20), action="afbryd"), deadline(at(10), REMINDER, before="P10D")]
    messages = [message("anna@x.dk"), message("", channel="journal")]
    made_for = []

    def outbox(stored: Case) -> list[Outgoing]:
        made_for.append(stored)
        return messages

    created = store.create_case(case, event, rows, outbox)
    assert made_for == [created]  # the messages are made knowing the new case's number
    assert created.id > 0
    assert created == attrs.evolve(case, id=created.id, next_due=at(20))  # reminders do not count
    assert open_store().get_case(created.id) == created

    [stored_event] = store.history(created.id)
    assert stored_event.id > 0
    assert stored_event == attrs.evolve(event, case_id=created.id, id=stored_event.id)
    stored = store.deadlines(created.id)
    assert [attrs.evolve(d, id=None) for d in stored] == [
        Deadline(created.id, "dialog", REMINDER, at(10), before="P10D"),
        Deadline(created.id, "dialog", DEADLINE, at(20), action="afbryd"),
    ]
    assert all(d.id for d in stored) and len({d.id for d in stored}) == 2

    outbox = store.outbox()
    assert [(m.channel, m.recipient, m.subject, m.body, m.payload) for m in outbox] == [
        (m.channel, m.recipient, m.subject, m.body, dict(m.payload)) for m in messages
    ]
    for row in outbox:
        assert (row.case_id, row.event_id, row.status, row.attempts) == (
            created.id,
            stored_event.id,
            "pending",
            0,
        )
        assert (row.next_attempt_at, row.created_at, row.sent_at, row.last_error) == (
            at(1),
            at(1),
            None,
            None,
        )
    assert all(m.key for m in outbox) and len({m.key for m in outbox}) == 2

    second = new_case(store, "Spejderne", when=at(2))
    assert second.id > created.id and second.next_due is None
    assert store.history(second.id)[0].id > stored_event.id
    assert verified(store) == 2


def test_create_case_writes_nothing_when_any_part_fails(store):
    new_case(store, "Before", deadlines=(deadline(at(9)),), outbox=(message(),))
    before = everything(store)
    unwritable = Outgoing("email", "anna@x.dk", "s", "b", {"not json": object()})
    with pytest.raises(Exception):  # noqa: B017 - whatever the store raises, nothing is kept
        new_case(store, "Half", deadlines=(deadline(at(10)),), outbox=(message(), unwritable))
    assert everything(store) == before
    new_case(store, "After")
    assert verified(store) == 2


def test_create_case_keeps_the_owner_given_and_its_event_names_them(store, open_store):
    case = Case(0, "Lions", "partnerskab", 1, "sha", "dialog", {}, at(1), at(1), 1, owner="anna")
    event = Event(0, at(1), "mette", CREATED, None, None, "dialog", {}, owner="anna")
    created = store.create_case(case, event, [])
    assert created.owner == "anna" and open_store().get_case(created.id) == created
    [stored] = store.history(created.id)
    assert stored == attrs.evolve(event, case_id=created.id, id=stored.id)
    assert replayed(store) == 1


def imported(store: Store, key: str, title: str = "Lions", **more) -> NewCase:
    """A case imported from a file, as the engine imports one: its event carries the row's key."""
    new = opening(store, title, **more)
    return NewCase(
        new.case, attrs.evolve(new.event, imported=key, note="importeret fra x.csv"), new.deadlines
    )


def test_import_cases_opens_each_in_order_with_its_event_and_deadlines(store, open_store):
    before = new_case(store, "Before")
    batch = [
        imported(
            store,
            "k1",
            "Lions",
            state="aktiv",
            fields={"tilskud": "12500.00"},
            deadlines=(
                deadline(at(20), state="aktiv"),
                deadline(at(10), REMINDER, state="aktiv", before="P10D"),
            ),
        ),
        imported(store, "k2", "Spejderne", owner="anna"),
    ]
    made = store.import_cases(batch)
    assert [c.title for c in made] == ["Lions", "Spejderne"]
    assert before.id < made[0].id < made[1].id
    for new, case in zip(batch, made, strict=True):
        assert case == attrs.evolve(new.case, id=case.id, next_due=at(20) if case.title == "Lions" else None)
        assert open_store().get_case(case.id) == case
        [event] = store.history(case.id)
        assert event == attrs.evolve(new.event, case_id=case.id, id=event.id)
    assert [(d.kind, d.due_at) for d in store.deadlines(made[0].id)] == [
        (REMINDER, at(10)),
        (DEADLINE, at(20)),
    ]
    assert store.outbox() == []
    assert replayed(store) == 3


def test_import_cases_skips_what_was_imported_before_and_is_whole_or_nothing(store):
    [first] = store.import_cases([imported(store, "k1")])
    assert first is not None
    again = store.import_cases([imported(store, "k1", "Lions again"), imported(store, "k2", "Spejderne")])
    assert again[0] is None and again[1] is not None and again[1].title == "Spejderne"
    assert [c.title for c in store.list_cases(CaseFilter())] == ["Lions", "Spejderne"]
    before = everything(store)
    unwritable = imported(store, "k3", fields={"not json": object()})
    with pytest.raises(Exception):  # noqa: B017 - whatever the store raises, nothing is kept
        store.import_cases([imported(store, "k4", "Half"), unwritable])
    assert everything(store) == before
    assert store.import_cases([imported(store, "k4", "After")])[0] is not None
    assert verified(store) == 3


def test_import_cases_of_two_stores_at_once_open_each_row_once(open_store):
    stores = [open_store(), open_store()]
    rows = [imported(stores[0], f"k{i}", f"Case {i}") for i in range(20)]
    ready = threading.Barrier(2)
    results: list = []

    def run(one: Store) -> None:
        ready.wait()
        try:
            results.append(one.import_cases(rows))
        except Busy:  # nothing written: a run again finds what the other opened
            results.append(one.import_cases(rows))

    threads = [threading.Thread(target=run, args=(one,)) for one in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    opened = [case for result in results for case in result if case is not None]
    assert sorted(c.title for c in opened) == sorted(r.case.title for r in rows)
    assert stores[0].count_cases(CaseFilter()) == 20
    assert replayed(stores[0]) == 20


def test_imported_cases_are_the_keys_the_history_holds_with_their_cases(store, open_store):
    made = store.import_cases([imported(store, "k1"), imported(store, "k2", "Spejderne")])
    new_case(store, "Not imported")
    assert open_store().imported_cases(["k2", "k1", "nope"]) == {"k1": made[0].id, "k2": made[1].id}
    assert store.imported_cases([]) == {}
    keys = [f"many{i}" for i in range(1200)]  # more than one statement asks for
    store.import_cases([imported(store, key, key) for key in keys])
    assert len(store.imported_cases(keys)) == 1200


def test_commit_action_writes_state_fields_event_deadlines_and_outbox_together(store, open_store):
    case = new_case(
        store,
        fields={"organisation": "Lions"},
        deadlines=(deadline(at(20)), deadline(at(10), REMINDER, before="P10D")),
    )
    event = Event(case.id, at(3), "mette", ACTION, "udform_aftale", "dialog", "aftaleudkast", {"a": 1}, "ok")
    event = attrs.evolve(event, account="mj")
    updated = store.commit_action(
        case,
        state="aftaleudkast",
        fields={"organisation": "Lions", "a": 1},
        event=event,
        deadlines=[
            Deadline(case.id, "aftaleudkast", DEADLINE, at(30)),
            Deadline(case.id, "x", REMINDER, at(25)),
        ],
        close_deadlines=True,
        closed=False,
        outbox=[message()],
    )
    assert updated == attrs.evolve(
        case,
        state="aftaleudkast",
        fields={"organisation": "Lions", "a": 1},
        updated_at=at(3),
        revision=case.revision + 1,
        next_due=at(30),
    )
    assert open_store().get_case(case.id) == updated
    created, stored = store.history(case.id)
    assert stored == attrs.evolve(event, id=stored.id) and stored.id > created.id
    every = store.deadlines(case.id, open_only=False)
    assert [(d.due_at, d.closed_at, d.fired_at) for d in every] == [
        (at(10), at(3), None),
        (at(20), at(3), None),
        (at(25), None, None),
        (at(30), None, None),
    ]
    [sent] = store.outbox()
    assert (sent.case_id, sent.event_id, sent.status, sent.next_attempt_at) == (
        case.id,
        stored.id,
        "pending",
        at(3),
    )
    assert verified(store) == 2


def test_commit_action_on_a_stale_revision_is_a_conflict_and_writes_nothing(store, open_store):
    case = new_case(store, deadlines=(deadline(at(20), action="afbryd"),), outbox=(message(),))
    other = open_store()
    moved = act(other, other.get_case(case.id), changes={"note": "first"}, note="first")
    before = everything(store)
    [due] = store.deadlines(case.id)
    with pytest.raises(Conflict):
        act(
            store,
            case,  # read before the other instance committed
            "afbryd",
            to="ikke_indgaaet",
            changes={"x": 1},
            deadlines=(deadline(at(25)),),
            close=True,
            closed=True,
            fire=due.id,
            outbox=(message(),),
        )
    assert everything(store) == before
    with pytest.raises(Conflict):  # no such case
        act(store, attrs.evolve(moved, id=moved.id + 100), changes={"x": 1})
    assert everything(store) == before
    assert act(store, moved, note="second").revision == moved.revision + 1


def test_commit_action_writes_nothing_when_any_part_fails(store):
    case = new_case(store, deadlines=(deadline(at(20), action="afbryd"),))
    [due] = store.deadlines(case.id)
    before = everything(store)
    unwritable = Outgoing("email", "anna@x.dk", "s", "b", {"not json": object()})
    with pytest.raises(Exception):  # noqa: B017 - whatever the store raises, nothing is kept
        act(
            store,
            case,
            "afbryd",
            to="ikke_indgaaet",
            close=True,
            closed=True,
            fire=due.id,
            outbox=(unwritable,),
        )
    assert everything(store) == before
    assert act(store, case).revision == case.revision + 1  # the revision was not used up
    assert verified(store) == 2


def test_commit_action_opens_cases_with_the_action_in_one_transaction(store, open_store):
    parent = new_case(store, "Helhedsplan")
    event = Event(parent.id, at(3), "mette", ACTION, "hoer", "dialog", "hoering", {"antal": 2})
    made = []

    def child(title: str, outbox: tuple[Outgoing, ...] = ()) -> NewCase:
        new = opening(
            store,
            title,
            process="hoering",
            state="hoering",
            fields={"emne": title},
            deadlines=(deadline(at(30), state="hoering"),),
            outbox=outbox,
            when=at(3),
            link=("del_af", parent.id),
        )
        return attrs.evolve(new, outbox=lambda stored: made.append(stored) or list(outbox))

    updated = store.commit_action(
        parent,
        state="hoering",
        fields={"antal": 2},
        event=event,
        deadlines=[],
        close_deadlines=False,
        closed=False,
        opened=[child("Høring 1", (message(),)), child("Høring 2")],
    )
    assert updated == open_store().get_case(parent.id)
    first, second = made  # each stored case, to make its messages with
    assert parent.id < first.id < second.id
    assert [c.id for c in open_store().list_cases(CaseFilter(parent=parent.id))] == [first.id, second.id]
    assert open_store().get_case(first.id) == first and first.next_due == at(30)
    assert [d.due_at for d in store.deadlines(second.id)] == [at(30)]
    acted = store.history(parent.id)[-1]
    [opened_first] = store.history(first.id)
    [opened_second] = store.history(second.id)
    assert acted.id < opened_first.id < opened_second.id  # the action first, in the chain too
    assert (opened_first.link_kind, opened_first.link_case) == ("del_af", parent.id)
    [sent] = store.outbox()
    assert (sent.case_id, sent.event_id) == (first.id, opened_first.id)
    assert store.links(parent.id) == [
        Link(first.id, parent.id, "del_af"),
        Link(second.id, parent.id, "del_af"),
    ]
    assert replayed(store) == 4


def test_commit_action_opens_nothing_when_any_part_fails(store):
    parent = new_case(store, "Helhedsplan")
    before = everything(store)
    unwritable = Outgoing("email", "anna@x.dk", "s", "b", {"not json": object()})
    opened = [
        opening(store, "Høring 1", process="hoering", when=at(3), link=("del_af", parent.id)),
        opening(
            store, "Høring 2", process="hoering", outbox=(unwritable,), when=at(3), link=("del_af", parent.id)
        ),
    ]
    event = Event(parent.id, at(3), "mette", ACTION, "hoer", "dialog", "hoering", {})
    with pytest.raises(Exception):  # noqa: B017 - whatever the store raises, nothing is kept
        store.commit_action(
            parent,
            state="hoering",
            fields={},
            event=event,
            deadlines=[],
            close_deadlines=False,
            closed=False,
            opened=opened,
        )
    assert everything(store) == before
    assert store.get_case(parent.id + 1) is None and store.links() == []


def test_commit_action_closes_deadlines_only_when_asked(store):
    case = new_case(store, deadlines=(deadline(at(20)), deadline(at(10), REMINDER)))
    kept = act(store, case, changes={"a": 1})
    assert kept.next_due == at(20)
    assert [d.closed_at for d in store.deadlines(kept.id)] == [None, None]
    # New deadlines of another rule without closing: the old stay open beside them.
    added = act(store, kept, deadlines=(deadline(at(15), rule="status"),), when=at(3))
    assert [d.due_at for d in store.deadlines(added.id)] == [at(10), at(15), at(20)]
    assert added.next_due == at(15) == store.get_case(case.id).next_due
    closing = act(store, added, to="aftaleudkast", close=True, when=at(4))
    assert closing.next_due is None and store.get_case(case.id).next_due is None
    assert store.deadlines(case.id) == []
    assert {d.closed_at for d in store.deadlines(case.id, open_only=False)} == {at(4)}


def test_commit_action_closed_sets_keeps_and_clears_closed_at(store):
    case = new_case(store)
    ended = act(store, case, "afbryd", to="ikke_indgaaet", closed=True, when=at(3))
    assert ended.closed_at == at(3) == store.get_case(case.id).closed_at
    again = act(store, ended, closed=True, when=at(5))
    assert (again.closed_at, again.updated_at) == (at(3), at(5))
    reopened = act(store, again, "genaabn", to="dialog", closed=False, when=at(6))
    assert reopened.closed_at is None and store.get_case(case.id).closed_at is None


def test_commit_action_fires_a_deadline_once(store, open_store):
    case = new_case(store, deadlines=(deadline(at(10), action="afbryd"), deadline(at(5), REMINDER)))
    deadline_row = next(d for d in store.deadlines(case.id) if d.kind == DEADLINE)
    ended = act(
        store,
        case,
        "afbryd",
        to="ikke_indgaaet",
        close=True,
        closed=True,
        fire=deadline_row.id,
        actor=SYSTEM_ACTOR,
    )
    fired = {d.id: d for d in store.deadlines(case.id, open_only=False)}[deadline_row.id]
    assert (fired.fired_at, fired.closed_at) == (at(2), at(2))
    before = everything(store)
    other = open_store()
    with pytest.raises(Conflict):
        act(other, ended, "genaabn", to="dialog", fire=deadline_row.id, when=at(3))
    assert everything(store) == before
    assert fire(store, deadline_row, Event(case.id, at(3), SYSTEM_ACTOR, DEADLINE, None, "x", "x")) is False


def test_commit_action_owner_hands_the_case_over_and_otherwise_it_stays(store, open_store):
    case = new_case(store, fields={"organisation": "Lions"})
    assert case.owner == "mette"
    handed = hand_over(store, case, "anna", when=at(3))
    assert handed == attrs.evolve(case, owner="anna", updated_at=at(3), revision=case.revision + 1)
    assert open_store().get_case(case.id) == handed
    assert store.history(case.id)[-1].owner == "anna"
    moved = act(store, handed, changes={"a": 1}, when=at(4))
    assert moved.owner == "anna" and store.get_case(case.id).owner == "anna"
    with pytest.raises(Conflict):
        hand_over(store, handed, "bo", when=at(5))  # read before the action: stale
    assert store.get_case(case.id) == moved
    assert replayed(store) == 3


def test_fire_deadlines_records_its_event_and_messages_once(store, open_store):
    case = new_case(store, deadlines=(deadline(at(10)), deadline(at(5), REMINDER, before="P5D")))
    reminder = store.deadlines(case.id)[0]
    event = Event(case.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog", {}, "påmindelse")
    assert fire(store, reminder, event, [message()]) is True
    _, fired_event = store.history(case.id)
    assert fired_event == attrs.evolve(event, id=fired_event.id)
    [sent] = store.outbox()
    assert (sent.event_id, sent.case_id, sent.next_attempt_at) == (fired_event.id, case.id, at(5))
    assert [(d.kind, d.fired_at, d.closed_at) for d in store.deadlines(case.id)] == [
        (REMINDER, at(5), None),
        (DEADLINE, None, None),
    ]
    assert store.get_case(case.id) == case  # the case itself is not changed

    before = everything(store)
    later = attrs.evolve(event, at=at(6))
    assert fire(store, reminder, later, [message()]) is False
    assert fire(open_store(), reminder, later, [message()]) is False
    assert everything(store) == before
    assert verified(store) == 2


def test_fire_deadlines_of_a_closed_deadline_does_nothing(store):
    """A tick that listed a deadline before the case moved on must not fire it after."""
    case = new_case(store, deadlines=(deadline(at(10), action="afbryd"), deadline(at(5), REMINDER)))
    reminder, passed = store.deadlines(case.id)
    moved = act(store, case, to="aftaleudkast", close=True, when=at(3))
    before = everything(store)
    event = Event(case.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog", {}, "påmindelse")
    assert fire(store, reminder, event, [message()]) is False
    assert everything(store) == before
    with pytest.raises(Conflict):  # nor take its automatic action
        act(store, moved, "afbryd", to="ikke_indgaaet", closed=True, fire=passed.id, actor=SYSTEM_ACTOR)
    assert everything(store) == before


def test_fire_deadlines_races_have_one_winner(open_store):
    first, second = open_store(), open_store()
    case = new_case(first, deadlines=(deadline(at(5), REMINDER),))
    [due] = first.deadlines(case.id)
    event = Event(case.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog")
    results = []
    barrier = threading.Barrier(2)

    def race(store):
        barrier.wait()
        results.append(fire(store, due, event))

    threads = [threading.Thread(target=race, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    assert len(first.history(case.id)) == 2


def test_fire_deadlines_writes_many_at_once_each_once_and_a_cases_events_in_order(store, open_store):
    """A tick's batch: deadlines of several cases, two of one case, one whose case moved
    on and one given twice; each that is open fires once, its messages name its event."""
    first = new_case(store, "Lions", deadlines=(deadline(at(10)), deadline(at(5), REMINDER, before="P5D")))
    second = new_case(store, "Spejderne", deadlines=(deadline(at(6)),))
    moved_on = new_case(store, "Roklubben", deadlines=(deadline(at(7)),))
    act(store, moved_on, to="aftaleudkast", close=True, when=at(3))
    reminder, passed = store.deadlines(first.id)
    [due] = store.deadlines(second.id)
    [closed] = store.deadlines(moved_on.id, open_only=False)

    def said(row: Deadline, note: str) -> Firing:
        event = Event(row.case_id, at(11), SYSTEM_ACTOR, row.kind, None, "dialog", "dialog", {}, note)
        return Firing(row, event, (message(body=note),))

    firings = [
        said(reminder, "påmindelse"),
        said(due, "frist Spejderne"),
        said(closed, "frist Roklubben"),
        said(passed, "frist Lions"),
        said(reminder, "påmindelse igen"),
    ]
    untouched = store.history(moved_on.id)
    assert store.fire_deadlines(firings) == [True, True, False, True, False]
    assert [e.note for e in store.history(first.id)[1:]] == ["påmindelse", "frist Lions"]
    assert [e.note for e in open_store().history(second.id)[1:]] == ["frist Spejderne"]
    assert open_store().history(moved_on.id) == untouched
    notes = {e.id: e.note for case in (first, second) for e in store.history(case.id)}
    assert sorted((notes[m.event_id], m.body, m.case_id) for m in store.outbox()) == [
        ("frist Lions", "frist Lions", first.id),
        ("frist Spejderne", "frist Spejderne", second.id),
        ("påmindelse", "påmindelse", first.id),
    ]
    assert all(d.fired_at == at(11) for d in store.deadlines(first.id) + store.deadlines(second.id))
    assert store.fire_deadlines(firings) == [False] * 5
    assert store.fire_deadlines([]) == []
    assert replayed(store) == 7


def test_fire_deadlines_races_of_whole_batches_fire_each_deadline_once(open_store):
    """Two ticks firing the same deadlines in batches, in opposite orders: each fires once."""
    first, second = open_store(), open_store()
    cases = [
        new_case(first, f"Forening {n}", deadlines=(deadline(at(5)), deadline(at(4), REMINDER)))
        for n in range(8)
    ]
    rows = [d for case in cases for d in first.deadlines(case.id)]
    firings = [
        Firing(d, Event(d.case_id, at(6), SYSTEM_ACTOR, d.kind, None, "dialog", "dialog")) for d in rows
    ]
    results: dict[str, list[bool]] = {}
    barrier = threading.Barrier(2)

    def race(name: str, store: Store, batch: list[Firing]) -> None:
        barrier.wait()
        try:
            results[name] = store.fire_deadlines(batch)
        except (Busy, Conflict):  # a store may give up a whole batch; then nothing of it is written
            results[name] = [False] * len(batch)

    threads = [
        threading.Thread(target=race, args=("first", first, firings)),
        threading.Thread(target=race, args=("second", second, firings[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by_first = results["first"]
    by_second = results["second"][::-1]
    assert [a + b for a, b in zip(by_first, by_second, strict=True)] == [1] * len(rows)
    assert all(d.fired_at == at(6) for case in cases for d in second.deadlines(case.id))
    assert [len(first.history(case.id)) for case in cases] == [3] * len(cases)
    assert verified(first) == 3 * len(cases)


def test_fire_deadlines_with_its_next_occurrence_replaces_the_deadlines_rows(store, open_store):
    """A recurring deadline fires and its next occurrence takes its place: the fired row
    and its reminders are closed, the step's other deadline stays, next_due moves on;
    the loser of a race writes nothing."""
    case = new_case(
        store,
        deadlines=(
            deadline(at(5), rule="status", anchor=at(1)),
            deadline(at(4), REMINDER, rule="status", before="P1D"),
            deadline(at(20), rule="revision", action="afbryd"),
        ),
    )
    assert case.next_due == at(5) and store.get_case(case.id).next_due == at(5)
    due = next(d for d in store.deadlines(case.id) if d.rule == "status" and d.kind == DEADLINE)
    assert (due.anchor, due.before) == (at(1), None)
    event = Event(case.id, at(6), SYSTEM_ACTOR, DEADLINE, None, "dialog", "dialog")
    follow = (deadline(at(9), rule="status", anchor=at(1)), deadline(at(8), REMINDER, rule="status"))
    other = open_store()
    assert fire(store, due, event, follow=follow)
    assert not fire(other, due, event, follow=follow)
    open_rows = [(d.rule, d.kind, d.due_at, d.fired_at) for d in store.deadlines(case.id)]
    assert open_rows == [
        ("status", REMINDER, at(8), None),
        ("status", DEADLINE, at(9), None),
        ("revision", DEADLINE, at(20), None),
    ]
    closed = [d for d in store.deadlines(case.id, open_only=False) if d.closed_at is not None]
    assert {(d.due_at, d.closed_at) for d in closed} == {(at(5), at(6)), (at(4), at(6))}
    assert store.get_case(case.id).next_due == at(9)
    assert store.get_case(case.id).revision == case.revision  # tick does not take the case
    assert len(store.history(case.id)) == 2


def test_new_deadlines_replace_the_open_rows_of_their_rule_only(store):
    case = new_case(store, deadlines=(deadline(at(5), rule="status"), deadline(at(20), rule="revision")))
    moved = act(store, case, deadlines=(deadline(at(30), rule="revision"),), when=at(2))
    assert [(d.rule, d.due_at) for d in store.deadlines(case.id)] == [("status", at(5)), ("revision", at(30))]
    assert moved.next_due == at(5) == store.get_case(case.id).next_due
    later = act(store, moved, deadlines=(deadline(at(25), rule="status"),), when=at(3))
    assert later.next_due == at(25) == store.get_case(case.id).next_due
    # A row of the step's one deadline (no rule) is its own.
    plain = new_case(store, "Røde Kors", deadlines=(deadline(at(5)), deadline(at(6), rule="status")))
    act(store, plain, deadlines=(deadline(at(7)),), when=at(2))
    assert [(d.rule, d.due_at) for d in store.deadlines(plain.id)] == [("status", at(6)), (None, at(7))]


# -- reading cases -----------------------------------------------------------------------


def test_get_case_is_the_case_as_last_committed_or_none(store, open_store):
    assert store.get_case(1) is None
    case = new_case(store, fields={"beløb": 1200, "liste": ["a", "b"], "dato": "2026-03-01"})
    other = open_store()
    assert other.get_case(case.id) == case
    updated = act(other, case, changes={"beløb": None})
    assert store.get_case(case.id) == updated
    assert store.get_case(case.id).fields == {"beløb": None, "liste": ["a", "b"], "dato": "2026-03-01"}
    assert store.get_case(case.id + 1) is None


@pytest.fixture
def several(store):
    """Four cases with distinct and tied sort keys, one of them closed."""
    lions = new_case(store, "Lions", deadlines=(deadline(at(20)),), when=at(1))
    scouts = new_case(store, "alle spejdere", actor="anna", when=at(2))
    hearing = new_case(store, "FDF Aarhus", process="hoering", state="hoering", when=at(3))
    hearing = act(store, hearing, "send", deadlines=(deadline(at(5), state="hoering"),), when=at(3))
    club = new_case(store, "Boldklubben", deadlines=(deadline(at(4)),), when=at(4))
    club = act(store, club, "afbryd", to="ikke_indgaaet", close=True, closed=True, actor="anna", when=at(6))
    lions = act(store, lions, actor="bo", when=at(7))
    return {"lions": lions, "scouts": scouts, "hearing": hearing, "club": club}


def names(store, where: CaseFilter, several) -> list[str]:
    by_id = {case.id: name for name, case in several.items()}
    return [by_id[case.id] for case in store.list_cases(where)]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (CaseFilter(), ["lions", "scouts", "hearing", "club"]),
        (CaseFilter(process_id="hoering"), ["hearing"]),
        (CaseFilter(state="dialog"), ["lions", "scouts"]),
        (CaseFilter(open_only=True), ["lions", "scouts", "hearing"]),
        (CaseFilter(text="SPEJ"), ["scouts"]),
        (CaseFilter(text="l"), ["lions", "scouts", "club"]),
        (CaseFilter(actor="anna"), ["scouts", "club"]),
        (CaseFilter(actor="bo"), ["lions"]),
        (CaseFilter(actor="nobody"), []),
        (CaseFilter(owner="anna"), ["scouts"]),
        (CaseFilter(owner="mette", open_only=True), ["lions", "hearing"]),
        (CaseFilter(owner="bo"), []),
        (CaseFilter(overdue_at=at(4)), []),
        (CaseFilter(overdue_at=at(5)), ["hearing"]),
        (CaseFilter(overdue_at=at(20)), ["lions", "hearing"]),
        (CaseFilter(process_id="partnerskab", state="dialog", text="lions", actor="bo"), ["lions"]),
        (CaseFilter(process_id="partnerskab", open_only=True, overdue_at=at(31)), ["lions"]),
        # Periods include their start and leave out their end.
        (CaseFilter(opened=Period(at(2), at(4))), ["scouts", "hearing"]),
        (CaseFilter(closed=Period(at(6), at(7))), ["club"]),
        (CaseFilter(closed=Period(at(1), at(6))), []),
        (CaseFilter(active=Period(at(5), at(6))), ["lions", "scouts", "hearing", "club"]),
        (CaseFilter(active=Period(at(7), at(8))), ["lions", "scouts", "hearing"]),
        (CaseFilter(active=Period(at(1), at(2))), ["lions"]),
        # Due: after the start, up to and including the end; open cases only.
        (CaseFilter(due=Period(at(5), at(20))), ["lions"]),
        (CaseFilter(due=Period(at(4), at(5))), ["hearing"]),
        (CaseFilter(due=Period(at(1), at(31))), ["lions", "hearing"]),
        (CaseFilter(quiet_since=at(4)), ["scouts", "hearing"]),
        (CaseFilter(quiet_since=at(3)), ["scouts"]),
        # By number, in the list's order; numbers of no case are no case.
        (CaseFilter(ids=(4, 1, 99)), ["lions", "club"]),
        (CaseFilter(ids=(2, 3), state="dialog"), ["scouts"]),
        (CaseFilter(ids=()), []),
    ],
)
def test_list_cases_filters(store, several, where, expected):
    assert names(store, where, several) == expected
    assert store.count_cases(where) == len(expected)


@pytest.mark.parametrize(
    ("order_by", "ascending", "descending"),
    [
        ("id", ["lions", "scouts", "hearing", "club"], ["club", "hearing", "scouts", "lions"]),
        # Ignoring case: "alle" before "Boldklubben" (by code point it would come last).
        ("title", ["scouts", "club", "hearing", "lions"], ["lions", "hearing", "club", "scouts"]),
        # Ties by id, ascending, in either direction.
        ("process_id", ["hearing", "lions", "scouts", "club"], ["lions", "scouts", "club", "hearing"]),
        ("state", ["lions", "scouts", "hearing", "club"], ["club", "hearing", "lions", "scouts"]),
        ("updated_at", ["scouts", "hearing", "club", "lions"], ["lions", "club", "hearing", "scouts"]),
        # Cases without a deadline last, in either direction.
        ("next_due", ["hearing", "lions", "scouts", "club"], ["lions", "hearing", "scouts", "club"]),
    ],
)
def test_list_cases_orders(store, several, order_by, ascending, descending):
    assert names(store, CaseFilter(order_by=order_by), several) == ascending
    assert names(store, CaseFilter(order_by=order_by, descending=True), several) == descending
    for reverse, expected in ((False, ascending), (True, descending)):
        pages = [
            names(store, CaseFilter(order_by=order_by, descending=reverse, limit=3, offset=offset), several)
            for offset in (0, 3, 6)
        ]
        assert pages == [expected[:3], expected[3:], []]


def test_list_cases_by_stored_field_values(store):
    """``values``: each field holds exactly the stored value; None: it holds nothing."""
    money = new_case(store, "A", fields={"tilskud": "500.00", "ja": True, "valg": "a", "antal": 3})
    other = new_case(store, "B", fields={"tilskud": "50.00", "ja": False, "valg": "b", "antal": 30})
    empty = new_case(store, "C", fields={"valg": None})
    for values, expected in [
        ((("tilskud", "500.00"),), [money]),
        ((("ja", True),), [money]),
        ((("ja", False),), [other]),
        ((("ja", None),), [empty]),
        ((("valg", "b"),), [other]),
        ((("valg", None),), [empty]),
        ((("antal", 30),), [other]),
        ((("valg", "a"), ("ja", False)), []),
        ((("valg", "a"), ("ja", True)), [money]),
        ((('va"lg', "a"),), []),
        ((("ukendt", None),), [money, other, empty]),
    ]:
        where = CaseFilter(values=values)
        assert [c.id for c in store.list_cases(where)] == [c.id for c in expected], values
        assert store.count_cases(where) == len(expected)


def test_list_cases_overdue_by_next_due(store, several):
    overdue = CaseFilter(overdue_at=at(20), order_by="next_due")
    assert names(store, overdue, several) == ["hearing", "lions"]
    assert names(store, attrs.evolve(overdue, descending=True), several) == ["lions", "hearing"]


def test_list_cases_pages(store, several):
    assert names(store, CaseFilter(limit=2), several) == ["lions", "scouts"]
    assert names(store, CaseFilter(limit=2, offset=1), several) == ["scouts", "hearing"]
    assert names(store, CaseFilter(limit=0), several) == []
    assert names(store, CaseFilter(open_only=True, limit=2, offset=2), several) == ["hearing"]


def test_list_cases_text_is_plain_text(store):
    """``%`` and ``_`` in a search are characters, as typed, not wildcards."""
    percent = new_case(store, "Tilskud 50% til Spejderne")
    new_case(store, "Tilskud 500 til FDF")
    underscore = new_case(store, "Lions_Nord")
    new_case(store, "Lions Nord")
    backslash = new_case(store, "Sti: C:\\sager")
    for text, expected in (
        ("50%", [percent.id]),
        ("s_n", [underscore.id]),
        ("%", [percent.id]),
        ("\\", [backslash.id]),
        ("C:\\S", [backslash.id]),
    ):
        assert [c.id for c in store.list_cases(CaseFilter(text=text))] == expected
        assert store.count_cases(CaseFilter(text=text)) == len(expected)


def test_list_cases_offset_without_a_limit_skips(store, several):
    assert names(store, CaseFilter(offset=1), several) == ["scouts", "hearing", "club"]
    assert names(store, CaseFilter(order_by="title", descending=True, offset=3), several) == ["scouts"]
    assert names(store, CaseFilter(offset=4), several) == []


def test_list_cases_orders_by_a_field_value(store):
    """Money is stored as text ("9000.00"): by amount, not letter by letter; dates as
    ISO text; names as titles sort; cases without the value last either way."""
    made = {
        name: new_case(store, name, fields=fields)
        for name, fields in (
            ("small", {"tilskud": "9000.00", "dato": "2026-11-02", "navn": "Ældre Sagen"}),
            ("none", {}),
            ("large", {"tilskud": "12500.00", "dato": "2026-03-01", "navn": "Bo"}),
            ("empty", {"tilskud": None, "dato": "", "navn": ""}),
            ("negative", {"tilskud": "-50.00", "dato": "2025-12-31", "navn": "aase"}),
            ("whole", {"tilskud": 10000, "dato": "2026-03-10", "navn": "Zebra"}),
        )
    }
    by_id = {case.id: name for name, case in made.items()}

    def order(field: str, descending: bool = False) -> list[str]:
        listed = store.list_cases(CaseFilter(order_by=f"field:{field}", descending=descending))
        return [by_id[case.id] for case in listed]

    assert order("tilskud") == ["negative", "small", "whole", "large", "none", "empty"]
    assert order("tilskud", descending=True) == ["large", "whole", "small", "negative", "none", "empty"]
    assert order("dato") == ["negative", "large", "whole", "small", "none", "empty"]
    assert order("navn") == ["large", "whole", "small", "negative", "none", "empty"]
    paged = store.list_cases(
        CaseFilter(order_by="field:tilskud", limit=2, offset=1, process_id="partnerskab")
    )
    assert [by_id[case.id] for case in paged] == ["small", "whole"]


def test_list_cases_by_an_unknown_column_is_bad_input(store, several):
    for order_by in ("fields", "field:", "field:a'b", 'field:a"); DROP TABLE cases; --'):
        with pytest.raises(BadInput):
            list(store.list_cases(CaseFilter(order_by=order_by)))


def test_list_cases_text_and_order_over_many_cases(store):
    for number in range(120):
        new_case(store, f"Sag {number:03d}")
    listed = store.list_cases(CaseFilter(order_by="title", descending=True))
    assert next(iter(listed)).title == "Sag 119"
    assert [c.title for c in store.list_cases(CaseFilter(text="Sag 00"))] == [f"Sag 00{n}" for n in range(10)]


def test_count_cases_ignores_limit_and_offset(store, several):
    assert store.count_cases(CaseFilter()) == 4
    assert store.count_cases(CaseFilter(limit=1, offset=2, order_by="title")) == 4
    assert store.count_cases(CaseFilter(open_only=True, limit=1)) == 3
    assert store.count_cases(CaseFilter(process_id="nothing")) == 0


def test_list_cases_by_parent_is_its_sub_cases(store):
    parent = new_case(store, "Helhedsplan")
    first = new_case(store, "Høring 1", link=("del_af", parent.id))
    renewal = new_case(store, "Helhedsplan 2030", link=("fornyelse_af", parent.id))
    second = new_case(store, "Høring 2", link=("del_af", parent.id))
    new_case(store, "Delsag af en delsag", link=("del_af", first.id))
    second = act(store, second, "afslut", to="afsluttet", closed=True)
    assert [c.id for c in store.list_cases(CaseFilter(parent=parent.id))] == [first.id, second.id]
    assert [c.id for c in store.list_cases(CaseFilter(parent=parent.id, open_only=True))] == [first.id]
    assert store.count_cases(CaseFilter(parent=parent.id)) == 2
    assert list(store.list_cases(CaseFilter(parent=renewal.id))) == []


def test_links_follow_the_events_that_make_and_remove_them(store, open_store):
    assert store.links() == []
    plan = new_case(store, "Helhedsplan")
    consultation = new_case(store, "Høring", link=("del_af", plan.id), when=at(2))
    renewal = new_case(store, "Helhedsplan 2030", when=at(3))
    assert store.links(plan.id) == [Link(consultation.id, plan.id, "del_af")]
    assert store.links(consultation.id) == store.links(plan.id)
    assert store.links(renewal.id) == []

    def linking(case: Case, kind: str, other: Case, what: str = LINK) -> Case:
        event = Event(case.id, at(4), "mette", what, None, case.state, case.state, {}, "ny aftale")
        return in_step(store, case, attrs.evolve(event, link_kind=kind, link_case=other.id))

    renewal = linking(renewal, "fornyelse_af", plan)
    renewal = linking(renewal, "relateret_til", consultation)
    assert renewal.revision == 3
    assert open_store().links(renewal.id) == [
        Link(renewal.id, plan.id, "fornyelse_af"),
        Link(renewal.id, consultation.id, "relateret_til"),
    ]
    assert store.links() == [
        Link(consultation.id, plan.id, "del_af"),
        Link(renewal.id, plan.id, "fornyelse_af"),
        Link(renewal.id, consultation.id, "relateret_til"),
    ]
    [made] = [e for e in store.history(renewal.id) if e.link_kind == "fornyelse_af"]
    assert (made.kind, made.link_case, made.note) == (LINK, plan.id, "ny aftale")
    renewal = linking(renewal, "relateret_til", consultation, UNLINK)
    assert store.links(consultation.id) == [Link(consultation.id, plan.id, "del_af")]
    assert replayed(store) == 6


def test_owners_are_every_case_owner_once_sorted(store):
    assert store.owners() == []
    new_case(store, "Lions", actor="mette")
    scouts = new_case(store, "Spejderne", actor="mette", owner="bo")
    new_case(store, "FDF", actor="anna")
    hand_over(store, scouts, "anna", when=at(3))
    assert store.owners() == ["anna", "mette"]


def test_history_is_the_case_events_in_the_order_appended(store, open_store):
    other = open_store()
    first = new_case(store, "First", deadlines=(deadline(at(5), REMINDER),))
    second = new_case(other, "Second")
    first = act(other, first, note="one", when=at(3))
    act(store, second, note="elsewhere", when=at(3))
    reminder = Event(first.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog", {}, "påmindelse")
    assert fire(store, store.deadlines(first.id)[0], reminder)
    act(store, first, changes={"x": 2}, note="two", when=at(6))
    history = other.history(first.id)
    assert [(e.kind, e.note) for e in history] == [
        (CREATED, None),
        (ACTION, "one"),
        (REMINDER, "påmindelse"),
        (ACTION, "two"),
    ]
    assert [e.id for e in history] == sorted(e.id for e in history) and all(
        e.case_id == first.id for e in history
    )
    assert history[-1].changes == {"x": 2}
    assert [e.note for e in store.history(second.id)] == [None, "elsewhere"]
    assert store.history(second.id + 10) == []


def test_deadlines_by_due_time_open_only_or_all(store):
    case = new_case(store, deadlines=(deadline(at(10)), deadline(at(5), REMINDER)))
    new_case(store, "Other", deadlines=(deadline(at(7)),))
    reminder = store.deadlines(case.id)[0]
    fire(store, reminder, Event(case.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog"))
    assert [(d.due_at, d.fired_at) for d in store.deadlines(case.id)] == [(at(5), at(5)), (at(10), None)]
    moved = act(
        store,
        case,
        to="aftaleudkast",
        close=True,
        deadlines=(deadline(at(20), state="aftaleudkast"), deadline(at(15), REMINDER, state="aftaleudkast")),
        when=at(6),
    )
    assert [(d.state, d.kind, d.due_at) for d in store.deadlines(moved.id)] == [
        ("aftaleudkast", REMINDER, at(15)),
        ("aftaleudkast", DEADLINE, at(20)),
    ]
    every = store.deadlines(moved.id, open_only=False)
    assert [(d.due_at, d.closed_at) for d in every] == [
        (at(5), at(6)),
        (at(10), at(6)),
        (at(15), None),
        (at(20), None),
    ]
    assert all(d.case_id == case.id and d.id for d in every)
    assert store.deadlines(case.id + 10, open_only=False) == []


def test_due_deadlines_are_open_unfired_and_due_oldest_first(store, open_store):
    first = new_case(store, "First", deadlines=(deadline(at(10)), deadline(at(5), REMINDER)))
    second = new_case(store, "Second", deadlines=(deadline(at(5)), deadline(at(3), REMINDER)))
    due = lambda now: [(d.case_id, d.kind, d.due_at) for d in store.due_deadlines(now)]  # noqa: E731
    assert due(at(2)) == []
    assert due(at(3)) == [(second.id, REMINDER, at(3))]
    # Ties by id: the first case's reminder was stored before the second's deadline.
    assert due(at(5)) == [
        (second.id, REMINDER, at(3)),
        (first.id, REMINDER, at(5)),
        (second.id, DEADLINE, at(5)),
    ]
    early = next(iter(store.due_deadlines(at(3))))
    assert fire(
        open_store(), early, Event(second.id, at(3), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog")
    )
    act(store, first, to="aftaleudkast", close=True, when=at(4))
    assert due(at(31)) == [(second.id, DEADLINE, at(5))]


def test_agenda_is_open_deadlines_and_unfired_reminders_soonest_first(store):
    first = new_case(store, "First", deadlines=(deadline(at(10)), deadline(at(5), REMINDER)))
    second = new_case(store, "Second", deadlines=(deadline(at(7)),))
    agenda = lambda until: [(d.case_id, d.kind, d.due_at) for d in store.agenda(until)]  # noqa: E731
    assert agenda(at(4)) == []
    assert agenda(at(10)) == [
        (first.id, REMINDER, at(5)),
        (second.id, DEADLINE, at(7)),
        (first.id, DEADLINE, at(10)),
    ]
    assert agenda(at(7)) == [(first.id, REMINDER, at(5)), (second.id, DEADLINE, at(7))]
    reminder, passed = store.agenda(at(7))
    fire(store, reminder, Event(first.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog"))
    fire(store, passed, Event(second.id, at(7), SYSTEM_ACTOR, DEADLINE, None, "dialog", "dialog"))
    # A sent reminder leaves the agenda; a passed deadline stays until its step is left.
    assert agenda(at(10)) == [(second.id, DEADLINE, at(7)), (first.id, DEADLINE, at(10))]
    act(store, first, to="aftaleudkast", close=True, when=at(8))
    assert agenda(at(31)) == [(second.id, DEADLINE, at(7))]


def test_agenda_of_one_owner_and_its_first_page(store):
    """A screen's page: the soonest ``limit``, in the same order; one owner's cases only."""
    mine = new_case(store, "Mine", owner="anna", deadlines=(deadline(at(10)), deadline(at(5), REMINDER)))
    theirs = new_case(store, "Theirs", deadlines=(deadline(at(7)), deadline(at(3), REMINDER)))
    agenda = lambda **more: [(d.case_id, d.due_at) for d in store.agenda(at(31), **more)]  # noqa: E731
    everything_due = [(theirs.id, at(3)), (mine.id, at(5)), (theirs.id, at(7)), (mine.id, at(10))]
    assert agenda() == everything_due
    assert [agenda(limit=n) for n in (0, 1, 3, 9)] == [
        [],
        everything_due[:1],
        everything_due[:3],
        everything_due,
    ]
    assert agenda(owner="anna") == [(mine.id, at(5)), (mine.id, at(10))]
    assert agenda(owner="anna", limit=1) == [(mine.id, at(5))]
    assert agenda(owner="nobody") == []
    hand_over(store, mine, "bo", when=at(2))
    assert agenda(owner="anna") == []
    assert agenda(owner="bo") == [(mine.id, at(5)), (mine.id, at(10))]


def test_data_version_changes_when_another_instance_commits(store, open_store):
    other = open_store()
    version = store.data_version()
    assert store.data_version() == version
    case = new_case(other)
    assert store.data_version() != version
    for write in (
        lambda: act(other, other.get_case(case.id)),
        lambda: other.record_refusal(case.id, at(3), "bo", None, "afbryd", ["no role"]),
        lambda: new_case(other, "Another", outbox=(message(),)),
        lambda: other.outbox_attempted(other.outbox()[0].id, at(3), error="timeout", next_attempt_at=at(4)),
        lambda: other.outbox_resolve(other.outbox()[0].id, at(3), "bo", "dismiss"),
        lambda: other.erase_personal_data(["anna@x.dk"], [], "slettet-1", at(4), "admin"),
    ):
        version = store.data_version()
        other.get_case(case.id)
        list(other.list_cases(CaseFilter()))
        assert store.data_version() == version  # reading changes nothing
        write()
        assert store.data_version() != version


# -- documents ---------------------------------------------------------------------------


def test_attach_document_keeps_its_content_with_its_event(store, open_store):
    case = new_case(store)
    before = store.get_case(case.id)
    pdf = bytes(range(256)) * 40  # every byte value, not text
    first = attach(store, case, "aftale.pdf", pdf, note="Underskrevet", when=at(3))
    empty = attach(open_store(), case, "aftale.pdf", b"", actor="bo", when=at(4))
    assert first == StoredDocument(
        first.id,
        case.id,
        "aftale.pdf",
        len(pdf),
        sha256(pdf),
        first.event_id,
        at(3),
        "mette",
        None,
        "Underskrevet",
    )
    assert (empty.name, empty.size, empty.sha256, empty.actor) == ("aftale.pdf", 0, sha256(b""), "bo")
    assert 0 < first.id < empty.id  # the same name twice: two documents
    assert open_store().document_content(first.id) == pdf
    assert store.document_content(empty.id) == b""
    assert open_store().documents(case.id) == [first, empty]
    *_, attached, attached_empty = store.history(case.id)
    assert (attached.id, attached.kind, attached.note) == (first.event_id, DOCUMENT, "Underskrevet")
    assert attached.changes == {
        "document": {"id": first.id, "name": "aftale.pdf", "size": len(pdf), "sha256": sha256(pdf)}
    }
    assert attached_empty.id == empty.event_id
    assert store.get_case(case.id) == before  # a document does not move the case
    assert verified(store) == 3


def test_attach_document_to_an_unknown_case_is_not_found_and_writes_nothing(store):
    case = new_case(store)
    before = everything(store)
    with pytest.raises(NotFound):
        attach(store, attrs.evolve(case, id=case.id + 1))
    assert everything(store) == before


def test_attach_document_writes_nothing_when_its_event_fails(store):
    case = new_case(store)
    before = everything(store)

    def failing(document_id: int) -> Event:
        raise RuntimeError("the event could not be made")

    with pytest.raises(RuntimeError):
        store.attach_document(case.id, "aftale.pdf", b"x", failing)
    assert everything(store) == before
    assert store.document_content(1) is None


def test_documents_are_the_cases_own_by_id(store):
    case, other = new_case(store), new_case(store, "Other")
    mine = [attach(store, case, "b.pdf"), attach(store, case, "a.pdf")]
    theirs = attach(store, other, "c.pdf")
    assert store.documents(case.id) == mine
    assert store.documents(other.id) == [theirs]
    assert store.documents(other.id + 10) == []


def test_document_content_of_an_unknown_document_is_none(store):
    case = new_case(store)
    document = attach(store, case)
    assert store.document_content(document.id + 1) is None
    assert store.document_content(-1) is None


def test_delete_document_empties_its_content_once_and_keeps_its_record(store, open_store):
    case = new_case(store)
    document, kept = attach(store, case, "referat.pdf", b"Referat"), attach(store, case, "aftale.pdf")
    assert delete(open_store(), document, when=at(5))
    assert store.document_content(document.id) == b""
    assert store.documents(case.id) == [attrs.evolve(document, deleted_at=at(5)), kept]
    *_, deletion = store.history(case.id)
    assert (deletion.kind, deletion.at, deletion.changes["document"]["id"]) == (
        DOCUMENT_DELETED,
        at(5),
        document.id,
    )
    before = everything(store)
    assert not delete(store, document, when=at(6))  # once only
    assert not store.delete_document(kept.id + 1, deletion)  # unknown
    assert everything(store) == before
    assert store.document_content(kept.id) == b"%PDF-1.4 Samarbejdsaftale"
    assert verified(store) == 4


def test_document_digests_are_of_the_content_as_it_is_now(store):
    case = new_case(store)
    document, deleted = attach(store, case, "a.pdf", b"A"), attach(store, case, "b.pdf", b"B")
    delete(store, deleted)
    assert list(store.document_digests()) == [
        audit.DocumentRow(document.id, case.id, "a.pdf", 1, sha256(b"A"), False, sha256(b"A")),
        audit.DocumentRow(deleted.id, case.id, "b.pdf", 1, sha256(b"B"), True, sha256(b"")),
    ]


# -- the outbox --------------------------------------------------------------------------


@pytest.fixture
def messages(store):
    """Three pending messages: two of a case created at day 1, one of a case at day 2."""
    new_case(store, "First", outbox=(message("anna@x.dk"), message("bo@x.dk")), when=at(1))
    new_case(store, "Second", outbox=(message("", channel="journal"),), when=at(2))
    return store.outbox()


def test_outbox_claim_is_pending_messages_whose_attempt_is_due(store, messages):
    first, second, third = messages
    ids = lambda now: [m.id for m in store.outbox_claim(now, now)]  # noqa: E731  (no lease)
    assert ids(at(1, 8)) == []
    assert ids(at(1)) == [first.id, second.id]
    assert ids(at(2)) == [first.id, second.id, third.id]
    store.outbox_attempted(first.id, at(2), error="timeout", next_attempt_at=at(5))
    assert ids(at(4)) == [second.id, third.id]
    assert ids(at(5)) == [first.id, second.id, third.id]
    store.outbox_attempted(second.id, at(2), error=None, next_attempt_at=None)
    store.outbox_attempted(third.id, at(2), error="gone", next_attempt_at=None)
    assert ids(at(31)) == [first.id]


def test_outbox_claim_gives_a_message_to_one_deliverer_until_its_lease_runs_out(store, open_store, messages):
    first, second, third = messages
    other = open_store()
    claimed = store.outbox_claim(at(2), at(2, 10))
    assert [m.id for m in claimed] == [first.id, second.id, third.id]
    assert all(m.next_attempt_at == at(2, 10) and m.status == "pending" for m in claimed)
    assert other.outbox_claim(at(2, 9), at(2, 19)) == []  # still within the first lease
    store.outbox_attempted(first.id, at(2, 1), error=None, next_attempt_at=None)
    # The deliverer died before it reported the others: after the lease they are due again.
    assert [m.id for m in other.outbox_claim(at(2, 10), at(2, 20))] == [second.id, third.id]


def test_outbox_claims_racing_never_share_a_message(url, open_store):
    """Two deliverers claiming at once, on their own connections: each message once."""
    store = open_store()
    for i in range(40):
        new_case(store, f"Case {i}", outbox=(message(f"p{i}@x.dk"),), when=at(1))
    claimers = [open_store() for _ in range(4)]
    claimed: list[list[int]] = [[] for _ in claimers]

    def claim(index: int) -> None:
        for _ in range(10):
            claimed[index] += [m.id for m in claimers[index].outbox_claim(at(2), at(3))]

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(claimers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [message_id for ids in claimed for message_id in ids]
    assert sorted(every) == sorted(m.id for m in store.outbox())


def test_outbox_is_pending_and_incidents_or_everything(store, messages):
    first, second, third = messages
    assert [m.id for m in messages] == sorted(m.id for m in messages)
    store.outbox_attempted(first.id, at(2), error=None, next_attempt_at=None)
    store.outbox_attempted(second.id, at(2), error="gone", next_attempt_at=None)
    store.outbox_resolve(third.id, at(3), "bo", "dismiss")
    assert [(m.id, m.status) for m in store.outbox()] == [(second.id, "incident")]
    assert [(m.id, m.status) for m in store.outbox(include_done=True)] == [
        (first.id, "sent"),
        (second.id, "incident"),
        (third.id, "dismissed"),
    ]


def test_outbox_message_is_one_message_whatever_its_status(store, open_store, messages):
    first, second, _ = messages
    assert open_store().outbox_message(first.id) == first
    store.outbox_attempted(first.id, at(2), error=None, next_attempt_at=None)
    assert store.outbox_message(first.id).status == "sent"
    assert store.outbox_message(second.id) == second
    assert store.outbox_message(first.id + 100) is None


def test_outbox_attempted_moves_a_pending_message_to_sent_retry_or_incident(store, open_store, messages):
    first, second, _ = messages
    store.outbox_attempted(first.id, at(2), error=None, next_attempt_at=None)
    assert store.outbox_message(first.id) == attrs.evolve(
        first, status="sent", attempts=1, sent_at=at(2), next_attempt_at=None, last_error=None
    )
    store.outbox_attempted(second.id, at(2), error="timeout", next_attempt_at=at(3))
    retrying = store.outbox_message(second.id)
    assert retrying == attrs.evolve(second, attempts=1, next_attempt_at=at(3), last_error="timeout")
    store.outbox_attempted(second.id, at(3), error="refused", next_attempt_at=None)
    incident = store.outbox_message(second.id)
    assert incident == attrs.evolve(
        retrying, status="incident", attempts=2, next_attempt_at=None, last_error="refused"
    )

    # A second deliverer's late report never moves a message that left pending.
    late = open_store()
    late.outbox_attempted(first.id, at(4), error="timeout", next_attempt_at=at(5))
    late.outbox_attempted(second.id, at(4), error=None, next_attempt_at=None)
    assert store.outbox_message(first.id).status == "sent" and store.outbox_message(first.id).attempts == 1
    assert store.outbox_message(second.id) == incident
    store.outbox_resolve(second.id, at(5), "bo", "dismiss")
    late.outbox_attempted(second.id, at(6), error=None, next_attempt_at=None)
    assert store.outbox_message(second.id).status == "dismissed"


def test_outbox_resolve_retries_or_dismisses_and_logs_it(store, messages):
    first, second, third = messages
    store.outbox_attempted(first.id, at(2), error="refused", next_attempt_at=None)
    assert store.outbox_resolve(first.id, at(3), "bo", "retry") is True
    retried = store.outbox_message(first.id)
    assert (retried.status, retried.attempts, retried.next_attempt_at) == ("pending", 0, at(3))
    assert retried.last_error == "refused"  # until the next attempt
    assert first.id in [m.id for m in store.outbox_claim(at(3), at(3))]

    store.outbox_attempted(first.id, at(3), error="refused", next_attempt_at=None)
    assert store.outbox_resolve(first.id, at(4), "mette", "dismiss") is True
    assert store.outbox_message(first.id).status == "dismissed"
    assert store.outbox_log(first.id) == [(at(3), "bo", "retry"), (at(4), "mette", "dismiss")]

    # A message still pending (retrying) can be dismissed or retried now.
    store.outbox_attempted(second.id, at(2), error="timeout", next_attempt_at=at(9))
    assert store.outbox_resolve(second.id, at(4), "bo", "retry") is True
    assert store.outbox_message(second.id).next_attempt_at == at(4)

    # Sent, dismissed and unknown messages cannot be resolved; nothing is logged.
    store.outbox_attempted(third.id, at(2), error=None, next_attempt_at=None)
    before = everything(store)
    for message_id in (third.id, first.id, third.id + 100):
        for what in ("retry", "dismiss"):
            assert store.outbox_resolve(message_id, at(5), "bo", what) is False
    assert everything(store) == before
    assert store.outbox_log(third.id) == []
    assert store.outbox_log(first.id) == [(at(3), "bo", "retry"), (at(4), "mette", "dismiss")]


def test_outbox_log_is_per_message_oldest_first(store, open_store, messages):
    first, second, _ = messages
    assert store.outbox_log(first.id) == []
    for message_id in (first.id, second.id):
        store.outbox_attempted(message_id, at(2), error="refused", next_attempt_at=None)
    open_store().outbox_resolve(second.id, at(3), "anna", "retry")
    store.outbox_resolve(first.id, at(4), "bo", "retry")
    store.outbox_resolve(second.id, at(5), "bo", "dismiss")
    assert store.outbox_log(first.id) == [(at(4), "bo", "retry")]
    assert store.outbox_log(second.id) == [(at(3), "anna", "retry"), (at(5), "bo", "dismiss")]


# -- the audit trail ---------------------------------------------------------------------


def test_audit_rows_verify_after_a_mix_of_operations(store, open_store, url):
    engine = open_engine(url, pm=PM)
    engine.now = lambda: dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    made = demo.build(engine)  # new cases, actions, reminders and deadlines, as the engine takes them
    case = new_case(store, "Direct", deadlines=(deadline(at(5), REMINDER),), outbox=(message(),))
    fire(
        store,
        store.deadlines(case.id)[0],
        Event(case.id, at(5), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog"),
    )
    act(open_store(), case, changes={"kontakt_email": "anna@x.dk"}, when=at(6))
    store.record_refusal(case.id, at(7), "bo", None, "afbryd", ["no role"])
    attach(store, case, "Referat med anna@x.dk.pdf", when=at(7))
    delete(open_store(), attach(store, case, "fejl.pdf", b"fejl", when=at(7)), when=at(7))
    engine.store.close()

    rows = list(store.audit_rows())
    assert [r.event.id for r in rows] == sorted(r.event.id for r in rows)
    cases = list(store.list_cases(CaseFilter()))
    assert len(cases) == made + 1
    assert sorted(r.event.id for r in rows) == sorted(e.id for c in cases for e in store.history(c.id))
    assert {r.event.kind for r in rows} == {
        CREATED,
        ACTION,
        REMINDER,
        DEADLINE,
        HANDOVER,
        DOCUMENT,
        DOCUMENT_DELETED,
    }
    for row in rows:
        assert row.digest == audit.digest(row.event)
        assert row.event == next(e for e in store.history(row.event.case_id) if e.id == row.event.id)
    assert verified(store) == len(rows)

    touched = store.erase_personal_data(["anna@x.dk"], ["anna"], "slettet-1", at(8), "admin")["cases"]
    assert touched >= 1
    assert verified(store) == len(rows) + touched


def test_audit_rows_chains_never_fork_with_concurrent_writers(open_store):
    stores = [open_store() for _ in range(4)]
    shared = new_case(stores[0], "Shared")
    conflicts = []

    def work(store):
        own = new_case(store, "Own")
        for step in range(8):
            own = act(store, own, note=f"step {step}")
            try:
                act(store, store.get_case(shared.id), note="shared")
            except Conflict:
                conflicts.append(1)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = 1 + 4 * 9 + (4 * 8 - len(conflicts))
    assert verified(stores[0]) == written
    assert len(stores[1].history(shared.id)) == 1 + 4 * 8 - len(conflicts)


# -- refusals ----------------------------------------------------------------------------


def test_record_refusal_keeps_who_tried_what_when_and_why(store):
    case = new_case(store)
    other = new_case(store, "Other")
    before = (store.history(case.id), list(store.audit_rows()))
    store.record_refusal(
        case.id, at(3), "bo", "bo-os", "afbryd", ["you lack the role `koordinator`", "note is empty"]
    )
    store.record_refusal(other.id, at(4), "anna", None, "send", ["required: `dokument`"])
    store.record_refusal(case.id, at(5), "anna", None, "underskriv", [])
    assert store.refusals(case.id) == [
        {
            "at": at(3),
            "actor": "bo",
            "account": "bo-os",
            "action": "afbryd",
            "reasons": ["you lack the role `koordinator`", "note is empty"],
        },
        {"at": at(5), "actor": "anna", "account": None, "action": "underskriv", "reasons": []},
    ]
    assert (store.history(case.id), list(store.audit_rows())) == before  # not an event


def test_refusals_of_a_case_without_any_are_empty(store):
    case = new_case(store)
    assert store.refusals(case.id) == [] == store.refusals(case.id + 10)


# -- personal data -----------------------------------------------------------------------


@pytest.fixture
def people(store):
    """Anna (anna@x.dk, person id anna) named in one case, acting on another; Bo elsewhere."""
    hers = new_case(
        store,
        "Spejderne v/ Anna Jensen",
        fields={"kontakt_email": "anna@x.dk", "organisation": "Spejderne"},
        outbox=(message("anna@x.dk", body="Kære Anna Jensen"), message("bo@x.dk")),
    )
    hers = act(store, hers, note="Ringede til anna@x.dk", when=at(2))
    acted = new_case(store, "FDF", fields={"kontakt_email": "bo@x.dk"}, deadlines=(deadline(at(9)),))
    acted = act(store, acted, actor="anna", changes={"organisation": "FDF"}, when=at(3))
    untouched = new_case(store, "Boldklubben", fields={"kontakt_email": "bo@x.dk"})
    store.record_refusal(untouched.id, at(4), "anna", None, "afbryd", ["no role"])
    store.record_refusal(untouched.id, at(4), "bo", None, "afbryd", ["no role"])
    return hers, acted, untouched


ANNA = (["anna@x.dk", "Anna Jensen"], ["anna"])
NOTHING = {"cases": [], "events": [], "messages": [], "refusals": [], "documents": []}


def test_personal_data_finds_every_case_event_message_and_refusal_naming_the_person(store, people):
    hers, acted, untouched = people
    found = store.personal_data(*ANNA)
    created, noted = store.history(hers.id)
    acted_event = store.history(acted.id)[1]
    assert found["cases"] == [
        {
            "id": hers.id,
            "title": hers.title,
            "process": hers.process_id,
            "state": hers.state,
            "fields": dict(hers.fields),
            "created_at": hers.created_at,
            "owner": "mette",
        }
    ]
    assert found["events"] == [
        {
            "id": e.id,
            "case": e.case_id,
            "at": e.at,
            "actor": e.actor,
            "account": e.account,
            "kind": e.kind,
            "action": e.action,
            "changes": dict(e.changes),
            "note": e.note,
            "owner": e.owner,
        }
        for e in (created, noted, acted_event)
    ]
    to_anna = next(m for m in store.outbox() if m.recipient == "anna@x.dk")
    assert found["messages"] == [
        {
            "id": to_anna.id,
            "case": to_anna.case_id,
            "channel": to_anna.channel,
            "recipient": "anna@x.dk",
            "subject": to_anna.subject,
            "body": to_anna.body,
            "payload": to_anna.payload,
            "status": "pending",
            "last_error": None,
            "created_at": to_anna.created_at,
            "sent_at": None,
        }
    ]
    [refusal] = found["refusals"]
    assert (refusal["case"], refusal["at"], refusal["actor"], refusal["action"]) == (
        untouched.id,
        at(4),
        "anna",
        "afbryd",
    )
    assert store.personal_data(["nobody@x.dk"], ["nobody"]) == NOTHING


def test_erase_personal_data_pseudonymises_and_records_itself(store, open_store, people):
    hers, acted, untouched = people
    before_untouched = (store.get_case(untouched.id), store.history(untouched.id))
    histories = {c.id: store.history(c.id) for c in (hers, acted)}
    counts = open_store().erase_personal_data(*ANNA, "slettet-1", at(10), "admin")
    assert counts == {"cases": 2, "events": 3, "messages": 1, "documents": 0}

    case = store.get_case(hers.id)
    assert case.title == "Spejderne v/ slettet-1"
    assert case.fields == {"kontakt_email": "slettet-1", "organisation": "Spejderne"}
    *kept, erasure = store.history(hers.id)
    assert [(e.id, e.at, e.kind, e.actor) for e in kept] == [
        (e.id, e.at, e.kind, e.actor) for e in histories[hers.id]
    ]
    assert kept[0].changes == {"kontakt_email": "slettet-1", "organisation": "Spejderne"}
    assert kept[1].note == "Ringede til slettet-1"
    assert (erasure.kind, erasure.actor, erasure.at) == (ERASURE, "admin", at(10))
    assert erasure.changes == audit.content_digests(kept)
    assert erasure.from_state == erasure.to_state == hers.state
    *kept, erasure = store.history(acted.id)
    assert [e.actor for e in kept] == ["mette", "slettet-1"] and kept[1].changes == {"organisation": "FDF"}
    assert (erasure.kind, erasure.actor) == (ERASURE, "admin")
    assert store.get_case(acted.id).fields == dict(acted.fields)
    assert (store.get_case(untouched.id), store.history(untouched.id)) == before_untouched

    to_anna, to_bo = store.outbox()[:2]
    assert (to_anna.recipient, to_anna.body) == ("slettet-1", "Kære slettet-1")
    assert to_anna.payload == {"note": "Kære slettet-1", "to": "slettet-1"}
    assert (to_bo.recipient, to_bo.body) == ("bo@x.dk", "Der er nyt i sagen")
    assert [r["actor"] for r in store.refusals(untouched.id)] == ["slettet-1", "bo"]

    assert store.personal_data(*ANNA) == NOTHING
    assert verified(store) == 7
    assert store.erase_personal_data(*ANNA, "slettet-1", at(11), "admin") == {
        "cases": 0,
        "events": 0,
        "messages": 0,
        "documents": 0,
    }


def test_personal_data_finds_the_cases_a_person_owns_and_the_events_that_made_them_hers(store):
    opened = new_case(store, "Lions", actor="anna")
    handed = hand_over(store, new_case(store, "FDF"), "anna", when=at(3))
    hand_over(store, new_case(store, "Spejderne", owner="anna"), "bo", when=at(4))
    found = store.personal_data([], ["anna"])
    assert [(c["id"], c["owner"]) for c in found["cases"]] == [(opened.id, "anna"), (handed.id, "anna")]
    assert [(e["case"], e["kind"], e["actor"], e["owner"]) for e in found["events"]] == [
        (opened.id, CREATED, "anna", "anna"),
        (handed.id, HANDOVER, "mette", "anna"),
        (handed.id + 1, CREATED, "mette", "anna"),
    ]


def test_erase_personal_data_pseudonymises_owners_and_the_history_still_replays(store):
    opened = new_case(store, "Lions", actor="anna")
    handed = hand_over(store, new_case(store, "FDF"), "anna", when=at(3))
    away = hand_over(store, new_case(store, "Spejderne", owner="anna"), "bo", when=at(4))
    counts = store.erase_personal_data([], ["anna"], "slettet-1", at(10), "admin")
    assert counts == {"cases": 3, "events": 3, "messages": 0, "documents": 0}
    assert [store.get_case(c.id).owner for c in (opened, handed, away)] == ["slettet-1", "slettet-1", "bo"]
    assert [e.owner for e in store.history(away.id)][:2] == ["slettet-1", "bo"]
    assert list(store.list_cases(CaseFilter(owner="anna"))) == []
    assert store.personal_data([], ["anna"]) == NOTHING
    assert replayed(store) == 8  # three opened, two handed over, three erasures


def test_personal_data_lists_documents_named_so_or_kept_with_the_persons_cases(store):
    hers = new_case(store, "Spejderne", fields={"kontakt_email": "anna@x.dk"})
    plain = attach(store, hers, "aftale.pdf")
    other = new_case(store, "FDF")
    named = attach(store, other, "Ansøgning fra Anna Jensen.pdf", when=at(4))
    attach(store, new_case(store, "Boldklubben"), "Referat med Hanna Jensen.pdf")
    found = store.personal_data(*ANNA)["documents"]
    assert found == [
        {
            "id": d.id,
            "case": d.case_id,
            "name": d.name,
            "size": d.size,
            "sha256": d.sha256,
            "attached_at": d.attached_at,
            "actor": "mette",
            "deleted": False,
            "named": d is named,
        }
        for d in (plain, named)
    ]


def test_erase_personal_data_renames_documents_and_leaves_their_content(store):
    case = new_case(store, "FDF")
    named = attach(store, case, "Ansøgning fra anna@x.dk.pdf", b"Anna Jensen, Skolevej 1")
    other = attach(store, case, "budget.pdf")
    counts = store.erase_personal_data(*ANNA, "slettet-1", at(10), "admin")
    assert (counts["documents"], counts["cases"]) == (1, 1)
    assert store.documents(case.id) == [attrs.evolve(named, name="Ansøgning fra slettet-1.pdf"), other]
    assert store.document_content(named.id) == b"Anna Jensen, Skolevej 1"  # contents are not searched
    assert store.personal_data(*ANNA) == NOTHING
    assert verified(store) == 4


def test_erase_personal_data_leaves_other_people_alone(store):
    hanna = new_case(store, "Hanna", fields={"kontakt_email": "hanna@x.dk"}, outbox=(message("hanna@x.dk"),))
    anna = new_case(store, "Anna", fields={"kontakt_email": "anna@x.dk"})
    before = (store.get_case(hanna.id), store.history(hanna.id), store.outbox())
    counts = store.erase_personal_data(["anna@x.dk"], [], "slettet-1", at(5), "admin")
    assert (store.get_case(hanna.id), store.history(hanna.id), store.outbox()) == before
    assert counts == {"cases": 1, "events": 1, "messages": 0, "documents": 0}
    assert store.get_case(anna.id).fields == {"kontakt_email": "slettet-1"}


def test_erase_personal_data_makes_an_edit_read_before_it_a_conflict(store):
    case = new_case(store, fields={"kontakt_email": "anna@x.dk"})
    store.erase_personal_data(["anna@x.dk"], [], "slettet-1", at(5), "admin")
    with pytest.raises(Conflict):
        act(store, case, changes={"organisation": "Spejderne"}, when=at(6))  # fields as read: her address
    assert store.personal_data(["anna@x.dk"], [])["cases"] == []


def test_erase_personal_data_erases_a_text_whatever_its_case(store):
    case = new_case(store, fields={"kontakt_email": "Anna@X.dk"})
    store.erase_personal_data(["anna@x.dk"], [], "slettet-1", at(5), "admin")
    assert store.get_case(case.id).fields == {"kontakt_email": "slettet-1"}
    assert store.personal_data(["anna@x.dk"], []) == NOTHING


def test_erase_personal_data_reaches_message_subjects_and_payloads(store):
    new_case(store, outbox=(Outgoing("webhook", "", "Anna Jensen", "Ny sag", {"title": "Anna Jensen"}),))
    [before] = store.outbox()
    assert [
        (m["id"], m["subject"], m["payload"]) for m in store.personal_data(["Anna Jensen"], [])["messages"]
    ] == [(before.id, "Anna Jensen", {"title": "Anna Jensen"})]
    assert store.erase_personal_data(["Anna Jensen"], [], "slettet-1", at(5), "admin")["messages"] == 1
    [after] = store.outbox()
    assert (after.subject, after.payload) == ("slettet-1", {"title": "slettet-1"})


def test_erase_personal_data_lists_what_it_changed_in_its_erasure_events(store, people):
    hers, acted, untouched = people
    changed = {e.id for e in store.history(hers.id)} | {store.history(acted.id)[1].id}
    store.erase_personal_data(*ANNA, "slettet-1", at(10), "admin")
    listed = {}
    for case in (hers, acted, untouched):
        for event in store.history(case.id):
            if event.kind == ERASURE:
                assert set(event.changes) == {"erased"}
                listed.update({int(k): v for k, v in event.changes["erased"].items()})
    assert set(listed) == changed  # the erasure events are not in it
    for row in store.audit_rows():
        if row.event.id in listed:
            assert listed[row.event.id] == audit.digest(row.event) != row.digest
    assert verified(store)


# -- the audit key and the heads -----------------------------------------------------------


def test_snapshot_reads_the_database_as_one_moment_left_it(store, open_store):
    case = new_case(store)
    other = open_store()
    with store.snapshot():
        before = (store.get_case(case.id), store.history(case.id), list(store.audit_heads()))
        act(other, other.get_case(case.id), note="meanwhile")
        new_case(other, "Another")
        assert (store.get_case(case.id), store.history(case.id), list(store.audit_heads())) == before
        assert [c.id for c in store.list_cases(CaseFilter())] == [case.id]
    assert store.get_case(case.id).revision == 2
    assert verified(store) == 3


def test_audit_key_path_is_none_or_a_path_that_is_not_the_database(store, url):
    path = store.audit_key_path()
    assert path is None or (path.name.endswith(".key") and str(path) not in url)


def test_audit_keyed_once_a_key_is_used(url):
    store = PM.hook.open_store(url=url, create=True)
    try:
        assert not store.audit_keyed()
        store.use_audit_key(KEY, new_key=True)
        assert store.audit_keyed()
    finally:
        store.close()


def test_use_audit_key_refuses_another_key_once_keyed(store, open_store, url):
    new_case(store)
    other = PM.hook.open_store(url=url, create=True)
    try:
        with pytest.raises(BadInput, match="is not this database's"):
            other.use_audit_key(audit.Key(b"x" * audit.KEY_BYTES), new_key=False)
    finally:
        other.close()
    assert verified(open_store()) == 1


def test_audit_heads_follow_every_append(store):
    assert list(store.audit_heads()) == []
    first = new_case(store)
    act(store, first)
    second = new_case(store, "Bo's")
    store.audit_checkpoint(at(4))
    heads = {h.case_id: h for h in store.audit_heads()}
    assert set(heads) == {audit.DATABASE, first.id, second.id}
    assert (heads[audit.DATABASE].count, heads[first.id].count, heads[second.id].count) == (3, 2, 1)
    rows = list(store.audit_rows())
    checkpoints = store.audit_checkpoints()
    database_last = rows[-1].chain if checkpoints is None else checkpoints[-1].link
    assert heads[audit.DATABASE].last == database_last
    assert heads[first.id].last == [r for r in rows if r.event.case_id == first.id][-1].case_link
    assert all(h.mac == KEY.head(h.case_id, h.count, h.last) for h in heads.values())


def test_audit_checkpoint_records_where_every_moved_chain_stands(store, open_store):
    first = new_case(store)
    store.audit_checkpoint(at(2))
    act(open_store(), first)
    second = new_case(store, "Bo's")
    store.audit_checkpoint(at(3))
    store.audit_checkpoint(at(4))  # nothing moved since
    assert verified(store) == 3
    checkpoints = store.audit_checkpoints()
    if checkpoints is None:  # a chain instead: its head moved with every append
        assert next(h for h in store.audit_heads() if h.case_id == audit.DATABASE).count == 3
        return
    links = {r.event.id: r.case_link for r in store.audit_rows()}
    history = {case.id: [e.id for e in store.history(case.id)] for case in (first, second)}
    assert [(c.at, c.events) for c in checkpoints] == [(at(2), 1), (at(3), 3)]
    assert checkpoints[0].heads == ((first.id, 1, links[history[first.id][0]]),)
    assert checkpoints[1].heads == (
        (first.id, 2, links[history[first.id][1]]),
        (second.id, 1, links[history[second.id][0]]),
    )


def test_audit_checkpoints_are_none_or_a_chain_that_verify_checks(store):
    case = new_case(store)
    act(store, case)
    store.audit_checkpoint(at(3))
    checkpoints = store.audit_checkpoints()
    assert checkpoints is None or [c.number for c in checkpoints] == sorted(c.number for c in checkpoints)
    if checkpoints:
        forged = [attrs.evolve(checkpoints[0], events=checkpoints[0].events + 1)]
        _, broken = audit.verify(store.audit_rows(), KEY, store.audit_heads(), checkpoints=forged)
        assert broken is not None and "checkpoint" in str(broken.what)


# -- times -------------------------------------------------------------------------------

CET = dt.timezone(dt.timedelta(hours=1), "CET")


def cet(day: int, hour: int = 9) -> dt.datetime:
    """The moment ``at(day, hour)``, written in Central European Time (UTC+1)."""
    return at(day, hour).astimezone(CET)


def times_in(value) -> list:
    """Every datetime in what a store gave back (read models, dicts, lists, tuples)."""
    if isinstance(value, dt.datetime):
        return [value]
    if attrs.has(type(value)):
        value = [getattr(value, field.name) for field in attrs.fields(type(value))]
    elif isinstance(value, dict):
        value = list(value.values())
    elif not isinstance(value, list | tuple | set):
        return []
    return [time for item in value for time in times_in(item)]


def test_times_read_back_in_utc_whatever_offset_they_were_given_with(store, open_store):
    """Every time is given and given back as a datetime; one given with another offset
    reads back as the same moment, in UTC."""
    case = new_case(
        store,
        fields={"kontakt_email": "anna@x.dk"},
        deadlines=(deadline(cet(20)), deadline(cet(10), REMINDER, before="P10D")),
        outbox=(message(),),
        when=cet(1),
    )
    assert open_store().get_case(case.id).next_due == at(20)
    store.record_refusal(case.id, cet(2), "anna", None, "afbryd", ["no role"])
    [sent] = store.outbox()
    store.outbox_attempted(sent.id, cet(2), error="timeout", next_attempt_at=cet(3))
    store.outbox_resolve(sent.id, cet(3), "bo", "retry")
    store.outbox_attempted(sent.id, cet(4), error=None, next_attempt_at=None)
    reminder = store.deadlines(case.id)[0]
    assert fire(store, reminder, Event(case.id, cet(10), SYSTEM_ACTOR, REMINDER, None, "dialog", "dialog"))
    act(store, store.get_case(case.id), "afbryd", to="ikke_indgaaet", close=True, closed=True, when=cet(11))

    other = open_store()
    stored = other.get_case(case.id)
    assert (stored.created_at, stored.updated_at, stored.closed_at, stored.next_due) == (
        at(1),
        at(11),
        at(11),
        None,
    )
    assert [e.at for e in other.history(case.id)] == [at(1), at(10), at(11)]
    assert [(d.due_at, d.fired_at, d.closed_at) for d in other.deadlines(case.id, open_only=False)] == [
        (at(10), at(10), at(11)),
        (at(20), None, at(11)),
    ]
    message_read = other.outbox_message(sent.id)
    assert (message_read.created_at, message_read.next_attempt_at, message_read.sent_at) == (
        at(1),
        None,
        at(4),
    )
    assert other.outbox_log(sent.id) == [(at(3), "bo", "retry")]
    assert [r["at"] for r in other.refusals(case.id)] == [at(2)]
    found = other.personal_data(["anna@x.dk"], ["anna"])
    assert [e["at"] for e in found["events"]] == [at(1)] and [r["at"] for r in found["refusals"]] == [at(2)]

    every = times_in(
        [
            stored,
            list(other.list_cases(CaseFilter())),
            other.history(case.id),
            other.deadlines(case.id, open_only=False),
            other.outbox(include_done=True),
            message_read,
            other.outbox_log(sent.id),
            other.refusals(case.id),
            found,
            list(other.audit_rows()),
        ]
    )
    assert len(every) > 20
    assert all(time.utcoffset() == dt.timedelta(0) for time in every)


def test_times_asked_with_another_offset_compare_as_the_same_moment(store):
    """``now``, ``until`` and ``overdue_at`` are moments: 09:00 CET is 08:00 UTC, before
    a time due at 09:00 UTC."""
    case = new_case(store, deadlines=(deadline(at(20)), deadline(at(10), REMINDER)), outbox=(message(),))
    [reminder, passed] = store.deadlines(case.id)
    assert list(store.due_deadlines(cet(10, 8))) == []
    assert list(store.due_deadlines(cet(10))) == [reminder]
    assert store.agenda(cet(20, 8)) == [reminder]
    assert store.agenda(cet(20)) == [reminder, passed]
    assert store.outbox_claim(cet(1, 8), cet(1, 8)) == []
    assert [m.case_id for m in store.outbox_claim(cet(1), cet(1))] == [case.id]
    for overdue_at, expected in ((cet(20, 8), []), (cet(20), [case.id])):
        where = CaseFilter(overdue_at=overdue_at)
        assert [c.id for c in store.list_cases(where)] == expected
        assert store.count_cases(where) == len(expected)


# -- closing -----------------------------------------------------------------------------


def test_config_directory_is_a_directory_or_none(store):
    """Where samskab.toml for this database is looked for: a directory that exists, or
    None (the current directory)."""
    directory = store.config_directory()
    assert directory is None or directory.is_dir()


def test_close_keeps_everything_committed_for_the_next_instance(store, open_store):
    case = new_case(store, deadlines=(deadline(at(5)),), outbox=(message(),))
    act(store, case, note="saved")
    store.record_refusal(case.id, at(3), "bo", None, "afbryd", ["no role"])
    before = everything(store)
    store.close()
    store.close()  # twice does no harm
    assert everything(open_store()) == before


def test_batch_saves_its_writes_together_or_none(store, open_store):
    case = new_case(store, "Lions", deadlines=(deadline(at(5)), deadline(at(6), REMINDER)))
    first, second = store.deadlines(case.id)
    other = new_case(store, "FDF")

    def fired(row: Deadline) -> Event:
        return Event(case.id, at(7), SYSTEM_ACTOR, row.kind, None, "dialog", "dialog")

    with pytest.raises(RuntimeError), store.batch():
        assert fire(store, first, fired(first))
        raise RuntimeError  # what the batch wrote goes with it
    assert [d.fired_at for d in store.deadlines(case.id)] == [None, None]

    with store.batch():
        assert fire(store, first, fired(first))
        act(store, other, changes={"organisation": "FDF Vest"})
        with pytest.raises(Conflict):  # a write that fails is undone alone
            act(store, other, changes={"organisation": "FDF Øst"})
        assert fire(store, second, fired(second))
        # Nothing is saved before the batch ends: another instance sees none of it.
        assert [d.fired_at for d in open_store().deadlines(case.id)] == [None, None]
    assert [d.fired_at for d in store.deadlines(case.id)] == [at(7), at(7)]
    assert store.get_case(other.id).fields["organisation"] == "FDF Vest"
    assert [e.kind for e in store.history(case.id)] == [CREATED, DEADLINE, REMINDER]
    assert verified(store) == 5  # two openings, two deadlines, one action


# -- counting and searching without reading every case --------------------------------


def _counts_agree(store: Store) -> None:
    """``count_cases`` for every process, step and owner, open or not, equals the cases
    ``list_cases`` gives (which reads the cases themselves)."""
    cases = list(store.list_cases(CaseFilter()))
    assert cases
    filters = [CaseFilter(), CaseFilter(open_only=True)]
    for case in cases:
        for open_only in (False, True):
            filters += [
                CaseFilter(process_id=case.process_id, open_only=open_only),
                CaseFilter(process_id=case.process_id, state=case.state, open_only=open_only),
                CaseFilter(owner=case.owner, open_only=open_only),
                CaseFilter(process_id=case.process_id, owner=case.owner, open_only=open_only),
            ]
    for where in filters:
        assert store.count_cases(where) == len(list(store.list_cases(where))), where


def test_count_cases_and_tidy_keep_up_with_every_change(store, url):
    engine = open_engine(url, pm=PM)
    engine.now = lambda: dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    demo.build(engine)  # opened, advanced, closed, handed over, linked
    _counts_agree(store)
    case = new_case(store, "Spejderne", owner="anna")
    hand_over(store, case, "bo", when=at(3))
    _counts_agree(store)
    store.erase_personal_data([], ["bo", "mette"], "slettet-1", at(10), "admin")
    _counts_agree(store)
    store.tidy()  # a store that keeps counts as changes sums them here
    _counts_agree(store)
    engine.store.close()


NEEDLES = ["lions", "LIONS", "ældre", "ÆLDRE", "å", "aa", "ø", "e", "club ", '"', "x.dk", "zzz", "skolevej 9"]


def _found_as_mentions(store: Store) -> None:
    """A text search finds exactly the cases ``collation.mentions`` says hold it."""
    from samskab.engine import collation

    everything = list(store.list_cases(CaseFilter()))
    for needle in NEEDLES:
        expected = [c.id for c in everything if collation.mentions(needle, c.title, c.fields)]
        assert [c.id for c in store.list_cases(CaseFilter(text=needle))] == expected, needle
        assert store.count_cases(CaseFilter(text=needle)) == len(expected), needle
    # Nothing is found across two of a case's texts.
    assert not list(store.list_cases(CaseFilter(text=collation.SEPARATOR)))


def test_tidy_and_list_cases_find_by_text_as_collation_mentions(store, url):
    engine = open_engine(url, pm=PM)
    engine.now = lambda: dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC)
    demo.build(engine)
    engine.store.close()
    case = new_case(store, 'Det "gode" liv i Ældre Sagen')
    _found_as_mentions(store)
    store.tidy()  # a store that indexes changed texts later does so here
    _found_as_mentions(store)
    act(store, case, changes={"adresse": "Skolevej 9"})  # a new text, not yet indexed
    act(store, store.get_case(1), changes={"organisation": "Zzz"})  # "Lions" gone from case 1
    _found_as_mentions(store)
    store.tidy()
    _found_as_mentions(store)
    store.erase_personal_data(["Skolevej 9"], [], "slettet-1", at(10), "admin")
    _found_as_mentions(store)
