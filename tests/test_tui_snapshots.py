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


def test_cases_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=(120, 36), run_before=wait)


def test_cases_screen_at_80_columns(snap_compare, app):
    assert snap_compare(app, terminal_size=(80, 24), run_before=wait)


def test_case_screen(snap_compare, app):
    async def open_first(pilot):
        await wait(pilot)
        await pilot.press("enter")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_first)


def test_action_form(snap_compare, app):
    async def open_form(pilot):
        await wait(pilot)
        await pilot.press("enter")
        await wait(pilot)
        await pilot.press("down", "enter")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_form)


def test_agenda(snap_compare, app):
    async def agenda(pilot):
        await wait(pilot)
        await pilot.press("a")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=agenda)


def test_processes(snap_compare, app):
    async def processes(pilot):
        await wait(pilot)
        await pilot.press("p")
        await wait(pilot)

    assert snap_compare(app, terminal_size=(120, 36), run_before=processes)
