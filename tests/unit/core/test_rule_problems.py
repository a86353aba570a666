"""One error family: every pure module's error is a ProblemError, and the edges read each the same way."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from wtforms import Form, StringField

from assessments import reasons, sampling
from competencies.engine import errors as engine_errors
from core import problems, rule_problems
from core.problems import Invalid, api_errors, blame_fields, problems_of
from core.rule_problems import Problem, ProblemError

ROOT = Path(__file__).resolve().parents[3]


def _pure_module_names() -> list[str]:
    """The pure modules, as the import-linter contracts define them: sources forbidden to import ``core``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return sorted(
        {
            name
            for contract in contracts
            if "core" in contract.get("forbidden_modules", [])
            for name in contract["source_modules"]
            if name != "core.rule_problems"
        }
    )


def _modules(name: str) -> list[ModuleType]:
    module = importlib.import_module(name)
    found = [module]
    if hasattr(module, "__path__"):  # a package: every module in it
        for info in pkgutil.walk_packages(module.__path__, f"{name}."):
            found.append(importlib.import_module(info.name))
    return found


def _pure_error_classes() -> list[type[BaseException]]:
    found = {
        cls
        for name in _pure_module_names()
        for module in _modules(name)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseException) and cls.__module__ == module.__name__
    }
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


PURE_ERRORS = _pure_error_classes()


def test_the_pure_errors_are_found_so_the_checks_below_are_not_empty() -> None:
    names = {cls.__name__ for cls in PURE_ERRORS}
    assert {
        "EngineError",
        "RubricError",
        "EvidenceError",
        "PolicyError",
        "RuleInputError",
        "DeadlineInputError",
        "AgreementInputError",
        "RuleError",
        "SamplingInputError",
    } <= names


@pytest.mark.parametrize("error_class", PURE_ERRORS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_every_pure_error_is_one_of_the_family_and_the_edges_read_its_located_problems(
    error_class: type[ProblemError],
) -> None:
    assert issubclass(error_class, ProblemError) and issubclass(error_class, ValueError)
    raised = error_class([("criteria[1].weight", "Enter a weight"), ("", "Give at least one criterion")])
    assert problems_of(raised) == [
        Problem("criteria[1].weight", "Enter a weight"),
        Problem("", "Give at least one criterion"),
    ]
    assert api_errors(raised) == {
        "errors": [
            {"path": "criteria[1].weight", "message": "Enter a weight"},
            {"path": "", "message": "Give at least one criterion"},
        ]
    }
    assert str(raised) == "criteria[1].weight: Enter a weight; Give at least one criterion"
    one = error_class("Enter a date, for example 1/9/2025")
    assert problems_of(one) == [Problem("", "Enter a date, for example 1/9/2025")]
    assert one.message == "Enter a date, for example 1/9/2025"


def test_a_pure_error_lands_on_the_form_field_it_names() -> None:
    class SampleForm(Form):
        percent = StringField("Percentage")
        seed = StringField("Seed")

    form = SampleForm()
    unplaced = blame_fields(form, sampling.SamplingInputError([("seed", "Enter a seed")]), "percent")
    assert unplaced == [] and list(form.seed.errors) == ["Enter a seed"] and list(form.percent.errors) == []


def test_the_services_own_error_is_of_the_same_family() -> None:
    assert issubclass(Invalid, ProblemError)
    assert problems_of(Invalid("Enter a name", "name")) == [Problem("name", "Enter a name")]


def test_every_room_names_one_problem_type() -> None:
    assert engine_errors.Problem is reasons.Problem is sampling.Problem is problems.Problem is Problem


def test_an_error_outside_the_family_is_read_as_its_text() -> None:
    assert problems_of(KeyError("modules")) == [Problem("", "'modules'")]


def test_the_base_imports_the_standard_library_only() -> None:
    # Every pure module may import it, so it must stay as pure as they are (import-linter says so too).
    tree = ast.parse(Path(rule_problems.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {"__future__"}
