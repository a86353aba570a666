"""The engine's typed errors. Every problem names where it is (a path such as
``criteria[1].weight``); the engine raises nothing but these.

They belong to the one error family (:mod:`core.rule_problems`), so the room's edges translate
them as they translate every other refusal."""

from __future__ import annotations

from core.rule_problems import Problem, ProblemError

__all__ = ["EngineError", "EvidenceError", "PolicyError", "Problem", "RubricError"]


class EngineError(ProblemError):
    """Base of the engine's errors; ``problems`` lists every located problem found."""

    problems: list[Problem]


class RubricError(EngineError):
    """The rubric definition is not valid."""


class EvidenceError(EngineError):
    """Judgements, faults or results do not fit the rubric: refused, never silently ignored."""


class PolicyError(EngineError):
    """An aggregation or sign-off policy is not valid."""
