"""Case: what it is, where it stands, what happened, the documents kept with it, and what
can be done now."""

from pathlib import Path
from typing import ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from samskab.engine.messages import day, moment
from samskab.engine.readmodels import CaseDetail, DocumentView, PersonView, RelatedCase
from samskab.tui.screens.action_form import ActionForm, CommentForm, CorrectionForm, HandoverForm, LinkForm
from samskab.tui.screens.base import DataScreen
from samskab.tui.screens.document_forms import AttachForm, SaveDialog
from samskab.tui.screens.export_dialog import ExportDialog
from samskab.tui.screens.links import LinksScreen, open_link
from samskab.tui.widgets.action_list import ActionList
from samskab.tui.widgets.labels import days_label


class CaseScreen(DataScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "comment", "Comment"),
        Binding("f", "correct", "Correct fields"),
        Binding("e", "print", "Export"),
        Binding("h", "hand_over", "Hand over"),
        Binding("v", "attach", "Attach"),
        Binding("g", "save_document", "Save"),  # short: a footer of 120 columns holds them all
        Binding("l", "open_link", "Link"),
        # Beside the related cases' title: the footer has no room left.
        Binding("t", "link", "Link a case", show=False),
        Binding("o", "related", "Related cases", show=False),
    ]
    HELP = (
        "A case: where it stands, its deadlines, fields and history. At the bottom, the "
        "actions it can take now: Enter opens one's form; a greyed one says why not now. "
        "Those that close the case come last, below a line the arrows stop at. The cases "
        "related to it (the case it is part of, its sub-cases, a renewal) come first: o goes "
        "there and Enter opens one; t links the case to another."
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
                yield Static(
                    w("Related cases (o, t links)"), classes="section-title", id="case-related-title"
                )
                yield OptionList(id="case-related")
                yield Static(w("Deadlines and reminders"), classes="section-title")
                yield Static(id="case-deadlines")
                yield Static(w("Fields"), classes="section-title", id="case-fields-title")
                yield Static(id="case-fields")
                # The keys beside the title too: a narrow terminal's footer has no room for them.
                yield Static(w("Documents (v attaches, g saves)"), classes="section-title")
                yield OptionList(id="case-documents")
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
        self.query_one("#case-fields", Static).update(self.fields_text(case))
        links = any(f.link for f in case.shown_fields)
        self.query_one("#case-fields-title", Static).update(
            w("Fields (l opens a link)") if links else w("Fields")
        )
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
        self.show_documents(case)
        self.show_related(case)
        self.show_actions(case)

    def fields_text(self, case: CaseDetail) -> str:
        """The filled fields, a link field's address to click (or open with l)."""
        lines, links = [], 0
        for field in case.shown_fields:
            shown = escape(field.shown)
            if field.link is not None:
                shown, links = f"[@click=screen.open_link({links})]{shown}[/]", links + 1
            lines.append(f"[dim]{escape(field.label)}[/]\n  {shown}")
        return "\n".join(lines) or "–"

    def show_documents(self, case: CaseDetail) -> None:
        w = self.samskab.words
        options = self.query_one("#case-documents", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        if not case.documents:
            options.add_option(Option(w("None yet; attach one with v."), disabled=True))
            return
        for document in case.documents:
            about = f"{document.size_shown} · {document.actor} · {moment(document.attached_at, w.lang)}"
            label = f"{escape(document.name)}\n  [dim]{escape(about)}[/]"
            if document.deleted_at is not None:
                label += f"\n  [dim]{w('content deleted {date}', date=day(document.deleted_at, w.lang))}[/]"
            if document.note:
                label += f"\n  [i]“{escape(document.note)}”[/]"
            options.add_option(Option(label, id=str(document.id), disabled=document.deleted_at is not None))
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted

    def show_related(self, case: CaseDetail) -> None:
        """The parent, the sub-cases and the other links, each to open with enter."""
        w = self.samskab.words
        options = self.query_one("#case-related", OptionList)
        options.clear_options()
        found: list[tuple[str, RelatedCase]] = []
        if case.parent is not None:
            found.append((f"{w('Part of')} {w('case')} {case.parent.id}", case.parent))
        found += [(f"{w('Sub-case')} {child.id}", child) for child in case.children]
        found += [(f"{link.said.capitalize()} {w('case')} {link.case.id}", link.case) for link in case.links]
        for said, other in found:
            done = "[green]✓[/] " if other.closed else ""
            options.add_option(
                Option(
                    f"{escape(said)}: {escape(other.title)}\n"
                    f"  {done}[dim]{escape(other.state_title)} · {escape(other.process_title)}[/]",
                    id=str(other.id),
                )
            )
        for widget in (options, self.query_one("#case-related-title")):
            widget.display = bool(found)

    @on(OptionList.OptionSelected, "#case-related")
    def related_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.app.push_screen(CaseScreen(int(event.option.id)))

    def action_related(self) -> None:
        related = self.query_one("#case-related", OptionList)
        if related.display:
            if related.highlighted is None:
                related.highlighted = 0
            related.focus()

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

    def action_attach(self) -> None:
        if self.case is not None:
            self.app.push_screen(
                AttachForm(self.case, self.samskab.words("Attach a document")), self.after_form
            )

    def action_save_document(self) -> None:
        """Save the document highlighted in the list, or the only one; with several and
        none chosen, go to the list."""
        if self.case is None:
            return
        kept = [d for d in self.case.documents if d.deleted_at is None]
        options = self.query_one("#case-documents", OptionList)
        index = options.highlighted
        chosen = self.case.documents[index] if index is not None and self.case.documents else None
        if chosen is None or chosen.deleted_at is not None:
            chosen = kept[0] if len(kept) == 1 else None
        if chosen is None and kept:  # several: to the list, to choose one
            options.focus()
            options.highlighted = self.case.documents.index(kept[0])
            self.app.notify(self.samskab.words("Choose a document, and press Enter."))
        elif chosen is None:
            self.app.notify(self.samskab.words("The case has no documents to save."), severity="warning")
        else:
            self.save(chosen)

    @on(OptionList.OptionSelected, "#case-documents")
    def document_chosen(self, event: OptionList.OptionSelected) -> None:
        if self.case is not None:
            self.save(next(d for d in self.case.documents if str(d.id) == event.option.id))

    def save(self, document: DocumentView) -> None:
        self.app.push_screen(SaveDialog.of(self.samskab, self.case_id, document))

    def action_open_link(self, index: int | None = None) -> None:
        """Open a link field's address: the one clicked, the only one, or one chosen."""
        links = tuple(f for f in self.case.shown_fields if f.link) if self.case else ()
        if index is not None and index < len(links):
            open_link(self.samskab, links[index])
        elif len(links) == 1:
            open_link(self.samskab, links[0])
        elif links:
            self.app.push_screen(LinksScreen(links))
        else:
            self.app.notify(self.samskab.words("The case has no links."), severity="warning")

    def action_link(self) -> None:
        if self.case is None:
            return
        if not self.case.link_kinds:
            self.app.notify(self.samskab.words("You may not link this case"), severity="warning")
            return
        self.app.push_screen(LinkForm(self.case, self.samskab.words("Link to a case")), self.after_form)

    def after_form(self, result: str | None) -> None:
        if result:
            self.app.notify(result)
        self.load()
