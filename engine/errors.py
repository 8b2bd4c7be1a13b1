"""What can go wrong for a user, each with the exit status the command line gives it.

0 done; 1 refused (guard, role, conflict, unknown case or action); 2 bad input (usage,
invalid definition, a value that does not parse) or a database file that cannot be used
as asked (damaged, read-only, a full disk). Anything else is a bug and may show a
traceback; these never do.
"""

import errno
from collections.abc import Sequence

import attrs


class SamskabError(Exception):
    """A user-facing error: a message, and the details (every reason) below it."""

    exit_code = 2

    def __init__(self, message: str, details: Sequence[str] = ()):
        super().__init__(message)
        self.details = list(details)

    def lines(self) -> list[str]:
        return [str(self)] + [f"  - {detail}" for detail in self.details]

    def lines_in(self, lang: str) -> list[str]:
        """The message, then each detail, in ``lang``."""
        from samskab.engine.messages import text

        return [text(self.args[0], lang)] + [f"  - {text(d, lang)}" for d in self.details]

    def reasons_in(self, lang: str) -> list[str]:
        """The details (or the message, if there are none) in ``lang``."""
        from samskab.engine.messages import text

        return [text(d, lang) for d in self.details] or [text(self.args[0], lang)]


class BadInput(SamskabError):
    """A value, option or file the user gave does not parse."""


class Refused(SamskabError):
    """The engine will not do what was asked; says every reason at once."""

    exit_code = 1

    @property
    def reasons(self) -> list[str]:
        return self.details


class NotFound(SamskabError):
    exit_code = 1


class Busy(SamskabError):
    """The database stayed locked by another writer for longer than the timeout."""

    exit_code = 1


class Conflict(SamskabError):
    """Someone else changed the case since it was read; nothing was written."""

    exit_code = 1


class FileExists(BadInput):
    """A file samskab was asked to write is there already, and was left as it was."""


class StorageFailed(SamskabError):
    """The database could not be read or written: a damaged file, a read-only file or
    folder, a full disk. A write that failed left the database as it was."""


def file_problem(path: object, error: OSError) -> BadInput:
    """A file or folder samskab was pointed at that it cannot use, as a clear error."""
    from samskab.engine.messages import msg

    reason = {
        errno.ENOENT: msg("there is no such file or folder"),
        errno.EACCES: msg("permission denied"),
        errno.EPERM: msg("permission denied"),
        errno.EISDIR: msg("it is a folder, not a file"),
        errno.ENOTDIR: msg("a part of the path is not a folder"),
    }.get(error.errno or 0, error.strerror or str(error))
    return BadInput(msg("{path}: {reason}", path=str(path), reason=reason))


@attrs.frozen
class Problem:
    """One mistake in a process definition: where it is, what is wrong, what might fix it."""

    file: str
    place: str
    message: str
    line: int | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        return self.said("en")

    def said(self, lang: str) -> str:
        """The problem in ``lang`` where its message and suggestion know how to say it."""
        from samskab.engine.messages import text

        where = f"{self.file}:{self.line}" if self.line else self.file
        place = f" {self.place}:" if self.place else ""
        hint = f" ({text(self.suggestion, lang)})" if self.suggestion else ""
        return f"{where}:{place} {text(self.message, lang)}{hint}"


class InvalidFiles(SamskabError):
    """One or more process or config files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        from samskab.engine.messages import msg

        where = problems[0].file if problems else "files"
        super().__init__(msg("{count} problem(s) in {file}", count=len(problems), file=where))
        self.problems = problems

    def lines(self) -> list[str]:
        return self.lines_in("en")

    def lines_in(self, lang: str) -> list[str]:
        from samskab.engine.messages import text

        return [text(self.args[0], lang)] + [problem.said(lang) for problem in self.problems]
