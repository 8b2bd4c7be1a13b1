"""Notification channels: what a plugin implements to deliver messages from the outbox.

A channel type is a class registered through the ``register_channel_types`` hook; the
config file names channels and gives each its settings::

    [channels.mail]
    type = "smtp"
    host = "smtp.kommune.dk"

*Addressed* channels (e-mail) get one message per recipient; *subscriber* channels
(webhook, log file) get one message per event, whoever it concerns.

A channel that keeps what it delivered where samskab can reach it again (the log file)
also implements :class:`KeepsPersonalData`, so that ``samskab person export`` and
``person erase`` cover it as they cover the database.
"""

import builtins
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

from samskab.engine import structure
from samskab.engine.errors import InvalidFiles, Problem
from samskab.engine.mentions import Mentions
from samskab.engine.suggest import did_you_mean


class Undeliverable(Exception):
    """A message that cannot be sent as things are (a secret not set): an incident at
    once, with this as its reason, rather than retries that cannot help."""


class OutboxMessage(Protocol):
    """What a channel reads of a message in the outbox (read-only)."""

    @property
    def id(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...


class Channel(Protocol):
    type: ClassVar[str]
    addressed: ClassVar[bool]
    Settings: ClassVar[builtins.type[Any]]  # `type` alone would be the attribute above
    """An attrs class of the channel's settings in the config file."""
    name: str
    settings: Any

    def __init__(self, name: str, settings: Any): ...

    def send(self, message: OutboxMessage) -> None:
        """Deliver the message or raise; the outbox retries later."""


@runtime_checkable
class KeepsPersonalData(Protocol):
    """What a channel that keeps personal data outside the database implements (an
    optional capability: a channel without these methods keeps nothing samskab can reach).

    ``person`` is who to look for: match them with ``person.names(value)`` and replace
    them with ``person.replaced(value, pseudonym)`` only, the exact matching the store uses
    (whole addresses and names, ignoring case). Raise a ``SamskabError`` (such as
    ``errors.file_problem``) for what the user can mend.
    """

    def personal_data(self, person: Mentions) -> list[dict[str, Any]]:
        """Every record the channel keeps that names the person, as JSON-ready data, in
        the order kept (the log channel: ``{"line": N, "entry": ...}``)."""
        ...

    def erase_personal_data(self, person: Mentions, pseudonym: str) -> int:
        """Replace every mention of the person with ``pseudonym``, all or nothing, leaving
        every other record as it was; the number of records changed. Called before the
        database's erasure (raising stops it) and again after it (for what ``send`` wrote
        in between), with the same person: the second call finds little or nothing."""
        ...


def keeping_personal_data(channels: Mapping[str, Channel]) -> dict[str, KeepsPersonalData]:
    """The channels, by name, that keep personal data outside the database."""
    return {name: channel for name, channel in channels.items() if isinstance(channel, KeepsPersonalData)}


def build_channels(
    configured: dict[str, dict[str, Any]], types: Mapping[str, type[Channel]], config_file: str
) -> dict[str, Channel]:
    """The channels the config names, with their settings checked; every mistake at once."""
    channels: dict[str, Channel] = {}
    problems: list[Problem] = []
    for name, table in configured.items():
        settings = dict(table)
        kind = settings.pop("type", None)
        if kind not in types:
            hint = did_you_mean(str(kind), sorted(types))
            problems.append(
                Problem(
                    config_file, f"channels.{name}.type", f"unknown channel type {kind!r}", suggestion=hint
                )
            )
            continue
        try:
            channels[name] = types[kind](name, structure.STRICT.structure(settings, types[kind].Settings))
        except structure.STRUCTURE_ERRORS as exc:
            for finding in structure.findings(exc):
                place = ".".join(str(p) for p in ("channels", name, *finding.place))
                problems.append(Problem(config_file, place, finding.message, suggestion=finding.suggestion))
    if problems:
        raise InvalidFiles(problems)
    return channels
