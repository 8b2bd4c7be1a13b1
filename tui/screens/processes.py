"""Processes: each definition drawn in the terminal, steps with their actions, who may
take them, what they require, and the deadlines in words; and the process files samskab
does not use, with the reason (a mistake, or a change without a new version number)."""

from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, OptionList, Static, Tree

from samskab.engine.readmodels import FileProblem, ProcessView
from samskab.tui.screens.base import DataScreen
from samskab.tui.widgets.process_list import PROBLEM, ProcessList


class ProcessesScreen(DataScreen):
    HELP = (
        "Every process step by step: its actions, who may take them, what they require and "
        "the deadlines. Process files samskab does not use are listed last, marked ⚠, with "
        "the reason: no new case starts on them until they are fixed."
    )

    def __init__(self) -> None:
        super().__init__()
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="processes-body"):
            yield ProcessList(id="process-list", show_problems=True)
            yield Tree("", id="process-tree")
            yield Static(id="file-problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.samskab.words("Processes")

    @on(OptionList.OptionHighlighted, "#process-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.chosen = event.option.id
        problems = self.query_one(ProcessList).problems.get(self.chosen or "")
        self.set_class(bool(problems), "-file-problems")
        if problems:
            self.show_problems(problems)
        else:
            self.load()

    def show_problems(self, problems: tuple[FileProblem, ...]) -> None:
        """Why samskab does not use the file: each problem, where it is, and what may fix it."""
        w = self.samskab.words
        file = Path(problems[0].file)
        if file.is_absolute() and file.is_relative_to(Path.cwd()):
            file = file.relative_to(Path.cwd())  # as samskab was pointed at it, mostly
        lines = [
            f"[b yellow]⚠[/] [b]{escape(str(file))}[/]",
            w("samskab does not use this file: no new case starts on it until it is fixed."),
        ]
        for problem in problems:
            where = [w("line {line}", line=problem.line)] if problem.line else []
            where += [problem.place] if problem.place else []
            lines += ["", f"[b]{escape(', '.join(where))}[/]" if where else "", escape(problem.what)]
            if problem.suggestion:
                lines.append(f"[dim]{escape(problem.suggestion)}[/]")
        self.query_one("#file-problems", Static).update("\n".join(lines))

    def fetch(self) -> ProcessView | None:
        if not self.chosen or self.chosen.startswith(PROBLEM):
            return None
        return self.samskab.service.process(self.chosen)

    def show(self, view: ProcessView | None) -> None:
        if view is None:
            return
        w = self.samskab.words
        tree: Tree[None] = self.query_one("#process-tree", Tree)
        tree.clear()
        tree.root.set_label(f"[b]{escape(view.title)}[/]  ({w('version')} {view.version})")
        tree.root.add_leaf(f"[i]{escape(view.description)}[/]")
        if view.public.when is not None or view.public.door is not None:
            tree.root.add_leaf(f"{w('The website')}: {escape(view.public.says)}")
        if view.public.door is not None:
            tree.root.add_leaf(f"{w('Which door?')} {escape(view.public.door)}")
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
                needs = [", ".join(labels.get(f, f) for f in action.requires)] if action.requires else []
                needs += action.required_when
                if needs:
                    leaf += f"  [dim]{w('requires')}: {escape('; '.join(needs))}[/]"
                conditions = [g.says for g in action.guards]
                if conditions:
                    leaf += f"  [dim]{w('only if')}: {escape('; '.join(conditions))}[/]"
                node.add_leaf(leaf)
                for opening in action.opens:
                    node.add_leaf(f"   [dim]+ {escape(opening.words)}[/]")
        tree.root.expand()
