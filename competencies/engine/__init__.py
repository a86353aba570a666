"""The rubric engine: judgements in, explained outcomes out. Standard library only.

Score one observation with :func:`score`, combine many with :func:`aggregate`, decide whether a
competency is evidenced with :func:`sign_off`. Rubrics and evidence travel as dicts through
:func:`rubric_from_dict` / :func:`rubric_to_dict` / :func:`evidence_from_dict`.
"""
from competencies.engine.aggregation import AggregationMethod, AggregationPolicy, aggregate
from competencies.engine.model import (
    DVSA_MINOR_FAULT_LIMIT,
    ENTRUSTMENT_SCALE,
    Aggregate,
    Criterion,
    Evidence,
    Fault,
    FaultSeverity,
    Judgement,
    Level,
    Outcome,
    Result,
    Rubric,
    RubricModel,
    ScoredObservation,
)
from competencies.engine.scoring import score, score_many, score_rows
from competencies.engine.serialise import evidence_from_dict, rubric_from_dict, rubric_to_dict
from competencies.engine.signoff import SignOff, SignOffPolicy, sign_off
from competencies.engine.validation import EngineError, EvidenceError, RubricError, check_rubric, rubric_problems

__all__ = [
    "DVSA_MINOR_FAULT_LIMIT", "ENTRUSTMENT_SCALE", "Aggregate", "AggregationMethod", "AggregationPolicy",
    "Criterion", "EngineError", "Evidence", "EvidenceError", "Fault", "FaultSeverity", "Judgement", "Level",
    "Outcome", "Result", "Rubric", "RubricError", "RubricModel", "ScoredObservation", "SignOff", "SignOffPolicy",
    "aggregate", "check_rubric", "evidence_from_dict", "rubric_from_dict", "rubric_problems", "rubric_to_dict",
    "score", "score_many", "score_rows", "sign_off",
]
