"""The table of observation requests: a trainee asks one of their mentors to observe them in a
scenario; the mentor accepts (with a date) or declines, and the request is done once observed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.cohorts import Enrolment
from assessments.models.limits import KEY_MAX_LENGTH
from assessments.models.observations import Observation
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db


class RequestStatus:
    OPEN = "open"  # asked, not yet answered
    ACCEPTED = "accepted"  # the mentor will observe on ``planned_on``
    DECLINED = "declined"
    DONE = "done"  # an observation of the scenario was submitted
    OPEN_STATES = (OPEN, ACCEPTED)


_OPEN_REQUEST = column("status").in_(RequestStatus.OPEN_STATES)


class ObservationRequest(db.Model):
    """A trainee asks one of their mentors to observe them in a scenario."""

    __tablename__ = "observation_request"
    # One open request per trainee, mentor and scenario, held by the database too: two posts of the
    # same form at once cannot both pass the service's check.
    __table_args__ = (
        Index(
            "uq_observation_request_open",
            "enrolment_id",
            "mentor_id",
            "scenario_key",
            unique=True,
            sqlite_where=_OPEN_REQUEST,
            postgresql_where=_OPEN_REQUEST,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN, index=True)
    planned_on: Mapped[date | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observation.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship()
    mentor: Mapped[User] = relationship()
    observation: Mapped[Observation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in RequestStatus.OPEN_STATES
