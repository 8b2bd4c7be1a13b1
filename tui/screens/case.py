"""Case: what it is, where it stands, what happened, and what can be done now."""

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from samskab.engine import fieldtypes
from samskab.tui.app import DataChanged
from samskab.tui.backend import days_left
from samskab.tui.i18n import translate_bindings


class CaseScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "back"),
        Binding("r", "refresh", "refresh"),
    ]

    def __init__(self, case_id: int):
        super().__init__()
        self.case_id = case_id
        self.data: dict | None = None
        self.process = None

    def compose(self) -> ComposeResult:
        w = self.app.words
        yield Header()
        yield Static(id="case-head")
        with Horizontal(id="case-body"):
            with VerticalScroll(id="case-left"):
                yield Static(w("deadlines"), classes="section-title")
                yield Static(id="case-deadlines")
                yield Static(w("fields"), classes="section-title")
                yield Static(id="case-fields")
            with VerticalScroll(id="case-right"):
                yield Static(w("history"), classes="section-title")
                yield Static(id="case-history")
        yield Static(w("actions"), classes="section-title")
        yield OptionList(id="case-actions")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.words)
        self.load()

    @work(thread=True, exclusive=True, group="case")
    def load(self) -> None:
        backend = self.app.backend
        self.app.fetch_and_show(
            lambda: (backend.detail(self.case_id), backend.process_for(self.case_id)), self.show
        )

    def show(self, loaded: tuple) -> None:
        data, process = loaded
        self.data, self.process = data, process
        w = self.app.words
        lang = w.lang
        self.sub_title = f"{w('case')} {data['id']}"
        state = escape(data["state_title"])
        flag = f"  [b red]{w('overdue_flag')}[/]" if data["overdue"] else ""
        closed = f"  ({w('closed')})" if data["closed_at"] else ""
        self.query_one("#case-head", Static).update(
            f"[b]{w('case')} {data['id']}: {escape(data['title'])}[/]\n"
            f"{escape(process.title.get(lang))} ({process.id} {w('version')} {data['version']}, "
            f"{w('level').lower()} {process.level})  ·  {w('step')}: [b]{state}[/]{closed}{flag}"
        )
        lines = []
        for field in process.fields:
            value = data["fields"].get(field.id)
            if value is not None and value != "":
                shown = escape(fieldtypes.show(field, value, lang))
                lines.append(f"[dim]{escape(field.label.get(lang))}[/]\n  {shown}")
        self.query_one("#case-fields", Static).update("\n".join(lines) or "–")
        now = self.app.backend.now()
        deadlines = []
        for d in data["deadlines"]:
            days = days_left(d["due_at"], now)
            kind = w("deadline") if d["kind"] == "deadline" else f"{w('reminder')} ({d['before']})"
            text = f"{d['due_at'][:10]}  {kind}  ({days} {w('days')})"
            if d["kind"] == "deadline" and days <= 0 and data["overdue"]:
                text = f"[b red]{text} {w('overdue_flag')}[/]"
            elif d["fired_at"]:
                text = f"[dim]{text} ✓[/]"
            deadlines.append(text)
        self.query_one("#case-deadlines", Static).update("\n".join(deadlines) or "–")
        self.query_one("#case-history", Static).update(self.timeline(data, process))
        self.show_actions(data)

    def timeline(self, data: dict, process) -> str:
        w = self.app.words
        lang = w.lang
        titles = {a.id: a.title.get(lang) for a in process.actions}
        lines = []
        for event in reversed(data["history"]):
            what = {
                "created": w("created_event"),
                "deadline": w("deadline_event"),
                "reminder": w("reminder_event"),
                "erasure": w("erasure_event"),
            }.get(event["kind"]) or titles.get(event["action"], event["action"])
            when = event["at"][:16].replace("T", " ")
            lines.append(f"[b]{when}[/]  {escape(event['actor'])}: {escape(what)}")
            if event["from"] != event["to"] and event["from"] is not None:
                target = process.state(event["to"]).title.get(lang)
                lines.append(f"  → {escape(target)}")
            for key, value in event["changes"].items():
                field = process.field(key)
                label = field.label.get(lang) if field else key
                shown = fieldtypes.show(field, value, lang) if field else str(value)
                lines.append(f"  [dim]{escape(label)}:[/] {escape(shown[:80])}")
            if event["note"]:
                lines.append(f"  [i]“{escape(event['note'])}”[/]")
        return "\n".join(lines)

    def show_actions(self, data: dict) -> None:
        w = self.app.words
        options = self.query_one("#case-actions", OptionList)
        options.clear_options()
        if not data["actions"]:
            options.add_option(Option(w("no_actions"), disabled=True))
            return
        for action in data["actions"]:
            target = self.process.state(action["to"]).title.get(w.lang)
            label = f"{action['title']}  → {target}"
            if not action["allowed"]:
                label += f"\n  [dim]{w('not_now')}: {'; '.join(action['reasons'])}[/]"
            options.add_option(Option(label, id=action["id"], disabled=not action["allowed"]))
        enabled = [i for i, a in enumerate(data["actions"]) if a["allowed"]]
        if enabled:
            options.highlighted = enabled[0]
        options.focus()

    @on(OptionList.OptionSelected, "#case-actions")
    def action_chosen(self, event: OptionList.OptionSelected) -> None:
        from samskab.tui.screens.action_form import ActionForm

        action = self.process.action(event.option.id)
        self.app.push_screen(ActionForm(self.data, self.process, action), self.after_form)

    def after_form(self, result) -> None:
        if result:
            self.app.notify(result)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @on(DataChanged)
    def data_changed(self) -> None:
        self.load()
