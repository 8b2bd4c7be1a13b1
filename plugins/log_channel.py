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
        with open(self.settings.path, "a", encoding="utf-8") as log:
            log.write(line + "\n")


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [LogChannel]
