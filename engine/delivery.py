"""Delivering the outbox: at least once, with exponential back-off, then an incident.

Runs from ``samskab tick`` and from the terminal UI while it is open, often both at once:
a deliverer first claims the messages it sends (a lease, ``Store.outbox_claim``), so each
is sent once. A message whose
channel fails is retried after ``first_retry``, then twice that, and so on; after
``max_attempts`` it becomes an incident that stays visible until someone retries or
dismisses it. Every message carries its idempotency key, so a receiver that sees the
same key twice (a crash between sending and recording) can drop the copy.
"""

import datetime as dt
import logging
from collections.abc import Mapping

from samskab.engine import durations
from samskab.engine.channels import Channel, Undeliverable
from samskab.engine.config import Delivery
from samskab.engine.readmodels import DeliveryReport
from samskab.engine.store import Store

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
"""How long a deliverer holds the messages it claimed: longer than any channel's time-out,
so a message is sent twice only if its deliverer died while sending it."""


def deliver(
    store: Store, channels: Mapping[str, Channel], now: dt.datetime, policy: Delivery
) -> DeliveryReport:
    sent = retrying = incidents = 0
    for message in store.outbox_claim(now, now + LEASE):
        channel = channels.get(message.channel)
        try:
            if channel is None:
                raise LookupError(f"no channel `{message.channel}` in the config")
            channel.send(message)
        except Exception as exc:  # any failure of a channel is retried, never raised
            attempts = message.attempts + 1
            error = f"{type(exc).__name__}: {exc}"
            what = f"message {message.id} ({message.channel} to {message.recipient or 'its subscribers'})"
            if attempts >= policy.max_attempts or isinstance(exc, Undeliverable):
                store.outbox_attempted(message.id, now, error=error, next_attempt_at=None)
                log.error("%s is an incident after %d attempt(s): %s", what, attempts, error)
                incidents += 1
            else:
                wait = durations.parse(policy.first_retry) * (2 ** (attempts - 1))
                store.outbox_attempted(message.id, now, error=error, next_attempt_at=now + wait)
                log.warning("%s failed (attempt %d), retried at %s: %s", what, attempts, now + wait, error)
                retrying += 1
            continue
        store.outbox_attempted(message.id, now, error=None, next_attempt_at=None)
        log.info("message %d sent (%s, key %s)", message.id, message.channel, message.key)
        sent += 1
    return DeliveryReport(sent, retrying, incidents)
