"""Sub-cases and links in the terminal UI, driven by Textual's Pilot on the demo: the case
screen lists a standing local forum's dialogues and opens one, a new dialogue is opened
from the forum's form, and a case is linked to another by hand; all in Danish."""

from pilot import app_for, open_form, press_on, settle, shown
from rich.text import Text
from test_tui_danish import assert_danish
from textual.widgets import Input, OptionList, Select, TextArea, Tree

from samskab.tui.screens.action_form import LinkForm
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.processes import ProcessesScreen


def titled(engine, title: str):
    return next(c for c in engine.cases() if c.title == title)


def related(pilot) -> list[str]:
    """The case screen's related cases, as the list shows them."""
    options = pilot.app.screen.query_one("#case-related", OptionList)
    return [
        Text.from_markup(str(options.get_option_at_index(i).prompt)).plain
        for i in range(options.option_count)
    ]


async def test_the_case_screen_lists_the_sub_cases_and_opens_one(engine):
    forum = titled(engine, "Lokalforum Tølløse")
    done, open_ = engine.sub_cases(forum.id)
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        pilot.app.push_screen(CaseScreen(forum.id))
        await settle(pilot, CaseScreen)
        listed = related(pilot)
        assert (
            listed[0].startswith(f"Delsag {done.id}: Tølløse: festplads ved søen") and "✓ Afvist" in listed[0]
        )
        assert (
            listed[1].startswith(f"Delsag {open_.id}: Tølløse: trafik på Hovedgaden") and "✓" not in listed[1]
        )
        actions = pilot.app.screen.query_one("#case-actions", OptionList)
        waiting = actions.get_option("nedlaeg")
        assert (
            waiting.disabled
            and "venter på delsager: 1 af 2 afsluttet" in Text.from_markup(str(waiting.prompt)).plain
        )
        assert_danish(pilot.app, "a case with sub-cases")

        await pilot.press("o", "down", "enter")
        await settle(pilot, CaseScreen)
        assert pilot.app.screen.case_id == open_.id
        assert related(pilot)[0].startswith(f"Del af sag {forum.id}: Lokalforum Tølløse")
        assert "oprettet som del af sag" in shown(pilot, "#case-history")
        await pilot.press("o", "enter")
        await settle(pilot, CaseScreen)
        assert pilot.app.screen.case_id == forum.id


async def test_a_new_dialogue_from_the_forum_is_its_new_sub_case(engine):
    forum = titled(engine, "Lokalforum Tølløse")
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_form(pilot, "ny_dialog", forum.id)
        subject = pilot.app.screen.query_one("#field-emne", Input)
        assert subject.value == ""  # the action clears it: the last dialogue's subject is not offered
        subject.value = "skolens legeplads"
        pilot.app.screen.query_one("#field-henvendelse", TextArea).text = "Legepladsen er nedslidt"
        await press_on(pilot, "ctrl+s", CaseScreen)
        assert len(related(pilot)) == 3 and "Tølløse: skolens legeplads" in related(pilot)[2]
    newest = engine.sub_cases(forum.id)[-1]
    assert (newest.title, newest.process_id, newest.state) == (
        "Tølløse: skolens legeplads",
        "lokalforum",
        "henvendelse",
    )
    assert (
        newest.fields["henvendelse"] == "Legepladsen er nedslidt"
        and newest.fields["lokalomraade"] == "Tølløse"
    )


async def test_link_a_case_to_another_from_its_screen(engine):
    """A dialogue opened before the forum was a case is made part of it, by hand."""
    forum = titled(engine, "Lokalforum Tølløse")
    dialogue = titled(engine, "Tølløse: ny legeplads ved hallen")
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        pilot.app.push_screen(CaseScreen(dialogue.id))
        await settle(pilot, CaseScreen)
        assert not pilot.app.screen.query_one("#case-related", OptionList).display
        await press_on(pilot, "t", LinkForm)
        await press_on(pilot, "ctrl+s", LinkForm)
        refusal = shown(pilot, "#refusal")
        assert "Vælg, hvordan sagen tilknyttes" in refusal and "Skriv den anden sags nummer" in refusal
        assert_danish(pilot.app, "the link form, refused")
        kinds = pilot.app.screen.query_one("#kind", Select)
        kinds.value = "del_af"
        pilot.app.screen.query_one("#other", Input).value = str(dialogue.id)
        await press_on(pilot, "ctrl+s", LinkForm)  # to itself: the engine's reason, nothing saved
        assert "en sag kan ikke tilknyttes sig selv" in shown(pilot, "#refusal")
        pilot.app.screen.query_one("#other", Input).value = str(forum.id)
        pilot.app.screen.query_one("#note", TextArea).text = "Henvendelsen kom fra forummet"
        await press_on(pilot, "ctrl+s", CaseScreen)
        assert related(pilot)[0].startswith(f"Del af sag {forum.id}: Lokalforum Tølløse")
        assert "tilknyttet: del af sag" in shown(pilot, "#case-history")
    assert engine.parent_of(dialogue.id) == forum.id
    assert dialogue.id in [c.id for c in engine.sub_cases(forum.id)]


async def test_the_process_screen_says_what_an_action_opens(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        processes = pilot.app.screen.query_one("#process-list", OptionList)
        processes.highlighted = next(
            i for i in range(processes.option_count) if processes.get_option_at_index(i).id == "forum"
        )
        await settle(pilot)
        tree = pilot.app.screen.query_one("#process-tree", Tree)
        leaves = [
            Text.from_markup(str(leaf.label)).plain for node in tree.root.children for leaf in node.children
        ]
        assert (
            "   + opretter 1 sag(er) af typen Dialog med lokalforum, hver del af denne; kopierer"
            in "\n".join(leaves)
        )
