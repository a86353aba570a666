"""The rubric engine: judgements in, explained outcomes out, as plain data. Standard library only.

Score one observation with :func:`score` (or many rows with :func:`score_rows`), combine many
with :func:`aggregate`, decide whether a competency is evidenced with :func:`sign_off`. Results
carry reasons as codes (:class:`Reason`), rendered to English by :func:`render`. Rubrics and
evidence travel as dicts through :func:`rubric_from_dict` / :func:`rubric_to_dict` /
:func:`evidence_from_dict`. Bad input raises :class:`EngineError` (``.problems``: located
:class:`Problem` s) and nothing else.
"""

from competencies.engine.aggregation import AggregationMethod, AggregationPolicy, MixedRubrics, aggregate
from competencies.engine.errors import EngineError, EvidenceError, PolicyError, Problem, RubricError
from competencies.engine.evidence import MOMENT_PATTERN, Evidence, Fault, Judgement, Observation
from competencies.engine.model import (
    DVSA_MINOR_FAULT_LIMIT,
    ENGINE_VERSION,
    ENTRUSTMENT_SCALE,
    Criterion,
    FaultSeverity,
    FaultType,
    Level,
    Outcome,
    Rubric,
    RubricModel,
    RubricStamp,
    canonical_form,
    rubric_problems,
)
from competencies.engine.reasons import render, render_all, render_missing
from competencies.engine.results import RESULT_SCHEMA, Aggregate, Missing, Reason, Result, SignOff
from competencies.engine.rows import NOT_APPLICABLE, OBSERVED
from competencies.engine.scoring import score, score_many, score_rows
from competencies.engine.serialise import evidence_from_dict, rubric_from_dict, rubric_to_dict
from competencies.engine.signoff import SignOffPolicy, sign_off
from competencies.engine.wording import (
    MODEL_WORDS,
    NOT_APPLICABLE_WORDS,
    NOT_OBSERVED_WORDS,
    ModelWords,
    descriptor_of,
    must_reach,
    words_of,
)

__all__ = [
    "MOMENT_PATTERN",
    "DVSA_MINOR_FAULT_LIMIT",
    "ENGINE_VERSION",
    "ENTRUSTMENT_SCALE",
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_WORDS",
    "NOT_OBSERVED_WORDS",
    "OBSERVED",
    "RESULT_SCHEMA",
    "Aggregate",
    "AggregationMethod",
    "AggregationPolicy",
    "Criterion",
    "EngineError",
    "Evidence",
    "EvidenceError",
    "Fault",
    "FaultSeverity",
    "FaultType",
    "MODEL_WORDS",
    "ModelWords",
    "Judgement",
    "Level",
    "Missing",
    "MixedRubrics",
    "Observation",
    "Outcome",
    "PolicyError",
    "Problem",
    "Reason",
    "Result",
    "Rubric",
    "RubricError",
    "RubricModel",
    "RubricStamp",
    "SignOff",
    "SignOffPolicy",
    "aggregate",
    "canonical_form",
    "descriptor_of",
    "evidence_from_dict",
    "must_reach",
    "words_of",
    "render",
    "render_all",
    "render_missing",
    "rubric_from_dict",
    "rubric_problems",
    "rubric_to_dict",
    "score",
    "score_many",
    "score_rows",
    "sign_off",
]
