"""A log file (the ``log`` channel type): one JSON line per event, appended.

::

    [channels.journal]
    type = "log"
    path = "notifications.log"      # relative to the current directory
"""

import json
from typing import ClassVar

import attrs

from samskab.engine.channels import Channel, OutboxMessage
from samskab.engine.hookspecs import hookimpl
from samskab.engine.private import open_private


@attrs.frozen
class LogSettings:
    path: str
    events: tuple[str, ...] = ("action", "created", "reminder", "deadline")


class LogChannel:
    type: ClassVar[str] = "log"
    addressed: ClassVar[bool] = False
    Settings: ClassVar = LogSettings

    def __init__(self, name: str, settings: LogSettings):
        self.name = name
        self.settings = settings

    def send(self, message: OutboxMessage) -> None:
        line = json.dumps(
            {"key": message.key, "subject": message.subject, **message.payload}, ensure_ascii=False
        )
        with open_private(self.settings.path, append=True) as log:
            log.write((line + "\n").encode("utf-8"))


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [LogChannel]
