"""How far mentors and moderators agree: the figures of the moderation agreement report.

Plain Python (standard library only), exact arithmetic with :class:`fractions.Fraction`, so a
threshold decides the same way on every machine and a page, a CSV export and a PDF show the same
figures. Every figure carries the number of pairs behind it and a warning when they are too few.

Measures (each on a stated set of categories, in scale order for ordered levels):

- exact agreement: the percentage of pairs with the same rating;
- adjacent agreement: the percentage within one step of each other on the scale (ordered levels);
- Cohen's kappa, unweighted (Cohen 1960), for outcomes: ``(p_o - p_e) / (1 - p_e)``;
- Cohen's weighted kappa with quadratic weights (Cohen 1968), for ordered levels:
  ``1 - Σ w_ij o_ij / Σ w_ij e_ij`` with disagreement weights ``w_ij = (i - j)²`` on the positions
  of the levels in the scale (the usual ``/(k - 1)²`` factor cancels), ``o`` the observed and
  ``e`` the chance proportions from each marker's own distribution. Levels are taken as equally
  spaced, as scikit-learn's ``cohen_kappa_score(weights="quadratic")`` does with ``labels``.
  Linear weights ``|i - j|`` are offered too (``Measure.LINEAR_KAPPA``) for providers who want them.
- each kappa's large-sample 95% confidence interval (Fleiss, Cohen and Everitt 1969), see
  :func:`kappa_interval`.

Kappa is undefined when chance alone already predicts perfect agreement, that is when both
markers put every pair in one and the same category: the figure says so (``value`` None, with a
reason) rather than dividing by zero.

Too few pairs: below :data:`MIN_PAIRS` (10) a figure carries the ``too_few_pairs`` warning and
never flags a mentor. Why 10: with fewer pairs one changed judgement moves a percentage by more
than 10 points, and kappa by as much or more, so the figure cannot tell a calibrated mentor from
one who needs calibration. It is a judgement, not a statistical law; the provider may pass another
``min_pairs``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Any

from assessments.reasons import Problem, Reason, RuleInputError

MIN_PAIRS = 10
PERCENT_MAX = 100
KAPPA_MIN, KAPPA_MAX = -1, 1


class Measure(Enum):
    EXACT = "exact"
    ADJACENT = "adjacent"
    KAPPA = "kappa"
    WEIGHTED_KAPPA = "weighted_kappa"
    LINEAR_KAPPA = "linear_kappa"

    @property
    def is_percent(self) -> bool:
        return self in (Measure.EXACT, Measure.ADJACENT)


MEASURE_NAMES = {
    Measure.EXACT: "Exact agreement",
    Measure.ADJACENT: "Agreement within one level",
    Measure.KAPPA: "Cohen's kappa",
    Measure.WEIGHTED_KAPPA: "Cohen's kappa (quadratic-weighted)",
    Measure.LINEAR_KAPPA: "Cohen's kappa (linear-weighted)",
}
LEVEL_MEASURES = (Measure.EXACT, Measure.ADJACENT, Measure.WEIGHTED_KAPPA)
OUTCOME_MEASURES = (Measure.EXACT, Measure.KAPPA)


@dataclass(frozen=True)
class Pair:
    """One thing marked twice: the mentor's rating and the moderator's, with where it belongs."""

    mentor_rating: Hashable
    moderator_rating: Hashable
    mentor: str = ""
    scenario: str = ""
    criterion: str = ""


def _reason(code: str, **params: Any) -> Reason:
    return Reason(code, tuple(params.items()))


@dataclass(frozen=True)
class Figure:
    """One figure: a percentage (0–100) for agreement, a kappa (−1 to 1); None when undefined."""

    measure: Measure
    value: Fraction | None
    pairs: int
    too_few: bool
    reasons: tuple[Reason, ...] = ()
    interval: tuple[float, float] | None = None  # kappa's 95% confidence interval, when it can be worked out

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure.value,
            "pairs": self.pairs,
            "too_few": self.too_few,
            "value": None if self.value is None else float(self.value),
            "exact": None if self.value is None else str(self.value),
            "interval": None if self.interval is None else list(self.interval),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True)
class Summary:
    """The figures for one group of pairs (a mentor, a scenario, a criterion; "" for all)."""

    key: str
    pairs: int
    figures: tuple[Figure, ...]

    def figure(self, measure: Measure) -> Figure | None:
        return next((f for f in self.figures if f.measure is measure), None)


@dataclass(frozen=True)
class CalibrationPolicy:
    """The provider's minimum: a percentage (0–100) for agreement measures, a kappa otherwise."""

    measure: Measure
    minimum: Fraction
    min_pairs: int = MIN_PAIRS


@dataclass(frozen=True)
class MentorCheck:
    mentor: str
    figure: Figure
    flagged: bool
    reason: Reason


class AgreementInputError(RuleInputError):
    """Pairs or settings that cannot be measured; ``problems`` lists each, located."""


# Checks --------------------------------------------------------------------------------------


def _listed(categories: Sequence[Hashable]) -> str:
    return ", ".join(str(c) for c in categories)


def check(pairs: Sequence[Pair], categories: Sequence[Hashable], path: str = "pairs") -> None:
    """Refuse a scale that is empty or repeats itself, and any rating not on it."""
    found: list[Problem] = []
    if not categories:
        found.append(Problem("categories", "Give at least one category to measure agreement on"))
    elif len(set(categories)) != len(categories):
        found.append(Problem("categories", "Give each category once"))
    known = set(categories)
    for i, p in enumerate(pairs):
        for side in ("mentor_rating", "moderator_rating"):
            rating = getattr(p, side)
            if rating not in known:
                found.append(Problem(f"{path}[{i}].{side}", f"‘{rating}’ is not one of {_listed(categories)}"))
    if found:
        raise AgreementInputError(found)


def _check_policy(policy: CalibrationPolicy) -> None:
    low, high = (0, PERCENT_MAX) if policy.measure.is_percent else (KAPPA_MIN, KAPPA_MAX)
    found = []
    if not low <= policy.minimum <= high:
        what = "a percentage between 0 and 100" if policy.measure.is_percent else "a kappa between -1 and 1"
        found.append(Problem("minimum", f"Enter the minimum as {what}"))
    if policy.min_pairs < 1:
        found.append(Problem("min_pairs", "Enter the fewest pairs as a whole number of 1 or more"))
    if found:
        raise AgreementInputError(found)


# Figures -------------------------------------------------------------------------------------


def _positions(pairs: Sequence[Pair], categories: Sequence[Hashable]) -> list[tuple[int, int]]:
    index = {c: i for i, c in enumerate(categories)}
    return [(index[p.mentor_rating], index[p.moderator_rating]) for p in pairs]


def _share(pairs: Sequence[Pair], categories: Sequence[Hashable], within: int) -> Fraction | None:
    at = _positions(pairs, categories)
    if not at:
        return None
    return Fraction(PERCENT_MAX * sum(1 for i, j in at if abs(i - j) <= within), len(at))


def _kappa(pairs: Sequence[Pair], categories: Sequence[Hashable], weight: Callable[[int, int], int]) -> Fraction | None:
    """``1 - observed / chance`` weighted disagreement, exactly; None when chance disagreement is 0."""
    at = _positions(pairs, categories)
    k, n = len(categories), len(at)
    rows, cols = [0] * k, [0] * k
    for i, j in at:
        rows[i] += 1
        cols[j] += 1
    observed = sum(weight(i, j) for i, j in at)  # × 1/n
    chance = sum(weight(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))  # × 1/n²
    if chance == 0:
        return None
    return 1 - Fraction(observed * n, chance)


def _unweighted(i: int, j: int) -> int:
    return 0 if i == j else 1


def _quadratic(i: int, j: int) -> int:
    return (i - j) ** 2


def _linear(i: int, j: int) -> int:
    return abs(i - j)


KAPPA_WEIGHTS = {Measure.KAPPA: _unweighted, Measure.WEIGHTED_KAPPA: _quadratic, Measure.LINEAR_KAPPA: _linear}
Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile: a two-sided 95% interval


def kappa_interval(
    pairs: Sequence[Pair], categories: Sequence[Hashable], measure: Measure, z: float = Z_95
) -> tuple[float, float] | None:
    """The large-sample confidence interval ``κ ± z·SE`` of a kappa (weighted or not), with the
    standard error of Fleiss, Cohen and Everitt (1969), as Fleiss, Levin and Paik (2003, ch. 18)
    give it: ``Var = [Σ p_ij (w_ij − (w̄_i + w̄_j)(1 − κ))² − (κ − p_e(1 − κ))²] / (n (1 − p_e)²)``
    with agreement weights ``w_ij = 1 − d_ij / d_max``. Clipped to [−1, 1]. None when kappa is
    undefined. It is an approximation that needs many pairs; the report shows it only when the
    figure is not marked too few."""
    at = _positions(pairs, categories)
    k, n = len(categories), len(at)
    weight = KAPPA_WEIGHTS[measure]
    d_max = max((weight(i, j) for i in range(k) for j in range(k)), default=0)
    value = _kappa(pairs, categories, weight)
    if value is None or n == 0 or d_max == 0:
        return None
    w = [[1 - Fraction(weight(i, j), d_max) for j in range(k)] for i in range(k)]
    cells = [[0] * k for _ in range(k)]
    for i, j in at:
        cells[i][j] += 1
    p = [[Fraction(c, n) for c in row] for row in cells]
    rows = [sum(p[i]) for i in range(k)]
    cols = [sum(p[i][j] for i in range(k)) for j in range(k)]
    p_e = sum(w[i][j] * rows[i] * cols[j] for i in range(k) for j in range(k))
    w_row = [sum(cols[j] * w[i][j] for j in range(k)) for i in range(k)]
    w_col = [sum(rows[i] * w[i][j] for i in range(k)) for j in range(k)]
    spread = sum(p[i][j] * (w[i][j] - (w_row[i] + w_col[j]) * (1 - value)) ** 2 for i in range(k) for j in range(k))
    variance = (spread - (value - p_e * (1 - value)) ** 2) / (n * (1 - p_e) ** 2)
    error = z * math.sqrt(max(float(variance), 0.0))
    return (max(float(value) - error, KAPPA_MIN), min(float(value) + error, KAPPA_MAX))


def figure(
    pairs: Sequence[Pair], categories: Sequence[Hashable], measure: Measure, min_pairs: int = MIN_PAIRS
) -> Figure:
    """One measure over ``pairs``, on ``categories`` (in scale order for ordered levels)."""
    check(pairs, categories)
    n = len(pairs)
    notes: list[Reason] = []
    if n == 0:
        return Figure(measure, None, 0, True, (_reason("no_pairs"),))
    if n < min_pairs:
        notes.append(_reason("too_few_pairs", pairs=n, needed=min_pairs))
    if measure is Measure.EXACT:
        value = _share(pairs, categories, 0)
    elif measure is Measure.ADJACENT:
        value = _share(pairs, categories, 1)
    else:
        value = _kappa(pairs, categories, KAPPA_WEIGHTS[measure])
        if value is None:
            notes.append(_reason("kappa_undefined", category=str(pairs[0].mentor_rating), categories=len(categories)))
        return Figure(measure, value, n, n < min_pairs, tuple(notes), kappa_interval(pairs, categories, measure))
    return Figure(measure, value, n, n < min_pairs, tuple(notes))


def exact_agreement(pairs: Sequence[Pair], categories: Sequence[Hashable]) -> Figure:
    return figure(pairs, categories, Measure.EXACT)


def adjacent_agreement(pairs: Sequence[Pair], levels: Sequence[Hashable]) -> Figure:
    return figure(pairs, levels, Measure.ADJACENT)


def kappa(pairs: Sequence[Pair], outcomes: Sequence[Hashable]) -> Figure:
    return figure(pairs, outcomes, Measure.KAPPA)


def weighted_kappa(pairs: Sequence[Pair], levels: Sequence[Hashable]) -> Figure:
    return figure(pairs, levels, Measure.WEIGHTED_KAPPA)


def summarise(
    pairs: Sequence[Pair],
    categories: Sequence[Hashable],
    measures: Sequence[Measure],
    key: str = "",
    min_pairs: int = MIN_PAIRS,
) -> Summary:
    return Summary(key, len(pairs), tuple(figure(pairs, categories, m, min_pairs) for m in measures))


# Groups --------------------------------------------------------------------------------------


def group_by(pairs: Sequence[Pair], key: Callable[[Pair], str]) -> tuple[tuple[str, tuple[Pair, ...]], ...]:
    """Pairs grouped by ``key``, groups in key order, pairs in their given order."""
    groups: dict[str, list[Pair]] = {}
    for p in pairs:
        groups.setdefault(key(p), []).append(p)
    return tuple((k, tuple(groups[k])) for k in sorted(groups))


def by_mentor(pairs: Sequence[Pair]) -> tuple[tuple[str, tuple[Pair, ...]], ...]:
    return group_by(pairs, lambda p: p.mentor)


def by_scenario(pairs: Sequence[Pair]) -> tuple[tuple[str, tuple[Pair, ...]], ...]:
    return group_by(pairs, lambda p: p.scenario)


def by_criterion(pairs: Sequence[Pair]) -> tuple[tuple[str, tuple[Pair, ...]], ...]:
    return group_by(pairs, lambda p: p.criterion)


def report(
    pairs: Sequence[Pair],
    categories: Sequence[Hashable],
    measures: Sequence[Measure],
    by: Callable[[Pair], str],
    min_pairs: int = MIN_PAIRS,
) -> tuple[Summary, ...]:
    """One summary per group (e.g. ``by=lambda p: p.mentor``); every rating is checked first."""
    check(pairs, categories)
    return tuple(summarise(group, categories, measures, key, min_pairs) for key, group in group_by(pairs, by))


def flag_mentors(
    pairs: Sequence[Pair], categories: Sequence[Hashable], policy: CalibrationPolicy
) -> tuple[MentorCheck, ...]:
    """Each mentor's figure against the provider's minimum; too few pairs or an undefined kappa
    never flags anyone (the reason says which)."""
    _check_policy(policy)
    check(pairs, categories)
    checks = []
    for mentor, group in by_mentor(pairs):
        f = figure(group, categories, policy.measure, policy.min_pairs)
        if f.too_few:
            reason = _reason("too_few_to_judge", pairs=f.pairs, needed=policy.min_pairs)
        elif f.value is None:
            reason = _reason("undefined_not_judged", measure=policy.measure.value)
        else:
            below = f.value < policy.minimum
            reason = _reason(
                "below_minimum" if below else "meets_minimum",
                measure=policy.measure.value,
                value=_number(policy.measure, f.value),
                minimum=_number(policy.measure, policy.minimum),
            )
        checks.append(MentorCheck(mentor, f, reason.code == "below_minimum", reason))
    return tuple(checks)


# Words ---------------------------------------------------------------------------------------


def _number(measure: Measure, value: Fraction) -> str:
    """A percentage to one decimal place (``62.5%``), a kappa to two (``0.40``); half away from zero."""
    places = 1 if measure.is_percent else 2
    scaled = abs(value) * 10**places
    rounded = int(scaled + Fraction(1, 2)) * (1 if value >= 0 else -1)
    sign = "-" if rounded < 0 else ""
    whole, part = divmod(abs(rounded), 10**places)
    if measure.is_percent:
        return f"{sign}{whole}{'' if part == 0 else f'.{part}'}%"
    return f"{sign}{whole}.{part:0{places}d}"


def render(r: Reason) -> str:
    """One reason in English, the one place these words are written."""
    p = r.values
    code = r.code
    if code == "no_pairs":
        return "No pairs of marks yet."
    if code == "too_few_pairs":
        return f"Too few pairs to mean anything: {p['pairs']} (at least {p['needed']} needed)."
    if code == "kappa_undefined":
        return (
            f"Kappa cannot be worked out: both markers gave ‘{p['category']}’ every time, so agreement "
            "by chance alone is already complete."
        )
    if code == "too_few_to_judge":
        return f"Not judged: {p['pairs']} pairs, at least {p['needed']} needed."
    if code == "undefined_not_judged":
        return f"Not judged: {MEASURE_NAMES[Measure(p['measure'])].lower()} cannot be worked out for these pairs."
    if code == "below_minimum":
        return (
            f"{MEASURE_NAMES[Measure(p['measure'])]} is {p['value']}, below the minimum of {p['minimum']}: "
            "offer calibration."
        )
    if code == "meets_minimum":
        return f"{MEASURE_NAMES[Measure(p['measure'])]} is {p['value']}, meeting the minimum of {p['minimum']}."
    return r.unrendered()


def shown(f: Figure) -> str:
    """A figure as a table cell shows it: "too few pairs" or "cannot be worked out" instead of a
    number that would mislead."""
    if f.pairs == 0:
        return "No pairs yet"
    if f.too_few:
        return "Too few pairs to mean anything"
    if f.value is None:
        return "Cannot be worked out"
    if f.interval is not None:
        low, high = (_number(f.measure, Fraction(x).limit_denominator(10**6)) for x in f.interval)
        return f"{_number(f.measure, f.value)} (95% CI {low} to {high})"
    return _number(f.measure, f.value)


def describe(f: Figure) -> str:
    """A figure as a reader should see it: the number only when there are enough pairs."""
    if f.pairs == 0:
        return f"{MEASURE_NAMES[f.measure]}: no pairs of marks yet."
    if f.too_few:
        return f"{MEASURE_NAMES[f.measure]}: too few pairs to mean anything ({f.pairs}; at least {f.reasons[0].values['needed']} needed)."
    if f.value is None:
        return f"{MEASURE_NAMES[f.measure]}: cannot be worked out. {render(f.reasons[-1])}"
    return f"{MEASURE_NAMES[f.measure]}: {_number(f.measure, f.value)} ({f.pairs} pairs)."
