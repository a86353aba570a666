"""Reading a whole number from text a person or a page sent: the one rule for every form field,
query argument, hidden field and command-line argument.

ASCII digits only. ``str.isdigit`` is not the test: ``"²".isdigit()`` is true, yet ``int("²")``
raises (a 500 waiting to happen), and ``int`` reads "١" or "１" as 1, picking a record nobody
chose. The length is checked before ``int`` so that a page of digits costs nothing to refuse.
Standard library only.
"""

from __future__ import annotations

import re

_ASCII_DIGITS = re.compile(r"[0-9]+")

# A record's id or version number as a page sends it: nine digits, well inside the integer
# column PostgreSQL keeps it in, so a lookup can never overflow.
RECORD_NUMBER_MAX = 999_999_999


def whole_number(text: str | None, maximum: int) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``; None for anything else (signs, spaces,
    separators, other scripts' digits, too large). Callers strip or default as their field needs."""
    if text is None or len(text) > len(str(maximum)) or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None
