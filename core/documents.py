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
from pathlib import Path
from typing import Any

import yaml

from core.problems import Invalid, Problem, join_path

DEPTH_MAX = 64  # programme documents nest 4 deep; 64 leaves room for any honest format
INTEGER_DIGITS_MAX = 15  # every such integer is exact in a double, so every JSON reader agrees
UTF16_MESSAGE = "The file is UTF-16 text. Save it again as UTF-8 (in most editors: Save as, Encoding, UTF-8)."
NOT_UTF8_MESSAGE = "The file is not UTF-8 text: byte {offset:,} (line {line}) cannot be read. Save it again as UTF-8."
NOT_OBJECT_MESSAGE = "The file must hold one JSON object, starting with {{ — it starts with {kind}"
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
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


_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _too_deep(value: Any) -> bool:
    """Whether containers nest deeper than DEPTH_MAX: one pass over the values, level by level."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(DEPTH_MAX):
        level = [
            item
            for container in level
            for item in (container.values() if isinstance(container, dict) else container)
            if isinstance(item, (dict, list))
        ]
        if not level:
            return False
    return True


def _refuse_depth(text: str) -> Invalid:
    """The refusal of a too-deep document, naming the line where it goes too deep (a slow scan, run
    only when refusing)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        depth += _STEP.get(match.group(), 0)
        if depth > DEPTH_MAX:
            line = text.count("\n", 0, match.start()) + 1
            return Invalid(
                f"The file nests lists and objects more than {DEPTH_MAX} deep (line {line}). "
                "Nothing this app reads nests that deep."
            )
    return Invalid(f"The file nests lists and objects more than {DEPTH_MAX} deep.")


class _Refused:
    """A value the parser met but must not accept; the walk reports it with its path."""

    def __init__(self, message: str) -> None:
        self.message = message


class _Parser:
    """``json.loads`` hooks that note what must be refused, so that a clean document (the usual
    case) is not walked again; a refused one is walked once to say where."""

    def __init__(self) -> None:
        self.suspect = False

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            self.suspect = True
            return _Object(pairs)
        return obj

    def integer(self, text: str) -> int | _Refused:
        if len(text) > INTEGER_DIGITS_MAX and len(text.lstrip("-")) > INTEGER_DIGITS_MAX:
            self.suspect = True
            return _Refused(f"Numbers can have at most {INTEGER_DIGITS_MAX} digits")
        return int(text)

    def float(self, text: str) -> float | _Refused:
        value = float(text)
        if math.isinf(value):
            self.suspect = True
            return _Refused("This number is too large")
        return value

    def constant(self, text: str) -> _Refused:
        self.suspect = True
        return _Refused(f"{text} is not a number JSON allows. Use a number")


class _Object(dict):  # type: ignore[type-arg]
    """An object given the same key more than once (the last value wins, as in JSON.parse)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.duplicates = [key for key, _ in pairs if key in seen or seen.add(key)]  # type: ignore[func-returns-value]


def _problems(value: Any, path: str, problems: list[Problem]) -> None:
    """Note each refused value, repeated key and unstorable text in ``value``, with its path."""
    if isinstance(value, dict):
        problems += [
            Problem(join_path(path, key), "This key appears more than once in the same object; keep one")
            for key in getattr(value, "duplicates", ())
        ]
        for key, item in value.items():
            if UNSTORABLE.search(key):
                problems.append(Problem(path, UNSTORABLE_MESSAGE.replace("This text", "A key")))
            _problems(item, join_path(path, key), problems)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _problems(item, join_path(path, i), problems)
    elif isinstance(value, _Refused):
        problems.append(Problem(path, value.message))
    elif isinstance(value, str) and UNSTORABLE.search(value):
        problems.append(Problem(path, UNSTORABLE_MESSAGE))


# A lone surrogate or NUL can only come from a \u escape once the text is valid UTF-8.
_SUSPECT_ESCAPE = re.compile(r"\\u(?:[dD][89a-fA-F]|0000)")


def parse_json(raw: bytes | str) -> Any:
    """Any JSON value, parsed strictly; :class:`Invalid` listing every problem otherwise."""
    text = read_text(raw)
    parser = _Parser()
    try:
        value = json.loads(
            text,
            object_pairs_hook=parser.object,
            parse_int=parser.integer,
            parse_float=parser.float,
            parse_constant=parser.constant,
        )
    except json.JSONDecodeError as error:
        raise Invalid(
            f"This is not valid JSON: {error.msg.removesuffix(' at')} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:  # far deeper than DEPTH_MAX: the parser's own guard stopped it
        raise _refuse_depth(text) from None
    if _too_deep(value):
        raise _refuse_depth(text)
    if parser.suspect or UNSTORABLE.search(text) or _SUSPECT_ESCAPE.search(text):
        problems: list[Problem] = []
        _problems(value, "", problems)
        if problems:
            raise Invalid(problems)
    return value


def parse_object(raw: bytes | str) -> dict[str, Any]:
    """A JSON object (what every document of this app is), parsed strictly."""
    value = parse_json(raw)
    if not isinstance(value, dict):
        kind = {list: "[ (a list)", str: "a string", bool: "true or false", type(None): "null"}.get(
            type(value), "a number"
        )
        raise Invalid(NOT_OBJECT_MESSAGE.format(kind=kind))
    return value


def ensure_object(value: Any) -> dict[str, Any]:
    """A document already parsed elsewhere (for example by a test), checked as parse_json would."""
    return parse_object(json.dumps(value))


def read_file(path: Path) -> str:
    """A data file's text, strictly as :func:`read_text`; a missing or unreadable file is Invalid too."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise Invalid(f"{path}: there is no such file") from None
    except OSError as error:
        raise Invalid(f"{path}: the file cannot be read ({error.strerror})") from None
    try:
        return read_text(raw)
    except Invalid as error:
        raise Invalid((path.name, p.message) for p in error.problems) from None


def read_yaml(path: Path) -> Any:
    """A YAML data file (safe types only), with a syntax error located by line and column."""
    text = read_file(path)
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise Invalid([(path.name, f"Not valid YAML: {error.problem}{where}")]) from None
    except yaml.YAMLError as error:
        raise Invalid([(path.name, f"Not valid YAML: {error}")]) from None
