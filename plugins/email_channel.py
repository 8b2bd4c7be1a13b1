"""E-mail over SMTP (the ``smtp`` channel type).

::

    [channels.mail]
    type = "smtp"
    host = "smtp.kommune.dk"
    port = 587
    security = "starttls"          # starttls, ssl or none
    username = "samskab"
    password_env = "SAMSKAB_SMTP_PASSWORD"   # the password itself is never in a file
    sender = "samskab@kommune.dk"
    reply_to = "partnerskaber@kommune.dk"    # optional: where answers go

Each message carries its idempotency key (unique to this installation) in its
``Message-ID`` (the same at every retry) and ``X-Samskab-Key``; a ``Date``;
``Auto-Submitted: auto-generated`` (no auto-replies, no vacation answers); and
``In-Reply-To``/``References`` naming its case, so a case's mails thread together in
Outlook and Thunderbird. Headers with æ, ø and å are encoded as RFC 2047 says.
"""

import os
from typing import TYPE_CHECKING, ClassVar

import attrs

from samskab.engine import localtime
from samskab.engine.channels import Channel, OutboxMessage
from samskab.engine.hookspecs import hookimpl

if TYPE_CHECKING:
    from email.message import EmailMessage


@attrs.frozen
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password_env: str | None = None
    timeout: int = 10
    reply_to: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.security not in ("none", "starttls", "ssl"):
            raise ValueError(f"security must be starttls, ssl or none, not {self.security!r}")


class SmtpChannel:
    type: ClassVar[str] = "smtp"
    addressed: ClassVar[bool] = True
    Settings: ClassVar = SmtpSettings

    def __init__(self, name: str, settings: SmtpSettings):
        self.name = name
        self.settings = settings

    def send(self, message: OutboxMessage) -> None:
        # Imported here: most commands never send mail, and start-up time counts.
        import smtplib
        import ssl

        s = self.settings
        mail = self.mail(message)
        smtp: smtplib.SMTP
        if s.security == "ssl":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with smtp:
            if s.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, os.environ.get(s.password_env or "", ""))
            smtp.send_message(mail)

    def mail(self, message: OutboxMessage) -> "EmailMessage":
        """The message as it is sent (RFC 5322)."""
        import datetime as dt
        from email.message import EmailMessage
        from email.utils import format_datetime

        s = self.settings
        domain = s.sender.rpartition("@")[2] or "samskab.invalid"
        mail = EmailMessage()
        mail["From"] = s.sender
        mail["To"] = message.recipient
        if s.reply_to:
            mail["Reply-To"] = s.reply_to
        mail["Subject"] = " ".join(message.subject.split())  # one line, whatever it holds
        mail["Date"] = format_datetime(dt.datetime.now(localtime.zone()))
        mail["Message-ID"] = f"<{message.key}@{domain}>"
        thread = f"<case-{message.payload.get('case')}.{message.payload.get('installation')}@{domain}>"
        mail["In-Reply-To"] = thread
        mail["References"] = thread
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Auto-Response-Suppress"] = "All"  # Outlook's word for the same
        mail["X-Samskab-Key"] = message.key
        mail.set_content(message.body)
        return mail


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [SmtpChannel]
