"""Use cases for programmes: each call checks the rules, changes the draft and commits, or
changes nothing and raises :class:`CurriculumError` saying what is wrong and where."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from core.accounts.models import User, utcnow
from core.extensions import db
from core.keys import slug, unique_key
from core.validation import DocumentError, LocatedError, located, parse_json
from curriculum import exchange, prerequisites
from curriculum.models import (
    NAME_MAX_LENGTH,
    CatalogueArea,
    CatalogueModule,
    CatalogueOutcome,
    NpqArea,
    Programme,
    ProgrammeModule,
    ProgrammeOutcome,
    ProgrammeVersion,
    SurveyOutcome,
    VersionStatus,
)

HOURS_PER_MODULE_MAX = 1000
LENGTH_WEEKS_MAX = 260  # five years: longer is a typing mistake, not a programme
CHANGED_SINCE_OPENED = (
    "This programme was changed by someone else since you opened it. "
    "Reload the page to see their changes, then make yours again."
)


class CurriculumError(Exception):
    """A rule broken; ``field`` names the form field or JSON path to blame, if any."""

    def __init__(self, message: str, field: str | None = None, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = problems or []


class ConflictError(CurriculumError):
    """The draft changed since the person opened it (optimistic locking)."""


@dataclass(frozen=True)
class ProgrammeDetails:
    name: str
    provider: str
    cohort_start: date
    length_weeks: int


@dataclass(frozen=True)
class ModuleChanges:
    hours: int
    block: str = ""
    prerequisite_keys: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class OwnModule:
    title: str
    summary: str
    hours: int
    block: str = ""
    area_key: str | None = None
    outcomes: tuple[tuple[str, str], ...] = ()  # (kind, text)
    sources: tuple[str, ...] = ()


# ---- reading -------------------------------------------------------------------------


def list_programmes() -> list[Programme]:
    return list(db.session.scalars(select(Programme).order_by(Programme.created_at.desc())))


def get_programme(programme_id: int) -> Programme | None:
    return db.session.get(Programme, programme_id)


def get_version(programme: Programme, number: int) -> ProgrammeVersion | None:
    return next((v for v in programme.published if v.number == number), None)


# ---- checks --------------------------------------------------------------------------


def _check_details(details: ProgrammeDetails) -> None:
    if not details.name.strip() or len(details.name.strip()) > NAME_MAX_LENGTH:
        raise CurriculumError(f"Enter a programme name of 1 to {NAME_MAX_LENGTH} characters", field="name")
    if not details.provider.strip() or len(details.provider.strip()) > NAME_MAX_LENGTH:
        raise CurriculumError(f"Enter the provider’s name in 1 to {NAME_MAX_LENGTH} characters", field="provider")
    if not 1 <= details.length_weeks <= LENGTH_WEEKS_MAX:
        raise CurriculumError(
            f"Enter a length between 1 and {LENGTH_WEEKS_MAX} weeks", field="length_weeks"
        )


def _check_hours(hours: int) -> None:
    if not 1 <= hours <= HOURS_PER_MODULE_MAX:
        raise CurriculumError(
            f"Enter hours as a whole number between 1 and {HOURS_PER_MODULE_MAX:,}", field="hours"
        )


def _check_draft(version: ProgrammeVersion, seen_lock_version: int | None) -> None:
    if not version.is_draft:
        raise CurriculumError("Published versions cannot be changed. Start a new draft to edit.")
    if seen_lock_version is not None and seen_lock_version != version.lock_version:
        raise ConflictError(CHANGED_SINCE_OPENED)


def _commit(version: ProgrammeVersion) -> None:
    """Commit a change to ``version``; a concurrent save of the same draft makes this fail."""
    version.updated_at = utcnow()  # bumps lock_version even when only modules changed
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(CHANGED_SINCE_OPENED) from None


def _requires(version: ProgrammeVersion) -> dict[str, set[str]]:
    return {m.key: set(m.prerequisite_keys) for m in version.modules}


# ---- programme -----------------------------------------------------------------------


def create_programme(author: User | None, details: ProgrammeDetails) -> Programme:
    _check_details(details)
    programme = Programme(created_by=author)
    programme.versions.append(_version_from_details(details))
    db.session.add(programme)
    db.session.commit()
    return programme


def _version_from_details(details: ProgrammeDetails) -> ProgrammeVersion:
    return ProgrammeVersion(
        name=details.name.strip(),
        provider=details.provider.strip(),
        cohort_start=details.cohort_start,
        length_weeks=details.length_weeks,
        status=VersionStatus.DRAFT,
    )


def update_details(version: ProgrammeVersion, seen_lock_version: int | None, details: ProgrammeDetails) -> None:
    _check_draft(version, seen_lock_version)
    _check_details(details)
    version.name = details.name.strip()
    version.provider = details.provider.strip()
    version.cohort_start = details.cohort_start
    version.length_weeks = details.length_weeks
    _commit(version)


# ---- modules -------------------------------------------------------------------------


def _next_position(version: ProgrammeVersion) -> int:
    return max((m.position for m in version.modules), default=0) + 1


def add_catalogue_module(version: ProgrammeVersion, seen_lock_version: int | None, catalogue_key: str) -> ProgrammeModule:
    """Copy a catalogue module, with its outcomes, to the end of the draft."""
    return add_catalogue_modules(version, seen_lock_version, [catalogue_key])[0]


def add_catalogue_modules(version: ProgrammeVersion, seen_lock_version: int | None, catalogue_keys: list[str]) -> list[ProgrammeModule]:
    """Copy several catalogue modules, in the order given, to the end of the draft: all or none."""
    _check_draft(version, seen_lock_version)
    sources = []
    for catalogue_key in dict.fromkeys(catalogue_keys):
        source = db.session.get(CatalogueModule, catalogue_key)
        if source is None:
            raise CurriculumError(f"There is no catalogue module ‘{catalogue_key}’")
        if version.module(catalogue_key) is not None:
            raise CurriculumError(f"‘{source.title}’ is already in this programme")
        sources.append(source)
    added = []
    for source in sources:
        module = ProgrammeModule(
            position=_next_position(version),
            key=source.key,
            title=source.title,
            summary=source.summary,
            hours=source.suggested_hours,
            area_key=source.area_key,
            catalogue_key=source.key,
            delivery_modes=list(source.delivery_modes),
            scenario_keys=list(source.scenario_keys),
            prerequisite_keys=[],
            outcomes=[_copy_outcome(o) for o in source.outcomes],
        )
        version.modules.append(module)
        added.append(module)
    _commit(version)
    return added


def _copy_outcome(outcome: CatalogueOutcome | ProgrammeOutcome) -> ProgrammeOutcome:
    return ProgrammeOutcome(
        position=outcome.position,
        key=outcome.key,
        kind=outcome.kind,
        text=outcome.text,
        npq_areas=list(outcome.npq_areas),
        survey_outcomes=list(outcome.survey_outcomes),
        sources=list(outcome.sources),
    )


def add_own_module(version: ProgrammeVersion, seen_lock_version: int | None, own: OwnModule) -> ProgrammeModule:
    """A module the designer writes themselves, keyed from its title."""
    _check_draft(version, seen_lock_version)
    if not own.title.strip():
        raise CurriculumError("Enter a title for the module", field="title")
    _check_hours(own.hours)
    if own.area_key and db.session.get(CatalogueArea, own.area_key) is None:
        raise CurriculumError("Choose an area from the list", field="area_key")
    key = unique_key(f"own-{slug(own.title, 'module')}", lambda k: version.module(k) is not None)
    module = ProgrammeModule(
        position=_next_position(version),
        key=key,
        title=own.title.strip(),
        summary=own.summary.strip(),
        hours=own.hours,
        block=own.block.strip(),
        area_key=own.area_key or None,
        catalogue_key=None,
        delivery_modes=[],
        scenario_keys=[],
        prerequisite_keys=[],
        outcomes=[
            ProgrammeOutcome(position=i, key=f"{key}-{i}", kind=kind, text=text, npq_areas=[], survey_outcomes=[], sources=list(own.sources))
            for i, (kind, text) in enumerate(own.outcomes, start=1)
        ],
    )
    version.modules.append(module)
    _commit(version)
    return module


def _module_or_error(version: ProgrammeVersion, key: str) -> ProgrammeModule:
    module = version.module(key)
    if module is None:
        raise CurriculumError(f"There is no module ‘{key}’ in this programme")
    return module


def update_module(version: ProgrammeVersion, seen_lock_version: int | None, key: str, changes: ModuleChanges) -> None:
    _check_draft(version, seen_lock_version)
    module = _module_or_error(version, key)
    _check_hours(changes.hours)
    unknown = changes.prerequisite_keys - {m.key for m in version.modules}
    if unknown:
        raise CurriculumError("Choose prerequisites from this programme’s modules", field="prerequisite_keys")
    if key in changes.prerequisite_keys:
        raise CurriculumError("A module cannot be its own prerequisite", field="prerequisite_keys")
    requires = _requires(version)
    requires[key] = set(changes.prerequisite_keys)
    cycle = prerequisites.find_cycle(requires)
    if cycle:
        titles = " → ".join(_module_or_error(version, k).title for k in reversed(cycle))
        raise CurriculumError(f"These prerequisites would make a loop: {titles}", field="prerequisite_keys")
    module.hours = changes.hours
    module.block = changes.block.strip()
    module.prerequisite_keys = sorted(changes.prerequisite_keys)
    _commit(version)


def move_module(version: ProgrammeVersion, seen_lock_version: int | None, key: str, offset: int) -> None:
    """Move a module up (-1) or down (+1) in the running order."""
    _check_draft(version, seen_lock_version)
    modules = list(version.modules)
    index = modules.index(_module_or_error(version, key))
    target = index + offset
    if not 0 <= target < len(modules):
        return
    modules[index], modules[target] = modules[target], modules[index]
    for position, module in enumerate(modules, start=1):
        module.position = position
    _commit(version)


def remove_module(version: ProgrammeVersion, seen_lock_version: int | None, key: str) -> None:
    _check_draft(version, seen_lock_version)
    module = _module_or_error(version, key)
    needed_by = prerequisites.dependants(_requires(version), key)
    if needed_by:
        titles = ", ".join(f"‘{_module_or_error(version, k).title}’" for k in needed_by)
        raise CurriculumError(
            f"‘{module.title}’ cannot be removed because {titles} needs it. Remove it from their prerequisites first."
        )
    version.modules.remove(module)
    _commit(version)


# ---- versions ------------------------------------------------------------------------


def mandatory_areas_missing(version: ProgrammeVersion) -> list[CatalogueArea]:
    """Mandatory catalogue areas (SEND law) with no module in the version."""
    covered = {m.area_key for m in version.modules}
    mandatory = db.session.scalars(select(CatalogueArea).where(CatalogueArea.mandatory.is_(True)).order_by(CatalogueArea.position))
    return [area for area in mandatory if area.key not in covered]


def publish(version: ProgrammeVersion, seen_lock_version: int | None, publisher: User | None) -> ProgrammeVersion:
    """Number, date and freeze the draft; refused while mandatory areas are missing."""
    _check_draft(version, seen_lock_version)
    if not version.modules:
        raise CurriculumError("Add at least one module before publishing")
    missing = [
        f"Add a module from ‘{area.title}’ before publishing: the area is mandatory"
        for area in mandatory_areas_missing(version)
    ]
    if missing:
        raise CurriculumError(missing[0], problems=missing[1:])
    numbers = [v.number for v in version.programme.published if v.number]
    version.number = max(numbers, default=0) + 1
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by = publisher
    _commit(version)
    return version


def start_draft(programme: Programme) -> ProgrammeVersion:
    """A new draft copied from the newest published version (or the existing draft)."""
    if programme.draft is not None:
        return programme.draft
    source = programme.published[-1]
    draft = ProgrammeVersion(
        name=source.name,
        provider=source.provider,
        cohort_start=source.cohort_start,
        length_weeks=source.length_weeks,
        status=VersionStatus.DRAFT,
        modules=[_copy_module(m) for m in source.modules],
    )
    programme.versions.append(draft)
    db.session.commit()
    return draft


def _copy_module(module: ProgrammeModule) -> ProgrammeModule:
    return ProgrammeModule(
        position=module.position,
        key=module.key,
        title=module.title,
        summary=module.summary,
        hours=module.hours,
        block=module.block,
        area_key=module.area_key,
        catalogue_key=module.catalogue_key,
        delivery_modes=list(module.delivery_modes),
        scenario_keys=list(module.scenario_keys),
        prerequisite_keys=list(module.prerequisite_keys),
        outcomes=[_copy_outcome(o) for o in module.outcomes],
    )


# ---- exchange ------------------------------------------------------------------------


def export_version(version: ProgrammeVersion) -> dict[str, Any]:
    return exchange.dump_version(version)


def _reference_errors(data: dict[str, Any]) -> list[LocatedError]:
    """Keys the schema cannot check alone: they must name catalogue reference data."""
    npq = set(db.session.scalars(select(NpqArea.key)))
    survey = set(db.session.scalars(select(SurveyOutcome.key)))
    areas = set(db.session.scalars(select(CatalogueArea.key)))
    errors = []
    for i, module in enumerate(data["modules"]):
        path = f"modules[{i}]"
        if module["area"] is not None and module["area"] not in areas:
            errors.append(LocatedError(f"{path}.area", f"No catalogue area has the key ‘{module['area']}’"))
        for j, outcome in enumerate(module["outcomes"]):
            for k, key in enumerate(outcome["npq_areas"]):
                if key not in npq:
                    errors.append(LocatedError(f"{path}.outcomes[{j}].npq_areas[{k}]", f"No NPQ area has the key ‘{key}’"))
            for k, key in enumerate(outcome["survey_outcomes"]):
                if key not in survey:
                    errors.append(LocatedError(f"{path}.outcomes[{j}].survey_outcomes[{k}]", f"No survey outcome has the key ‘{key}’"))
    return errors


def load_document(raw: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """Validate a programme document completely; raise DocumentError listing every problem."""
    document = raw if isinstance(raw, dict) else parse_json(raw)
    try:
        data = exchange.ProgrammeDocumentSchema().load(document)
    except ValidationError as error:
        raise DocumentError(located(error.messages)) from None
    problems = _reference_errors(data)
    if problems:
        raise DocumentError(problems)
    return data


def import_programme(author: User | None, raw: bytes | str | dict[str, Any]) -> Programme:
    """A new programme whose draft is the document: all of it, or nothing."""
    data = load_document(raw)
    details = data["programme"]
    version = ProgrammeVersion(
        name=details["name"].strip(),
        provider=details["provider"].strip(),
        cohort_start=details["cohort_start"],
        length_weeks=details["length_weeks"],
        status=VersionStatus.DRAFT,
        modules=[
            ProgrammeModule(
                position=i,
                key=m["key"],
                title=m["title"].strip(),
                summary=m["summary"],
                hours=m["hours"],
                block=m["block"],
                area_key=m["area"],
                catalogue_key=m["catalogue_module"],
                delivery_modes=m["delivery_modes"],
                scenario_keys=m["scenarios"],
                prerequisite_keys=m["prerequisites"],
                outcomes=[
                    ProgrammeOutcome(position=j, key=o["key"], kind=o["kind"], text=o["text"],
                                     npq_areas=o["npq_areas"], survey_outcomes=o["survey_outcomes"], sources=o["sources"])
                    for j, o in enumerate(m["outcomes"], start=1)
                ],
            )
            for i, m in enumerate(data["modules"], start=1)
        ],
    )
    programme = Programme(created_by=author, versions=[version])
    db.session.add(programme)
    db.session.commit()
    return programme
