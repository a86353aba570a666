"""The one check for every redirect target that comes from a request (``next=``, ``back``…).

Only a path on this site is followed. A browser reading a ``Location`` header strips tabs and
newlines, treats ``\\`` as ``/`` and ``//host`` as another site, so anything that could turn
into one of those after the browser's clean-up (or one more percent-decoding) is refused.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import redirect
from werkzeug.wrappers import Response

# Unicode categories a browser may drop or fold before parsing a URL: controls, format
# characters (zero-width joiners, bidi marks) and every kind of space or separator.
_SUSPECT_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zs", "Zl", "Zp"})
TARGET_MAX_LENGTH = 2_000


def _plain_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or any(unicodedata.category(char) in _SUSPECT_CATEGORIES for char in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def local_target(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None."""
    if not target or len(target) > TARGET_MAX_LENGTH:
        return None
    # Checked as given and once more decoded, so %2F%2F, %5C or %09 cannot hide a second slash.
    if _plain_local_path(target) and _plain_local_path(unquote(target)):
        return target
    return None


def redirect_to_local(target: str | None, fallback: str) -> Response:
    """A redirect to ``target`` when it is a path on this site, else to ``fallback``."""
    return redirect(local_target(target) or fallback)
