"""Documents and links in the terminal UI, driven by Textual's Pilot on the demo database:
attach a file from the case screen and see it listed, save one (and open it), open a
link field."""

import stat
import webbrowser

import pytest
from pilot import app_for, open_case, settle, static_text
from textual.widgets import Button, Input, OptionList, Static, TextArea

from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.document_forms import AttachForm, SaveDialog
from samskab.tui.screens.links import LinksScreen


@pytest.fixture
def opened(monkeypatch):
    """The addresses the app asked the browser to open (none is opened)."""
    urls = []
    monkeypatch.setattr(webbrowser, "open", lambda url, *args, **kwargs: urls.append(url) or True)
    return urls


def documents_shown(app) -> list[str]:
    options = app.screen.query_one("#case-documents", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def named(engine, title):
    return next(c for c in engine.cases() if c.title.startswith(title))


async def test_attach_a_file_from_the_case_screen_and_see_it_listed(engine, workdir):
    case = named(engine, "Spejderne")
    (workdir / "referat.pdf").write_bytes(b"%PDF-1.4 referat" * 100)
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        assert documents_shown(pilot.app)[-1].startswith("Referat af dialogmøde.pdf")
        await pilot.press("v")
        await settle(pilot, AttachForm)
        await pilot.press(*"referat.pdf")
        pilot.app.screen.query_one("#note", TextArea).text = "Referat af mødet i styregruppen"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        shown = documents_shown(pilot.app)[-1]
        assert shown.startswith("referat.pdf\n") and "1,6 kB · mette · 23.11.2026" in shown
        assert "Referat af mødet i styregruppen" in shown
        history = static_text(pilot.app.screen.query_one("#case-history", Static))
        assert "mette: Dokument vedhæftet: referat.pdf (1,6 kB)" in history
        said = {n.message for n in pilot.app._notifications}
        assert "Vedhæftet: referat.pdf (1,6 kB)" in said
    *_, stored = engine.store.documents(case.id)
    assert (stored.name, stored.actor, stored.note) == (
        "referat.pdf",
        "mette",
        "Referat af mødet i styregruppen",
    )
    assert engine.store.document_content(stored.id) == b"%PDF-1.4 referat" * 100


@pytest.mark.parametrize(
    "typed, said",
    [
        ("", "Skriv stien til en fil."),
        ("findes-ikke.pdf", "findes-ikke.pdf: der er ingen sådan fil eller mappe"),
        ("mappe", "mappe er en mappe; vedhæft filerne i den én ad gangen"),
        ("stor.pdf", "stor.pdf fylder 26 MB; et dokument må højst fylde 25 MB"),
        ("/dev/zero", "/dev/zero er ikke en fil (en enhed eller et rør?)"),
    ],
)
async def test_what_cannot_be_attached_is_said_and_the_form_stays(engine, workdir, typed, said):
    case = named(engine, "Spejderne")
    (workdir / "mappe").mkdir()
    with (workdir / "stor.pdf").open("wb") as file:
        file.truncate(26 * 10**6)
    before = engine.store.documents(case.id)
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await pilot.press("v")
        await settle(pilot, AttachForm)
        pilot.app.screen.query_one("#path", Input).value = typed
        await pilot.press("ctrl+s")
        await settle(pilot, AttachForm)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "Dokumentet blev ikke vedhæftet:" in refusal and said in refusal
        assert pilot.app.screen.query_one("#path", Input).value == typed  # kept to mend
    assert engine.store.documents(case.id) == before


async def test_save_a_document_replace_only_when_asked_twice_and_open_it(engine, workdir, opened):
    case = named(engine, "Lions")
    agreement = next(d for d in engine.store.documents(case.id) if d.name.startswith("Samarbejdsaftale"))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        options = pilot.app.screen.query_one("#case-documents", OptionList)
        options.focus()
        options.highlighted = next(
            i for i in range(options.option_count) if options.get_option_at_index(i).id == str(agreement.id)
        )
        await pilot.press("enter")
        await settle(pilot, SaveDialog)
        path = pilot.app.screen.query_one("#export-path", Input)
        assert path.value == agreement.name  # in the folder samskab runs in
        path.value = "aftale.pdf"
        await pilot.press("ctrl+s")
        await settle(pilot, CaseScreen)
        assert (workdir / "aftale.pdf").read_bytes() == engine.store.document_content(agreement.id)
        assert stat.S_IMODE((workdir / "aftale.pdf").stat().st_mode) == 0o600
        said = {n.message for n in pilot.app._notifications}
        assert f"Gemt: {workdir / 'aftale.pdf'} (kun læsbar for dig)" in said

        (workdir / "aftale.pdf").write_text("mit eget")
        await pilot.press("g")
        await settle(pilot, SaveDialog)
        pilot.app.screen.query_one("#export-path", Input).value = "aftale.pdf"
        await pilot.click("#open")
        await settle(pilot, SaveDialog)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "findes allerede" in refusal and "Gem igen for at erstatte den" in refusal
        assert (workdir / "aftale.pdf").read_text() == "mit eget" and opened == []
        pilot.app.screen.query_one("#open", Button).press()  # again (the refusal moved it down)
        await settle(pilot, CaseScreen)
    assert (workdir / "aftale.pdf").read_bytes() == engine.store.document_content(agreement.id)
    assert opened == [(workdir / "aftale.pdf").as_uri()]


async def test_a_link_field_is_shown_and_opened(engine, opened):
    case = named(engine, "Medborgerskabspolitik")
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        fields = static_text(pilot.app.screen.query_one("#case-fields", Static))
        assert (
            "Høringsmaterialet (link)\n  https://www.example.dk/hoeringer/medborgerskabspolitik-2027"
            in fields
        )
        await pilot.press("l")
        await settle(pilot, CaseScreen)
        assert opened == ["https://www.example.dk/hoeringer/medborgerskabspolitik-2027"]
        said = {n.message for n in pilot.app._notifications}
        assert "Åbner https://www.example.dk/hoeringer/medborgerskabspolitik-2027" in said


async def test_a_case_with_several_links_asks_which_and_one_without_says_so(engine, opened):
    case = named(engine, "Frivillighedspolitik")
    engine.correct(
        case.id,
        {"offentliggjort_link": "https://www.example.dk/politikker/frivillighed"},
        "Linket til den vedtagne politik",
        engine.actor(),
    )
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        await open_case(pilot, case.id)
        await pilot.press("l")
        await settle(pilot, LinksScreen)
        links = pilot.app.screen.query_one("#links", OptionList)
        assert links.option_count == 2
        links.highlighted = 1
        await pilot.press("enter")
        await settle(pilot, CaseScreen)
        assert opened == ["https://www.example.dk/politikker/frivillighed"]
        await pilot.press("escape")
        await open_case(pilot, named(engine, "Amira").id)
        await pilot.press("l")
        await settle(pilot, CaseScreen)
        assert "Sagen har ingen links." in {n.message for n in pilot.app._notifications}
        await pilot.press("g")
        await settle(pilot, CaseScreen)
        assert "Sagen har ingen dokumenter at gemme." in {n.message for n in pilot.app._notifications}
        assert documents_shown(pilot.app) == ["Ingen endnu; vedhæft et med v."]
    assert len(opened) == 1
