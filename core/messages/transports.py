"""Where a message goes: an SMTP server (Flask-Mailman), or, with no MAIL_SERVER, the outbox folder.

Both take the same email, built by :func:`email_for` from a stored message, so the ``.eml`` file
of the embedded default is byte for byte what an SMTP server would have been handed.
"""

from __future__ import annotations

import smtplib
import socket
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail

from core.config import create_private_file, create_private_folder

mail = Mail()
OUTBOX_FOLDER = "outbox"  # under instance/: one .eml file per message, in the embedded default
MESSAGE_ID_PREFIX = "npq-senco"

# Failures that concern one message only (its address refused, its text refused): the connection
# is still good for the next message. Anything else (refused, timed out, disconnected, a bad
# password) stops the run: the next messages would fail the same way.
ONE_MESSAGE_FAILURES = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class Transport(Protocol):
    def send(self, email: EmailMessage, message_id: int) -> None: ...

    def close(self) -> None: ...


def smtp_configured(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("MAIL_SERVER"))


def outbox_folder() -> Path:
    folder = Path(current_app.instance_path) / OUTBOX_FOLDER
    create_private_folder(str(folder))
    return folder


def eml_path(message_id: int) -> Path:
    """The outbox file of message ``message_id`` (it exists only for a message the outbox delivered)."""
    return Path(current_app.instance_path) / OUTBOX_FOLDER / f"message-{message_id}.eml"


def message_id_header(message_id: int, created_timestamp: int) -> str:
    """The same Message-ID each time the row is tried, so a copy sent twice (a sender that died
    between the server's "accepted" and marking it sent) is recognisably one message."""
    domain = urlsplit(str(current_app.config["BASE_URL"])).hostname or "localhost"
    return f"<{MESSAGE_ID_PREFIX}.{message_id}.{created_timestamp}@{domain}>"


def email_for(message_id: int, to_address: str, subject: str, body: str, created_timestamp: int) -> EmailMessage:
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to_address],
        headers={"Message-ID": message_id_header(message_id, created_timestamp)},
    )


class SmtpTransport:
    """One connection for a run of messages, opened at the first."""

    def __init__(self) -> None:
        self.connection: Any = mail.get_connection(fail_silently=False)

    def send(self, email: EmailMessage, message_id: int) -> None:
        fresh = self.connection.open()
        try:
            sent = self.connection.send_messages([email])
        except smtplib.SMTPServerDisconnected:
            # A server may close a connection kept for many messages: one new connection, then give up.
            self.close()
            if fresh:
                raise
            self.connection.open()
            sent = self.connection.send_messages([email])
        if sent != 1:
            raise smtplib.SMTPException("the server did not take the message")

    def close(self) -> None:
        try:
            self.connection.close()
        except (OSError, smtplib.SMTPException):
            pass  # a connection that broke is closed anyway


class OutboxTransport:
    """The embedded default: each message written to instance/outbox/ as an .eml file (mode 0600)."""

    def __init__(self) -> None:
        self.folder = outbox_folder()

    def send(self, email: EmailMessage, message_id: int) -> None:
        create_private_file(self.folder / eml_path(message_id).name, email.message().as_string())

    def close(self) -> None:
        pass


class Opened:
    """``with Opened() as transport:`` the configured transport, closed at the end."""

    def __enter__(self) -> Transport:
        self.transport: Transport = SmtpTransport() if smtp_configured() else OutboxTransport()
        return self.transport

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.transport.close()


def stops_the_run(error: BaseException) -> bool:
    return not isinstance(error, ONE_MESSAGE_FAILURES)


def describe(error: BaseException) -> str:
    """Why a message was not sent, in a few words fit for the outbox page: never the server's whole
    answer (it may echo a username), never the password."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "The mail server did not accept the username and password (MAIL_USERNAME, MAIL_PASSWORD)."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "The mail server refused the sender's address (MAIL_DEFAULT_SENDER)."
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return "The mail server does not offer what MAIL_USE_TLS or MAIL_USERNAME ask for."
    if isinstance(error, smtplib.SMTPResponseException):
        return f"The mail server answered {error.smtp_code}."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection."
    if isinstance(error, TimeoutError | socket.timeout):
        return "The mail server did not answer in time."
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection (is it running, at MAIL_SERVER and MAIL_PORT?)."
    if isinstance(error, OSError):
        return "The mail server could not be reached."
    return "The message could not be sent because of an error on our side."


def init_app(app: Flask) -> None:
    # Always a real SMTP connection when MAIL_SERVER is set (Flask-Mailman would keep messages in
    # memory in tests otherwise): the tests talk to a real SMTP server of their own.
    app.config["MAIL_BACKEND"] = "smtp"
    mail.init_app(app)
