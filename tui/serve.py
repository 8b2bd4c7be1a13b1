"""``samskab serve``: the terminal UI in web browsers (textual-serve), each browser's
session a ``samskab tui`` process of its own.

Who a session acts as is decided here, for each request, never by the browser:

- With ``[serve] identity_header`` (a reverse proxy with the municipality's login in
  front): the person that header names, taken only from a peer among
  ``trusted_proxies``, given exactly once, and registered
  (:meth:`Service.served_person`). The session runs ``samskab tui --as PERSON``: the
  account serving acts on their behalf, as ``--as`` does, which needs the admin role.
- Without it: the account running samskab, as in a terminal, on loopback only, and only
  for a browser that opened the address with the token samskab printed (the token is in
  the page's websocket address), so neither another account on the machine nor a web
  page elsewhere can use it.

Nothing from a request reaches a command line but a registered person's id, and the
process is started without a shell. A websocket opened by a page from another origin is
refused whatever it carries, and every response tells the browser to load nothing from
elsewhere.
"""

import asyncio
import collections
import html
import ipaddress
import logging
import secrets
import shlex
import socket
import string
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import attrs
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from samskab.engine.errors import BadInput, Refused, SamskabError
from samskab.engine.messages import msg, quoted, text, words
from samskab.engine.readmodels import PersonView, ServeSettings
from samskab.engine.service import Service

log = logging.getLogger("samskab.serve")

PAGE = string.Template((Path(__file__).parent / "serve.html").read_text(encoding="utf-8"))
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self';"
        " img-src 'self' data:; connect-src 'self' {websocket}; frame-ancestors 'none'; base-uri 'none';"
        " form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
"""Sent with every response: nothing is loaded from elsewhere (textual-serve's own page
asks Google for a font), the page is never framed, and no address leaves in a Referer."""

Command = Callable[[PersonView | None], tuple[list[str], dict[str, str]]]
"""The command line of a session, ``samskab tui`` for that person (None: the account
serving), and what to add to its environment."""


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's own (127.0.0.1, ::1)."""
    try:
        found = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(
        ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in found
    )


@attrs.frozen
class Gate:
    """Who a request acts as, or why it is refused (see the module's docstring)."""

    service: Service
    settings: ServeSettings
    origin: str
    """The scheme, host and port people open: a websocket from any other is refused."""
    token: str
    """Without an identity header: the secret in the address samskab printed."""

    def admit(self, request: web.Request, token: str | None) -> PersonView | None:
        """The person the request acts as (None: the account serving, without a header);
        Refused or NotFound saying why not."""
        origin = request.headers.get("Origin")
        if origin is not None and origin != self.origin:
            raise Refused(msg("a page from {origin} may not open samskab", origin=quoted(origin)))
        header = self.settings.identity_header
        if header is None:
            if token is None or not secrets.compare_digest(token, self.token):
                raise Refused(
                    msg("open samskab at the address `samskab serve` printed, with its token"),
                )
            return None
        if not self._trusted(request.remote):
            raise Refused(
                msg(
                    "samskab takes who you are only from the login in front of it; this request came"
                    " from {address}",
                    address=quoted(request.remote or "?"),
                )
            )
        values = request.headers.getall(header, [])
        if not values:
            raise Refused(
                msg("no one is logged in: the login in front of samskab sent no {header}", header=header)
            )
        if len(values) > 1:
            raise Refused(msg("the login in front of samskab sent {header} more than once", header=header))
        return self.service.served_person(values[0])

    def room_for(self, open_sessions: int) -> None:
        """Refused if a person with ``open_sessions`` may open no more."""
        most = self.settings.sessions_per_person
        if open_sessions >= most:
            raise Refused(
                msg(
                    "you have {count} sessions of samskab open, the most one person may have;"
                    " close one (a browser tab) and open samskab again",
                    count=most,
                )
            )

    def _trusted(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address((address or "").split("%")[0])
        except ValueError:
            return False
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:  # on a dual-stack socket
            peer = peer.ipv4_mapped
        return any(peer in ipaddress.ip_network(n, strict=False) for n in self.settings.trusted_proxies)


class Session(AppService):
    """One browser's app: ``samskab tui`` started without a shell, for one person."""

    def __init__(
        self, command: tuple[list[str], dict[str, str]], person: PersonView | None, **options: object
    ):
        self.argv, self.environment = command
        super().__init__(shlex.join(self.argv), **options)  # type: ignore[arg-type]
        self.person = person

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**super()._build_environment(width=width, height=height), **self.environment}

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Run the app; when it ends (or could not start), the browser is told."""
        await super().run()
        await self.remote_close()


class SamskabServer(Server):
    """textual-serve's server, deciding for each request who it acts as (:class:`Gate`)."""

    def __init__(self, gate: Gate, command: Command, host: str, port: int, public_url: str):
        super().__init__(shlex.join(command(None)[0]), host=host, port=port, public_url=public_url)
        self.gate = gate
        self.session_command = command
        self.lang = gate.service.lang
        self.open: set[web.WebSocketResponse] = set()
        self.sessions: collections.Counter[str] = collections.Counter()
        """Open sessions by person ("" for the account serving)."""

    def serve(self, debug: bool = False) -> None:
        """Serve until interrupted (SIGINT, SIGTERM); say where once listening. Sessions
        and refusals are logged (``samskab -v``); no access log: addresses carry the token."""
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            access_log=None,
            print=self.announce,
            shutdown_timeout=10,
        )

    def announce(self, *_: object) -> None:
        address = self.public_url + "/"
        if self.gate.settings.identity_header is None:
            address += f"?token={self.gate.token}"
        print(words("samskab serves the terminal UI on {address}", self.lang, address=address), flush=True)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.security_headers])
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.get("/ws/{token}", self.handle_websocket),
                web.get("/download/{key}", self.handle_download),
                web.static("/static", self.statics_path),
            ]
        )
        app.on_shutdown.append(self.close_sessions)
        return app

    async def close_sessions(self, app: web.Application) -> None:
        """Stopping: every browser is told, and every session's app quits."""
        for websocket in set(self.open):
            await websocket.close(code=WSCloseCode.GOING_AWAY)

    @web.middleware
    async def security_headers(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        response = await handler(request)
        websocket = "ws" + self.gate.origin.removeprefix("http")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value.format(websocket=websocket))
        return response

    async def handle_index(self, request: web.Request) -> web.Response:
        token = request.query.get("token")
        try:
            person = self.gate.admit(request, token)
        except SamskabError as refused:
            return refusal(refused)
        lang = person.language if person else self.lang
        websocket = "ws" + self.public_url.removeprefix("http") + "/ws"
        if person is None:  # the token was checked: the websocket needs it too
            websocket += f"/{token}"
        page = PAGE.substitute(
            {
                name: html.escape(value)
                for name, value in {
                    "lang": lang,
                    "title": f"samskab · {person.name or person.id}" if person else "samskab",
                    "static": self.public_url + "/static",
                    "websocket": websocket,
                    "font_size": str(min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 40)),
                    "opening": words("Opening samskab …", lang),
                    "closed": words("The session has ended.", lang),
                    "again": words("Open again", lang),
                }.items()
            }
        )
        return web.Response(text=page, content_type="text/html")

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        try:
            person = self.gate.admit(request, request.match_info.get("token"))
            whose = person.id if person else ""
            self.gate.room_for(self.sessions[whose])
        except SamskabError as refused:
            return refusal(refused)
        width = min(max(to_int(request.query.get("width", "80"), 80), 20), 500)
        height = min(max(to_int(request.query.get("height", "24"), 24), 8), 200)
        websocket = web.WebSocketResponse(heartbeat=15, timeout=2)
        await websocket.prepare(request)
        self.open.add(websocket)
        self.sessions[whose] += 1
        session = Session(
            self.session_command(person),
            person,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        log.info("a session for %s", person.id if person else "the account serving")
        try:
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:  # what the browser sent did not make sense: this session ends
            log.exception("a session ended on an error")
            await websocket.close()
        finally:
            self.open.discard(websocket)
            self.sessions[whose] -= 1
            await session.stop()
        return websocket

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivers to its own browser only (the key is its secret, and
        behind a login the person must be the session's)."""
        try:
            download = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound() from None
        if self.gate.settings.identity_header is not None:
            try:
                person = self.gate.admit(request, None)
            except SamskabError as refused:
                return refusal(refused)
            owner = getattr(download.app_service, "person", None)
            if owner is None or person is None or owner.id != person.id:
                raise web.HTTPNotFound()
        return await super().handle_download(request)


def refusal(refused: SamskabError) -> web.Response:
    """A refused request: 403, saying why in Danish and in English (no one is known yet
    whose language it could be)."""
    parts = []
    for lang in ("da", "en"):
        first, *rest = refused.lines_in(lang)
        items = "".join(f"<li>{html.escape(line.removeprefix('  - '))}</li>" for line in rest)
        parts.append(f'<section lang="{lang}"><h1>{html.escape(first)}</h1><ul>{items}</ul></section>')
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>samskab</title>'
        "<style>body { font-family: sans-serif; margin: 2em; max-width: 45em; }</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
    log.warning("refused: %s", text(refused.args[0], "en"))
    return web.Response(status=403, text=page, content_type="text/html")


def serve(service: Service, command: Command, host: str, port: int) -> None:
    """Serve the terminal UI on ``host``:``port`` until interrupted; BadInput or Refused
    (before anything is served) where the config or the register does not allow it."""
    settings = service.serve_settings()
    if settings.identity_header is None and not is_loopback(host):
        raise BadInput(
            msg("samskab serves on {host} only behind a login", host=host),
            [
                msg(
                    "set [serve] identity_header in {file} to the header your reverse proxy sets,"
                    " or serve on 127.0.0.1",
                    file=settings.config_file,
                )
            ],
        )
    if settings.identity_header is not None and settings.public_url is None:
        raise BadInput(
            msg("[serve] public_url is not set in {file}", file=settings.config_file),
            [msg("behind a login, samskab needs the address people open, e.g. https://samskab.kommune.dk")],
        )
    public_url = settings.public_url or f"http://{f'[{host}]' if ':' in host else host}:{port}"
    gate = Gate(service, settings, origin_of(public_url), secrets.token_urlsafe(32))
    server = SamskabServer(gate, command, host, port, public_url)
    try:
        server.serve()
    except OSError as error:
        raise BadInput(
            msg(
                "cannot serve on {host}:{port}: {error}",
                host=host,
                port=port,
                error=error.strerror or str(error),
            )
        ) from None


def origin_of(url: str) -> str:
    """What a browser sends as the Origin of a page at ``url``: its scheme, host and port
    (left out where it is the scheme's own)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.lower()
    return f"{parts.scheme}://{netloc.removesuffix({'http': ':80', 'https': ':443'}[parts.scheme])}"
