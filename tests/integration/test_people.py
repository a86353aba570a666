"""An administrator adds, edits and deactivates people and sets their roles."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from core.accounts import services
from core.accounts.errors import AccountError
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import PASSWORD, Auth, post_form

NEW_PERSON = {
    "name": "Sam Senco",
    "email": "sam@school.example",
    "roles": ["mentor", "trainee"],
    "access": "temporary",
    "password": "a long temporary password",
}


def _signed_in_admin(auth, make_person) -> int:  # type: ignore[no-untyped-def]
    admin_id = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")
    return admin_id


def test_an_admin_adds_a_person_who_can_then_sign_in(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    response = post_form(client, "/admin/people/new", NEW_PERSON)
    assert response.headers["Location"] == "/admin/people/"
    listing = client.get("/admin/people/").get_data(as_text=True)
    assert "Sam Senco has been added." in listing
    assert "sam@school.example" in listing and "Mentor, Trainee" in listing
    auth.sign_out()
    newcomer = app.test_client()
    assert Auth(newcomer).sign_in("sam@school.example", NEW_PERSON["password"]).status_code == 302


def test_a_duplicate_email_is_an_error_on_the_email_field(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    response = post_form(client, "/admin/people/new", {**NEW_PERSON, "email": "ADMIN@example.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="#email">A person with this email address already exists' in page
    assert 'value="Sam Senco"' in page  # what was typed is kept


def test_each_invalid_field_is_named_in_the_error_summary(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    page = post_form(client, "/admin/people/new", {"name": " ", "email": "not-an-email", "password": "short"}).get_data(
        as_text=True
    )
    assert 'href="#name">' in page
    assert 'href="#email">Enter an email address in the correct format' in page
    assert 'href="#roles">Select at least one role' in page
    assert 'href="#password">Enter a password of 12 to 128 characters' in page


def test_an_admin_changes_roles_and_deactivates_a_person(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    person_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    form = client.get(f"/admin/people/{person_id}").get_data(as_text=True)
    assert 'value="Mo Mentor"' in form
    response = post_form(
        client,
        f"/admin/people/{person_id}",
        {"name": "Mo Mentor", "email": "mentor@example.org", "roles": ["designer"], "password": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.roles == {Role.DESIGNER}
        assert person.active is True  # editing never deactivates: that has its own button
    assert 'name="active"' not in form and "Account is active" not in form
    assert f'href="/admin/people/{person_id}/deactivate"' in form
    confirm = client.get(f"/admin/people/{person_id}/deactivate").get_data(as_text=True)
    assert "Deactivate Mo Mentor?" in confirm and "signed out everywhere" in confirm
    with app.app_context():
        assert db.session.get(User, person_id).active is True  # asking changes nothing
    assert post_form(client, f"/admin/people/{person_id}/deactivate", {}).status_code == 302
    assert "Deactivated" in client.get("/admin/people/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, person_id).active is False
    assert (
        post_form(
            client, f"/admin/people/{person_id}/reactivate", {}, form_url=f"/admin/people/{person_id}"
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(User, person_id).active is True


def test_an_admin_cannot_deactivate_themselves(app, auth, client, make_person):
    admin_id = _signed_in_admin(auth, make_person)
    assert "/deactivate" not in client.get(f"/admin/people/{admin_id}").get_data(as_text=True)
    response = post_form(client, f"/admin/people/{admin_id}/deactivate", {})
    assert response.status_code == 400
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).active is True


def test_a_search_that_finds_no_one_suggests_what_to_try(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    page = client.get("/admin/people/?q=Zebedee+Quux").get_data(as_text=True)
    assert "No one matches “Zebedee Quux”" in page
    assert "part of a name only, like “Zebe”" in page and "Show everyone" in page


def test_an_admin_cannot_remove_their_own_admin_role(app, auth, client, make_person):
    admin_id = _signed_in_admin(auth, make_person)
    page = post_form(
        client,
        f"/admin/people/{admin_id}",
        {"name": "Ada Admin", "email": "admin@example.org", "roles": ["mentor"], "active": "y"},
    ).get_data(as_text=True)
    assert 'href="#roles">You cannot remove your own administrator role' in page
    with app.app_context():
        assert Role.ADMIN in db.session.get(User, admin_id).roles


def test_search_finds_people_by_name_or_email(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    make_person("zoe@school.example", Role.TRAINEE, name="Zoe Zephyr")
    page = client.get("/admin/people/?q=zeph").get_data(as_text=True)
    assert "zoe@school.example" in page and "admin@example.org" not in page
    assert "No one matches" in client.get("/admin/people/?q=qqq").get_data(as_text=True)


def test_editing_an_unknown_person_is_a_404(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    assert client.get("/admin/people/99999").status_code == 404


def test_nothing_is_saved_when_the_form_is_refused(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    post_form(client, "/admin/people/new", {**NEW_PERSON, "roles": []})
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sam@school.example")) is None


def test_a_guessable_temporary_password_is_refused_and_nothing_is_saved(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    response = post_form(client, "/admin/people/new", {**NEW_PERSON, "password": "sam senco school"})
    page = response.get_data(as_text=True)
    assert 'href="#password">Enter a password that does not contain the person’s name or email address' in page
    response = post_form(client, "/admin/people/new", {**NEW_PERSON, "password": "123456789012"})
    assert 'href="#password">Enter a password that is harder to guess' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sam@school.example")) is None


def test_administrators_adding_the_same_email_at_once_get_one_person_and_a_message(app):
    """Several may pass the check for a free email before one saves: the database's unique rule
    decides, and the others are told beside the email field, never shown a server error."""
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def add(name: str) -> None:
        with app.app_context():
            start.wait()
            try:
                services.create_person(name, "twin@example.org", PASSWORD, {Role.MENTOR})
                outcomes.append("added")
            except AccountError as error:
                outcomes.append(str(error))  # "field: message"

    threads = [threading.Thread(target=add, args=(f"Ann {n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added"] + ["email: A person with this email address already exists"] * 5
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "twin@example.org")) == 1


def test_a_cohort_of_people_is_listed_a_page_at_a_time_and_a_search_keeps_its_pages(app, auth, client, make_person):
    from core.accounts.models import NO_PASSWORD
    from core.paging import PAGE_SIZE

    _signed_in_admin(auth, make_person)
    with app.app_context():
        for i in range(PAGE_SIZE + 5):
            db.session.add(User(name=f"Trainee {i:02}", email=f"t{i:02}@cohort.example", password_hash=NO_PASSWORD))
        db.session.commit()
    first = client.get("/admin/people/").get_data(as_text=True)
    assert f"{PAGE_SIZE + 6} people" in first
    assert first.count('<tr class="govuk-table__row">') == PAGE_SIZE + 1  # the header row, then one page
    assert "Showing 1 to 25 of 31 people" in first and 'href="/admin/people/?page=2"' in first
    assert 'href="/admin/people/?show=not-accepted">Show only people who have not accepted' in first
    found = client.get("/admin/people/?q=cohort.example&page=2").get_data(as_text=True)
    assert "Showing 26 to 30 of 30 people" in found and "t29@cohort.example" in found
    assert "admin@example.org" not in found


def test_a_name_with_a_line_break_is_refused_on_the_form_and_nothing_is_saved(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    refused = post_form(client, "/admin/people/new", {**NEW_PERSON, "name": "Eve\r\nBcc: someone@example.net"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Enter the name without line breaks, tabs or hidden control characters" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == NEW_PERSON["email"])) == 0


def test_an_email_address_pasted_with_spaces_around_it_is_taken(app, auth, client, make_person):
    _signed_in_admin(auth, make_person)
    added = post_form(client, "/admin/people/new", {**NEW_PERSON, "email": "  sam@school.example "})
    assert added.headers["Location"] == "/admin/people/"
    with app.app_context():
        assert db.session.scalar(select(User.email).where(User.name == "Sam Senco")) == "sam@school.example"


def test_a_search_for_a_percent_sign_or_an_underscore_finds_only_names_that_hold_one(auth, client, make_person):
    _signed_in_admin(auth, make_person)
    make_person("jo_smith@example.org", Role.TRAINEE, name="Jo Smith")
    underscore = client.get("/admin/people/?q=_").get_data(as_text=True)
    assert "1 person matching “_”" in underscore and "jo_smith@example.org" in underscore
    percent = client.get("/admin/people/?q=%25").get_data(as_text=True)
    assert "No one matches “%”" in percent
