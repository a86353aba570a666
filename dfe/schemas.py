"""The DfE's records as this app reads them: each response is checked field by field, and an
answer that is not the API's shape is refused with the JSON path of what is wrong, never half-read.

Unknown attributes are ignored (the DfE adds fields between versions); ``None`` is accepted wherever
the DfE's document says a field may be null. Lengths are capped so a broken or hostile answer cannot
fill the database.
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from dfe.client import DfeBadAnswer
from dfe.contract import UUID_LENGTH

TEXT_MAX = 500
NAME_MAX = 200
EMAIL_MAX = 254
CODE_MAX = 80


def _text(maximum: int = TEXT_MAX, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=maximum), allow_none=True, load_default=None, **kwargs)


def _code() -> fields.String:
    return _text(CODE_MAX)


def _flag() -> fields.Boolean:
    return fields.Boolean(allow_none=True, load_default=None, truthy={True}, falsy={False})


class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class ApplicationAttributes(_Tolerant):
    course_identifier = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    participant_id = fields.String(required=True, validate=validate.Length(equal=UUID_LENGTH))
    status = _code()
    full_name = _text(NAME_MAX)
    email = _text(EMAIL_MAX)
    email_validated = _flag()
    teacher_reference_number = _text(20)
    teacher_reference_number_validated = _flag()
    school_urn = _text(20)
    school_ukprn = _text(20)
    private_childcare_provider_urn = _text(20)
    employer_name = _text(NAME_MAX)
    employment_role = _text(NAME_MAX)
    works_in_school = _flag()
    works_as_senco = _flag()
    senco_start_date = fields.Date(allow_none=True, load_default=None)
    headteacher_status = _code()
    funding_choice = _code()
    eligible_for_funding = _flag()
    ineligible_for_funding_reason = _code()
    targeted_delivery_funding_eligibility = _flag()
    funded_place = _flag()
    reason_for_rejection = _text()
    cohort = _text(10)
    cohort_suffix = _text(10)
    schedule_identifier = _code()
    created_at = fields.AwareDateTime(allow_none=True, load_default=None)
    updated_at = fields.AwareDateTime(allow_none=True, load_default=None)


class _Enrolment(_Tolerant):
    course_identifier = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    npq_application_id = _text(UUID_LENGTH)
    schedule_identifier = _code()
    cohort = _text(10)
    training_status = _code()
    funded_place = _flag()
    school_urn = _text(20)
    email = _text(EMAIL_MAX)
    withdrawal = fields.Dict(allow_none=True, load_default=None)
    deferral = fields.Dict(allow_none=True, load_default=None)


class ParticipantAttributes(_Tolerant):
    full_name = _text(NAME_MAX)
    teacher_reference_number = _text(20)
    npq_enrolments = fields.List(fields.Nested(_Enrolment), load_default=list, validate=validate.Length(max=50))
    updated_at = fields.AwareDateTime(allow_none=True, load_default=None)


class DeclarationAttributes(_Tolerant):
    participant_id = fields.String(required=True, validate=validate.Length(equal=UUID_LENGTH))
    declaration_type = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    declaration_date = fields.String(required=True, validate=validate.Length(max=40))
    course_identifier = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    state = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    has_passed = fields.Raw(allow_none=True, load_default=None)  # the document says string; the DfE sends a boolean
    statement_id = _text(UUID_LENGTH)
    clawback_statement_id = _text(UUID_LENGTH)
    application_id = _text(UUID_LENGTH)
    updated_at = fields.AwareDateTime(allow_none=True, load_default=None)

    @post_load
    def _one_spelling(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        # The document spells "awaiting_clawback"; the DfE's serializer sends "awaiting-clawback".
        data["state"] = data["state"].replace("-", "_")
        return data


class OutcomeAttributes(_Tolerant):
    participant_id = fields.String(required=True, validate=validate.Length(equal=UUID_LENGTH))
    state = fields.String(required=True, validate=validate.Length(max=CODE_MAX))
    completion_date = fields.String(required=True, validate=validate.Length(max=40))
    course_identifier = _code()
    created_at = fields.AwareDateTime(allow_none=True, load_default=None)


class StatementAttributes(_Tolerant):
    month = _text(20)
    year = _text(4)
    cohort = _text(10)
    cut_off_date = fields.Date(allow_none=True, load_default=None)
    payment_date = fields.Date(allow_none=True, load_default=None)
    paid = _flag()
    updated_at = fields.AwareDateTime(allow_none=True, load_default=None)


class _Resource(_Tolerant):
    id = fields.String(required=True, validate=validate.Length(equal=UUID_LENGTH))
    type = fields.String(required=True, validate=validate.Length(max=CODE_MAX))


def _resource_schema(attributes: type[Schema]) -> Schema:
    return type(
        f"{attributes.__name__}Resource", (_Resource,), {"attributes": fields.Nested(attributes, required=True)}
    )()


APPLICATION = _resource_schema(ApplicationAttributes)
PARTICIPANT = _resource_schema(ParticipantAttributes)
DECLARATION = _resource_schema(DeclarationAttributes)
OUTCOME = _resource_schema(OutcomeAttributes)
STATEMENT = _resource_schema(StatementAttributes)


def _paths(messages: Any, prefix: str) -> list[str]:
    if isinstance(messages, dict):
        return [path for key, value in messages.items() for path in _paths(value, f"{prefix}.{key}")]
    return [f"{prefix}: {'; '.join(map(str, messages)) if isinstance(messages, list) else messages}"]


def read(schema: Schema, record: Any, where: str = "data") -> dict[str, Any]:
    """One resource (``{"id", "type", "attributes"}``) checked and typed, or :class:`DfeBadAnswer`
    naming the JSON path of every problem."""
    if not isinstance(record, dict):
        raise DfeBadAnswer(f"The DfE's answer at {where} was not an object")
    try:
        return schema.load(record)  # type: ignore[no-any-return]
    except ValidationError as error:
        raise DfeBadAnswer(
            "The DfE's answer was not in the API's shape: " + ", ".join(_paths(error.messages, where))
        ) from error


def read_one(schema: Schema, answer: dict[str, Any]) -> dict[str, Any]:
    return read(schema, answer.get("data"))
