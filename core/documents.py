"""Reading and parsing uploaded documents strictly, the same way for the web, the API and the CLI.

``read_text`` accepts UTF-8 only (a byte-order mark is dropped); ``parse_json`` refuses what
Python's json module would accept but no other reader agrees on — repeated keys, NaN and
Infinity, numbers too big for a double or too long to be meant, lone surrogates — and nesting
deeper than :data:`DEPTH_MAX` (a RecursionError otherwise). Every refusal is an
:class:`~core.problems.Invalid` that says where. Linear in the document; no Flask.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any

from core.problems import Invalid, Problem, join_path

DEPTH_MAX = 64  # programme documents nest 4 deep; 64 leaves room for any honest format
INTEGER_DIGITS_MAX = 15  # every such integer is exact in a double, so every JSON reader agrees
UTF16_MESSAGE = "The file is UTF-16 text. Save it again as UTF-8 (in most editors: Save as, Encoding, UTF-8)."
NOT_UTF8_MESSAGE = "The file is not UTF-8 text: byte {offset:,} (line {line}) cannot be read. Save it again as UTF-8."
NOT_OBJECT_MESSAGE = "The file must hold one JSON object, starting with {{ — it starts with {kind}"
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # NUL (PostgreSQL refuses it) and lone surrogates
UNSTORABLE_MESSAGE = "This text holds a character that cannot be saved (NUL or a lone surrogate). Remove it"


def read_text(raw: bytes | str) -> str:
    """The text of an uploaded file: UTF-8, with a byte-order mark dropped; UTF-16 refused."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and b"\x00" in raw[:4]):
        raise Invalid(UTF16_MESSAGE)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise Invalid(NOT_UTF8_MESSAGE.format(offset=error.start + 1, line=line)) from None


def _check_depth(text: str) -> None:
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > DEPTH_MAX:
                line = text.count("\n", 0, match.start()) + 1
                raise Invalid(f"The file nests lists and objects more than {DEPTH_MAX} deep (line {line}). Nothing this app reads nests that deep.")
        elif token in "]}":
            depth -= 1


class _Refused:
    """A value the parser met but must not accept; the walk reports it with its path."""

    def __init__(self, message: str) -> None:
        self.message = message


class _Object(dict):  # type: ignore[type-arg]
    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _integer(text: str) -> int | _Refused:
    if len(text.lstrip("-")) > INTEGER_DIGITS_MAX:
        return _Refused(f"Numbers can have at most {INTEGER_DIGITS_MAX} digits")
    return int(text)


def _float(text: str) -> float | _Refused:
    value = float(text)
    return _Refused("This number is too large") if math.isinf(value) else value


def _constant(text: str) -> _Refused:
    return _Refused(f"{text} is not a number JSON allows. Use a number")


def _plain(value: Any, path: str, problems: list[Problem]) -> Any:
    """``value`` as plain dicts and lists, with each refused value, repeated key or lone surrogate noted."""
    if isinstance(value, _Object):
        problems += [Problem(join_path(path, key), "This key appears more than once in the same object; keep one")
                     for key in value.duplicates]
        plain = {}
        for key, item in value.items():
            if UNSTORABLE.search(key):
                problems.append(Problem(path, UNSTORABLE_MESSAGE.replace("This text", "A key")))
            plain[key] = _plain(item, join_path(path, key), problems)
        return plain
    if isinstance(value, list):
        return [_plain(item, join_path(path, i), problems) for i, item in enumerate(value)]
    if isinstance(value, _Refused):
        problems.append(Problem(path, value.message))
        return None
    if isinstance(value, str) and UNSTORABLE.search(value):
        problems.append(Problem(path, UNSTORABLE_MESSAGE))
    return value


def parse_json(raw: bytes | str) -> Any:
    """Any JSON value, parsed strictly; :class:`Invalid` listing every problem otherwise."""
    text = read_text(raw)
    _check_depth(text)
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_int=_integer, parse_float=_float,
                           parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise Invalid(f"This is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except RecursionError:  # deeper than the interpreter allows, yet not seen by _check_depth
        raise Invalid(f"The file nests lists and objects more than {DEPTH_MAX} deep") from None
    problems: list[Problem] = []
    plain = _plain(value, "", problems)
    if problems:
        raise Invalid(problems)
    return plain


def parse_object(raw: bytes | str) -> dict[str, Any]:
    """A JSON object (what every document of this app is), parsed strictly."""
    value = parse_json(raw)
    if not isinstance(value, dict):
        kind = {list: "[ (a list)", str: "a string", bool: "true or false", type(None): "null"}.get(type(value), "a number")
        raise Invalid(NOT_OBJECT_MESSAGE.format(kind=kind))
    return value


def ensure_object(value: Any) -> dict[str, Any]:
    """A document already parsed elsewhere (for example by a test), checked as parse_json would."""
    return parse_object(json.dumps(value))
