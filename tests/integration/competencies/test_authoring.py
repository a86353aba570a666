"""A designer writes, tries, publishes, revises, exports and imports a rubric."""

from __future__ import annotations

import io
import json
import re

from competencies.models import Rubric
from core.extensions import db
from tests.conftest import csrf_token, page_lock, post_form


def _new_rubric(client, **fields) -> str:  # type: ignore[no-untyped-def]
    data = {
        "title": "Lead a multi-agency meeting",
        "model": "analytic",
        "pass_mark": "60",
        "module_keys": ["multi-agency-working"],
    } | fields
    response = post_form(client, "/competencies/rubrics/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


LEVELS = "Absent: not seen\nPartial: seen sometimes\nSecure: seen throughout"


def test_author_try_publish_and_revise_a_rubric(app, client, designer):
    url = _new_rubric(client)
    page = client.get(url).get_data(as_text=True)
    assert "Add at least one criterion" in page and "Publish version" not in page

    assert (
        post_form(
            client,
            f"{url}/criteria/new",
            {"title": "Keeps the child's voice central", "weight": "2", "critical_level": "2", "levels": LEVELS},
        ).status_code
        == 302
    )
    assert (
        post_form(
            client, f"{url}/criteria/new", {"title": "Agrees actions", "weight": "1", "levels": LEVELS}
        ).status_code
        == 302
    )
    # (2×1 + 1×3) / (2×3 + 1×3) = 5/9 = 56 % < 60 %, and the voice at 1 < 2.
    tried = post_form(client, url, {"c0": "1", "c1": "3"}).get_data(as_text=True)
    assert "Outcome: not yet met" in tried and "it must reach level 2 (Partial) whatever the total" in tried

    assert client.post(f"{url}/publish", data={"csrf_token": csrf_token(tried), **page_lock(tried)}).status_code == 302
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert (
            rubric.draft is None and rubric.published[0].number == 1 and rubric.module_keys == ["multi-agency-working"]
        )
    # A published version cannot be edited; editing starts version 2 and leaves version 1 alone.
    refused = post_form(client, f"{url}/criteria/new", {"title": "Late", "weight": "1", "levels": LEVELS}, form_url=url)
    assert refused.status_code == 200 and "Published versions never change" in refused.get_data(as_text=True)
    client.post(f"{url}/draft", data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True))})
    post_form(client, f"{url}/criteria/agrees-actions", {"title": "Agrees actions", "weight": "3", "levels": LEVELS})
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert [c["weight"] for c in rubric.versions[0].definition["criteria"]] == [2, 1]
        assert [c["weight"] for c in rubric.versions[1].definition["criteria"]] == [2, 3]


def test_a_rubric_can_score_a_library_scenario(app, client, designer):
    from competencies import services

    with app.app_context():
        services.load_library()
    url = _new_rubric(client, scenario_key="annual-review")
    assert "Scores the observed scenario" in client.get(url).get_data(as_text=True)
    scenario = client.get("/competencies/scenarios/annual-review").get_data(as_text=True)
    assert "Designers’ rubrics for this scenario" in scenario and "Lead a multi-agency meeting" in scenario
    refused = post_form(
        client,
        "/competencies/rubrics/new",
        {"title": "X", "model": "analytic", "pass_mark": "60", "scenario_key": "no-such"},
    )
    assert "Choose a scenario from the list" in refused.get_data(as_text=True)


WTFORMS_DEFAULTS = ("Not a valid", "is not a valid choice", "This field is required", "Invalid input")


def test_bad_values_in_every_rubric_field_get_govuk_messages_not_wtforms_defaults(client, designer):
    new = post_form(
        client,
        "/competencies/rubrics/new",
        {
            "title": "",
            "model": "vibes",
            "pass_mark": "lots",
            "pass_level": "high",
            "fault_limit": "many",
            "scenario_key": "nowhere",
            "module_keys": ["no-such-module"],
        },
    ).get_data(as_text=True)
    assert "Choose how the rubric is scored" in new and "Enter the pass mark as a number from 1 to 100" in new
    assert not any(text in new for text in WTFORMS_DEFAULTS)
    for model, field, message in [
        ("entrustment", "pass_level", "Enter the pass level as a whole number"),
        ("faults", "fault_limit", "Enter the most minor faults allowed as a whole number"),
    ]:
        page = post_form(client, "/competencies/rubrics/new", {"title": "T", "model": model, field: "x"}).get_data(
            as_text=True
        )
        assert message in page and not any(text in page for text in WTFORMS_DEFAULTS)
    url = _new_rubric(client)
    criterion = post_form(
        client, f"{url}/criteria/new", {"title": "", "weight": "heavy", "critical_level": "top"}
    ).get_data(as_text=True)
    assert "Enter a weight as a number" in criterion and "Enter the must-meet level as a whole number" in criterion
    assert not any(text in criterion for text in WTFORMS_DEFAULTS)
    fault = post_form(
        client,
        f"{url}/fault-types/new",
        {"title": "", "severity": "awful", "fails_alone": "maybe", "criterion": "nothing"},
    ).get_data(as_text=True)
    assert "Choose how severe the fault is" in fault and "Choose a criterion from the list" in fault
    assert not any(text in fault for text in WTFORMS_DEFAULTS)
    post_form(client, f"{url}/criteria/new", {"title": "Voice", "weight": "1", "levels": LEVELS})
    tried = post_form(client, url, {"c0": "9"}).get_data(as_text=True)
    assert "Choose a level for ‘Voice’ from the list" in tried and not any(text in tried for text in WTFORMS_DEFAULTS)


def test_a_bad_criterion_is_refused_beside_its_field(client, designer):
    url = _new_rubric(client)
    page = post_form(
        client,
        f"{url}/criteria/new",
        {"title": "Voice", "weight": "-1", "critical_level": "7", "levels": "Only one: level"},
    ).get_data(as_text=True)
    assert 'href="#weight">Enter a weight as a number from 0 to 1,000' in page
    assert "Give at least two levels, lowest first" in page


def test_an_entrustment_rubric_needs_no_levels_and_checks_its_pass_level(client, designer):
    refused = post_form(
        client, "/competencies/rubrics/new", {"title": "Entrust", "model": "entrustment", "pass_level": "9"}
    )
    assert 'href="#pass_level">Enter a pass level from 1 to 5' in refused.get_data(as_text=True)
    url = post_form(
        client,
        "/competencies/rubrics/new",
        {"title": "Entrust", "model": "entrustment", "pass_level": "4", "pass_rationale": "Level 4 at mid-course"},
    ).headers["Location"]
    post_form(client, f"{url}/criteria/new", {"title": "Leads the session"})
    page = client.get(url).get_data(as_text=True)
    assert "Leads the session" in page and "Publish version 1" in page and "Level 4 at mid-course" in page


def test_each_model_shows_only_its_own_setting(client, designer):
    new = client.get("/competencies/rubrics/new").get_data(as_text=True)
    assert "Pass mark or unsupervised level" not in new  # one label per meaning
    assert all(label in new for label in ("Pass mark (per cent)", "Pass level", "Most minor faults allowed"))
    for model, shown, hidden in [
        ("analytic", "Pass mark (per cent)", ("Pass level", "Most minor faults allowed")),
        ("faults", "Most minor faults allowed", ("Pass mark (per cent)", "Pass level")),
        ("entrustment", "Pass level", ("Pass mark (per cent)", "Most minor faults allowed")),
    ]:
        url = _new_rubric(client, title=f"A {model} rubric", model=model)
        settings = client.get(f"{url}/settings").get_data(as_text=True)
        assert shown in settings and not any(f">{label}" in settings for label in hidden), model


def test_a_designer_defines_fault_types_and_mentors_pick_from_them(app, client, designer):
    url = _new_rubric(client, title="Give a screening test", model="faults", fault_limit="1")
    page = client.get(url).get_data(as_text=True)
    assert "Faults a mentor can record" in page and "Add at least one fault type that a mentor can record" in page
    assert "(criteria)" not in page and "fault_types" not in page  # no internal names
    post_form(client, f"{url}/criteria/new", {"title": "Follows the manual"})
    assert (
        post_form(
            client,
            f"{url}/fault-types/new",
            {"title": "Skips a timing", "severity": "minor", "fails_alone": "no", "criterion": "follows-the-manual"},
        ).status_code
        == 302
    )
    assert (
        post_form(
            client,
            f"{url}/fault-types/new",
            {
                "title": "Coaches the pupil",
                "severity": "serious",
                "fails_alone": "yes",
                "why": "It invalidates the score",
            },
        ).status_code
        == 302
    )
    refused = post_form(
        client, f"{url}/fault-types/new", {"title": "", "severity": "catastrophic", "fails_alone": "no"}
    )
    assert "Enter the fault" in refused.get_data(as_text=True)
    # Fault types in order: f0 "Skips a timing" (minor), f1 "Coaches the pupil" (serious, fails alone).
    tried = post_form(client, url, {"f0": "1"}).get_data(as_text=True)
    assert "Outcome: met" in tried
    tried = post_form(client, url, {"f1": "1"}).get_data(as_text=True)
    assert "Outcome: not yet met" in tried and "‘Coaches the pupil’" in tried
    post_form(
        client,
        f"{url}/fault-types/coaches-the-pupil",
        {"title": "Coaches the pupil", "severity": "dangerous", "fails_alone": "yes"},
    )
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Give a screening test"))
        kinds = {f["key"]: f for f in rubric.latest.definition["fault_types"]}
        assert (
            kinds["coaches-the-pupil"]["severity"] == "dangerous"
            and kinds["skips-a-timing"]["criterion"] == "follows-the-manual"
        )


def test_a_double_clicked_remove_removes_one_criterion(app, client, designer):
    url = _new_rubric(client)
    for title in ("First", "Second", "Third"):
        post_form(client, f"{url}/criteria/new", {"title": title, "weight": "1", "levels": LEVELS})
    page = client.get(url).get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    form = {"csrf_token": csrf_token(page), "lock_version": lock}
    assert client.post(f"{url}/criteria/first/remove", data=form).status_code == 302
    second = client.post(f"{url}/criteria/first/remove", data=form, follow_redirects=True).get_data(as_text=True)
    assert "This rubric was changed by someone else since you opened it" in second
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert [c["key"] for c in rubric.latest.definition["criteria"]] == ["second", "third"]


def test_a_stale_change_never_overwrites_another_criterion(app, client, designer):
    url = _new_rubric(client)
    for title in ("First", "Second"):
        post_form(client, f"{url}/criteria/new", {"title": title, "weight": "1", "levels": LEVELS})
    opened = client.get(f"{url}/criteria/second").get_data(as_text=True)  # designer A opens "Second"
    post_form(client, f"{url}/criteria/first/remove", {}, form_url=url)  # designer B removes "First"
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', opened).group(1)
    saved = client.post(
        f"{url}/criteria/second",
        data={
            "csrf_token": csrf_token(opened),
            "lock_version": lock,
            "title": "Second, changed",
            "weight": "2",
            "levels": LEVELS,
        },
    )
    assert "This rubric was changed by someone else" in saved.get_data(as_text=True)
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert [c["title"] for c in rubric.latest.definition["criteria"]] == ["Second"]


def test_export_then_import_a_rubric_and_a_bad_file_is_refused_whole(app, client, designer):
    url = _new_rubric(client)
    post_form(client, f"{url}/criteria/new", {"title": "Voice", "weight": "1", "levels": LEVELS})
    exported = client.get(f"{url}/export.json")
    page = client.get("/competencies/rubrics/import").get_data(as_text=True)
    ok = client.post(
        "/competencies/rubrics/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(exported.data), "r.json")},
    )
    assert ok.status_code == 302
    preview = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert client.post(ok.headers["Location"], data={"csrf_token": csrf_token(preview)}).status_code == 302
    broken = json.loads(exported.data) | {"threshold": 500}
    broken["criteria"][0]["levels"][1]["value"] = 1
    page = client.get("/competencies/rubrics/import").get_data(as_text=True)
    refused = client.post(
        "/competencies/rubrics/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(json.dumps(broken).encode()), "r.json")},
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert (
        "Criterion 1 ‘Voice’, level 2 ‘Partial’, value: Number the levels one after another, lowest first: 1 follows 1"
        in text
    )
    assert "(criteria[0].levels[1].value)" in text
    assert "Enter the pass mark as a number from 1 to 100 (per cent)" in text and "(threshold)" in text
    with app.app_context():
        assert db.session.query(Rubric).count() == 2
    assert re.search(r"3 problems in the file", text)  # and level 3 no longer follows level 1 in order
