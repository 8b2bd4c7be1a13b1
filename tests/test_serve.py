"""``samskab serve``: the terminal UI in web browsers. The real server on loopback, a
browser's session driven over its websocket as textual-serve's page drives it, and a
screenshot of the page in headless Chromium where it is installed."""

import asyncio
import base64
import collections
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import aiohttp
import pytest
from conftest import SAMSKAB
from servers import free_port

from samskab.engine.config import os_account

NOW = "2026-11-23T08:00"
HEADER = "X-Remote-User"
ESCAPE_SEQUENCE = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-_])"
)


class Served:
    """``samskab -v [OPTIONS] serve`` on a free loopback port, as an operator starts it;
    what it says and logs kept, the address it printed at hand."""

    def __init__(self, *options: str, port: int | None = None):
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [SAMSKAB, "-v", *options, "serve", "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "SAMSKAB_NOW": NOW},
        )
        assert self.process.stdout is not None
        self.output: list[str] = []
        for line in self.process.stdout:  # until it says where it serves
            self.output.append(line)
            found = re.search(r"serves the terminal UI on (\S+)", line)
            if found:
                self.address = found.group(1)
                break
        else:
            raise AssertionError(f"samskab serve did not start:\n{''.join(self.output)}")
        self.base = f"http://127.0.0.1:{self.port}"
        # keep reading what it says, so it never waits on a full pipe
        threading.Thread(target=self.output.extend, args=(self.process.stdout,), daemon=True).start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def serve():
    started: list[Served] = []

    def start(*options: str, port: int | None = None) -> Served:
        started.append(Served(*options, port=port))
        return started[-1]

    yield start
    for served in started:
        served.stop()


class Browser:
    """One browser's session over the websocket: keys in (``["stdin", ...]``), the
    screen out (the app's output, escape sequences taken out)."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse):
        self.websocket = websocket
        self.seen = ""

    async def press(self, *keys: str) -> None:
        for key in keys:
            await self.websocket.send_str(json.dumps(["stdin", key]))

    async def wait_for(self, text: str, seconds: float = 60) -> None:
        """Read what the app draws until ``text`` shows."""

        async def read() -> None:
            while text not in self.seen:
                message = await self.websocket.receive()
                if message.type != aiohttp.WSMsgType.BINARY:
                    raise AssertionError(
                        f"the session ended before {text!r} showed: {message}\n{self.seen[-2000:]}"
                    )
                self.seen += ESCAPE_SEQUENCE.sub("", message.data.decode("utf-8", "replace"))

        try:
            await asyncio.wait_for(read(), seconds)
        except TimeoutError:
            raise AssertionError(f"{text!r} did not show; the screen said:\n{self.seen[-3000:]}") from None
        self.seen = ""  # the next wait is for what comes after


@pytest.fixture
def demo_behind_a_login(samskab, workdir):
    """The demo municipality with a register: the account running samskab (serving) an
    admin, Anna a coordinator who reads English; samskab.toml names the header."""
    samskab("demo", now=NOW)
    samskab("people", "add", os_account(), "--role", "admin")
    samskab(
        "people", "add", "anna", "--name", "Anna Jensen", "--email", "anna@kommune.dk",
        "--role", "koordinator", "--language", "en",
    )  # fmt: skip

    def config(port: int, **serve: object) -> None:
        settings = {"identity_header": HEADER, "public_url": f"http://127.0.0.1:{port}", **serve}
        lines = "".join(f"{key} = {json.dumps(value)}\n" for key, value in settings.items())
        (workdir / "samskab.toml").write_text(f"[serve]\n{lines}", encoding="utf-8")

    return config


async def test_a_session_acts_as_the_person_the_login_names(serve, samskab, demo_behind_a_login):
    port = free_port()
    demo_behind_a_login(port)
    served = serve(port=port)
    assert served.address == f"http://127.0.0.1:{port}/"  # behind a login: no token
    async with aiohttp.ClientSession() as http:
        page = await http.get(served.base + "/", headers={HEADER: "Anna@Kommune.dk"})
        assert page.status == 200
        assert '<html lang="en">' in await page.text()  # Anna reads English
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        websocket = await http.ws_connect(
            served.base + "/ws?width=120&height=40",
            headers={HEADER: "anna@kommune.dk", "Origin": served.base},
        )
        browser = Browser(websocket)
        await browser.wait_for("Anna Jensen (koordinator)")  # who acts, in the header
        await browser.wait_for("cases")
        await browser.press("/")  # search
        for _ in range(2):  # drawn again as its cursor blinks: the search box has the focus
            await browser.wait_for("Search titles and fields")
        await browser.press("FDF")
        await browser.wait_for("1 of 44 cases")
        await browser.press("\x1b")  # back to the list
        await browser.wait_for("New case")  # its keys in the footer
        await browser.press("\r")  # open the case
        await browser.wait_for("Start the review")
        await browser.press("\r")  # its form
        await browser.wait_for("Take action")
        await browser.press("\x13")  # ctrl+s
        await browser.wait_for("anna: Start the review")
        await browser.press("e")  # export the case: on the server, no
        await browser.wait_for("The case as a page to print")
        await browser.press("\x13")
        await browser.wait_for("in a web browser, samskab does not read")
        await websocket.close()

    case = samskab.json("cases", "show", "2")
    last = case["history"][-1]
    assert (case["state"], last["action"]) == ("revision", "start_revision")
    assert (last["actor"], last["account"]) == ("anna", os_account())
    assert "a session for anna" in "".join(served.output)
    assert not list(Path().glob("*.html"))  # nothing written on the server


async def test_who_the_login_does_not_name_is_refused(serve, demo_behind_a_login):
    port = free_port()
    demo_behind_a_login(port)
    served = serve(port=port)
    refused = {
        "no header": ({}, "sent no X-Remote-User"),
        "no one registered": ({HEADER: "eve@elsewhere.dk"}, "eve@elsewhere.dk is not registered"),
        "the header twice": ([(HEADER, "anna"), (HEADER, os_account())], "more than once"),
        "a page from elsewhere": ({HEADER: "anna", "Origin": "https://evil.example"}, "may not open samskab"),
    }
    async with aiohttp.ClientSession() as http:
        for path in ("/", "/ws"):
            for why, (headers, said) in refused.items():
                answer = await http.get(served.base + path, headers=headers)
                body = await answer.text()
                assert answer.status == 403, (path, why)
                assert said in body, (path, why, body)  # in English
                assert 'lang="da"' in body and "samskab" in body  # and in Danish first
        with pytest.raises(aiohttp.WSServerHandshakeError) as no_session:
            await http.ws_connect(served.base + "/ws", headers={HEADER: "eve"})
        assert no_session.value.status == 403
        page = await http.get(served.base + "/", headers={HEADER: "eve"})
        assert "eve er ikke registreret i denne database" in await page.text()


async def test_the_header_counts_only_from_the_trusted_proxies(serve, demo_behind_a_login):
    port = free_port()
    demo_behind_a_login(port, trusted_proxies=["10.1.2.3"])
    served = serve(port=port)
    async with aiohttp.ClientSession() as http:
        answer = await http.get(served.base + "/", headers={HEADER: "anna"})
        assert answer.status == 403
        assert "this request came from 127.0.0.1" in await answer.text()


def test_without_a_login_samskab_serves_on_loopback_only(samskab):
    samskab("demo", now=NOW)
    refused = samskab("serve", "--host", "0.0.0.0", exit=2)
    assert "samskab serves on 0.0.0.0 only behind a login" in refused.stderr
    assert re.search(r"set \[serve\] identity_header in \S*samskab.toml", refused.stderr)
    Path("samskab.toml").write_text('[serve]\nidentity_header = "X-Remote-User"\n', encoding="utf-8")
    refused = samskab("serve", "--host", "0.0.0.0", exit=1)  # single-user mode: everyone is everything
    assert "no one is registered for samskab serve to act as" in refused.stderr
    samskab("people", "add", os_account(), "--role", "admin")
    refused = samskab("serve", "--host", "0.0.0.0", exit=2)  # not without its public address
    assert re.search(r"\[serve\] public_url is not set in \S*samskab.toml", refused.stderr)


def test_behind_a_login_the_account_serving_must_be_an_admin(samskab, workdir):
    samskab("demo", now=NOW)
    samskab("people", "add", os_account(), "--role", "admin")
    samskab("people", "add", "anna", "--role", "koordinator")
    samskab("people", "grant", "anna", "admin")
    samskab("people", "revoke", os_account(), "admin")
    (workdir / "samskab.toml").write_text(
        '[serve]\nidentity_header = "X-Remote-User"\npublic_url = "https://samskab.kommune.dk"\n',
        encoding="utf-8",
    )
    refused = samskab("serve", exit=1)
    assert f"{os_account()} may not act on someone else's behalf" in refused.stderr


def test_without_the_serve_extra_it_says_how_to_install_it(tmp_path):
    code = "import sys; sys.modules['textual_serve'] = None; from samskab.cli import cli; cli(['serve'])"
    said = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert said.returncode == 2, said.stderr
    assert "samskab serve needs textual_serve" in said.stderr
    assert "pip install 'samskab[serve]'" in said.stderr
    assert list(tmp_path.iterdir()) == []  # no database made


async def test_a_person_may_have_so_many_sessions_open_at_once(serve, demo_behind_a_login):
    """Each session runs a terminal UI on the server: one person's tabs are limited, and
    a closed one makes room; others are not held back by them."""
    port = free_port()
    demo_behind_a_login(port, sessions_per_person=2)
    served = serve(port=port)

    async def session(who: str) -> aiohttp.ClientWebSocketResponse:
        return await http.ws_connect(served.base + "/ws", headers={HEADER: who, "Origin": served.base})

    async with aiohttp.ClientSession() as http:
        first, second = await session("anna"), await session("anna")
        with pytest.raises(aiohttp.WSServerHandshakeError) as third:
            await session("anna")
        assert third.value.status == 403
        page = await http.get(served.base + "/ws", headers={HEADER: "anna", "Origin": served.base})
        assert "2 sessions of samskab open" in await page.text()
        mine = await session(os_account())  # another person
        await first.close()
        for _ in range(100):  # the server hears of the closed one
            again = await http.get(served.base + "/ws", headers={HEADER: "anna", "Origin": served.base})
            if again.status != 403:
                break
            await asyncio.sleep(0.1)
        fourth = await session("anna")
        for websocket in (second, mine, fourth):
            await websocket.close()


def test_a_mistake_in_serve_settings_is_a_clear_error(samskab, workdir):
    (workdir / "samskab.toml").write_text(
        '[serve]\nidentity_header = "X Remote User"\ntrusted_proxies = ["proxy.kommune.dk"]\n'
        'public_url = "javascript:alert(1)"\nsessions_per_person = 0\n',
        encoding="utf-8",
    )
    said = samskab("serve", exit=2).stderr
    assert "0 is not a number of sessions from 1 to 100" in said
    assert "'X Remote User' is not a header's name" in said
    assert "'proxy.kommune.dk' is not an IP address or network" in said
    assert "'javascript:alert(1)' is not a web address people can open" in said


async def test_without_a_login_only_the_address_with_its_token_opens_a_session(serve, samskab):
    samskab("--db", "kommune.db", "demo", now=NOW)
    served = serve("--db", "kommune.db")
    token = served.address.split("?token=")[1]
    async with aiohttp.ClientSession() as http:
        for path in ("/", "/?token=guessed", "/ws", "/ws/guessed"):
            answer = await http.get(served.base + path)
            assert answer.status == 403, path
            assert "with its token" in await answer.text()
        page = await (await http.get(served.address)).text()
        assert f'data-session-websocket-url="ws://127.0.0.1:{served.port}/ws/{token}"' in page
        websocket = await http.ws_connect(f"{served.base}/ws/{token}?width=100&height=30")
        browser = Browser(websocket)
        await browser.wait_for(f"samskab · {os_account()} (every role)")  # as in a terminal
        await browser.wait_for("44 cases")  # of kommune.db
        await websocket.close()
    assert not Path("samskab.db").exists()


# -- a real browser ----------------------------------------------------------------------


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def colours(png: bytes) -> collections.Counter[bytes]:
    """The colours of a PNG (8-bit RGB or RGBA, as Chromium writes them), each with how
    many pixels of every eighth row show it."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        chunks[kind] = chunks.get(kind, b"") + png[at + 8 : at + 8 + length]
        at += 12 + length
    width, height, depth, kind = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and kind in (2, 6)
    size = 3 if kind == 2 else 4
    raw, stride = zlib.decompress(chunks[b"IDAT"]), width * size
    previous, seen = bytearray(stride), collections.Counter[bytes]()
    for row in range(height):
        kind_of_filter = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for x in range(stride):  # undo the row's filter (the PNG specification, 9.2)
            a, b = line[x - size] if x >= size else 0, previous[x]
            c = previous[x - size] if x >= size else 0
            line[x] = (line[x] + (0, a, b, (a + b) // 2, paeth(a, b, c))[kind_of_filter]) & 255
        if row % 8 == 0:
            seen.update(bytes(line[x : x + 3]) for x in range(0, stride, size))
        previous = line
    return seen


def paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    return min((abs(p - a), 0, a), (abs(p - b), 1, b), (abs(p - c), 2, c))[2]


class DevTools:
    """Headless Chromium driven over its DevTools protocol."""

    def __init__(self, websocket: aiohttp.ClientWebSocketResponse):
        self.websocket = websocket
        self.number = 0

    async def call(self, method: str, **params: object) -> dict:
        self.number += 1
        await self.websocket.send_json({"id": self.number, "method": method, "params": params})
        async for message in self.websocket:
            answer = json.loads(message.data)
            if answer.get("id") == self.number:
                return answer["result"]
        raise AssertionError("Chromium closed its DevTools")

    async def until(self, expression: str, seconds: float = 60) -> None:
        """Wait until the page's ``expression`` is true, asking again as soon as it answers."""

        async def ask() -> None:
            while not (await self.call("Runtime.evaluate", expression=expression))["result"].get("value"):
                pass

        await asyncio.wait_for(ask(), seconds)

    async def screenshot_until(self, enough: int, seconds: float = 60) -> bytes:
        """A screenshot once the page shows more than ``enough`` colours (the terminal
        drawn on its canvas; its text is nowhere else to ask), or the last one taken."""

        async def take() -> bytes:
            while True:
                shot = base64.b64decode((await self.call("Page.captureScreenshot", format="png"))["data"])
                if len(colours(shot)) > enough:
                    return shot
                last[0] = shot

        last = [b""]
        try:
            return await asyncio.wait_for(take(), seconds)
        except TimeoutError:
            return last[0]


@pytest.mark.skipif(chromium() is None, reason="no chromium on PATH (.ci/run installs Debian's where it can)")
async def test_the_page_draws_the_terminal_ui_in_headless_chromium(serve, samskab, tmp_path):
    samskab("demo", now=NOW)
    served = serve()
    profile = tmp_path / "chromium"  # pytest's, so what a helper process of it writes late is no error
    browser = subprocess.Popen(
        [
            str(chromium()), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
            "--remote-debugging-port=0", "--window-size=800,500", "about:blank",
        ],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its helper processes in a group of their own, stopped together
    )  # fmt: skip
    try:
        assert browser.stderr is not None
        listening = next(line for line in browser.stderr if "DevTools listening on" in line)
        devtools_port = re.search(r"ws://[^:]+:(\d+)/", listening).group(1)
        threading.Thread(target=browser.stderr.read, daemon=True).start()
        async with aiohttp.ClientSession() as http:
            pages = await (await http.get(f"http://127.0.0.1:{devtools_port}/json/list")).json()
            target = next(p for p in pages if p["type"] == "page")
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as websocket:
                page = DevTools(websocket)
                await page.call("Page.navigate", url=served.address)
                await page.until("document.body.classList.contains('-first-byte')")
                shot = await page.screenshot_until(8)
                (tmp_path / "served.png").write_bytes(shot)
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait(timeout=30)
    shown = colours(shot)
    assert len(shown) > 8, "the page shows one or two colours: the terminal UI was not drawn"
    background = shown.most_common(1)[0][0]
    assert sum(background) < 200, f"mostly {background.hex()}: not the terminal's dark background"


# -- the server's files are not the person's ---------------------------------------------


async def test_a_browser_session_neither_writes_nor_reads_the_servers_files(engine, workdir):
    from pilot import settle, static_text
    from textual.widgets import Static

    from samskab.engine.config import Actor
    from samskab.engine.errors import Refused
    from samskab.engine.service import Service
    from samskab.tui.app import SamskabApp
    from samskab.tui.screens.cases import CasesScreen
    from samskab.tui.screens.export_dialog import ExportDialog

    service = Service(engine, Actor("mette", None), "da").in_a_browser()
    async with SamskabApp(service).run_test(size=(120, 36)) as pilot:
        await settle(pilot, CasesScreen)
        await pilot.press("e")
        await settle(pilot, ExportDialog)
        await pilot.press("ctrl+s")
        await settle(pilot, ExportDialog)
        refusal = static_text(pilot.app.screen.query_one("#refusal", Static))
        assert "i en webbrowser læser og skriver samskab ikke filer på serveren" in refusal
    assert list(workdir.glob("sager-*")) == []
    (workdir / "secret.txt").write_text("the server's own", encoding="utf-8")
    kept = service.documents(2)
    for acting in (service, service.acting_as("anna")):  # on anyone's behalf too
        with pytest.raises(Refused, match="does not read or write files on the server"):
            acting.attach_document(2, workdir / "secret.txt")
        with pytest.raises(Refused):
            acting.write_private(workdir / "export.csv", b"1,2\n")
    assert not (workdir / "export.csv").exists()
    assert service.documents(2) == kept


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
    ],
)
def test_only_this_machines_own_addresses_are_loopback(host, loopback):
    from samskab.tui.serve import is_loopback

    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Samskab.Kommune.dk/", "https://samskab.kommune.dk"),
        ("https://samskab.kommune.dk:443/samskab", "https://samskab.kommune.dk"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:80", "http://[::1]"),
    ],
)
def test_the_origin_a_browser_sends_for_the_public_address(url, origin):
    from samskab.tui.serve import origin_of

    assert origin_of(url) == origin
