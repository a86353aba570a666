"""A real SMTP server for the tests (aiosmtpd), on a free port of this worker's own.

``smtp_server`` (tests/conftest.py) yields a :class:`SmtpServer`: what arrived is in
``messages``, parsed with :func:`email.message_from_bytes`; ``stop()`` and ``start()`` take it down
and bring it back on the same port; ``hold()`` makes it keep every message waiting for its answer
until ``release()`` (a slow server, without any timing in the test).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

READY_SECONDS = 30.0  # how long start() may wait for the server on a busy machine
HOLD_LIMIT_SECONDS = 120.0  # a held answer is released after this at the latest, so no test hangs for ever


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.host = "127.0.0.1"
        self.messages: list[Message] = []
        self.recipients: list[list[str]] = []
        self.gate = threading.Event()
        self.gate.set()
        self.holding = threading.Event()  # set while a message waits at a held server
        self.controller: Controller | None = None

    # aiosmtpd's handler hook: called with each message's data once the client has sent it.
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.gate.is_set():
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.gate.wait, HOLD_LIMIT_SECONDS)
        self.messages.append(email.message_from_bytes(envelope.content))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=READY_SECONDS)
        self.controller.start()

    def stop(self) -> None:
        self.gate.set()
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self.gate.clear()
        self.holding.clear()

    def release(self) -> None:
        self.gate.set()

    def config(self) -> dict[str, object]:
        """The app's settings to send here."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_TIMEOUT": 30}
