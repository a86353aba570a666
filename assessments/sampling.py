"""Which submitted observations a moderator second-marks: a random share, stratified by mentor and
scenario, drawn from a recorded seed so anyone can redraw it and check it.

Plain Python (standard library only). The draw depends only on the candidates, the percentage and
the seed, never on the order the candidates arrive in or on the machine: strata and the
observations inside them are sorted before :class:`random.Random` (seeded from the text of the
seed, which Python hashes with SHA-512 the same way everywhere) picks from them.

How many: ``ceil(percent × N / 100)`` in all (so 20 % of 3 is 1, never 0), shared between the
strata in proportion to their size by the largest-remainder method (whole shares first, then one
more to the strata with the largest remainders; ties go to the first stratum in key order). Why
stratify: a plain random sample can miss a mentor or a scenario altogether, and the agreement
report is read per mentor and per scenario (the sampling idea follows Ofqual's and awarding
bodies' practice of sampling every assessor's work; the proportions are this module's own).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.reasons import Problem, Reason, RuleInputError

PERCENT_MIN, PERCENT_MAX = 1, 100
SEED_MAX_LENGTH = 64


@dataclass(frozen=True)
class Candidate:
    """A submitted observation that may be sampled, with the stratum it belongs to."""

    observation_id: int
    mentor: str
    scenario: str

    @property
    def stratum(self) -> tuple[str, str]:
        return (self.mentor, self.scenario)


class SamplingInputError(RuleInputError):
    """Settings or candidates a sample cannot be drawn from; ``problems`` lists each, located."""


@dataclass(frozen=True)
class Draw:
    """The sampled observation ids (sorted), and how many came from each stratum."""

    chosen: tuple[int, ...]
    per_stratum: tuple[tuple[tuple[str, str], int, int], ...]  # (stratum, sampled, of)
    reasons: tuple[Reason, ...] = ()


def check(candidates: Sequence[Candidate], percent: object, seed: object) -> None:
    """Refuse a percentage outside 1–100 (whole numbers), an empty or over-long seed, and no candidates."""
    found = []
    if isinstance(percent, bool) or not isinstance(percent, int) or not PERCENT_MIN <= percent <= PERCENT_MAX:
        found.append(Problem("percent", f"Enter the percentage as a whole number from {PERCENT_MIN} to {PERCENT_MAX}"))
    if not isinstance(seed, str) or not seed.strip():
        found.append(Problem("seed", "Enter a seed, or leave it blank for a new one"))
    elif len(seed) > SEED_MAX_LENGTH or not seed.isprintable():
        found.append(Problem("seed", f"Enter a seed of at most {SEED_MAX_LENGTH} printable characters"))
    if not candidates:
        found.append(Problem("cohort", "There are no submitted observations to sample yet"))
    ids = [c.observation_id for c in candidates]
    if len(set(ids)) != len(ids):
        found.append(Problem("candidates", "Give each observation once"))
    if found:
        raise SamplingInputError(found)


def sample_size(total: int, percent: int) -> int:
    """``ceil(percent × total / 100)``: a share of a non-empty cohort is never empty."""
    return math.ceil(percent * total / PERCENT_MAX)


def _allocate(sizes: dict[tuple[str, str], int], total: int, percent: int) -> dict[tuple[str, str], int]:
    """Largest remainder: each stratum's exact share ``percent × size / 100``, whole parts first."""
    wanted = sample_size(total, percent)
    whole = {k: percent * n // PERCENT_MAX for k, n in sizes.items()}
    remainder = {k: percent * n % PERCENT_MAX for k, n in sizes.items()}
    left = wanted - sum(whole.values())
    for k in sorted(sizes, key=lambda k: (-remainder[k], k))[:left]:
        whole[k] += 1
    return whole


def draw(candidates: Sequence[Candidate], percent: int, seed: str) -> Draw:
    """A stratified random sample of ``percent`` % of ``candidates``, the same for the same seed."""
    check(candidates, percent, seed)
    strata: dict[tuple[str, str], list[int]] = {}
    for c in candidates:
        strata.setdefault(c.stratum, []).append(c.observation_id)
    shares = _allocate({k: len(v) for k, v in strata.items()}, len(candidates), percent)
    rng = random.Random(seed)
    chosen: list[int] = []
    per_stratum = []
    for key in sorted(strata):
        ids = sorted(strata[key])
        picked = rng.sample(ids, shares[key])
        chosen += picked
        per_stratum.append((key, len(picked), len(ids)))
    reasons = tuple(
        Reason("stratum_not_sampled", (("mentor", k[0]), ("scenario", k[1]))) for k, n, _ in per_stratum if n == 0
    )
    return Draw(tuple(sorted(chosen)), tuple(per_stratum), reasons)


def render(r: Reason) -> str:
    p = r.values
    if r.code == "stratum_not_sampled":
        return f"No observation by {p['mentor']} in ‘{p['scenario']}’ was drawn: the share was too small to reach it."
    return f"{r.code} ({', '.join(f'{k}: {v}' for k, v in r.params)})"


# ---- the sampling plan: each mentor's share so far -----------------------------------------
#
# Apprenticeship quality assurance samples more of a new assessor's work and of one whose marking
# has been questioned, and samples through the programme (interim) as well as at its end (final),
# so that a problem is found while it can still be put right. Here: a new mentor's first
# ``new_first`` observations are sampled at ``new_rate``; a flagged mentor's at ``raised_rate``;
# by the interim date ``interim_share`` % of each mentor's planned sample is due, the rest by the end.

DEFAULT_RATE = 10  # percent of each mentor's submitted observations
DEFAULT_RAISED_RATE = 25  # for a mentor flagged for calibration
DEFAULT_NEW_RATE = 50  # for a new mentor's first observations
DEFAULT_NEW_FIRST = 0  # how many of a mentor's first observations count as new: none until the provider says
DEFAULT_INTERIM_SHARE = 50  # percent of the planned sample due by the interim date
NEW_FIRST_MAX = 1_000
NEW_FIRST_MESSAGE = f"Enter how many first observations as a whole number from 0 to {NEW_FIRST_MAX:,}"
INTERIM_SHARE_MESSAGE = f"Enter the interim share as a whole number from 0 to {PERCENT_MAX}"


@dataclass(frozen=True)
class MentorSampling:
    """How much of one mentor's work has been sampled against the plan's rate for them."""

    mentor: str
    submitted: int
    sampled: int
    rate: int
    needed: int
    early: int = 0  # of the submitted, how many were among the mentor's first observations
    new_rate: int = 0  # the rate for those
    interim_due: int = 0  # how many of ``needed`` are due by the interim date

    @property
    def short(self) -> bool:
        """Short of the final share: fewer sampled than the plan needs by the end."""
        return self.sampled < self.needed

    @property
    def short_at_interim(self) -> bool:
        return self.sampled < self.interim_due

    @property
    def new(self) -> bool:
        return self.early > 0


def needed(submitted: int, rate: int, early: int = 0, new_rate: int = 0) -> int:
    """The sample a mentor's ``submitted`` observations need: ``early`` of them (their first ones)
    at the higher of ``new_rate`` and ``rate``, the rest at ``rate``, each part rounded up."""
    early = max(0, min(early, submitted))
    first = sample_size(early, max(new_rate, rate)) if early else 0
    return first + (sample_size(submitted - early, rate) if submitted > early else 0)


def plan(
    submitted: dict[str, int],
    sampled: dict[str, int],
    rate: int,
    raised_rate: int,
    raised: frozenset[str] = frozenset(),
    early: dict[str, int] | None = None,
    new_rate: int = 0,
    interim_share: int = 0,
) -> tuple[MentorSampling, ...]:
    """Each mentor's sample so far against ``rate`` % of their submitted observations (``raised_rate``
    for the mentors in ``raised``, e.g. flagged for calibration; ``new_rate`` for the ``early``
    observations among a mentor's first ones), rounded up: a mentor whose sample is smaller is
    short. ``interim_share`` % of that (rounded up) is due by the interim date. Mentors in key order."""
    early = early or {}
    found = []
    for mentor in sorted(submitted):
        r = raised_rate if mentor in raised else rate
        n = submitted[mentor]
        e = min(early.get(mentor, 0), n)
        total = needed(n, r, e, new_rate) if n else 0
        found.append(
            MentorSampling(
                mentor,
                n,
                sampled.get(mentor, 0),
                r,
                total,
                e,
                max(new_rate, r) if e else 0,
                sample_size(total, interim_share) if interim_share else 0,
            )
        )
    return tuple(found)
