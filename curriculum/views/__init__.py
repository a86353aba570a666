"""Curriculum pages for course designers: the catalogue, programmes, versions and their exchange.

One module a subject; each registers its routes on the room's blueprint (``base.bp``) when
imported. The room registers the blueprint, and the programme import's pages, in
:func:`curriculum.init_app`.
"""

from __future__ import annotations

from curriculum.views import catalogue, modules, programmes, versions  # noqa: F401  (registers the routes)
from curriculum.views.base import bp

__all__ = ["bp"]
