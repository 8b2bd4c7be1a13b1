"""The twelve built-in processes, walked through the command line path by path.

For every action of every process, and every step a choice lets it lead to, there is a
walk from the initial step, through that action, to a final step. Before each action the
walk first tries it without its required fields and note, and must be refused; a step
whose deadline takes an action by itself is also walked by `samskab tick` on a clock past
the deadline. An action that waits for the case's sub-cases is refused while they are
open; each is then walked to an end of its own.
"""

import datetime as dt
import tomllib
from collections import deque

import pytest
from conftest import PROCESSES

PROCESS_IDS = sorted(path.stem for path in PROCESSES.glob("*.toml"))
START = dt.datetime(2026, 1, 5, 9, 0)


def test_the_library_holds_its_twelve_processes():
    assert PROCESS_IDS == [
        "advisory_board",
        "borgerbudget",
        "borgerinitiativ",
        "budgetforslag",
        "forum",
        "frivillig",
        "hoering",
        "lokalforum",
        "omstillingsgruppe",
        "oversaettelse",
        "partnerskab",
        "ungepulje",
    ]


def moves(process):
    """(action, from, to) for every way out of every state: one per step an action may
    lead to (a choice picks among several)."""
    return [(a, source, to) for a in process["actions"] for source in a["from"] for to in a["targets"]]


def choosing(process_id: str, action_id: str, target: str) -> dict[str, str]:
    """The option of the choice that makes ``action_id`` lead to ``target`` (its
    ``to_by``, as the process file says it), or nothing for an action with one step."""
    text = (PROCESSES / f"{process_id}.toml").read_text(encoding="utf-8")
    action = next(a for a in tomllib.loads(text)["actions"] if a["id"] == action_id)
    if "to_by" not in action:
        return {}
    option = next(o for o, to in action["to_by"]["states"].items() if to == target)
    return {action["to_by"]["field"]: option}


def shortest(process, start, goal):
    """The shortest list of moves from ``start`` to a state ``goal`` accepts."""
    queue, seen = deque([(start, [])]), {start}
    while queue:
        state, path = queue.popleft()
        if goal(state):
            return path
        for move in moves(process):
            if move[1] == state and move[2] not in seen:
                seen.add(move[2])
                queue.append((move[2], path + [move]))
    return None


def walks(process):
    """For each move, a walk initial -> move -> a final state."""
    initial = next(s["id"] for s in process["states"] if s["initial"])
    finals = {s["id"] for s in process["states"] if s["final"]}
    result = []
    for move in moves(process):
        before = shortest(process, initial, lambda s, want=move[1]: s == want)
        after = shortest(process, move[2], lambda s: s in finals)
        result.append(before + [move] + after)
    return result


@pytest.mark.parametrize("process_id", PROCESS_IDS)
def test_every_state_reachable_and_every_open_state_has_a_way_out(samskab, process_id):
    process = samskab.json("processes", "show", process_id)
    initial = next(s["id"] for s in process["states"] if s["initial"])
    for state in process["states"]:
        assert shortest(process, initial, lambda s, want=state["id"]: s == want) is not None, state
        if not state["final"]:
            assert any(m[1] == state["id"] and m[2] != state["id"] for m in moves(process)), state
    assert [s["id"] for s in process["states"] if s["final"]], "no final state"


class Walker:
    """Takes moves on one case through the CLI, with a clock one day on per move."""

    def __init__(self, samskab, process, case=None, now=START):
        """Walk a new case of ``process``, or ``case`` (one of its cases opened already)."""
        self.samskab = samskab
        self.process = process
        self.fields = {f["id"]: f for f in process["fields"]}
        self.now = now
        if case is None:
            opening = {"fields": process["start"]["fields"], "guards": []}
            sets = self.sets(opening)
            if process["start"]["requires"]:
                refused = samskab("cases", "new", process["id"], "--title", "Gennemløb", exit=1)
                assert "required fields are empty" in refused.stderr
            case = samskab.json(
                "cases", "new", process["id"], "--title", "Gennemløb", *sets, now=self.stamp()
            )
        self.case = case
        self.number = str(self.case["id"])

    def stamp(self) -> str:
        return self.now.isoformat(timespec="minutes")

    def value(self, field_id: str, action: dict) -> str:
        field = self.fields[field_id]
        if field["type"] == "date":
            guarded = any(g["name"] == "not_in_future" for g in action["guards"])
            return (self.now.date() + dt.timedelta(days=0 if guarded else 30)).isoformat()
        return {
            "text": "Tekst",
            "longtext": "En længere tekst",
            "integer": "5",
            "money": "10.000",
            "yesno": "ja",
            "email": "kontakt@example.dk",
            "link": "https://kommune.dk/politik/udkast",
            "choice": (field.get("options") or [{"id": ""}])[0]["id"],
        }[field["type"]]

    def sets(self, action: dict, target: str | None = None) -> list[str]:
        chosen = choosing(self.process["id"], action["id"], target) if target else {}
        values = {f: self.value(f, action) for f in action["fields"]} | chosen
        return [a for f, value in values.items() for a in ("--set", f"{f}={value}")]

    def take(self, action: dict, target: str) -> None:
        self.now += dt.timedelta(days=1)
        self.count_up_to(action)
        self.finish_sub_cases(action)
        empty = [f for f in action["requires"] if self.case["fields"].get(f) in (None, "")]
        if empty or action["note_required"]:
            refused = self.samskab("cases", "advance", self.number, action["id"], now=self.stamp(), exit=1)
            assert "cannot take" in refused.stderr
        note = ["--note", "Begrundelse"] if action["note_required"] else []
        self.case = self.samskab.json(
            "cases", "advance", self.number, action["id"], *self.sets(action, target), *note, now=self.stamp()
        )
        assert self.case["state"] == target

    def count_up_to(self, action: dict) -> None:
        """Before an `at_least` guard on a counted field, take the counting action enough."""
        for guard in action["guards"]:
            counting = [
                a
                for a in self.process["actions"]
                if guard["field"] in a["counts"]
                and self.case["state"] in a["from"]
                and a["to"] == self.case["state"]
            ]
            if guard["name"] != "at_least" or not counting:
                continue
            while (self.case["fields"].get(guard["field"]) or 0) < guard["value"]:
                self.take(counting[0], self.case["state"])

    def finish_sub_cases(self, action: dict) -> None:
        """Before an action waiting for the sub-cases: refused while one is open; then
        each open one is walked to an end."""
        if not any(g["name"] == "children_done" for g in action["guards"]):
            return
        children = self.samskab.json("cases", "list", "--parent", self.number, now=self.stamp())
        if children:
            refused = self.samskab("cases", "advance", self.number, action["id"], now=self.stamp(), exit=1)
            assert "waiting for sub-cases" in refused.stderr
        for child in children:
            process = self.samskab.json("processes", "show", child["process"])
            finals = {s["id"] for s in process["states"] if s["final"]}
            shown = self.samskab.json("cases", "show", str(child["id"]), now=self.stamp())
            walker = Walker(self.samskab, process, shown, self.now)
            for move, _, to in shortest(process, child["state"], lambda s, ends=finals: s in ends):
                walker.take(move, to)
            self.now = walker.now

    def tick_past_deadline(self, target: str) -> None:
        due = next(d for d in self.case["deadlines"] if d["kind"] == "deadline")
        self.now = dt.datetime.fromisoformat(due["due_at"]).replace(tzinfo=None) + dt.timedelta(days=1)
        fired = self.samskab.json("tick", now=self.stamp())
        assert [e["case"] for e in fired["actions"]] == [int(self.number)]
        self.case = self.samskab.json("cases", "show", self.number, now=self.stamp())
        assert self.case["state"] == target


@pytest.mark.parametrize("process_id", PROCESS_IDS)
def test_every_path_to_every_final_state(samskab, process_id):
    process = samskab.json("processes", "show", process_id)
    states = {s["id"]: s for s in process["states"]}
    reached = set()
    for walk in walks(process):
        walker = Walker(samskab, process)
        for action, _, target in walk:
            walker.take(action, target)
        assert states[walker.case["state"]]["final"]
        assert walker.case["closed_at"] and walker.case["actions"] == []
        taken = [e["action"] for e in walker.case["history"] if e["kind"] == "action"]
        assert [a for a in taken if a in {m[0]["id"] for m in walk}][-1] == walk[-1][0]["id"]
        reached.add(walker.case["state"])
    assert reached == {s for s, state in states.items() if state["final"]}


@pytest.mark.parametrize("process_id", PROCESS_IDS)
def test_deadline_driven_steps_through_tick(samskab, process_id):
    process = samskab.json("processes", "show", process_id)
    initial = next(s["id"] for s in process["states"] if s["initial"])
    automatic = [s for s in process["states"] if s["deadline"] and s["deadline"]["action"]]
    for state in automatic:
        walker = Walker(samskab, process)
        for action, _, target in shortest(process, initial, lambda s, want=state["id"]: s == want):
            walker.take(action, target)
        target = next(a["to"] for a in process["actions"] if a["id"] == state["deadline"]["action"])
        walker.tick_past_deadline(target)
        assert walker.case["history"][-1]["actor"] == "samskab"
