"""Migration e8a4c1d27b90: stored rubrics of the old shape load with engine 2.0, and back again."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from competencies import engine
from core.extensions import db
from tests.conftest import make_app, postgresql_url

OLD_FAULTS = {
    "key": "old-faults",
    "title": "Old faults",
    "model": "faults",
    "threshold": 0,
    "fault_limit": 2,
    "criteria": [{"key": "manual", "title": "Follows the manual", "weight": 1, "critical_level": None, "levels": []}],
}
OLD_LABELS = ["Observer did it", "Step by step", "Prompted", "On call", "Not needed"]
OLD_ENTRUST = {
    "key": "old-entrust",
    "title": "Old entrustment",
    "model": "entrustment",
    "threshold": 4,
    "fault_limit": 15,
    "criteria": [
        {
            "key": "leads",
            "title": "Leads",
            "weight": 1,
            "critical_level": None,
            "levels": [{"value": i, "label": label, "descriptor": ""} for i, label in enumerate(OLD_LABELS, 1)],
        }
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):  # type: ignore[no-untyped-def]
    url = (
        f"sqlite:///{tmp_path / 'old.sqlite3'}"
        if request.param == "sqlite"
        else postgresql_url(schema="senco_rubric_migration")
    )
    app = make_app(url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision="d5c9320fbfa3")
        with db.engine.begin() as connection:
            for n, definition in enumerate((OLD_FAULTS, OLD_ENTRUST), start=1):
                connection.execute(
                    sa.text(
                        "INSERT INTO rubric (id, key, title, created_at, module_keys) "
                        "VALUES (:id, :key, :title, CURRENT_TIMESTAMP, '[]')"
                    ),
                    {"id": n, "key": definition["key"], "title": definition["title"]},
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO rubric_version (id, rubric_id, number, definition, created_at, in_use) "
                        "VALUES (:id, :id, 1, :definition, CURRENT_TIMESTAMP, false)"
                    ),
                    {"id": n, "definition": json.dumps(definition)},
                )
        yield app
        db.engine.dispose()


def _definitions() -> list[dict]:  # type: ignore[type-arg]
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT definition FROM rubric_version ORDER BY id")).scalars().all()
    return [json.loads(row) if isinstance(row, str) else row for row in rows]


def test_old_faults_and_entrustment_rubrics_are_migrated_to_load_with_the_new_engine(old_database):
    with pytest.raises(engine.RubricError):
        engine.rubric_from_dict(OLD_FAULTS)  # a faults rubric now needs fault types
    upgrade()
    faults, entrust = (engine.rubric_from_dict(d) for d in _definitions())
    assert [f.key for f in faults.fault_types] == ["manual-minor", "manual-serious", "manual-dangerous"]
    result = engine.score(faults, engine.Evidence((engine.Judgement("manual"),), (engine.Fault("manual-serious"),)))
    assert result.outcome is engine.Outcome.NOT_YET_MET
    assert entrust.criteria[0].levels[4].label == "I did not need to be there"
    downgrade(revision="d5c9320fbfa3")
    assert all("fault_types" not in d for d in _definitions())
