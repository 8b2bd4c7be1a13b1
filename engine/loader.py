"""Read process files into checked :class:`engine.definition.Definition` objects.

Reading goes TOML -> cattrs (types, unknown and missing keys) -> ``engine.validate``
(references, graph) -> plugins' ``validate_process``. Every problem of every file is
collected, then raised together as one :class:`engine.errors.InvalidFiles`.
"""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from samskab.engine import structure
from samskab.engine.definition import Definition, Process, with_any_open_step
from samskab.engine.errors import InvalidFiles, Problem
from samskab.engine.guards import Guard
from samskab.engine.validate import Finding, check_openings, check_process

# A plugin's extra check: process -> findings.
ExtraCheck = Callable[[Process], Iterable[Finding]]


def load_text(
    text: str,
    origin: str,
    *,
    guards: Mapping[str, Guard],
    extra_checks: Iterable[ExtraCheck] = (),
) -> Definition:
    """Read one process file's text; raise InvalidFiles listing every problem."""
    data = structure.read_toml(text, origin)
    findings: list[Finding] = []
    process = None
    try:
        process = structure.STRICT.structure(data, Process)
    except structure.STRUCTURE_ERRORS as exc:
        findings += structure.findings(exc)
        # Unknown keys alone should not hide the reference and graph checks below.
        try:
            process = structure.LENIENT.structure(data, Process)
        except structure.STRUCTURE_ERRORS:
            process = None
    if process is not None:
        process = with_any_open_step(process)
        findings += check_process(process, guards)
        if not findings:
            for check in extra_checks:
                findings += check(process)
    if findings:
        raise InvalidFiles(structure.problems(findings, text, origin))
    assert process is not None  # structuring it failed only with findings
    return Definition(process=process, text=text, origin=origin)


def process_files(paths: Iterable[Path]) -> list[Path]:
    """The process files named: files as given, directories' ``*.toml`` sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.toml"))
        else:
            files.append(path)
    return files


def load_files(
    paths: Iterable[Path],
    *,
    guards: Mapping[str, Guard],
    extra_checks: Iterable[ExtraCheck] = (),
    known: Iterable[Definition] = (),
) -> tuple[list[Definition], list[Problem]]:
    """Load every file; return the good definitions and every problem of the bad ones.
    What a file's actions open is checked against the others (and ``known``: processes
    read before, for a file checked on its own)."""
    definitions: list[Definition] = []
    problems: list[Problem] = []
    claimed: dict[tuple[str, int], str] = {}
    for file in process_files(paths):
        if not file.exists():
            problems.append(Problem(str(file), "", "no such file or directory"))
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(file), "", f"cannot read the file: {exc}"))
            continue
        try:
            definition = load_text(text, str(file), guards=guards, extra_checks=extra_checks)
        except InvalidFiles as exc:
            problems += exc.problems
            continue
        if definition.key in claimed:
            duplicate = Finding(
                ("id",),
                f"process `{definition.process.id}` version "
                f"{definition.process.version} is also defined in {claimed[definition.key]}",
                "give one of them another id, or a new version number",
            )
            problems += structure.problems([duplicate], text, str(file))
            continue
        claimed[definition.key] = str(file)
        definitions.append(definition)
    latest: dict[str, Process] = {}
    for definition in [*known, *definitions]:
        current = latest.get(definition.process.id)
        if current is None or current.version <= definition.process.version:
            latest[definition.process.id] = definition.process
    checked = []
    for definition in definitions:
        findings = check_openings(definition.process, latest)
        if findings:
            problems += structure.problems(findings, definition.text, definition.origin)
        else:
            checked.append(definition)
    return checked, problems


class Loader:
    """Reads process files with the guards and extra checks the plugins bring."""

    def __init__(self, pm):
        self.pm = pm
        self.guards: dict[str, Guard] = {
            guard.name: guard for guards in pm.hook.register_guards() for guard in guards or ()
        }
        self.builtin_dirs = [Path(d) for dirs in pm.hook.register_process_dirs() for d in dirs or ()]

    def _plugin_checks(self, process: Process) -> Iterable[Finding]:
        for findings in self.pm.hook.validate_process(process=process):
            yield from findings or ()

    def read(self, text: str, origin: str) -> Definition:
        return load_text(text, origin, guards=self.guards, extra_checks=[self._plugin_checks])

    def load(
        self, paths: Iterable[Path], known: Iterable[Definition] = ()
    ) -> tuple[list[Definition], list[Problem]]:
        return load_files(paths, guards=self.guards, extra_checks=[self._plugin_checks], known=known)
