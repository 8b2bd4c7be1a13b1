"""A log file (the ``log`` channel type): one JSON line per event, appended.

::

    [channels.journal]
    type = "log"
    path = "notifications.log"      # relative to the current directory

The journal holds personal data (names, addresses, titles, notes), so the channel keeps
it reachable for ``samskab person export`` and ``person erase``
(``engine.channels.KeepsPersonalData``). An erasure writes the journal anew beside it and
puts it in place in one rename; appending and erasing take turns through a lock on the
journal, so no line is lost to an erasure running at the same time.
"""

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import attrs

from samskab.engine.channels import Channel, OutboxMessage
from samskab.engine.errors import file_problem
from samskab.engine.hookspecs import hookimpl
from samskab.engine.mentions import Mentions
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
        with _locked(self.settings.path, lambda: open_private(self.settings.path, append=True)) as log:
            log.write((line + "\n").encode("utf-8"))

    # -- personal data (engine.channels.KeepsPersonalData) -----------------------------

    def personal_data(self, person: Mentions) -> list[dict[str, Any]]:
        """The journal's lines that name the person: their number (from 1) and the entry
        (the line's JSON, or its text if it is not JSON)."""
        try:
            with open(self.settings.path, "rb") as journal:
                lines = enumerate(map(_Line.read, journal), 1)
                return [{"line": number, "entry": line.entry} for number, line in lines if line.names(person)]
        except FileNotFoundError:
            return []
        except OSError as error:
            raise file_problem(self.settings.path, error) from None

    def erase_personal_data(self, person: Mentions, pseudonym: str) -> int:
        """Write the journal anew with the person replaced by ``pseudonym`` in every line
        that names them, every other line byte for byte as it was; the lines changed."""
        path = Path(self.settings.path)
        try:
            with _locked(path, lambda: open(path, "rb")) as journal:
                if not any(_Line.read(raw).names(person) for raw in journal):
                    return 0
                journal.seek(0)
                return _rewrite(journal, path, person, pseudonym)
        except FileNotFoundError as error:
            if error.filename not in (None, str(path)):  # not the journal: the folder, say
                raise file_problem(error.filename, error) from None
            return 0
        except OSError as error:
            raise file_problem(error.filename or path, error) from None


@attrs.frozen
class _Line:
    """A line of the journal: its text (bytes that are not UTF-8 kept as surrogate
    escapes, so they are written back as they were) and its JSON, if it is JSON."""

    text: str
    json: Any
    is_json: bool
    newline: bytes

    @classmethod
    def read(cls, raw: bytes) -> "_Line":
        newline = b"\n" if raw.endswith(b"\n") else b""
        text = raw.removesuffix(b"\n").decode("utf-8", "surrogateescape")
        try:
            return cls(text, json.loads(text), True, newline)
        except ValueError:
            return cls(text, None, False, newline)

    @property
    def entry(self) -> Any:
        """The line as an export shows it: its JSON, or its text; Unicode either way (bytes
        that are not UTF-8, or a lone surrogate in the JSON, make it the text, with the
        bytes as ``\\xff``)."""
        if self.is_json:
            with contextlib.suppress(UnicodeEncodeError):
                json.dumps(self.json, ensure_ascii=False).encode("utf-8")
                return self.json
        return self.text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")

    def names(self, person: Mentions) -> bool:
        """As written (also in a key), or once the JSON is read (a name written with
        escapes, such as ``\\u00e6`` or ``\\n`` before it)."""
        return person.names(self.text) or (self.is_json and person.names(self.json))

    def erased(self, person: Mentions, pseudonym: str) -> bytes:
        """The line with every mention replaced: in the JSON's values, then in the text
        (a key; a line that is not JSON)."""
        if not self.is_json:
            return person.replaced(self.text, pseudonym).encode("utf-8", "surrogateescape") + self.newline
        value = person.replaced(self.json, pseudonym)
        try:
            text = person.replaced(json.dumps(value, ensure_ascii=False), pseudonym)
            return text.encode("utf-8", "surrogateescape") + self.newline
        except UnicodeEncodeError:  # a lone surrogate written as an escape: kept one
            return person.replaced(json.dumps(value), pseudonym).encode("ascii") + self.newline


def _rewrite(journal: BinaryIO, path: Path, person: Mentions, pseudonym: str) -> int:
    """Copy the journal to an owner-only file beside it, erasing the person, and put the
    copy in its place: the journal is the old one or the new one, never a mix."""
    fresh = path.with_name(path.name + ".erasing")
    changed = 0
    try:
        with open_private(fresh) as copy:
            for raw in journal:
                line = _Line.read(raw)
                if line.names(person):
                    raw = line.erased(person, pseudonym)
                    changed += 1
                copy.write(raw)
            copy.flush()
            os.fsync(copy.fileno())
        os.replace(fresh, path)
    except BaseException:
        with contextlib.suppress(OSError):
            fresh.unlink()
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself is durable
    finally:
        os.close(folder)
    return changed


@contextlib.contextmanager
def _locked(path: str | Path, opening: Callable[[], BinaryIO]) -> Iterator[BinaryIO]:
    """The journal opened by ``opening()`` and locked for this process alone. If an
    erasure put a new journal in its place while this one waited, the new one is opened."""
    while True:
        file = opening()
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            held = os.fstat(file.fileno())
            try:
                there = os.stat(path)
            except FileNotFoundError:
                continue  # taken away while this one waited: open it again
            if (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino):
                yield file
                return
        finally:
            file.close()  # closing also unlocks


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [LogChannel]
