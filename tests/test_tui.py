"""The terminal UI driven by Textual's Pilot on a real database file, checked on the
screen and in the database."""

import datetime as dt

import attrs
from pilot import (
    NOW,
    app_for,
    choose,
    open_case,
    open_form,
    open_new_case_form,
    press_on,
    settle,
    shown,
    static_text,
    table_ids,
)
from textual.widgets import (
    Checkbox,
    DataTable,
    Input,
    OptionList,
    Select,
    Static,
    TextArea,
)

from samskab.engine.config import Actor
from samskab.engine.core import open_engine
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.readmodels import CaseFilter
from samskab.engine.service import Service
from samskab.tui.screens.action_form import ActionForm
from samskab.tui.screens.agenda import AgendaScreen
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen
from samskab.tui.screens.new_case import NewCaseScreen
from samskab.tui.screens.processes import ProcessesScreen


async def test_cases_list_opens_with_active_cases_overdue_first(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        shown = table_ids(pilot.app)
        active = engine.store.count_cases(CaseFilter(open_only=True))
        assert len(shown) == active
        overdue = [
            c.id
            for c in engine.cases(
                CaseFilter(overdue_at=dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), open_only=True)
            )
        ]
        assert set(shown[: len(overdue)]) == set(overdue)
        assert static_text(pilot.app.screen.query_one("#status", Static)) == f"{active} sager"


async def test_filter_by_process_search_and_overdue(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        screen = pilot.app.screen
        screen.query_one("#process", Select).value = "frivillig"
        await settle(pilot)
        frivillige = {c.id for c in engine.cases(CaseFilter(process_id="frivillig", open_only=True))}
        assert set(table_ids(pilot.app)) == frivillige

        await pilot.press("slash")
        await pilot.press(*"Amira")
        await settle(pilot)
        assert [engine.case(i).title for i in table_ids(pilot.app)] == ["Amira Hassan"]

        screen.query_one("#search", Input).value = ""
        screen.query_one("#process", Select).clear()
        await settle(pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("o")
        await settle(pilot)
        assert screen.query_one("#overdue", Checkbox).value
        overdue = {
            c.id
            for c in engine.cases(
                CaseFilter(overdue_at=dt.datetime(2026, 11, 23, 8, tzinfo=dt.UTC), open_only=True)
            )
        }
        assert set(table_ids(pilot.app)) == overdue and overdue


async def test_open_a_case_and_take_an_action_through_its_form(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        head = static_text(pilot.app.screen.query_one("#case-head", Static))
        assert "Spejderne" in head and "Til underskrift i styregruppen" in head
        history = static_text(pilot.app.screen.query_one("#case-history", Static))
        assert "Send aftalen til underskrift" in history

        await open_form(pilot, "underskriv")
        await pilot.press(*"2030-01-01", "tab", *"Borgmesteren")
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "ligger i fremtiden" in refusal
        # Nothing typed is lost, nothing is saved.
        assert pilot.app.screen.query_one("#field-underskrevet_dato", Input).value == "2030-01-01"
        assert pilot.app.screen.query_one("#field-underskrevet_af", Input).value == "Borgmesteren"
        assert engine.case(case.id).state == "til_underskrift"

        date = pilot.app.screen.query_one("#field-underskrevet_dato", Input)
        date.value = "20.11.2026"
        pilot.app.screen.query_one("#note", TextArea).text = "Underskrevet på mødet"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        stored = engine.case(case.id)
        assert stored.state == "aktiv"
        assert stored.fields["underskrevet_dato"] == "2026-11-20"
        last = engine.store.history(case.id)[-1]
        assert (last.actor, last.action, last.note) == ("mette", "underskriv", "Underskrevet på mødet")
        assert "Aktivt partnerskab" in static_text(pilot.app.screen.query_one("#case-head", Static))


async def test_value_that_does_not_parse_is_shown_as_typed(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "underskriv", case.id)
        await pilot.press(*"31.2.2026")
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        assert "er ikke en dato" in static_text(pilot.app.screen.query_one("#refusal", Static))
        assert pilot.app.screen.query_one("#field-underskrevet_dato", Input).value == "31.2.2026"


async def test_create_a_case(engine):
    before = engine.store.count_cases(CaseFilter())
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("n")
        await settle(pilot, NewCaseScreen)
        choose(pilot.app.screen.query_one("#process-list", OptionList), "borgerinitiativ")
        await pilot.pause()
        assert "svarfrist" in static_text(pilot.app.screen.query_one("#process-description", Static))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Cykelværksted i kælderen")
        pilot.app.screen.query_one("#field-borger_navn", Input).value = "Mads"
        await pilot.press("ctrl+s")
        await settle(pilot, NewCaseScreen)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "disse felter skal udfyldes: Idéen" in refusal and "`ide`" not in refusal
        assert pilot.app.screen.query_one("#case-title", Input).value == "Cykelværksted i kælderen"
        pilot.app.screen.query_one("#field-ide", TextArea).text = "Et værksted hvor unge reparerer cykler"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
    assert engine.store.count_cases(CaseFilter()) == before + 1
    made = engine.cases()[-1]
    assert (made.title, made.process_id, made.fields["borger_navn"]) == (
        "Cykelværksted i kælderen",
        "borgerinitiativ",
        "Mads",
    )


async def test_agenda_lists_overdue_first_and_opens_a_case(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("a")
        await settle(pilot, AgendaScreen)
        table = pilot.app.screen.query_one(DataTable)
        due = [dt.datetime.strptime(table.get_row_at(i)[0], "%d.%m.%Y") for i in range(table.row_count)]
        assert due == sorted(due) and table.row_count > 3
        assert "for sent" in str(table.get_row_at(0)[1])
        await pilot.press("enter")
        await settle(pilot, CaseScreen)


async def test_agenda_shows_its_first_page_and_says_so(engine, monkeypatch):
    """The agenda reads a page, not every deadline of its weeks, and says it is one."""
    everything_due = Service(engine, Actor("mette", None), "da").agenda(AgendaScreen.WEEKS)
    monkeypatch.setattr(AgendaScreen, "SHOWN", 3)
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("a")
        await settle(pilot, AgendaScreen)
        table = pilot.app.screen.query_one(DataTable)
        assert [int(table.get_row_at(i)[3]) for i in range(table.row_count)] == [
            item.case for item in everything_due[:3]
        ]
        assert "de første 3" in pilot.app.screen.sub_title
    monkeypatch.setattr(AgendaScreen, "SHOWN", len(everything_due))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("a")
        await settle(pilot, AgendaScreen)
        assert pilot.app.screen.query_one(DataTable).row_count == len(everything_due)
        assert "første" not in pilot.app.screen.sub_title


async def test_processes_are_drawn(engine):
    async with app_for(engine, lang="en").run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        tree = pilot.app.screen.query_one("#process-tree")
        labels = [str(node.label) for node in tree.root.children]
        assert "Question to the Advisory Board" in str(tree.root.label)
        assert labels[1].startswith("1. Question received")
        steps = [node for node in tree.root.children if node.children]
        agenda = [str(leaf.label) for leaf in steps[1].children]
        assert any("on the date in «Board meeting (date)»" in leaf for leaf in agenda)
        assert any(
            "Record the discussion" in leaf and "Advisory Board secretariat" in leaf for leaf in agenda
        )


async def test_changes_made_elsewhere_appear_without_restart(engine, workdir):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        shown = len(table_ids(pilot.app))
        other = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
        other.new_case("frivillig", "Ny frivillig fra en kollega", {"navn": "Karen"})
        for _ in range(20):
            await pilot.pause(0.1)
            await pilot.app.workers.wait_for_complete()
            if len(table_ids(pilot.app)) == shown + 1:
                break
        assert len(table_ids(pilot.app)) == shown + 1


async def test_long_lists_load_page_by_page(workdir, monkeypatch):
    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    engine = open_engine(str(workdir / "many.db"), pm=make_plugin_manager(load_entrypoints=False))
    for i in range(450):
        engine.new_case("frivillig", f"Frivillig {i:03d}", {"navn": f"Person {i}"})
    # A full page does not say how many match: they are counted after it is shown.
    service = Service(engine, Actor("mette", None), "da")
    full = service.case_page(CaseFilter(text="person", limit=200))
    assert (len(full.rows), full.total, full.unfiltered) == (200, None, 450)
    assert service.count_cases(CaseFilter(text="person", limit=200, offset=200)) == 450
    last = service.case_page(CaseFilter(text="person", limit=200, offset=400))
    assert (len(last.rows), last.total) == (50, 450)
    assert service.case_page(CaseFilter(text="person 44", limit=200)).total == 11  # 44, 440-449
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        assert len(table_ids(pilot.app)) == 200
        assert static_text(pilot.app.screen.query_one("#status", Static)) == "450 sager"
        pilot.app.screen.show_counts(attrs.evolve(pilot.app.screen.page, total=None))  # while counting
        assert static_text(pilot.app.screen.query_one("#status", Static)) == "mindst 200 af 450 sager"
        await pilot.press("ctrl+end")
        await settle(pilot)
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert len(table_ids(pilot.app)) == 450
        assert len(set(table_ids(pilot.app))) == 450
        assert static_text(pilot.app.screen.query_one("#status", Static)) == "450 sager"


async def test_command_palette_reaches_the_main_screens(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Dagsorden")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, AgendaScreen)


async def test_a_locked_database_is_a_notification_and_the_form_keeps_its_input(engine, workdir):
    import sqlite3

    locked = open_engine(
        f"sqlite:{workdir / 'samskab.db'}?timeout=0.1", pm=make_plugin_manager(load_entrypoints=False)
    )
    case = next(c for c in locked.cases() if c.title.startswith("Spejderne"))
    async with app_for(locked).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await open_form(pilot, "afbryd", case.id)
        pilot.app.screen.query_one("#note", TextArea).text = "Organisationen trak sig"
        await pilot.press("ctrl+s")  # it closes the case: confirmed first
        await settle(pilot, ActionForm)
        other = sqlite3.connect(workdir / "samskab.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        assert "databasen er optaget" in static_text(pilot.app.screen.query_one("#refusal", Static))
        assert pilot.app.screen.query_one("#note", TextArea).text == "Organisationen trak sig"
        other.execute("ROLLBACK")
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
    assert engine.case(case.id).state == "ikke_indgaaet"


async def test_retry_an_incident_from_the_outbox(workdir, monkeypatch):
    from servers import Mailbox

    from samskab.tui.screens.outbox import OutboxScreen

    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    mailbox = Mailbox()
    (workdir / "samskab.toml").write_text(
        '[people.mette]\nemail = "mette@kommune.dk"\nroles = ["koordinator", "styregruppe", "drift"]\n'
        f'[channels.mail]\ntype = "smtp"\nhost = "127.0.0.1"\nport = {mailbox.port}\n'
        'sender = "samskab@kommune.dk"\ntimeout = 1\n[delivery]\nmax_attempts = 1\n'
    )
    engine = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    mette = Actor("mette", None)
    for title in ("Spejderne", "Lions"):
        case = engine.new_case("partnerskab", title, {"organisation": title}, mette)
        engine.advance(
            case.id, "udform_aftale", {"dialogmoede_dato": "2026-11-01", "deltagere": "Alle"}, actor=mette
        )
        engine.advance(
            case.id,
            "send_til_underskrift",
            {"kommunens_bidrag": "a", "organisationens_bidrag": "b", "tilskud": "1000", "faciliteter": "c"},
            actor=mette,
        )
    engine.tick()  # nobody listens: the messages become incidents at once
    incidents = engine.store.outbox()
    assert incidents and {m.status for m in incidents} == {"incident"}

    mailbox.start()
    try:
        async with app_for(engine).run_test(size=(120, 36)) as pilot:
            await settle(pilot, CasesScreen)
            await pilot.press("u")
            await settle(pilot, OutboxScreen)
            table = pilot.app.screen.query_one(DataTable)
            assert table.row_count == len(incidents)
            assert "HÆNDELSE" in str(table.get_row_at(0)[1])
            await pilot.press("t")
            await settle(pilot)
            await settle(pilot)
            assert table.row_count == len(incidents) - 1
    finally:
        mailbox.stop()
    first = engine.store.outbox_message(incidents[0].id)
    assert first.status == "sent" and len(mailbox.messages) == 1
    assert engine.store.outbox_log(first.id)[0][1:] == ("mette", "retry")


async def test_a_new_form_on_a_fresh_database_checks_values_as_they_are_typed(workdir, monkeypatch):
    """No case of the process exists yet: the form still checks what is typed."""
    monkeypatch.setenv("SAMSKAB_NOW", NOW)
    engine = open_engine(str(workdir / "fresh.db"), pm=make_plugin_manager(load_entrypoints=False))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_new_case_form(pilot, "partnerskab")
        pilot.app.screen.query_one("#case-title", Input).value = "Lions"
        email = pilot.app.screen.query_one("#field-kontakt_email", Input)
        email.value = "lions"
        await settle(pilot)
        assert not email.is_valid
        await pilot.press("ctrl+s")
        await settle(pilot, NewCaseScreen)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "'lions' er ikke en e-mailadresse" in refusal
        email.value = "lions@example.dk"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
    assert [(c.title, c.fields["kontakt_email"]) for c in engine.cases()] == [("Lions", "lions@example.dk")]


async def test_comment_and_correct_a_case_from_its_screen(engine):
    """A coordinator notes a phone call and corrects a wrong address, without moving the case."""
    from samskab.tui.screens.action_form import CommentForm, CorrectionForm

    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)

        await pilot.press("k")
        await settle(pilot, CommentForm)
        await pilot.press("ctrl+s")  # no comment: refused, said in Danish
        await settle(pilot, CommentForm)
        assert "en note er påkrævet" in static_text(pilot.app.screen.query_one("#refusal", Static))
        pilot.app.screen.query_one("#note", TextArea).text = "Ringede til formanden"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        assert "Ringede til formanden" in static_text(pilot.app.screen.query_one("#case-history", Static))

        await pilot.press("f")
        await settle(pilot, CorrectionForm)
        pilot.app.screen.query_one("#field-kontakt_email", Input).value = "ny@spejderne.dk"
        pilot.app.screen.query_one("#note", TextArea).text = "Ny formand"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        stored = engine.case(case.id)
        assert (stored.state, stored.fields["kontakt_email"]) == (case.state, "ny@spejderne.dk")
        history = static_text(pilot.app.screen.query_one("#case-history", Static))
        assert "felter rettet" in history and "→ ny@spejderne.dk" in history and "Ny formand" in history
        assert [e.kind for e in engine.store.history(case.id)][-2:] == ["comment", "correction"]


async def test_closed_cases_are_reachable_from_the_list(engine):
    closed = {c.id for c in engine.cases() if c.closed_at is not None}
    assert closed  # the demo has some
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        assert not closed & set(table_ids(pilot.app))
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("c")
        await settle(pilot)
        assert pilot.app.screen.query_one("#closed", Checkbox).value
        assert closed <= set(table_ids(pilot.app))
        await open_case(pilot, min(closed))
        assert "Sagen er afsluttet" in str(
            pilot.app.screen.query_one("#case-actions").get_option_at_index(0).prompt
        )


async def test_a_step_that_closes_the_case_is_confirmed_first(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await open_form(pilot, "afbryd")
        pilot.app.screen.query_one("#note", TextArea).text = "Foreningen trak sig"
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        assert "Dette afslutter sagen" in static_text(pilot.app.screen.query_one("#refusal", Static))
        assert engine.case(case.id).closed_at is None  # not yet
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        assert engine.case(case.id).closed_at is not None


async def test_leaving_a_filled_form_is_confirmed_first(engine):
    from samskab.tui.screens.action_form import CommentForm

    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await pilot.press("k")
        await settle(pilot, CommentForm)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot, CaseScreen)
        await pilot.press("k")
        await settle(pilot, CommentForm)
        pilot.app.screen.query_one("#note", TextArea).text = "Halvt skrevet"
        await pilot.press("escape")
        await settle(pilot, CommentForm)
        assert "ikke gemt" in static_text(pilot.app.screen.query_one("#refusal", Static))
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        assert [e.kind for e in engine.store.history(case.id)][-1] != "comment"


def notified(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def test_export_the_list_as_filtered_on_screen(engine, workdir):
    import stat

    import openpyxl
    from textual.widgets import RadioButton

    from samskab.tui.screens.export_dialog import ExportDialog

    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        pilot.app.screen.query_one("#process", Select).value = "frivillig"
        await settle(pilot)
        shown = table_ids(pilot.app)
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        assert pilot.app.screen.query_one("#export-path", Input).value == "sager-2026-11-23.xlsx"
        await pilot.press("ctrl+s")
        await settle(pilot, CasesScreen)
        written = workdir / "sager-2026-11-23.xlsx"
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        sheet = openpyxl.load_workbook(written).active
        assert [row[0].value for row in sheet.iter_rows(min_row=2)] == shown
        assert "Børneattest indhentet" in [cell.value for cell in sheet[1]]  # the process's fields
        assert f"Skrev {len(shown)} sag(er) til {written}" in notified(pilot.app)

        await pilot.press("slash", *"Amira", "escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        pilot.app.screen.query_one("#format-csv", RadioButton).value = True
        await settle(pilot)
        path = pilot.app.screen.query_one("#export-path", Input)
        assert path.value == "sager-2026-11-23.csv"
        path.value = "sager-2026-11-23.xlsx"  # the file written before
        await pilot.press("ctrl+s")
        await settle(pilot, ExportDialog)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "sager-2026-11-23.xlsx findes allerede" in refusal and "Eksportér igen" in refusal
        assert openpyxl.load_workbook(written).active.max_row == len(shown) + 1  # kept as it was
        await pilot.press("ctrl+s")  # asked twice: replaced
        await settle(pilot, CasesScreen)
    assert written.read_bytes().startswith("\ufeff".encode())  # now a CSV
    assert written.read_text(encoding="utf-8-sig").splitlines()[1].split(";")[1] == "Amira Hassan"


async def test_a_case_as_a_page_to_print_from_the_case_screen(engine, workdir):
    from samskab.tui.screens.export_dialog import ExportDialog

    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    (workdir / "udskrifter").mkdir()
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        path = pilot.app.screen.query_one("#export-path", Input)
        assert path.value == f"sag-{case.id}-2026-11-23.html"
        path.value = "mangler/sag.html"
        await pilot.press("ctrl+s")
        await settle(pilot, ExportDialog)
        assert "mappen mangler findes ikke" in static_text(pilot.app.screen.query_one("#refusal", Static))
        path.value = "udskrifter/sag.html"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
    page = (workdir / "udskrifter" / "sag.html").read_text(encoding="utf-8")
    assert "Spejderne" in page and "Til underskrift i styregruppen" in page and "<script" not in page


async def test_hand_over_a_case_from_its_screen(engine):
    """Mette hands the scouts' partnership to Jonas: the form offers who may own it, asks
    who and why, and the case screen says its new owner."""
    from samskab.tui.screens.action_form import HandoverForm

    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    assert case.owner == "mette"  # handed to her in the demo
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        assert "Ansvarlig: mette" in shown(pilot, "#case-head")
        await press_on(pilot, "h", HandoverForm)
        offered = [person.id for person in pilot.app.screen.owners]
        assert "jonas" in offered and "mette" not in offered  # not the owner she is already
        pilot.app.screen.query_one("#note", TextArea).text = "Mette er på kursus"
        await press_on(pilot, "ctrl+s", HandoverForm)  # no one chosen: asked for, nothing saved
        assert "Vælg den nye ansvarlige" in shown(pilot, "#refusal")
        pilot.app.screen.query_one("#owner", Select).value = "jonas"
        await press_on(pilot, "ctrl+s", CaseScreen)
        assert "Ansvarlig: jonas" in shown(pilot, "#case-head")
        history = shown(pilot, "#case-history")
        assert "mette: overdraget til jonas" in history and "Mette er på kursus" in history
    stored = engine.case(case.id)
    assert (stored.owner, stored.state, stored.revision) == ("jonas", case.state, case.revision + 1)
    assert engine.store.history(case.id)[-1].kind == "handover"


async def test_mine_shows_the_cases_i_own_in_the_list_and_the_agenda(engine):
    owned = {c.id for c in engine.cases(CaseFilter(owner="mette", open_only=True))}
    every = {c.id for c in engine.cases(CaseFilter(open_only=True))}
    assert owned and owned < every  # a part, not all
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("m")
        await settle(pilot)
        assert pilot.app.screen.query_one("#mine", Checkbox).value
        assert set(table_ids(pilot.app)) == owned

        await pilot.press("a")
        await settle(pilot, AgendaScreen)
        table = pilot.app.screen.query_one(DataTable)
        every_due = {int(str(key.value).split(":")[1]) for key in table.rows}
        await pilot.press("m")
        await settle(pilot)
        assert pilot.app.screen.query_one("#mine", Checkbox).value
        mine_due = {int(str(key.value).split(":")[1]) for key in table.rows}
        assert mine_due and mine_due < every_due and mine_due <= owned


async def test_a_new_case_is_mine_unless_i_choose_another_owner(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_new_case_form(pilot, "hoering")
        owner = pilot.app.screen.query_one("#case-owner", Select)
        assert owner.value == "mette"
        await pilot.press(*"Klimapolitik")
        pilot.app.screen.query_one("#field-dokument", Input).value = "Klimaplan 2030"
        owner.value = "karin"
        await press_on(pilot, "ctrl+s", CaseScreen)
        assert "Ansvarlig: karin" in shown(pilot, "#case-head")
    made = engine.cases()[-1]
    assert (made.title, made.owner) == ("Klimapolitik", "karin")
    assert engine.store.history(made.id)[0].actor == "mette"


async def test_a_step_with_several_deadlines_on_the_case_and_process_screens(engine):
    """A local forum's follow-up has a yearly dialogue meeting and an evaluation: the case
    screen says which is which, and that the meeting comes again; the process screen says
    both in Danish."""
    forum = next(c for c in engine.cases() if c.title == "Svinninge: lokal festuge")
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, forum.id)
        shown = static_text(pilot.app.screen.query_one("#case-deadlines", Static))
        assert "8.11.2027  Årligt dialogmøde" in shown
        assert "↻ hvert år efter datoen i «Dialogmøde (dato)»" in shown
        assert "13.11.2026  Evaluering inden næste byrådsperiode  (10 dage for sent)" in shown
        history = static_text(pilot.app.screen.query_one("#case-history", Static))
        assert "Årligt dialogmøde: fristen er overskredet (8.11.2026)" in " ".join(history.split())
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        choose(pilot.app.screen.query_one("#process-list", OptionList), "lokalforum")
        await settle(pilot, ProcessesScreen)
        tree = pilot.app.screen.query_one("#process-tree")
        leaves = [str(leaf.label) for step in tree.root.children for leaf in step.children]
        assert any(
            "Frist: Årligt dialogmøde: hvert år efter datoen i «Dialogmøde (dato)»; påmindelse 1 måned før"
            in leaf
            for leaf in leaves
        )
        assert any(
            "Frist: Evaluering inden næste byrådsperiode: på datoen i «Evalueres senest»" in leaf
            for leaf in leaves
        )
