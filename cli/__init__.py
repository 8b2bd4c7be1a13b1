"""The ``samskab`` command line: one click group, its commands in modules by topic.

Commands call the service (:mod:`samskab.engine.service`) and print its read models as
text (:mod:`samskab.cli.render`) or, with ``--json``, as JSON.
"""

from samskab.cli.cases import cases
from samskab.cli.main import cli
from samskab.cli.operations import agenda, audit, calendar, demo, outbox, overview, person, report, tick, tui
from samskab.cli.people import people
from samskab.cli.processes import processes
from samskab.cli.publish import publish
from samskab.cli.serve import serve

for command in (
    processes,
    cases,
    agenda,
    overview,
    report,
    tick,
    outbox,
    calendar,
    person,
    people,
    audit,
    publish,
    tui,
    demo,
    serve,
):
    cli.add_command(command)

__all__ = ["cli"]
