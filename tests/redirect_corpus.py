"""The corpus of redirect bypasses (tests/data/redirect_bypasses.txt) and a browser's reading
of a ``Location`` header, shared by the tests and ``make verify``."""

from __future__ import annotations

import re
from pathlib import Path

BYPASSES_FILE = Path(__file__).parent / "data" / "redirect_bypasses.txt"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def redirect_bypasses() -> list[str]:
    """Each line as it would be written in a query string (still percent-encoded)."""
    return [line for line in BYPASSES_FILE.read_text(encoding="utf-8").split("\n") if line]


def leaves_site(location: str) -> bool:
    """Whether a browser following ``location`` would leave this site or run script.

    Browsers strip leading and trailing spaces and controls, drop tabs and newlines anywhere,
    and read ``\\`` as ``/`` in http(s) URLs; what remains leaves the site if it has a scheme
    (another site, or javascript: and the like) or starts with ``//`` (another host).
    """
    cleaned = location.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    cleaned = cleaned.replace("\\", "/")
    return bool(_SCHEME.match(cleaned)) or cleaned.startswith("//")
