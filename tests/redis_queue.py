"""A Redis queue of a test's own, for the tests that run jobs on real RQ workers.

Import the fixture into a test module (``from tests.redis_queue import REDIS_URL, queue_name``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from redis import Redis
from rq import Queue

from tests.conftest import RUN_ID

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue no other test uses, deleted with its jobs afterwards. Without Redis the test is
    skipped, except on CI, where it fails (.ci/run starts Redis)."""
    try:
        Redis.from_url(REDIS_URL).ping()
    except Exception as error:  # any failure to reach Redis means the same here
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable (.ci/run starts it)")
    name = f"senco-test-{RUN_ID}-{secrets.token_hex(3)}"
    yield name
    Queue(name, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)
