"""The dashboard (`d`): the six questions a coordinator asks every week, answered in the
Danish terminal UI on the demo municipality, each number opening the cases behind it."""

from pilot import app_for, settle
from textual.widgets import DataTable, Static

from samskab.tui.screens.case import CaseScreen
from samskab.tui.screens.cases import CasesScreen
from samskab.tui.screens.dashboard import DashboardScreen, ReportCasesScreen


def rows(table: DataTable) -> list[tuple[str, str]]:
    """(count, what) of every row, as shown."""
    return [
        (str(table.get_row_at(i)[0]).strip(), str(table.get_row_at(i)[1]).strip())
        for i in range(table.row_count)
    ]


def section(table: DataTable, process_title: str) -> list[tuple[str, str]]:
    """The rows of one process, below its title row."""
    shown = rows(table)
    start = next(i for i, (_, what) in enumerate(shown) if what == process_title)
    end = next(
        (i for i in range(start + 1, len(shown)) if not str(table.get_row_at(i)[1]).startswith(" ")),
        len(shown),
    )
    return shown[start + 1 : end]


async def dashboard(pilot) -> DataTable:
    await settle(pilot, CasesScreen)
    await pilot.press("d")
    await settle(pilot, DashboardScreen)
    return pilot.app.screen.query_one("#dashboard", DataTable)


async def click(pilot, table: DataTable, process_title: str, what: str) -> DataTable:
    """Enter on the row saying ``what`` in the process's section; the cases behind it."""
    shown = rows(table)
    start = next(i for i, (_, w) in enumerate(shown) if w == process_title)
    row = next(i for i in range(start + 1, len(shown)) if shown[i][1] == what)
    table.move_cursor(row=row)
    await pilot.press("enter")
    await settle(pilot, ReportCasesScreen)
    return pilot.app.screen.query_one("#report-cases", DataTable)


def listed(table: DataTable) -> list[dict[str, str]]:
    labels = [str(c.label) for c in table.columns.values()]
    return [dict(zip(labels, map(str, table.get_row_at(i)), strict=True)) for i in range(table.row_count)]


PARTNERSHIP = "Partnerskab med frivillig organisation"
INITIATIVE = "Borgerinitiativ"


async def test_1_reviews_due_this_year_and_what_each_side_gives(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        assert ("1", "Aktivt partnerskab") in section(table, PARTNERSHIP)
        cases = listed(await click(pilot, table, PARTNERSHIP, "Aktivt partnerskab"))
        assert [c["Titel"] for c in cases] == ["FDF: klubaftener for de 10-14-årige"]
        fdf = cases[0]
        assert fdf["Årligt tilskud (kr.)"] == "50.000,00 kr."
        assert (
            fdf["Brug af kommunale faciliteter"] and fdf["Organisationens bidrag"] and fdf["Kommunens bidrag"]
        )
        assert fdf["Frist"] == "9.12.2026"
        title = str(pilot.app.screen.query_one("#report-cases-title", Static).render())
        assert title == f"{PARTNERSHIP} · Frist i 2026 · Aktivt partnerskab: 1 sag(er)"
        await pilot.press("enter")
        await settle(pilot, CaseScreen)


async def test_the_cases_behind_a_number_export_as_listed(engine, workdir):
    import openpyxl

    from samskab.tui.screens.export_dialog import ExportDialog

    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        shown = listed(await click(pilot, table, PARTNERSHIP, "Aktivt partnerskab"))
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, ReportCasesScreen)
    sheet = openpyxl.load_workbook(workdir / "sager-2026-11-23.xlsx").active
    header = [c.value for c in sheet[1]]
    exported = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert [c["Titel"] for c in exported] == [c["Titel"] for c in shown]
    columns = list(shown[0])[5:]  # after Sag, Titel, Trin, Frist, Dage: the process's report columns
    assert header[-len(columns) :] == columns and "Udfordringer drøftet i dialogen" not in header
    assert exported[0]["Årligt tilskud (kr.)"] == 50000


async def test_2_refusals_this_year_by_reason(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        mine = section(table, INITIATIVE)
        assert ("4", "Afsluttet i året · Afvist med begrundelse") in mine
        assert ("2", "Grund til afslag: Ingen økonomi til det") in mine
        assert ("1", "Grund til afslag: Uden for lovgivning eller kommunens rammer") in mine
        cases = listed(await click(pilot, table, INITIATIVE, "Grund til afslag: Ingen økonomi til det"))
        assert sorted(c["Titel"] for c in cases) == [
            "Gratis bybusser om lørdagen",
            "Pop-up skøjtebane i parken",
        ]


async def test_2_last_year_is_a_key_away(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot, DashboardScreen)
        assert "Året 2025" in str(pilot.app.screen.query_one("#dashboard-title", Static).render())
        assert ("1", "Afsluttet i året · Afvist med begrundelse") in section(table, INITIATIVE)


async def test_3_what_the_transition_groups_cost(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        groups = section(table, "Omstillingsgruppe")
        assert ("675", "Mødetimer i alt (2 af 4 sager)") in groups
        assert ("107.500,00 kr.", "Udgifter i alt (kr.) (2 af 4 sager)") in groups
        cases = listed(await click(pilot, table, "Omstillingsgruppe", "Mødetimer i alt (2 af 4 sager)"))
        assert {c["Mødetimer i alt"] for c in cases} >= {"300", "375"}


async def test_4_local_forums_quiet_for_a_year(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        assert ("2", "Intet nyt i 12 måneder") in section(table, "Dialog med lokalforum")
        cases = listed(await click(pilot, table, "Dialog med lokalforum", "Intet nyt i 12 måneder"))
        assert "Kirke Eskilstrup: dialog om forsamlingshuset" in {c["Titel"] for c in cases}


async def test_5_citizen_projects_running_now(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        mine = section(table, INITIATIVE)
        assert ("1", "Åbne nu · Pilot / midlertidig aktivitet") in mine
        assert ("1", "Afsluttet i året · I drift") in mine
        cases = listed(await click(pilot, table, INITIATIVE, "Åbne nu · Pilot / midlertidig aktivitet"))
        assert [c["Titel"] for c in cases] == ["Bytte-reol på biblioteket"]


async def test_6_cases_that_reached_quiet_citizens(engine):
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        question = "Når idéen stille eller ressourcesvage borgere?: ja"
        assert ("2", question) in section(table, INITIATIVE)
        cases = listed(await click(pilot, table, INITIATIVE, question))
        assert len(cases) == 2


async def test_dashboard_fits_80_columns_and_says_what_is_not_recorded(engine):
    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        table = await dashboard(pilot)
        assert ("", "Registreres ikke: pengebeløb, timer eller andre tal") in section(
            table, "Lokal oversættelse"
        )
        assert table.columns[table.coordinate_to_cell_key((0, 0)).column_key].get_render_width(table) <= 20


async def test_mine_counts_only_the_cases_i_own(engine):
    from samskab.engine.readmodels import CaseFilter

    hers = engine.store.count_cases(CaseFilter(process_id="partnerskab", owner="mette", open_only=True))
    every = engine.store.count_cases(CaseFilter(process_id="partnerskab", open_only=True))
    async with app_for(engine).run_test(size=(120, 36)) as pilot:
        table = await dashboard(pilot)
        assert (str(every), PARTNERSHIP) in rows(table)
        await pilot.press("m")
        await settle(pilot, DashboardScreen)
        assert (str(hers), PARTNERSHIP) in rows(table) and hers < every


async def test_the_dashboard_exports_its_numbers(engine, workdir):
    import openpyxl

    from samskab.tui.screens.export_dialog import ExportDialog

    async with app_for(engine).run_test(size=(80, 24)) as pilot:
        table = await dashboard(pilot)
        shown = section(table, INITIATIVE)
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, DashboardScreen)
    sheet = openpyxl.load_workbook(workdir / "rapport-2026-2026-11-23.xlsx").active
    exported = [(r[0].value, r[1].value, r[2].value) for r in sheet.iter_rows(min_row=2)]
    assert ("Borgerinitiativ", "Afsluttet i året · Afvist med begrundelse", 4) in exported
    ours = [row for row in exported if row[0] == INITIATIVE]
    assert (INITIATIVE, "Frist i 2026 · Idé modtaget", 2) in ours
    assert (INITIATIVE, "Når idéen stille eller ressourcesvage borgere?: ja", 2) in ours
    assert len(ours) >= len(shown)
