"""Notifications delivered for real: an SMTP server and an HTTP server on loopback,
started by the tests, receive what samskab sends."""

import datetime as dt
import email.utils
import http.server
import json
import os
import subprocess
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import jsonschema
import pytest
from conftest import ADMIN, FORMAL_HEARING, SAMSKAB
from servers import Mailbox
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PAYLOAD_SCHEMA = Path(__file__).parent.parent / "docs" / "webhook-payload.schema.json"

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
"""A Standard Webhooks secret (base64 after ``whsec_``)."""


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list
    delay = 0.0
    """Seconds each request takes, as a slow receiver's do."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(self.delay)
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.startswith("/moved-"):  # /moved-301, /moved-307, ...: sent on to /hook
            self.send_response(int(self.path.removeprefix("/moved-")))
            self.send_header("Location", "/hook")
        else:
            self.send_response(204)
        self.end_headers()

    def do_GET(self):  # what a 301 or 302 would make of the POST
        self.received.append((dict(self.headers), b"GET"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def mailbox():
    box = Mailbox()
    box.start()
    yield box
    box.stop()


@pytest.fixture
def webhook():
    received = []
    handler = type("Handler", (Receiver,), {"received": received})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


@pytest.fixture
def configured(workdir, mailbox, webhook, monkeypatch):
    monkeypatch.setenv("SAMSKAB_WEBHOOK_SECRET", SECRET)
    url, _ = webhook
    (workdir / "samskab.toml").write_text(
        ADMIN
        + f"""
[people.mette]
email = "mette@kommune.dk"
roles = ["koordinator", "drift"]

[people.borgmester]
email = "borgmester@kommune.dk"
roles = ["styregruppe"]

[people.karin]
email = "karin@kommune.dk"
roles = ["forvaltning"]

[people.guest]
email = "guest@kommune.dk"
roles = ["styregruppe"]
language = "en"

[channels.mail]
type = "smtp"
host = "127.0.0.1"
port = {mailbox.port}
sender = "samskab@kommune.dk"
reply_to = "partnerskaber@kommune.dk"
timeout = 2

[channels.intranet]
type = "webhook"
url = "{url}"
secret_env = "SAMSKAB_WEBHOOK_SECRET"
events = ["action"]

[delivery]
max_attempts = 3
first_retry = "PT1M"
""",
        encoding="utf-8",
    )
    return workdir


def to_signature(samskab, number, now, *, options: tuple[str, ...] = ()):
    """Advance a partnership to the steering group's signature (``options``: global ones)."""
    samskab(
        *options,
        "cases",
        "advance",
        number,
        "udform_aftale",
        "--set",
        "organisation=Spejderne",
        "--set",
        "dialogmoede_dato=2026-01-10",
        "--set",
        "deltagere=Alle",
        "--as",
        "mette",
        now=now,
    )
    samskab(
        *options,
        "cases",
        "advance",
        number,
        "send_til_underskrift",
        "--set",
        "kommunens_bidrag=Lokaler",
        "--set",
        "organisationens_bidrag=Ledere",
        "--set",
        "tilskud=30000",
        "--set",
        "faciliteter=Hytten",
        "--set",
        "kontakt_email=spejd@example.dk",
        "--as",
        "mette",
        now=now,
    )


def new_case(samskab, now="2026-01-05T09:00"):
    return str(
        samskab.json("cases", "new", "partnerskab", "--title", "Spejderne", "--as", "mette", now=now)["id"]
    )


def test_mail_and_signed_webhook_arrive(samskab, configured, mailbox, webhook):
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    assert mailbox.messages == []  # written to the outbox, not sent yet
    report = samskab.json("tick", now="2026-01-12T10:05")
    assert report["delivery"]["sent"] == 2 + 2  # two steering-group members, two webhook calls

    danish = mailbox.to("borgmester@kommune.dk")
    assert len(danish) == 1
    assert danish[0]["From"] == "samskab@kommune.dk"
    assert danish[0]["Subject"] == "[samskab] Sag 1 – Spejderne: Send aftalen til underskrift (af mette)"
    body = danish[0].get_content()
    assert f"Sag {number}: Spejderne" in body
    assert "Trin nu: Til underskrift i styregruppen" in body
    assert "Næste frist: 23.2.2026" in body
    english = mailbox.to("guest@kommune.dk")[0].get_content()
    assert "Step now: For signature by the steering group" in english
    assert mailbox.to("mette@kommune.dk") == []  # the coordinator is not in this rule

    _, received = webhook
    assert [json.loads(body)["action"] for _, body in received] == ["udform_aftale", "send_til_underskrift"]
    headers, raw = received[-1]
    payload = Webhook(SECRET).verify(raw, headers)  # the Standard Webhooks reference receiver
    assert payload["to"] == "til_underskrift" and payload["case"] == int(number)
    assert headers["webhook-id"] == payload["key"]
    jsonschema.validate(payload, json.loads(PAYLOAD_SCHEMA.read_text()))
    with pytest.raises(WebhookVerificationError):  # a changed body does not verify
        Webhook(SECRET).verify(raw.replace(b"Spejderne", b"Spejderna"), headers)

    assert samskab.json("tick", now="2026-01-12T10:10")["delivery"]["sent"] == 0


def test_a_handover_is_said_to_the_new_owner_alone(samskab, configured, mailbox, webhook):
    now = "2026-01-05T09:00"
    number = new_case(samskab, now=now)
    samskab(
        "cases", "handover", number, "borgmester", "--note", "Klar til underskrift", "--as", "mette", now=now
    )
    assert samskab.json("tick", now="2026-01-05T09:05")["delivery"]["sent"] == 1  # no webhook: not its events
    [mail] = mailbox.messages
    assert mail["To"] == "borgmester@kommune.dk"
    assert mail["Subject"] == "[samskab] Sag 1 – Spejderne: Overdraget til borgmester (af mette)"
    assert "Note: Klar til underskrift" in mail.get_content()
    _, received = webhook
    assert received == []


def test_outage_retries_then_incident_then_delivery_once(samskab, configured, mailbox):
    mailbox.stop()
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    # The state changes are committed whatever the mail server does.
    assert samskab.json("cases", "show", number)["state"] == "til_underskrift"

    first = samskab.json("tick", now="2026-01-12T10:00")["delivery"]
    assert first == {"sent": 2, "retrying": 2, "incidents": 0}  # webhook fine, mail down
    assert samskab.json("tick", now="2026-01-12T10:00:30")["delivery"]["retrying"] == 0  # not due yet
    assert samskab.json("tick", now="2026-01-12T10:01")["delivery"]["retrying"] == 2
    assert samskab.json("tick", now="2026-01-12T10:03")["delivery"]["incidents"] == 2
    incidents = samskab.json("outbox", "list")
    assert [(m["status"], m["attempts"]) for m in incidents] == [("incident", 3), ("incident", 3)]
    assert "ConnectionRefusedError" in incidents[0]["last_error"]
    assert "INCIDENT" in samskab("outbox", "list").stdout
    assert "HÆNDELSE" in samskab("--lang", "da", "outbox", "list").stdout

    # Another change while the server is still down: pending, not an incident yet.
    samskab(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-01-20",
        "--set",
        "underskrevet_af=Borgmesteren",
        "--as",
        "borgmester",
        now="2026-01-20T09:00",
    )
    samskab("tick", now="2026-01-20T09:00")

    mailbox.start()
    for message in incidents:
        samskab("outbox", "retry", str(message["id"]), "--as", "mette", now="2026-01-20T10:00")
    samskab("tick", now="2026-01-20T10:00")
    samskab("tick", now="2026-01-20T10:30")
    samskab("tick", now="2026-01-21T10:30")
    keys = [m["X-Samskab-Key"] for m in mailbox.messages]
    # Two for "sent for signature"; two for "active": the coordinator and the organisation.
    assert len(keys) == len(set(keys)) == 4
    assert {m["To"] for m in mailbox.messages} == {
        "borgmester@kommune.dk",
        "guest@kommune.dk",
        "mette@kommune.dk",
        "spejd@example.dk",
    }
    assert samskab.json("outbox", "list") == []
    everything = samskab.json("outbox", "list", "--all")
    assert {m["status"] for m in everything} == {"sent"}


def test_dismissing_an_incident_is_recorded(samskab, configured, mailbox):
    mailbox.stop()
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    for now in ("2026-01-12T10:00", "2026-01-12T10:01", "2026-01-12T10:03"):
        samskab("tick", now=now)
    message = samskab.json("outbox", "list")[0]
    samskab("outbox", "dismiss", str(message["id"]), "--as", "mette", now="2026-01-13")
    assert message["id"] not in [m["id"] for m in samskab.json("outbox", "list")]
    refused = samskab("outbox", "retry", str(message["id"]), exit=1)
    assert "already sent or dismissed" in refused.stderr
    assert "no message 999" in samskab("outbox", "dismiss", "999", exit=1).stderr

    from samskab.engine.core import open_engine
    from samskab.engine.plugins import make_plugin_manager

    engine = open_engine("samskab.db", pm=make_plugin_manager(load_entrypoints=False))
    assert engine.store.outbox_log(message["id"]) == [
        (dt.datetime(2026, 1, 13, tzinfo=dt.UTC), "mette", "dismiss")
    ]
    mailbox.start()


def test_three_year_review_reminder_and_due_notice_each_exactly_once(samskab, configured, mailbox):
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-03-01T09:00")
    samskab(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-01",
        "--set",
        "underskrevet_af=Borgmesteren",
        "--as",
        "borgmester",
        now="2026-03-01T09:00",
    )
    samskab("tick", now="2026-03-01T09:05")
    mailbox.messages.clear()

    for now in ("2028-08-31", "2028-09-01", "2028-09-01T12:00", "2028-09-02"):
        samskab("tick", now=now)
    reminders = [m for m in mailbox.messages if "Påmindelse" in m["Subject"] or "Reminder" in m["Subject"]]
    # Six months before: the coordinator, the steering group and the organisation's contact.
    assert sorted(m["To"] for m in reminders) == sorted(
        ["mette@kommune.dk", "borgmester@kommune.dk", "guest@kommune.dk", "spejd@example.dk"]
    )
    assert "fristen for «Aktivt partnerskab» er 1.3.2029" in reminders[0]["Subject"]

    mailbox.messages.clear()
    for now in ("2029-02-28T23:59", "2029-03-01", "2029-03-01T06:00", "2029-03-05"):
        samskab("tick", now=now)
    due = [m for m in mailbox.messages if "overskredet" in m["Subject"] or "passed" in m["Subject"]]
    assert sorted(m["To"] for m in due) == sorted(
        ["mette@kommune.dk", "borgmester@kommune.dk", "guest@kommune.dk"]
    )
    keys = [m["X-Samskab-Key"] for m in mailbox.messages]
    assert len(keys) == len(set(keys))


def test_calendar_holds_every_open_deadline_and_reminder(samskab, configured):
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-03-01T09:00")
    samskab(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-01",
        "--set",
        "underskrevet_af=Borgmesteren",
        "--as",
        "borgmester",
        now="2026-03-01T09:00",
    )
    other = str(
        samskab.json(
            "cases",
            "new",
            "hoering",
            "--title",
            "Politik",
            "--set",
            "dokument=Politik",
            "--as",
            "karin",
            now="2026-03-01",
        )["id"]
    )
    samskab(
        "cases",
        "advance",
        other,
        "send_i_hoering",
        *FORMAL_HEARING,
        "--as",
        "karin",
        now="2026-03-02",
    )

    samskab("--lang", "da", "calendar", "-o", "frister.ics", now="2026-03-03")
    data = (configured / "frister.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["Frist: Politik – I offentlig høring", "Frist: Spejderne – Aktivt partnerskab"]
    # Signed 1.3.2026: the review's last day is 1.3.2029, an all-day event; its reminders alarms.
    review = events["Frist: Spejderne – Aktivt partnerskab"]
    assert review.decoded("dtstart") == dt.date(2029, 3, 1) and review.decoded("dtend") == dt.date(2029, 3, 2)
    assert "DTSTART;VALUE=DATE:20290301" in data.decode()
    alarms = sorted(a.decoded("trigger") for a in review.walk("VALARM"))
    copenhagen = ZoneInfo("Europe/Copenhagen")
    assert alarms == [
        dt.datetime(2028, 9, 1, tzinfo=copenhagen),  # six and three months before, at local midnight
        dt.datetime(2028, 12, 1, tzinfo=copenhagen),
    ]
    # Sent to hearing 2.3 at 01:00 Danish time: six weeks later, after the change to summer time.
    hearing = events["Frist: Politik – I offentlig høring"]
    start = hearing.decoded("dtstart")
    assert (
        start == dt.datetime(2026, 4, 13, 1, 0, tzinfo=copenhagen)
        and str(start.tzinfo) == "Europe/Copenhagen"
    )
    assert hearing.decoded("dtend") - start == dt.timedelta(minutes=15)
    assert "DTSTART;TZID=Europe/Copenhagen:20260413T010000" in data.decode()
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    assert len({str(e["uid"]) for e in cal.walk("VEVENT")} | {str(a["uid"]) for a in cal.walk("VALARM")}) == 5

    # A second, independent and strict parser reads the same.
    from ical.calendar_stream import IcsCalendarStream

    parsed = IcsCalendarStream.calendar_from_ics(data.decode())
    assert sorted((e.summary, str(e.dtstart)) for e in parsed.events) == [
        ("Frist: Politik – I offentlig høring", "2026-04-13 01:00:00+02:00"),
        ("Frist: Spejderne – Aktivt partnerskab", "2029-03-01"),
    ]
    assert sum(len(e.alarm) for e in parsed.events) == 3

    # The same deadline keeps its UID in a later feed; another installation's never collide.
    again = icalendar.Calendar.from_ical(samskab("calendar", now="2026-03-04").stdout)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == {str(e["uid"]) for e in cal.walk("VEVENT")}
    listed = {e["title"]: e for e in samskab.json("calendar", now="2026-03-04")}
    assert (listed["Spejderne"]["day"], listed["Spejderne"]["all_day"]) == ("2029-03-01", True)
    assert listed["Spejderne"]["reminders"] == ["2028-08-31T22:00:00+00:00", "2028-11-30T23:00:00+00:00"]
    assert (listed["Politik"]["due_at"], listed["Politik"]["all_day"]) == ("2026-04-12T23:00:00+00:00", False)
    assert {e["uid"] for e in listed.values()} == {str(e["uid"]) for e in cal.walk("VEVENT")}
    unknown = samskab("calendar", "--person", "nobody", exit=1)
    assert "no one is registered as nobody" in unknown.stderr

    only = icalendar.Calendar.from_ical(
        samskab("--lang", "da", "calendar", "--process", "hoering", now="2026-03-03").stdout
    )
    assert {str(e["summary"]).split(": ")[1] for e in only.walk("VEVENT")} == {"Politik – I offentlig høring"}
    mine = icalendar.Calendar.from_ical(
        samskab("--lang", "da", "calendar", "--person", "borgmester", now="2026-03-03").stdout
    )
    # The steering group can act on the partnership (end it), not on the hearing.
    assert {str(e["summary"]).split(": ")[1] for e in mine.walk("VEVENT")} == {
        "Spejderne – Aktivt partnerskab"
    }


@pytest.mark.parametrize(
    "table, message",
    [
        (
            '[channels.x]\ntype = "smpt"\n',
            "channels.x.type: unknown channel type 'smpt' (did you mean `smtp`?)",
        ),
        ('[channels.x]\ntype = "webhook"\n', "channels.x.url: required key missing"),
        (
            '[channels.x]\ntype = "smtp"\nhost = "h"\nsender = "s"\nport = "25"\n',
            "channels.x.port: expected a whole number, got the text '25'",
        ),
        ("[delivery]\nmax_attempt = 3\n", "delivery.max_attempt: unknown key `max_attempt`"),
    ],
)
def test_bad_channel_config_names_the_key(samskab, workdir, table, message):
    (workdir / "samskab.toml").write_text(table)
    assert message in samskab("cases", "list", exit=2).stderr


def test_two_deliverers_at_once_send_each_message_once(samskab, configured, webhook, mailbox):
    """Cron's tick and a second tick (or the open TUI) deliver at the same moment: every
    message reaches its receiver once, because each deliverer first claims what it sends."""
    now = "2026-03-01T09:00"
    _, received = webhook
    Receiver.delay = 0.05  # a slow receiver keeps both deliverers busy at once
    try:
        for i in range(16):
            made = samskab.json("cases", "new", "partnerskab", "--title", f"Forening {i}", now=now)
            samskab(
                "cases", "advance", str(made["id"]), "afbryd", "--note", "Trak sig", "--as", "mette", now=now
            )
        env = {**os.environ, "SAMSKAB_NOW": now, "SAMSKAB_WEBHOOK_SECRET": SECRET}
        ticks = [
            subprocess.Popen([SAMSKAB, "tick"], cwd=configured, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [tick.communicate(timeout=60)[0] for tick in ticks]
    finally:
        Receiver.delay = 0.0
    keys = [headers["webhook-id"] for headers, _ in received]
    assert len(keys) == 16 and len(set(keys)) == 16
    mails = [message["Message-ID"] for message in mailbox.messages]
    assert len(mails) == len(set(mails))
    assert all(tick.returncode == 0 for tick in ticks), outputs
    sent = [int(output.split(" sent")[0].rsplit(" ", 1)[1]) for output in outputs]
    assert sum(sent) == 16, outputs


@pytest.mark.parametrize(
    "setting, message",
    [
        ('first_retry = "soon"', "samskab.toml:2: delivery.first_retry: `soon` is not an ISO 8601 duration"),
        ('first_retry = "-PT1M"', "samskab.toml:2: delivery.first_retry: `-PT1M` is not a positive duration"),
        ("max_attempts = 0", "samskab.toml:2: delivery.max_attempts: must be 1 or more"),
    ],
)
def test_a_bad_delivery_setting_is_a_clear_error_at_start(samskab, workdir, setting, message):
    (workdir / "samskab.toml").write_text(f"[delivery]\n{setting}\n", encoding="utf-8")
    result = samskab("cases", "list", exit=2)
    assert message in result.stderr


def test_a_new_cases_messages_name_its_number(samskab, workdir):
    (workdir / "samskab.toml").write_text('[channels.journal]\ntype = "log"\npath = "journal.log"\n')
    samskab("cases", "new", "partnerskab", "--title", "Først")
    number = samskab.json("cases", "new", "partnerskab", "--title", "Spejderne")["id"]
    samskab("tick")
    lines = [json.loads(line) for line in (workdir / "journal.log").read_text().splitlines()]
    opened = next(line for line in lines if line["title"] == "Spejderne")
    assert opened["event"] == "created" and opened["case"] == number == 2
    [message] = [m for m in samskab.json("outbox", "list", "--all") if m["case_id"] == number]
    assert message["status"] == "sent"


def test_mail_headers_as_mail_clients_expect_them(samskab, configured, mailbox):
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    samskab("tick", now="2026-01-12T10:05")
    [mail] = mailbox.to("borgmester@kommune.dk")
    raw = mailbox.raw[mailbox.messages.index(mail)]
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Reply-To"] == "partnerskaber@kommune.dk"
    sent = email.utils.parsedate_to_datetime(mail["Date"])
    assert sent.tzinfo is not None and abs(sent - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    [message] = [
        m for m in samskab.json("outbox", "list", "--all") if m["recipient"] == "borgmester@kommune.dk"
    ]
    assert mail["Message-ID"] == f"<{message['key']}@kommune.dk>" == f"<{mail['X-Samskab-Key']}@kommune.dk>"
    assert mail["References"] == mail["In-Reply-To"]
    assert mail["References"].startswith(f"<case-{number}.") and mail["References"].endswith("@kommune.dk>")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n")[0]  # the subject's – (or æøå) encoded, RFC 2047
    assert "Sag 1 – Spejderne" in mail["Subject"]


def test_message_id_is_the_same_at_every_retry(samskab, configured, mailbox):
    mailbox.stop()
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    samskab("tick", now="2026-01-12T10:00")
    [message] = [m for m in samskab.json("outbox", "list") if m["recipient"] == "borgmester@kommune.dk"]
    mailbox.start()
    samskab("tick", now="2026-01-12T10:02")
    [mail] = mailbox.to("borgmester@kommune.dk")
    assert mail["Message-ID"] == f"<{message['key']}@kommune.dk>"


def test_someone_outside_sees_the_step_and_the_deadline_not_notes_or_who(samskab, configured, mailbox):
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    samskab(
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-01",
        "--set",
        "underskrevet_af=Borgmesteren",
        "--note",
        "Aftalt med Østergård om lokalerne",
        "--as",
        "borgmester",
        now="2026-03-01T09:00",
    )
    samskab("tick", now="2026-03-01T09:05")
    [outside] = mailbox.to("spejd@example.dk")
    body = outside.get_content()
    assert "Østergård" not in body and "borgmester" not in body and "(af" not in outside["Subject"]
    assert "Trin nu: Aktivt partnerskab" in body and "Næste frist: 1.3.2029" in body
    assert "Borgmesteren" not in body  # the values set stay inside
    [inside] = mailbox.to("mette@kommune.dk")
    assert "Østergård" in inside.get_content() and "(af borgmester)" in inside["Subject"]


def test_a_process_can_let_someone_outside_see_the_note(samskab, configured, mailbox, process_dir):
    text = (process_dir / "lokal.toml").read_text(encoding="utf-8")
    text = text.replace(
        'to = ["koordinator", "field:kontakt_email"]',
        'to = ["koordinator", "field:kontakt_email"]\nexternal_sees = ["note"]',
    )
    (process_dir / "lokal.toml").write_text(text, encoding="utf-8")
    number = str(
        samskab.json("--processes", "mine", "cases", "new", "lokal", "--title", "Spejderne", "--as", "mette")[
            "id"
        ]
    )
    to_signature(samskab, number, None, options=("--processes", "mine"))
    samskab(
        "--processes",
        "mine",
        "cases",
        "advance",
        number,
        "underskriv",
        "--set",
        "underskrevet_dato=2026-03-01",
        "--set",
        "underskrevet_af=B",
        "--note",
        "Velkommen",
        "--as",
        "borgmester",
    )
    samskab("--processes", "mine", "tick")
    body = mailbox.to("spejd@example.dk")[0].get_content()
    assert "Note: Velkommen" in body


@pytest.fixture
def hook_config(workdir, webhook, monkeypatch):
    """A webhook channel only, its secret set; returns a function writing its config."""
    url, received = webhook
    monkeypatch.setenv("SAMSKAB_WEBHOOK_SECRET", SECRET)

    def configure(path: str = "/hook", extra: str = "") -> list:
        (workdir / "samskab.toml").write_text(
            f'[channels.hook]\ntype = "webhook"\nurl = "{url.removesuffix("/hook")}{path}"\n'
            f'secret_env = "SAMSKAB_WEBHOOK_SECRET"\nevents = ["created"]\n{extra}'
            "[delivery]\nmax_attempts = 1\n"
        )
        return received

    return configure


@pytest.mark.parametrize("code", [307, 308])
def test_a_webhook_follows_307_and_308_with_the_same_post(samskab, hook_config, code):
    received = hook_config(f"/moved-{code}")
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    assert samskab.json("tick")["delivery"]["sent"] == 1
    (_, first), (headers, second) = received
    assert first == second and json.loads(second)["title"] == "Lions"
    Webhook(SECRET).verify(second, headers)


@pytest.mark.parametrize("code", [301, 302, 303])
def test_any_other_redirect_is_a_failure_not_a_delivery(samskab, hook_config, code):
    received = hook_config(f"/moved-{code}")
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    assert samskab.json("tick")["delivery"] == {"sent": 0, "retrying": 0, "incidents": 1}
    assert [body for _, body in received if body == b"GET"] == []  # never turned into a GET
    [incident] = samskab.json("outbox", "list")
    assert f"answered {code}" in incident["last_error"] and "307 or 308" in incident["last_error"]


def test_a_secret_configured_but_not_set_sends_nothing_unsigned(samskab, hook_config, monkeypatch):
    received = hook_config()
    monkeypatch.delenv("SAMSKAB_WEBHOOK_SECRET")
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    assert samskab.json("tick")["delivery"]["incidents"] == 1
    assert received == []
    [incident] = samskab.json("outbox", "list")
    assert "$SAMSKAB_WEBHOOK_SECRET, which is not set" in incident["last_error"]
    assert incident["attempts"] == 1  # an incident at once: retrying cannot help


def test_a_webhook_sends_the_headers_a_receiver_authenticates_by(samskab, hook_config, monkeypatch):
    received = hook_config(
        extra='headers = { "X-Team" = "partnerskaber" }\nheaders_env = { "Authorization" = "HOOK_AUTH" }\n'
    )
    monkeypatch.setenv("HOOK_AUTH", "Bearer hemmelig")
    samskab("cases", "new", "partnerskab", "--title", "Lions")
    samskab("tick")
    [(headers, _)] = received
    assert headers["authorization"] == "Bearer hemmelig" and headers["x-team"] == "partnerskaber"
    monkeypatch.delenv("HOOK_AUTH")
    samskab("cases", "new", "partnerskab", "--title", "Spejderne")
    samskab("tick")
    assert len(received) == 1
    assert "$HOOK_AUTH, which is not set" in samskab.json("outbox", "list")[0]["last_error"]


def test_two_installations_never_make_the_same_message_id(samskab, hook_config, workdir):
    received = hook_config()
    for place in ("a", "b"):
        (workdir / place).mkdir()
        (workdir / place / "samskab.toml").write_text((workdir / "samskab.toml").read_text())
        samskab("--db", f"{place}/samskab.db", "cases", "new", "partnerskab", "--title", "Lions")
        samskab("--db", f"{place}/samskab.db", "tick")
    ids = [headers["webhook-id"] for headers, _ in received]
    payloads = [json.loads(body) for _, body in received]
    assert len(ids) == 2 and ids[0] != ids[1]
    assert payloads[0]["installation"] != payloads[1]["installation"]
    assert payloads[0]["event"] == payloads[1]["event"] == "created"


def test_delivery_is_logged_with_verbose_and_quiet_without(samskab, configured, mailbox):
    mailbox.stop()
    number = new_case(samskab)
    to_signature(samskab, number, now="2026-01-12T10:00")
    quiet = samskab("tick", now="2026-01-12T10:00")
    assert "WARNING" not in quiet.stderr and "INFO" not in quiet.stderr
    told = samskab("-v", "tick", now="2026-01-12T10:01").stderr
    assert "WARNING samskab.engine.delivery: message" in told
    assert "(mail to borgmester@kommune.dk) failed (attempt 2)" in told and "ConnectionRefusedError" in told
    told = samskab("--verbose", "tick", now="2026-01-12T10:03").stderr
    assert "ERROR samskab.engine.delivery:" in told and "is an incident after 3 attempt(s)" in told
    mailbox.start()
    for message in samskab.json("outbox", "list"):
        samskab("outbox", "retry", str(message["id"]), "--as", "mette", now="2026-01-12T10:04")
    assert "INFO samskab.engine.delivery: message" in samskab("-v", "tick", now="2026-01-12T10:05").stderr
