"""The one error family: a rule refuses its input with every located problem at once.

Every pure module (the rubric engine, the assessments room's rules, the DfE declaration rules)
raises a subclass of :class:`ProblemError`, and :class:`core.problems.Invalid` (what services
raise) is one too. So the edges translate once: :func:`core.problems.problems_of` reads
``problems`` from any of them, and forms and the API show them located.

It lives at the bottom of the house, in ``core``, so every room may import it; and it imports
the standard library only, so the pure modules stay pure (an import-linter contract and a unit
test keep it so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple, Self


class Problem(NamedTuple):
    """One located problem: where it is, and what to do about it."""

    path: str  # a JSON path for scripts (``criteria[1].weight``) or a form field; "" for the whole input
    message: str  # what to do, in GOV.UK style

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ProblemError(ValueError):
    """Input a rule refuses: ``problems`` lists every located problem found, not just the first.

    Give the problems as ``(path, message)`` pairs, or one message (and where it is) as text.
    """

    problems: Sequence[Problem]

    def __init__(self, problems: Iterable[tuple[str, str]] | str, path: str = "") -> None:
        found = [Problem(path, problems)] if isinstance(problems, str) else [Problem(*p) for p in problems]
        super().__init__("; ".join(str(p) for p in found))
        self.problems = found

    @property
    def errors(self) -> Sequence[Problem]:
        """The same problems as ``problems`` (the name earlier callers used)."""
        return self.problems

    @property
    def message(self) -> str:
        """The first problem's message: what a single-value rule (a date, a period) says."""
        return self.problems[0].message if self.problems else ""

    @property
    def field(self) -> str | None:
        """Where the first problem is, or None for the input as a whole."""
        return self.problems[0].path or None if self.problems else None

    def within(self, prefix: str) -> Self:
        """The same error with every path placed under ``prefix`` (e.g. ``rows[3]``)."""
        return type(self)([Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message) for p in self.problems])
