"""``flask catalogue load [--from DIR]``: load the built-in catalogue into the database."""

from __future__ import annotations

from pathlib import Path

from core.content import content_group
from curriculum import catalogue
from curriculum.services import catalogue as catalogue_service


def _load(data_dir: Path | None) -> str:
    return catalogue_service.load_catalogue(catalogue.load_catalogue(data_dir) if data_dir else None)


catalogue_cli = content_group("catalogue", "catalogue", _load)
