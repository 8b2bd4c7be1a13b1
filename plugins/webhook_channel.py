"""A webhook (the ``webhook`` channel type): POSTs each event as JSON, signed as the
Standard Webhooks specification says (https://www.standardwebhooks.com).

::

    [channels.intranet]
    type = "webhook"
    url = "https://intranet.kommune.dk/samskab-hook"
    secret_env = "SAMSKAB_WEBHOOK_SECRET"   # whsec_<base64>, from the environment
    events = ["action", "created", "reminder", "deadline"]
    headers = { "X-Team" = "partnerskaber" }            # optional, sent as they are
    headers_env = { "Authorization" = "HOOK_AUTH" }     # optional, values from the environment

Each request carries ``webhook-id`` (the message's idempotency key: the same at every
retry, unique to the installation), ``webhook-timestamp`` (seconds since 1970, when it
is sent: a receiver refuses old ones, so a request cannot be replayed later) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` under the secret
(a ``whsec_`` secret is base64; any other is used as its bytes). The reference
receiver (``standardwebhooks.Webhook(secret).verify(body, headers)``) accepts it.

A channel whose secret or header variable is configured but not set (cron without the
environment) sends nothing unsigned: the message becomes an incident saying so. Only a
307 or 308 redirect is followed (with the same POST); any other 3xx is a failure, since
a 301, 302 or 303 would turn the POST into a GET that delivers nothing.
"""

import base64
import hashlib
import hmac
import json
import os
import time
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from samskab.engine.channels import Channel, OutboxMessage, Undeliverable
from samskab.engine.hookspecs import hookimpl

if TYPE_CHECKING:
    import urllib.request


@attrs.frozen
class WebhookSettings:
    url: str
    secret_env: str | None = None
    events: tuple[str, ...] = ("action", "created", "reminder", "deadline")
    timeout: int = 10
    headers: dict[str, str] = attrs.field(factory=dict)
    headers_env: dict[str, str] = attrs.field(factory=dict)


def secret_bytes(secret: str) -> bytes:
    """A ``whsec_`` secret is base64 (Standard Webhooks); any other, its UTF-8 bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret.removeprefix("whsec_") + "==")
    return secret.encode()


def signature(secret: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()


class WebhookChannel:
    type: ClassVar[str] = "webhook"
    addressed: ClassVar[bool] = False
    Settings: ClassVar = WebhookSettings

    def __init__(self, name: str, settings: WebhookSettings):
        self.name = name
        self.settings = settings

    def _environment(self, variable: str, what: str) -> str:
        value = os.environ.get(variable)
        if not value:
            raise Undeliverable(
                f"{what} is configured as ${variable}, which is not set: nothing is sent without it"
            )
        return value

    def send(self, message: OutboxMessage) -> None:
        import urllib.error  # here, not at start-up: most commands send nothing

        s = self.settings
        body = json.dumps(
            {"key": message.key, "subject": message.subject, **message.payload}, ensure_ascii=False
        ).encode()
        headers = {**s.headers, "Content-Type": "application/json", "webhook-id": message.key}
        for header, variable in s.headers_env.items():
            headers[header] = self._environment(variable, f"the header {header}")
        if s.secret_env:
            secret = secret_bytes(self._environment(s.secret_env, "the webhook secret"))
            timestamp = int(time.time())  # the real clock: receivers compare it with theirs
            headers["webhook-timestamp"] = str(timestamp)
            headers["webhook-signature"] = signature(secret, message.key, timestamp, body)
        try:
            with _opener().open(_request(s.url, body, headers), timeout=s.timeout) as response:
                if not 200 <= response.status < 300:
                    raise OSError(f"{s.url} answered {response.status}")
        except urllib.error.HTTPError as error:
            raise OSError(f"{s.url} answered {error.code} {error.reason}") from None


def _request(url: str, body: bytes, headers: dict[str, str]) -> "urllib.request.Request":
    import urllib.request

    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def _opener() -> "urllib.request.OpenerDirector":
    import urllib.request

    class SamePost(urllib.request.HTTPRedirectHandler):
        """307 and 308 repeat the POST at the new address; every other 3xx is an error."""

        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            if code in (307, 308):
                return _request(newurl, req.data, dict(req.header_items()))
            raise OSError(
                f"{req.full_url} answered {code} {msg} (a redirect to {newurl}): "
                "a POST is only sent on after 307 or 308; give the channel the new address"
            )

    return urllib.request.build_opener(SamePost)


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [WebhookChannel]
