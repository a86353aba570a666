"""The hostile corpus: bodies and files that must be refused, with a located reason, by every
import, API endpoint and form, never answered 5xx and never half-saved (``make verify``).

``bodies/`` holds JSON documents and near-JSON bytes; ``values/`` holds single form values.
They are written by ``python -m tests.hostile.corpus`` (deterministic, so the files are kept in
git and reviewable); the few over 256 KB are built in memory by :func:`large_bodies` instead.
Each name says what the file tries.
"""

from __future__ import annotations

import codecs
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BODIES = HERE / "bodies"
VALUES = HERE / "values"

PROGRAMME: dict[str, Any] = {
    "schema_version": 1,
    "programme": {"name": "Hostile", "provider": "Hub", "cohort_start": "2026-09-07", "length_weeks": 78},
    "modules": [
        {
            "key": "send-law-foundations",
            "title": "SEND law",
            "summary": "Law",
            "hours": 6,
            "block": "Autumn",
            "area": "send-law",
            "catalogue_module": "send-law-foundations",
            "delivery_modes": ["seminar"],
            "scenarios": [],
            "prerequisites": [],
            "outcomes": [
                {
                    "key": "law-one",
                    "kind": "knowledge",
                    "text": "Learn that the law applies.",
                    "npq_areas": ["statutory-framework"],
                    "survey_outcomes": [],
                    "sources": ["CFA 2014"],
                }
            ],
        }
    ],
}
RUBRIC: dict[str, Any] = {
    "key": "hostile",
    "title": "Hostile",
    "model": "analytic",
    "threshold": 50,
    "fault_limit": 0,
    "criteria": [
        {
            "key": "listens",
            "title": "Listens",
            "weight": 1.0,
            "critical_level": None,
            "levels": [
                {"value": 1, "label": "Not yet", "descriptor": "a"},
                {"value": 2, "label": "Secure", "descriptor": "b"},
            ],
        }
    ],
}
# An observation as a mentor's script sends it to POST /api/v1/enrolments/ID/observations; the
# hostile row puts yesterday in place of OBSERVED_ON, so the body stays valid as the days pass.
OBSERVED_ON = "2026-09-07"
OBSERVATION: dict[str, Any] = {
    "scenario_key": "annual-review",
    "observed_on": OBSERVED_ON,
    "setting": "Hostile",
    "present": ["Parents or carers"],
    "evidence": {
        "judgements": [{"criterion": "chairing", "level": 3, "comment": "Calm"}],
        "faults": [{"fault": "breaches-confidentiality", "note": "Named a pupil"}],
    },
}

# Where each kind of value is put: (document, path to the field).
NUMBER_FIELDS = {
    "hours": ("programme", ["modules", 0, "hours"]),
    "length-weeks": ("programme", ["programme", "length_weeks"]),
    "schema-version": ("programme", ["schema_version"]),
    "threshold": ("rubric", ["threshold"]),
    "weight": ("rubric", ["criteria", 0, "weight"]),
    "level-value": ("rubric", ["criteria", 0, "levels", 1, "value"]),
    "fault-limit": ("rubric", ["fault_limit"]),
    "level": ("observation", ["evidence", "judgements", 0, "level"]),
}
TEXT_FIELDS = {
    "programme-name": ("programme", ["programme", "name"]),
    "provider": ("programme", ["programme", "provider"]),
    "module-title": ("programme", ["modules", 0, "title"]),
    "module-key": ("programme", ["modules", 0, "key"]),
    "outcome-text": ("programme", ["modules", 0, "outcomes", 0, "text"]),
    "block": ("programme", ["modules", 0, "block"]),
    "rubric-title": ("rubric", ["title"]),
    "criterion-title": ("rubric", ["criteria", 0, "title"]),
    "descriptor": ("rubric", ["criteria", 0, "levels", 0, "descriptor"]),
    "level-label": ("rubric", ["criteria", 0, "levels", 0, "label"]),
    "setting": ("observation", ["setting"]),
    "comment": ("observation", ["evidence", "judgements", 0, "comment"]),
    "criterion": ("observation", ["evidence", "judgements", 0, "criterion"]),
    "fault": ("observation", ["evidence", "faults", 0, "fault"]),
    "present": ("observation", ["present", 0]),
}
# Raw JSON number tokens that Python's json accepts but no column or rule can hold.
HOSTILE_NUMBERS = {
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "1e400": "1e400",
    "minus-1e400": "-1e400",
    "5000-digits": "9" * 5000,
    "minus-5000-digits": "-" + "9" * 5000,
    "tiny-float": "1e-400",
    "huge-int": "99999999999999999999",
    "negative": "-1",
    "zero": "0",
    "fraction": "6.5",
}
HOSTILE_NUMBER_VALUES = {  # as JSON values of the wrong type
    "snan-string": "sNaN",
    "nan-string": "NaN",
    "string-number": "6",
    "true": True,
    "null": None,
    "list": [6],
    "object": {"n": 6},
}
HOSTILE_TEXTS = {
    "lone-surrogate": "\ud800",
    "low-surrogate": "\udfff",
    "nul": "a\u0000b",
    "empty": "",
    "spaces": "   ",
    "over-long-10k": "x" * 10_000,
    "rtl-override": "\u202eevil",
    "superscript-two": "²",
    "number-instead": 6,
    "null": None,
    "list": ["a"],
}
BAD_DATES = {
    "date-0-parts": "",
    "date-2-parts": "2026-09",
    "date-4-parts": "2026-09-07-01",
    "date-feb-30": "2026-02-30",
    "date-year-0": "0000-01-01",
    "date-year-5-digits": "20260-01-01",
    "date-superscript": "²026-09-07",
    "date-slashes": "07/09/2026",
    "date-number": 20260907,
    "date-with-time": "2026-09-07T00:00:00",
    "date-arabic-digits": "٢٠٢٦-٠٩-٠٧",
}


# Values that a field may legitimately take (an optional empty block, "²" in a title, a weight of
# 6.5): a body holding one may be saved, but is still never a 5xx nor half-saved. Every other body
# must be refused.
MAY_BE_ACCEPTED = (
    "-empty.json",
    "-spaces.json",
    "-rtl-override.json",
    "-superscript-two.json",
    "-zero.json",
    "-fraction.json",
    "-negative.json",
    "-tiny-float.json",
    "-huge-int.json",
    "-string-number.json",
    "descriptor-over-long-10k.json",
    "outcome-text-over-long-10k.json",
    "-date-with-time.json",
    "-utf8-bom.json",  # RFC 8259 §8.1 lets a reader ignore a UTF-8 BOM; core.documents.read_text drops it
)


def must_be_refused(name: str) -> bool:
    return name.startswith(("raw-", "deep-")) or not name.endswith(MAY_BE_ACCEPTED)


def _set(document: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _with_raw_number(document: dict[str, Any], path: list[Any], token: str) -> bytes:
    marker = "__HOSTILE_NUMBER__"
    return json.dumps(_set(document, path, marker)).replace(f'"{marker}"', token).encode()


def _documents() -> dict[str, dict[str, Any]]:
    return {"programme": PROGRAMME, "rubric": RUBRIC, "observation": OBSERVATION}


def bodies() -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every kept body."""
    docs = _documents()
    for field, (doc, path) in NUMBER_FIELDS.items():
        for name, token in HOSTILE_NUMBERS.items():
            yield f"{doc}-{field}-{name}.json", _with_raw_number(docs[doc], path, token)
        for name, value in HOSTILE_NUMBER_VALUES.items():
            yield f"{doc}-{field}-{name}.json", json.dumps(_set(docs[doc], path, value)).encode()
    for field, (doc, path) in TEXT_FIELDS.items():
        for name, value in HOSTILE_TEXTS.items():
            yield f"{doc}-{field}-{name}.json", json.dumps(_set(docs[doc], path, value)).encode()
    for name, value in BAD_DATES.items():
        yield (
            f"programme-cohort-{name}.json",
            json.dumps(_set(PROGRAMME, ["programme", "cohort_start"], value)).encode(),
        )
        yield f"observation-observed-on-{name}.json", json.dumps(_set(OBSERVATION, ["observed_on"], value)).encode()
    valid = {name: json.dumps(doc).encode() for name, doc in docs.items()}
    for doc, raw in valid.items():
        text = raw.decode()
        yield f"{doc}-utf16-le-bom.json", codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        yield f"{doc}-utf16-be-bom.json", codecs.BOM_UTF16_BE + text.encode("utf-16-be")
        yield f"{doc}-utf16-le-no-bom.json", text.encode("utf-16-le")
        yield f"{doc}-utf32.json", text.encode("utf-32")
        yield f"{doc}-utf8-bom.json", codecs.BOM_UTF8 + raw
        yield f"{doc}-latin1-invalid-utf8.json", text.replace("Hostile", "Hostil\xe9").encode("latin-1")
        yield f"{doc}-truncated.json", raw[: len(raw) // 2]
        yield f"{doc}-trailing-garbage.json", raw + b" }{"
        yield f"{doc}-top-level-array.json", b"[" + raw + b"]"
        yield f"{doc}-nul-byte-outside-string.json", raw[:1] + b"\x00" + raw[1:]
        yield f"{doc}-single-quotes.json", raw.replace(b'"', b"'")
        yield f"{doc}-comments.json", b"// a comment\n" + raw
    yield "programme-duplicate-top-key.json", b'{"schema_version": 1, "schema_version": 1, ' + valid["programme"][1:]
    yield "programme-duplicate-nested-key.json", valid["programme"].replace(b'"hours": 6', b'"hours": 6, "hours": 7')
    yield "rubric-duplicate-key.json", valid["rubric"].replace(b'"threshold": 50', b'"threshold": 50, "threshold": 0')
    yield (
        "rubric-levels-top-score-zero.json",
        json.dumps(
            _set(
                RUBRIC,
                ["criteria", 0, "levels"],
                [{"value": 0, "label": "None", "descriptor": "a"}, {"value": 0, "label": "Zero", "descriptor": "b"}],
            )
        ).encode(),
    )
    yield "rubric-weight-zero-only-criterion.json", json.dumps(_set(RUBRIC, ["criteria", 0, "weight"], 0)).encode()
    yield "rubric-no-criteria.json", json.dumps(_set(RUBRIC, ["criteria"], [])).encode()
    yield "rubric-no-levels.json", json.dumps(_set(RUBRIC, ["criteria", 0, "levels"], [])).encode()
    yield "rubric-unknown-model.json", json.dumps(_set(RUBRIC, ["model"], "vibes")).encode()
    yield (
        "rubric-critical-level-beyond-levels.json",
        json.dumps(_set(RUBRIC, ["criteria", 0, "critical_level"], 9)).encode(),
    )
    yield (
        "programme-prerequisite-loop.json",
        json.dumps(_set(PROGRAMME, ["modules", 0, "prerequisites"], ["send-law-foundations"])).encode(),
    )
    yield (
        "programme-unknown-prerequisite.json",
        json.dumps(_set(PROGRAMME, ["modules", 0, "prerequisites"], ["nowhere"])).encode(),
    )
    yield (
        "programme-duplicate-module-keys.json",
        json.dumps(_set(PROGRAMME, ["modules"], PROGRAMME["modules"] * 2)).encode(),
    )
    yield (
        "programme-unknown-npq-area.json",
        json.dumps(_set(PROGRAMME, ["modules", 0, "outcomes", 0, "npq_areas"], ["astrology"])).encode(),
    )
    yield "programme-modules-not-a-list.json", json.dumps(_set(PROGRAMME, ["modules"], {"a": 1})).encode()
    yield "programme-missing-programme.json", json.dumps({"schema_version": 1, "modules": []}).encode()
    yield "observation-future-date.json", json.dumps(_set(OBSERVATION, ["observed_on"], "2999-01-01")).encode()
    yield "observation-before-the-cohort.json", json.dumps(_set(OBSERVATION, ["observed_on"], "2001-01-01")).encode()
    yield "observation-unknown-scenario.json", json.dumps(_set(OBSERVATION, ["scenario_key"], "astrology")).encode()
    yield "observation-submit-as-text.json", json.dumps(_set(OBSERVATION, ["submit"], "yes")).encode()
    yield (
        "observation-judgements-not-a-list.json",
        json.dumps(_set(OBSERVATION, ["evidence", "judgements"], {"a": 1})).encode(),
    )
    yield "observation-1000-present.json", json.dumps(_set(OBSERVATION, ["present"], ["Parent"] * 1000)).encode()
    yield (
        "observation-deep-in-evidence-1500.json",
        json.dumps(OBSERVATION).replace('"faults": [', '"faults": ' + "[" * 1_500 + "]" * 1_500 + ', "x": [').encode(),
    )
    yield "programme-schema-version-2.json", json.dumps(_set(PROGRAMME, ["schema_version"], 2)).encode()
    for name, raw in {
        "empty": b"",
        "whitespace": b" \n\t ",
        "null": b"null",
        "true": b"true",
        "number": b"6",
        "string": b'"a programme"',
        "empty-array": b"[]",
        "empty-object": b"{}",
        "bom-only": codecs.BOM_UTF8,
        "not-json": b"<programme/>",
        "binary": bytes(range(256)),
        "gzip-magic": b"\x1f\x8b\x08\x00" + b"\x00" * 20,
        "lone-surrogate-escape-key": b'{"\\ud800": 1}',
        "invalid-escape": b'{"a": "\\x41"}',
        "overlong-utf8": b'{"a": "\xc0\xaf"}',
        "cesu-surrogate-bytes": b'{"a": "\xed\xa0\x80"}',
    }.items():
        yield f"raw-{name}.json", raw
    for depth in (64, 1_000, 1_500, 10_000):
        yield f"deep-arrays-{depth}.json", b"[" * depth + b"]" * depth
        yield f"deep-objects-{depth}.json", b'{"a":' * depth + b"1" + b"}" * depth
    yield "deep-unclosed-1500.json", b"[" * 1_500
    yield (
        "deep-in-modules-1500.json",
        valid["programme"].replace(b'"prerequisites": []', b'"prerequisites": ' + b"[" * 1_500 + b"]" * 1_500),
    )


def large_bodies() -> Iterator[tuple[str, bytes]]:
    """Bodies too large to keep in git, built the same way every run."""
    yield "deep-arrays-100000.json", b"[" * 100_000 + b"]" * 100_000
    yield "deep-objects-100000.json", b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    yield "rubric-title-1mb.json", json.dumps(_set(RUBRIC, ["title"], "t" * 1_000_000)).encode()
    yield (
        "rubric-descriptor-5mb.json",
        json.dumps(_set(RUBRIC, ["criteria", 0, "levels", 0, "descriptor"], "d" * 5_000_000)).encode(),
    )
    yield "programme-name-1mb.json", json.dumps(_set(PROGRAMME, ["programme", "name"], "n" * 1_000_000)).encode()
    yield (
        "programme-40000-modules.json",
        json.dumps(
            _set(
                PROGRAMME,
                ["modules"],
                [
                    {
                        **PROGRAMME["modules"][0],
                        "key": f"m{i}",
                        "catalogue_module": None,
                        "prerequisites": [f"m{i - 1}"] if i else [],
                    }
                    for i in range(40_000)
                ],
            )
        ).encode(),
    )


def values() -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of single hostile form values, sent raw (percent-encoded bytes)."""
    texts = {
        "lone-surrogate-cesu": b"\xed\xa0\x80",
        "invalid-utf8": b"\xff\xfe",
        "overlong-slash": b"\xc0\xaf",
        "nul": b"a\x00b",
        "superscript-two": "²".encode(),
        "arabic-digits": "٣".encode(),
        "fullwidth-digits": "６".encode(),
        "empty": b"",
        "spaces": b"   ",
        "newlines": b"\r\n\r\n",
        "over-long-10k": b"x" * 10_000,
        "over-long-200k": b"x" * 200_000,
        "nan": b"NaN",
        "snan": b"sNaN",
        "infinity": b"Infinity",
        "1e400": b"1e400",
        "5000-digits": b"9" * 5000,
        "minus-one": b"-1",
        "zero": b"0",
        "fraction": b"6.5",
        "huge-int": b"99999999999999999999",
        "date-2-parts": b"2026 09",
        "html": b"<script>alert(1)</script>",
        "rtl-override": "\u202eevil".encode(),
        "format-string": b"%s%s%n{0}{__class__}",
        "sql": b"' OR 1=1; --",
        "json": b'{"a": [1, 2]}',
        "backslashes": b"\\\\server\\share",
        "emoji": "🧑‍🏫".encode(),
        "combining": ("e" + "\u0301" * 500).encode(),
    }
    yield from ((f"{name}.txt", raw) for name, raw in texts.items())


def write() -> int:
    count = 0
    for folder, items in ((BODIES, bodies()), (VALUES, values())):
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, raw in items:
            (folder / name).write_bytes(raw)
            count += 1
    return count


def load() -> tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]]:
    """(bodies, values) as kept in the folders, plus the large bodies."""
    kept = sorted((p.name, p.read_bytes()) for p in BODIES.iterdir())
    return kept + list(large_bodies()), sorted((p.name, p.read_bytes()) for p in VALUES.iterdir())


if __name__ == "__main__":
    print(f"{write()} files written under {HERE}")
