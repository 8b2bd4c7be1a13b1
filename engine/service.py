"""The service: the one API the command line and the terminal UI use.

:func:`open_service` opens a database for the person running samskab (their identity is
decided here, from the operating-system account and the config, never by a front end)
and in the reader's language. Every use case is a method that answers with frozen read
models (:mod:`samskab.engine.readmodels`), already in words. Front ends render those
and catch :class:`samskab.engine.errors.SamskabError`; they never see a store, a loader
or a registry. Authorization belongs here, once, for every front end.

Methods run one at a time (a lock), so the terminal UI can call them from worker
threads on the one database connection.
"""

import datetime as dt
import errno
import functools
import itertools
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import attrs
import pluggy

from samskab.engine import audit, deadlines, documents, fieldtypes, links, localtime, people, settings, views
from samskab.engine.cases import DEADLINE, Case, Event
from samskab.engine.config import Actor, Person, names
from samskab.engine.core import LARGEST_ID, Engine, open_engine
from samskab.engine.definition import Field, Option, Process, Text
from samskab.engine.errors import BadInput, FileExists, NotFound, Refused, SamskabError, file_problem
from samskab.engine.messages import day, due_day, msg, quoted, text, words
from samskab.engine.plugins import get_plugin_manager
from samskab.engine.private import open_private
from samskab.engine.readmodels import (
    ActionChoice,
    AgendaItem,
    Anchor,
    AuditReport,
    Broken,
    CalendarEntry,
    CaseDetail,
    CaseFilter,
    CaseLinkView,
    CasePage,
    CaseSummary,
    ChannelView,
    CheckReport,
    DeliveryReport,
    DocumentView,
    Erasure,
    FieldSpec,
    FileProblem,
    ImportReport,
    MigratedCase,
    Migration,
    OptionView,
    OutboxItem,
    OutboxLogEntry,
    Overview,
    PeopleChange,
    Period,
    PersonView,
    ProcessCount,
    ProcessSummary,
    ProcessView,
    Publication,
    PublishReport,
    RefusalView,
    Report,
    ServeSettings,
    StartForm,
    StepCount,
    Table,
    TickEvent,
    TickReport,
)
from samskab.engine.report import process_report, year_period
from samskab.engine.report import table as report_table
from samskab.engine.store import OutboxRow
from samskab.engine.suggest import did_you_mean
from samskab.engine.validate import IDENTIFIER

P = ParamSpec("P")
R = TypeVar("R")


def _serial(method: Callable[P, R]) -> Callable[P, R]:
    """Run the method while holding the service's lock (one call at a time)."""

    @functools.wraps(method)
    def locked(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return locked


class Service:
    def __init__(self, engine: Engine, actor: Actor, lang: str = "da"):
        self._engine = engine
        self._actor = actor
        self.lang = lang
        self._lock = threading.RLock()
        self._warn_about_files = True
        self._server_files = True
        """False in a web browser's session: the files here are the server's, not the
        person's (:meth:`in_a_browser`)."""

    def acting_as(self, person: str | None) -> "Service":
        """The same database with ``person`` acting (``--as``): needs the admin role."""
        if person is None:
            return self
        try:
            as_person = self._engine.actor(person)
        except Refused as refused:
            self._refused(self.actor, people.ACT_FOR_OTHERS.what, refused)
            raise
        acting = Service(self._engine, as_person, self.lang)
        acting._lock = self._lock  # one connection, one lock
        acting._server_files = self._server_files
        return acting

    def in_a_browser(self) -> "Service":
        """This service for a session in a web browser (``samskab serve``): the files it
        could read or write are the server's, with the rights of the account serving, so
        attaching a file and writing one (an export, a saved document) are refused."""
        self._server_files = False
        return self

    def _files_here(self) -> None:
        if not self._server_files:
            raise Refused(
                msg(
                    "in a web browser, samskab does not read or write files on the server: attach,"
                    " export and save documents with samskab on the server itself"
                )
            )

    @property
    def actor(self) -> Actor:
        """Who is acting (decided by :func:`open_service`, never by a front end), with
        the roles the register of people gives them now."""
        return people.now_as(self._engine.register(), self._actor)

    def _may(self, permission: people.Permission | None = None) -> Actor:
        """The acting person, if the role matrix (docs/security.md) lets them do this:
        every use of cases needs a registered person, ``permission`` one of its roles.
        A refusal is recorded and says which role would allow it."""
        acting = self.actor
        try:
            if permission is None:
                people.registered(acting)
            else:
                people.check(acting, permission)
        except Refused as refused:
            self._refused(acting, permission.what if permission else msg("read cases"), refused)
            raise
        return acting

    def check_access(self) -> None:
        """Refused unless the acting person may use the cases (is registered)."""
        with self._lock:
            self._may()

    def _refused(self, acting: Actor, what: str, refused: Refused) -> None:
        """Record a refused attempt that is not an action on a case."""
        self._engine.store.record_refusal(
            None, self.now(), acting.id, acting.account, text(what, "en"), [str(r) for r in refused.reasons]
        )

    def now(self) -> dt.datetime:
        return self._engine.now()

    def warnings(self) -> list[str]:
        """What went wrong along the way without stopping the work: a plugin that failed
        after a change was saved, problems in process files that were read."""
        found = [str(e) for e in self._engine.plugin_errors]
        if self._engine.registry.files_read and self._warn_about_files:
            found += [problem.said(self.lang) for problem in self._engine.problems]
        seeds = self._engine.config.people
        try:
            register = self._engine.register() if seeds else {}
        except SamskabError:  # the error itself is what is said
            register = {}
        if register and any(register.get(pid) != person for pid, person in seeds.items()):
            found.append(
                text(
                    msg(
                        "the [people] in {file} are not what the database holds, and are not read: "
                        "people are kept in the database (samskab people)",
                        file=self._engine.config_origin,
                    ),
                    self.lang,
                )
            )
        return found

    def close(self) -> None:
        self._engine.store.close()

    # -- processes -------------------------------------------------------------------

    @_serial
    def processes(self) -> tuple[ProcessSummary, ...]:
        """The processes new cases can start on."""
        return tuple(
            ProcessSummary(
                id=d.process.id,
                version=d.process.version,
                level=d.process.level,
                level_title=views.level_title(d.process.level, self.lang),
                title=d.process.title.get(self.lang),
                description=d.process.description.get(self.lang),
                file=d.origin,
            )
            for d in self._engine.processes()
        )

    @_serial
    def process(self, process_id: str, version: int | None = None) -> ProcessView:
        """A process drawn step by step; ``version`` one that cases in the database use."""
        if version is None:
            process = self._engine.process(process_id).process
        else:
            process = self._engine.registry.compiled(process_id, version).process
        others = {d.process.id: d.process for d in self._engine.processes()}
        return views.process_view(process, self.lang, self._engine.loader.guards, others)

    @_serial
    def start_form(self, process_id: str) -> StartForm:
        """What opening a case of ``process_id`` asks for."""
        process = self._engine.process(process_id).process
        return StartForm(
            process_id=process.id,
            title=process.title.get(self.lang),
            description=process.description.get(self.lang),
            fields=views.form(process, process.start.form_fields(), self.lang),
            requires=tuple(process.start.requires),
        )

    @_serial
    def check_processes(self, paths: tuple[Path, ...] = ()) -> CheckReport:
        """Check process files (default: every one samskab loads); every problem at once."""
        self._warn_about_files = False  # the report itself says them
        loader = self._engine.loader
        if paths:
            definitions, problems = loader.load(paths, self._engine.processes())
        else:
            definitions, problems = loader.load(self._engine.process_dirs)
            problems += self._engine.registry.problems
        return CheckReport(len(definitions), tuple(p.said(self.lang) for p in problems))

    @_serial
    def process_problems(self) -> tuple[FileProblem, ...]:
        """Every problem that keeps a process file samskab loads from being used (a
        mistake in it, or a change made without a new version number), where it is and
        why, so a screen can show what would otherwise just be missing."""
        self._may()
        return tuple(
            FileProblem(
                file=p.file,
                line=p.line,
                place=p.place,
                what=text(p.message, self.lang),
                suggestion=text(p.suggestion, self.lang) if p.suggestion else None,
            )
            for p in self._engine.problems
        )

    def process_schema(self) -> dict[str, Any]:
        """The JSON Schema of process files, for editors."""
        from samskab.engine.schema import process_schema

        return process_schema()

    @_serial
    def processes_markdown(self) -> str:
        """Every process with its diagram, as Markdown (``docs/processes.md``)."""
        from samskab.engine import library

        return library.markdown([d.process for d in self._engine.processes()], self._engine.loader.guards)

    @_serial
    def migrate(
        self, process_id: str, version: int, mapping: dict[str, str] | None = None, *, dry_run: bool = False
    ) -> Migration:
        """Move the open cases of ``process_id`` to ``version``, each in one transaction
        with an event saying from which version and who; ``mapping``: old step -> new
        step where the new version renamed or dropped one. ``dry_run``: only say, per case,
        what would change."""
        acting = self._may(people.MIGRATE)
        lang = self.lang
        found = self._engine.migrate(process_id, version, mapping or {}, acting, dry_run=dry_run)
        cases = tuple(
            MigratedCase(
                case=m.case.id,
                title=m.case.title,
                from_version=m.case.version,
                from_state=m.case.state,
                from_state_title=m.old.state(m.case.state).title.get(lang),
                to_state=m.to_state,
                to_state_title=m.new.state(m.to_state).title.get(lang) if m.to_state else None,
                reason=text(m.reason, lang) if m.reason else None,
                dropped=tuple(views.label(m.old, f, lang) for f in m.dropped),
                deadlines=tuple(
                    f"{words(d.kind, lang)} {due_day(d.due_at, lang) if d.kind == DEADLINE else day(d.due_at, lang)}"
                    for d in m.deadlines
                ),
            )
            for m in found
        )
        moved = sum(1 for c in cases if c.to_state is not None)
        return Migration(process_id, version, dry_run, cases, moved, len(cases) - moved)

    @_serial
    def copy_process(self, process_id: str, new_id: str, directory: Path) -> Path:
        """Write a copy of a process under a new id, version 1, to change it."""
        if not IDENTIFIER.match(new_id):
            raise BadInput(msg("{id} is not a valid id (a letter, then letters, digits, _)", id=repr(new_id)))
        definition = self._engine.process(process_id)
        target = directory / f"{new_id}.toml"
        if target.exists():
            raise BadInput(msg("{path} already exists", path=str(target)))
        copied = re.sub(rf'^id = "{process_id}"', f'id = "{new_id}"', definition.text, count=1, flags=re.M)
        copied = re.sub(r"^version = \d+", "version = 1", copied, count=1, flags=re.M)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            target.write_text(copied, encoding="utf-8")
        except OSError as error:
            raise file_problem(target, error) from None
        return target

    # -- cases -----------------------------------------------------------------------

    def cases(self, where: CaseFilter | None = None) -> Iterator[CaseSummary]:
        """The cases matching ``where`` (default: all), one at a time: a long list needs
        no more memory than a short one. For one thread (the command line); the UI pages
        with :meth:`case_page`."""
        self._may()
        now, register = self.now(), self._engine.register()
        where = where or CaseFilter()
        for case in self._engine.iter_cases(self._query(where)):
            process = self._engine.compiled_for(case).process
            yield views.case_summary(case, process, now, self.lang, register, where.columns)

    @_serial
    def case_page(self, where: CaseFilter) -> CasePage:
        """One page of cases (``where.limit`` from ``where.offset``), how many match if
        the page says so (it is not full), and how many there are without the filter
        (kept by the store, so it costs nothing)."""
        rows = tuple(self.cases(where))
        full = where.limit is not None and len(rows) >= where.limit
        unfiltered = self._engine.store.count_cases(CaseFilter(open_only=where.open_only))
        return CasePage(rows, None if full else where.offset + len(rows), where.offset, unfiltered)

    @_serial
    def count_cases(self, where: CaseFilter) -> int:
        """How many cases match ``where`` (its page aside): what a full page leaves open."""
        self._may()
        return self._engine.store.count_cases(self._query(attrs.evolve(where, limit=None, offset=0)))

    @_serial
    def find_cases(self, query: str, limit: int = 10) -> tuple[CaseSummary, ...]:
        """Cases for a search box: the one numbered ``query`` ("12", "sag 12", "#12"),
        then those whose title or fields hold it (as ``CaseFilter.text``), the most
        recently changed first; at most ``limit``."""
        self._may()
        asked = query.strip()
        found: list[CaseSummary] = []
        number = re.fullmatch(r"(?:sag|case|#)?\s*(\d{1,18})", asked, flags=re.IGNORECASE)
        if number and 0 < int(number[1]) <= LARGEST_ID:
            case = self._engine.store.get_case(int(number[1]))
            if case is not None:
                process = self._engine.compiled_for(case).process
                register = self._engine.register()
                found.append(views.case_summary(case, process, self.now(), self.lang, register))
        if asked:
            where = CaseFilter(text=asked, order_by="updated_at", descending=True, limit=limit)
            found += [c for c in self.cases(where) if not found or c.id != found[0].id]
        return tuple(found[:limit])

    def _query(self, where: CaseFilter) -> CaseFilter:
        """``where`` as the store takes it: "overdue" means past a deadline now."""
        if where.overdue and where.overdue_at is None:
            return attrs.evolve(where, overdue_at=self.now())
        return where

    def year(self, year: int) -> Period:
        """A calendar year in local time, for ``CaseFilter`` periods (``opened``,
        ``closed``, ``active``, ``due``)."""
        if not 1900 < year < 3000:
            this_year = localtime.local(self.now()).year
            raise BadInput(msg("{year} is not a year; give one like {example}", year=year, example=this_year))
        return year_period(year)

    def field_values(self, process_id: str, typed: dict[str, str]) -> tuple[tuple[str, Any], ...]:
        """Values as people type them (``ja``, ``12.500``, an option's id) read as the
        process's fields store them, for ``CaseFilter.values``; an empty value means
        the field holds nothing."""
        process = self._engine.process(process_id).process
        found = []
        for field_id, value in typed.items():
            found.append((self._field(process, field_id).id, self._read(process, field_id, value)))
        return tuple(found)

    def columns(self, process_id: str, field_ids: tuple[str, ...]) -> tuple[str, ...]:
        """``field_ids`` checked against the process's fields, for ``CaseFilter.columns``."""
        process = self._engine.process(process_id).process
        return tuple(self._field(process, f).id for f in field_ids)

    @_serial
    def list_columns(self) -> dict[str, tuple[str, ...]]:
        """The fields the person running samskab chose to show as columns in the case
        list, by process id (kept in their own settings file, ``engine.settings``; in a
        web browser's session, the person's own part of the serving account's)."""
        self._may()
        return settings.columns(self._settings_person())

    @_serial
    def keep_list_columns(self, process_id: str, field_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Keep the columns chosen for a process's cases for the next time."""
        self._may()
        checked = self.columns(process_id, field_ids)
        settings.keep_columns(process_id, checked, self._settings_person())
        return checked

    def _settings_person(self) -> str | None:
        """Whose settings these are: the account's own, or in a web browser's session
        (one account serving everyone) the person's."""
        return None if self._server_files else self._actor.id

    def _field(self, process: Process, field_id: str) -> Field:
        field = process.field(field_id)
        if field is None:
            known = [f.id for f in process.fields]
            raise BadInput(
                msg("process {process} has no field {field}", process=process.id, field=repr(field_id)),
                [did_you_mean(field_id, known) or msg("its fields: {fields}", fields=", ".join(known))],
            )
        return field

    def _read(self, process: Process, field_id: str, typed: str) -> Any:
        try:
            return fieldtypes.parse(self._field(process, field_id), typed)
        except fieldtypes.ValueProblem as problem:
            raise BadInput(msg("{field}: {problem}", field=field_id, problem=problem.message)) from None

    @_serial
    def case_table(self, where: CaseFilter) -> Table:
        """Every case matching ``where`` (its limit and offset aside) as a table to export
        (:meth:`table_file`): number, title, process, step, next deadline, whether it is
        past, opened, changed and its owner (and closed, when the filter includes closed
        cases);
        for a list of one process, a column for each of its fields (``where.columns``:
        those fields), headed by the field's label."""
        self._may()
        from samskab.engine import tables

        engine = self._engine
        found = [
            (case, engine.compiled_for(case).process)
            for case in engine.iter_cases(self._query(attrs.evolve(where, limit=None, offset=0)))
        ]
        title, versions = words("Cases", self.lang), []
        if where.process_id is not None:
            try:
                versions.append(engine.process(where.process_id).process)
            except NotFound:  # only old cases run on it, or there is no such process
                if not found:
                    raise
            used = {process.version: process for _, process in found}
            versions += [used[v] for v in sorted(used, reverse=True)]
            title = versions[0].title.get(self.lang)
        return tables.case_table(
            title,
            found,
            self.now(),
            self.lang,
            with_closed=not where.open_only,
            register=engine.register(),
            fields_of=versions,
            only=where.columns,
        )

    @_serial
    def import_table(self, process_id: str, *, open_only: bool = False) -> Table:
        """Every case of ``process_id`` (``open_only``: but the closed ones) as a table
        that :meth:`import_cases` reads back: title, step, owner, the days it was opened
        and closed, and a column for each field of the process's latest version, headed
        by its label."""
        self._may()
        from samskab.engine import tables

        process = self._engine.process(process_id).process
        where = CaseFilter(process_id=process_id, open_only=open_only)
        found = ((case, self._engine.compiled_for(case).process) for case in self._engine.iter_cases(where))
        return tables.import_table(process.title.get(self.lang), process, found, self.lang)

    @_serial
    def import_cases(
        self, path: Path, process_id: str, mapping: dict[str, str] | None = None, *, dry_run: bool = False
    ) -> ImportReport:
        """Open a case of ``process_id`` for each row of a CSV or XLSX file (admin only):
        every row checked first, every problem reported, nothing written if there is one;
        then written in batches, each case's history saying which file and row it came
        from. A row imported before is left as it is. ``mapping``: column -> field where
        a heading does not say it ("" leaves the column out). ``dry_run``: only say what
        would be opened (``engine.importing``)."""
        acting = self._may(people.IMPORT)
        from samskab.engine import sheets

        sheet = sheets.open_sheet(path)
        return self._engine.import_file(
            sheet, process_id, mapping or {}, acting, dry_run=dry_run, lang=self.lang
        )

    def table_file(self, tables: Table | tuple[Table, ...], fmt: str) -> bytes:
        """Tables as a file: ``csv`` (one table) or ``xlsx`` (a sheet each), in the
        reader's language (engine/export.py says how each looks)."""
        from samskab.engine import export

        found = (tables,) if isinstance(tables, Table) else tables
        return export.table_file(found, fmt, self.lang, self.now())

    @_serial
    def counts(self) -> dict[str, int]:
        """Active cases per process id."""
        self._may()
        store = self._engine.store
        return {
            d.process.id: store.count_cases(CaseFilter(process_id=d.process.id, open_only=True))
            for d in self._engine.processes()
        }

    @_serial
    def case(self, case_id: int | str) -> CaseDetail:
        """A case: fields, deadlines, history and the actions it can take now."""
        acting = self._may()
        return self._detail(self._engine.case(case_id), acting)

    @_serial
    def case_printout(self, case_id: int | str) -> bytes:
        """A case as one printable, self-contained HTML page (UTF-8): its fields,
        deadlines and whole history, as :meth:`case` shows them."""
        from samskab.engine import printout

        acting = self._may()
        detail = self._detail(self._engine.case(case_id), acting)
        return printout.case_html(detail, self.lang, self.now(), acting.id).encode("utf-8")

    @_serial
    def new_case(
        self,
        process_id: str,
        title: str,
        values: dict[str, str] | None = None,
        *,
        owner: str | None = None,
        parent: int | str | None = None,
    ) -> CaseDetail:
        """Open a case; ``values`` are the opening fields as typed. Its owner is the person
        opening it, or ``owner``: someone who may own it (:meth:`owner_choices`).
        ``parent``: as a sub-case of that open case."""
        acting = self._may()
        case = self._engine.new_case(process_id, title, values or {}, acting, owner, parent)
        return self._detail(case, acting)

    @_serial
    def link(
        self,
        case_id: int | str,
        other_id: int | str,
        kind: str,
        *,
        note: str | None = None,
        revision: int | None = None,
        remove: bool = False,
    ) -> CaseDetail:
        """Link a case to another with a kind (``CaseDetail.link_kinds``): ``del_af`` makes
        it a sub-case of the other; ``remove``: remove that link. Its owner, an admin or a
        role the process names for corrections may, open or closed (docs/security.md).
        Refused (recorded, every reason: linked already or not, a second parent, a round
        of sub-cases ...), BadInput for an unknown kind, Conflict when the case is no
        longer at ``revision``."""
        acting = self._may()
        case = self._engine.link(
            case_id, other_id, kind, acting, note, remove=remove, expected_revision=revision
        )
        return self._detail(case, acting)

    @_serial
    def handover(
        self, case_id: int | str, person_id: str, note: str, *, revision: int | None = None
    ) -> CaseDetail:
        """Hand a case over to another owner, with a note for the history: its owner, an
        admin or a role the process names for corrections may (docs/security.md); the new
        owner is someone who may own it (:meth:`owner_choices`). Refused (recorded, every
        reason), BadInput without a note, Conflict when the case is no longer at
        ``revision``."""
        acting = self._may()
        case = self._engine.handover(case_id, person_id, note, acting, expected_revision=revision)
        return self._detail(case, acting)

    @_serial
    def owner_choices(self, process_id: str, version: int | None = None) -> tuple[PersonView, ...]:
        """Who may own a case of the process (``version``: the one a case runs on), by id:
        everyone registered who holds a role it names. In single-user mode, with no one
        registered, the people who own cases and the person acting."""
        acting = self._may()
        engine = self._engine
        process = (
            engine.process(process_id).process
            if version is None
            else engine.registry.compiled(process_id, version).process
        )
        register = engine.register()
        if not register:
            return tuple(
                self._person_view(pid, Person()) for pid in sorted({*engine.store.owners(), acting.id})
            )
        return tuple(
            self._person_view(pid, person)
            for pid, person in sorted(register.items())
            if not engine.owner_reasons(process, pid)
        )

    @_serial
    def advance(
        self,
        case_id: int | str,
        action: str,
        values: dict[str, str] | None = None,
        *,
        note: str | None = None,
        revision: int | None = None,
    ) -> CaseDetail:
        """Take an action. Refused (every reason), BadInput for values that do not parse,
        Conflict when the case is no longer at ``revision``."""
        acting = self._may()
        case, _ = self._engine.advance(
            case_id, action, values or {}, note=note, actor=acting, expected_revision=revision
        )
        return self._detail(case, acting)

    @_serial
    def comment(self, case_id: int | str, note: str, *, revision: int | None = None) -> CaseDetail:
        """A note on a case in its history, without taking a step (anyone registered)."""
        acting = self._may()
        return self._detail(self._engine.comment(case_id, note, acting, expected_revision=revision), acting)

    @_serial
    def correct(
        self, case_id: int | str, values: dict[str, str], reason: str, *, revision: int | None = None
    ) -> CaseDetail:
        """Correct fields of an open case without moving it (the roles its process names
        for corrections); the history keeps the values before and the reason."""
        acting = self._may()
        case = self._engine.correct(case_id, values, reason, acting, expected_revision=revision)
        return self._detail(case, acting)

    def check_value(self, field: FieldSpec, typed: str) -> str | None:
        """Why ``typed`` does not fit ``field``, in words, or None when it does: the
        engine's own reading of a value, for checking a form as the person types (no
        database, so it is safe on the UI thread)."""
        options = tuple(Option(o.id, Text(o.title)) for o in field.options) if field.type == "choice" else ()
        try:
            fieldtypes.parse(Field(field.id, field.type, Text(field.label), options=options), typed)
        except fieldtypes.ValueProblem as problem:
            return text(problem.message, self.lang)
        return None

    def _detail(self, case: Case, acting: Actor) -> CaseDetail:
        """The case as ``acting`` (already checked by :meth:`_may`) sees it."""
        engine, lang = self._engine, self.lang
        process = engine.compiled_for(case).process
        now, register = self.now(), engine.register()
        summary = views.case_summary(case, process, now, lang, register)
        choices = tuple(
            ActionChoice(
                id=a.action.id,
                title=a.action.title.get(lang),
                to=a.action.to,
                to_title=views.to_words(process, a.action, lang),
                allowed=a.allowed,
                reasons=views.reasons(a.reasons, lang),
                fields=tuple(a.action.form_fields()),
                requires=tuple(a.action.required()),
                note_required=a.action.note_required,
                description=a.action.description.get(lang) if a.action.description else None,
                form=views.form(process, a.action.form_fields(), lang),
                ends_case=any(process.state(t).final for t in a.action.targets),
                clears=tuple(a.action.clears),
            )
            for a in engine.availability(case, acting)
        )
        return CaseDetail(
            **attrs.asdict(summary, recurse=False),
            process_level=process.level,
            definition_sha256=case.definition_sha256,
            created_at=case.created_at,
            fields=dict(case.fields),
            shown_fields=views.shown_fields(process, dict(case.fields), lang),
            deadlines=tuple(
                views.deadline_view(process, d, now, lang) for d in engine.store.deadlines(case.id)
            ),
            history=views.history(engine.store.history(case.id), process, lang, register),
            refused=tuple(
                RefusalView(r["at"], r["actor"], r["account"], r["action"], tuple(r["reasons"]))
                for r in engine.store.refusals(case.id)
            ),
            actions=choices,
            correctable=()
            if engine.correction_reasons(case, acting)
            else views.form(process, tuple(f.id for f in process.fields), lang),
            may_hand_over=not engine.handover_reasons(case, acting),
            documents=tuple(views.document_view(d, lang) for d in engine.store.documents(case.id)),
            **self._related(case, process),
            link_kinds=()
            if engine.link_reasons(case, acting)
            else tuple(
                OptionView(kind, views.link_words(kind, [process], lang)) for kind in links.kind_ids(process)
            ),
        )

    def _related(self, case: Case, process: Process) -> dict[str, Any]:
        """The case's parent, sub-cases and other links, as ``CaseDetail`` holds them."""
        engine, lang = self._engine, self.lang

        def shown(other: Case) -> Any:
            return views.related(other, engine.compiled_for(other).process, lang)

        parent, linked = None, []
        for link in engine.store.links(case.id):
            outgoing = link.case_id == case.id
            other = engine.case(link.other_id if outgoing else link.case_id)
            if link.kind == links.SUB_CASE:
                parent = shown(other) if outgoing else parent
                continue
            linking = (process, engine.compiled_for(other).process)
            said = views.link_words(
                link.kind, linking if outgoing else linking[::-1], lang, inverse=not outgoing
            )
            linked.append(CaseLinkView(link.kind, said, "to" if outgoing else "from", shown(other)))
        return {
            "parent": parent,
            "children": tuple(shown(child) for child in engine.sub_cases(case.id)),
            "links": tuple(linked),
        }

    # -- documents -------------------------------------------------------------------

    @_serial
    def attach_document(
        self, case_id: int | str, path: Path, *, note: str | None = None, name: str | None = None
    ) -> DocumentView:
        """Keep the file at ``path`` with the case, named ``name`` (default: the file's
        name); its name, size and sha256 go into the history. Anyone holding a role the
        case's process names may, and admins. BadInput for a file that cannot be read or
        is larger than the config's ``[documents] max_size``."""
        acting = self._may()
        self._files_here()
        engine = self._engine
        limit = engine.config.documents.max_bytes

        def read() -> tuple[str, bytes]:
            content = documents.read(path, limit, engine.config_origin)
            return documents.name_for(path, name), content

        return views.document_view(engine.attach_document(case_id, read, acting, note), self.lang)

    @_serial
    def documents(self, case_id: int | str) -> tuple[DocumentView, ...]:
        """The case's documents, oldest first (deleted ones too, marked so)."""
        self._may()
        case = self._engine.case(case_id)
        return tuple(views.document_view(d, self.lang) for d in self._engine.store.documents(case.id))

    @_serial
    def document(self, case_id: int | str, document_id: int) -> tuple[DocumentView, bytes]:
        """A document of the case, and its content checked against the sha256 its history
        records (anyone who may read the case may); :meth:`write_private` saves it."""
        self._may()
        case = self._engine.case(case_id)
        found = documents.find(self._engine, case, document_id)
        return views.document_view(found, self.lang), documents.content(self._engine, case, found)

    @_serial
    def delete_document(self, case_id: int | str, document_id: int, reason: str) -> DocumentView:
        """Delete a document's content, for the reason given (admin or databeskyttelse):
        its name, size and sha256 stay in the history, with the deletion."""
        acting = self._may(people.DELETE_DOCUMENTS)
        case = self._engine.case(case_id)
        document = documents.find(self._engine, case, document_id)
        if document.deleted_at is not None:
            raise BadInput(
                msg("document {id} of case {case} is deleted already", id=document.id, case=case.id)
            )
        self._engine.delete_document(case, document, acting, reason)
        return views.document_view(documents.find(self._engine, case, document_id), self.lang)

    # -- the working day -------------------------------------------------------------

    @_serial
    def overview(self, *, overdue_shown: int = 20, owner: str | None = None) -> Overview:
        """Active cases per process and step, then the overdue ones (the longest first);
        ``owner``: only the cases this person owns."""
        self._may()
        engine, lang = self._engine, self.lang
        counted = []
        for definition in engine.processes():
            process = definition.process
            steps = tuple(
                StepCount(
                    state,
                    process.state(state).title.get(lang),
                    engine.store.count_cases(
                        CaseFilter(process_id=process.id, state=state, open_only=True, owner=owner)
                    ),
                )
                for state in views.steps_in_order(process)
            )
            counted.append(
                ProcessCount(process.id, process.title.get(lang), sum(s.count for s in steps), steps)
            )
        overdue = self._query(CaseFilter(overdue=True, open_only=True, order_by="next_due", owner=owner))
        total = engine.store.count_cases(overdue)
        shown = tuple(self.cases(attrs.evolve(overdue, limit=overdue_shown)))
        return Overview(tuple(counted), shown, total)

    @_serial
    def report(
        self, year: int | None = None, *, process_id: str | None = None, owner: str | None = None
    ) -> Report:
        """The year's cases counted per process: open per step, overdue, deadlines this
        year and next, what was opened and closed and why, totals of money and hours,
        counts per choice (default: this year, in local time); ``owner``: only the cases
        this person owns."""
        self._may()
        engine, now = self._engine, self.now()
        year = localtime.local(now).year if year is None else year
        period = self.year(year)
        return Report(
            year,
            period,
            now,
            tuple(
                process_report(
                    definition.process,
                    engine.store,
                    engine.iter_cases(
                        CaseFilter(process_id=definition.process.id, active=period, owner=owner)
                    ),
                    year,
                    now,
                    self.lang,
                    owner,
                )
                for definition in ([engine.process(process_id)] if process_id else engine.processes())
            ),
            owner,
        )

    def report_table(self, report: Report) -> Table:
        """``report`` as a table to export (:meth:`table_file`): a row per number, as
        the dashboard lists them."""
        self._may()
        return report_table(report, self.lang)

    @_serial
    def agenda(
        self, weeks: int = 6, *, owner: str | None = None, limit: int | None = None
    ) -> tuple[AgendaItem, ...]:
        """Deadlines and reminders due in the next ``weeks`` weeks, overdue first;
        ``owner``: only those of the cases this person owns; ``limit``: the first so
        many (what a screen shows: read in the order of an index, so it costs the page)."""
        self._may()
        engine, lang = self._engine, self.lang
        now, register = self.now(), engine.register()
        due = engine.store.agenda(now + dt.timedelta(weeks=weeks), owner=owner, limit=limit)
        cases = {
            case.id: case for case in engine.store.list_cases(CaseFilter(ids=tuple({d.case_id for d in due})))
        }
        items = []
        for deadline in due:
            case = cases[deadline.case_id]
            process = engine.compiled_for(case).process
            items.append(
                AgendaItem(
                    case=case.id,
                    title=case.title,
                    due_at=deadline.due_at,
                    day=views.shown_day(deadline.due_at, deadline.kind),
                    kind=deadline.kind,
                    process=process.title.get(lang),
                    state=deadlines.name(process, deadline, lang),
                    days=views.days_left(deadline.due_at, now, deadline.kind),
                    owner=case.owner,
                    owner_name=views.person_name(register, case.owner),
                )
            )
        return tuple(items)

    @_serial
    def tick(self) -> TickReport:
        """Fire every reminder and deadline that is due, each once; then deliver."""
        self._may()
        report = self._engine.tick()

        def events(found: list[Event]) -> tuple[TickEvent, ...]:
            return tuple(TickEvent(e.case_id, e.at, e.action, e.kind, e.to_state, e.note) for e in found)

        return TickReport(
            events(report.reminders),
            events(report.deadlines),
            events(report.actions),
            events(report.skipped),
            events(report.failed),
            report.delivery,
        )

    @_serial
    def deliver(self) -> DeliveryReport:
        """Send what is due in the outbox."""
        self._may()
        return self._engine.deliver()

    def data_version(self) -> int:
        """A number that changes when someone else changes the database."""
        with self._lock:
            return self._engine.store.data_version()

    # -- the outbox ------------------------------------------------------------------

    @_serial
    def outbox(self, *, include_done: bool = False) -> tuple[OutboxItem, ...]:
        """Pending messages and incidents (and with ``include_done`` sent and dismissed)."""
        self._may()
        return tuple(self._outbox_item(m) for m in self._engine.store.outbox(include_done=include_done))

    def _outbox_item(self, message: OutboxRow) -> OutboxItem:
        fields = attrs.asdict(message, recurse=False)
        del fields["body"], fields["payload"]
        return OutboxItem(**fields, status_title=words(_STATUS[message.status], self.lang))

    @_serial
    def channels(self) -> tuple[ChannelView, ...]:
        """The channels the config file sets up; with none, nothing is sent (and no
        message is even put in the outbox)."""
        self._may()
        return tuple(ChannelView(name, channel.type) for name, channel in self._engine.channels.items())

    @_serial
    def outbox_log(self, message_id: int) -> tuple[OutboxLogEntry, ...]:
        """Who retried or dismissed a message, and when."""
        self._may()
        return tuple(OutboxLogEntry(*row) for row in self._engine.store.outbox_log(message_id))

    @_serial
    def retry_message(self, message_id: int) -> None:
        """Send a failed message again (at the next delivery), from its first attempt."""
        self._resolve(message_id, "retry")

    @_serial
    def dismiss_message(self, message_id: int) -> None:
        """Give up on a message; the decision is recorded."""
        self._resolve(message_id, "dismiss")

    def _resolve(self, message_id: int, what: str) -> None:
        acting = self._may(people.OUTBOX)
        store = self._engine.store
        if not 0 < message_id <= LARGEST_ID or store.outbox_message(message_id) is None:
            raise NotFound(msg("no message {id} in the outbox", id=message_id))
        if not store.outbox_resolve(message_id, self.now(), acting.id, what):
            raise Refused(
                msg("message {id} cannot be changed", id=message_id),
                [msg("it is already sent or dismissed")],
            )

    # -- people ----------------------------------------------------------------------

    @_serial
    def people(self) -> tuple[PersonView, ...]:
        """Everyone registered, by id."""
        self._may()
        return tuple(self._person_view(pid, p) for pid, p in sorted(self._engine.register().items()))

    @_serial
    def me(self) -> PersonView:
        """The person acting, with the roles they hold now (while no one is registered:
        every role)."""
        acting = self._may()
        person = self._engine.register().get(acting.id)
        if person is None:
            return PersonView(acting.id, None, None, self.lang, (), words("every role", self.lang))
        return self._person_view(acting.id, person)

    @_serial
    def serve_settings(self) -> ServeSettings:
        """The config's ``[serve]``, for ``samskab serve``. With an identity header the
        account serving acts on each logged-in person's behalf, so it needs the right to
        (admin), and someone must be registered to act as."""
        serve = self._engine.config.serve
        if serve.identity_header is None:
            self._may()
        else:
            self._may(people.ACT_FOR_OTHERS)
            if not self._engine.register():
                raise Refused(
                    msg("no one is registered for samskab serve to act as"),
                    [msg("an admin registers people with `samskab people add`")],
                )
        return ServeSettings(
            serve.identity_header,
            serve.trusted_proxies,
            serve.public_url.rstrip("/") if serve.public_url else None,
            self._engine.config_origin,
            serve.sessions_per_person,
        )

    @_serial
    def served_person(self, claimed: str) -> PersonView:
        """The registered person ``claimed`` names (their account, or their e-mail
        address, ignoring case): whom a session of ``samskab serve`` acts as when the
        login in front of it says so. Needs the right to act on others' behalf; NotFound
        unless exactly one registered person is named."""
        self._may(people.ACT_FOR_OTHERS)
        register = self._engine.register()
        named = [pid for pid, person in register.items() if names(claimed, pid, person.email)]
        if len(named) != 1:
            raise NotFound(
                msg("{actor} is not registered in this database", actor=quoted(claimed) or '""'),
                [msg("an admin registers people with `samskab people add`")],
            )
        return self._person_view(named[0], register[named[0]])

    def _person_view(self, person_id: str, person: Person) -> PersonView:
        return PersonView(
            person_id,
            person.name,
            person.email,
            person.language,
            person.roles,
            people.titles(person.roles).get(self.lang),
        )

    @_serial
    def people_history(self) -> tuple[PeopleChange, ...]:
        """Every change to the register: who made it, when, and what it was."""
        self._may()
        return tuple(
            PeopleChange(e.at, e.actor, e.account, e.note)
            for e in self._engine.store.history(people.REGISTER)
        )

    @_serial
    def add_person(
        self,
        person_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        roles: tuple[str, ...] = (),
        language: str = "da",
    ) -> PersonView:
        """Register a person (an admin's work; while no one is registered, anyone's, and
        the account that does it becomes an admin)."""
        register = self._engine.register()
        acting = self._manager(register)
        people.valid_id(person_id)
        if person_id in register:
            raise BadInput(
                msg(
                    "{person} is registered already; change their roles with `samskab people grant`",
                    person=person_id,
                )
            )
        if email is not None and not fieldtypes.is_email(email):
            raise BadInput(msg("{value!r} is not an e-mail address", value=email))
        if language not in ("da", "en"):
            raise BadInput(msg("the language is da or en, not {value}", value=repr(language)))
        for problem in (fieldtypes.control_problem(name, one_line=True),) if name else ():
            if problem:
                raise BadInput(msg("the name cannot be kept"), [problem])
        person = Person(name or None, email, self._known_roles(roles), language)
        changed = {**register, person_id: person}
        note = msg("{person} registered: {roles}", person=person_id, roles=people.titles(person.roles))
        if not register:  # the first registration ends single-user mode
            changed = people.with_admin(changed, acting.account or acting.id)
            note = msg("{note}; {account} is an admin (the first registration)", note=note, account=acting.id)
        self._engine.change_people(acting, changed, text(note, "da"))
        return self._person_view(person_id, changed[person_id])

    @_serial
    def grant(self, person_id: str, roles: tuple[str, ...]) -> PersonView:
        """Give a registered person more roles."""
        register = self._engine.register()
        acting = self._manager(register)
        person = self._registered(register, person_id)
        new = tuple(r for r in dict.fromkeys(self._known_roles(roles)) if r not in person.roles)
        changed = {**register, person_id: attrs.evolve(person, roles=(*person.roles, *new))}
        note = msg("{person} was given: {roles}", person=person_id, roles=people.titles(new))
        self._engine.change_people(acting, changed, text(note, "da"))
        return self._person_view(person_id, changed[person_id])

    @_serial
    def revoke(self, person_id: str, roles: tuple[str, ...]) -> PersonView:
        """Take roles from a registered person (someone keeps the admin role)."""
        register = self._engine.register()
        acting = self._manager(register)
        person = self._registered(register, person_id)
        not_held = [r for r in roles if r not in person.roles]
        if not_held:
            raise BadInput(
                msg("{person} does not hold: {roles}", person=person_id, roles=", ".join(not_held)),
                [msg("{person} holds: {roles}", person=person_id, roles=people.titles(person.roles))],
            )
        changed = {
            **register,
            person_id: attrs.evolve(person, roles=tuple(r for r in person.roles if r not in roles)),
        }
        people.keeps_an_admin(changed)
        note = msg("{person} no longer holds: {roles}", person=person_id, roles=people.titles(roles))
        self._engine.change_people(acting, changed, text(note, "da"))
        return self._person_view(person_id, changed[person_id])

    @_serial
    def remove_person(self, person_id: str) -> None:
        """Take a person out of the register: they may no longer use samskab. Their
        name stays in the history; ``person erase`` erases it."""
        register = self._engine.register()
        acting = self._manager(register)
        self._registered(register, person_id)
        changed = {pid: p for pid, p in register.items() if pid != person_id}
        people.keeps_an_admin(changed)
        self._owns_none(person_id)
        self._engine.change_people(acting, changed, text(msg("{person} removed", person=person_id), "da"))

    def _owns_none(self, person_id: str) -> None:
        """Refused if ``person_id`` owns open cases: no case is left with an owner who may
        no longer use samskab. Says how many, the first of them, and how to hand them over."""
        owned = CaseFilter(owner=person_id, open_only=True)
        count = self._engine.store.count_cases(owned)
        if count:
            first = [str(c.id) for c in self._engine.store.list_cases(attrs.evolve(owned, limit=10))]
            raise Refused(
                msg(
                    "{person} owns {count} open case(s): {cases}",
                    person=person_id,
                    count=count,
                    cases=", ".join(first) + (" …" if count > len(first) else ""),
                ),
                [
                    msg(
                        "hand them over first (`samskab cases handover CASE PERSON --note TEXT`);"
                        " `samskab cases list --owner {person}` lists them",
                        person=person_id,
                    )
                ],
            )

    def _manager(self, register: dict[str, Person]) -> Actor:
        return self._may(people.MANAGE_PEOPLE) if register else self.actor

    def _registered(self, register: dict[str, Person], person_id: str) -> Person:
        if person_id not in register:
            raise NotFound(msg("{person} is not registered", person=person_id))
        return register[person_id]

    def _known_roles(self, roles: tuple[str, ...]) -> tuple[str, ...]:
        """``roles`` if samskab or a process knows each; else every unknown one, with a
        suggestion."""
        known = set(people.SYSTEM_ROLES) | {r.id for d in self._engine.processes() for r in d.process.roles}
        unknown = [
            msg(
                "unknown role {role}{hint}",
                role=role,
                hint=msg(" ({suggestion})", suggestion=hint) if hint else "",
            )
            for role in roles
            if role not in known
            for hint in [did_you_mean(role, sorted(known))]
        ]
        if unknown:
            raise BadInput(
                msg("unknown roles; the roles are: {roles}", roles=", ".join(sorted(known))), unknown
            )
        return tuple(dict.fromkeys(roles))

    # -- audit, personal data, calendar ----------------------------------------------

    @_serial
    def verify_audit(self, anchor: str | None = None) -> AuditReport:
        """Check every event against its digest, the keyed chains and their heads, and
        every case against its history; the first break. ``anchor``: the text
        :meth:`audit_anchor` gave, which the history must still hold."""
        self._may(people.AUDIT)
        store, key = self._engine.store, self._key()
        with store.snapshot():  # writers going on meanwhile are not taken for tampering
            register = store.get_case(people.REGISTER)
            every_case = itertools.chain(
                [register] if register else [], store.list_cases(CaseFilter(order_by="id"))
            )
            checked, broken = audit.verify(
                store.audit_rows(),
                key,
                store.audit_heads(),
                every_case,
                _anchor(anchor) if anchor else None,
                store.document_digests(),
                store.audit_checkpoints(),
                store.links(),
            )
        return AuditReport(
            checked, Broken(broken.event_id, broken.case_id, text(broken.what, self.lang)) if broken else None
        )

    @_serial
    def audit_anchor(self) -> Anchor:
        """The database's head now, to keep elsewhere (``verify_audit(anchor=...)``); a
        store that keeps checkpoints takes one first, so the anchor holds every event."""
        self._may(people.AUDIT)
        self._engine.store.audit_checkpoint(self.now())
        head = next((h for h in self._engine.store.audit_heads() if h.case_id == audit.DATABASE), None)
        return Anchor(head.count if head else 0, head.last if head else audit.GENESIS, self.now())

    def _key(self) -> audit.Key:
        assert self._engine.audit_key is not None, "open_engine sets the key"
        return self._engine.audit_key

    @_serial
    def person_export(self, email: str) -> dict[str, Any]:
        """Everything held on the person with this e-mail address."""
        self._may(people.PERSONAL_DATA)
        from samskab.engine import personal_data

        return personal_data.export(self._engine, email)

    @_serial
    def person_erase(self, email: str) -> Erasure:
        """Pseudonymise the person everywhere; the history stays verifiable."""
        from samskab.engine import personal_data

        acting = self._may(people.PERSONAL_DATA)
        personal_data.export(self._engine, email)  # NotFound if nothing is held
        pseudonym = personal_data.pseudonym(email, self._key())
        counts = personal_data.erase(self._engine, email, acting, pseudonym)
        in_config = tuple(pid for pid, p in self._engine.config.people.items() if p.email == email)
        owned = self._engine.store.count_cases(CaseFilter(owner=pseudonym, open_only=True))
        review = counts.pop("documents_to_review")
        kept = {
            (d.case_id, d.id): d
            for case_id in {c for c, _ in review}
            for d in self._engine.store.documents(case_id)
        }
        return Erasure(
            email,
            pseudonym,
            **counts,
            config_people=in_config,
            open_cases_owned=owned,
            documents_to_review=tuple(views.document_view(kept[listed], self.lang) for listed in review),
        )

    @_serial
    def calendar(
        self, *, process_id: str | None = None, person: str | None = None
    ) -> tuple[CalendarEntry, ...]:
        """Every open deadline, with its reminders; ``person``: of the cases they can act
        on now. :meth:`calendar_file` makes an iCalendar file of them."""
        self._may()
        from samskab.engine import calendar

        actor = people.registered_person(self._engine.register(), person) if person is not None else None
        return tuple(calendar.entries(self._engine, process_id=process_id, actor=actor, lang=self.lang))

    def calendar_file(self, found: tuple[CalendarEntry, ...]) -> bytes:
        """Calendar entries as an iCalendar (.ics) file."""
        from samskab.engine import calendar

        return calendar.ics(found, self.now(), self.lang)

    def write_private(self, path: Path, data: bytes, *, replace: bool = True) -> None:
        """Write a file that holds personal data (a calendar, an export): owner-only.
        ``replace``: a file already there is replaced (else FileExists, and it is kept)."""
        self._files_here()
        folder = path.parent
        if not folder.is_dir():
            raise BadInput(msg("{path}: there is no folder {folder}", path=str(path), folder=str(folder)))
        try:
            with open_private(path, new=not replace) as file:
                file.write(data)
        except FileExistsError:
            if path.is_dir():
                raise file_problem(path, IsADirectoryError(errno.EISDIR, "")) from None
            raise FileExists(msg("{path} already exists", path=str(path))) from None
        except OSError as error:
            raise file_problem(path, error) from None

    # -- the municipality's website --------------------------------------------------

    @_serial
    def publication(self, lang: str | None = None) -> Publication:
        """What the municipality's website shows, in ``lang`` (default: the config's
        ``[publish] language``, Danish): the cases marked public, with only what their
        process declares public, and the processes citizens can start. Admins and
        coordinators may (they mark cases public)."""
        from samskab.engine import publication

        self._may(people.PUBLISH)
        return publication.publication(self._engine, lang or self._engine.config.publish.language, self.lang)

    @_serial
    def publish(self, directory: Path, *, force: bool = False, lang: str | None = None) -> PublishReport:
        """Write the website (:meth:`publication`) into ``directory`` as plain HTML
        files, replacing those an earlier run wrote and removing those it no longer has;
        BadInput for a folder holding other files, unless ``force`` (they are kept)."""
        from samskab.engine import website

        found = self.publication(lang)
        site = website.files(found)
        changed, removed = website.write(directory, site, force=force)
        return PublishReport(
            directory=str(directory),
            files=tuple(site),
            changed=changed,
            removed=removed,
            cases=len(found.cases),
            doors=len(found.doors),
            withheld=found.withheld,
            lang=found.lang,
            contact=found.contact,
        )


ANCHOR = re.compile(r"samskab-anchor events=(\d+) head=([0-9a-f]{64})")


def _anchor(text: str) -> audit.Anchor:
    """An anchor as ``Anchor.text`` writes it, found anywhere in ``text`` (a mail, a ticket)."""
    found = ANCHOR.search(text)
    if found is None:
        raise BadInput(msg("no anchor found: it reads `samskab-anchor events=N head=…`"))
    return audit.Anchor(int(found[1]), found[2])


_STATUS = {"pending": "pending", "incident": "INCIDENT", "sent": "sent", "dismissed": "dismissed"}


def open_service(
    db: str | None = None,
    *,
    config_path: Path | None = None,
    process_dirs: tuple[Path, ...] = (),
    lang: str = "da",
    person: str | None = None,
    pm: pluggy.PluginManager | None = None,
    create: bool | None = True,
) -> Service:
    """Open the database ``db`` (a path or store URL) for the person running samskab
    (``person``: acting for someone else, which needs the admin role). ``create``: where
    there is no database yet, make one (True), say so (NotFound), or (None) work on an
    empty one that is not kept, for what only reads process files."""
    engine = open_engine(
        db, config_path=config_path, process_dirs=process_dirs, pm=pm or get_plugin_manager(), create=create
    )
    return Service(engine, engine.actor(person), lang)


def build_demo(db: str, **options: Any) -> int:
    """Build the demo municipality in ``db`` if there is no database there yet, all or
    nothing (the storage plugin's ``create_store``); how many cases were made (0: there
    was a database already)."""
    from samskab.engine import demo

    pm = get_plugin_manager()
    made = 0

    def fill(staging: str) -> None:
        nonlocal made
        engine = open_engine(staging, pm=pm, **options)
        try:
            made = demo.build(engine)
        finally:
            engine.store.close()

    created = pm.hook.create_store(url=db, fill=fill)
    if created is None:
        raise BadInput(msg("no storage plugin can create {url}", url=repr(db)))
    return made


def add_plugin_commands(group: Any, asked: list[object]) -> None:
    """Let plugins not yet in ``asked`` add their commands to ``group`` (the ``samskab``
    click group), through the ``register_commands`` hook."""
    pm = get_plugin_manager()
    new = [p for p in pm.get_plugins() if not any(p is seen for seen in asked)]
    if new:
        earlier = [p for p in pm.get_plugins() if p not in new]
        pm.subset_hook_caller("register_commands", remove_plugins=earlier)(cli=group)
        asked += new
