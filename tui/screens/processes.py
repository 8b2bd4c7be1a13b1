"""Processes: each definition drawn in the terminal, steps with their actions, who may
take them, what they require, and the deadlines in words."""

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Tree

from samskab.engine.readmodels import ProcessView
from samskab.tui.screens.base import DataScreen
from samskab.tui.widgets.process_list import ProcessList


class ProcessesScreen(DataScreen):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="processes-body"):
            yield ProcessList(id="process-list")
            yield Tree("", id="process-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.samskab.words("Processes")

    @on(OptionList.OptionHighlighted, "#process-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen = event.option.id
        self.load()

    def fetch(self) -> ProcessView | None:
        return self.samskab.service.process(self.chosen) if self.chosen else None

    def show(self, view: ProcessView | None) -> None:
        if view is None:
            return
        w = self.samskab.words
        tree: Tree[None] = self.query_one("#process-tree", Tree)
        tree.clear()
        tree.root.set_label(f"[b]{escape(view.title)}[/]  ({w('version')} {view.version})")
        tree.root.add_leaf(f"[i]{escape(view.description)}[/]")
        labels = {f.id: f.label for f in view.fields}
        for number, state in enumerate(view.states, start=1):
            mark = f" ({w('start')})" if state.initial else f" ({w('end')})" if state.final else ""
            node = tree.root.add(f"[b]{number}. {escape(state.title)}[/]{mark}", expand=True)
            for deadline in state.deadlines:
                node.add_leaf(f"⏱ {w('Deadline')}: {escape(deadline.words)}")
            for action in view.actions_from(state.id):
                leaf = (
                    f"→ {escape(action.title)}  ⇒ {escape(action.to_title)}  [dim]({escape(action.who)})[/]"
                )
                if action.requires:
                    needs = ", ".join(labels.get(f, f) for f in action.requires)
                    leaf += f"  [dim]{w('requires')}: {escape(needs)}[/]"
                conditions = [g.says for g in action.guards] + list(action.required_when)
                if conditions:
                    leaf += f"  [dim]{w('only if')}: {escape('; '.join(conditions))}[/]"
                node.add_leaf(leaf)
        tree.root.expand()
