"""SVG snapshots of the main screens on the demo data with a fixed clock.

After an intended change of the look: pytest tests/test_tui_snapshots.py --snapshot-update
"""

import pytest

from samskab.engine import demo
from samskab.engine.config import Actor
from samskab.engine.core import open_engine
from samskab.engine.plugins import make_plugin_manager
from samskab.engine.service import Service
from samskab.tui.app import SamskabApp


@pytest.fixture
def app(workdir, monkeypatch):
    monkeypatch.setenv("SAMSKAB_NOW", "2026-11-23T08:00")
    engine = open_engine(str(workdir / "samskab.db"), pm=make_plugin_manager(load_entrypoints=False))
    demo.build(engine)
    return SamskabApp(Service(engine, Actor("mette", None), "da"), refresh_seconds=3600)


async def wait(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def after(*keys: str):
    """What to do before the snapshot: wait for the data, press ``keys``, wait again."""

    async def pressing(pilot):
        await wait(pilot)
        await pilot.press(*keys)
        await wait(pilot)

    return pressing


def test_cases_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=wait)


def test_cases_screen_at_80_columns(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait)


def test_case_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("enter"))


def test_action_form(snap_compare, app):
    async def open_form(pilot):
        await after("enter")(pilot)
        await pilot.press("down", "enter")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_form)


def test_agenda(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("a"))


def test_processes(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=after("p"))


def test_case_screen_at_80_columns_actions_that_close_the_case_last(snap_compare, app):
    async def open_meetings(pilot):
        await wait(pilot)
        pilot.app.open_case(12)
        await wait(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_meetings)


def test_cases_screen_with_a_process_fields_as_columns(snap_compare, app):
    async def columns(pilot):
        await wait(pilot)
        pilot.app.screen.query_one("#process").value = "partnerskab"
        await after("v")(pilot)
        pilot.app.screen.query_one("#columns").select("tilskud")
        await pilot.press("ctrl+s")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=columns)


def test_help_at_80_columns(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=after("question_mark"))
