"""What the declarations page shows: every declaration, the DfE's statements with their
declarations counted, whether a sender holds a row now, and dates in words.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assessments.deadlines import format_date
from assessments.models import Enrolment
from core.clock import utcnow
from core.extensions import db
from dfe import connection
from dfe.contract import Environment
from dfe.models import DfeDeclaration, DfeStatement


@dataclass(frozen=True)
class StatementRow:
    statement: DfeStatement
    counts: dict[tuple[str, str], int]  # (declaration type, state) → how many on it

    @property
    def title(self) -> str:
        return f"{self.statement.month} {self.statement.year}"


def statements(env: Environment | None = None) -> list[StatementRow]:
    """Each statement, newest payment first, with its declarations counted by type and state."""
    env = env or connection.environment()
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for statement_id, kind, state, number in db.session.execute(
        select(DfeDeclaration.statement_id, DfeDeclaration.declaration_type, DfeDeclaration.state, func.count())
        .where(DfeDeclaration.environment == env.value, DfeDeclaration.statement_id.is_not(None))
        .group_by(DfeDeclaration.statement_id, DfeDeclaration.declaration_type, DfeDeclaration.state)
    ):
        counts[str(statement_id)][(kind, state)] = number
    rows = db.session.scalars(
        select(DfeStatement)
        .where(DfeStatement.environment == env.value)
        .order_by(DfeStatement.payment_date.desc(), DfeStatement.id)
    )
    return [StatementRow(s, counts.get(s.id, {})) for s in rows]


def declarations(env: Environment | None = None) -> list[DfeDeclaration]:
    """Every declaration of the environment, newest first, with its trainee loaded."""
    env = env or connection.environment()
    return list(
        db.session.scalars(
            select(DfeDeclaration)
            .where(DfeDeclaration.environment == env.value)
            .options(selectinload(DfeDeclaration.enrolment).selectinload(Enrolment.trainee))
            .order_by(DfeDeclaration.id.desc())
        )
    )


def claimed_now(row: DfeDeclaration) -> bool:
    """Whether a sender holds this queued declaration at this moment (shown as "Sending")."""
    until = row.claimed_until
    if until is None:
        return False
    until = until if until.tzinfo else until.replace(tzinfo=UTC)
    return until > utcnow()


def in_words(day: datetime | date | None) -> str:
    if day is None:
        return ""
    return format_date((day.date() if isinstance(day, datetime) else day).isoformat())
