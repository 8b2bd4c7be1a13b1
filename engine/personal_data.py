"""Personal data (GDPR): everything held on a person, and erasing it.

A person is found by e-mail address: in the config, in case fields, titles and notes,
in the history and in the outbox, in the names of documents, and in what channels keep
outside the database (the log channel's journal; ``engine.channels.KeepsPersonalData``),
matched one way (``engine.mentions``). Erasure pseudonymises every place, records the
erasure as an event on each case it touched, and keeps the audit chain verifiable (the
touched events keep their digests and are marked erased; see ``engine.audit``).

What documents hold is not searched (a scanned PDF has no text to search): an export
lists every document of the cases that name the person, and an erasure leaves their
contents and says which they are, for someone to read and delete
(``Service.delete_document``) where they name the person.
"""

from typing import Any

from samskab.engine import audit, fieldtypes, people
from samskab.engine.channels import keeping_personal_data
from samskab.engine.config import Actor, Person
from samskab.engine.core import Engine
from samskab.engine.errors import BadInput, NotFound, SamskabError
from samskab.engine.mentions import Mentions
from samskab.engine.messages import msg, text


def _needles(engine: Engine, email: str) -> tuple[list[str], dict[str, Person]]:
    """The texts that identify the person (the whole address, their names and account
    ids, never a part of one), and who they are in the register of people (or in the
    config file that seeded it)."""
    if not fieldtypes.is_email(email):
        raise BadInput(msg("{value!r} is not an e-mail address", value=email))
    known = {**engine.config.people, **engine.register()}
    found = {
        pid: person
        for pid, person in known.items()
        if person.email and person.email.casefold() == email.casefold()
    }
    names = [person.name for person in found.values() if person.name]
    return [email, *names, *found], found


def export(engine: Engine, email: str) -> dict[str, Any]:
    texts, found = _needles(engine, email)
    held = engine.store.personal_data(texts, list(found))
    held["cases"] = [c for c in held["cases"] if c["id"] != people.REGISTER]  # said under "people"
    registered = {
        pid: {"name": p.name, "email": p.email, "roles": list(p.roles), "language": p.language}
        for pid, p in found.items()
    }
    outside = {
        name: channel.personal_data(Mentions(texts))
        for name, channel in keeping_personal_data(engine.channels).items()
    }
    if not registered and not any(held.values()) and not any(outside.values()):
        raise NotFound(msg("nothing is held on {email}", email=email))
    return {"email": email, "people": registered, **held, "channels": outside}


def pseudonym(email: str, key: audit.Key) -> str:
    """What the person is called after erasure: the same for every place and every
    later erasure, and not found from a list of addresses without the audit key."""
    return "slettet-" + key.pseudonym(email)


def erase(engine: Engine, email: str, actor: Actor, pseudonym: str) -> dict[str, Any]:
    """Take the person out of the register of people (if there), then pseudonymise
    them everywhere: what channels keep outside the database first (one that cannot
    stops the erasure while the person's names are still known), then the database, then
    the channels again (for what was delivered meanwhile). ``documents_to_review``:
    (case, document) of every document of the cases that named the person, whose
    contents an erasure does not reach."""
    texts, found = _needles(engine, email)
    person = Mentions(texts)
    register = engine.register()
    leaving = any(pid in register for pid in found)
    kept = {pid: p for pid, p in register.items() if pid not in found}
    if leaving:
        people.keeps_an_admin(kept)
    outside = _erase_outside(engine, person, pseudonym)
    if leaving:
        engine.change_people(actor, kept, text(msg("{email} removed to be erased", email=email), "da"))
    review = [
        (d["case"], d["id"])
        for d in engine.store.personal_data(texts, list(found))["documents"]
        if not d["deleted"]
    ]
    counts = engine.store.erase_personal_data(texts, list(found), pseudonym, engine.now(), actor.id)
    again = _erase_outside(engine, person, pseudonym)
    return {
        **counts,
        "channels": {name: count + again[name] for name, count in outside.items()},
        "documents_to_review": review,
    }


def _erase_outside(engine: Engine, person: Mentions, alias: str) -> dict[str, int]:
    """Erase the person in every channel that keeps personal data, by channel name: how
    many of its records changed. A channel that fails does not stop the others; the
    failures are said together (erasing again finishes the work)."""
    erased, failed = {}, []
    for name, channel in keeping_personal_data(engine.channels).items():
        try:
            erased[name] = channel.erase_personal_data(person, alias)
        except Exception as error:  # a channel's failure is said, never a traceback
            reason = error.args[0] if isinstance(error, SamskabError) else str(error) or repr(error)
            failed.append(msg("channel {channel}: {reason}", channel=name, reason=reason))
    if failed:
        raise BadInput(msg("not erased everywhere; mend this and erase again"), failed)
    return erased
