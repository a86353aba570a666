"""What the room's pure rules (the statutory deadline, agreement statistics) share: why a rule
decided as it did, as data (a code with parameters; each module renders its own codes to
English), and why it could not decide at all (a list of located problems).

Standard library only, like the rules that use it (the error family's base,
:mod:`core.rule_problems`, is standard library only too): the services translate a
:class:`RuleInputError` into :class:`core.problems.Invalid` at the room's edge."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.rule_problems import Problem, ProblemError

__all__ = ["Problem", "Reason", "RuleInputError"]


@dataclass(frozen=True)
class Reason:
    """A code with parameters; parameters are plain JSON values, so a reason is JSON as it stands."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    def unrendered(self) -> str:
        """The words for a code its module does not know (a newer record read by older code)."""
        return f"{self.code} ({', '.join(f'{k}: {v}' for k, v in self.params)})"


class RuleInputError(ProblemError):
    """The input cannot be judged as given; ``problems`` lists every located problem, not just the first.

    Its problems are a tuple: a rule's verdict on its input does not change afterwards."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[tuple[str, str]] | str, path: str = "") -> None:
        super().__init__(problems, path)
        self.problems = tuple(self.problems)
