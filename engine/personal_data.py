"""Personal data (GDPR): everything held on a person, and erasing it.

A person is found by e-mail address: in the config, in case fields, titles and notes,
in the history and in the outbox. Erasure pseudonymises every place, records the
erasure as an event on each case it touched, and keeps the audit chain verifiable
(the touched events keep their digests and are marked erased; see ``engine.audit``).
"""

import hashlib
from typing import Any

from samskab.engine import fieldtypes
from samskab.engine.config import Actor
from samskab.engine.core import Engine
from samskab.engine.errors import BadInput, NotFound
from samskab.engine.messages import msg


def _needles(engine: Engine, email: str) -> tuple[list[str], list[str]]:
    """The texts that identify the person (the whole address, never a part of one), and
    their person ids in the config."""
    if not fieldtypes.is_email(email):
        raise BadInput(msg("{value!r} is not an e-mail address", value=email))
    ids = [
        pid
        for pid, person in engine.config.people.items()
        if person.email and person.email.casefold() == email.casefold()
    ]
    names = [name for pid in ids if (name := engine.config.people[pid].name)]
    return [email, *names], ids


def export(engine: Engine, email: str) -> dict[str, Any]:
    texts, ids = _needles(engine, email)
    found = engine.store.personal_data(texts, ids)
    people = {
        pid: {"name": p.name, "email": p.email, "roles": list(p.roles), "language": p.language}
        for pid, p in engine.config.people.items()
        if pid in ids
    }
    if not people and not any(found.values()):
        raise NotFound(msg("nothing is held on {email}", email=email))
    return {"email": email, "people": people, **found}


def pseudonym(email: str) -> str:
    return "slettet-" + hashlib.sha256(email.casefold().encode()).hexdigest()[:10]


def erase(engine: Engine, email: str, actor: Actor) -> dict[str, int]:
    texts, ids = _needles(engine, email)
    return engine.store.erase_personal_data(texts, ids, pseudonym(email), engine.now(), actor.id)
