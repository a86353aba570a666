"""The closed set of roles a person may hold (one person may hold several)."""

from __future__ import annotations

import enum


class Role(str, enum.Enum):
    ADMIN = "admin"
    DESIGNER = "designer"
    MENTOR = "mentor"
    TRAINEE = "trainee"
    MODERATOR = "moderator"  # second-marks a sample of observations (issue 14)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


# Who counts as staff: the provider's own people, who see every cohort, enrolment and observation
# (and so cannot mark blind). Pages, the API and the services all ask here.
STAFF = (Role.DESIGNER, Role.ADMIN)

ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.DESIGNER: "Course designer",
    Role.MENTOR: "Mentor",
    Role.TRAINEE: "Trainee",
    Role.MODERATOR: "Moderator",
}

# When a person holds several roles they land on the first of these they hold.
HOME_PRIORITY = (Role.ADMIN, Role.DESIGNER, Role.MODERATOR, Role.MENTOR, Role.TRAINEE)
