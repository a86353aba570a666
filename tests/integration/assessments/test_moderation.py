"""Moderation through the pages: samples, blind second marking, the agreed judgement, the report."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from assessments import services
from assessments.models import Enrolment, ModerationItem, ModerationSample, Observation
from assessments.services import moderation
from competencies import services as competency_services
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid
from tests import pdf_reading as read
from tests.conftest import csrf_token, page_lock
from tests.integration.test_unique_ids import repeated_ids
from tests.radios import radio_groups

from .conftest import TODAY

MODERATOR = "moderator@example.org"
# The annual review's criteria, in order: timelines, facts and law, child's voice, progress, chairing, actions.
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
WRONG_LAW = "gives-wrong-legal-information"


def _evidence(levels: tuple[int, ...], faults: tuple[str, ...] = (), comment: str = "") -> dict:  # type: ignore[type-arg]
    judgements = [
        {"criterion": k, "level": v, "comment": comment if i == 2 else ""}
        for i, (k, v) in enumerate(zip(CRITERIA, levels))
    ]
    return {"judgements": judgements, "faults": [{"fault": f} for f in faults]}


def _submit(app, enrolment_id: int, mentor_id: int, evidence: dict, key: str, days_ago: int = 1) -> int:  # type: ignore[no-untyped-def,type-arg]
    with app.app_context():
        return services.record_observation(
            enrolment_id,
            mentor_id,
            services.ObservationInput(
                "annual-review",
                TODAY - timedelta(days=days_ago),
                "Meeting room",
                ("Parents or carers",),
                evidence,
                key,
                submit=True,
            ),
            TODAY,
        ).id


@pytest.fixture
def moderator_id(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person(MODERATOR, Role.MODERATOR, name="Mia Moderator")


@pytest.fixture
def mentor_marks(app, enrolment_id, people) -> int:  # type: ignore[no-untyped-def]
    """A submitted observation the mentor judged not yet met: a serious fault, the child's voice at 2."""
    return _submit(
        app,
        enrolment_id,
        people["mentor"],
        _evidence((3, 3, 2, 3, 3, 3), (WRONG_LAW,), "Read out the pupil's views."),
        "obs-1",
    )


def _form(client, url: str, data: dict):  # type: ignore[no-untyped-def,type-arg]
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **page_lock(page), **data})


def _sample_of(app, cohort_id: int, moderator_id: int, observation_ids: list[int]) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return moderation.draw_chosen(cohort_id, moderator_id, observation_ids).items[0].id


def _marks(levels: tuple[int, ...], faults: int = 0) -> dict[str, str]:
    return {
        **{f"c{i}": str(v) for i, v in enumerate(levels)},
        "f0": str(faults),
        "f1": "0",
        "f2": "0",
        "m2": "My own note.",
    }


# ---- samples -------------------------------------------------------------------------------


def test_a_random_sample_is_drawn_from_a_recorded_seed_and_drawing_it_again_gives_the_same(
    app, client, auth, cohort_id, enrolment_id, other_enrolment_id, people, moderator_id
):
    for i in range(6):
        _submit(app, enrolment_id, people["mentor"], _evidence((3,) * 6), f"a{i}", days_ago=i + 1)
        _submit(app, other_enrolment_id, people["other_mentor"], _evidence((3,) * 6), f"b{i}", days_ago=i + 1)
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    response = client.post(
        f"/assessments/moderation/cohorts/{cohort_id}/random",
        data={"csrf_token": csrf_token(page), "percent": "20", "seed": "autumn-2026"},
    )
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "autumn-2026" in shown and "The seed gives the same 3 observations." in shown  # ceil(20% of 12)
    with app.app_context():
        sample = db.session.scalar(select(ModerationSample))
        chosen = sorted(i.observation_id for i in sample.items)
        mentors = {i.observation.observer_id for i in sample.items}
        check = moderation.redraw(sample)
    assert mentors == {people["mentor"], people["other_mentor"]}, "stratified: both mentors are sampled"
    assert check is not None and check.matches and list(check.drawn) == chosen


@pytest.mark.parametrize("percent", ["0", "101", "-5", "1e3", "NaN", "99999999999999999999"])
def test_a_share_of_zero_or_over_100_percent_is_refused_and_nothing_is_saved(
    app, client, auth, cohort_id, mentor_marks, moderator_id, percent
):
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    response = client.post(
        f"/assessments/moderation/cohorts/{cohort_id}/random", data={"csrf_token": csrf_token(page), "percent": percent}
    )
    assert response.status_code == 400
    assert "Enter the percentage as a whole number from 1 to 100" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationSample)) == 0


def test_a_cohort_with_no_submitted_observations_says_there_is_nothing_to_sample(
    app, client, auth, cohort_id, enrolment_id, moderator_id
):
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    assert "no submitted observations yet, so there is nothing to sample" in page
    response = client.post(
        f"/assessments/moderation/cohorts/{cohort_id}/random", data={"csrf_token": csrf_token(page), "percent": "20"}
    )
    assert response.status_code == 400 and "nothing to sample" in response.get_data(as_text=True)
    report = client.get(f"/assessments/moderation/cohorts/{cohort_id}/report")
    assert report.status_code == 200 and "nothing to compare" in report.get_data(as_text=True)


def test_only_moderators_reach_moderation_and_an_admin_can_grant_the_role(app, client, auth, people, make_person):
    auth.sign_in("mentor@example.org")
    assert client.get("/assessments/moderation").status_code == 403
    auth.sign_out()
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    url = f"/admin/people/{people['mentor']}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="moderator"' in page
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "name": "Mo Mentor",
            "email": "mentor@example.org",
            "roles": ["mentor", "moderator"],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert Role.MODERATOR in db.session.get(User, people["mentor"]).roles
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    home = client.get("/assessments/moderation")
    assert home.status_code == 200 and 'href="/assessments/moderation"' in home.get_data(as_text=True)


# ---- blind second marking ------------------------------------------------------------------


def _moderator_can_reach(app, client, token: str, ids: dict[str, object]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every GET page and API answer, with every URL argument filled from ``ids``: url → body."""
    bodies = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = rule.build({name: ids.get(name, 1) for name in rule.arguments}, append_unknown=False)[1]
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        response = client.get(url, headers=headers)
        assert response.status_code < 500, url
        bodies[url] = _readable(response)
    return bodies


def _readable(response) -> str:  # type: ignore[no-untyped-def]
    """The body as a person reads it: a ZIP (the external moderation pack) as its CSV files and
    its PDF's text, so the search below covers them too."""
    if response.mimetype != "application/zip":
        return response.get_data(as_text=True)
    import zipfile

    from pypdf import PdfReader

    archive = zipfile.ZipFile(io.BytesIO(response.data))
    parts = [
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(n))).pages)
        if n.endswith(".pdf")
        else archive.read(n).decode("utf-8-sig")
        for n in archive.namelist()
    ]
    return "\n".join(parts)


def test_before_the_moderator_submits_no_page_or_api_answer_shows_the_mentors_levels_faults_or_outcome(
    app, client, auth, cohort_id, enrolment_id, people, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        observation = services.explained(db.session.get(Observation, mentor_marks))
        secrets_ = [str(escape(r)) for r in observation.reasons]
        token = api_tokens.issue_token(db.session.get(User, moderator_id), "test")
        sample_id = db.session.get(ModerationItem, item_id).sample_id
    assert observation.result.outcome.value == "not yet met" and secrets_
    ids = {
        "cohort_id": cohort_id,
        "sample_id": sample_id,
        "item_id": item_id,
        "observation_id": mentor_marks,
        "enrolment_id": enrolment_id,
        "scenario_key": "annual-review",
        "key": "annual-review",
    }
    auth.sign_in(MODERATOR)
    bodies = _moderator_can_reach(app, client, token, ids)
    mark_page = bodies[f"/assessments/moderation/items/{item_id}/mark"]
    assert (
        "Read out the pupil&#39;s views." in mark_page or "Read out the pupil's views." in mark_page
    )  # the notes are shown
    assert radio_groups(mark_page)["c0"].radios  # the levels are radios, so the check below can fail
    for url, body in bodies.items():
        for secret in secrets_:
            assert secret not in body, f"{url} shows the mentor's reason {secret!r}"
        assert WRONG_LAW not in body, f"{url} names the mentor's fault"
        assert not re.search(r'"outcome":\s*"not yet met"', body) and "Outcome: not yet met" not in body, url
        levels = [r for name, g in radio_groups(body).items() if re.fullmatch(r"c\d+", name) for r in g.radios]
        assert not any(r.checked and r.value.isdigit() for r in levels), f"{url} preselects a level"
        assert not re.search(r'name="f\d+"[^>]*value="[1-9]', body), f"{url} prefills a fault count"
    # and once the moderator has submitted, the same pages show them: the test above can fail
    response = client.post(
        f"/assessments/moderation/items/{item_id}/mark",
        data={"csrf_token": csrf_token(mark_page), **_marks((3, 3, 3, 3, 3, 3))},
    )
    assert response.status_code == 302
    after = client.get(f"/assessments/moderation/items/{item_id}").get_data(as_text=True)
    assert all(secret in after for secret in secrets_) and "Marks differ: to agree" in after


def test_moderating_ones_own_observation_or_one_not_in_a_sample_is_refused(
    app, client, auth, cohort_id, enrolment_id, people, make_person, mentor_marks
):
    both = make_person("both@example.org", Role.MENTOR, Role.MODERATOR, name="Bo Both")
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        enrolment.mentors.append(db.session.get(User, both))
        db.session.commit()
    own = _submit(app, enrolment_id, both, _evidence((3,) * 6), "own-1")
    moderator = make_person(MODERATOR, Role.MODERATOR)
    item_id = _sample_of(app, cohort_id, moderator, [own])
    auth.sign_in("both@example.org")
    refused = client.get(f"/assessments/moderation/items/{item_id}/mark")
    assert refused.status_code == 403 and "You made this observation" in refused.get_data(as_text=True)
    with app.app_context():
        with pytest.raises(Invalid, match="not in a moderation sample"):
            moderation.record_marks(mentor_marks, moderator, _evidence((3,) * 6))
        with pytest.raises(Invalid, match="You made this observation"):
            moderation.record_marks(own, both, _evidence((3,) * 6))
        assert db.session.get(ModerationItem, item_id).moderator_result is None


# ---- the agreed judgement ------------------------------------------------------------------


def test_differing_marks_are_agreed_with_a_reason_and_the_trainees_progress_uses_the_agreed_judgement(
    app, client, auth, cohort_id, people, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    auth.sign_in(MODERATOR)
    url = f"/assessments/moderation/items/{item_id}/mark"
    assert _form(client, url, _marks((3, 3, 3, 3, 3, 3))).status_code == 302
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert "not yet met" in client.get("/assessments/my-training").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("mentor@example.org")  # the mentor sees both side by side and agrees with the moderator
    assert f"/assessments/moderation/items/{item_id}" in client.get("/assessments/moderated").get_data(as_text=True)
    both = f"/assessments/moderation/items/{item_id}"
    no_reason = _form(client, both, _marks((3, 3, 3, 3, 3, 3)))
    assert no_reason.status_code == 200 and "Enter the reason for the agreed judgement" in no_reason.get_data(
        as_text=True
    )
    agreed = _form(client, both, {**_marks((3, 3, 3, 3, 3, 3)), "reason": "The law was stated rightly on reflection."})
    assert agreed.status_code == 302
    history = client.get(both).get_data(as_text=True)
    assert "Agreed judgement: met" in history and "The law was stated rightly on reflection." in history
    assert "not yet met" in history  # the mentor's first judgement stays in the history
    own = client.get(f"/assessments/observations/{mentor_marks}").get_data(as_text=True)
    assert "Outcome: not yet met" in own and "the agreed judgement is <strong>met</strong>" in own
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = client.get("/assessments/my-training").get_data(as_text=True)
    assert "Outcome: met (agreed after moderation)" in mine and "not yet met" not in mine
    one = client.get(f"/assessments/my-training/observations/{mentor_marks}").get_data(as_text=True)
    assert "not yet met" not in one
    with app.app_context():
        with pytest.raises(Conflict):
            moderation.agree(item_id, people["mentor"], _evidence((1,) * 6), "again")


def test_another_mentor_cannot_see_or_agree_a_moderation(app, client, auth, cohort_id, moderator_id, mentor_marks):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        moderation.record_marks(mentor_marks, moderator_id, _evidence((3,) * 6))
    auth.sign_in("other@example.org")
    assert client.get(f"/assessments/moderation/items/{item_id}").status_code == 404


# ---- the report ----------------------------------------------------------------------------


def test_the_report_shows_one_pair_as_too_few_and_exports_csv_without_formulas(
    app, client, auth, cohort_id, people, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        moderation.record_marks(mentor_marks, moderator_id, _evidence((3,) * 6))
        db.session.get(User, people["mentor"]).name = '=HYPERLINK("http://x")'
        db.session.commit()
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}/report").get_data(as_text=True)
    assert "Too few pairs to mean anything" in page and "From 1 observation" in page
    response = client.get(f"/assessments/moderation/cohorts/{cohort_id}/report.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    levels = [r for r in rows if r["grouping"] == "overall" and r["marks"] == "levels"]
    assert {r["pairs"] for r in levels} == {"6"} and {r["value"] for r in levels} == {""}
    assert all(not r["group"].startswith("=") for r in rows)
    assert any(r["group"].startswith("'=HYPERLINK") for r in rows if r["grouping"] == "mentor")
    assert item_id


@pytest.mark.parametrize("minimum", ["2", "-1.5", "NaN", "abc", "1e400"])
def test_a_calibration_threshold_off_the_kappa_scale_is_refused(app, client, auth, cohort_id, moderator_id, minimum):
    auth.sign_in(MODERATOR)
    response = _form(
        client,
        f"/assessments/moderation/cohorts/{cohort_id}/report",
        {
            "minimum_kappa": minimum,
            "min_pairs": "10",
            "sample_rate": "10",
            "raised_rate": "25",
            "adjudication_gap": "1",
            "new_mentor_rate": "50",
            "new_mentor_first": "0",
            "interim_share": "50",
        },
    )
    assert response.status_code == 200
    assert "Enter the minimum kappa as a number from -1 to 1" in response.get_data(as_text=True)


def test_enough_pairs_below_the_threshold_flag_a_mentor_for_calibration(
    app, client, auth, cohort_id, enrolment_id, people, moderator_id
):
    ids = [
        _submit(app, enrolment_id, people["mentor"], _evidence((4, 4, 4, 4, 4, 4)), f"c{i}", days_ago=i + 1)
        for i in range(2)
    ]
    with app.app_context():
        moderation.draw_chosen(cohort_id, moderator_id, ids)
        for o in ids:
            moderation.record_marks(o, moderator_id, _evidence((1, 2, 1, 2, 1, 2)))
        moderation.set_policy(cohort_id, "0.6", 10)
        found = moderation.report(cohort_id)
    assert found is not None and [f.flagged for f in found.flags] == [True]
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}/report").get_data(as_text=True)
    assert "Mo Mentor" in page and "offer calibration" in page


def test_the_pack_csv_parts_hold_both_sets_of_marks(app, cohort_id, moderator_id, mentor_marks):
    _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    with app.app_context():
        moderation.record_marks(mentor_marks, moderator_id, _evidence((3,) * 6))
        parts = moderation.pack_csv_parts(cohort_id)
        rubric = competency_services.rubric_of(db.session.get(Observation, mentor_marks).rubric_version)
    rows = list(csv.DictReader(io.StringIO(parts["marks.csv"])))
    assert {r["marker"] for r in rows} == {"mentor", "moderator"}
    assert len(rows) == 2 * (len(rubric.criteria) + len(rubric.fault_types))
    assert "agreement.csv" in parts


def test_a_cohort_that_holds_results_shows_trainees_a_sampled_outcome_only_once_it_is_moderated(
    app, client, auth, cohort_id, moderator_id, mentor_marks
):
    _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    auth.sign_in(MODERATOR)
    saved = _form(
        client,
        f"/assessments/moderation/cohorts/{cohort_id}/report",
        {
            "minimum_kappa": "0.6",
            "min_pairs": "10",
            "hold_results": "y",
            "sample_rate": "10",
            "raised_rate": "25",
            "adjudication_gap": "1",
            "new_mentor_rate": "50",
            "new_mentor_first": "0",
            "interim_share": "50",
        },
    )
    assert saved.status_code == 302
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    waiting = client.get("/assessments/my-training").get_data(as_text=True)
    assert "1 observation is awaiting moderation" in waiting and "not yet met" not in waiting
    assert client.get(f"/assessments/my-training/observations/{mentor_marks}").status_code == 404
    # Nor do the downloads give it away: the observation's record is not found, the plan leaves it out.
    assert client.get(f"/assessments/observations/{mentor_marks}/record.pdf").status_code == 404
    with app.app_context():
        enrolment_id = db.session.get(Observation, mentor_marks).enrolment_id
    plan = read.text(client.get(f"/assessments/enrolments/{enrolment_id}/training-plan.pdf").data)
    assert "Meeting room" not in plan and "not yet met" not in plan
    with app.app_context():
        moderation.record_marks(
            mentor_marks, moderator_id, _evidence((3, 3, 2, 3, 3, 3), (WRONG_LAW,))
        )  # the same marks
    shown = client.get("/assessments/my-training").get_data(as_text=True)
    assert "awaiting moderation" not in shown and "Outcome: not yet met" in shown


def test_the_sampling_plan_flags_a_mentor_sampled_short_of_their_rate(
    app, client, auth, cohort_id, enrolment_id, other_enrolment_id, people, moderator_id
):
    mine = [
        _submit(app, enrolment_id, people["mentor"], _evidence((3,) * 6), f"p{i}", days_ago=i + 1) for i in range(3)
    ]
    _submit(app, other_enrolment_id, people["other_mentor"], _evidence((3,) * 6), "q0")
    _sample_of(app, cohort_id, moderator_id, mine[:1])
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    table = page[page.index("Sampling so far") :]
    mo, olu = table.index("Mo Mentor"), table.index("Olu Other")
    assert "Enough" in table[mo:olu] and "Short by 1" in table[olu:]
    refused = _form(
        client,
        f"/assessments/moderation/cohorts/{cohort_id}/report",
        {"minimum_kappa": "0.6", "min_pairs": "10", "sample_rate": "0", "raised_rate": "101"},
    )
    assert refused.get_data(as_text=True).count("Enter the rate as a whole number from 1 to 100") >= 2


def test_marks_further_apart_than_the_gap_go_to_a_third_marker_who_did_not_mark_it(
    app, client, auth, cohort_id, people, make_person, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    third = make_person("third@example.org", Role.MODERATOR, name="Tom Third")
    auth.sign_in(MODERATOR)
    refused = _form(
        client,
        f"/assessments/moderation/cohorts/{cohort_id}/report",
        {"minimum_kappa": "0.6", "min_pairs": "10", "sample_rate": "10", "raised_rate": "25", "adjudication_gap": "-1"},
    )
    assert "Enter the gap as a whole number of levels from 0 to 20" in refused.get_data(as_text=True)
    auth.sign_out()
    with app.app_context():
        moderation.record_marks(
            mentor_marks, moderator_id, _evidence((1, 3, 4, 3, 3, 3))
        )  # 2 levels apart: over the gap of 1
        item = db.session.get(ModerationItem, item_id)
        assert moderation.status_of(item) == "to-adjudicate"
        for marker in (moderator_id, people["mentor"]):
            with pytest.raises(Invalid, match="a third marker must decide"):
                moderation.agree(item_id, marker, _evidence((3,) * 6), "We agree")
    auth.sign_in("third@example.org")
    both = f"/assessments/moderation/items/{item_id}"
    page = client.get(both).get_data(as_text=True)
    assert "Far apart: a third marker decides" in page and "Record the final judgement" in page
    decided = _form(client, both, {**_marks((3, 3, 3, 3, 3, 3)), "reason": "Third marker: the timelines were met."})
    assert decided.status_code == 302
    with app.app_context():
        item = db.session.get(ModerationItem, item_id)
        assert item.agreed and item.agreed_by_id == third
    auth.sign_out()
    auth.sign_in("other@example.org")  # a mentor who did not mark it sees nothing
    assert client.get(both).status_code == 404


def test_a_blank_second_marking_is_refused_beside_the_first_criterion(
    app, client, auth, cohort_id, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    auth.sign_in(MODERATOR)
    response = _form(client, f"/assessments/moderation/items/{item_id}/mark", {"f0": "0", "f1": "0", "f2": "0"})
    assert response.status_code == 200 and "Choose your level for at least one criterion" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert not db.session.get(ModerationItem, item_id).marked


def test_a_level_of_only_spaces_or_newlines_counts_as_not_observed_not_a_server_error(
    app, client, auth, cohort_id, moderator_id, mentor_marks
):
    item_id = _sample_of(app, cohort_id, moderator_id, [mentor_marks])
    auth.sign_in(MODERATOR)
    blank = _form(client, f"/assessments/moderation/items/{item_id}/mark", {f"c{i}": " \n " for i in range(6)})
    assert blank.status_code == 200 and "Choose your level for at least one criterion" in blank.get_data(as_text=True)
    marked = _form(client, f"/assessments/moderation/items/{item_id}/mark", {**_marks((3, 3, 3, 3, 3, 3)), "c5": "  "})
    assert marked.status_code == 302
    with app.app_context():
        levels = moderation.engine.Result.from_dict(db.session.get(ModerationItem, item_id).moderator_result).levels
    assert levels[-1] is None


def test_the_cohort_page_with_its_two_sample_forms_has_each_id_once(
    app, client, auth, cohort_id, mentor_marks, moderator_id
):
    """Each form's CSRF token has an id of its own: a repeated id fails WCAG 2's parsing check."""
    auth.sign_in(MODERATOR)
    page = client.get(f"/assessments/moderation/cohorts/{cohort_id}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 2  # the random sample and the chosen one (and signing out)
    assert repeated_ids(page) == {}
