"""The config file: people and their roles, extra process directories.

``samskab.toml`` beside the database, or the file given with ``--config``::

    processes = ["our-processes"]      # relative to this file

    [people.anna]
    name = "Anna Jensen"
    email = "anna@kommune.dk"
    roles = ["koordinator"]
    language = "da"

    [channels.mail]                    # see docs/notifications.md
    type = "smtp"
    host = "smtp.kommune.dk"

    [delivery]
    max_attempts = 5
    first_retry = "PT1M"               # doubled after each failed attempt

While no people are configured, samskab runs in single-user mode: whoever runs it
may take every role. Once ``[people]`` exists, actions are limited to the roles
given there.
"""

import os
import pwd
from pathlib import Path
from typing import Any

import attrs

from samskab.engine import durations, structure
from samskab.engine.errors import InvalidFiles, Problem, Refused, file_problem
from samskab.engine.messages import msg
from samskab.engine.validate import Finding

CONFIG_NAME = "samskab.toml"


@attrs.frozen
class Person:
    name: str | None = None
    email: str | None = None
    roles: tuple[str, ...] = ()
    language: str = "da"


@attrs.frozen
class Delivery:
    max_attempts: int = 5
    first_retry: str = "PT1M"


@attrs.frozen
class Config:
    processes: tuple[str, ...] = ()
    people: dict[str, Person] = attrs.field(factory=dict)
    channels: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    delivery: Delivery = attrs.field(factory=Delivery)

    def process_dirs(self, config_path: Path) -> list[Path]:
        """The ``processes`` directories, relative to the config file's directory."""
        return [config_path.parent / directory for directory in self.processes]


@attrs.frozen
class Actor:
    """Who is acting, and the roles they hold (None: single-user mode, every role).

    ``account`` is the operating-system account that acts on the person's behalf
    (``--as``), when that is someone else.
    """

    id: str
    roles: frozenset[str] | None
    account: str | None = None

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return not roles or self.roles is None or bool(self.roles & set(roles))


def load_config(path: Path, *, required: bool) -> Config:
    if not path.exists():
        if required:
            raise InvalidFiles([Problem(str(path), "", "config file not found")])
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise file_problem(path, error) from None
    data = structure.read_toml(text, str(path))
    try:
        config = structure.STRICT.structure(data, Config)
    except structure.STRUCTURE_ERRORS as exc:
        raise InvalidFiles(structure.problems(structure.findings(exc), text, str(path))) from None
    found = _delivery_findings(config.delivery)
    if found:
        raise InvalidFiles(structure.problems(found, text, str(path)))
    return config


def _delivery_findings(delivery: Delivery) -> list[Finding]:
    """What types cannot say about [delivery]: found when samskab starts, not at the first
    failed message."""
    found = []
    problem = durations.problem(delivery.first_retry)
    if problem:
        found.append(Finding(("delivery", "first_retry"), problem, "e.g. PT1M (a minute) or PT15M"))
    if delivery.max_attempts < 1:
        found.append(Finding(("delivery", "max_attempts"), "must be 1 or more"))
    return found


ADMIN_ROLE = "admin"


def os_account() -> str:
    """The operating-system account running samskab (not the spoofable $USER)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())


def actor_for(config: Config, person: str | None) -> Actor:
    """The acting person: the operating-system account, or ``person`` (from ``--as``),
    which needs the admin role once people are configured."""
    account = os_account()
    if person is None or person == account:
        return _person(config, account)
    if config.people and not _person(config, account).has_any((ADMIN_ROLE,)):
        raise Refused(
            msg("{account} may not act on someone else's behalf", account=account),
            [msg("`--as` needs the `admin` role in the config")],
        )
    return attrs.evolve(_person(config, person), account=account)


def _person(config: Config, who: str) -> Actor:
    if not config.people:
        return Actor(who, None)
    known = config.people.get(who)
    return Actor(who, frozenset(known.roles) if known else frozenset())
