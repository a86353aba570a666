"""One error type for every broken rule: a list of located problems.

A :class:`Problem` names where it is twice: ``path`` is a JSON path for scripts
(``modules[1].hours``) or a form field name, and ``message`` speaks to people, naming the thing
by its 1-based position and title ("Module 2, ‘EHC needs assessments’: enter hours…").
:class:`Invalid` carries them all. It is translated once for forms (:func:`blame_fields`: field
errors, which the GOV.UK error summary lists) and once for the API (:func:`api_errors`).

The pure modules (the rubric engine, the rooms' rules) raise their own errors without importing
this module, but every one of them, and :class:`Invalid` itself, is a
:class:`core.rule_problems.ProblemError`: :func:`problems_of` reads any of them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from core.rule_problems import Problem as Problem  # re-exported: every edge names it from here
from core.rule_problems import ProblemError

T = TypeVar("T")


class Invalid(ProblemError):
    """A rule broken: every problem found, each with where it is. Nothing was saved."""

    status = 400
    problems: list[Problem]


class Conflict(Invalid):
    """What the person saw has changed since (optimistic locking): 409, not 400."""

    status = 409


def found(row: T | None, what: str, path: str) -> T:
    """``row``, or :class:`Invalid` at ``path`` when the id a command was given names nothing
    (a stale link, a job queued before a delete): "There is no programme with this id"."""
    if row is None:
        raise Invalid(f"There is no {what} with this id", path=path)
    return row


def too_long(maximum: int, what: str = "Text") -> str:
    """``Title must be 200 characters or fewer``: the same words on a form, in a file and from the API."""
    return f"{what} must be {maximum:,} characters or fewer"


def problems_of(error: BaseException) -> list[Problem]:
    """The located problems of ``error``: any of the error family's (``Invalid``, the engine's, the
    rooms' rules'); else a ``problems`` (or ``errors``) list of ``(path, message)`` pairs an error
    from outside the family carries (the API's own :class:`core.api.ApiError`); else its text."""
    if isinstance(error, ProblemError):
        return list(error.problems)
    for name in ("problems", "errors"):
        found = getattr(error, name, None)
        if isinstance(found, list) and all(isinstance(p, tuple) and len(p) == 2 for p in found):
            return [Problem(str(path), str(message)) for path, message in found]
    return [Problem("", str(error))]


def invalid(error: BaseException, prefix: str = "") -> Invalid:
    """``error`` (for example the engine's) as :class:`Invalid`, its paths under ``prefix``."""
    return Invalid(Problem(join_path(prefix, p.path) if p.path else prefix, p.message) for p in problems_of(error))


def join_path(path: str, part: str | int) -> str:
    """``join_path("modules", 2)`` → ``modules[2]``; ``join_path("modules[2]", "hours")`` → ``modules[2].hours``."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    if not path:
        return part
    if not part:
        return path
    return f"{path}{part}" if part.startswith("[") else f"{path}.{part}"


def from_marshmallow(messages: Any, path: str = "") -> list[Problem]:
    """Flatten marshmallow's nested error messages into problems, in document order."""
    if isinstance(messages, dict):
        found: list[Problem] = []
        for key, value in messages.items():
            found += from_marshmallow(value, path if key == "_schema" else join_path(path, key))
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [Problem(path, m) for m in messages]
    if isinstance(messages, list):
        return [p for m in messages for p in from_marshmallow(m, path)]
    return [Problem(path, str(messages))]


def document_order(path: str) -> tuple[Any, ...]:
    """A sort key putting problems in document order: ``modules[2]`` before ``modules[10]``."""
    parts = re.split(r"\[(\d+)\]", path)  # names and indexes alternate, so tuples always compare
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


# ---- the two translations ---------------------------------------------------------------


def api_errors(error: BaseException) -> dict[str, list[dict[str, str]]]:
    """The API's error body: ``{"errors": [{"path": …, "message": …}]}``."""
    return {"errors": [{"path": p.path, "message": p.message} for p in problems_of(error)]}


def api_status(error: BaseException) -> int:
    return getattr(error, "status", 400)


def blame_fields(
    form: Any, error: BaseException, fallback: str, aliases: dict[str, str] | None = None
) -> list[Problem]:
    """Put each problem on the form field it names (``aliases`` maps a service's path to a field),
    else on ``fallback``. Returns the problems no field could take (the page lists them)."""
    unplaced: list[Problem] = []
    for problem in problems_of(error):
        name = (aliases or {}).get(problem.path, problem.path)
        field = getattr(form, name, None) if name else None
        if field is None or not hasattr(field, "errors"):
            field = getattr(form, fallback, None)
        if field is None:
            unplaced.append(problem)
            continue
        field.errors = [*field.errors, problem.message]
    return unplaced


def summary_items(problems: Sequence[Problem], href: str = "") -> list[dict[str, str]]:
    """Problems as items of the GOV.UK error summary, each linking to ``href`` or its field."""
    return [{"text": p.message, "href": href or f"#{p.path}"} for p in problems]


# ---- naming places for people ---------------------------------------------------------------

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
TITLE_SHOWN_MAX = 40


def _shortened(title: str) -> str:
    return title if len(title) <= TITLE_SHOWN_MAX else title[: TITLE_SHOWN_MAX - 1].rstrip() + "…"


def place(path: str, document: Any, names: dict[str, str]) -> str:
    """``modules[1].hours`` → ``Module 2 ‘EHC needs assessments’, hours``: 1-based, named by title;
    ``""`` for a path with no item of a named list in it.

    ``names`` maps a list's key to what one of its items is called (``{"modules": "module"}``).
    """
    words: list[str] = []
    node, last, named_any = document, "", False
    for name, index in _SEGMENT.findall(path):
        if name:
            node = node.get(name) if isinstance(node, dict) else None
            words.append(name.replace("_", " "))
            last = name
            continue
        position = int(index)
        node = node[position] if isinstance(node, list) and position < len(node) else None
        called = names.get(last)
        if called and words:
            words.pop()
            title = node.get("title") or node.get("label") if isinstance(node, dict) else None
            named = f" ‘{_shortened(title)}’" if isinstance(title, str) and title.strip() else ""
            words.append(f"{called} {position + 1}{named}")
            named_any = True
        else:
            words[-1:] = [f"{words[-1] if words else 'item'} {position + 1}"]
        last = ""
    if not named_any:
        return ""  # a top-level field: its path says it plainly enough
    text = ", ".join(words)
    return text[:1].upper() + text[1:]


def named_places(problems: Iterable[Problem], document: Any, names: dict[str, str]) -> list[Problem]:
    """Each problem's message led by its place in words; the JSON path stays for scripts."""
    found = []
    for problem in problems:
        where = place(problem.path, document, names) if problem.path else ""
        found.append(Problem(problem.path, f"{where}: {problem.message}" if where else problem.message))
    return found
