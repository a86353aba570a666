"""Tables for the built-in catalogue and for programmes with their numbered versions.

Programme versions copy what they take from the catalogue, so a later catalogue update never
changes a published version; they keep the catalogue key only to say where a module came from.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.keys import KEY_MAX_LENGTH
from curriculum.rules import (
    HOURS_PER_MODULE_MAX,
    HOURS_PER_MODULE_MIN,
    KIND_MAX_LENGTH,
    LENGTH_WEEKS_MAX,
    LENGTH_WEEKS_MIN,
    NAME_MAX_LENGTH,
    OUTCOME_TEXT_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)

__all__ = ["KEY_MAX_LENGTH", "NAME_MAX_LENGTH", "TITLE_MAX_LENGTH"]


def _at_most(column: str, maximum: int) -> CheckConstraint:
    """SQLite ignores VARCHAR lengths; this CHECK makes both databases hold the column's limit."""
    return CheckConstraint(f"length({column}) <= {maximum}", name=f"{column}_length")


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members])


class NpqArea(db.Model):
    """One of the eight areas of the NPQ for SENCOs framework."""

    __tablename__ = "npq_area"
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    position: Mapped[int]


class SurveyOutcome(db.Model):
    """A NASENCO learning outcome from the 2022 Skipp and Tyers survey, with its 'met well' share."""

    __tablename__ = "survey_outcome"
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    group_title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    met_well_percent: Mapped[int]
    position: Mapped[int]


class CatalogueArea(db.Model):
    __tablename__ = "catalogue_area"
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX_LENGTH), default="")
    mandatory: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int]
    modules: Mapped[list[CatalogueModule]] = relationship(
        back_populates="area", order_by="CatalogueModule.position", cascade="all, delete-orphan", lazy="selectin"
    )


class CatalogueModule(db.Model):
    __tablename__ = "catalogue_module"
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    area_key: Mapped[str] = mapped_column(ForeignKey("catalogue_area.key", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX_LENGTH), default="")
    suggested_hours: Mapped[int]
    delivery_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    scenario_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int]
    area: Mapped[CatalogueArea] = relationship(back_populates="modules")
    outcomes: Mapped[list[CatalogueOutcome]] = relationship(
        back_populates="module", order_by="CatalogueOutcome.position", cascade="all, delete-orphan", lazy="selectin"
    )


class CatalogueOutcome(db.Model):
    __tablename__ = "catalogue_outcome"
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), primary_key=True)
    module_key: Mapped[str] = mapped_column(ForeignKey("catalogue_module.key", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX_LENGTH))
    text: Mapped[str] = mapped_column(String(OUTCOME_TEXT_MAX_LENGTH))
    npq_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    survey_outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int]
    module: Mapped[CatalogueModule] = relationship(back_populates="outcomes")


class VersionStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Programme(db.Model):
    """A provider's programme; what it contains lives in its versions."""

    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by: Mapped[User | None] = relationship()
    versions: Mapped[list[ProgrammeVersion]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeVersion.id", lazy="selectin"
    )

    @property
    def draft(self) -> ProgrammeVersion | None:
        return next((v for v in self.versions if v.status is VersionStatus.DRAFT), None)

    @property
    def published(self) -> list[ProgrammeVersion]:
        return [v for v in self.versions if v.status is VersionStatus.PUBLISHED]

    @property
    def current(self) -> ProgrammeVersion:
        """The draft if there is one, else the newest published version."""
        return self.draft or self.published[-1]


class ProgrammeVersion(db.Model):
    """A draft (editable, unnumbered) or a published version (numbered, dated, never changed)."""

    __tablename__ = "programme_version"
    __table_args__ = (
        UniqueConstraint("programme_id", "number"),
        CheckConstraint(f"length_weeks BETWEEN {LENGTH_WEEKS_MIN} AND {LENGTH_WEEKS_MAX}", name="length_weeks_range"),
        _at_most("name", NAME_MAX_LENGTH),
        _at_most("provider", NAME_MAX_LENGTH),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    number: Mapped[int | None]
    status: Mapped[VersionStatus] = mapped_column(_enum(VersionStatus), default=VersionStatus.DRAFT)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    provider: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    cohort_start: Mapped[date]
    length_weeks: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Optimistic locking: every save bumps this; a save based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1)

    programme: Mapped[Programme] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()
    modules: Mapped[list[ProgrammeModule]] = relationship(
        back_populates="version", order_by="ProgrammeModule.position", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def is_draft(self) -> bool:
        return self.status is VersionStatus.DRAFT

    @property
    def label(self) -> str:
        return f"Version {self.number}" if self.number else "Draft"

    def module(self, key: str) -> ProgrammeModule | None:
        return next((m for m in self.modules if m.key == key), None)


class ProgrammeModule(db.Model):
    __tablename__ = "programme_module"
    __table_args__ = (
        UniqueConstraint("version_id", "key"),
        CheckConstraint(f"hours BETWEEN {HOURS_PER_MODULE_MIN} AND {HOURS_PER_MODULE_MAX}", name="hours_range"),
        _at_most("title", TITLE_MAX_LENGTH),
        _at_most("summary", SUMMARY_MAX_LENGTH),
        _at_most("block", NAME_MAX_LENGTH),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("programme_version.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX_LENGTH), default="")
    hours: Mapped[int]
    block: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH), default="")
    area_key: Mapped[str | None] = mapped_column(String(KEY_MAX_LENGTH))
    catalogue_key: Mapped[str | None] = mapped_column(String(KEY_MAX_LENGTH))
    delivery_modes: Mapped[list[str]] = mapped_column(JSON, default=list)
    scenario_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    prerequisite_keys: Mapped[list[str]] = mapped_column(JSON, default=list)

    version: Mapped[ProgrammeVersion] = relationship(back_populates="modules")
    outcomes: Mapped[list[ProgrammeOutcome]] = relationship(
        back_populates="module", order_by="ProgrammeOutcome.position", cascade="all, delete-orphan", lazy="selectin"
    )


class ProgrammeOutcome(db.Model):
    __tablename__ = "programme_outcome"
    __table_args__ = (UniqueConstraint("module_id", "key"), _at_most("text", OUTCOME_TEXT_MAX_LENGTH))

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("programme_module.id", ondelete="CASCADE"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    kind: Mapped[str] = mapped_column(String(KIND_MAX_LENGTH))
    text: Mapped[str] = mapped_column(String(OUTCOME_TEXT_MAX_LENGTH))
    npq_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    survey_outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)

    module: Mapped[ProgrammeModule] = relationship(back_populates="outcomes")
