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

Each message carries its idempotency key as ``Message-ID`` and ``X-Samskab-Key``.
"""

import os
from typing import ClassVar

import attrs

from samskab.engine.channels import Channel, OutboxMessage
from samskab.engine.hookspecs import hookimpl


@attrs.frozen
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password_env: str | None = None
    timeout: int = 10

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
        from email.message import EmailMessage
        from email.utils import make_msgid

        s = self.settings
        mail = EmailMessage()
        mail["From"] = s.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail["Message-ID"] = make_msgid(idstring=message.key, domain="samskab")
        mail["X-Samskab-Key"] = message.key
        mail.set_content(message.body)
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


@hookimpl
def register_channel_types() -> list[type[Channel]]:
    return [SmtpChannel]
