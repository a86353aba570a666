"""Practice text that may name a child: the writer is warned before it is saved, and may keep it."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from sqlalchemy import func, select

from assessments.models import Observation
from core.extensions import db
from tests.conftest import csrf_token

from .conftest import TODAY
from .test_lifecycle import _record

NEW = "/assessments/trainees/{}/observations/new/annual-review"
WARNING = "Check for names"


def _observation_form(client, enrolment_id: int, comment: str, notes: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    page = client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    day = TODAY - timedelta(days=1)
    return {
        "csrf_token": csrf_token(page),
        "idempotency_key": re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1),
        "observed_on": [str(day.day), str(day.month), str(day.year)],
        "setting": "Meeting room",
        **{f"c{i}": "3" for i in range(6)},
        "m2": comment,
        "present_notes": notes,
        "save_draft": "1",
    }


def _observations(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Observation))


def test_a_comment_naming_a_child_is_held_back_with_a_warning_then_saved_when_sent_again(
    app, client, auth, enrolment_id
):
    auth.sign_in("mentor@example.org")
    data = _observation_form(client, enrolment_id, "Oliver answered the chair’s questions.", "Mo took notes")
    first = client.post(NEW.format(enrolment_id), data=data)
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and WARNING in page
    assert "Comment on ‘Keeps the child" in page and ": Oliver<" in page  # the field, and the word found
    assert 'href="#m2"' in page and "Nothing has been saved yet" in page
    assert "Mo" not in re.search(r"<ul class=\"govuk-list govuk-list--bullet\">(.*?)</ul>", page, re.S).group(1)
    assert _observations(app) == 0
    again = client.post(NEW.format(enrolment_id), data=data)  # the same text: the writer keeps it
    assert again.status_code == 302 and _observations(app) == 1


def test_changing_the_text_is_checked_again_and_role_words_pass_at_once(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    data = _observation_form(client, enrolment_id, "Amelia spoke first.", "")
    assert WARNING in client.post(NEW.format(enrolment_id), data=data).get_data(as_text=True)
    data["m2"] = "Amelia and Zuzanna spoke first."  # a different text is a new check
    assert WARNING in client.post(NEW.format(enrolment_id), data=data).get_data(as_text=True)
    data["m2"] = "The pupil (A) spoke first; her mum agreed the outcomes."
    assert client.post(NEW.format(enrolment_id), data=data).status_code == 302
    assert _observations(app) == 1


def test_a_reflection_naming_known_staff_is_saved_and_the_log_says_only_that_the_check_ran(
    app, client, auth, enrolment_id, people, caplog
):
    observation_id = _record(app, enrolment_id, people["mentor"])
    auth.sign_in("trainee@example.org")
    url = f"/assessments/my-training/observations/{observation_id}"
    page = client.get(url).get_data(as_text=True)
    with caplog.at_level(logging.INFO):
        named = client.post(
            f"{url}/reflection", data={"csrf_token": csrf_token(page), "reflection": "Mo helped me ask Muhammad."}
        )
        assert WARNING in named.get_data(as_text=True) and ": Muhammad<" in named.get_data(as_text=True)
        client.post(f"{url}/reflection", data={"csrf_token": csrf_token(page), "reflection": "Mo helped me."})
    assert "Mo helped me." in client.get(url).get_data(as_text=True)  # a known person's name: no warning
    checks = [r.getMessage() for r in caplog.records if "names check" in r.getMessage()]
    assert checks and all("Muhammad" not in message for message in checks)
    assert "Muhammad" not in caplog.text


def test_without_a_list_of_names_text_is_saved_and_the_log_says_the_check_was_skipped(
    app, client, auth, enrolment_id, tmp_path, caplog
):
    """A server whose cache folder cannot be written (a service account with no home) saves
    practice text unchecked rather than refusing every save."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the list's folder should be")
    app.config["GIVEN_NAMES_DIR"] = str(blocked)
    auth.sign_in("mentor@example.org")
    data = _observation_form(client, enrolment_id, "Oliver answered first.", "")
    with caplog.at_level(logging.WARNING):
        assert client.post(NEW.format(enrolment_id), data=data).status_code == 302
    assert _observations(app) == 1
    assert "children's names check skipped" in caplog.text
