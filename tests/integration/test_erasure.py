"""An administrator erases a person: their data goes from every table and file, what others need
stays anonymised, all or nothing, and erasing twice is safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessments.models import Enrolment, Observation
from core import privacy
from core.accounts import api_tokens
from core.accounts.erasure import erase_account
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db
from core.privacy import erasure
from core.problems import Invalid
from tests.conftest import Auth, load_content, post_form
from verify import erasure_row


@pytest.fixture
def content(app):  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")


def test_no_canary_is_left_anywhere_after_erasure_and_the_export_held_them_all(app, content):
    outcome = erasure_row.run(app)
    assert outcome.missing_from_export == []
    # The seeding reached the database, the stored PDFs and the job results before erasure...
    places = {f.where for f in outcome.before}
    assert {"enrolment.school", "observation.reflection", "observation.evidence", "sign_in_failure.address"} <= places
    assert any(p.startswith("documents/") for p in places) and any(p.startswith("job-results/") for p in places)
    # ...and nothing of it is anywhere after.
    assert outcome.after == []


def test_what_others_need_stays_anonymised_and_the_result_says_why(app, content):
    seeded = erasure_row.seed(app, files=False)
    with app.app_context():
        observations_before = db.session.scalar(select(func.count()).select_from(Observation))
        erased = erasure.erase_person(seeded.person_id, seeded.admin_id)
        person = db.session.get(User, seeded.person_id)
        assert person.name == f"Erased person {seeded.person_id}" and not person.active and person.roles == set()
        # The register keeps the enrolment; moderation statistics keep every observation's levels.
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.trainee_id == seeded.person_id))
        assert enrolment is not None and enrolment.school == ""
        assert db.session.scalar(select(func.count()).select_from(Observation)) == observations_before
        kept = " ".join(erased.kept)
        assert "register" in kept and "moderation statistics" in kept and "other trainees" in kept


def test_erasing_twice_changes_nothing_more(app, content):
    seeded = erasure_row.seed(app, files=False)
    with app.app_context():
        erasure.erase_person(seeded.person_id, seeded.admin_id)
        first = erasure_row.search_tables(app)
        again = erasure.erase_person(seeded.person_id, seeded.admin_id)
        assert again.already and erasure_row.search_tables(app) == first == []


class _Failing(privacy.Provider):
    """A room whose erasure fails after another part has already changed the account."""

    name = "Failing"

    def __init__(self, stored: Path) -> None:
        self.stored = stored

    def erase(self, person_id: int) -> list[str]:
        erase_account(person_id)
        erasure.remove_after_commit(self.stored)
        raise RuntimeError("a room could not erase")


def test_a_failing_part_leaves_everything_as_it_was_files_included(app, make_person, tmp_path):
    person_id = make_person("kept@example.org", Role.TRAINEE, name="Kept Person")
    stored = tmp_path / "documents" / "kept.pdf"
    stored.parent.mkdir(exist_ok=True)
    stored.write_bytes(b"%PDF-1.7 kept")
    privacy.register(app, _Failing(stored))
    with app.app_context(), pytest.raises(RuntimeError):
        erasure.erase_person(person_id)
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.name == "Kept Person" and person.email == "kept@example.org" and person.erased_at is None
    assert stored.read_bytes() == b"%PDF-1.7 kept"


def test_an_admin_erases_a_person_after_a_confirmation_page(app, auth, client, make_person):
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    person_id = make_person("leaver@example.org", Role.TRAINEE, name="Lee Leaver")
    auth.sign_in("admin@example.org")
    assert f'href="/admin/people/{person_id}/erase"' in client.get(f"/admin/people/{person_id}").get_data(as_text=True)
    confirm = client.get(f"/admin/people/{person_id}/erase").get_data(as_text=True)
    assert "Erase Lee Leaver’s personal data?" in confirm and "You cannot undo this." in confirm
    done = post_form(client, f"/admin/people/{person_id}/erase", {})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Personal data erased" in page
    assert f"Erased person {person_id}" in page and "What was kept, and why" in page
    listing = client.get("/admin/people/").get_data(as_text=True)
    assert "Lee Leaver" not in listing and "leaver@example.org" not in listing
    # The tombstone cannot sign in, nor be given a name, an email or a password again.
    assert Auth(app.test_client()).sign_in("leaver@example.org").status_code == 200
    edit = post_form(
        client,
        f"/admin/people/{person_id}",
        {"name": "Lee Leaver", "email": "leaver@example.org", "roles": ["trainee"], "password": ""},
    )
    assert "personal data was erased: their account can no longer be changed" in edit.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, person_id).email == f"erased-{person_id}@erased.invalid"
        erased = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.PERSON_ERASED)).one()
        assert (erased.person_id, erased.actor.name) == (person_id, "Ada Admin")  # the audit log says who


def test_an_admin_cannot_erase_themselves(app, auth, client, make_person):
    admin_id = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")
    assert "/erase" not in client.get(f"/admin/people/{admin_id}").get_data(as_text=True)
    response = post_form(client, f"/admin/people/{admin_id}/erase", {})
    assert response.status_code == 400
    assert 'href="#erase">You cannot erase your own account' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).erased_at is None
    with app.app_context(), pytest.raises(Invalid):
        erasure.erase_person(admin_id, admin_id)


def test_the_cli_erases_after_yes_and_prints_what_was_kept(app, runner, make_person):
    person_id = make_person("leaver@example.org", Role.TRAINEE, name="Lee Leaver")
    asked = runner.invoke(args=["privacy", "erase", "leaver@example.org"], input="n\n")
    assert asked.exit_code == 1 and "This cannot be undone" in asked.output
    with app.app_context():
        assert db.session.get(User, person_id).erased_at is None
    done = runner.invoke(args=["privacy", "erase", "leaver@example.org", "--yes"])
    assert done.exit_code == 0, done.output
    assert f"the account is now “Erased person {person_id}”" in done.output and "Kept, and why:" in done.output
    again = runner.invoke(args=["privacy", "erase", str(person_id), "--yes"])
    assert again.exit_code == 0 and "Erased again" in again.output
    unknown = runner.invoke(args=["privacy", "erase", "nobody@example.org", "--yes"])
    assert unknown.exit_code == 1 and "nobody@example.org" in unknown.output


def test_the_erased_persons_open_sessions_end_and_their_tokens_stop(app, make_person):
    person_id = make_person("leaver@example.org", Role.TRAINEE, name="Lee Leaver")
    browser = app.test_client()
    Auth(browser).sign_in("leaver@example.org")
    assert browser.get("/").status_code == 302 and "/sign-in" not in browser.get("/").headers["Location"]
    with app.app_context():
        token = api_tokens.issue_token(db.session.get(User, person_id), "script")
        erasure.erase_person(person_id)
    assert "/sign-in" in browser.get("/").headers["Location"]
    with app.app_context():
        assert api_tokens.user_for_token(token) is None


def test_the_cli_reads_a_superscript_two_as_an_email_not_a_person_number(runner, make_person):
    # "²".isdigit() is true, and int("²") raised: the command crashed with a traceback.
    make_person("leaver@example.org", Role.TRAINEE, name="Lee Leaver")
    result = runner.invoke(args=["privacy", "erase", "²", "--yes"])
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError)
    assert "²" in result.output
