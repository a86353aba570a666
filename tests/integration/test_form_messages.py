"""Every form, sent a bad value in every field, answers in GOV.UK words, never with WTForms' own
("Not a valid integer value.", "This field is required.", "Not a valid choice."…).

The forms are found by walking FlaskForm's subclasses, so a form added later is checked too;
WTForms' and Flask-WTF's messages are read from the installed libraries, not copied here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_wtf
import pytest
import wtforms
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DecimalField, FileField, IntegerField, SelectFieldBase
from wtforms.fields import HiddenField, SubmitField

import competencies.forms
import core.accounts.forms
import curriculum.forms
from competencies import services as competencies_services
from core.content import loaders
from tests.conftest import post_form

ROOM_FORMS = (core.accounts.forms, curriculum.forms, competencies.forms)


def _library_messages() -> list[re.Pattern[str]]:
    """WTForms' catalogue of messages plus Flask-WTF's, as patterns (placeholders match anything)."""
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    texts = re.findall(r'^msgid(?:_plural)? "(.+)"$', pot.read_text(), flags=re.MULTILINE)
    for name in ("file.py", "csrf.py"):
        texts += re.findall(r'gettext\(\s*"([^"]+)"', (Path(flask_wtf.__file__).parent / name).read_text())
    patterns = []
    for text in set(texts):
        pattern = re.sub(r"%\\\(\w+\\\)[sd]|\\\{\w+\\\}|%s", ".+", re.escape(text))
        patterns.append(re.compile(pattern))
    return patterns


LIBRARY_MESSAGES = _library_messages()


def test_the_library_messages_are_found_so_the_check_can_fail():
    found = {p.pattern for p in LIBRARY_MESSAGES}
    assert any(p.fullmatch("Not a valid integer value.") for p in LIBRARY_MESSAGES), found
    assert any(p.fullmatch("Field cannot be longer than 4000 characters.") for p in LIBRARY_MESSAGES)
    assert any(p.fullmatch("'x' is not a valid choice for this field.") for p in LIBRARY_MESSAGES)


def _form_classes() -> Iterator[type[FlaskForm]]:
    seen: set[type] = set()
    todo = list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo += cls.__subclasses__()
            if cls.__module__ in {m.__name__ for m in ROOM_FORMS} and cls.__name__ != "TryForm":
                yield cls


def _bad_values(field: Any) -> list[list[str]]:
    """Values a person (or a stale, tampered page) could send that the field must refuse."""
    if isinstance(field, DateField):
        return [["", "", ""], ["31", "2", "2025"], ["1", "nine", "2025"], ["1", "9", ""]]
    if isinstance(field, (IntegerField, DecimalField)):
        return [[""], ["six"], ["1.5"], ["-4"], ["99999999"], ["   "]]
    if isinstance(field, SelectFieldBase):
        return [[], ["no-such-choice"], ["no-such-choice", "another"]]
    if isinstance(field, FileField):
        return [[], ["not a file"]]
    return [[""], ["x" * 10_001], ["   "], ["not an email address"], ["No prefix on this line"]]


def _errors(form: FlaskForm) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


def _library_texts(messages: list[str]) -> list[str]:
    return [m for m in messages if any(p.fullmatch(m) for p in LIBRARY_MESSAGES)]


def _send_bad_values(app: Any, form_factory: Any) -> tuple[list[str], list[str]]:
    """Send each bad value of each field (the other fields empty) and collect every message."""
    shown, defaults = [], []
    with app.test_request_context(method="POST"):
        fields = [
            f
            for f in form_factory(MultiDict())
            if not isinstance(f, (SubmitField, HiddenField)) and f.name != "csrf_token"
        ]
    for field in fields:
        for values in _bad_values(field):
            with app.test_request_context(method="POST"):
                form = form_factory(MultiDict([(field.name, v) for v in values]))
                for other in form:
                    if isinstance(other, SelectFieldBase) and not other.choices:
                        other.choices = [("a-real-choice", "A real choice")]  # as each view fills them
                form.validate()
                messages = _errors(form)
            shown += messages
            defaults += [f"{field.name}={values!r}: {m}" for m in _library_texts(messages)]
    return shown, defaults


def _params() -> list[Any]:
    return [pytest.param(cls, id=cls.__name__) for cls in sorted(_form_classes(), key=lambda c: c.__name__)]


@pytest.mark.parametrize("form_class", _params())
def test_a_bad_value_in_any_field_of_the_form_gets_a_gov_uk_message(app, form_class):
    shown, defaults = _send_bad_values(app, lambda data: form_class(formdata=data, meta={"csrf": False}))
    if form_class.__name__ not in {"LockedForm", "ConfirmForm"}:
        assert shown, "no bad value was refused: the check did not run"
    assert defaults == []


def test_a_bad_value_in_the_try_a_rubric_form_gets_a_gov_uk_message(app):
    with app.app_context():
        for loader in loaders():
            loader.load()
        rubrics = [competencies_services.rubric_of(s.rubric.latest) for s in competencies_services.list_scenarios()]
    assert rubrics
    for rubric in rubrics:
        _, defaults = _send_bad_values(app, lambda data, r=rubric: competencies.forms.try_form(r, data))
        assert defaults == []


PAGES = {
    "/curriculum/programmes/new": {
        "name": "x" * 300,
        "provider": "",
        "cohort_start": ["31", "2", "x"],
        "length_weeks": "six",
    },
    "/admin/people/new": {"name": "", "email": "not an email", "roles": ["no-such-role"], "password": "short"},
    "/account/password": {"current_password": "", "new_password": "x", "confirm_password": "y"},
}


@pytest.mark.parametrize("url", PAGES)
def test_the_pages_show_gov_uk_messages_in_the_summary_and_by_the_field(client, auth, make_person, url):
    from core.accounts.roles import Role

    make_person("both@example.org", Role.ADMIN, Role.DESIGNER)
    auth.sign_in("both@example.org")
    page = post_form(client, url, PAGES[url]).get_data(as_text=True)
    assert "There is a problem" in page
    summary = re.findall(r'<a href="#[^"]+">([^<]+)</a>', page.split("govuk-error-summary__list")[1].split("</ul>")[0])
    by_field = [m.strip() for m in re.findall(r'<span class="govuk-visually-hidden">Error:</span>([^<]+)<', page)]
    assert len(summary) >= 3 and sorted(set(summary)) == sorted(set(by_field))
    assert _library_texts(summary) == []
