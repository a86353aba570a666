"""The competencies room's use cases, one module a subject; this package is their one way in.

- :mod:`competencies.services.library`: the built-in scenario library (loading, reading);
- :mod:`competencies.services.trying`: a stored rubric version as the engine's rubric (parsed
  once), trying it on sample judgements, and the reasons in English;
- :mod:`competencies.services.authoring`: designers' own rubrics (drafts, criteria, fault
  types, publishing);
- :mod:`competencies.services.imports`: rubric files in (the rubric JSON plug-in of
  :mod:`core.importing`).

Pages, the API, the CLI and other rooms import the names below from here
(``from competencies import services``); the rules live in :mod:`competencies.rules` and the engine.
"""

from __future__ import annotations

from competencies.services import authoring, imports
from competencies.services.library import get_scenario, list_scenarios, load_library, rubric_versions
from competencies.services.trying import explained, rubric_of, try_rubric

__all__ = [
    "authoring",
    "explained",
    "get_scenario",
    "imports",
    "list_scenarios",
    "load_library",
    "rubric_of",
    "rubric_versions",
    "try_rubric",
]
