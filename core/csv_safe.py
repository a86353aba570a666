"""Every CSV the app writes, written one way: cells a spreadsheet shows as text, never runs.

Two rules, both from OWASP's "CSV Injection" page:

* A cell that starts with a formula character is escaped with an apostrophe (a number such as
  ``-0.25`` is left as it is: a spreadsheet reads it as the number it is).
* Every cell is quoted, so a spreadsheet that splits on ``;`` or tabs rather than commas (as many
  set up for Europe do) still reads one cell: ``Hill;=2+5`` stays one cell and never becomes a
  formula. Python's ``QUOTE_MINIMAL`` quotes only commas, quotes and line ends, so it is not used.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in {"inf", "infinity", "nan"}


def safe_cell(value: object) -> str:
    """``value`` as cell text that a spreadsheet shows as text, never as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) and not _is_number(text) else text


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """``rows`` (the header first) as CSV text: every cell quoted and made safe, RFC 4180 line ends."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
