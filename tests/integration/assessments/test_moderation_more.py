"""The rest of moderation (issue 14): appeals, the external moderation pack, calibration
exemplars, the sampling plan's new-mentor and interim shares, and the trainee's API."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assessments.models import ModerationAppeal, ModerationItem
from assessments.services import appeals, moderation
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid
from tests import pdf_reading as read
from tests.conftest import csrf_token

from .test_moderation import MODERATOR, _evidence, _form, _marks, _sample_of, mentor_marks, moderator_id  # noqa: F401

REVIEWER = "reviewer@example.org"


@pytest.fixture
def settled(app, cohort_id, people, moderator_id, mentor_marks) -> int:  # type: ignore[no-untyped-def]
    """A sampled observation whose marks differed and were agreed (met, from the mentor's not yet met)."""
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        moderation.record_marks(mentor_marks, moderator_id, _evidence((3,) * 6))
        moderation.agree(item_id, people["mentor"], _evidence((3,) * 6), "The law was stated rightly.")
    return item_id


# ---- appeals -------------------------------------------------------------------------------


def test_a_trainee_appeals_an_agreed_judgement_and_a_reviewer_who_did_not_mark_it_changes_it(
    app, client, auth, people, make_person, moderator_id, mentor_marks, settled
):
    make_person(REVIEWER, Role.MODERATOR, name="Rae Reviewer")
    auth.sign_in("trainee@example.org")
    page = client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(as_text=True)
    assert "Ask for a review of this judgement" in page
    url = f"/assessments/my-training/observations/{mentor_marks}/appeal"
    empty = _form(client, url, {"reason": "   "})
    assert empty.status_code == 400 and "Enter why you are asking for a review" in empty.get_data(as_text=True)
    assert _form(client, url, {"reason": "x" * 2_001}).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationAppeal)) == 0
    asked = _form(client, url, {"reason": "The child's voice was heard through the pupil's own slides."})
    assert asked.status_code == 302
    mine = client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(as_text=True)
    assert "Awaiting a reviewer" in mine and "Ask for a review of this judgement" not in mine
    changed = _form(client, url, {"reason": "The child's voice was heard: see the pupil's own slides."})
    assert changed.status_code == 302  # while it waits, the reason may change; it is still one appeal
    with app.app_context():
        appeal_id = appeals.appeal_of_item(settled).id
    auth.sign_out()
    # the moderator who marked it, and the mentor, may not review it
    auth.sign_in(MODERATOR)
    refused = client.get(f"/assessments/moderation/appeals/{appeal_id}")
    assert refused.status_code == 403 and "You have already marked this observation" in refused.get_data(as_text=True)
    auth.sign_out()
    with app.app_context():
        for marker in (moderator_id, people["mentor"]):
            with pytest.raises(Invalid):
                appeals.decide(appeal_id, marker, "upheld", "Stands.")
    auth.sign_in(REVIEWER)
    listed = client.get("/assessments/moderation/appeals").get_data(as_text=True)
    assert f"/assessments/moderation/appeals/{appeal_id}" in listed and "Awaiting review" in listed
    review = f"/assessments/moderation/appeals/{appeal_id}"
    no_reason = _form(client, review, {**_marks((3, 3, 2, 3, 3, 3)), "decision": "changed", "decision_reason": ""})
    assert no_reason.status_code == 400 and "Enter the reason for your decision" in no_reason.get_data(as_text=True)
    decided = _form(
        client,
        review,
        {
            **_marks((3, 3, 1, 3, 3, 3)),
            "decision": "changed",
            "decision_reason": "The pupil's views were read out, not heard.",
        },
    )
    assert decided.status_code == 302
    after = client.get(review).get_data(as_text=True)
    assert "Judgement changed" in after and "Record the decision" not in after
    with app.app_context():
        appeal = db.session.get(ModerationAppeal, appeal_id)
        assert appeal.status == "changed" and appeal.previous_result["outcome"] == "met"
        assert appeal.new_result["outcome"] == "not yet met"
        with pytest.raises(Conflict):
            appeals.decide(appeal_id, db.session.scalar(select(ModerationItem.agreed_by_id)) or 0, "upheld", "again")
    auth.sign_out()
    auth.sign_in("trainee@example.org")  # the trainee reads the outcome, and progress uses the new judgement
    mine = client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(as_text=True)
    assert "Judgement changed" in mine and "The pupil&#39;s views were read out, not heard." in mine
    assert "Outcome: not yet met" in mine
    assert "Outcome: not yet met (agreed after moderation)" in client.get("/assessments/my-training").get_data(
        as_text=True
    )
    auth.sign_out()
    auth.sign_in("mentor@example.org")  # the mentor reads every step on the moderation page
    history = client.get(f"/assessments/moderation/items/{settled}").get_data(as_text=True)
    assert (
        "asked for a review" in history
        and "Judgement changed" in history
        and "The law was stated rightly." not in history
    )
    assert "(the outcome was met; it is now not yet met)" in history


def test_an_upheld_appeal_keeps_the_judgement_and_an_unsettled_one_cannot_be_appealed(
    app, client, auth, cohort_id, people, make_person, moderator_id, mentor_marks, settled
):
    reviewer = make_person(REVIEWER, Role.MODERATOR, name="Rae Reviewer")
    with app.app_context():
        trainee = db.session.get(ModerationItem, settled).observation.enrolment.trainee_id
        with pytest.raises(Invalid, match="Choose one of your observations"):
            appeals.ask(mentor_marks, people["mentor"], "Not mine")
        appeal = appeals.ask(mentor_marks, trainee, "Please look again.")
        assert appeals.ask(mentor_marks, trainee, "Twice").id == appeal.id  # the same appeal, its reason changed
        with pytest.raises(Invalid, match="Choose whether"):
            appeals.decide(appeal.id, reviewer, "maybe", "Hmm")
        with pytest.raises(Invalid, match="Choose the new level for at least one criterion"):
            appeals.decide(appeal.id, reviewer, "changed", "Blank by mistake", {"judgements": [], "faults": []})
        appeals.decide(appeal.id, reviewer, "upheld", "The agreed judgement is sound.")
        item = db.session.get(ModerationItem, settled)
        assert item.agreed_result["outcome"] == "met" and appeals.get_appeal(appeal.id).new_result is None
    auth.sign_in("trainee@example.org")
    mine = client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(as_text=True)
    assert "Judgement upheld" in mine and "The agreed judgement is sound." in mine and "Twice" in mine
    assert (
        client.get(f"/assessments/my-training/observations/{mentor_marks}/appeal").status_code == 404
    )  # decided: once only
    with app.app_context(), pytest.raises(Conflict):
        appeals.ask(mentor_marks, trainee, "Again")


def test_a_sampled_observation_not_yet_moderated_cannot_be_appealed(
    app, client, auth, cohort_id, moderator_id, mentor_marks
):
    _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    auth.sign_in("trainee@example.org")
    assert "Ask for a review" not in client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(
        as_text=True
    )
    assert client.get(f"/assessments/my-training/observations/{mentor_marks}/appeal").status_code == 404


# ---- the external moderation pack ----------------------------------------------------------


def test_the_designer_exports_the_pack_as_a_zip_of_a_pdf_and_the_csv_parts(
    app, client, auth, cohort_id, people, make_person, moderator_id, mentor_marks, settled
):
    import csv
    import io
    import zipfile

    from pypdf import PdfReader

    reviewer = make_person(REVIEWER, Role.MODERATOR, name="Rae Reviewer")
    with app.app_context():
        trainee = db.session.get(ModerationItem, settled).observation.enrolment.trainee_id
        appeal = appeals.ask(mentor_marks, trainee, "Please look again.")
        appeals.decide(appeal.id, reviewer, "upheld", "Sound judgement.")
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    assert "Download the external moderation pack" in client.get(f"/assessments/cohorts/{cohort_id}").get_data(
        as_text=True
    )
    response = client.get(f"/assessments/moderation/cohorts/{cohort_id}/pack.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "moderation-pack-cohort" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["agreement.csv", "marks.csv", "moderation-pack.pdf"]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("moderation-pack.pdf"))).pages)
    text = " ".join(text.split())
    assert "External moderation pack" in text and "Keeps the child" in text
    assert "Not yet met" in text and "The law was stated rightly." in text  # the mentor's marks and the agreed reason
    assert "Sound judgement." in text and "kappa" in text.lower() and "Too few pairs" in text
    marks = list(csv.DictReader(io.StringIO(archive.read("marks.csv").decode("utf-8-sig"))))
    assert {r["marker"] for r in marks} == {"mentor", "moderator", "agreed"}
    assert list(csv.reader(io.StringIO(archive.read("agreement.csv").decode("utf-8-sig"))))[0][0] == "grouping"
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert client.get(f"/assessments/moderation/cohorts/{cohort_id}/pack.zip").status_code == 403
    auth.sign_out()
    auth.sign_in("designer@example.org")
    assert client.get("/assessments/moderation/cohorts/999999/pack.zip").status_code == 404


def _pack_pdf(client, auth, make_person, cohort_id: int) -> bytes:  # type: ignore[no-untyped-def]
    import io
    import zipfile

    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    response = client.get(f"/assessments/moderation/cohorts/{cohort_id}/pack.zip")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.data)).read("moderation-pack.pdf")


def test_the_pack_names_each_sampled_observation_in_words_bookmarks_it_and_keeps_it_with_its_marks(
    app, client, auth, cohort_id, make_person, settled
):
    with app.app_context():
        observed_on = db.session.get(ModerationItem, settled).observation.observed_on
    body = _pack_pdf(client, auth, make_person, cohort_id)
    heading = (
        f"Observation {{}}: Tia Trainee, Lead the annual review of an EHC plan, {observed_on.day} {observed_on:%B %Y}"
    )
    words = read.text(body)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", words), "dates read as words, not ISO"
    assert "annual-review" not in words, "the scenario is named, not keyed"
    [title] = [t for t in read.flat_outline(body) if t.startswith("Observation ")]
    assert title == heading.format(title.split(":")[0].removeprefix("Observation "))
    page = read.bookmark_pages(body)[title]
    lines = read.body_lines(body)[page - 1]
    assert any(line.startswith("Criterion or fault") for line in lines), "the marks start on the heading's page"
    assert any(line.startswith("Outcome Not yet met Met Met") for page in read.body_lines(body) for line in page)


def test_the_packs_agreement_report_has_a_table_per_grouping_with_the_measures_as_columns(
    app, client, auth, cohort_id, make_person, settled
):
    body = _pack_pdf(client, auth, make_person, cohort_id)
    lines = [line for page in read.body_lines(body) for line in page]
    for caption in ("Levels", "Outcomes", "Levels, by mentor", "Levels, by scenario", "Levels, by criterion"):
        assert caption in lines
    words = read.text(body)
    assert words.count("Exact agreement") == 7, "a column heading in each of the seven tables, not a word in each row"
    assert "No mentor is below the threshold (some have too few pairs to judge)." in words


def test_a_pack_with_no_sample_says_so_in_plain_words(app, client, auth, cohort_id, make_person):
    body = _pack_pdf(client, auth, make_person, cohort_id)
    words = read.text(body)
    assert "(0)" not in words
    assert "No observation has been sampled yet, so there are no marks to compare." in words
    assert "No mentor can be flagged until there are marks to compare." in words
    assert len(read.reader(body).pages) == 1


# ---- calibration exemplars -----------------------------------------------------------------

ACCOUNT = "The SENCO opened the review by asking the pupil to present their own slides. The local authority officer..."


def _exemplar_marks(levels: tuple[int, ...]) -> dict[str, str]:
    return {**{f"c{i}": str(v) for i, v in enumerate(levels)}, "f0": "0", "f1": "0", "f2": "0"}


def test_a_designer_publishes_an_exemplar_and_a_mentor_scores_it_blind_then_sees_how_far_they_were(
    app, client, auth, cohort_id, enrolment_id, people, make_person, moderator_id
):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = "/assessments/calibration/exemplars/new/annual-review"
    missing = _form(client, url, {"title": "", "account": "", **_exemplar_marks((3,) * 6)})
    body = missing.get_data(as_text=True)
    assert (
        missing.status_code == 400
        and "Enter a title for the exemplar" in body
        and "Enter the account of practice" in body
    )
    spaces = _form(client, url, {"title": "Year 9 review", "account": " \n ", **_exemplar_marks((3,) * 6)})
    assert spaces.status_code == 400 and "Enter the account of practice" in spaces.get_data(as_text=True)
    too_long = _form(client, url, {"title": "x" * 201, "account": ACCOUNT, **_exemplar_marks((3,) * 6)})
    assert too_long.status_code == 400
    blank = _form(client, url, {"title": "Year 9 review", "account": ACCOUNT, "f0": "0", "f1": "0", "f2": "0"})
    assert blank.status_code == 400 and "Choose the agreed level for at least one criterion" in blank.get_data(
        as_text=True
    )
    assert client.get("/assessments/calibration/exemplars/new/no-such-scenario").status_code == 404
    published = _form(
        client, url, {"title": "Year 9 review", "account": ACCOUNT, **_exemplar_marks((3, 3, 4, 3, 3, 3))}
    )
    assert published.status_code == 302
    assert "Year 9 review" in client.get("/assessments/calibration/exemplars").get_data(as_text=True)
    with app.app_context():
        from assessments.models import CalibrationExemplar

        exemplar_id = db.session.scalar(select(CalibrationExemplar.id))
    auth.sign_out()

    auth.sign_in("mentor@example.org")
    assert "To score" in client.get("/assessments/calibration").get_data(as_text=True)
    page = f"/assessments/calibration/exemplars/{exemplar_id}"
    before = client.get(page).get_data(as_text=True)
    assert "The SENCO opened the review" in before and "4: " not in before.split("<form")[0]  # blind: no agreed marks
    assert "Your marks and the agreed marks" not in before
    scored = _form(client, page, _exemplar_marks((3, 3, 2, 3, 3, 3)))
    assert scored.status_code == 302
    after = client.get(page).get_data(as_text=True)
    assert "2 levels below the agreed mark" in after and after.count("Same as the agreed mark") == 5
    again = client.post(page, data={"csrf_token": csrf_token(after), **_exemplar_marks((4,) * 6)})
    assert again.status_code in (200, 400) and "2 levels below the agreed mark" in client.get(page).get_data(
        as_text=True
    )
    auth.sign_out()

    auth.sign_in(MODERATOR)  # the cohort's report shows the mentor's calibration
    report = client.get(f"/assessments/moderation/cohorts/{cohort_id}/report").get_data(as_text=True)
    table = report[report.index("Calibration exemplars scored") :]
    assert "Mo Mentor" in table and "5 of 6" in table and "0.33" in table  # 2 levels over 6 criteria


# ---- the sampling plan ---------------------------------------------------------------------


def _settings(**changes: object) -> dict[str, object]:
    return {
        "minimum_kappa": "0.6",
        "min_pairs": "10",
        "sample_rate": "10",
        "raised_rate": "25",
        "adjudication_gap": "1",
        "new_mentor_rate": "50",
        "new_mentor_first": "0",
        "interim_share": "50",
        **changes,
    }


def test_a_new_mentors_first_observations_are_sampled_at_the_higher_rate_and_the_interim_share_is_due_by_its_date(
    app, client, auth, cohort_id, enrolment_id, other_enrolment_id, people, moderator_id
):
    from datetime import timedelta

    from .conftest import TODAY
    from .test_moderation import _submit

    mine = [
        _submit(app, enrolment_id, people["mentor"], _evidence((3,) * 6), f"n{i}", days_ago=i + 1) for i in range(8)
    ]
    _submit(app, other_enrolment_id, people["other_mentor"], _evidence((3,) * 6), "o0")
    _sample_of(app, cohort_id, moderator_id, mine[:1])
    auth.sign_in(MODERATOR)
    url = f"/assessments/moderation/cohorts/{cohort_id}/report"
    refused = _form(client, url, _settings(new_mentor_rate="0", new_mentor_first="-1", interim_share="101"))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Enter the rate as a whole number from 1 to 100" in body
    assert "Enter how many first observations as a whole number from 0 to 1,000" in body
    assert "Enter the interim share as a whole number from 0 to 100" in body
    bad_date = _form(client, url, _settings(interim_on=["31", "2", "2027"]))
    assert bad_date.status_code == 200 and "Interim date must be a real date" in bad_date.get_data(as_text=True)
    # 8 by Mo: the first 5 as a new mentor at 50 % (3), the other 3 at 10 % (1): 4 in all; 50 % of that (2) by the interim date
    yesterday = TODAY - timedelta(days=1)
    saved = _form(
        client,
        url,
        _settings(new_mentor_first="5", interim_on=[str(yesterday.day), str(yesterday.month), str(yesterday.year)]),
    )
    assert saved.status_code == 302
    with app.app_context():
        plan = {row.name: row.sampling for row in moderation.sampling_plan(cohort_id)}
    mo = plan["Mo Mentor"]
    assert (mo.submitted, mo.early, mo.new_rate, mo.needed, mo.interim_due, mo.sampled) == (8, 5, 50, 4, 2, 1)
    assert mo.short_at_interim and plan["Olu Other"].needed == 1
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    table = page[page.index("Sampling so far") :]
    assert "50% for 5 as a new mentor" in table and "Short of the interim share by 1" in table


# ---- the trainee's JSON API ----------------------------------------------------------------


def test_the_api_keeps_held_results_from_the_trainee_and_answers_the_agreed_judgement(
    app, client, auth, cohort_id, enrolment_id, people, moderator_id, mentor_marks
):
    from core.accounts import api_tokens
    from core.accounts.models import User

    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        moderation.set_policy(cohort_id, "0.6", 10, hold_results=True)
        trainee = api_tokens.issue_token(db.session.get(User, people["trainee"]), "test")
        mentor = api_tokens.issue_token(db.session.get(User, people["mentor"]), "test")

    def get(url: str, token: str):  # type: ignore[no-untyped-def]
        return client.get(url, headers={"Authorization": f"Bearer {token}"})

    one = f"/api/v1/observations/{mentor_marks}"
    listing = f"/api/v1/enrolments/{enrolment_id}/observations"
    progress = f"/api/v1/enrolments/{enrolment_id}/progress"
    assert get(one, trainee).status_code == 404  # held: awaiting moderation
    assert get(listing, trainee).json == [] and "not yet met" not in get(progress, trainee).get_data(as_text=True)
    assert get(one, mentor).json["outcome"] == "not yet met"  # the mentor still reads their own record
    with app.app_context():
        moderation.record_marks(mentor_marks, moderator_id, _evidence((3,) * 6))
        assert get(one, trainee).status_code == 404  # marked differently, not agreed yet: still held
        moderation.agree(item_id, people["mentor"], _evidence((3,) * 6), "The law was stated rightly.")
    answer = get(one, trainee).json
    assert answer["outcome"] == "met" and answer["agreed_outcome"] == "met" and answer["result"]["outcome"] == "met"
    assert not any("not yet met" in r for r in answer["reasons"])
    assert [o["outcome"] for o in get(listing, trainee).json] == ["met"]
    assert "not yet met" not in get(progress, trainee).get_data(as_text=True)
    mine = get(one, mentor).json
    assert mine["outcome"] == "not yet met" and mine["agreed_outcome"] == "met"
