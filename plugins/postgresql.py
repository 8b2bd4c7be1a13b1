"""The built-in PostgreSQL storage plugin: ``--db postgresql://...`` (or ``postgres://``).

This module only claims the URLs; the store itself (``plugins.postgres_store``) and
psycopg are imported when a URL is PostgreSQL's, so a samskab on SQLite never loads
them (start-up time). psycopg comes with ``pip install 'samskab[postgresql]'``.

A URL is libpq's, with three parameters of samskab's own, taken out before connecting:

- ``schema=NAME``: the municipality's schema (made when first written to). Each schema
  is a whole samskab database: its cases, people, outbox and audit trail, isolated from
  the other schemas on the server. Without it, the connection's own ``search_path``
  decides (``options=-csearch_path%3DNAME`` works too; by default ``public``).
- ``key=PATH``: the audit key's file (by default ``DATABASE-SCHEMA.key`` in the
  current directory). It is kept outside the database on purpose: whoever can write
  the database without the key cannot forge its history.
- ``timeout=SECONDS``: how long to wait for a row another writer holds (default 5),
  after which the write is :class:`engine.errors.Busy`.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from samskab.engine.errors import BadInput
from samskab.engine.hookspecs import hookimpl
from samskab.engine.messages import msg

if TYPE_CHECKING:
    from samskab.plugins.postgres_store import PostgresStore

SCHEMES = ("postgresql://", "postgres://")


def _store_module():
    """``plugins.postgres_store``, imported now; a clear error if psycopg is missing."""
    try:
        from samskab.plugins import postgres_store
    except ImportError as missing:
        if missing.name is None or not missing.name.startswith("psycopg"):
            raise
        raise BadInput(
            msg("a PostgreSQL database needs psycopg: pip install 'samskab[postgresql]'")
        ) from None
    return postgres_store


@hookimpl
def open_store(url: str, create: bool | None) -> "PostgresStore | None":
    if not url.startswith(SCHEMES):
        return None
    return _store_module().open_postgres(url, create)


@hookimpl
def create_store(url: str, fill: Callable[[str], None]) -> bool | None:
    if not url.startswith(SCHEMES):
        return None
    return _store_module().create_postgres(url, fill)
