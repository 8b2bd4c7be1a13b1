"""A webhook (the ``webhook`` channel type): POSTs each event as JSON, signed.

::

    [channels.intranet]
    type = "webhook"
    url = "https://intranet.kommune.dk/samskab-hook"
    secret_env = "SAMSKAB_WEBHOOK_SECRET"   # the shared secret, from the environment
    events = ["action", "created", "reminder", "deadline"]

The signature is ``X-Samskab-Signature: sha256=<hex HMAC-SHA256 of the body>`` with the
shared secret; ``X-Samskab-Key`` is the idempotency key. A receiver recomputes the HMAC
over the raw body and compares with ``hmac.compare_digest``.
"""

import hashlib
import hmac
import json
import os
from typing import ClassVar

import attrs

from samskab.engine.channels import Channel, OutboxMessage
from samskab.engine.hookspecs import hookimpl


@attrs.frozen
class WebhookSettings:
    url: str
    secret_env: str | None = None
    events: tuple[str, ...] = ("action", "created", "reminder", "deadline")
    timeout: int = 10


def signature(secret: bytes, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


class WebhookChannel:
    type: ClassVar[str] = "webhook"
    addressed: ClassVar[bool] = False
    Settings: ClassVar = WebhookSettings

    def __init__(self, name: str, settings: WebhookSettings):
        self.name = name
        self.settings = settings

    def send(self, message: OutboxMessage) -> None:
        import urllib.request  # here, not at start-up: most commands send nothing

        body = json.dumps(
            {"key": message.key, "subject": message.subject, **message.payload}, ensure_ascii=False
        ).encode()
        headers = {"Content-Type": "application/json", "X-Samskab-Key": message.key}
        secret = os.environ.get(self.settings.secret_env or "")
        if secret:
            headers["X-Samskab-Signature"] = signature(secret.encode(), body)
        request = urllib.request.Request(self.settings.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
            if response.status >= 300:
                raise OSError(f"{self.settings.url} answered {response.status}")


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [WebhookChannel]
