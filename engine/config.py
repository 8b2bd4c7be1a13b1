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

    [serve]                            # samskab serve, behind the municipality's login
    identity_header = "X-Remote-User"  # the proxy sets it to the person's account or e-mail
    trusted_proxies = ["127.0.0.1", "::1"]  # the default: the header only from these
    public_url = "https://samskab.kommune.dk"
    sessions_per_person = 5            # the default: each runs a terminal UI on the server

``[people]`` seed the database's register of people once, when it has none yet; after
that they are kept in the database and changed with ``samskab people`` (see
:mod:`samskab.engine.people`).
"""

import ipaddress
import os
import pwd
import re
import urllib.parse
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


HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
"""What an HTTP header's name may be (a token, RFC 9110)."""


@attrs.frozen
class Serve:
    """``samskab serve``: from where a browser's session learns who it acts as (see
    docs/security.md)."""

    identity_header: str | None = None
    """The header the reverse proxy in front of samskab sets to the logged-in person's
    account or e-mail address. Unset: samskab serves on loopback only, as the account
    running it."""
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")
    """The addresses (or networks, ``10.0.0.0/24``) the header is taken from; a request
    from anywhere else is refused."""
    public_url: str | None = None
    """The address people open in their browsers (the proxy's), e.g.
    ``https://samskab.kommune.dk``; needed with ``identity_header``."""
    sessions_per_person: int = 5
    """How many sessions (browser tabs) one person may have open at once: each runs a
    terminal UI of its own on the server."""


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
    serve: Serve = attrs.field(factory=Serve)
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
        + _serve_findings(config.serve)
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


def _serve_findings(serve: Serve) -> list[Finding]:
    found = []
    header = serve.identity_header
    if header is not None and not HEADER_NAME.match(header):
        found.append(
            Finding(
                ("serve", "identity_header"), f"{header!r} is not a header's name", 'e.g. "X-Remote-User"'
            )
        )
    for address in serve.trusted_proxies:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            found.append(
                Finding(
                    ("serve", "trusted_proxies"),
                    f"{address!r} is not an IP address or network",
                    'e.g. "127.0.0.1" or "10.0.0.0/24"',
                )
            )
    if not 1 <= serve.sessions_per_person <= 100:
        found.append(
            Finding(
                ("serve", "sessions_per_person"),
                f"{serve.sessions_per_person!r} is not a number of sessions from 1 to 100",
                "e.g. 5",
            )
        )
    if serve.public_url is not None and not public_url(serve.public_url):
        found.append(
            Finding(
                ("serve", "public_url"),
                f"{serve.public_url!r} is not a web address people can open",
                'e.g. "https://samskab.kommune.dk" (http or https, a host, no query)',
            )
        )
    return found


def public_url(url: str) -> str | None:
    """``url`` without a trailing slash, if it is an http(s) address with a host and no
    user name, query or fragment; else None."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    if any(c.isspace() or not c.isprintable() for c in url):
        return None
    if parts.query or parts.fragment or url.endswith("?") or url.endswith("#"):
        return None
    return url.rstrip("/")


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
