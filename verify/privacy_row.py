"""Personal-data columns without a privacy rule: the app's models reflected against the privacy
registry (core.privacy.gaps, the same check as tests/integration/test_privacy_registry.py)."""

from __future__ import annotations

from core import privacy
from core.app import create_app

Figure = tuple[str, bool, list[str]]


def columns_without_a_rule() -> Figure:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        missing, unknown = privacy.gaps()
        declared = privacy.declared_tables()
        fields = sum(len(t.fields) for t in declared.values())
    figure = f"{len(missing)} ({fields} personal columns declared in {len(declared)} tables; {len(unknown)} stale declarations)"
    notes = [f"undeclared: {m}" for m in missing] + [f"declared but missing: {u}" for u in unknown]
    return figure, not missing and not unknown, notes
