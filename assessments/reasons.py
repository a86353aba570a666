"""Why a rule decided as it did, as data: a code with parameters, shared by the room's pure rules
(the statutory deadline, agreement statistics). Each module renders its own codes to English."""
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
