"""New case: pick a process (with its description), give a title, the opening fields and
who owns it (the person opening it, unless they choose another)."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Select, Static

from samskab.engine.readmodels import CaseDetail, PersonView, StartForm
from samskab.tui.screens.action_form import LeavesWhenAskedTwice
from samskab.tui.screens.base import SamskabScreen
from samskab.tui.widgets.fields_form import FieldsForm
from samskab.tui.widgets.labels import Refusal, person_label
from samskab.tui.widgets.process_list import ProcessList


class NewCaseScreen(LeavesWhenAskedTwice, SamskabScreen):
    BINDINGS = [Binding("escape", "cancel", "Back"), Binding("ctrl+s", "submit", "Open case")]
    HELP = (
        "Open a case: choose a process (Enter), then give the case a title and the opening "
        "fields, and ctrl+s. Leaving with something typed asks first."
    )

    def __init__(self) -> None:
        super().__init__()
        self.chosen: StartForm | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="new-body"):
            with VerticalScroll(id="new-left"):
                yield Static(self.samskab.words("Choose a process"), classes="section-title")
                yield ProcessList(id="process-list", show_level=True)
                yield Static(id="process-description")
            yield VerticalScroll(id="new-form")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.samskab.words("New case")

    @on(OptionList.OptionHighlighted, "#process-list")
    def describe(self, event: OptionList.OptionHighlighted) -> None:
        process = self.query_one(ProcessList).processes[str(event.option.id)]
        self.query_one("#process-description", Static).update(escape(process.description))

    @on(OptionList.OptionSelected, "#process-list")
    def choose(self, event: OptionList.OptionSelected) -> None:
        self.load_form(str(event.option.id))

    @work(thread=True, exclusive=True, group="form")
    def load_form(self, process_id: str) -> None:
        service = self.samskab.service
        self.samskab.fetch_and_show(
            lambda: (service.start_form(process_id), service.owner_choices(process_id), service.actor.id),
            self.show_form,
        )

    async def show_form(self, loaded: tuple[StartForm, tuple[PersonView, ...], str]) -> None:
        start, owners, me = loaded
        w = self.samskab.words
        self.chosen = start
        form = self.query_one("#new-form", VerticalScroll)
        await form.remove_children()
        mine = me in {p.id for p in owners}
        await form.mount_all(
            [
                Static(f"[b]{escape(start.title)}[/]", classes="form-title"),
                Label(f"{w('Title')} *", classes="field-label"),
                Input(id="case-title"),
                FieldsForm(list(start.fields), set(start.requires), {}),
                Label(w("Owner"), classes="field-label"),
                Select(
                    [(person_label(p), p.id) for p in owners],
                    value=me if mine else Select.NULL,
                    allow_blank=not mine,
                    prompt=w("Choose"),
                    id="case-owner",
                ),
                Refusal(id="refusal"),
                Button(w("Open case"), variant="primary", id="submit"),
            ]
        )
        self.query_one("#case-title", Input).focus()

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted, "#case-title")
    def action_submit(self) -> None:
        if self.chosen is None:
            return
        form = self.query_one(FieldsForm)
        problems = form.problems()
        if problems:
            self.refused(problems)
            return
        owner = self.query_one("#case-owner", Select).value
        self.open_case(
            self.chosen.process_id,
            self.query_one("#case-title", Input).value,
            form.values(),
            None if owner is Select.NULL else str(owner),
        )

    @work(thread=True, exclusive=True)
    def open_case(self, process_id: str, title: str, values: dict[str, str], owner: str | None) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.new_case(process_id, title, values, owner=owner),
            self.opened,
            lambda error: self.refused(error.reasons_in(self.samskab.words.lang)),
        )

    def opened(self, case: CaseDetail) -> None:
        from samskab.tui.screens.case import CaseScreen

        self.app.notify(f"{self.samskab.words('Case opened')}: {case.id}")
        self.app.switch_screen(CaseScreen(case.id))

    def typed(self) -> bool:
        titles, forms = self.query("#case-title").results(Input), self.query(FieldsForm)
        return any(t.value.strip() for t in titles) or bool(forms and forms.first().values())

    def leave(self) -> None:
        self.app.pop_screen()

    def refused(self, reasons: list[str]) -> None:
        self.query_one(Refusal).show_reasons(self.samskab.words("The case was not opened:"), reasons)
