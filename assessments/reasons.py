"""What the room's pure rules (the statutory deadline, agreement statistics) share: why a rule
decided as it did, as data (a code with parameters; each module renders its own codes to
English), and why it could not decide at all (a list of located problems).

Standard library only, like the rules that use it: the services translate a :class:`RuleInputError`
into :class:`core.problems.Invalid` at the room's edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True)
class Problem:
    """One located problem with a rule's input, in the shape of :class:`core.problems.Problem`."""

    path: str  # the field, e.g. "earlier_service[1].end"; empty when the input as a whole is wrong
    message: str  # what to do, in GOV.UK style


class RuleInputError(ValueError):
    """The input cannot be judged as given; ``problems`` lists every located problem, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" if p.path else p.message for p in self.problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return self.problems
