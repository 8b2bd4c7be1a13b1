"""Real servers on loopback for the tests: mail arrives where samskab sends it."""

import email
import email.policy
import socket

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
