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

    timezone = "Europe/Copenhagen"      # the default; deadlines and times shown

    [delivery]
    max_attempts = 5
    first_retry = "PT1M"               # doubled after each failed attempt

    [documents]
    max_size = "25 MB"                 # the largest document a case keeps

    [publish]                          # the website `samskab publish` writes
    municipality = "Holbæk Kommune"
    contact = "Borgerservice, tlf. 72 36 36 36, samskabelse@holbaek.dk"
    contacts = { borgerinitiativ = "ideer@holbaek.dk" }   # a process's own door
    language = "da"

``[people]`` seed the database's register of people once, when it has none yet; after
that they are kept in the database and changed with ``samskab people`` (see
:mod:`samskab.engine.people`).
"""

import os
import pwd
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import attrs

from samskab.engine import durations, localtime, sizes, structure
from samskab.engine.errors import InvalidFiles, Problem, file_problem
from samskab.engine.suggest import did_you_mean
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


LARGEST_DOCUMENT = 500 * 10**6
"""No limit for documents beyond this: samskab holds a document in memory while it
reads or writes it, and SQLite keeps at most 1 GB in one value."""


@attrs.frozen
class Documents:
    max_size: str = "25 MB"
    """The largest document a case keeps: ``25 MB``, ``500 kB``, ``1 GB`` (decimal units)."""

    @property
    def max_bytes(self) -> int:
        return sizes.parse(self.max_size)


@attrs.frozen
class Publish:
    """The municipality's website (``samskab publish``): who it is, and whom citizens
    contact (a function's address, never a person's own)."""

    municipality: str | None = None
    contact: str | None = None
    """How citizens reach the municipality about co-creation: words, a phone number, an
    address of a function (borgerservice@...)."""
    contacts: dict[str, str] = attrs.field(factory=dict)
    """A process's own contact, by process id, instead of ``contact``."""
    language: str = "da"
    """The website's language: da or en."""


@attrs.frozen
class Config:
    processes: tuple[str, ...] = ()
    people: dict[str, Person] = attrs.field(factory=dict)
    channels: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    delivery: Delivery = attrs.field(factory=Delivery)
    documents: Documents = attrs.field(factory=Documents)
    publish: Publish = attrs.field(factory=Publish)
    timezone: str = localtime.DEFAULT
    """The municipality's time zone (IANA name): deadlines and times shown."""

    def process_dirs(self, config_path: Path) -> list[Path]:
        """The ``processes`` directories, relative to the config file's directory."""
        return [config_path.parent / directory for directory in self.processes]


@attrs.frozen
class Actor:
    """Who is acting, and the roles they hold (None: single-user mode, every role); see
    :mod:`samskab.engine.people`.

    ``account`` is the operating-system account that acts on the person's behalf
    (``--as``), when that is someone else.
    """

    id: str
    roles: frozenset[str] | None
    account: str | None = None
    registered: bool = True
    """False for an account the register of people does not know (it may do nothing)."""
    email: str | None = None
    """Their address in the register, by which a case may name them (``Role.bound_to``)."""

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return not roles or self.roles is None or bool(self.roles & set(roles))

    def named_by(self, value: Any) -> bool:
        return names(value, self.id, self.email)


def names(value: Any, person_id: str, email: str | None) -> bool:
    """Whether a field's value names a person: their account, or their e-mail address
    (ignoring case), exactly, never as a part of a longer text."""
    if not isinstance(value, str) or not value.strip():
        return False
    named = value.strip().casefold()
    return named == person_id.casefold() or (email is not None and named == email.casefold())


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
    found = (
        _delivery_findings(config.delivery)
        + _zone_findings(config.timezone)
        + _documents_findings(config.documents)
        + _publish_findings(config.publish)
    )
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


def _documents_findings(documents: Documents) -> list[Finding]:
    try:
        limit = documents.max_bytes
    except ValueError as problem:
        return [Finding(("documents", "max_size"), str(problem), 'e.g. "25 MB" or "500 kB"')]
    if limit > LARGEST_DOCUMENT:
        return [
            Finding(
                ("documents", "max_size"),
                f"{documents.max_size!r} is more than samskab keeps in one document",
                f"at most {sizes.shown(LARGEST_DOCUMENT, 'en')}",
            )
        ]
    return []


def _publish_findings(publish: Publish) -> list[Finding]:
    if publish.language not in ("da", "en"):
        return [Finding(("publish", "language"), f"the language is da or en, not {publish.language!r}")]
    return []


def _zone_findings(name: str) -> list[Finding]:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(name, sorted(available_timezones())) or f"e.g. {localtime.DEFAULT}"
        return [Finding(("timezone",), f"unknown time zone {name!r}", hint)]
    return []


ADMIN_ROLE = "admin"


def os_account() -> str:
    """The operating-system account running samskab (not the spoofable $USER)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return str(os.getuid())
