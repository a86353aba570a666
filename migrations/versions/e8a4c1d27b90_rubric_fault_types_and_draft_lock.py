"""rubric fault types, O-SCORE labels and an optimistic lock on rubric drafts

Stored rubric definitions change shape with engine 2.0:
- a faults rubric must name its fault types; one stored before gets, for each criterion, a minor,
  a serious and a dangerous fault type, so that faults recorded as before still mean the same;
- entrustment levels that carry the old built-in labels get the O-SCORE's own (Gofton et al. 2012).
Downgrade removes what the old engine did not know.

Revision ID: e8a4c1d27b90
Revises: d5c9320fbfa3
Create Date: 2026-11-26 14:30:00

"""
import json

import sqlalchemy as sa
from alembic import op

revision = 'e8a4c1d27b90'
down_revision = 'd5c9320fbfa3'
branch_labels = None
depends_on = None

OLD_LABELS = ["Observer did it", "Step by step", "Prompted", "On call", "Not needed"]
O_SCORE = [
    ("I had to do it", "The observer had to do it; the trainee watched or helped."),
    ("I had to talk them through it", "The trainee acted with the observer talking them through each step."),
    ("I had to prompt them from time to time", "The trainee led, with the observer prompting from time to time."),
    ("I needed to be there in the room just in case", "The trainee led alone; the observer was there just in case."),
    ("I did not need to be there", "The trainee did it safely and independently: unsupervised."),
]
NEW_KEYS = ("fault_types", "pass_rationale", "version")

version_table = sa.table("rubric_version", sa.column("id", sa.Integer), sa.column("definition", sa.JSON))


def _upgraded(definition: dict) -> dict:
    definition = json.loads(json.dumps(definition))  # a deep copy: the original is compared after
    if definition.get("model") == "faults" and not definition.get("fault_types"):
        definition["fault_types"] = [
            {"key": f"{c['key']}-{severity}"[:80], "title": f"A {severity} fault in ‘{c['title']}’", "criterion": c["key"],
             "severity": severity, "fails_alone": severity != "minor", "why": "", "sources": []}
            for c in definition.get("criteria", []) if isinstance(c, dict) and "key" in c and "title" in c
            for severity in ("minor", "serious", "dangerous")
        ]
    if definition.get("model") == "entrustment":
        for c in definition.get("criteria", []):
            levels = c.get("levels") if isinstance(c, dict) else None
            if isinstance(levels, list) and [lv.get("label") for lv in levels if isinstance(lv, dict)] == OLD_LABELS:
                c["levels"] = [{"value": i, "label": label, "descriptor": text} for i, (label, text) in enumerate(O_SCORE, start=1)]
    return definition


def _downgraded(definition: dict) -> dict:
    definition = {k: v for k, v in definition.items() if k not in NEW_KEYS}
    definition["criteria"] = [{k: v for k, v in c.items() if k != "sources"} if isinstance(c, dict) else c
                              for c in definition.get("criteria", [])]
    return definition


def _rewrite(change) -> None:
    bind = op.get_bind()
    for row_id, definition in bind.execute(sa.select(version_table.c.id, version_table.c.definition)).all():
        if isinstance(definition, str):
            definition = json.loads(definition)
        if isinstance(definition, dict):
            new = change(definition)
            if new != definition:
                bind.execute(version_table.update().where(version_table.c.id == row_id).values(definition=new))


def upgrade():
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))
    _rewrite(_upgraded)


def downgrade():
    _rewrite(_downgraded)
    with op.batch_alter_table('rubric_version', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
