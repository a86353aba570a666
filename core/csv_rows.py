"""Reading a CSV file that people fill in from a template: a header line, then one line per row.

Read strictly (UTF-8, a byte-order mark dropped, other encodings refused by
:func:`core.documents.read_text`); every problem is named by its 1-based line and its column
(:func:`located`), the same words in every import. A cell that looks like a spreadsheet formula is
kept as the text it is: nothing here evaluates it, and pages escape it when they show it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.documents import read_text
from core.problems import Invalid, Problem

PROBLEMS_SHOWN_MAX = 200  # a file that is wrong throughout says so without listing every cell


def located(line: int, column: str, message: str) -> Problem:
    """A problem at a line (1-based, the header is line 1) and, if known, a column of the file."""
    where = f"Line {line}, column {column}" if column else f"Line {line}"
    return Problem(f"line {line}.{column}" if column else f"line {line}", f"{where}: {message}")


@dataclass(frozen=True)
class Limits:
    """How big a file of one kind may be, and the words that name its rows ("people", "trainees")."""

    bytes_max: int
    rows_max: int
    cell_max: int
    rows_named: str


def parse(raw: bytes | str, limits: Limits) -> dict[str, Any]:
    """The file's header and rows, each row with its 1-based line; Invalid if it cannot be read."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > limits.bytes_max:
        raise Invalid(
            f"The file is {size / 1024:,.0f} KB: it must be {limits.bytes_max // 1024:,} KB or smaller "
            f"({limits.rows_max:,} {limits.rows_named} at most). Split it into smaller files"
        )
    text = read_text(raw)
    if "\x00" in text:
        raise Invalid("The file holds a NUL character, so it is not a text CSV file. Save it again as CSV (UTF-8)")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict[str, Any]] = []
    header: list[str] | None = None
    start = 1
    try:
        for cells in reader:
            if header is None:
                header = cells
            elif any(c.strip() for c in cells):
                rows.append({"line": start, "cells": cells})
                if len(rows) > limits.rows_max:
                    raise Invalid(
                        f"The file has more than {limits.rows_max:,} {limits.rows_named}. Split it into smaller files"
                    )
            start = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(f"Line {reader.line_num}: {_unreadable(error, limits)}") from None
    if header is None:
        raise Invalid(f"The file is empty. Use the template: a header line, then the {limits.rows_named}, one a line")
    return {"header": header, "rows": rows}


def _unreadable(error: csv.Error, limits: Limits) -> str:
    """What the csv module could not read, in the words of the person who saved the file."""
    reason = str(error)
    if reason.startswith("field larger than field limit"):
        # The csv module stops at 131,072 characters, long before the cell check of cells_of.
        return f"a cell is far too long. A cell must be {limits.cell_max:,} characters or fewer"
    if reason == "unexpected end of data":
        return 'a quote mark (") opens a cell that is never closed. Close it, or remove the quote mark'
    return f"the file cannot be read as CSV ({reason}). Save it again as CSV (UTF-8)"


def header_problems(
    header: Sequence[str], known: Sequence[str], required: Sequence[str]
) -> tuple[list[str], list[Problem]]:
    """The header's column names (trimmed, lower case) and what is wrong with it, at line 1."""
    names = [h.strip().lower() for h in header]
    problems = [
        located(
            1,
            h or f"{i + 1}",
            f"‘{h[:40]}’ is not a column this import knows. Use the columns of the template: {', '.join(known)}",
        )
        for i, h in enumerate(names)
        if h not in known
    ]
    seen: set[str] = set()
    for name in names:
        if name in seen and name in known:
            problems.append(located(1, name, "This column appears more than once; keep one"))
        seen.add(name)
    problems += [located(1, name, "This column is missing; it is needed") for name in required if name not in names]
    return names, problems


def cells_of(names: Sequence[str], row: dict[str, Any], cell_max: int) -> tuple[dict[str, str], list[Problem]]:
    """One row's cells by column name, and the problems with its shape (too many cells, over-long cells)."""
    values: list[str] = row["cells"]
    line: int = row["line"]
    problems = []
    if len(values) > len(names):
        problems.append(
            located(line, "", f"This line has {len(values)} cells but the header names {len(names)} columns")
        )
    cells = dict(zip(names, values))
    for column, text in cells.items():
        if len(text) > cell_max:
            problems.append(located(line, column, f"A cell must be {cell_max:,} characters or fewer"))
    return cells, problems


def raise_all(problems: list[Problem]) -> None:
    """Invalid listing every problem (the first :data:`PROBLEMS_SHOWN_MAX`), if there are any."""
    if not problems:
        return
    shown = problems[:PROBLEMS_SHOWN_MAX]
    if len(problems) > PROBLEMS_SHOWN_MAX:
        shown.append(Problem("", f"… and {len(problems) - PROBLEMS_SHOWN_MAX:,} more problems"))
    raise Invalid(shown)
