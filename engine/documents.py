"""Documents kept with a case (the signed agreement, the minutes of a meeting): read
from a file, found on a case, and their content checked.

A document lives in the database (the store's documents), attached by an event that
records its name, size and the sha256 of its content (``Engine.attach_document``), so
``audit verify`` notices content swapped afterwards, and content that is not what was
attached is never handed out. A file to attach is a plain file within the size limit of
the config's ``[documents]``; one saved is written as every file with personal data
(``Service.write_private``: owner-only, never over a file unless asked).
"""

import hashlib
import re
import stat
from pathlib import Path

from samskab.engine import audit, sizes
from samskab.engine.cases import Case
from samskab.engine.core import Engine
from samskab.engine.errors import BadInput, NotFound, StorageFailed, file_problem
from samskab.engine.messages import Both, day, msg
from samskab.engine.store import StoredDocument

LONGEST_NAME = 255
"""Characters in a document's name (most file systems allow 255 bytes in a file name)."""

_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""Characters never kept in a name: control characters (they steer a terminal), the
ones that turn text around (``aftale\u202efdp.exe`` shows as ``aftaleexe.pdf``), and
bytes that were not UTF-8."""


def name_for(path: Path, given: str | None = None) -> str:
    """The name a document is kept under: ``given``, or else the file's own name, with
    characters no name should hold made ``_``."""
    name = _UNSHOWABLE.sub("_", (path.name if given is None else given).strip())
    if name in ("", ".", ".."):
        raise BadInput(msg("a document needs a name"))
    if "/" in name:
        raise BadInput(msg("{name!r}: a document's name is a file name, without /", name=name))
    if len(name) > LONGEST_NAME:
        raise BadInput(msg("a document's name is at most {count} characters", count=LONGEST_NAME))
    return name


def read(path: Path, limit: int, config: str) -> bytes:
    """The content of the file at ``path``, refused clearly if it is not a plain file, cannot
    be read, or is larger than ``limit`` bytes (``config`` names where the limit is set)."""
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise BadInput(msg("{path} is a folder; attach the files in it one by one", path=str(path)))
        if not stat.S_ISREG(status.st_mode):
            raise BadInput(msg("{path} is not a file (a device or a pipe?)", path=str(path)))
        _within(path, status.st_size, limit, config)
        with path.open("rb") as file:
            content = file.read(limit + 1)  # a file that grows meanwhile is still refused
    except OSError as error:
        raise file_problem(path, error) from None
    _within(path, len(content), limit, config)
    return content


def _within(path: Path, size: int, limit: int, config: str) -> None:
    if size <= limit:
        return
    said, most = sizes.both(size), sizes.both(limit)
    if said == most:  # 1.0 kB over 1.0 kB: in bytes, then
        said, most = Both(f"{size} B", f"{size} B"), Both(f"{limit} B", f"{limit} B")
    raise BadInput(
        msg(
            "{path} is {size}; a document may be at most {limit} (max_size under [documents] in {file})",
            path=str(path),
            size=said,
            limit=most,
            file=config,
        )
    )


def find(engine: Engine, case: Case, document_id: int) -> StoredDocument:
    """The case's document ``document_id``; NotFound (saying which it has) if none."""
    kept = engine.store.documents(case.id)
    found = next((d for d in kept if d.id == document_id), None)
    if found is None:
        raise NotFound(
            msg("case {case} has no document {id}", case=case.id, id=document_id),
            [msg("its documents: {ids}", ids=", ".join(str(d.id) for d in kept))] if kept else [],
        )
    return found


def content(engine: Engine, case: Case, document: StoredDocument) -> bytes:
    """A document's content, checked against the sha256 its history records (content
    swapped in the database is refused, not handed on)."""
    if document.deleted_at is not None:
        raise BadInput(
            msg(
                "document {id} was deleted {day}; its history keeps its name, size and sha256 only",
                id=document.id,
                day=Both(day(document.deleted_at, "da"), day(document.deleted_at, "en")),
            )
        )
    data = engine.store.document_content(document.id) or b""
    attaching = next((e for e in engine.store.history(case.id) if e.id == document.event_id), None)
    record = audit.document_record(attaching.kind, attaching.changes) if attaching else None
    if record is None or hashlib.sha256(data).hexdigest() != record.get("sha256"):
        raise StorageFailed(
            msg(
                "document {id} is not what was attached: its content does not match the sha256 its history "
                "records; nothing was written. Run samskab audit verify, and restore the database from a backup",
                id=document.id,
            )
        )
    return data
