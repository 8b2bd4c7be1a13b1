"""Processes and cases as plain data (for ``--json``) and as text a coordinator reads.

The command line prints these; the terminal UI builds its screens from the same data.
"""

from typing import Any

from samskab.engine import clock, durations, fieldtypes, messages
from samskab.engine.cases import Case
from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.definition import Process


def steps_in_order(process: Process) -> list[str]:
    """State ids from the initial one onwards, in the order actions reach them, final last."""
    order = [process.initial.id]
    for state_id in order:
        for action in process.actions:
            if state_id in action.from_ and action.to not in order:
                order.append(action.to)
    order += [s.id for s in process.states if s.id not in order]
    # Open steps first, then the ways a case can end.
    return [s for s in order if not process.state(s).final] + [s for s in order if process.state(s).final]


def process_data(process: Process, lang: str) -> dict[str, Any]:
    return {
        "id": process.id,
        "version": process.version,
        "title": process.title.get(lang),
        "description": process.description.get(lang),
        "level": process.level,
        "start": {"fields": list(process.start.form_fields()), "requires": list(process.start.requires)},
        "roles": [{"id": r.id, "title": r.title.get(lang)} for r in process.roles],
        "fields": [
            {
                "id": f.id,
                "type": f.type,
                "label": f.label.get(lang),
                **({"options": [o.id for o in f.options]} if f.options else {}),
            }
            for f in process.fields
        ],
        "states": [
            {
                "id": s.id,
                "title": s.title.get(lang),
                "initial": s.initial,
                "final": s.final,
                "deadline": None
                if s.deadline is None
                else {
                    "after": s.deadline.after,
                    "from_field": s.deadline.from_field,
                    "action": s.deadline.action,
                    "reminders": list(s.deadline.reminders),
                },
            }
            for s in (process.state(i) for i in steps_in_order(process))
        ],
        "actions": [
            {
                "id": a.id,
                "title": a.title.get(lang),
                "from": list(a.from_),
                "to": a.to,
                "roles": list(a.roles),
                "fields": list(a.form_fields()),
                "requires": list(a.requires),
                "counts": list(a.counts),
                "guards": [{"name": g.name, "field": g.field, "value": g.value} for g in a.guards],
                "note_required": a.note_required,
            }
            for a in process.actions
        ],
    }


def process_text(process: Process, lang: str) -> str:
    data = process_data(process, lang)
    roles = {r["id"]: r["title"] for r in data["roles"]}
    lines = [
        f"{data['title']}  ({process.id}, version {process.version}, {process.level})",
        "",
        data["description"],
        "",
    ]
    for number, state in enumerate(data["states"], start=1):
        mark = " (start)" if state["initial"] else " (end)" if state["final"] else ""
        lines.append(f"{number}. {state['title']} [{state['id']}]{mark}")
        if state["deadline"]:
            lines.append("   " + deadline_text(state["deadline"]))
        for action in data["actions"]:
            if state["id"] not in action["from"]:
                continue
            who = ", ".join(roles.get(r, r) for r in action["roles"]) or "anyone"
            lines.append(f"   -> {action['title']} [{action['id']}] -> {action['to']}  ({who})")
            if action["requires"]:
                lines.append(f"      requires: {', '.join(action['requires'])}")
            if action["note_required"]:
                lines.append("      a note (the reason) is required")
    return "\n".join(lines)


def deadline_text(deadline: dict[str, Any]) -> str:
    if deadline["from_field"] and durations.is_zero(deadline["after"]):
        text = f"deadline: on the date in `{deadline['from_field']}`"
    else:
        text = f"deadline: {deadline['after']} after "
        text += f"the date in `{deadline['from_field']}`" if deadline["from_field"] else "entering the step"
    if deadline["reminders"]:
        text += "; reminders " + ", ".join(deadline["reminders"]) + " before"
    if deadline["action"]:
        text += f"; then `{deadline['action']}` automatically"
    return text


def process_mermaid(process: Process, lang: str) -> str:
    lines = ["stateDiagram-v2"]
    for state in process.states:
        lines.append(f'    state "{state.title.get(lang)}" as {state.id}')
    lines.append(f"    [*] --> {process.initial.id}")
    for action in process.actions:
        for source in action.from_:
            lines.append(f"    {source} --> {action.to}: {action.title.get(lang)}")
    for state in process.states:
        if state.final:
            lines.append(f"    {state.id} --> [*]")
    return "\n".join(lines)


def case_summary(engine: Engine, case: Case, lang: str) -> dict[str, Any]:
    process = engine.compiled_for(case).process
    now = clock.to_text(engine.now())
    return {
        "id": case.id,
        "title": case.title,
        "process": case.process_id,
        "process_title": process.title.get(lang),
        "version": case.version,
        "state": case.state,
        "state_title": process.state(case.state).title.get(lang),
        "next_deadline": case.next_due,
        "overdue": case.next_due is not None and case.next_due <= now,
        "updated_at": case.updated_at,
        "closed_at": case.closed_at,
        "revision": case.revision,
    }


def case_data(engine: Engine, case: Case, actor: Actor, lang: str) -> dict[str, Any]:
    data = case_summary(engine, case, lang)
    data["definition_sha256"] = case.definition_sha256
    data["created_at"] = case.created_at
    data["fields"] = dict(case.fields)
    data["deadlines"] = [
        {
            "kind": d.kind,
            "state": d.state,
            "due_at": d.due_at,
            "action": d.action,
            "before": d.before,
            "fired_at": d.fired_at,
        }
        for d in engine.store.deadlines(case.id)
    ]
    data["history"] = [
        {
            "at": e.at,
            "actor": e.actor,
            "account": e.account,
            "kind": e.kind,
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "changes": dict(e.changes),
            "note": e.note,
        }
        for e in engine.store.history(case.id)
    ]
    data["refused"] = engine.store.refusals(case.id)
    data["actions"] = [
        {
            "id": a.action.id,
            "title": a.action.title.get(lang),
            "to": a.action.to,
            "allowed": a.allowed,
            "reasons": [messages.text(r, lang) for r in a.reasons],
            "fields": list(a.action.form_fields()),
            "requires": list(a.action.requires),
            "note_required": a.action.note_required,
        }
        for a in engine.availability(case, actor)
    ]
    return data


def case_text(data: dict[str, Any], process: Process, lang: str) -> str:
    lines = [
        f"Case {data['id']}: {data['title']}",
        f"  process  {process.title.get(lang)} ({data['process']} v{data['version']}, {process.level})",
        f"  step     {data['state_title']} [{data['state']}]" + ("  (closed)" if data["closed_at"] else ""),
        f"  revision {data['revision']}, updated {data['updated_at']}",
    ]
    if data["fields"]:
        lines.append("")
        lines.append("Fields")
        for field in process.fields:
            if field.id in data["fields"] and data["fields"][field.id] is not None:
                shown = fieldtypes.show(field, data["fields"][field.id], lang)
                lines.append(f"  {field.label.get(lang)} [{field.id}]: {shown}")
    if data["deadlines"]:
        lines.append("")
        lines.append("Deadlines")
        for d in data["deadlines"]:
            what = "deadline" if d["kind"] == "deadline" else f"reminder ({d['before']} before)"
            overdue = "  OVERDUE" if d["kind"] == "deadline" and data["overdue"] else ""
            fired = f"  (sent {d['fired_at'][:10]})" if d["fired_at"] and d["kind"] == "reminder" else ""
            lines.append(f"  {d['due_at'][:10]}  {what}{overdue}{fired}")
    lines.append("")
    lines.append("History")
    for event in data["history"]:
        what = event["action"] or event["kind"]
        move = f"{event['from']} -> {event['to']}" if event["from"] != event["to"] else event["to"]
        if event["from"] is None:
            move = f"-> {event['to']}"
        who = event["actor"] + (f" (by {event['account']})" if event["account"] else "")
        lines.append(f"  {event['at']}  {who}  {what}  {move}")
        if event["changes"]:
            lines.append("      set " + ", ".join(f"{k}={v}" for k, v in event["changes"].items()))
        if event["note"]:
            lines.append(f"      note: {event['note']}")
    if data["actions"]:
        lines.append("")
        lines.append("Actions")
        for action in data["actions"]:
            mark = "  " if action["allowed"] else "x "
            lines.append(f"  {mark}{action['id']}: {action['title']} -> {action['to']}")
            if action["requires"]:
                lines.append("      requires " + ", ".join(action["requires"]))
            for reason in action["reasons"]:
                lines.append(f"      not now: {reason}")
    return "\n".join(lines)


def overview_text(engine: Engine, lang: str) -> str:
    """What a coordinator sees first: active cases per process and step, then what is overdue."""
    from samskab.engine.readmodels import CaseFilter

    now = clock.to_text(engine.now())
    lines = []
    for definition in engine.processes():
        process = definition.process
        counts = {
            state: engine.store.count_cases(CaseFilter(process_id=process.id, state=state, open_only=True))
            for state in steps_in_order(process)
        }
        total = sum(counts.values())
        lines.append(f"{process.title.get(lang)} [{process.id}]: {total} active")
        for state, count in counts.items():
            if count:
                lines.append(f"  {count:>5}  {process.state(state).title.get(lang)}")
    overdue = engine.cases(CaseFilter(overdue_at=now, open_only=True))
    lines.append("")
    lines.append(f"Overdue: {len(overdue)}")
    for case in overdue[:20]:
        summary = case_summary(engine, case, lang)
        lines.append(
            f"  case {case.id}: {case.title}  ({summary['state_title']}, due {summary['next_deadline'][:10]})"
        )
    lines.append("")
    lines.append("See a case: samskab cases show ID;  all cases: samskab cases list")
    return "\n".join(lines)


def library_markdown(processes: list[Process]) -> str:
    """Every process as a Markdown section with its Mermaid diagram (docs/processes.md)."""
    lines = [
        "# The process library",
        "",
        "The processes samskab ships in `processes/`. Generated by "
        "`samskab processes docs > docs/processes.md`; a test keeps it up to date.",
        "",
    ]
    for process in sorted(processes, key=lambda p: p.id):
        roles = {r.id: r.title.da for r in process.roles}
        lines += [
            f"## {process.title.da} / {process.title.en} (`{process.id}`)",
            "",
            f"Level: {process.level}. Version {process.version}.",
            "",
            process.description.da,
            "",
            f"*{process.description.en}*",
            "",
            "```mermaid",
            process_mermaid(process, "da"),
            "```",
            "",
            "| step | deadline |",
            "|---|---|",
        ]
        for state_id in steps_in_order(process):
            state = process.state(state_id)
            data = process_data(process, "da")["states"]
            deadline = next(s["deadline"] for s in data if s["id"] == state_id)
            mark = " (start)" if state.initial else " (end)" if state.final else ""
            lines.append(
                f"| {state.title.da} `{state.id}`{mark} | {deadline_text(deadline) if deadline else ''} |"
            )
        lines += ["", "| action | from → to | who | requires |", "|---|---|---|---|"]
        for action in process.actions:
            who = ", ".join(roles.get(r, r) for r in action.roles) or "anyone"
            needs = ", ".join(f"`{f}`" for f in action.requires)
            if action.note_required:
                needs = (needs + ", " if needs else "") + "a note (reason)"
            lines.append(
                f"| {action.title.da} `{action.id}` | {', '.join(action.from_)} → {action.to} "
                f"| {who} | {needs} |"
            )
        if process.notify:
            lines += ["", "Notifications:", ""]
            for rule in process.notify:
                what = (
                    rule.on
                    + (f" `{rule.state}`" if rule.state else "")
                    + (f" `{rule.action}`" if rule.action else "")
                )
                lines.append(f"- {what} → {', '.join(roles.get(t, t) for t in rule.to)}")
        lines.append("")
    return "\n".join(lines)
