"""What goes into the assessments API as JSON: cohorts, enrolments, observations, requests.

Limits come from their one home (the models' column lengths, the tracker's, the idempotency
key's rule); what a rubric accepts (criteria, levels, faults) is checked by the engine, which
names each path (``evidence.judgements[0].level``).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from assessments import deadlines
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
