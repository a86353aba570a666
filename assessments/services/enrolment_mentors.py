"""Adding a mentor to an enrolment after it was made: a second observer for sign-off's
"J different observers", or a new mentor when one leaves."""

from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from assessments.models import Enrolment
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid


def add_mentor(enrolment_id: int, mentor_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise Invalid("Choose an enrolment", "enrolment_id")
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not mentor.active or Role.MENTOR not in mentor.roles:
        raise Invalid("Choose a mentor", "mentor_id")
    if mentor in enrolment.mentors:
        raise Invalid(f"{mentor.name} already mentors {enrolment.trainee.name}", "mentor_id")
    if mentor.id == enrolment.trainee_id:
        raise Invalid("A trainee cannot mentor themselves", "mentor_id")
    enrolment.mentors.append(mentor)
    # The mentors live in another table: bump the enrolment's version so a change form opened
    # before this addition is refused rather than silently removing the new mentor.
    flag_modified(enrolment, "school")
    db.session.commit()
    return enrolment
