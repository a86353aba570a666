"""Located errors for JSON documents: every problem names its path, as ``modules[3].outcomes[1].text``."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LocatedError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DocumentError(ValueError):
    """A document refused as a whole, with every problem found and where it is."""

    def __init__(self, errors: list[LocatedError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def join_path(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


def located(messages: Any, path: str = "") -> list[LocatedError]:
    """Flatten marshmallow's nested error messages into located errors, in document order."""
    if isinstance(messages, dict):
        found: list[LocatedError] = []
        for key, value in messages.items():
            sub = path if key == "_schema" else join_path(path, key)
            found += located(value, sub)
        return found
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [LocatedError(path, m) for m in messages]
    if isinstance(messages, list):
        return [e for m in messages for e in located(m, path)]
    return [LocatedError(path, str(messages))]


class _Pairs(dict):  # type: ignore[type-arg]
    """A JSON object that remembers which keys it was given more than once."""

    duplicates: list[str]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _duplicate_keys(value: Any, path: str = "") -> list[LocatedError]:
    found: list[LocatedError] = []
    if isinstance(value, _Pairs):
        found += [
            LocatedError(join_path(path, key), "This key appears more than once in the same object; keep one")
            for key in value.duplicates
        ]
        for key, item in value.items():
            found += _duplicate_keys(item, join_path(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _duplicate_keys(item, join_path(path, index))
    return found


def parse_json(raw: bytes | str) -> Any:
    """Parse JSON strictly: bad syntax names its line and column, a repeated key names its path."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise DocumentError([LocatedError("", "The file is not UTF-8 text. Export it again as JSON.")]) from None
    try:
        document = json.loads(text, object_pairs_hook=_pairs_hook)
    except json.JSONDecodeError as error:
        raise DocumentError(
            [LocatedError("", f"This is not valid JSON: {error.msg.removesuffix(' at')} at line {error.lineno}, column {error.colno}")]
        ) from None
    duplicates = _duplicate_keys(document)
    if duplicates:
        raise DocumentError(duplicates)
    return _plain(document)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
