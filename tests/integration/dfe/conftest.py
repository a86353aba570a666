"""The app pointed at the DfE simulator (tests/dfe_simulator.py): a sandbox connection whose
address and token are the simulator's, saved as the settings page saves them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from flask import Flask

from core.extensions import db
from dfe import connection, token_store
from dfe.contract import Environment
from dfe.models import DfeConnection

if TYPE_CHECKING:  # the simulator loads openapi-core: only the tests that use it pay for it
    from tests.dfe_simulator import DfeSimulator


@pytest.fixture
def dfe_connected(app: Flask, dfe_api: DfeSimulator) -> Iterator[DfeSimulator]:
    """The simulator, with the app's sandbox connection pointing at it (the chosen environment)."""
    with app.app_context():
        db.session.add(
            DfeConnection(
                environment=Environment.SANDBOX.value,
                base_url=dfe_api.base_url,
                token_ciphertext=token_store.seal(dfe_api.token),
                token_hint=token_store.hint(dfe_api.token),
            )
        )
        connection.settings().environment = Environment.SANDBOX.value
        db.session.commit()
    yield dfe_api
