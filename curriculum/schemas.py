"""Marshmallow schemas for the catalogue's data files (see ``curriculum/data``).

The programme document's schemas live in :mod:`curriculum.exchange`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.keys import KEY_PATTERN
from curriculum import rules
from curriculum.rules import DELIVERY_MODES, OUTCOME_PREFIXES

# Shared by the catalogue files, the programme document (curriculum.exchange) and the scenario files.
KEY = validate.Regexp(KEY_PATTERN, error=rules.KEY_MESSAGE)
__all__ = ["DELIVERY_MODES", "KEY", "OUTCOME_PREFIXES", "text"]


def text(maximum: int, what: str = "Text", required: bool = True) -> list[validate.Validator]:
    """Length rules whose messages name the field and say the limit (the column's length)."""
    too_long = validate.Length(max=maximum, error=rules.too_long(maximum, what))
    return [validate.Length(min=1, error=rules.missing(what)), too_long] if required else [too_long]


def _keys(**kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=KEY), **kwargs)


class TitledSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=text(rules.TITLE_MAX_LENGTH, "Title"))


class SourceSchema(Schema):
    """A full reference: who, when, what, where published, and a link to the document itself."""

    author = fields.String(required=True, validate=validate.Length(1, 300))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2100))
    title = fields.String(required=True, validate=validate.Length(1, 500))
    publisher = fields.String(required=True, validate=validate.Length(1, 300))
    url = fields.String(
        validate=validate.Regexp(r"^https://\S+$", error="Give the document's address, starting https://")
    )
    note = fields.String(validate=validate.Length(1, 1000))

    @validates_schema
    def _linked_or_explained(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "url" not in data and "note" not in data:
            raise ValidationError("Give the document's address, or a note saying why there is none", "url")


class CitationSchema(Schema):
    """One citation: the reference key and where in that document (section, paragraph or page)."""

    ref = fields.String(required=True, validate=KEY)
    at = fields.String(
        required=True, validate=validate.Length(1, 200, error="Say where in the source: a section, paragraph or page")
    )


def citations(**kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(CitationSchema), **kwargs)


class SurveyOutcomeSchema(TitledSchema):
    met_well_percent = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))


class SurveyGroupSchema(TitledSchema):
    outcomes = fields.List(fields.Nested(SurveyOutcomeSchema), required=True, validate=validate.Length(min=1))


class SurveySchema(Schema):
    source = fields.Nested(CitationSchema, required=True)
    base = fields.String(required=True, validate=validate.Length(1, 500))
    # Who commissioned the survey and whom it reached: shown wherever its figures are.
    caveat = fields.String(required=True, validate=validate.Length(1, 1000))
    groups = fields.List(fields.Nested(SurveyGroupSchema), required=True, validate=validate.Length(min=1))


class BenchmarkSchema(TitledSchema):
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, rules.CATALOGUE_HOURS_MAX))
    weeks = fields.Integer(
        required=True, allow_none=True, strict=True, validate=validate.Range(1, rules.CATALOGUE_WEEKS_MAX)
    )
    sources = citations(required=True, validate=validate.Length(min=1))


class BandSchema(Schema):
    low = fields.Float(required=True, validate=validate.Range(0, 40))
    high = fields.Float(required=True, validate=validate.Range(0, 40))
    sources = citations(required=True, validate=validate.Length(min=1))


class NpqStatementSchema(Schema):
    """One of the NPQ framework's own statements, by the framework's reference (e.g. "1.1")."""

    key = fields.String(required=True, validate=KEY)
    reference = fields.String(required=True, validate=validate.Length(1, 20))  # as the framework numbers it
    area = fields.String(required=True, validate=KEY)  # an NPQ area key
    text = fields.String(required=True, validate=text(rules.OUTCOME_TEXT_MAX_LENGTH, "Statement"))

    @validates("text")
    def _phrased_as_npq(self, text: str, **_kwargs: Any) -> None:
        if rules.outcome_kind(text) is None:
            raise ValidationError(rules.OUTCOME_WORDING_MESSAGE)


class NpqStatementsSchema(Schema):
    """The framework's statements, or none and a note saying why (shown on the catalogue page)."""

    note = fields.String(required=True, validate=validate.Length(1, 1000))
    source = fields.Nested(CitationSchema, required=True)
    statements = fields.List(fields.Nested(NpqStatementSchema), load_default=list)


class ReferenceSchema(Schema):
    sources = fields.Dict(keys=fields.String(validate=KEY), values=fields.Nested(SourceSchema), required=True)
    npq_areas = fields.List(
        fields.Nested(TitledSchema),
        required=True,
        validate=validate.Length(equal=8, error="The NPQ framework has 8 areas"),
    )
    survey = fields.Nested(SurveySchema, required=True)
    benchmarks = fields.List(fields.Nested(BenchmarkSchema), required=True)
    hours_per_week_band = fields.Nested(BandSchema, required=True)
    npq_statements = fields.Nested(NpqStatementsSchema, required=True)


class OutcomeSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    text = fields.String(required=True, validate=text(rules.OUTCOME_TEXT_MAX_LENGTH, "Outcome"))
    npq = _keys(required=True, validate=validate.Length(min=1, error="Map the outcome to at least one NPQ area"))
    survey = _keys(load_default=list)
    npq_statements = _keys(load_default=list)  # the framework's own statements, by reference
    sources = citations(required=True, validate=validate.Length(min=1, error="Cite at least one source"))

    @validates("text")
    def _phrased_as_npq(self, text: str, **_kwargs: Any) -> None:
        if rules.outcome_kind(text) is None:
            raise ValidationError(rules.OUTCOME_WORDING_MESSAGE)


class ModuleSchema(TitledSchema):
    summary = fields.String(required=True, validate=text(rules.SUMMARY_MAX_LENGTH, "Summary"))
    hours = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(rules.HOURS_PER_MODULE_MIN, rules.HOURS_PER_MODULE_MAX, error=rules.HOURS_MESSAGE),
    )
    delivery = fields.List(fields.String(validate=validate.OneOf(DELIVERY_MODES)), required=True)
    scenarios = _keys(required=True)
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True, validate=validate.Length(min=1))


class AreaSchema(TitledSchema):
    mandatory = fields.Boolean(required=True)
    summary = fields.String(required=True, validate=text(rules.SUMMARY_MAX_LENGTH, "Summary"))
    modules = fields.List(fields.Nested(ModuleSchema), required=True, validate=validate.Length(min=1))


class AreasSchema(Schema):
    areas = fields.List(fields.Nested(AreaSchema), required=True, validate=validate.Length(min=1))
