"""Results as plain data: frozen, comparable, picklable, and written to and read from JSON
with a schema version. Reasons are codes with parameters; :mod:`.reasons` renders them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, TypeVar

from competencies.engine.errors import EvidenceError, Problem
from competencies.engine.evidence import Fault, Observation
from competencies.engine.model import FaultSeverity, Outcome, RubricStamp

RESULT_SCHEMA = 1

Params = tuple[tuple[str, Any], ...]

_T = TypeVar("_T")
_Tuple = TypeVar("_Tuple", bound=tuple[Any, ...])


class TupleNew(Protocol):
    """``tuple.__new__`` as the hot paths call it: ``_new(Result, values)`` builds a Result
    without its Python-level ``__new__``, and is a Result."""

    def __call__(self, cls: type[_Tuple], iterable: Iterable[Any], /) -> _Tuple: ...


class Reason(NamedTuple):
    """Why an outcome is what it is, e.g. ``Reason("must_meet_below", "voice", (("given", 2), ("needed", 3)))``.
    ``params`` is a tuple of (name, value) pairs so that a reason is immutable; values are
    ints, floats, text or tuples of text."""

    code: str
    criterion: str | None = None
    params: Params = ()

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "criterion": self.criterion,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Reason:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("code"), str)
            or not isinstance(data.get("params", {}), dict)
        ):
            raise EvidenceError([Problem("", "A reason has a code, a criterion and params")])
        params = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in data.get("params", {}).items())
        return cls(data["code"], data.get("criterion"), params)


def reason(code: str, criterion: str | None = None, **params: Any) -> Reason:
    return Reason(code, criterion, tuple(params.items()))


class Result(NamedTuple):
    """The explained outcome of one observation, with everything needed to aggregate it later.

    ``criteria`` and ``levels`` run in parallel, in the rubric's order: each level is a whole
    number, "n/a" (not applicable), "observed" (faults rubrics) or None (not observed).
    ``complete``: every criterion judged.
    ``blocked``: a serious or dangerous fault, or one that fails alone. ``percent`` (0–100) is
    for showing: the outcome is decided exactly, never by the rounded percent.
    """

    outcome: Outcome
    percent: float
    reasons: tuple[Reason, ...]
    criteria: tuple[str, ...]
    levels: tuple[int | str | None, ...]
    faults: tuple[Fault, ...]
    complete: bool
    blocked: bool
    dangerous: bool
    observation: Observation
    rubric: RubricStamp
    engine_version: str

    @property
    def levels_by_criterion(self) -> dict[str, int | str | None]:
        return dict(zip(self.criteria, self.levels))

    @property
    def minor_faults(self) -> int:
        return sum(1 for f in self.faults if f.severity is FaultSeverity.MINOR)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": RESULT_SCHEMA,
            "kind": "result",
            "outcome": self.outcome.value,
            "percent": self.percent,
            "reasons": [r.to_dict() for r in self.reasons],
            "criteria": list(self.criteria),
            "levels": list(self.levels),
            "faults": [
                {"fault": f.fault, "severity": f.severity.value if f.severity else None, "note": f.note}
                for f in self.faults
            ],
            "complete": self.complete,
            "blocked": self.blocked,
            "dangerous": self.dangerous,
            "observation": self.observation._asdict(),
            "rubric": self.rubric._asdict(),
            "engine_version": self.engine_version,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Result:
        return _loading(
            lambda: cls(
                Outcome(data["outcome"]),
                float(data["percent"]),
                tuple(Reason.from_dict(r) for r in data["reasons"]),
                tuple(data["criteria"]),
                tuple(data["levels"]),
                tuple(Fault(f["fault"], f["severity"], f["note"]) for f in data["faults"]),
                bool(data["complete"]),
                bool(data["blocked"]),
                bool(data["dangerous"]),
                Observation(**data["observation"]),
                RubricStamp(**data["rubric"]),
                str(data["engine_version"]),
            ),
            data,
            "result",
        )


def _loading(build: Callable[[], _T], data: Any, kind: str) -> _T:
    """Build from stored data, refusing another schema or a damaged record with a typed error."""
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise EvidenceError([Problem("kind", f"This is not a stored {kind}")])
    if data.get("schema") != RESULT_SCHEMA:
        raise EvidenceError(
            [Problem("schema", f"Stored with schema {data.get('schema')!r}; this engine reads {RESULT_SCHEMA}")]
        )
    try:
        return build()
    except EvidenceError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise EvidenceError([Problem("", f"A stored {kind} is damaged: {error}")]) from None


class Aggregate(NamedTuple):
    """Many observations of one competency, combined by a method, then judged by the rubric's
    own rule. ``value``: 0–100 for showing; ``count``: how many were met (n times only)."""

    outcome: Outcome
    method: str
    value: float | None
    # Shadows tuple.count (the method) on purpose: a stored field of the public result and of its JSON.
    count: int | None  # type: ignore[assignment]
    counted: int  # observations that counted
    reasons: tuple[Reason, ...]
    rubric: RubricStamp
    engine_version: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": RESULT_SCHEMA,
            "kind": "aggregate",
            "outcome": self.outcome.value,
            "method": self.method,
            "value": self.value,
            "count": self.count,
            "counted": self.counted,
            "reasons": [r.to_dict() for r in self.reasons],
            "rubric": self.rubric._asdict(),
            "engine_version": self.engine_version,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Aggregate:
        return _loading(
            lambda: cls(
                Outcome(data["outcome"]),
                str(data["method"]),
                data["value"],
                data["count"],
                int(data["counted"]),
                tuple(Reason.from_dict(r) for r in data["reasons"]),
                RubricStamp(**data["rubric"]),
                str(data["engine_version"]),
            ),
            data,
            "aggregate",
        )


class Missing(NamedTuple):
    """One sign-off condition not yet satisfied: e.g. ``Missing("met_observations", 2, 3)``."""

    code: str
    have: int
    need: int


@dataclass(frozen=True, slots=True)
class SignOff:
    """Whether a competency is evidenced, and if not, what is missing, as data for a plan."""

    evidenced: bool
    missing: tuple[Missing, ...]
    met: int
    observers: tuple[str, ...]  # of met observations, sorted
    settings: tuple[str, ...]
    never_met: tuple[str, ...]  # criteria never yet met in a counted observation
    rubric: RubricStamp
    engine_version: str

    @property
    def missing_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": RESULT_SCHEMA,
            "kind": "sign-off",
            "evidenced": self.evidenced,
            "missing": [m._asdict() for m in self.missing],
            "met": self.met,
            "observers": list(self.observers),
            "settings": list(self.settings),
            "never_met": list(self.never_met),
            "rubric": self.rubric._asdict(),
            "engine_version": self.engine_version,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SignOff:
        return _loading(
            lambda: cls(
                bool(data["evidenced"]),
                tuple(Missing(**m) for m in data["missing"]),
                int(data["met"]),
                tuple(data["observers"]),
                tuple(data["settings"]),
                tuple(data["never_met"]),
                RubricStamp(**data["rubric"]),
                str(data["engine_version"]),
            ),
            data,
            "sign-off",
        )
