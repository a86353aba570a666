"""The DfE pages, for administrators: settings, applications, declarations, participants, statements.

Each subject is its own module adding routes to the one blueprint; importing them here registers them."""

from __future__ import annotations

from flask import Flask

from core.accounts.roles import Role
from core.layout import navigation
from dfe import applications as applications_in
from dfe import cli, privacy, sync
from dfe import declarations as declaration_service
from dfe import participants as reports  # not bound as `participants`: that name is the page module below
from dfe.views import (  # noqa: F401  (importing them registers their routes)
    applications,
    declarations,
    participants,
    settings,
)
from dfe.views.base import bp


def init_app(app: Flask) -> None:
    privacy.init_app(app)
    sync.init_app(app)
    applications_in.init_app()
    declaration_service.init_app(app)
    reports.init_app(app)
    app.cli.add_command(cli.dfe)
    app.register_blueprint(bp)
    navigation(app).add("DfE", "dfe.applications_list", Role.ADMIN, section="/admin/dfe")
