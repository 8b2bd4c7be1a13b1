"""The people who use samskab, their roles, and who is acting.

The register of people lives in the database, never in a file the caller can point
at: it is the fields of a case of its own (number -1, never listed), so every change is
an event in its history, in the audit chain, erased like any other personal data and
checked by ``audit verify`` (the register must follow from its history). It changes
only through :mod:`samskab.engine.service` methods an admin calls (``samskab people``).
``samskab.toml``'s ``[people]`` seed it once, when the database has no register yet.

While no one is registered, samskab runs in single-user mode: whoever runs it holds
every role. The first registration ends that, and the account that makes it becomes
an admin, so someone can always manage people.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from samskab.engine.cases import PEOPLE, Case, Event
from samskab.engine.config import ADMIN_ROLE, Actor, Person
from samskab.engine.definition import Process, Text
from samskab.engine.errors import BadInput, NotFound, Refused
from samskab.engine.messages import Both, Msg, msg

REGISTER = -1
"""The register's case number: below every case's, so no list or number reaches it."""
REGISTER_PROCESS = "samskab.people"
REGISTER_STATE = "register"

SYSTEM_ROLES = {
    ADMIN_ROLE: Text("administrator", "administrator"),
    "databeskyttelse": Text("databeskyttelse", "data protection"),
    "drift": Text("drift", "operations"),
    "revisor": Text("revisor", "auditor"),
}
"""Roles of samskab itself; processes name the roles of their own work."""

ACCOUNT = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")
"""What an operating-system account (and so a person's id) may look like."""


@attrs.frozen
class Permission:
    """Something only some roles may do, and how a refusal says it."""

    what: Msg
    roles: tuple[str, ...]


MANAGE_PEOPLE = Permission(msg("manage people"), (ADMIN_ROLE,))
ACT_FOR_OTHERS = Permission(msg("act on someone else's behalf"), (ADMIN_ROLE,))
PERSONAL_DATA = Permission(msg("export or erase personal data"), (ADMIN_ROLE, "databeskyttelse"))
OUTBOX = Permission(msg("retry or dismiss messages"), (ADMIN_ROLE, "drift"))
AUDIT = Permission(msg("verify the audit trail"), (ADMIN_ROLE, "revisor"))
MIGRATE = Permission(msg("move running cases to another version of their process"), (ADMIN_ROLE,))
DELETE_DOCUMENTS = Permission(msg("delete a document's content"), (ADMIN_ROLE, "databeskyttelse"))
PUBLISH = Permission(msg("publish the municipality's website"), (ADMIN_ROLE, "koordinator"))
"""Coordinators mark cases public and answer for what the website says of them."""
IMPORT = Permission(msg("import cases from a file"), (ADMIN_ROLE,))
"""An import opens cases in any step, past the roles and conditions of the actions that
would have led there: an admin's to do, as moving cases to another version is."""
MATRIX = (
    MANAGE_PEOPLE,
    ACT_FOR_OTHERS,
    PERSONAL_DATA,
    OUTBOX,
    AUDIT,
    MIGRATE,
    DELETE_DOCUMENTS,
    PUBLISH,
    IMPORT,
)
"""Beyond these, being registered lets a person read every case (and save its
documents); opening a case, taking an action and attaching a document need the roles
its process names (see docs/security.md)."""


def read(case: Case | None) -> dict[str, Person]:
    """The register as a case holds it (empty: single-user mode)."""
    if case is None:
        return {}
    return {record["id"]: _person(record) for record in case.fields.get("people", ())}


def _person(record: Mapping[str, Any]) -> Person:
    return Person(
        name=record.get("name"),
        email=record.get("email"),
        roles=tuple(record.get("roles", ())),
        language=record.get("language", "da"),
    )


def records(people: Mapping[str, Person]) -> dict[str, Any]:
    """The register as case fields: a list, so an erasure finds a person's id as a value."""
    return {
        "people": [
            {"id": pid, "name": p.name, "email": p.email, "roles": list(p.roles), "language": p.language}
            for pid, p in sorted(people.items())
        ]
    }


def actor(register: Mapping[str, Person], account: str, person: str | None) -> Actor:
    """Who acts: the operating-system account, or ``person`` (``--as``) on its behalf,
    which needs the admin role once anyone is registered."""
    if person is None or person == account:
        return _actor(register, account)
    if register:
        acting = _actor(register, account)
        if person not in register:
            raise BadInput(msg("{person} is not registered", person=person))
        check(acting, ACT_FOR_OTHERS)
    return attrs.evolve(_actor(register, person), account=account)


def registered_person(register: Mapping[str, Person], person_id: str) -> Actor:
    """A registered person (not acting: e.g. whose calendar to show); NotFound if no one
    is registered under that account."""
    if person_id not in register:
        raise NotFound(msg("no one is registered as {person}", person=person_id))
    return _actor(register, person_id)


def now_as(register: Mapping[str, Person], acting: Actor) -> Actor:
    """``acting`` with the roles the register gives them now (a role revoked while a
    terminal UI is open counts at once)."""
    if not register:
        return acting
    return attrs.evolve(_actor(register, acting.id), account=acting.account)


def _actor(register: Mapping[str, Person], who: str) -> Actor:
    if not register:
        return Actor(who, None)
    known = register.get(who)
    if known is None:
        return Actor(who, frozenset(), registered=False)
    return Actor(who, frozenset(known.roles), email=known.email)


def check(acting: Actor, permission: Permission) -> None:
    """Refused, saying which role would allow it, unless ``acting`` holds one."""
    registered(acting)
    if not acting.has_any(permission.roles):
        raise Refused(
            msg("{actor} may not {what}", actor=acting.id, what=permission.what),
            [msg("it needs one of the roles: {roles}", roles=titles(permission.roles))],
        )


def registered(acting: Actor) -> None:
    if not acting.registered:
        raise Refused(
            msg("{actor} is not registered in this database", actor=acting.id),
            [msg("an admin registers people with `samskab people add`")],
        )


def titles(roles: Iterable[str]) -> Both:
    """Roles in words: samskab's own by their titles, a process's by their ids."""
    named = [SYSTEM_ROLES.get(r, Text(r, r)) for r in roles]
    return Both(", ".join(t.da for t in named), ", ".join(t.get("en") for t in named))


def change_event(at: dt.datetime, acting: Actor, people: Mapping[str, Person], note: str) -> Event:
    """The event that records the register becoming ``people``."""
    return Event(
        REGISTER,
        at,
        acting.id,
        PEOPLE,
        None,
        REGISTER_STATE,
        REGISTER_STATE,
        records(people),
        note,
        account=acting.account,
    )


def register_case(at: dt.datetime) -> Case:
    return Case(REGISTER, "", REGISTER_PROCESS, 1, "", REGISTER_STATE, records({}), at, at, 1)


def has_admin(register: Mapping[str, Person]) -> bool:
    return any(ADMIN_ROLE in p.roles for p in register.values())


def keeps_an_admin(register: Mapping[str, Person]) -> None:
    """Refused if ``register`` (a change about to be made) leaves no one to manage people."""
    if register and not has_admin(register):
        raise Refused(
            msg("someone must keep the admin role"),
            [msg("give someone else the admin role first (`samskab people grant`)")],
        )


def with_admin(register: Mapping[str, Person], account: str) -> dict[str, Person]:
    """``register`` with ``account`` holding the admin role: how the first registration
    ends single-user mode without locking out the account that made it."""
    result = dict(register)
    known = result.get(account, Person())
    if ADMIN_ROLE not in known.roles:
        result[account] = attrs.evolve(known, roles=(*known.roles, ADMIN_ROLE))
    return result


def valid_id(person_id: str) -> str:
    if not ACCOUNT.match(person_id):
        raise BadInput(
            msg(
                "{id} cannot be an account name: a letter, then letters, digits, ., _ or -",
                id=repr(person_id),
            )
        )
    return person_id


def holds(acting: Actor, process: Process, values: Mapping[str, Any], roles: tuple[str, ...]) -> bool:
    """Whether ``acting`` holds one of ``roles`` in a case with these field values: a
    role bound to fields of the case (``Role.bound_to``) counts only where one of them
    names the person. No roles listed: anyone; single-user mode: every role."""
    if not roles or acting.roles is None:
        return True
    for role_id in roles:
        if role_id not in acting.roles:
            continue
        role = process.role(role_id)
        if role is None or not role.bound_to or any(acting.named_by(values.get(f)) for f in role.bound_to):
            return True
    return False


def unbound(acting: Actor, process: Process, roles: tuple[str, ...]) -> list[Msg]:
    """Why ``acting``, holding one of ``roles`` in general, does not hold it in this case:
    each bound role they hold, and the fields that would have to name them."""
    reasons = []
    for role_id in roles:
        role = process.role(role_id)
        if role is not None and role.bound_to and acting.roles is not None and role_id in acting.roles:
            labels = [Both.of(f.label) for f in map(process.field, role.bound_to) if f]
            reasons.append(
                msg(
                    "{actor} is {role} only in the cases that name them in {fields}",
                    actor=acting.id,
                    role=Both.of(role.title),
                    fields=Both(", ".join(b.da for b in labels), ", ".join(b.en for b in labels)),
                )
            )
    return reasons
