"""Marshmallow schemas for the scenario library's data files (``competencies/data/scenarios``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from curriculum.schemas import KEY, citations

TEXT = validate.Length(1, 2000)


class ScenarioSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    purpose = fields.String(required=True, validate=TEXT)
    setting = fields.String(required=True, validate=TEXT)
    present = fields.List(fields.String(validate=TEXT), required=True, validate=validate.Length(min=1))
    looks_for = fields.List(fields.String(validate=TEXT), required=True, validate=validate.Length(min=1))
    prepared_by = fields.List(fields.String(validate=KEY), required=True, validate=validate.Length(min=1))
    # Sign-off needs more than one observer, so each scenario names at least two who may observe.
    observers = fields.List(
        fields.String(validate=TEXT),
        required=True,
        validate=validate.Length(min=2, error="Name at least two people who may observe"),
    )
    sources = citations(required=True, validate=validate.Length(min=1, error="Cite at least one source"))
    rubric = fields.Dict(required=True)  # checked by the rubric engine, which names its own paths
