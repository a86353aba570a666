"""Use cases for programmes: each call checks the rules, changes the draft and commits, or
changes nothing and raises :class:`~core.problems.Invalid` saying what is wrong and where.

Commands take ids and plain values (a programme's id, the ``lock_version`` the person saw, keys)
and own their transaction, so a page, the API, the CLI and a background job call the same
function: a programme that does not exist, or has no draft, is refused as a located problem."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from core.clock import utcnow
from core.extensions import db
from core.keys import slug, unique_key
from core.problems import Conflict, Invalid, found
from core.unit_of_work import commit
from curriculum import prerequisites, rules
from curriculum.drafts import ModuleDraft, OutcomeDraft, ProgrammeDetails
from curriculum.models import (
    CatalogueArea,
    CatalogueModule,
    Programme,
    ProgrammeModule,
    ProgrammeOutcome,
    ProgrammeVersion,
    VersionStatus,
)
from curriculum.services import catalogue as catalogue_service

CHANGED_SINCE_OPENED = (
    "This programme was changed by someone else since you opened it. "
    "Reload the page to see their changes, then make yours again."
)
CurriculumError = Invalid  # the older names, kept while callers move
ConflictError = Conflict


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


def get_version(programme_id: int, number: int) -> ProgrammeVersion | None:
    """Published version ``number`` of the programme, if both exist."""
    programme = get_programme(programme_id)
    return next((v for v in programme.published if v.number == number), None) if programme else None


def next_version_number(programme: Programme) -> int:
    """The number the draft will have once published."""
    return max((v.number or 0 for v in programme.published), default=0) + 1


def total_hours(version: ProgrammeVersion) -> int:
    return sum(m.hours for m in version.modules)


# ---- checks --------------------------------------------------------------------------


def _check_details(details: ProgrammeDetails) -> None:
    problems = []
    if not details.name.strip() or len(details.name.strip()) > rules.NAME_MAX_LENGTH:
        problems.append(("name", f"Enter a programme name of 1 to {rules.NAME_MAX_LENGTH} characters"))
    if not details.provider.strip() or len(details.provider.strip()) > rules.NAME_MAX_LENGTH:
        problems.append(("provider", f"Enter the provider’s name in 1 to {rules.NAME_MAX_LENGTH} characters"))
    if rules.length_weeks_problem(details.length_weeks):
        problems.append(("length_weeks", rules.LENGTH_WEEKS_MESSAGE))
    if problems:
        raise Invalid(problems)


def _check_hours(hours: int) -> None:
    if rules.hours_problem(hours):
        raise Invalid(rules.HOURS_MESSAGE, path="hours")


def _existing(programme_id: int) -> Programme:
    return found(get_programme(programme_id), "programme", "programme_id")


def _draft(programme_id: int, seen_lock_version: int | None) -> ProgrammeVersion:
    """The programme's draft, as the person saw it: a newer save by someone else is a conflict."""
    version = _existing(programme_id).draft
    if version is None:
        raise Invalid("Published versions cannot be changed. Start a new draft to edit.")
    if seen_lock_version is not None and seen_lock_version != version.lock_version:
        raise Conflict(CHANGED_SINCE_OPENED)
    return version


def _commit(version: ProgrammeVersion) -> None:
    """Commit a change to ``version``; a concurrent save of the same draft makes this fail."""
    version.updated_at = utcnow()  # bumps lock_version even when only modules changed
    commit(CHANGED_SINCE_OPENED)


def _requires(version: ProgrammeVersion) -> dict[str, set[str]]:
    return {m.key: set(m.prerequisite_keys) for m in version.modules}


# ---- rows from drafts: the one place a module or outcome row is built ------------------------


def outcome_row(draft: OutcomeDraft, position: int) -> ProgrammeOutcome:
    return ProgrammeOutcome(
        position=position,
        key=draft.key,
        kind=draft.kind,
        text=draft.text,
        npq_areas=list(draft.npq_areas),
        survey_outcomes=list(draft.survey_outcomes),
        sources=list(draft.sources),
    )


def module_row(draft: ModuleDraft, position: int) -> ProgrammeModule:
    return ProgrammeModule(
        position=position,
        key=draft.key,
        title=draft.title,
        summary=draft.summary,
        hours=draft.hours,
        block=draft.block,
        area_key=draft.area_key,
        catalogue_key=draft.catalogue_key,
        delivery_modes=list(draft.delivery_modes),
        scenario_keys=list(draft.scenario_keys),
        prerequisite_keys=list(draft.prerequisite_keys),
        outcomes=[outcome_row(o, i) for i, o in enumerate(draft.outcomes, start=1)],
    )


def draft_of(module: ProgrammeModule | CatalogueModule) -> ModuleDraft:
    """A module of a version, or of the catalogue (which suggests hours and has no block)."""
    outcomes = tuple(
        OutcomeDraft(o.key, o.kind, o.text, tuple(o.npq_areas), tuple(o.survey_outcomes), tuple(o.sources))
        for o in module.outcomes
    )
    if isinstance(module, CatalogueModule):
        return ModuleDraft(
            key=module.key,
            title=module.title,
            summary=module.summary,
            hours=module.suggested_hours,
            area_key=module.area_key,
            catalogue_key=module.key,
            delivery_modes=tuple(module.delivery_modes),
            scenario_keys=tuple(module.scenario_keys),
            outcomes=outcomes,
        )
    return ModuleDraft(
        key=module.key,
        title=module.title,
        summary=module.summary,
        hours=module.hours,
        block=module.block,
        area_key=module.area_key,
        catalogue_key=module.catalogue_key,
        delivery_modes=tuple(module.delivery_modes),
        scenario_keys=tuple(module.scenario_keys),
        prerequisite_keys=tuple(module.prerequisite_keys),
        outcomes=outcomes,
    )


def version_row(details: ProgrammeDetails, modules: tuple[ModuleDraft, ...] = ()) -> ProgrammeVersion:
    return ProgrammeVersion(
        name=details.name.strip(),
        provider=details.provider.strip(),
        cohort_start=details.cohort_start,
        length_weeks=details.length_weeks,
        status=VersionStatus.DRAFT,
        modules=[module_row(m, i) for i, m in enumerate(modules, start=1)],
    )


# ---- programme -----------------------------------------------------------------------


def create_programme(author_id: int | None, details: ProgrammeDetails) -> Programme:
    _check_details(details)
    programme = Programme(created_by_id=author_id, versions=[version_row(details)])
    db.session.add(programme)
    db.session.commit()
    return programme


def update_details(programme_id: int, seen_lock_version: int | None, details: ProgrammeDetails) -> None:
    version = _draft(programme_id, seen_lock_version)
    _check_details(details)
    version.name = details.name.strip()
    version.provider = details.provider.strip()
    version.cohort_start = details.cohort_start
    version.length_weeks = details.length_weeks
    _commit(version)


# ---- modules -------------------------------------------------------------------------


def _next_position(version: ProgrammeVersion) -> int:
    return max((m.position for m in version.modules), default=0) + 1


def add_catalogue_module(programme_id: int, seen_lock_version: int | None, catalogue_key: str) -> ProgrammeModule:
    """Copy a catalogue module, with its outcomes, to the end of the draft."""
    return add_catalogue_modules(programme_id, seen_lock_version, [catalogue_key])[0]


def add_catalogue_modules(
    programme_id: int, seen_lock_version: int | None, catalogue_keys: list[str]
) -> list[ProgrammeModule]:
    """Copy several catalogue modules, in the order given, to the end of the draft: all or none."""
    version = _draft(programme_id, seen_lock_version)
    sources = []
    for catalogue_key in dict.fromkeys(catalogue_keys):
        source = db.session.get(CatalogueModule, catalogue_key)
        if source is None:
            raise Invalid(f"There is no catalogue module ‘{catalogue_key}’", path="catalogue_key")
        if version.module(catalogue_key) is not None:
            raise Invalid(f"‘{source.title}’ is already in this programme", path="catalogue_key")
        sources.append(source)
    added = []
    for source in sources:
        module = module_row(draft_of(source), _next_position(version))
        version.modules.append(module)
        added.append(module)
    _commit(version)
    return added


def add_own_module(programme_id: int, seen_lock_version: int | None, own: OwnModule) -> ProgrammeModule:
    """A module the designer writes themselves, keyed from its title."""
    version = _draft(programme_id, seen_lock_version)
    if not own.title.strip():
        raise Invalid("Enter a title for the module", path="title")
    _check_hours(own.hours)
    if own.area_key and db.session.get(CatalogueArea, own.area_key) is None:
        raise Invalid("Choose an area from the list", path="area_key")
    key = unique_key(f"own-{slug(own.title, 'module')}", lambda k: version.module(k) is not None)
    draft = ModuleDraft(
        key=key,
        title=own.title.strip(),
        summary=own.summary.strip(),
        hours=own.hours,
        block=own.block.strip(),
        area_key=own.area_key or None,
        outcomes=tuple(
            OutcomeDraft(f"{key}-{i}", kind, text, sources=own.sources)
            for i, (kind, text) in enumerate(own.outcomes, start=1)
        ),
    )
    module = module_row(draft, _next_position(version))
    version.modules.append(module)
    _commit(version)
    return module


def _module_or_error(version: ProgrammeVersion, key: str) -> ProgrammeModule:
    module = version.module(key)
    if module is None:
        raise Invalid(f"There is no module ‘{key}’ in this programme")
    return module


def update_module(programme_id: int, seen_lock_version: int | None, key: str, changes: ModuleChanges) -> None:
    """Problems about prerequisites are located at ``prerequisites`` (the API's field; forms map it)."""
    version = _draft(programme_id, seen_lock_version)
    module = _module_or_error(version, key)
    _check_hours(changes.hours)
    if len(changes.block.strip()) > rules.NAME_MAX_LENGTH:
        raise Invalid(rules.too_long(rules.NAME_MAX_LENGTH, "Term or block"), path="block")
    unknown = changes.prerequisite_keys - {m.key for m in version.modules}
    if unknown:
        raise Invalid("Choose prerequisites from this programme’s modules", path="prerequisites")
    if key in changes.prerequisite_keys:
        raise Invalid("A module cannot be its own prerequisite", path="prerequisites")
    requires = _requires(version)
    requires[key] = set(changes.prerequisite_keys)
    cycle = prerequisites.find_cycle(requires)
    if cycle:
        titles = " → ".join(_module_or_error(version, k).title for k in reversed(cycle))
        raise Invalid(f"These prerequisites would make a loop: {titles}", path="prerequisites")
    module.hours = changes.hours
    module.block = changes.block.strip()
    module.prerequisite_keys = sorted(changes.prerequisite_keys)
    _commit(version)


def move_module(programme_id: int, seen_lock_version: int | None, key: str, offset: int) -> None:
    """Move a module up (-1) or down (+1) in the running order."""
    version = _draft(programme_id, seen_lock_version)
    modules = list(version.modules)
    index = modules.index(_module_or_error(version, key))
    target = index + offset
    if not 0 <= target < len(modules):
        return
    modules[index], modules[target] = modules[target], modules[index]
    for position, module in enumerate(modules, start=1):
        module.position = position
    _commit(version)


def remove_module(programme_id: int, seen_lock_version: int | None, key: str) -> None:
    """Take a module out of the draft, unless another module needs it."""
    version = _draft(programme_id, seen_lock_version)
    module = _module_or_error(version, key)
    needed_by = prerequisites.dependants(_requires(version), key)
    if needed_by:
        titles = ", ".join(f"‘{_module_or_error(version, k).title}’" for k in needed_by)
        raise Invalid(
            f"‘{module.title}’ cannot be removed because {titles} needs it. Remove it from their prerequisites first."
        )
    version.modules.remove(module)
    _commit(version)


# ---- versions ------------------------------------------------------------------------


def mandatory_areas_missing(version: ProgrammeVersion) -> list[CatalogueArea]:
    """Mandatory catalogue areas (SEND law) with no module in the version."""
    covered = {m.area_key for m in version.modules}
    return [area for area in catalogue_service.mandatory_areas() if area.key not in covered]


def publish(programme_id: int, seen_lock_version: int | None, publisher_id: int | None) -> ProgrammeVersion:
    """Number, date and freeze the draft; refused while mandatory areas are missing."""
    version = _draft(programme_id, seen_lock_version)
    if not version.modules:
        raise Invalid("Add at least one module before publishing")
    missing = [
        ("", f"Add a module from ‘{area.title}’ before publishing: the area is mandatory")
        for area in mandatory_areas_missing(version)
    ]
    if missing:
        raise Invalid(missing)
    version.number = next_version_number(version.programme)
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = publisher_id
    _commit(version)
    return version


def start_draft(programme_id: int) -> ProgrammeVersion:
    """A new draft copied from the newest published version (or the existing draft)."""
    programme = _existing(programme_id)
    if programme.draft is not None:
        return programme.draft
    source = programme.published[-1]
    details = ProgrammeDetails(source.name, source.provider, source.cohort_start, source.length_weeks)
    draft = version_row(details, tuple(draft_of(m) for m in source.modules))
    programme.versions.append(draft)
    db.session.commit()
    return draft
