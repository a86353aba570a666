"""The older names of :mod:`core.problems` and :mod:`core.documents`, kept while callers move.

``LocatedError`` is :class:`core.problems.Problem`; ``DocumentError`` is
:class:`core.problems.Invalid` (its ``errors`` are its ``problems``).
"""

from __future__ import annotations

from core.documents import parse_json
from core.problems import Invalid as DocumentError
from core.problems import Problem as LocatedError
from core.problems import from_marshmallow as located
from core.problems import join_path

__all__ = ["DocumentError", "LocatedError", "join_path", "located", "parse_json"]
