"""The link to the DfE's NPQ Registration API (v3).

:func:`init_app` is the room's one entry for the app factory. Its imports sit inside it, so that
``import dfe.milestones`` (a pure module) stays free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the room: its personal data, sync, declarations, reports, commands and pages."""
    from core.accounts.roles import Role
    from core.layout import navigation
    from dfe import applications, cli, declarations, participants, privacy, sync, views

    privacy.init_app(app)
    sync.init_app(app)
    applications.init_app()
    declarations.init_app(app)
    participants.init_app(app)
    app.cli.add_command(cli.dfe)
    app.register_blueprint(views.bp)
    navigation(app).add("DfE", "dfe.applications_list", Role.ADMIN, section="/admin/dfe")
