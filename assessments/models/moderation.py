"""Tables for moderation (issue 14): the samples of a cohort's submitted observations drawn for
second marking, each sampled observation's blind marks and agreed judgement, and a cohort's
moderation settings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.cohorts import Cohort
from assessments.models.observations import Observation
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db

AGREED_REASON_MAX_LENGTH = 2_000  # the reason for an agreed judgement
SEED_MAX_LENGTH = 64  # sampling.SEED_MAX_LENGTH
GAP_MAX = 20  # levels apart before adjudication: no rubric scale is longer


class SampleMethod:
    CHOSEN = "chosen"
    RANDOM = "random"


class ModerationSample(db.Model):
    """Submitted observations of a cohort drawn for second marking. A random draw records its seed
    and the candidates it drew from, so it can be drawn again and checked."""

    __tablename__ = "moderation_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int | None]
    seed: Mapped[str | None] = mapped_column(String(SEED_MAX_LENGTH))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # sampling.Candidate fields
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cohort: Mapped[Cohort] = relationship()
    drawn_by: Mapped[User | None] = relationship()
    items: Mapped[list[ModerationItem]] = relationship(back_populates="sample", order_by="ModerationItem.id")


class ModerationItem(db.Model):
    """One sampled observation: the moderator's blind marks, then the agreed judgement. An
    observation is sampled at most once. The mentor's marks stay on the observation itself."""

    __tablename__ = "moderation_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("moderation_sample.id", ondelete="CASCADE"), index=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), unique=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    moderator_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    moderator_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # engine Result.to_dict()
    marked_at: Mapped[datetime | None]
    agreed_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    agreed_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    agreed_reason: Mapped[str] = mapped_column(String(AGREED_REASON_MAX_LENGTH), default="")
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None]
    # The markers differed by more than the cohort's gap: a third marker decides, not the two of them.
    adjudicate: Mapped[bool] = mapped_column(default=False, server_default=false())
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    sample: Mapped[ModerationSample] = relationship(back_populates="items")
    observation: Mapped[Observation] = relationship()
    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def marked(self) -> bool:
        return self.moderator_result is not None

    @property
    def agreed(self) -> bool:
        return self.agreed_result is not None


class ModerationPolicy(db.Model):
    """A cohort's moderation settings: mentors whose quadratic-weighted kappa on levels falls
    below ``minimum_kappa`` (given enough pairs) are flagged for calibration."""

    __tablename__ = "moderation_policy"
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    minimum_kappa: Mapped[str] = mapped_column(String(20), default="0.6")  # a decimal, read as an exact Fraction
    min_pairs: Mapped[int] = mapped_column(default=10)
    # Trainees do not see the outcome of a sampled observation until it is moderated (marked, and
    # agreed where the marks differ), so nobody reads a judgement that changes the next day.
    hold_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The sampling plan: the share of each mentor's submitted observations to sample, higher for
    # mentors flagged for calibration; a mentor sampled less is shown as short.
    sample_rate: Mapped[int] = mapped_column(default=10, server_default="10")
    raised_rate: Mapped[int] = mapped_column(default=25, server_default="25")
    # Levels further apart than this on any criterion send the observation to a third marker.
    adjudication_gap: Mapped[int] = mapped_column(default=1, server_default="1")
    # A new mentor's first ``new_mentor_first`` observations are sampled at ``new_mentor_rate``.
    new_mentor_rate: Mapped[int] = mapped_column(default=50, server_default="50")
    new_mentor_first: Mapped[int] = mapped_column(default=0, server_default="0")
    # The interim share: by ``interim_on`` this percentage of each mentor's planned sample is due;
    # the rest by the end (the final share).
    interim_share: Mapped[int] = mapped_column(default=50, server_default="50")
    interim_on: Mapped[date | None]
    # Two people saving the settings from pages opened at once: the later, staler save is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}
