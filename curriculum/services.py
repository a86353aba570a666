"""The curriculum's use cases, in one import for pages, the API and the CLI.

They live by subject: :mod:`curriculum.programmes` (programmes, their modules and versions),
:mod:`curriculum.programme_imports` (programme documents in and out) and
:mod:`curriculum.catalogue_service` (the built-in catalogue).
"""
from __future__ import annotations

from typing import Any

from core.accounts.models import User
from core.problems import Conflict, Invalid
from curriculum import programme_imports
from curriculum.drafts import ProgrammeDetails
from curriculum.models import Programme
from curriculum.programme_imports import PROGRAMME_JSON, check_document, export_version, known_keys
from curriculum.programmes import (
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
from curriculum.rules import HOURS_PER_MODULE_MAX, LENGTH_WEEKS_MAX

__all__ = [
    "CHANGED_SINCE_OPENED", "HOURS_PER_MODULE_MAX", "LENGTH_WEEKS_MAX", "PROGRAMME_JSON", "Conflict", "ConflictError",
    "CurriculumError", "Invalid", "ModuleChanges", "OwnModule", "ProgrammeDetails", "add_catalogue_module",
    "add_catalogue_modules", "add_own_module", "check_document", "create_programme", "export_version", "get_programme", "get_version",
    "import_programme", "known_keys", "list_programmes", "mandatory_areas_missing", "move_module",
    "next_version_number", "publish", "remove_module", "start_draft", "total_hours", "update_details", "update_module",
]


def import_programme(author: User | None, raw: bytes | str | dict[str, Any]) -> Programme:
    """A new programme whose draft is the document: all of it, or nothing."""
    created: Programme = programme_imports.import_programme(author.id if author else None, raw).created
    return created
