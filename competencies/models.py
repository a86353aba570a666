"""Tables for the scenario library and versioned rubrics.

A rubric version that has scored an observation never changes (``in_use``); a change then
makes a new version, so every past result can be explained by the rubric that produced it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.extensions import db


class Rubric(db.Model):
    __tablename__ = "rubric"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    module_keys: Mapped[list[str]] = mapped_column(JSON, default=list)  # curriculum modules it assesses
    # The observed scenario (competency) a designer's own rubric scores; the library's rubrics are
    # linked the other way, by Scenario.rubric_id. A checked key rather than a foreign key, so the
    # two tables do not point at each other.
    scenario_key: Mapped[str | None] = mapped_column(String(80))
    versions: Mapped[list[RubricVersion]] = relationship(
        back_populates="rubric", order_by="RubricVersion.number", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def latest(self) -> RubricVersion:
        return self.versions[-1]

    @property
    def draft(self) -> RubricVersion | None:
        return self.latest if self.latest.published_at is None else None

    @property
    def published(self) -> list[RubricVersion]:
        return [v for v in self.versions if v.published_at is not None]


class RubricVersion(db.Model):
    __tablename__ = "rubric_version"
    __table_args__ = (UniqueConstraint("rubric_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"))
    number: Mapped[int]
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)  # the engine's dict format
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    in_use: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]  # None: a draft, still being written
    # Optimistic locking: every save bumps this; a save based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    rubric: Mapped[Rubric] = relationship(back_populates="versions")

    __mapper_args__ = {"version_id_col": lock_version}


class Scenario(db.Model):
    __tablename__ = "scenario"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    setting: Mapped[str] = mapped_column(Text)
    present: Mapped[list[str]] = mapped_column(JSON, default=list)
    looks_for: Mapped[list[str]] = mapped_column(JSON, default=list)
    module_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    observers: Mapped[list[str]] = mapped_column(JSON, default=list)  # who may observe; sign-off needs more than one
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int]
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id"))
    rubric: Mapped[Rubric] = relationship(lazy="selectin")
