"""The DfE pages, for administrators: settings, applications, declarations, participants, statements.

Each subject is its own module adding routes to the one blueprint; importing them here registers them.
The room registers the blueprint in :func:`dfe.init_app`."""

from __future__ import annotations

from dfe.views import (  # noqa: F401  (importing them registers their routes)
    applications,
    declarations,
    participants,
    settings,
)
from dfe.views.base import bp

__all__ = ["bp"]
