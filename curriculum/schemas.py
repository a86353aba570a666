"""Marshmallow schemas for the catalogue's data files (see ``curriculum/data``).

The programme document's schemas live in :mod:`curriculum.exchange`.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from core.keys import KEY_PATTERN

# Shared by the catalogue files, the programme document (curriculum.exchange) and the scenario files.
KEY = validate.Regexp(KEY_PATTERN, error="Use 1 to 80 lower-case letters, digits and hyphens")
DELIVERY_MODES = ("online-study", "seminar", "peer-group", "mentoring", "in-school-practice")
OUTCOME_PREFIXES = {"Learn that ": "knowledge", "Learn how to ": "practice"}


def _keys(**kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=KEY), **kwargs)


class TitledSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(1, 200))


class SourceSchema(Schema):
    """A full reference: who, when, what, where published, and a link to the document itself."""

    author = fields.String(required=True, validate=validate.Length(1, 300))
    year = fields.Integer(required=True, strict=True, validate=validate.Range(1900, 2100))
    title = fields.String(required=True, validate=validate.Length(1, 500))
    publisher = fields.String(required=True, validate=validate.Length(1, 300))
    url = fields.String(validate=validate.Regexp(r"^https://\S+$", error="Give the document's address, starting https://"))
    note = fields.String(validate=validate.Length(1, 1000))

    @validates_schema
    def _linked_or_explained(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "url" not in data and "note" not in data:
            raise ValidationError("Give the document's address, or a note saying why there is none", "url")


class CitationSchema(Schema):
    """One citation: the reference key and where in that document (section, paragraph or page)."""

    ref = fields.String(required=True, validate=KEY)
    at = fields.String(required=True, validate=validate.Length(1, 200, error="Say where in the source: a section, paragraph or page"))


def citations(**kwargs: Any) -> fields.List:
    return fields.List(fields.Nested(CitationSchema), **kwargs)


class SurveyOutcomeSchema(TitledSchema):
    met_well_percent = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))


class SurveyGroupSchema(TitledSchema):
    outcomes = fields.List(fields.Nested(SurveyOutcomeSchema), required=True, validate=validate.Length(min=1))


class SurveySchema(Schema):
    source = fields.Nested(CitationSchema, required=True)
    base = fields.String(required=True, validate=validate.Length(1, 500))
    groups = fields.List(fields.Nested(SurveyGroupSchema), required=True, validate=validate.Length(min=1))


class BenchmarkSchema(TitledSchema):
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10000))
    weeks = fields.Integer(required=True, allow_none=True, strict=True, validate=validate.Range(1, 520))
    sources = citations(required=True, validate=validate.Length(min=1))


class BandSchema(Schema):
    low = fields.Float(required=True, validate=validate.Range(0, 40))
    high = fields.Float(required=True, validate=validate.Range(0, 40))
    sources = citations(required=True, validate=validate.Length(min=1))


class ReferenceSchema(Schema):
    sources = fields.Dict(keys=fields.String(validate=KEY), values=fields.Nested(SourceSchema), required=True)
    npq_areas = fields.List(fields.Nested(TitledSchema), required=True, validate=validate.Length(equal=8, error="The NPQ framework has 8 areas"))
    survey = fields.Nested(SurveySchema, required=True)
    benchmarks = fields.List(fields.Nested(BenchmarkSchema), required=True)
    hours_per_week_band = fields.Nested(BandSchema, required=True)


class OutcomeSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    text = fields.String(required=True, validate=validate.Length(1, 2000))
    npq = _keys(required=True, validate=validate.Length(min=1, error="Map the outcome to at least one NPQ area"))
    survey = _keys(load_default=list)
    sources = citations(required=True, validate=validate.Length(min=1, error="Cite at least one source"))

    @validates("text")
    def _phrased_as_npq(self, text: str, **_kwargs: Any) -> None:
        if not any(text.startswith(prefix) for prefix in OUTCOME_PREFIXES):
            raise ValidationError("Start with “Learn that” (knowledge) or “Learn how to” (practice)")


class ModuleSchema(TitledSchema):
    summary = fields.String(required=True, validate=validate.Length(1, 2000))
    hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, 1000))
    delivery = fields.List(fields.String(validate=validate.OneOf(DELIVERY_MODES)), required=True)
    scenarios = _keys(required=True)
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True, validate=validate.Length(min=1))


class AreaSchema(TitledSchema):
    mandatory = fields.Boolean(required=True)
    summary = fields.String(required=True, validate=validate.Length(1, 2000))
    modules = fields.List(fields.Nested(ModuleSchema), required=True, validate=validate.Length(min=1))


class AreasSchema(Schema):
    areas = fields.List(fields.Nested(AreaSchema), required=True, validate=validate.Length(min=1))
