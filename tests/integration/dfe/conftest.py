"""The app pointed at the DfE simulator (tests/dfe_simulator.py): a sandbox connection saved with
the simulator's address and token, as an administrator would save it on the settings page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from flask import Flask

from core.extensions import db
from dfe import token_store
from dfe.contract import Environment
from dfe.models import DfeConnection

if TYPE_CHECKING:  # the simulator loads openapi-core: only the tests that use it import it
    from tests.dfe_simulator import DfeSimulator


@pytest.fixture
def connected(app: Flask, dfe_api: DfeSimulator) -> DfeSimulator:
    with app.app_context():
        db.session.add(
            DfeConnection(
                environment=Environment.SANDBOX.value,
                base_url=dfe_api.base_url,
                token_ciphertext=token_store.seal(dfe_api.token),
                token_hint=token_store.hint(dfe_api.token),
            )
        )
        db.session.commit()
    return dfe_api
