"""Competencies room: scenarios, rubrics and the rubric engine.

:func:`init_app` is the room's one entry for the app factory. Its imports sit inside it, so that
``import competencies.engine`` stays free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the room: its pages, printed documents, API, commands, library and navigation."""
    from competencies import api, cli, document_views, services, views
    from core.accounts.roles import Role
    from core.content import register_loader, register_titles
    from core.layout import navigation

    views.RUBRIC_IMPORT.register(Role.DESIGNER)
    app.register_blueprint(views.bp)
    document_views.init_app(app)
    api.init_app(app)
    app.cli.add_command(cli.scenarios)
    register_loader(app, "Scenarios", services.load_library)
    register_titles(app, "scenario", lambda: {s.key: s.title for s in services.list_scenarios(rubrics=False)})
    navigation(app).add("Scenarios and rubrics", "competencies.index", Role.DESIGNER, section="/competencies")
