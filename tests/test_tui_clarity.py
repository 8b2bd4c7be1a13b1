"""The terminal UI says clearly what it shows and keeps a coordinator from slips: the
case list's chosen columns (kept for next time), sorting and counts; an empty list that says why; actions
that close a case not reached by accident; cursors that stay; long texts not merged;
who acts; the outbox without a channel; the palette's case search; the help; process
files samskab does not use. Driven by Textual's Pilot on a real database file."""

import pytest
from pilot import app_for, choose, open_case, open_form, settle, static_text, table_ids
from textual.widgets import DataTable, Input, OptionList, Select, SelectionList, Static, TextArea

from samskab.engine import settings
from samskab.engine.config import Actor
from samskab.engine.core import open_engine
from samskab.engine.errors import BadInput
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.readmodels import CaseFilter
from samskab.engine.service import Service
from samskab.tui.screens.action_form import ActionForm, CommentForm
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen
from samskab.tui.screens.columns import ColumnsDialog
from samskab.tui.screens.help import HelpScreen
from samskab.tui.screens.new_case import NewCaseScreen
from samskab.tui.screens.outbox import OutboxScreen
from samskab.tui.screens.processes import ProcessesScreen
from samskab.tui.widgets.case_table import fit_widths


def headings(app) -> list[str]:
    return [str(column.label) for column in app.screen.query_one(DataTable).columns.values()]


def column(app, key: str) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(cell) for cell in table.get_column(key)]


async def test_a_process_fields_as_columns_sorted_by_keyboard(engine, workdir):
    partnerships = engine.store.count_cases(CaseFilter(process_id="partnerskab", open_only=True))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("v")  # no process chosen: the columns are one process's fields
        await settle(pilot, CasesScreen)
        pilot.app.screen.query_one("#process", Select).value = "partnerskab"
        await settle(pilot)
        assert "Proces" not in headings(pilot.app)  # one process: its name would repeat

        await pilot.press("v")
        await settle(pilot, ColumnsDialog)
        fields = pilot.app.screen.query_one(SelectionList)
        fields.select("tilskud")
        fields.select("underskrevet_dato")
        await pilot.press("ctrl+s")
        await settle(pilot, CasesScreen)
        keys = [str(key.value) for key in pilot.app.screen.query_one(DataTable).columns]
        assert keys[3:5] == ["field:tilskud", "field:underskrevet_dato"]
        assert headings(pilot.app)[3] == "Årligt tilskud (kr.)"  # cut (…) only where there is no room
        assert "30.000,00 kr." in column(pilot.app, "field:tilskud")
        assert "27.4.2024" in column(pilot.app, "field:underskrevet_dato")

        for _ in range(4):  # s: the next column to sort by, from the deadline on
            await pilot.press("s")
            await settle(pilot)
            if "▲" in headings(pilot.app)[3]:
                break
        assert headings(pilot.app)[3].startswith("Årligt tilskud") and headings(pilot.app)[3].endswith(" ▲")
        amounts = column(pilot.app, "field:tilskud")
        assert amounts[:3] == ["25.000,00 kr.", "30.000,00 kr.", "40.000,00 kr."]  # by amount, not by letter
        assert amounts[-1] == "" and len(amounts) == partnerships  # no subsidy yet: last
        await pilot.press("S")
        await settle(pilot)
        assert headings(pilot.app)[3].endswith(" ▼")
        assert column(pilot.app, "field:tilskud")[0] == "120.000,00 kr."

        # The choice is kept for the process while the app runs.
        pilot.app.screen.query_one("#process", Select).value = "frivillig"
        await settle(pilot)
        assert not any(
            str(key.value).startswith("field:") for key in pilot.app.screen.query_one(DataTable).columns
        )
        assert headings(pilot.app)[-1] == "Frist ▲"  # its sort column went with it
        pilot.app.screen.query_one("#process", Select).value = "partnerskab"
        await settle(pilot)
        assert "Årligt tilskud (kr.)" in headings(pilot.app)

    # And the next time samskab runs, from the person's own settings file (owner-only).
    kept = workdir / "settings" / "samskab" / "settings.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        pilot.app.screen.query_one("#process", Select).value = "partnerskab"
        await settle(pilot)
        keys = [str(key.value) for key in pilot.app.screen.query_one(DataTable).columns]
        assert keys[3:5] == ["field:tilskud", "field:underskrevet_dato"]


async def test_counts_and_an_empty_list_say_which_filter_hides_the_cases(engine):
    active = engine.store.count_cases(CaseFilter(open_only=True))
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        screen = pilot.app.screen
        status = screen.query_one("#status", Static)
        assert static_text(status) == f"{active} sager"
        screen.query_one("#search", Input).value = "Amira"
        await settle(pilot)
        assert static_text(status) == f"1 af {active} sager"

        screen.query_one("#search", Input).value = "ingen sag hedder sådan"
        await settle(pilot)
        screen.query_one(DataTable).focus()
        await pilot.press("o")
        await settle(pilot)
        empty = static_text(screen.query_one("#empty", Static))
        assert empty == (
            f"Ingen sager: filtrene «Søg: ingen sag hedder sådan», «Overskredne» skjuler {active} sager. "
            "Tryk x for at rydde dem."
        )
        assert screen.query_one("#empty").display and screen.query_one(DataTable).has_focus
        await pilot.press("x")
        await settle(pilot)
        assert len(table_ids(pilot.app)) == active and static_text(status) == f"{active} sager"
        assert not screen.query_one("#empty").display
        assert screen.query_one("#search", Input).value == ""


async def test_arrows_do_not_carry_the_cursor_onto_an_action_that_closes_the_case(engine):
    """Møder holdes: record a meeting (can be taken), hand over the proposal (greyed: too
    few meetings), then, below the line, disband the group (closes the case)."""
    case = next(c for c in engine.cases() if c.title.startswith("Ældreområdet"))
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await open_case(pilot, case.id)
        actions = pilot.app.screen.query_one("#case-actions", OptionList)
        ids = [actions.get_option_at_index(i).id for i in range(actions.option_count)]
        assert ids == ["registrer_moede", "aflever_udspil", None, "nedlaeg"]
        assert actions.highlighted == 0
        await pilot.press("up")  # no wrapping round to the last one
        assert actions.highlighted == 0
        await pilot.press("down")  # past the greyed one and the line: not at once
        await pilot.pause()
        assert actions.highlighted == 0
        await pilot.press("down")  # asked twice: there
        assert actions.get_option_at_index(actions.highlighted).id == "nedlaeg"
        await pilot.press("up")
        assert actions.highlighted == 0
        await pilot.press("end")
        assert actions.highlighted == 0


async def test_the_cursor_stays_where_it_was_after_a_form(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        actions = pilot.app.screen.query_one("#case-actions", OptionList)
        choose(actions, "underskriv")
        await pilot.press("enter")
        await settle(pilot, ActionForm)
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        assert actions.get_option_at_index(actions.highlighted).id == "underskriv"
        await pilot.press("k")
        await settle(pilot, CommentForm)
        pilot.app.screen.query_one("#note", TextArea).text = "Ringede til formanden"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        assert actions.get_option_at_index(actions.highlighted).id == "underskriv"

        # Signing moves the case far down the list (its next deadline is years away):
        # back on the list, the cursor is on it still.
        await open_form(pilot, "underskriv")
        await pilot.press(*"20.11.2026", "tab", *"Borgmesteren", "ctrl+s")
        await settle(pilot, CaseScreen)
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
        table = pilot.app.screen.query_one(DataTable)
        assert table.cursor_row > 0 and table_ids(pilot.app)[table.cursor_row] == case.id


async def test_a_refusal_at_the_foot_of_a_long_form_is_scrolled_into_view(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Idrætsforeningen"))
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await open_case(pilot, case.id)
        await open_form(pilot, "send_til_underskrift")
        form = pilot.app.screen.query_one("#form")
        refusal = pilot.app.screen.query_one("#refusal", Static)
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        assert "disse felter skal udfyldes" in static_text(refusal)
        assert form.scroll_y > 0 and form.content_region.contains_region(refusal.region)
        # Back at the top, two values that do not parse: a longer refusal, in view whole.
        pilot.app.screen.query_one("#field-kontakt_email", Input).focus()
        await settle(pilot)
        assert not form.content_region.contains_region(refusal.region)
        pilot.app.screen.query_one("#field-kontakt_email", Input).value = "spejderne"
        pilot.app.screen.query_one("#field-tilskud", Input).value = "mange penge"
        await pilot.press("ctrl+s")
        await settle(pilot, ActionForm)
        assert "er ikke et beløb i kroner" in static_text(refusal)
        assert form.content_region.contains_region(refusal.region)
        assert "ctrl+s" in [key.key_display for key in pilot.app.screen.query("FooterKey")]


async def test_a_long_text_starts_empty_with_what_it_said_before_above_it(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Ældreområdet"))
    before = engine.case(case.id).fields["referat"]
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await open_form(pilot, "registrer_moede")
        minutes = pilot.app.screen.query_one("#field-referat", TextArea)
        assert minutes.text == ""
        assert before in static_text(pilot.app.screen.query_one(".field-before", Static))
        assert (
            pilot.app.screen.query_one("#field-seneste_moede", Input).value == "18.9.2026"
        )  # as it is written
        minutes.text = "Møde 3: økonomien gennemgået."
        pilot.app.screen.query_one("#field-seneste_moede", Input).value = "20.11.2026"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
    stored = engine.case(case.id).fields
    assert (stored["referat"], stored["seneste_moede"]) == ("Møde 3: økonomien gennemgået.", "2026-11-20")


async def test_the_new_case_screen_asks_before_leaving_what_was_typed(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("n")
        await settle(pilot, NewCaseScreen)
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot, CasesScreen)
        await pilot.press("n")
        await settle(pilot, NewCaseScreen)
        choose(pilot.app.screen.query_one("#process-list", OptionList), "frivillig")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Karen")
        await pilot.press("escape")
        await settle(pilot, NewCaseScreen)
        assert "ikke gemt" in static_text(pilot.app.screen.query_one("#refusal", Static))
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
    assert not any(c.title == "Karen" for c in engine.cases())


async def test_the_header_says_who_acts_with_which_roles(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        assert pilot.app.title == "samskab · mette (alle roller)"
    Service(engine, Actor("mette", None)).add_person("mette", name="Mette Hansen", roles=("koordinator",))
    async with app_for(engine, lang="en").run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        assert pilot.app.title == "samskab · Mette Hansen (koordinator, administrator)"


async def test_the_outbox_says_when_no_channel_is_set_up(engine, workdir):
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("u")
        await settle(pilot, OutboxScreen)
        said = static_text(pilot.app.screen.query_one("#outbox-channels", Static))
        assert said.startswith("Ingen kanal er sat op") and "sender intet" in said
    (workdir / "samskab.toml").write_text(f'[channels.journal]\ntype = "log"\npath = "{workdir / "log"}"\n')
    logged = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    async with app_for(logged).run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("u")
        await settle(pilot, OutboxScreen)
        assert (
            static_text(pilot.app.screen.query_one("#outbox-channels", Static)) == "Sendes via: journal (log)"
        )


async def test_the_palette_finds_cases_by_title_and_number(engine):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        for typed in ("spejderne", f"sag {case.id}"):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*typed)
            await pilot.pause(0.5)
            await pilot.press("enter")
            await settle(pilot, CaseScreen)
            assert pilot.app.screen.case_id == case.id
            await pilot.press("escape")
            await settle(pilot, CasesScreen)

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"xyzzy")
        await pilot.pause(1.0)
        results = pilot.app.screen.query_one("CommandList", OptionList)
        assert [
            str(results.get_option_at_index(i).prompt.renderable) for i in range(results.option_count)
        ] == ["Intet fundet"]


async def test_the_help_lists_each_screens_keys_from_its_bindings(engine):
    async with app_for(engine, lang="en").run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("question_mark")
        await settle(pilot, HelpScreen)
        sections = [static_text(s) for s in pilot.app.screen.query(".section-title").results(Static)]
        assert sections[0] == "Cases" and sections[-1] == "Everywhere"
        keys = "\n".join(static_text(s) for s in pilot.app.screen.query(".help-keys").results(Static))
        for binding in CasesScreen.BINDINGS:  # what the screen binds, the help says
            assert binding.description in keys
        assert "? / f1  Help" in keys
        assert "x    Clear the filters" in keys and "ctrl+p  Search for commands and cases" in keys
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
        await pilot.press("enter")
        await settle(pilot, CaseScreen)
        await pilot.press("f1")
        await settle(pilot, HelpScreen)
        assert static_text(pilot.app.screen.query(".section-title").results(Static).__next__()) == "Case"


async def test_a_process_file_changed_without_a_new_version_is_shown_with_the_reason(changed_in_place):
    engine = changed_in_place
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        processes = pilot.app.screen.query_one("#process-list", OptionList)
        last = processes.get_option_at_index(processes.option_count - 1)
        assert "⚠" in str(last.prompt) and str(last.prompt).endswith(" lokal.toml")
        processes.highlighted = processes.option_count - 1
        await settle(pilot)
        said = static_text(pilot.app.screen.query_one("#file-problems", Static))
        assert "samskab bruger ikke denne fil" in said
        assert "processen «lokal» er ændret, siden version 1 blev taget i brug" in said
        assert "sæt «version = 2»; igangværende sager bliver på version 1" in said


def test_columns_fit_the_room_cutting_the_longest_first():
    wants = {"title": 30, "process": 38, "state": 12}
    assert fit_widths(wants, 100, widest="title") == {"title": 50, "process": 38, "state": 12}
    assert fit_widths(wants, 60, widest="title") == {"state": 12, "title": 24, "process": 24}
    assert fit_widths(wants, 12, widest="title") == {"state": 6, "title": 6, "process": 6}


def test_find_cases_by_number_then_by_title(engine):
    service = Service(engine, Actor("mette", None))
    spejderne = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    assert [c.id for c in service.find_cases(f"#{spejderne.id}")][:1] == [spejderne.id]
    assert next(c.title for c in service.find_cases("spejderne")) == spejderne.title
    assert service.find_cases("") == ()
    assert len(service.find_cases("a", limit=3)) == 3


def test_the_settings_file_keeps_columns_and_one_that_does_not_read_is_as_none(engine):
    service = Service(engine, Actor("mette", None))
    file = settings.path()
    file.parent.mkdir(parents=True)
    file.write_text("not JSON")
    assert service.list_columns() == {}
    assert service.keep_list_columns("frivillig", ("navn",)) == ("navn",)
    assert service.list_columns() == {"frivillig": ("navn",)}
    with pytest.raises(BadInput):
        service.keep_list_columns("frivillig", ("tilskud",))
    file.write_text('{"columns": {"a": "x", "b": ["y", 1], "c": ["z"]}}')
    assert service.list_columns() == {"c": ("z",)}


def test_each_person_served_from_one_account_keeps_columns_of_their_own(engine):
    """samskab serve runs every session as one account: each person's columns are theirs."""
    admin = Service(engine, Actor("mette", None))
    anna, bo = (admin.acting_as(who).in_a_browser() for who in ("anna", "bo"))
    assert admin.keep_list_columns("frivillig", ("navn",)) == ("navn",)
    assert anna.list_columns() == bo.list_columns() == {}
    anna.keep_list_columns("frivillig", ("email",))
    bo.keep_list_columns("partnerskab", ("organisation",))
    assert anna.list_columns() == {"frivillig": ("email",)}
    assert bo.list_columns() == {"partnerskab": ("organisation",)}
    assert admin.list_columns() == {"frivillig": ("navn",)}
    assert oct(settings.path().stat().st_mode & 0o777) == "0o600"
