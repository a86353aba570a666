"""``flask catalogue load`` and ``flask scenarios load``: a broken or missing file is one clear message and exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curriculum.catalogue import DATA_DIR as CATALOGUE_DIR


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def _load(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["catalogue", "load", *args])


def test_the_catalogue_loads_from_a_folder_given(runner, catalogue_copy):
    result = _load(runner, "--from", str(catalogue_copy))
    assert result.exit_code == 0, result.output
    assert "modules and" in result.output


def test_a_catalogue_file_that_is_not_utf8_is_one_clear_line(runner, catalogue_copy):
    (catalogue_copy / "areas.yaml").write_bytes(b"areas:\n  - key: caf\xe9\n")
    result = _load(runner, "--from", str(catalogue_copy))
    assert result.exit_code == 1
    assert "areas.yaml: The file is not UTF-8 text: byte 20 (line 2) cannot be read" in result.output
    assert "Traceback" not in result.output


def test_a_utf16_catalogue_file_is_refused_saying_so(runner, catalogue_copy):
    text = (catalogue_copy / "reference.yaml").read_text(encoding="utf-8")
    (catalogue_copy / "reference.yaml").write_bytes(text.encode("utf-16"))
    result = _load(runner, "--from", str(catalogue_copy))
    assert result.exit_code == 1 and "reference.yaml: The file is UTF-16 text" in result.output


def test_a_missing_catalogue_file_or_folder_is_one_clear_line(runner, catalogue_copy):
    (catalogue_copy / "areas.yaml").unlink()
    missing_file = _load(runner, "--from", str(catalogue_copy))
    assert missing_file.exit_code == 1 and "areas.yaml: there is no such file" in missing_file.output
    missing_folder = _load(runner, "--from", str(catalogue_copy / "nowhere"))
    assert missing_folder.exit_code == 1 and "there is no such folder; nothing was loaded" in missing_folder.output
    assert "Traceback" not in missing_file.output + missing_folder.output


def test_broken_yaml_is_located_by_line(runner, catalogue_copy):
    (catalogue_copy / "areas.yaml").write_text("areas:\n  - key: [unclosed\n", encoding="utf-8")
    result = _load(runner, "--from", str(catalogue_copy))
    assert result.exit_code == 1 and "areas.yaml: Not valid YAML:" in result.output and "line 3" in result.output


def test_a_scenario_file_that_is_not_utf8_is_one_clear_line(runner, tmp_path):
    (tmp_path / "broken.yaml").write_bytes(b"key: caf\xe9\n")
    result = runner.invoke(args=["scenarios", "load", "--from", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.yaml: The file is not UTF-8 text: byte 9 (line 1) cannot be read" in result.output
