"""What goes in and out of the assessments API as JSON: cohorts, enrolments, observations, progress.

Limits come from their one home (the models' column lengths, the tracker's, the idempotency
key's rule); what a rubric accepts (criteria, levels, faults) is checked by the engine, which
names each path (``evidence.judgements[0].level``).
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, validate

from assessments import deadlines, services
from assessments.models import (
    KEY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PRESENT_NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    SETTING_MAX_LENGTH,
)
from assessments.services.observations import PRESENT_MAX
from assessments.services.submissions import IDEMPOTENCY_KEY_PATTERN, KEY_MESSAGE
from assessments.training_status import TrainingStatus
from competencies import engine
from competencies.engine import signoff
from competencies.engine.evidence import COMMENT_MAX
from core import api
from core.database import ID_MAX

# ---- what goes in ----------------------------------------------------------------------


def _whole(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


def _id(**kwargs: Any) -> fields.Integer:
    """A record's id: what an id column holds (a larger number would be a database error, not a 400)."""
    return _whole(validate=validate.Range(1, ID_MAX, error=f"Enter an id from 1 to {ID_MAX}"), **kwargs)


# Words, not only spaces: the services strip a reason and refuse it if nothing is left.
NOT_BLANK = r"\s*\S"


def _written(max_length: int) -> list[validate.Validator]:
    return [validate.Length(max=max_length), validate.Regexp(NOT_BLANK, error="Enter it in words")]


def _policy_part(name: str, description: str) -> fields.Integer:
    """One part of the sign-off policy, with the engine's range (so the OpenAPI document states it)."""
    least = signoff.POLICY_LEAST[name]
    return _whole(
        validate=validate.Range(
            least, signoff.POLICY_MAX, error=f"Enter a whole number from {least} to {signoff.POLICY_MAX:,}"
        ),
        metadata={"description": description},
    )


class SignOffPolicySchema(Schema):
    """K met observations, by J different observers, in S different settings, no dangerous fault in the last M."""

    min_met = _policy_part("min_met", "K: met observations needed")
    min_observers = _policy_part("min_observers", "J: different observers among them")
    min_settings = _policy_part("min_settings", "S: different settings among them")
    no_dangerous_in_last = _policy_part("no_dangerous_in_last", "M: no dangerous fault in the last M observations")


class CohortInSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(1, NAME_MAX_LENGTH))
    programme_version_id = _id(required=True, metadata={"description": "A published programme version"})
    sign_off = fields.Nested(SignOffPolicySchema, metadata={"description": "The provider's usual policy unless given"})


class _EnrolmentDetailsSchema(Schema):
    school = fields.String(validate=validate.Length(max=SCHOOL_MAX_LENGTH))
    became_senco = fields.Date(allow_none=True, metadata={"description": "The date they became SENCO at this school"})
    earlier_senco_months = _whole(
        validate=validate.Range(0, deadlines.EARLIER_MONTHS_MAX),
        metadata={
            "description": "Earlier SENCO service whose dates are not known, in whole months, at relevant schools "
            "only (mainstream schools and maintained nursery schools in England; CFA 2014 s.67(1))"
        },
    )
    nasenco_started = fields.Date(allow_none=True)
    nasenco_completed = fields.Date(allow_none=True)
    head_teacher = api.Boolean(
        metadata={"description": "Also the school's head teacher (the qualification duty still applies: reg. 49(4))"},
    )


class EnrolmentInSchema(_EnrolmentDetailsSchema):
    trainee_id = _id(required=True)
    mentor_ids = fields.List(_id(), required=True, validate=validate.Length(1, 20))


class EnrolmentChangesSchema(_EnrolmentDetailsSchema, api.LockSchema):
    """Only the fields sent change; the trainee and the cohort never do."""

    mentor_ids = fields.List(_id(), validate=validate.Length(1, 20))


class JudgementInSchema(Schema):
    criterion = fields.String(required=True, validate=validate.Length(1, KEY_MAX_LENGTH))
    level = _whole(
        allow_none=True, metadata={"description": "One of the criterion's levels; null: observed (faults rubrics)"}
    )
    comment = fields.String(validate=validate.Length(max=COMMENT_MAX))
    not_applicable = api.Boolean()


class FaultInSchema(Schema):
    fault = fields.String(required=True, validate=validate.Length(1, KEY_MAX_LENGTH))
    severity = fields.String(allow_none=True, metadata={"enum": [s.value for s in engine.FaultSeverity]})
    note = fields.String(validate=validate.Length(max=COMMENT_MAX))


class EvidenceInSchema(Schema):
    judgements = fields.List(fields.Nested(JudgementInSchema), load_default=list)
    faults = fields.List(fields.Nested(FaultInSchema), load_default=list)


class _ObservationFieldsSchema(Schema):
    observed_on = fields.Date(metadata={"description": "Not in the future, not before the cohort started"})
    setting = fields.String(
        validate=_written(SETTING_MAX_LENGTH),
        metadata={"description": "Where, e.g. ‘Year 4 classroom’: counted by its exact text"},
    )
    present = fields.List(
        fields.String(validate=validate.Length(1, 120)),
        validate=validate.Length(max=PRESENT_MAX),
        metadata={"description": "Roles present, never children's names"},
    )
    evidence = fields.Nested(EvidenceInSchema)


class ObservationInSchema(_ObservationFieldsSchema):
    scenario_key = fields.String(required=True, validate=validate.Length(1, KEY_MAX_LENGTH))
    observed_on = fields.Date(
        required=True, metadata={"description": "Not in the future, not before the cohort started"}
    )
    setting = fields.String(required=True, validate=_written(SETTING_MAX_LENGTH))
    submit = api.Boolean(
        load_default=False,
        metadata={"description": "true: submit at once (locked, counted for sign-off)"},
    )
    idempotency_key = fields.String(
        load_default=None,
        validate=validate.Regexp(IDEMPOTENCY_KEY_PATTERN, error=KEY_MESSAGE),
        metadata={"description": "Or the Idempotency-Key header: the same key again answers the same record"},
    )


class ObservationChangesSchema(_ObservationFieldsSchema, api.LockSchema):
    """A draft's changes: only the fields sent change."""


class AmendmentInSchema(_ObservationFieldsSchema, api.LockSchema):
    """A correction of a submitted observation: only the fields sent change, and a reason is required."""

    reason = fields.String(
        required=True,
        validate=_written(REASON_MAX_LENGTH),
        metadata={"description": "Why it is corrected: kept with the revision"},
    )
    present_notes = fields.String(
        validate=validate.Length(max=PRESENT_NOTES_MAX_LENGTH),
        metadata={"description": "Roles and context only: never children's names"},
    )


class RequestInSchema(Schema):
    mentor_id = _id(required=True, metadata={"description": "One of your mentors"})
    scenario_key = fields.String(required=True, validate=validate.Length(1, KEY_MAX_LENGTH))
    note = fields.String(load_default="", validate=validate.Length(max=NOTE_MAX_LENGTH))


class AcceptInSchema(Schema):
    planned_on = fields.Date(required=True, metadata={"description": "When you plan to observe: today or later"})


class DeclineInSchema(Schema):
    reason = fields.String(
        required=True,
        validate=_written(REASON_MAX_LENGTH),
        metadata={"description": "Why: your trainee reads it"},
    )


class RegisterQuerySchema(Schema):
    # Not strict: a query string's value is always text, "3" among them.
    cohort_id = fields.Integer(
        load_default=None, validate=validate.Range(1, ID_MAX), metadata={"description": "Only this cohort"}
    )
    completed_only = fields.Boolean(
        load_default=True, metadata={"description": "false: every enrolment, not only those who completed"}
    )


# ---- what comes out ----------------------------------------------------------------------


def _url(endpoint: str, **values: Any) -> Any:
    return fields.Function(
        lambda o: url_for(f"assessments_api.{endpoint}", **{k: getattr(o, v) for k, v in values.items()}),
        required=True,
        metadata={"type": "string"},
    )


class CohortSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    programme_version_id = fields.Integer(required=True)
    programme = fields.String(required=True, attribute="programme_version.name")
    programme_version = fields.Integer(required=True, attribute="programme_version.number")
    sign_off = fields.Dict(required=True, attribute="sign_off_policy")
    aggregation = fields.Dict(required=True)
    created_at = fields.DateTime(required=True)
    url = _url("get_cohort", cohort_id="id")
    enrolments_url = _url("cohort_enrolments", cohort_id="id")


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class EnrolmentSchema(Schema):
    id = fields.Integer(required=True)
    cohort_id = fields.Integer(required=True)
    trainee = fields.Nested(PersonSchema, required=True)
    mentors = fields.List(fields.Nested(PersonSchema), required=True)
    school = fields.String(required=True)
    became_senco = fields.Date(required=True, allow_none=True)
    earlier_senco_months = fields.Integer(required=True)
    nasenco_started = fields.Date(required=True, allow_none=True)
    nasenco_completed = fields.Date(required=True, allow_none=True)
    lock_version = fields.Integer(
        required=True, metadata={"description": "Its ETag: send it back as If-Match to change it"}
    )
    training_status = fields.String(
        required=True,
        dump_only=True,
        metadata={
            "enum": [s.value for s in TrainingStatus],
            "description": "Read-only: staff withdraw, defer and resume a trainee on the enrolment's page",
        },
    )
    url = _url("get_enrolment", enrolment_id="id")
    observations_url = _url("enrolment_observations", enrolment_id="id")
    progress_url = _url("get_progress", enrolment_id="id")


class JudgementOutSchema(Schema):
    criterion = fields.String(required=True)
    level = fields.Raw(required=True, metadata={"description": 'A level, "n/a", "observed" or null'})


class ObservationSchema(Schema):
    """An observation as stored: what was recorded, and the engine's result with its reasons."""

    id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)
    scenario_key = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["draft", "submitted"]})
    observed_on = fields.Date(required=True)
    setting = fields.String(required=True)
    present = fields.List(fields.String(), required=True)
    observer = fields.Nested(PersonSchema, required=True, allow_none=True)
    evidence = fields.Dict(required=True, metadata={"description": "The judgements and faults as recorded"})
    outcome = fields.Function(
        lambda o: o.result.get("outcome"),
        required=True,
        metadata={"type": "string", "enum": [x.value for x in engine.Outcome]},
    )
    reasons = fields.Method(
        "_reasons",
        required=True,
        metadata={"type": "array", "items": {"type": "string"}, "description": "The reasons in English"},
    )
    result = fields.Dict(
        required=True,
        metadata={
            "description": "The stored result: reason codes with parameters, "
            "the rubric's key, version and fingerprint, the engine version"
        },
    )
    rubric_version = fields.Integer(required=True, attribute="rubric_version.number")
    agreed_outcome = fields.Function(
        lambda o: (getattr(o, "agreed_result", None) or {}).get("outcome"),
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "description": "The judgement agreed after moderation, null if none. A trainee's "
            "outcome, reasons and result are the agreed judgement's; a mentor's are their own",
        },
    )
    idempotency_key = fields.String(required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    lock_version = fields.Integer(
        required=True, metadata={"description": "Its ETag: send it back as If-Match to change a draft"}
    )
    url = _url("get_observation", observation_id="id")

    def _reasons(self, observation: Any) -> list[str]:
        return list(services.explained(observation).reasons)


class MissingSchema(Schema):
    code = fields.String(required=True, metadata={"description": "e.g. met_observations, observers, settings"})
    have = fields.Integer(required=True)
    need = fields.Integer(required=True)
    in_words = fields.String(required=True)


class ObservationBriefSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    observed_on = fields.Date(required=True)
    outcome = fields.String(required=True)
    reasons = fields.List(fields.String(), required=True)
    url = fields.String(required=True)


class ScenarioProgressSchema(Schema):
    scenario_key = fields.String(required=True)
    title = fields.String(required=True)
    in_words = fields.String(required=True)
    evidenced = fields.Boolean(required=True, allow_none=True, metadata={"description": "null: no published rubric"})
    met = fields.Integer(required=True)
    observers = fields.Integer(required=True, metadata={"description": "Different observers of met observations"})
    settings = fields.List(fields.String(), required=True)
    missing = fields.List(
        fields.Nested(MissingSchema), required=True, metadata={"description": "What sign-off still needs"}
    )
    never_met = fields.List(
        fields.String(), required=True, metadata={"description": "Criteria never met yet, by title"}
    )
    sign_off = fields.Dict(
        required=True, allow_none=True, metadata={"description": "The engine's decision as stored data"}
    )
    overall = fields.Dict(
        required=True,
        allow_none=True,
        metadata={
            "description": "The cohort's aggregation method applied to the counted observations (the engine's Aggregate); "
            "null before any"
        },
    )
    overall_in_words = fields.String(required=True)
    observations = fields.List(fields.Nested(ObservationBriefSchema), required=True)


class RevisionSchema(Schema):
    """One correction: who, when, why, what changed in words, and the record before and after."""

    number = fields.Function(
        lambda v: v.revision.number,
        required=True,
        metadata={"type": "integer", "description": "1 for the first correction"},
    )
    author = fields.Function(
        lambda v: {"id": v.revision.author.id, "name": v.revision.author.name} if v.revision.author else None,
        required=True,
        allow_none=True,
        metadata={"type": "object"},
    )
    reason = fields.Function(lambda v: v.revision.reason, required=True, metadata={"type": "string"})
    made_at = fields.Function(
        lambda v: v.revision.created_at.isoformat(), required=True, metadata={"type": "string", "format": "date-time"}
    )
    changes = fields.List(fields.String(), required=True, metadata={"description": "What changed, in words"})
    before = fields.Function(lambda v: v.revision.before, required=True, metadata={"type": "object"})
    after = fields.Function(lambda v: v.revision.after, required=True, metadata={"type": "object"})


class RequestSchema(Schema):
    """A trainee's request that a mentor observe them in a scenario, with the mentor's answer."""

    id = fields.Integer(required=True)
    enrolment_id = fields.Integer(required=True)
    scenario_key = fields.String(required=True)
    trainee = fields.Function(
        lambda r: {"id": r.enrolment.trainee.id, "name": r.enrolment.trainee.name},
        required=True,
        metadata={"type": "object"},
    )
    mentor = fields.Nested(PersonSchema, required=True)
    note = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "accepted", "declined", "done"]})
    planned_on = fields.Date(required=True, allow_none=True)
    decline_reason = fields.String(required=True)
    observation_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The observation that answered it"}
    )


class RegisterRowSchema(Schema):
    """One enrolment in the register of completions (the register page's row)."""

    enrolment_id = fields.Integer(required=True)
    trainee = fields.String(required=True)
    email = fields.String(required=True)
    cohort_id = fields.Integer(required=True)
    cohort = fields.String(required=True)
    programme = fields.String(required=True)
    programme_version = fields.Integer(required=True, allow_none=True)
    completed = fields.Boolean(required=True)
    completed_on = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    case_study = fields.String(required=True)
    scenarios_evidenced = fields.Integer(required=True)
    scenarios = fields.Integer(required=True)
    sign_off = fields.String(required=True)


class DutySchema(Schema):
    status = fields.String(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True)
    detail = fields.Dict(required=True, allow_none=True, metadata={"description": "The tracker's decision as data"})


class ProgressSchema(Schema):
    enrolment_id = fields.Integer(required=True)
    scenarios = fields.List(fields.Nested(ScenarioProgressSchema), required=True)
    senco_duty = fields.Nested(DutySchema, required=True)


def progress_document(enrolment: Any, found: list[Any], duty: Any, submitted_only: bool) -> dict[str, Any]:
    """Progress as data for ProgressSchema: the same figures and words as the trainee's page."""
    scenarios = []
    for p in found:
        decision = p.sign_off
        scenarios.append(
            {
                "scenario_key": p.scenario.key,
                "title": p.scenario.title,
                "in_words": p.in_words,
                "evidenced": None if decision is None else decision.evidenced,
                "met": 0 if decision is None else decision.met,
                "observers": 0 if decision is None else len(decision.observers),
                "settings": [] if decision is None else list(decision.settings),
                "missing": []
                if decision is None
                else [{**m._asdict(), "in_words": words} for m, words in zip(decision.missing, p.missing, strict=True)],
                "never_met": list(p.never_met),
                "sign_off": None if decision is None else decision.to_dict(),
                "overall": None if p.overall is None else p.overall.to_dict(),
                "overall_in_words": p.overall_in_words,
                "observations": [
                    {
                        "id": v.observation.id,
                        "status": v.observation.status,
                        "observed_on": v.observation.observed_on,
                        "outcome": v.result.outcome.value,
                        "reasons": list(v.reasons),
                        "url": url_for("assessments_api.get_observation", observation_id=v.observation.id),
                    }
                    for v in p.observations
                    if v.observation.submitted or not submitted_only
                ],
            }
        )
    status = duty.duty.status.value if duty.duty is not None else None
    return {
        "enrolment_id": enrolment.id,
        "scenarios": scenarios,
        "senco_duty": {
            "status": status,
            "reasons": list(duty.reasons),
            "detail": duty.duty.to_dict() if duty.duty is not None else None,
        },
    }
