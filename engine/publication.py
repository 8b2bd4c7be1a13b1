"""What the municipality's website shows (``samskab publish``), read from the database.

A case is on it while the yes/no field its process's ``[public]`` table names in
``when`` is yes; it shows the case's title, process, step, dates, the summary and the
fields that table declares public (never one that names a person: the process checker
refuses those, ``engine.publicity``). A process with a ``door`` is on the page of doors,
with the municipality's contact from the config's ``[publish]``.

One more guard, for what people type: a case whose title, summary or public fields
mention what its own personal fields hold (a citizen's name typed into the title), or
someone in the register of people, is left out and said (``Withheld``), so no name
reaches the website by way of a free text.
"""

from collections.abc import Iterable, Iterator

from samskab.engine import collation, fieldtypes, publicity, views
from samskab.engine.cases import ACTION, CREATED, DEADLINE, MIGRATION, Case, Event
from samskab.engine.config import Person
from samskab.engine.core import Engine
from samskab.engine.definition import Definition, Process
from samskab.engine.errors import BadInput
from samskab.engine.mentions import Mentions
from samskab.engine.messages import msg, text, words
from samskab.engine.readmodels import (
    CaseFilter,
    Publication,
    PublicCase,
    PublicProcess,
    PublicStep,
    Withheld,
)
from samskab.engine.suggest import did_you_mean

MOVES = (CREATED, ACTION, DEADLINE, MIGRATION)
"""The events that can bring a case to a step."""


def publication(engine: Engine, lang: str, reader: str) -> Publication:
    """The website's content, in ``lang``: every process with public cases or a door;
    why a case is left out, in the ``reader``'s language."""
    config = engine.config.publish
    definitions = engine.processes()
    known = [d.process.id for d in definitions]
    for process_id in sorted(config.contacts):
        if process_id not in known:
            raise BadInput(
                msg("[publish] contacts names an unknown process {process}", process=process_id),
                [
                    did_you_mean(process_id, known)
                    or msg("its processes: {processes}", processes=", ".join(known))
                ],
            )
    register = {**engine.config.people, **engine.register()}
    _no_one_registered(register, [config.contact, *config.contacts.values()])
    shown, withheld = [], []
    for definition in definitions:
        process = definition.process
        cases, left_out = _public_cases(engine, definition, register, lang, reader)
        withheld += left_out
        door = process.public.door.get(lang) if process.public.door is not None else None
        if cases or door is not None:
            shown.append(
                PublicProcess(
                    id=process.id,
                    title=process.title.get(lang),
                    description=process.description.get(lang),
                    door=door,
                    contact=config.contacts.get(process.id, config.contact),
                    cases=tuple(cases),
                )
            )
    shown.sort(key=lambda p: (collation.key(p.title), p.id))
    changed = [case.changed_at for p in shown for case in p.cases]
    return Publication(
        municipality=config.municipality or words("the municipality", lang),
        contact=config.contact,
        lang=lang,
        processes=tuple(shown),
        updated_at=max(changed, default=None),
        withheld=tuple(withheld),
    )


def _no_one_registered(register: dict[str, Person], contacts: Iterable[str | None]) -> None:
    """BadInput if a contact in ``[publish]`` is someone's own: the website names a
    function (borgerservice@...), never a person in the register."""
    for pid, person in sorted(register.items()):
        someone = Mentions([t for t in (person.name, person.email) if t])
        if any(someone.names(contact) for contact in contacts if contact):
            raise BadInput(
                msg("[publish] names {person}, who is in the register of people", person=pid),
                [msg("give the address of a function (e.g. borgerservice@kommune.dk), never a person's own")],
            )


def _public_cases(
    engine: Engine, definition: Definition, register: dict[str, Person], lang: str, reader: str
) -> tuple[list[PublicCase], list[Withheld]]:
    """The process's cases marked public (each by its own version's ``[public]``), and
    those left out because a public text names a person."""
    marks = definition.process.public.when
    if marks is None:
        return [], []
    people = [t for person in register.values() for t in (person.name, person.email) if t]
    where = CaseFilter(process_id=definition.process.id, values=((marks, True),), order_by="id")
    shown, withheld = [], []
    for case in engine.iter_cases(where):
        process = engine.compiled_for(case).process
        if process.public.when is None or case.fields.get(process.public.when) is not True:
            continue
        public = _public_case(case, process, engine.store.history(case.id), lang)
        named = _naming(public, _personal_texts(case, process, people), reader)
        if named is None:
            shown.append(public)
        else:
            reason = msg(
                "case {case} is left off the website: its {what} names a person"
                " (the case's own personal fields or the register of people)",
                case=case.id,
                what=named,
            )
            withheld.append(Withheld(case.id, text(reason, reader)))
    return shown, withheld


def _public_case(case: Case, process: Process, history: Iterable[Event], lang: str) -> PublicCase:
    """What the website shows of ``case``: what ``process`` declares public only."""
    public = process.public
    summary = case.fields.get(public.summary) if public.summary else None
    steps = tuple(_steps(history, process, lang))
    return PublicCase(
        id=case.id,
        title=case.title,
        process=process.id,
        process_title=process.title.get(lang),
        state=case.state,
        state_title=views.step_title(process, case.state, lang),
        opened_at=case.created_at,
        step_at=steps[-1].at if steps else case.created_at,
        changed_at=case.updated_at,
        closed_at=case.closed_at,
        summary=summary if isinstance(summary, str) and summary.strip() else None,
        fields=tuple(
            views.field_value(process, f, case.fields[f], lang)
            for f in public.fields
            if fieldtypes.is_filled(case.fields.get(f))
        ),
        steps=steps,
    )


def _steps(history: Iterable[Event], process: Process, lang: str) -> Iterator[PublicStep]:
    """The steps the case came to, from its history (a step taken again counts again)."""
    for event in history:
        if event.kind in MOVES and event.to_state != event.from_state:
            yield PublicStep(event.to_state, views.step_title(process, event.to_state, lang), event.at)


def _personal_texts(case: Case, process: Process, people: list[str]) -> list[str]:
    """What the case's personal fields hold, and the register's names and addresses."""
    held = [case.fields.get(f) for f in publicity.personal_fields(process)]
    return [*people, *(value.strip() for value in held if isinstance(value, str) and value.strip())]


def _naming(public: PublicCase, personal: list[str], lang: str) -> str | None:
    """Which public text of the case mentions one of ``personal`` (None: none does), in
    ``lang``."""
    someone = Mentions(personal)
    texts = [(words("title", lang), public.title)]
    texts += [(words("summary", lang), public.summary or "")]
    texts += [(field.label, field.shown) for field in public.fields]
    return next((what for what, said in texts if someone.names(said)), None)
