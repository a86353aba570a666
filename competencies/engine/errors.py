"""The engine's typed errors. Every problem names where it is (a path such as
``criteria[1].weight``); the engine raises nothing but these."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    path: str  # e.g. "criteria[1].levels[0].value"; "" for the whole object
    message: str  # what to do, in GOV.UK style


class EngineError(ValueError):
    """Base of the engine's errors; ``problems`` lists every located problem found."""

    def __init__(self, problems: list[Problem] | list[tuple[str, str]]) -> None:
        self.problems = [Problem(*p) for p in problems]
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        """The same list as ``problems`` (the name earlier callers used)."""
        return self.problems

    def within(self, prefix: str) -> EngineError:
        """The same error with every path placed under ``prefix`` (e.g. ``rows[3]``)."""
        return type(self)([Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message) for p in self.problems])


class RubricError(EngineError):
    """The rubric definition is not valid."""


class EvidenceError(EngineError):
    """Judgements, faults or results do not fit the rubric: refused, never silently ignored."""


class PolicyError(EngineError):
    """An aggregation or sign-off policy is not valid."""
