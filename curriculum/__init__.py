"""Curriculum room: the built-in catalogue, programmes and their analysis.

:func:`init_app` is the room's one entry for the app factory. Its imports sit inside it so that
``import curriculum.analysis`` (a pure module) stays free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the room: its pages, API, personal data, commands, catalogue and navigation."""
    from core.accounts.roles import Role
    from core.content import register_loader
    from core.layout import navigation
    from curriculum import api, cli, privacy, views
    from curriculum.services import catalogue
    from curriculum.views.versions import PROGRAMME_IMPORT

    PROGRAMME_IMPORT.register(Role.DESIGNER)
    app.register_blueprint(views.bp)
    api.init_app(app)
    privacy.init_app(app)  # what the room holds about people (core.privacy)
    app.cli.add_command(cli.catalogue_cli)
    register_loader(app, "Catalogue", catalogue.load_catalogue)
    nav = navigation(app)
    nav.add("Programmes", "curriculum.index", Role.DESIGNER, section="/curriculum/programmes")
    nav.add("Catalogue", "curriculum.catalogue", Role.DESIGNER, section="/curriculum/catalogue")
    nav.set_home(Role.DESIGNER, "curriculum.index")
