"""Everything of core.messages the app factory turns on, in one call (after core.jobs)."""

from __future__ import annotations

from flask import Flask

from core.messages import cli, delivery, digest, views


def init_app(app: Flask) -> None:
    delivery.init_app(app)  # Flask-Mailman, the delivery job, and queuing it when messages are written
    digest.init_app(app)
    views.init_app(app)
    app.cli.add_command(cli.messages_command)
