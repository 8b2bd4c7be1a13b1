"""Driving the terminal UI in tests: the app on a database, waiting for its workers,
opening forms and choosing options as a person would with the keys."""

from textual.widgets import DataTable, OptionList, Static

from samskab.engine.config import Actor
from samskab.engine.service import Service
from samskab.tui.app import SamskabApp
from samskab.tui.screens.action_form import ActionForm
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen

NOW = "2026-11-23T08:00"


def app_for(engine, lang="da"):
    return SamskabApp(Service(engine, Actor("mette", None), lang), refresh_seconds=0.2)


async def settle(pilot, screen_type=None):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    if screen_type is not None:
        assert isinstance(pilot.app.screen, screen_type), pilot.app.screen


def table_ids(app) -> list[int]:
    table = app.screen.query_one(DataTable)
    return [int(key.value) for key in table.rows]


def static_text(widget: Static) -> str:
    return str(widget.render())


def shown(pilot, selector: str) -> str:
    """What a Static on the screen on top says."""
    return static_text(pilot.app.screen.query_one(selector, Static))


async def press_on(pilot, key: str, screen_type) -> None:
    """Press ``key`` and wait until it has done its work, ``screen_type`` on top."""
    await pilot.press(key)
    await settle(pilot, screen_type)


async def open_case(pilot, case_id: int) -> None:
    """Open a case from the case list, as a coordinator does: the cursor on its row, enter."""
    await settle(pilot, CasesScreen)
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(str(case_id)))
    await pilot.press("enter")
    await settle(pilot, CaseScreen)


async def open_form(pilot, action_id: str, case_id: int | None = None) -> None:
    """Open the form of an action, from the case on screen or, given its id, from that case."""
    if case_id is not None:
        pilot.app.push_screen(CaseScreen(case_id))
        await settle(pilot, CaseScreen)
    choose(pilot.app.screen.query_one("#case-actions", OptionList), action_id)
    await pilot.press("enter")
    await settle(pilot, ActionForm)


async def open_new_case_form(pilot, process_id: str) -> None:
    """From the case list: a new case (n) of this process, its form open."""
    from samskab.tui.screens.new_case import NewCaseScreen

    await settle(pilot, CasesScreen)
    await pilot.press("n")
    await settle(pilot, NewCaseScreen)
    choose(pilot.app.screen.query_one("#process-list", OptionList), process_id)
    await pilot.press("enter")
    await settle(pilot, NewCaseScreen)


def choose(options: OptionList, option_id: str) -> None:
    """Highlight the option with this id, as the arrow keys would."""
    options.highlighted = next(
        i for i in range(options.option_count) if options.get_option_at_index(i).id == option_id
    )
