"""The curriculum's use cases, one module a subject; this package is their one way in.

- :mod:`curriculum.services.programmes`: programmes, their modules and versions (each command
  takes ids and plain values and owns its transaction);
- :mod:`curriculum.services.imports`: programme documents in and out (the programme JSON
  plug-in of :mod:`core.importing`);
- :mod:`curriculum.services.catalogue`: the built-in catalogue in the database, and the analysis.

Pages, the API, the CLI and other rooms import the names below from here
(``from curriculum import services``); the rules live in :mod:`curriculum.rules`.
"""

from __future__ import annotations

from typing import Any

from core.problems import Conflict, Invalid
from curriculum.drafts import ProgrammeDetails
from curriculum.models import Programme
from curriculum.rules import HOURS_PER_MODULE_MAX, LENGTH_WEEKS_MAX
from curriculum.services import catalogue, imports
from curriculum.services.imports import PROGRAMME_JSON, check_document, export_version, known_keys
from curriculum.services.programmes import (
    CHANGED_SINCE_OPENED,
    ConflictError,
    CurriculumError,
    ModuleChanges,
    OwnModule,
    add_catalogue_module,
    add_catalogue_modules,
    add_own_module,
    create_programme,
    get_programme,
    get_version,
    list_programmes,
    mandatory_areas_missing,
    move_module,
    next_version_number,
    publish,
    remove_module,
    start_draft,
    total_hours,
    update_details,
    update_module,
)

__all__ = [
    "CHANGED_SINCE_OPENED",
    "HOURS_PER_MODULE_MAX",
    "LENGTH_WEEKS_MAX",
    "PROGRAMME_JSON",
    "Conflict",
    "ConflictError",
    "CurriculumError",
    "Invalid",
    "ModuleChanges",
    "OwnModule",
    "ProgrammeDetails",
    "add_catalogue_module",
    "add_catalogue_modules",
    "add_own_module",
    "catalogue",
    "check_document",
    "create_programme",
    "export_version",
    "get_programme",
    "get_version",
    "import_programme",
    "imports",
    "known_keys",
    "list_programmes",
    "mandatory_areas_missing",
    "move_module",
    "next_version_number",
    "publish",
    "remove_module",
    "start_draft",
    "total_hours",
    "update_details",
    "update_module",
]


def import_programme(author_id: int | None, raw: bytes | str | dict[str, Any]) -> Programme:
    """A new programme whose draft is the document: all of it, or nothing."""
    created: Programme = imports.import_programme(author_id, raw).created
    return created
