"""Processes: each definition drawn in the terminal, steps with their actions, who may
take them, what they require, and the deadlines."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Tree

from samskab.engine import views
from samskab.tui.i18n import translate_bindings
from samskab.tui.widgets.process_list import ProcessList


class ProcessesScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "back")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="processes-body"):
            yield ProcessList(id="process-list")
            yield Tree("", id="process-tree")
        yield Footer()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.words)
        self.sub_title = self.app.words("processes")

    @on(OptionList.OptionHighlighted, "#process-list")
    def draw(self, event: OptionList.OptionHighlighted) -> None:
        w = self.app.words
        lang = w.lang
        process = self.query_one(ProcessList).processes[event.option.id]
        data = views.process_data(process, lang)
        roles = {r["id"]: r["title"] for r in data["roles"]}
        tree = self.query_one("#process-tree", Tree)
        tree.clear()
        tree.root.set_label(f"[b]{data['title']}[/]  ({process.id} v{process.version}, {process.level})")
        tree.root.add_leaf(f"[i]{data['description']}[/]")
        for number, state in enumerate(data["states"], start=1):
            mark = f" ({w('start')})" if state["initial"] else f" ({w('end')})" if state["final"] else ""
            node = tree.root.add(f"[b]{number}. {state['title']}[/]{mark}", expand=True)
            if state["deadline"]:
                node.add_leaf(f"⏱ {views.deadline_text(state['deadline'])}")
            for action in data["actions"]:
                if state["id"] not in action["from"]:
                    continue
                target = process.state(action["to"]).title.get(lang)
                who = ", ".join(roles.get(r, r) for r in action["roles"]) or w("anyone")
                leaf = f"→ {action['title']}  ⇒ {target}  [dim]({who})[/]"
                if action["requires"]:
                    leaf += f"  [dim]{w('requires')}: {', '.join(action['requires'])}[/]"
                node.add_leaf(leaf)
        tree.root.expand()
