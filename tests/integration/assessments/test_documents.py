"""Training plans and observation records as PDFs, read back with pypdf: what a trainee, their mentor
and a designer download, who may download which, and the stored copy with its ETag."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from assessments import services
from assessments.case_study_rules import CaseStudyDates, CaseStudyResult
from assessments.deadlines import format_date
from assessments.models import Enrolment, Observation
from assessments.services import case_study, plans
from competencies import engine
from competencies import services as competency_services
from core import pdf, printing
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests import pdf_reading as read

from .conftest import TODAY

CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
NOT_MET = {
    "judgements": [
        {
            "criterion": k,
            "level": 2 if k == "child-voice" else 3,
            "comment": "Views were read out, not discussed." if k == "child-voice" else "",
        }
        for k in CRITERIA
    ],
    "faults": [],
}
PLAN_SECTIONS = [
    "Progress summary",
    "Gaps and how to close them",
    "Schedule of remaining modules",
    "Next observations",
    "Targets",
    "Record of observations",
    "Reflection",
]


def _observe(app, enrolment_id: int, mentor_id: int, key: str, days_ago: int = 3, setting: str = "Meeting room") -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return services.record_observation(
            enrolment_id,
            mentor_id,
            services.ObservationInput(
                "annual-review",
                TODAY - timedelta(days=days_ago),
                setting,
                ("Parents or carers",),
                NOT_MET,
                key,
                submit=True,
            ),
            TODAY,
        ).id


def _plan_url(enrolment_id: int) -> str:
    return f"/assessments/enrolments/{enrolment_id}/training-plan.pdf"


def test_a_trainee_downloads_their_plan_from_my_training_with_every_competency_and_gap(
    app, client, auth, people, enrolment_id
):  # type: ignore[no-untyped-def]
    _observe(app, enrolment_id, people["mentor"], "obs-1")
    auth.sign_in("trainee@example.org")
    page = client.get("/assessments/my-training").get_data(as_text=True)
    assert _plan_url(enrolment_id) in page and "Download your training plan (PDF)" in page
    response = client.get(_plan_url(enrolment_id))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data
    words = read.text(body)
    assert "Training plan: Tia Trainee" in words and "Hill Primary" in words and "Mo Mentor" in words
    with app.app_context():
        plan = plans.training_plan(enrolment_id, TODAY)
        assert plan is not None and plan.gaps
        for competency in plan.competencies:
            assert read.compact(competency.title) in read.compact(words)
        for gap in plan.gaps:
            for reason in gap.missing:
                assert read.compact(reason) in read.compact(words)
    assert (
        "Keeps the child's voice central" in words or "Keeps the child’s voice central" in words
    )  # the never-met criterion
    assert "Views were read out, not discussed." in words  # the latest feedback
    assert "Deadline:" in words  # the statutory deadline, with its reason
    assert "Overall (latest observation): not yet met." in words and ".." not in words  # one full stop
    assert re.search(r"Page 1 of \d+", words)
    assert read.outline(body) == ["Training plan: Tia Trainee", PLAN_SECTIONS]


def test_every_pdf_carries_title_author_language_pdf_ua_and_embedded_fonts(app, client, auth, enrolment_id):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    body = client.get(_plan_url(enrolment_id)).data
    metadata = read.reader(body).metadata
    assert metadata.title == "Training plan: Tia Trainee" and metadata.author == pdf.AUTHOR
    assert read.language(body) == "en-GB"
    assert 'pdfuaid:part="1"' in read.xmp(body)
    assert read.reader(body).trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged
    assert read.figures_without_alt(body) == 0  # the progress chart carries its figures as text
    fonts = read.fonts(body)
    assert fonts and all(embedded for _, embedded in fonts)
    assert read.blank_pages(body) == []


def test_a_new_trainee_with_no_observations_gets_a_plan_that_reads_well(app, client, auth, enrolment_id):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    words = read.text(client.get(_plan_url(enrolment_id)).data)
    assert "0 submitted observations" in words
    assert "No observations have been submitted yet" in words
    assert "Be observed in Lead the annual review of an EHC plan for the first time." in words


def test_a_trainee_asking_for_another_trainees_plan_gets_not_found_and_nothing_leaks(
    app, client, auth, enrolment_id, other_enrolment_id
):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    other = client.get(_plan_url(other_enrolment_id))
    missing = client.get(_plan_url(other_enrolment_id + 1000))
    assert other.status_code == missing.status_code == 404
    assert "Sam Second" not in other.get_data(as_text=True)
    # The same page either way; only the sign-out form's CSRF token may differ (it carries the time).
    assert _without_tokens(other.get_data(as_text=True)) == _without_tokens(missing.get_data(as_text=True))


def _without_tokens(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1", page)


def test_mentors_download_their_trainees_plans_only_and_designers_any(
    app, client, auth, make_person, enrolment_id, other_enrolment_id
):  # type: ignore[no-untyped-def]
    auth.sign_in("mentor@example.org")
    trainee_page = client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True)
    assert _plan_url(enrolment_id) in trainee_page
    assert client.get(_plan_url(enrolment_id)).status_code == 200
    assert client.get(_plan_url(other_enrolment_id)).status_code == 404
    auth.sign_out()
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    assert read.text(client.get(_plan_url(other_enrolment_id)).data).count("Sam Second") >= 1


def test_the_same_inputs_give_the_stored_pdf_and_a_304_and_a_new_observation_a_new_pdf(
    app, client, auth, people, enrolment_id
):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    first = client.get(_plan_url(enrolment_id))
    again = client.get(_plan_url(enrolment_id))
    etag = first.headers["ETag"]
    assert etag and again.headers["ETag"] == etag and again.data == first.data
    assert first.headers["Cache-Control"] == "no-store"  # personal data: never kept by a shared computer
    not_modified = client.get(_plan_url(enrolment_id), headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.data == b""
    _observe(app, enrolment_id, people["mentor"], "obs-new")
    changed = client.get(_plan_url(enrolment_id), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "1 submitted observation." in read.text(changed.data)


def test_the_cache_key_changes_with_the_mentors_and_not_without_a_change(app, people, enrolment_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        before = plans.training_plan_key(enrolment_id, TODAY)
        assert plans.training_plan_key(enrolment_id, TODAY) == before
        assert (
            plans.training_plan_key(enrolment_id, TODAY + timedelta(days=1)) != before
        )  # "made on" and the deadline's status
        enrolment = db.session.get(Enrolment, enrolment_id)
        enrolment.mentors.append(db.session.get(User, people["other_mentor"]))
        db.session.commit()
        assert plans.training_plan_key(enrolment_id, TODAY) != before


def test_the_cover_shows_the_case_study_dates_and_a_changed_date_makes_a_new_pdf(
    app, client, auth, people, enrolment_id
):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    before = client.get(_plan_url(enrolment_id))
    assert "Not recorded yet. It comes after the taught programme ends on" in read.text(before.data)
    window = CaseStudyDates(TODAY - timedelta(days=20), TODAY + timedelta(days=40))
    with app.app_context():
        case_study.record(enrolment_id, window, people["mentor"], TODAY)
    shown = client.get(_plan_url(enrolment_id), headers={"If-None-Match": before.headers["ETag"]})
    assert shown.status_code == 200 and shown.headers["ETag"] != before.headers["ETag"]
    words = read.compact(read.text(shown.data))
    opens, closes = format_date(window.window_opens.isoformat()), format_date(window.window_closes.isoformat())
    assert read.compact(f"Submission window opens: {opens}") in words
    assert read.compact(f"Submission window closes: {closes}") in words
    with app.app_context():
        key = plans.training_plan_key(enrolment_id, TODAY)
        # One day later on the closing date only: a new key, so a new PDF, and it shows the new date.
        case_study.record(
            enrolment_id,
            dataclasses.replace(window, window_closes=window.window_closes + timedelta(days=1)),
            people["mentor"],
            TODAY,
        )
        assert plans.training_plan_key(enrolment_id, TODAY) != key
    moved = client.get(_plan_url(enrolment_id))
    assert moved.headers["ETag"] != shown.headers["ETag"]
    later = format_date((window.window_closes + timedelta(days=1)).isoformat())
    assert read.compact(f"Submission window closes: {later}") in read.compact(read.text(moved.data))
    with app.app_context():
        case_study.record(
            enrolment_id,
            dataclasses.replace(
                window, submitted_on=TODAY - timedelta(days=2), result=CaseStudyResult.PASSED, result_on=TODAY
            ),
            people["mentor"],
            TODAY,
        )
    passed = read.compact(read.text(client.get(_plan_url(enrolment_id)).data))
    assert read.compact(f"Passed on {TODAY.day} {TODAY:%B %Y}.") in passed
    assert read.compact(f"Result: Passed: {format_date(TODAY.isoformat())}") in passed


def test_a_record_of_a_submitted_observation_for_its_mentor_and_trainee(app, client, auth, people, enrolment_id):  # type: ignore[no-untyped-def]
    observation_id = _observe(app, enrolment_id, people["mentor"], "obs-record")
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/observations/{observation_id}").get_data(as_text=True)
    url = f"/assessments/observations/{observation_id}/record.pdf"
    assert url in page
    body = client.get(url).data
    words = read.text(body)
    assert "Observation record: Lead the annual review of an EHC plan" in words
    assert "Tia Trainee" in words and "Views were read out, not discussed." in words and "Outcome: not yet met" in words
    assert read.flat_outline(body)[1:] == ["About this observation", "Outcome: not yet met", "Judgements", "Faults"]
    auth.sign_out()
    auth.sign_in("trainee@example.org")  # the trainee finds the same download on their page of the observation
    assert url in client.get(f"/assessments/my-training/observations/{observation_id}").get_data(as_text=True)
    assert "Outcome: not yet met" in read.text(client.get(url).data)
    auth.sign_out()
    auth.sign_in("other@example.org")
    assert client.get(url).status_code == 404  # another mentor's trainee


def test_the_record_shows_each_criterions_chosen_level_with_its_descriptor_and_comment(
    app, client, auth, people, enrolment_id
):  # type: ignore[no-untyped-def]
    observation_id = _observe(app, enrolment_id, people["mentor"], "obs-record-marks")
    auth.sign_in("mentor@example.org")
    body = client.get(f"/assessments/observations/{observation_id}/record.pdf").data
    words = read.compact(read.text(body))
    with app.app_context():
        rubric = competency_services.rubric_of(db.session.get(Observation, observation_id).rubric_version)
    chosen = {j["criterion"]: j["level"] for j in NOT_MET["judgements"]}
    for criterion in rubric.criteria:
        level = next(lv for lv in criterion.levels if lv.value == chosen[criterion.key])
        descriptor = engine.descriptor_of(rubric.model, level)
        assert descriptor, criterion.key
        # the level and what it means, in the rubric's words, on the criterion's row
        assert read.compact(f"{criterion.title} {level.value}: {level.label} {descriptor}") in words, criterion.key
    assert read.compact("Views were read out, not discussed.") in words


def test_a_draft_observation_has_no_record(app, client, auth, people, enrolment_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        draft = services.record_observation(
            enrolment_id,
            people["mentor"],
            services.ObservationInput("annual-review", TODAY, "Meeting room", (), NOT_MET, "draft-1"),
            TODAY,
        ).id
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/observations/{draft}/record.pdf").status_code == 404


def test_a_render_that_fails_shows_a_clear_page_and_the_app_keeps_serving(app, client, auth, enrolment_id, monkeypatch):  # type: ignore[no-untyped-def]
    auth.sign_in("trainee@example.org")
    monkeypatch.setattr(pdf, "SECONDS_LIMIT", 0.001)
    failed = client.get(_plan_url(enrolment_id))
    assert failed.status_code == 503
    assert "the document could not be made" in failed.get_data(as_text=True).lower()
    monkeypatch.undo()
    assert client.get("/assessments/my-training").status_code == 200
    assert client.get(_plan_url(enrolment_id)).status_code == 200


def test_user_text_is_escaped_never_markup(app, client, auth, make_person, cohort_id, people):  # type: ignore[no-untyped-def]
    hostile = 'Ann <img src="file:///etc/passwd"> & <b>Bold</b>'
    trainee = make_person("hostile@example.org", Role.TRAINEE, name=hostile)
    with app.app_context():
        enrolment_id = services.enrol(
            cohort_id, services.EnrolmentInput(trainee, (people["mentor"],), '<style>@import "x"</style>'), TODAY
        ).id
    auth.sign_in("hostile@example.org")
    response = client.get(_plan_url(enrolment_id))
    assert response.status_code == 200
    words = read.text(response.data)
    assert hostile in words and '<style>@import "x"</style>' in words


def test_a_300_character_welsh_name_and_200_observations_render_wrapped_and_paginated(
    app, people, enrolment_id, database_url
):  # type: ignore[no-untyped-def]
    if not database_url.startswith("sqlite"):
        pytest.skip("a rendering test: once is enough (the data path runs on both databases above)")
    for i in range(200):
        _observe(
            app,
            enrolment_id,
            people["mentor"],
            f"many-{i}",
            days_ago=1 + i % 28,  # within the cohort, which began 30 days ago
            setting=f"Room {i % 7}",
        )
    name = ("Gwenllian Ŵyn ap Rhys-Ŷstwyth " * 12)[:300]
    assert len(name) == 300
    with app.test_request_context():
        plan = plans.training_plan(enrolment_id, TODAY)
        assert plan is not None and len(plan.observations) == 200
        long_plan = dataclasses.replace(plan, trainee=name)
        body = pdf.render_pdf(plans.training_plan_html(long_plan), printing.stylesheet_texts([plans.PRINT_CSS]))
    reader = read.reader(body)
    assert len(reader.pages) >= 8
    assert read.compact(name) in read.compact(read.text(body))
    assert "ŵ" in read.text(body).lower() and "ŷ" in read.text(body).lower()
    assert read.ink_in_right_margin(body) == []
    assert read.blank_pages(body) == []
    assert read.flat_outline(body)[1:] == PLAN_SECTIONS
