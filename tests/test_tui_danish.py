"""The Danish terminal UI says everything in Danish: a walk through every screen (the
case list, empty and with a process's columns, a case and its actions, an action's form
and its refusal, exporting, a new case, the agenda, the outbox, every process and a
process file samskab does not use, the command palette, the help) reads each screen as
the coordinator sees it."""

import html
import re

import pytest
from pilot import app_for, open_case, open_form, open_new_case_form, press_on, settle
from textual.widgets import DataTable, Input, OptionList, Select, SelectionList

from samskab.engine import messages
from samskab.tui.screens.action_form import ActionForm, HandoverForm
from samskab.tui.screens.agenda import AgendaScreen
from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen
from samskab.tui.screens.columns import ColumnsDialog
from samskab.tui.screens.dashboard import DashboardScreen, ReportCasesScreen
from samskab.tui.screens.document_forms import AttachForm, SaveDialog
from samskab.tui.screens.export_dialog import ExportDialog
from samskab.tui.screens.help import HelpScreen
from samskab.tui.screens.new_case import NewCaseScreen
from samskab.tui.screens.outbox import OutboxScreen
from samskab.tui.screens.processes import ProcessesScreen

NOT_DANISH = {
    "a field id": r"\b[a-z]+_[a-z0-9_]+\b",
    "a command-line flag": r"(?<![\w-])--[a-z]",
    "an ISO 8601 duration": r"\bP(T?\d+[YMWDH])+\b",
    "an ISO 8601 time": r"\d{4}-\d{2}-\d{2}T\d",
    "a backtick": r"`",
    "an English word": r"\b(the|and|is|not|Select|Search|Back|Refresh|Quit|Cancel|deadline|reminder|"
    r"required|cannot|palette|Theme|Keys|Screenshot|Minimize|Maximize|days|Case|Step|Title|"
    r"found|Help|Close|Save|Columns|line|Before)\b",
}


class Untranslated(dict):
    """The catalogue, noting every text asked for in Danish that it does not hold."""

    def __init__(self, catalogue):
        super().__init__(catalogue)
        self.missing = set()

    def __contains__(self, key):
        found = super().__contains__(key)
        if not found:
            self.missing.add(key)
        return found


@pytest.fixture
def untranslated(monkeypatch):
    catalogue = Untranslated(messages.DANISH)
    monkeypatch.setattr(messages, "DANISH", catalogue)
    return catalogue.missing


def screen_text(app) -> str:
    """The screen as characters, line by line, as the terminal shows it."""
    svg = app.export_screenshot()
    lines = re.findall(r"<text [^>]*>(.*?)</text>", svg)
    return html.unescape("".join(lines)).replace("\xa0", " ")


def assert_danish(app, where: str) -> None:
    text = screen_text(app)
    for what, pattern in NOT_DANISH.items():
        found = re.search(pattern, text)
        assert found is None, f"{where}: {what} on screen: {found.group(0)!r}\n{text}"


async def press(pilot, key: str, screen, where: str) -> None:
    """Press ``key``, wait for ``screen``, and read it: all Danish."""
    await press_on(pilot, key, screen)
    assert_danish(pilot.app, where)


async def test_every_screen_speaks_danish(engine, untranslated):
    case = next(c for c in engine.cases() if c.title.startswith("Spejderne"))
    meetings = next(c for c in engine.cases() if c.title.startswith("Ældreområdet"))
    async with app_for(engine, lang="da").run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        assert_danish(pilot.app, "the case list")
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        assert_danish(pilot.app, "exporting the list")
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
        pilot.app.screen.query_one("#search", Input).value = "ingen sag hedder sådan"
        await settle(pilot)
        assert_danish(pilot.app, "an empty case list")
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("x")
        pilot.app.screen.query_one("#process", Select).value = "partnerskab"
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot, ColumnsDialog)
        assert_danish(pilot.app, "the columns dialog")
        pilot.app.screen.query_one(SelectionList).select("tilskud")
        await pilot.press("ctrl+s")
        await settle(pilot, CasesScreen)
        await pilot.press("s")
        await settle(pilot)
        assert_danish(pilot.app, "the case list with a process's columns")
        await pilot.press("question_mark")
        await settle(pilot, HelpScreen)
        assert_danish(pilot.app, "the help")
        await pilot.press("escape")
        await settle(pilot, CasesScreen)
        await pilot.press("x")

        await open_case(pilot, meetings.id)
        await pilot.press("down")
        await pilot.pause()
        assert_danish(pilot.app, "actions that close the case, below the line")
        await open_form(pilot, "registrer_moede")
        assert_danish(pilot.app, "a long text with what it said before")
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        await pilot.press("escape")
        await settle(pilot, CasesScreen)

        await open_form(pilot, "underskriv", case.id)
        assert_danish(pilot.app, "an action's form")
        await press(pilot, "ctrl+s", ActionForm, "a refusal")
        await pilot.press(*"31.2.2026")
        await press(pilot, "ctrl+s", ActionForm, "a value that does not parse")
        await press(pilot, "escape", ActionForm, "leaving a form with something typed")
        await press(pilot, "escape", CaseScreen, "a case")
        await press(pilot, "h", HandoverForm, "the handover form")
        await press(pilot, "ctrl+s", HandoverForm, "a handover with no one chosen")
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        await press(pilot, "e", ExportDialog, "a case to print")
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        await press(pilot, "v", AttachForm, "attaching a document")
        pilot.app.screen.query_one("#path", Input).value = "findes-ikke.pdf"
        await press(pilot, "ctrl+s", AttachForm, "a file that cannot be attached")
        await pilot.press("escape", "escape")
        await settle(pilot, CaseScreen)
        await press(pilot, "g", SaveDialog, "saving a document")
        await pilot.press("escape")
        await settle(pilot, CaseScreen)
        await pilot.press("escape")
        await settle(pilot, CasesScreen)

        await open_new_case_form(pilot, "borgerinitiativ")
        await pilot.press("ctrl+s")
        await settle(pilot, NewCaseScreen)
        assert_danish(pilot.app, "a new case refused")
        await pilot.press(*"Cykelværksted", "escape")
        await settle(pilot, NewCaseScreen)
        assert_danish(pilot.app, "leaving a new case with something typed")
        await pilot.press("escape")
        await settle(pilot, CasesScreen)

        for key, screen in (("a", AgendaScreen), ("u", OutboxScreen)):
            await pilot.press(key)
            await settle(pilot, screen)
            assert_danish(pilot.app, screen.__name__)
            await pilot.press("escape")
            await settle(pilot, CasesScreen)

        await pilot.press("d")
        await settle(pilot, DashboardScreen)
        for page in range(pilot.app.screen.query_one(DataTable).row_count // 20 + 1):
            assert_danish(pilot.app, f"the dashboard, page {page + 1}")
            await pilot.press("pagedown")
            await settle(pilot, DashboardScreen)
        await pilot.press("up", "enter")
        await settle(pilot, ReportCasesScreen)
        assert_danish(pilot.app, "the cases behind a number")
        await pilot.press("escape", "escape")
        await settle(pilot, CasesScreen)

        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        processes = pilot.app.screen.query_one("#process-list", OptionList)
        for index in range(processes.option_count):
            processes.highlighted = index
            await settle(pilot)
            assert_danish(pilot.app, f"process {processes.get_option_at_index(index).id}")
        await pilot.press("escape")
        await settle(pilot, CasesScreen)

        await pilot.press("ctrl+p")
        await settle(pilot)
        assert_danish(pilot.app, "the command palette")
        await pilot.press(*"spejd")
        await pilot.pause(0.5)
        assert_danish(pilot.app, "cases found in the command palette")
        await pilot.press(*"xyzzy")
        await pilot.pause(1.0)
        assert "Intet fundet" in screen_text(pilot.app)
        assert_danish(pilot.app, "nothing found in the command palette")
    assert untranslated == set()


async def test_a_process_file_samskab_does_not_use_is_explained_in_danish(changed_in_place, untranslated):
    engine = changed_in_place
    async with app_for(engine, lang="da").run_test(size=(80, 24)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("p")
        await settle(pilot, ProcessesScreen)
        processes = pilot.app.screen.query_one("#process-list", OptionList)
        processes.highlighted = processes.option_count - 1
        await settle(pilot)
        assert "mine/lokal.toml" in screen_text(pilot.app)
        assert_danish(pilot.app, "a process file samskab does not use")
    assert untranslated == set()
