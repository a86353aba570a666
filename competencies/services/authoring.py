"""Course designers writing their own rubrics: drafts, criteria, fault types, publishing, import
and export.

A rubric's draft is its newest version while unpublished. Publishing checks the whole rubric
with the engine and freezes the version; editing afterwards starts a new draft. Criteria and
fault types are addressed by their stable keys, never by list position, and every change
carries the draft's ``lock_version`` as the person saw it: a change based on an older draft
(someone else's save, or the second click of a double click) is refused, not applied twice.

Commands take the rubric's id and plain values and own their transaction, so a page, the API
and a background job call the same function. A broken rule raises :class:`core.problems.Invalid`
(:class:`core.problems.Conflict` for a stale draft), located at the form's field names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from competencies import engine
from competencies.engine.numbers import exact, plain
from competencies.models import Rubric, RubricVersion, Scenario
from competencies.services import imports as rubric_imports
from core.clock import utcnow
from core.extensions import db
from core.keys import slug, unique_key
from core.problems import Conflict, Invalid, found
from core.unit_of_work import commit

CHANGED_SINCE_OPENED = (
    "This rubric was changed by someone else since you opened it. "
    "Reload the page to see their changes, then make yours again."
)


AuthoringError = Invalid  # the older name, kept while callers move


@dataclass(frozen=True)
class Settings:
    """A rubric's settings. Only the field of its model is used: ``pass_mark`` (analytic, per
    cent), ``pass_level`` (entrustment) or ``fault_limit`` (faults)."""

    title: str
    model: engine.RubricModel
    pass_mark: Decimal | float | None = None
    pass_level: int | None = None
    fault_limit: int | None = None
    pass_rationale: str = ""
    module_keys: tuple[str, ...] = ()
    scenario_key: str | None = None


DEFAULT_PASS_MARK = 70
DEFAULT_PASS_LEVEL = 4  # "I needed to be there in the room just in case"; the designer chooses


@dataclass(frozen=True)
class CriterionInput:
    title: str
    weight: Decimal | float = 1
    critical_level: int | None = None
    levels: tuple[tuple[str, str], ...] = ()  # (label, descriptor), lowest first; values 1, 2, 3…


@dataclass(frozen=True)
class FaultTypeInput:
    title: str
    severity: engine.FaultSeverity
    criterion: str | None = None
    fails_alone: bool = False
    why: str = ""


def rubrics_for_scenario(key: str) -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).where(Rubric.scenario_key == key).order_by(Rubric.title)))


def list_rubrics() -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).order_by(Rubric.title)))


def rubrics_by_origin() -> tuple[list[Rubric], list[Rubric]]:
    """The built-in library's rubrics (those a library scenario is scored by) and the provider's own."""
    library_ids = set(db.session.scalars(select(Scenario.rubric_id)))
    rubrics = list_rubrics()
    return [r for r in rubrics if r.id in library_ids], [r for r in rubrics if r.id not in library_ids]


def get_rubric(rubric_id: int) -> Rubric | None:
    return db.session.get(Rubric, rubric_id)


def _unique_key(title: str) -> str:
    return unique_key(
        slug(title, "rubric"), lambda key: db.session.scalar(select(Rubric.id).where(Rubric.key == key)) is not None
    )


def _json_number(value: Decimal | float | int | None) -> int | float | None:
    """A form's number as JSON keeps it: exact decimal text in, the same text out."""
    if value is None:
        return None
    number = exact(value)
    return value if number is None else plain(number)  # type: ignore[return-value]


def _settings_fields(settings: Settings) -> dict[str, Any]:
    """The definition's fields for ``settings``; a field not used by the model keeps its default."""
    model = settings.model
    threshold: Any = 0
    if model is engine.RubricModel.ANALYTIC:
        threshold = _json_number(settings.pass_mark)
    elif model is engine.RubricModel.ENTRUSTMENT:
        threshold = settings.pass_level
    fault_limit = settings.fault_limit if model is engine.RubricModel.FAULTS else engine.DVSA_MINOR_FAULT_LIMIT
    return {
        "title": settings.title.strip(),
        "model": model.value,
        "threshold": threshold,
        "fault_limit": fault_limit,
        "pass_rationale": settings.pass_rationale.strip(),
    }


SETTINGS_FIELDS = {
    "threshold": {"analytic": "pass_mark", "entrustment": "pass_level"},
    "fault_limit": "fault_limit",
    "pass_rationale": "pass_rationale",
    "title": "title",
}


def _check_settings(settings: Settings, criteria: list[dict[str, Any]], fault_types: list[dict[str, Any]]) -> None:
    """Check the settings as the engine would, on the draft's criteria (or a stand-in when there
    are none yet), blaming the form's fields."""
    if not settings.title.strip():
        raise AuthoringError([("title", "Enter a title for the rubric")])
    if settings.scenario_key and db.session.get(Scenario, settings.scenario_key) is None:
        raise AuthoringError([("scenario_key", "Choose a scenario from the list")])
    stand_in: list[dict[str, Any]] = [{"key": "stand-in", "title": "Stand-in"}]
    if settings.model is engine.RubricModel.ANALYTIC:
        stand_in[0]["levels"] = [{"value": v, "label": str(v)} for v in (1, 2)]
    stand_in_fault = [{"key": "stand-in", "title": "Stand-in"}]
    trial = {
        "key": "trial",
        **_settings_fields(settings),
        "criteria": criteria or stand_in,
        "fault_types": fault_types or stand_in_fault,
    }
    problems = []
    for path, message in problems_of(trial):
        name = SETTINGS_FIELDS.get(path)
        if isinstance(name, dict):
            name = name.get(settings.model.value)
        if name:
            problems.append((name, message))
    if problems:
        raise AuthoringError(problems)


def create_rubric(settings: Settings) -> Rubric:
    settings = _with_defaults(settings)
    _check_settings(settings, [], [])
    key = _unique_key(settings.title)
    definition = {"key": key, **_settings_fields(settings), "criteria": [], "fault_types": []}
    rubric = Rubric(
        key=key,
        title=settings.title.strip(),
        module_keys=list(settings.module_keys),
        scenario_key=settings.scenario_key,
        versions=[RubricVersion(number=1, definition=definition)],
    )
    db.session.add(rubric)
    db.session.commit()
    return rubric


def _with_defaults(settings: Settings) -> Settings:
    """A new rubric starts from the usual values for the fields its form did not show."""
    return Settings(
        settings.title,
        settings.model,
        DEFAULT_PASS_MARK if settings.pass_mark is None else settings.pass_mark,
        DEFAULT_PASS_LEVEL if settings.pass_level is None else settings.pass_level,
        engine.DVSA_MINOR_FAULT_LIMIT if settings.fault_limit is None else settings.fault_limit,
        settings.pass_rationale,
        settings.module_keys,
        settings.scenario_key,
    )


def _existing(rubric_id: int) -> Rubric:
    return found(get_rubric(rubric_id), "rubric", "rubric_id")


def _draft(rubric_id: int, seen_lock_version: int | None) -> RubricVersion:
    """The rubric's draft, as the person saw it: a newer save by someone else is a conflict."""
    rubric = _existing(rubric_id)
    if rubric.draft is None:
        raise AuthoringError([("", "Published versions never change. Start a new draft to edit.")])
    if seen_lock_version is not None and seen_lock_version != rubric.draft.lock_version:
        raise Conflict(CHANGED_SINCE_OPENED)
    return rubric.draft


def _save(version: RubricVersion, definition: dict[str, Any]) -> None:
    version.definition = definition  # a new dict, so the JSON column sees the change
    commit(CHANGED_SINCE_OPENED)


def update_settings(rubric_id: int, seen_lock_version: int | None, settings: Settings) -> None:
    draft = _draft(rubric_id, seen_lock_version)
    rubric = draft.rubric
    definition = draft.definition
    current = {"analytic": definition.get("threshold"), "entrustment": definition.get("threshold")}
    settings = Settings(
        settings.title,
        settings.model,
        settings.pass_mark if settings.pass_mark is not None else current["analytic"],
        settings.pass_level if settings.pass_level is not None else current["entrustment"],
        settings.fault_limit if settings.fault_limit is not None else definition.get("fault_limit"),
        settings.pass_rationale,
        settings.module_keys,
        settings.scenario_key,
    )
    _check_settings(settings, definition["criteria"], definition.get("fault_types", []))
    rubric.title = settings.title.strip()
    rubric.module_keys = list(settings.module_keys)
    rubric.scenario_key = settings.scenario_key
    _save(draft, {**definition, **_settings_fields(settings)})


def _criterion_dict(definition: dict[str, Any], data: CriterionInput, keep_key: str | None = None) -> dict[str, Any]:
    """The criterion in the engine's format. Only analytic criteria carry their own levels:
    entrustment uses the O-SCORE and faults need none."""
    taken = {c["key"] for c in definition["criteria"]} - {keep_key}
    key = keep_key or unique_key(slug(data.title, "criterion"), taken.__contains__)
    criterion: dict[str, Any] = {
        "key": key,
        "title": data.title.strip(),
        "weight": _json_number(data.weight),
        "critical_level": data.critical_level,
    }
    if definition["model"] == engine.RubricModel.ANALYTIC.value:
        criterion["levels"] = [
            {"value": i, "label": label, "descriptor": text} for i, (label, text) in enumerate(data.levels, start=1)
        ]
    if definition["model"] == engine.RubricModel.FAULTS:
        criterion.pop("critical_level")
    return criterion


def problems_of(definition: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        engine.rubric_from_dict(definition)
    except engine.RubricError as error:
        return [(p.path, p.message) for p in error.problems]
    return []


def described_problems(definition: dict[str, Any]) -> list[tuple[str, str]]:
    """What stops a draft being published, as (where, message) in the page's words, not paths."""
    return [(_where(definition, path), message) for path, message in problems_of(definition)]


def _where(definition: dict[str, Any], path: str) -> str:
    head = path.split(".")[0]
    for name, what in (("criteria", "Criterion"), ("fault_types", "Fault type")):
        if head.startswith(f"{name}["):
            try:
                item = definition[name][int(head[len(name) + 1 : -1])]
                return f"{what} ‘{item.get('title', '')}’"
            except (ValueError, IndexError, KeyError, TypeError, AttributeError):
                return what
    return {
        "threshold": "Pass mark" if definition.get("model") == "analytic" else "Pass level",
        "fault_limit": "Most minor faults allowed",
        "title": "Title",
    }.get(head, "")


def _check_part(definition: dict[str, Any], part: str, item: dict[str, Any]) -> None:
    """Check one criterion or fault type as the engine would, blaming the form's fields."""
    others = [c for c in definition.get(part, []) if c["key"] != item["key"]]
    trial = {**definition, part: [item, *others]}
    prefix = f"{part}[0]."
    problems = [(path.removeprefix(prefix), message) for path, message in problems_of(trial) if path.startswith(prefix)]
    if problems:
        raise AuthoringError([(p.split(".")[0].split("[")[0], m) for p, m in problems])


def _position(items: list[dict[str, Any]], key: str) -> int:
    for i, item in enumerate(items):
        if item["key"] == key:
            return i
    raise AuthoringError([("", "That has already been removed. Reload the page to see the rubric as it is now.")])


PartBuilder = Callable[[dict[str, Any], str | None], dict[str, Any]]  # (definition, key kept) -> the part


def _add_part(rubric_id: int, seen_lock_version: int | None, part: str, build: PartBuilder) -> str:
    """Append a criterion or fault type (``part``) built from the draft; returns its new key."""
    draft = _draft(rubric_id, seen_lock_version)
    definition = draft.definition
    item = build(definition, None)
    _check_part(definition, part, item)
    _save(draft, {**definition, part: [*definition.get(part, []), item]})
    return str(item["key"])


def _update_part(rubric_id: int, seen_lock_version: int | None, part: str, key: str, build: PartBuilder) -> None:
    """Change the criterion or fault type with ``key`` in place; its key never changes."""
    draft = _draft(rubric_id, seen_lock_version)
    definition = draft.definition
    items = list(definition.get(part, []))
    position = _position(items, key)
    items[position] = {**items[position], **build(definition, key)}
    _check_part(definition, part, items[position])
    _save(draft, {**definition, part: items})


def add_criterion(rubric_id: int, seen_lock_version: int | None, data: CriterionInput) -> str:
    return _add_part(rubric_id, seen_lock_version, "criteria", lambda d, keep: _criterion_dict(d, data, keep))


def update_criterion(rubric_id: int, seen_lock_version: int | None, key: str, data: CriterionInput) -> None:
    _update_part(rubric_id, seen_lock_version, "criteria", key, lambda d, keep: _criterion_dict(d, data, keep))


def remove_criterion(rubric_id: int, seen_lock_version: int | None, key: str) -> None:
    draft = _draft(rubric_id, seen_lock_version)
    criteria = list(draft.definition["criteria"])
    del criteria[_position(criteria, key)]
    fault_types = [
        f if f.get("criterion") != key else {**f, "criterion": None} for f in draft.definition.get("fault_types", [])
    ]
    _save(draft, {**draft.definition, "criteria": criteria, "fault_types": fault_types})


def _fault_type_dict(definition: dict[str, Any], data: FaultTypeInput, keep_key: str | None = None) -> dict[str, Any]:
    taken = {f["key"] for f in definition.get("fault_types", [])} - {keep_key}
    key = keep_key or unique_key(slug(data.title, "fault"), taken.__contains__)
    return {
        "key": key,
        "title": data.title.strip(),
        "criterion": data.criterion or None,
        "severity": data.severity.value,
        "fails_alone": data.fails_alone,
        "why": data.why.strip(),
        "sources": [],
    }


def add_fault_type(rubric_id: int, seen_lock_version: int | None, data: FaultTypeInput) -> str:
    return _add_part(rubric_id, seen_lock_version, "fault_types", lambda d, keep: _fault_type_dict(d, data, keep))


def update_fault_type(rubric_id: int, seen_lock_version: int | None, key: str, data: FaultTypeInput) -> None:
    _update_part(rubric_id, seen_lock_version, "fault_types", key, lambda d, keep: _fault_type_dict(d, data, keep))


def remove_fault_type(rubric_id: int, seen_lock_version: int | None, key: str) -> None:
    draft = _draft(rubric_id, seen_lock_version)
    faults = list(draft.definition.get("fault_types", []))
    del faults[_position(faults, key)]
    _save(draft, {**draft.definition, "fault_types": faults})


def publish(rubric_id: int, seen_lock_version: int | None = None) -> RubricVersion:
    """Freeze the draft once the engine finds nothing wrong with it."""
    draft = _draft(rubric_id, seen_lock_version)
    problems = problems_of(draft.definition)
    if problems:
        raise AuthoringError(problems)
    draft.published_at = utcnow()
    commit(CHANGED_SINCE_OPENED)
    return draft


def start_draft(rubric_id: int) -> RubricVersion:
    """A new draft copied from the newest published version (or the existing draft)."""
    rubric = _existing(rubric_id)
    if rubric.draft is not None:
        return rubric.draft
    draft = RubricVersion(number=rubric.latest.number + 1, definition=dict(rubric.latest.definition))
    rubric.versions.append(draft)
    db.session.commit()
    return draft


def import_rubric(raw: bytes | str | dict[str, Any]) -> Rubric:
    """A new rubric, as a draft, from JSON in the engine's format; all or nothing."""
    created: Rubric = rubric_imports.import_rubric(None, raw).created
    return created
