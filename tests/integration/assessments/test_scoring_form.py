"""The scoring form puts the rubric in view (issue 25): each criterion as radios whose hints are
the rubric's own level descriptors, must-reach levels in words, each fault's severity and why;
and a submitted observation's pages show each chosen level with its descriptor.

Every expectation is read from the rubric stored in the database, never copied here."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments import services
from assessments.models import Enrolment, Observation
from competencies import engine
from competencies import services as competency_services
from core.extensions import db
from curriculum import services as curriculum_services
from curriculum.models import CatalogueModule
from tests.conftest import csrf_token, load_content
from tests.radios import radio_groups, text_of

from .conftest import TODAY

NEW = "/assessments/trainees/{}/observations/new/{}"
# One rubric of each model in the library: levels and weights, entrustment (O-SCORE), faults.
SCENARIOS = ("annual-review", "staff-training", "screening-assessment")


@pytest.fixture
def enrolment_id(app, people) -> int:  # type: ignore[no-untyped-def]
    """The trainee, with their mentor, on a programme whose modules prepare all of SCENARIOS."""
    load_content(app, "Catalogue", "Scenarios")
    with app.app_context():
        programme = curriculum_services.create_programme(
            None, curriculum_services.ProgrammeDetails("NPQ for SENCOs", "Provider", TODAY - timedelta(days=30), 78)
        )
        keys = [
            m.key
            for m in db.session.scalars(select(CatalogueModule).order_by(CatalogueModule.key))
            if set(SCENARIOS) & set(m.scenario_keys)
        ]
        curriculum_services.add_catalogue_modules(programme.id, None, keys)
        version = curriculum_services.publish(programme.id, None, None)
        cohort = services.create_cohort("Autumn cohort", version.id)
        given = services.EnrolmentInput(
            people["trainee"], (people["mentor"],), "Hill Primary", TODAY - timedelta(days=400)
        )
        return services.enrol(cohort.id, given, TODAY).id


def _rubric(app, enrolment_id: int, key: str) -> engine.Rubric:  # type: ignore[no-untyped-def]
    """The rubric the cohort marks this scenario with, as the engine reads it from the database."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        scenario = competency_services.get_scenario(key)
        return competency_services.rubric_of(services.current_rubric(scenario, enrolment.cohort))


@pytest.mark.parametrize("key", SCENARIOS)
def test_every_level_of_every_criterion_is_a_radio_with_the_rubrics_descriptor_as_its_hint(
    app, client, auth, enrolment_id, key
):  # type: ignore[no-untyped-def]
    rubric = _rubric(app, enrolment_id, key)
    auth.sign_in("mentor@example.org")
    page = client.get(NEW.format(enrolment_id, key)).get_data(as_text=True)
    groups = radio_groups(page)
    if rubric.model is engine.RubricModel.FAULTS:
        assert not any(name.startswith("c") for name in groups)  # every criterion counts as observed
    for i, criterion in enumerate(rubric.criteria):
        if rubric.model is engine.RubricModel.FAULTS:
            break
        group = groups[f"c{i}"]
        assert group.legend == criterion.title
        for level in criterion.levels:
            radio = group.by_value(str(level.value))
            assert radio.label == f"{level.value}: {level.label}"
            assert level.descriptor and radio.hint == re.sub(r"\s+", " ", level.descriptor).strip()
        assert group.by_value("").label == "Not observed"
        values = [r.value for r in group.radios]
        if criterion.critical_level is None:
            assert group.by_value("n/a").label == "Not applicable in this observation"
            assert "Must reach" not in group.hint
        else:
            assert "n/a" not in values
            label = criterion.label_of(criterion.critical_level)
            assert group.hint == f"Must reach level {criterion.critical_level} ({label}) whatever the total"
        assert not any(r.checked for r in group.radios)  # nothing chosen for the mentor
        # the comment box comes straight after its criterion's radios
        after = page.index(f'name="c{i}"')
        assert page.index(f'name="m{i}"') > after
        assert f'name="c{i + 1}"' not in page[after : page.index(f'name="m{i}"')]
    for i, kind in enumerate(rubric.fault_types):
        hint = text_of(page, f"f{i}-hint")
        assert hint.startswith(f"{kind.severity.value.capitalize()} fault")
        assert ("fails the observation on its own" in hint) is kind.fails_alone
        assert re.sub(r"\s+", " ", kind.why).strip() in hint


def test_posting_the_radios_records_the_observation_as_before(app, client, auth, enrolment_id):
    rubric = _rubric(app, enrolment_id, "annual-review")
    auth.sign_in("mentor@example.org")
    page = client.get(NEW.format(enrolment_id, "annual-review")).get_data(as_text=True)
    groups = radio_groups(page)
    # What a mentor clicks: "3: Secure" on most, "Not observed" on one, not applicable on another.
    chosen = {}
    for i, criterion in enumerate(rubric.criteria):
        group = groups[f"c{i}"]
        if i == 3:
            chosen[f"c{i}"] = group.by_value("").value
        elif i == 5 and criterion.critical_level is None:
            chosen[f"c{i}"] = next(r.value for r in group.radios if r.label == "Not applicable in this observation")
        else:
            chosen[f"c{i}"] = next(r.value for r in group.radios if r.label.startswith("3: "))
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    day = TODAY - timedelta(days=1)
    response = client.post(
        NEW.format(enrolment_id, "annual-review"),
        data={
            "csrf_token": csrf_token(page),
            "idempotency_key": key,
            "observed_on": [str(day.day), str(day.month), str(day.year)],
            "setting": "Meeting room",
            "m2": "Asked the pupil first.",
            "submit_observation": "1",
            **chosen,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        evidence = db.session.scalar(select(Observation)).evidence
    expected = []
    for i, criterion in enumerate(rubric.criteria):
        comment = "Asked the pupil first." if i == 2 else ""
        if chosen[f"c{i}"] == "n/a":
            expected.append({"criterion": criterion.key, "not_applicable": True, "comment": comment})
        elif chosen[f"c{i}"]:
            expected.append({"criterion": criterion.key, "level": 3, "comment": comment})
    assert [{k: j[k] for k in e} for j, e in zip(evidence["judgements"], expected, strict=True)] == expected


def test_a_level_off_the_list_is_refused_beside_its_criterion(app, client, auth, enrolment_id):
    rubric = _rubric(app, enrolment_id, "annual-review")
    auth.sign_in("mentor@example.org")
    page = client.get(NEW.format(enrolment_id, "annual-review")).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    day = TODAY - timedelta(days=1)
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": key,
        "observed_on": [str(day.day), str(day.month), str(day.year)],
        "setting": "Meeting room",
        "c0": "9",
        "submit_observation": "1",
    }
    refused = client.post(NEW.format(enrolment_id, "annual-review"), data=data).get_data(as_text=True)
    message = f"Choose a level for ‘{rubric.criteria[0].title}’ from the list"
    assert f'<a href="#c0">{message}</a>' in refused.replace("&#39;", "'")  # the summary links to the first radio
    assert 'id="c0-error"' in refused and 'id="c0" name="c0" type="radio"' in refused


def _submitted(client, enrolment_id: int, levels: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    page = client.get(NEW.format(enrolment_id, "annual-review")).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    day = TODAY - timedelta(days=1)
    response = client.post(
        NEW.format(enrolment_id, "annual-review"),
        data={
            "csrf_token": csrf_token(page),
            "idempotency_key": key,
            "observed_on": [str(day.day), str(day.month), str(day.year)],
            "setting": "Meeting room",
            "m2": "Asked the pupil first.",
            "submit_observation": "1",
            **levels,
        },
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_submitted_observation_shows_each_chosen_level_with_its_descriptor_to_mentor_and_trainee(
    app, client, auth, enrolment_id
):  # type: ignore[no-untyped-def]
    rubric = _rubric(app, enrolment_id, "annual-review")
    chosen = {criterion.key: criterion.levels[i % len(criterion.levels)] for i, criterion in enumerate(rubric.criteria)}
    auth.sign_in("mentor@example.org")
    mentor_url = _submitted(
        client, enrolment_id, {f"c{i}": str(chosen[c.key].value) for i, c in enumerate(rubric.criteria)}
    )
    mentor_page = client.get(mentor_url).get_data(as_text=True)
    with app.app_context():
        observation_id = db.session.scalar(select(Observation.id))
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    trainee_page = client.get(f"/assessments/my-training/observations/{observation_id}").get_data(as_text=True)
    for page, heading in ((mentor_page, "Marks and comments"), (trainee_page, "Your mentor’s marks and comments")):
        marks = _marks(page)
        assert heading in page
        for criterion in rubric.criteria:
            level = chosen[criterion.key]
            assert marks[criterion.title][:2] == [f"{level.value}: {level.label}", level.descriptor]
        assert marks[rubric.criteria[2].title][-1] == "Asked the pupil first."


def _marks(page: str) -> dict[str, list[str]]:
    """The marks list: each criterion's title → the paragraphs beside it (level, descriptor, comment)."""
    found = re.search(r'<dl class="govuk-summary-list app-marks">(.*?)</dl>', page, flags=re.S)
    assert found, "no marks on the page"
    rows = {}
    for key, value in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", found.group(1), flags=re.S):
        paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<p[^>]*>(.*?)</p>", value, flags=re.S)]
        rows[_plain(key)] = [_plain(p).removeprefix("Comment: ") for p in paragraphs]
    return rows


def _plain(html: str) -> str:
    import html as markup

    return re.sub(r"\s+", " ", markup.unescape(html)).strip()
