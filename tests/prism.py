"""Stoplight Prism (tests/prism, npm @stoplight/prism-cli) mocking the DfE's NPQ API v3 document.

Prism answers from the document's examples and, with ``--errors``, answers a request the document
does not allow with the document's 4xx (422 for a bad body, 401 without Authorization) instead
of a mock. It is a second, independent reading of the contract beside tests/dfe_contract.py.

It is given a derived copy of the document written at test time (``prism_document``): where a
schema holds ``required: true`` Prism skips body validation without a word, and every request body
of the API has such schemas, so with the file as vendored Prism accepts any declaration.
It runs with ``--dynamic`` (see below); what it answers is made up from the schemas, not state.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.dfe_contract import prism_document

PRISM_DIR = Path(__file__).resolve().parent / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
STARTUP_WAIT_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_prism(work_dir: Path) -> Iterator[str]:
    """Prism on a free port until the block ends; yields its base URL. Fails (never skips) when
    Prism is not installed."""
    if not PRISM_BIN.exists():
        pytest.fail("Prism is not installed: run npm ci --prefix tests/prism")
    document = work_dir / "dfe_npq_api_v3.derived.json"
    document.write_text(json.dumps(prism_document()), encoding="utf-8")
    port = _free_port()
    log = (work_dir / "prism.log").open("wb")
    process = subprocess.Popen(
        [
            "node",
            str(PRISM_BIN),
            "mock",
            "--host",
            "127.0.0.1",
            "-p",
            str(port),
            # --errors: refuse what the document does not allow (and check Prism's own answers).
            # --dynamic: answers made from the schemas, since the declaration examples' statement_id
            # is not a uuid and Prism, checking its own answer, would send 500. A fixed seed keeps
            # those answers the same from run to run.
            "--errors",
            "--dynamic",
            "--seed",
            "23",
            str(document),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_listening(process, url, work_dir / "prism.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_listening(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Prism exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            # Any answer will do (401: the document asks for a token); a refused connection will not.
            httpx.get(f"{url}/api/v3/statements", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"Prism did not listen within {STARTUP_WAIT_SECONDS} s:\n{log.read_text(errors='replace')[-3000:]}")
