"""The app pointed at the DfE simulator (tests/dfe_simulator.py): the sandbox connection saved with
the simulator's address and token, as an administrator would on the settings page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from core.extensions import db
from dfe import token_store
from dfe.contract import Environment
from dfe.models import DfeConnection, DfeSettings
from tests.dfe_simulator import DfeSimulator


@pytest.fixture
def dfe_connected(app: Flask, dfe_api: DfeSimulator) -> Iterator[DfeSimulator]:
    with app.app_context():
        db.session.add(DfeSettings(id=1, environment=Environment.SANDBOX.value, cohort_year=2025))
        db.session.add(
            DfeConnection(
                environment=Environment.SANDBOX.value,
                base_url=dfe_api.base_url,
                token_ciphertext=token_store.seal(dfe_api.token),
                token_hint=token_store.hint(dfe_api.token),
            )
        )
        db.session.commit()
    yield dfe_api
