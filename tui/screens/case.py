"""Case: what it is, where it stands, what happened, and what can be done now."""

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static

from samskab.engine.messages import day, moment
from samskab.engine.readmodels import CaseDetail, PersonView
from samskab.tui.screens.action_form import ActionForm, CommentForm, CorrectionForm, HandoverForm
from samskab.tui.screens.base import DataScreen
from samskab.tui.screens.export_dialog import ExportDialog
from samskab.tui.widgets.action_list import ActionList
from samskab.tui.widgets.labels import days_label


class CaseScreen(DataScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "comment", "Comment"),
        Binding("f", "correct", "Correct fields"),
        Binding("e", "print", "Export"),
        Binding("h", "hand_over", "Hand over"),
    ]
    HELP = (
        "A case: where it stands, its deadlines, fields and history. At the bottom, the "
        "actions it can take now: Enter opens one's form; a greyed one says why not now. "
        "Those that close the case come last, below a line the arrows stop at."
    )

    def __init__(self, case_id: int):
        super().__init__()
        self.case_id = case_id
        self.case: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        w = self.samskab.words
        yield Header()
        yield Static(id="case-head")
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-left"):
                yield Static(w("Deadlines and reminders"), classes="section-title")
                yield Static(id="case-deadlines")
                yield Static(w("Fields"), classes="section-title")
                yield Static(id="case-fields")
            with VerticalScroll(id="case-right"):
                yield Static(w("History"), classes="section-title")
                yield Static(id="case-history")
        yield Static(w("Actions"), classes="section-title")
        yield ActionList(id="case-actions")
        yield Footer(compact=True)

    def fetch(self) -> CaseDetail:
        return self.samskab.service.case(self.case_id)

    def show(self, case: CaseDetail) -> None:
        self.case = case
        w = self.samskab.words
        self.sub_title = f"{w('Case')} {case.id}"
        closed = f"  ({w('closed')})" if case.closed_at else ""
        due = ""
        if case.next_deadline_day is not None and case.days_left is not None:
            when = w("deadline {day}", day=day(case.next_deadline_day, w.lang))
            due = f"  ·  {when}, {days_label(case.days_left, True, w)}"  # overdue: in red
        self.query_one("#case-head", Static).update(
            f"[b]{w('Case')} {case.id}: {escape(case.title)}[/]\n"
            f"{escape(case.process_title)} ({w('version')} {case.version})  ·  "
            f"{w('Step')}: [b]{escape(case.state_title)}[/]{closed}{due}  ·  "
            f"{w('Owner')}: {escape(case.owner_name or '–')}"
        )
        fields = [f"[dim]{escape(f.label)}[/]\n  {escape(f.shown)}" for f in case.shown_fields]
        self.query_one("#case-fields", Static).update("\n".join(fields) or "–")
        deadlines = []
        for d in case.deadlines:
            if d.kind == "deadline":
                kind = escape(d.title) if d.title else w("deadline")
            else:
                kind = w("reminder {before} before", before=d.before_words)
                kind += f" [dim]({escape(d.title)})[/]" if d.title else ""
            text = f"{day(d.day, w.lang)}  {kind}  ({days_label(d.days_left, d.overdue, w)})"
            if d.repeats and d.says:
                text += f"\n  [dim]↻ {escape(d.says)}[/]"
            if d.fired_at and not d.overdue:
                text = f"[dim]{text} ✓[/]"
            deadlines.append(text)
        self.query_one("#case-deadlines", Static).update("\n".join(deadlines) or "–")
        self.query_one("#case-history", Static).update(self.timeline(case))
        self.show_actions(case)

    def timeline(self, case: CaseDetail) -> str:
        lines = []
        for event in reversed(case.history):
            when = moment(event.at, self.samskab.words.lang)
            lines.append(f"[b]{when}[/]  {escape(event.actor)}: {escape(event.what)}")
            if event.from_ is not None and event.from_ != event.to:
                lines.append(f"  → {escape(event.to_title)}")
            for change in event.changes_shown:
                lines.append(f"  [dim]{escape(change.label)}:[/] {escape(change.shown[:80])}")
            if event.note:
                lines.append(f"  [i]“{escape(event.note)}”[/]")
        return "\n".join(lines)

    def show_actions(self, case: CaseDetail) -> None:
        """The actions, the cursor kept on the one it was on (back from a form, or
        after a refresh) while that one can still be taken."""
        actions = self.query_one(ActionList)
        actions.show(case.actions, keep=actions.highlighted_id())
        actions.focus()

    @on(OptionList.OptionSelected, "#case-actions")
    def action_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.case is None:
            return
        action = next(a for a in self.case.actions if a.id == event.option.id)
        self.app.push_screen(ActionForm(self.case, action), self.after_form)

    def action_comment(self) -> None:
        if self.case is not None:
            self.app.push_screen(CommentForm(self.case, self.samskab.words("Comment")), self.after_form)

    def action_correct(self) -> None:
        if self.case is None:
            return
        if not self.case.correctable:
            self.app.notify(
                self.samskab.words("You may not correct the fields of this case"), severity="warning"
            )
            return
        self.app.push_screen(CorrectionForm(self.case, self.samskab.words("Correct fields")), self.after_form)

    def action_print(self) -> None:
        """Write the case as a printable page (HTML) to a file."""
        w, service, case_id = self.samskab.words, self.samskab.service, self.case_id

        def write(fmt: str, path: Path, replace: bool) -> str:
            service.write_private(path, service.case_printout(case_id), replace=replace)
            return w("Wrote {path}", path=path.resolve())

        name = f"{w('case')}-{case_id}"
        self.app.push_screen(ExportDialog(w("The case as a page to print"), name, (("html", "HTML"),), write))

    def action_hand_over(self) -> None:
        if self.case is None:
            return
        if not self.case.may_hand_over:
            self.app.notify(self.samskab.words("You may not hand over this case"), severity="warning")
            return
        self.load_owners(self.case)

    @work(thread=True, exclusive=True, group="owners")
    def load_owners(self, case: CaseDetail) -> None:
        self.samskab.fetch_and_show(
            lambda: self.samskab.service.owner_choices(case.process, case.version),
            lambda owners: self.hand_over(case, owners),
        )

    def hand_over(self, case: CaseDetail, owners: tuple[PersonView, ...]) -> None:
        others = tuple(p for p in owners if p.id != case.owner)
        if not others:
            self.app.notify(self.samskab.words("No one else may own this case"), severity="warning")
            return
        self.app.push_screen(
            HandoverForm(case, self.samskab.words("Hand the case over"), others), self.after_form
        )

    def after_form(self, result: str | None) -> None:
        if result:
            self.app.notify(result)
        self.load()
