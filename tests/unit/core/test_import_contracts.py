"""The import-linter contract "nothing in core but core.app imports core.app" names core's modules
one by one (a contract over all of ``core`` would not see imports inside it), so a module added to
core must join the list, or the contract would silently not cover it."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parents[3]


def _contract(name_starts: str) -> dict[str, object]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = settings["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"].startswith(name_starts))


def test_the_factory_contract_covers_every_module_of_core_but_the_factory() -> None:
    contract = _contract("Nothing in core but core.app imports core.app")
    everything = {f"core.{module.name}" for module in pkgutil.iter_modules(core.__path__)}
    assert set(contract["source_modules"]) == everything - {"core.app"}  # type: ignore[arg-type]
    assert contract["forbidden_modules"] == ["core.app"]
