"""``flask scenarios load [--from DIR]``: load the built-in scenario library into the database."""

from __future__ import annotations

from pathlib import Path

from competencies import services
from core.content import content_group


def _load(data_dir: Path | None) -> str:
    return services.load_library(data_dir) if data_dir else services.load_library()


scenarios = content_group("scenarios", "scenario library", _load)
