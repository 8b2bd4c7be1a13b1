"""One compiled state machine per (process id, version), shared by all its cases.

The graph is a ``transitions.Machine`` built from a checked definition, with no
model, no callbacks and no automatic ``to_*`` triggers: only the state ids and action
ids the validator has accepted reach it, so nothing in a file can name Python code. A
case never owns a machine; taking an action reads its target off the compiled graph.
"""

from collections.abc import Mapping
from typing import Any

import transitions

from samskab.engine.definition import Definition, Process


class CompiledProcess:
    def __init__(self, definition: Definition):
        self.definition = definition
        self.process: Process = definition.process
        self.machine = transitions.Machine(
            model=None,
            states=[state.id for state in self.process.states],
            transitions=[
                {"trigger": action.id, "source": list(action.from_), "dest": target}
                for action in self.process.actions
                for target in action.targets
            ],
            initial=self.process.initial.id,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        self.final_states = frozenset(s.id for s in self.process.states if s.final)

    @property
    def key(self) -> tuple[str, int]:
        return self.definition.key

    def actions_from(self, state: str) -> list[str]:
        """The ids of the actions whose ``from`` includes ``state``, in file order."""
        return self.machine.get_triggers(state)

    def allows(self, state: str, action: str) -> bool:
        return action in self.machine.events and bool(self.machine.events[action].transitions.get(state))

    def fire(self, state: str, action: str, values: Mapping[str, Any]) -> str:
        """The state ``action`` leads to from ``state`` with the case's field values
        once it is taken (the caller checked it is allowed, and that a ``to_by`` field
        holds an option).

        Read off the compiled graph: there are no callbacks to run, so nothing is gained
        by pushing a model through the machine, which costs more than the lookup.
        """
        transitions_ = self.machine.events[action].transitions[state]
        if len(transitions_) == 1:
            dest = transitions_[0].dest
        else:  # `to_by`: one transition per state the choice may lead to
            taken = self.process.action(action)
            dest = taken.target(values) if taken else None
            assert dest in {t.dest for t in transitions_}
        # Only an internal transition has no destination; every action has a target.
        assert dest is not None
        return dest
