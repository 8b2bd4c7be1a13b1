"""Which definition a case runs on: the files on disk for new cases, the stored text for
running ones.

Every version a case has used is kept in the store, word for word. New cases start
on the highest version among the files; a running case stays on the version it was
opened with, compiled from the stored text, whatever the file says today. A file
whose content changed while keeping a stored version number is reported and not used.
"""

from collections.abc import Callable

from samskab.engine import structure
from samskab.engine.definition import Definition
from samskab.engine.errors import InvalidFiles, NotFound, Problem
from samskab.engine.machine import CompiledProcess
from samskab.engine.messages import msg
from samskab.engine.store import Store, StoredDefinition
from samskab.engine.suggest import did_you_mean
from samskab.engine.validate import Finding

# (text, origin) -> Definition, raising InvalidFiles
Reader = Callable[[str, str], Definition]


class Registry:
    """Reads the process files only when something needs them: showing a running case
    needs just its stored version."""

    def __init__(self, files: Callable[[], list[Definition]], store: Store, read: Reader):
        self._files = files
        self._store = store
        self._read = read
        self._stored = {(d.process_id, d.version): d for d in store.definitions()}
        self._compiled: dict[tuple[str, int], CompiledProcess] = {}
        self._changed_files: dict[str, list[Problem]] | None = None
        self._latest_files: dict[str, Definition] | None = None

    @property
    def files_read(self) -> bool:
        return self._latest_files is not None

    @property
    def _latest(self) -> dict[str, Definition]:
        if self._latest_files is None:
            self._changed_files, self._latest_files = self._sort_files()
        return self._latest_files

    @property
    def _changed(self) -> dict[str, list[Problem]]:
        if self._changed_files is None:
            self._changed_files, self._latest_files = self._sort_files()
        return self._changed_files

    def _sort_files(self) -> tuple[dict[str, list[Problem]], dict[str, Definition]]:
        """(files changed in place by process id, the highest version of every other process)"""
        changed: dict[str, list[Problem]] = {}
        latest: dict[str, Definition] = {}
        for definition in self._files():
            if self._changed_in_place(definition):
                changed.setdefault(definition.process.id, []).append(_changed_problem(definition))
                continue
            current = latest.get(definition.process.id)
            if current is None or current.process.version < definition.process.version:
                latest[definition.process.id] = definition
        return changed, latest

    @property
    def problems(self) -> list[Problem]:
        """Files whose content changed under a version number cases already use."""
        return [problem for problems in self._changed.values() for problem in problems]

    def _changed_in_place(self, definition: Definition) -> bool:
        stored = self._stored.get(definition.key)
        return stored is not None and stored.sha256 != definition.sha256

    def process_ids(self) -> list[str]:
        return sorted(self._latest)

    def latest(self, process_id: str) -> Definition:
        """The definition new cases of ``process_id`` start on."""
        if process_id not in self._latest:
            if process_id in self._changed:
                raise InvalidFiles(self._changed[process_id])
            hint = did_you_mean(process_id, self._latest)
            raise NotFound(
                msg(
                    "there is no process `{process}`{hint}",
                    process=process_id,
                    hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
                )
            )
        return self._latest[process_id]

    def pin(self, definition: Definition) -> CompiledProcess:
        """Keep ``definition``'s text in the store, so that cases opened on it keep it."""
        if definition.key not in self._stored:
            stored = StoredDefinition(
                definition.process.id,
                definition.process.version,
                definition.sha256,
                definition.text,
                definition.origin,
            )
            self._store.save_definition(stored)
            self._stored[definition.key] = stored
        return self.compiled(*definition.key)

    def compiled(self, process_id: str, version: int) -> CompiledProcess:
        """The machine for a stored version, compiled from its stored text once."""
        key = (process_id, version)
        if key not in self._compiled:
            stored = self._stored.get(key)
            if stored is None:
                raise NotFound(
                    msg(
                        "process `{process}` version {version} is not in this database",
                        process=process_id,
                        version=version,
                    )
                )
            self._compiled[key] = CompiledProcess(self._read(stored.text, stored.origin))
        return self._compiled[key]


def _changed_problem(definition: Definition) -> Problem:
    process = definition.process
    finding = Finding(
        ("version",),
        msg(
            "process `{process}` changed since version {version} was first used, "
            "but its version number did not",
            process=process.id,
            version=process.version,
        ),
        msg(
            "set `version = {next}`; running cases stay on version {version}",
            next=process.version + 1,
            version=process.version,
        ),
    )
    return structure.problems([finding], definition.text, definition.origin)[0]
