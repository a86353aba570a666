"""``flask plans render`` and ``flask plans cohort``: the same documents from the command line."""

from __future__ import annotations

import io
import zipfile

from pypdf import PdfReader

from assessments import services
from tests.integration.assessments.conftest import TODAY


def test_render_writes_the_trainees_plan_as_a_pdf(runner, enrolment_id, tmp_path):
    output = tmp_path / "plan.pdf"
    result = runner.invoke(args=["plans", "render", "--trainee", "Trainee@Example.org", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert f"Wrote the training plan of Tia Trainee to {output}" in result.output
    assert "Tia Trainee" in PdfReader(output).pages[0].extract_text()


def test_render_for_an_unknown_or_unenrolled_person_says_so_and_writes_nothing(runner, enrolment_id, people, tmp_path):
    output = tmp_path / "plan.pdf"
    unknown = runner.invoke(args=["plans", "render", "--trainee", "nobody@example.org", "-o", str(output)])
    assert unknown.exit_code == 1
    assert "--trainee: no person has the email address nobody@example.org" in unknown.output
    unenrolled = runner.invoke(args=["plans", "render", "--trainee", "second@example.org", "-o", str(output)])
    assert unenrolled.exit_code == 1
    assert "Sam Second is not enrolled on any cohort, so has no training plan" in unenrolled.output
    assert not output.exists()


def test_cohort_writes_one_pdf_a_trainee_into_a_zip_with_a_progress_bar(
    runner, cohort_id, enrolment_id, other_enrolment_id, tmp_path
):
    (tmp_path / "out").mkdir()
    output = tmp_path / "out" / "plans.zip"
    result = runner.invoke(args=["plans", "cohort", "Autumn cohort", "-o", str(output), "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert "Training plans for Autumn cohort" in result.output  # the progress bar's label (drawn on a terminal only)
    assert f"Wrote 2 training plans to {output}." in result.output
    archive = zipfile.ZipFile(output)
    assert archive.namelist() == ["001-tia-trainee.pdf", "002-sam-second.pdf"]
    assert "Sam Second" in PdfReader(io.BytesIO(archive.read("002-sam-second.pdf"))).pages[0].extract_text()
    assert list((tmp_path / "out").iterdir()) == [output]  # no partial file left beside it


def test_cohort_with_no_trainees_or_no_such_cohort_says_so_and_writes_no_zip(
    app, runner, cohort_id, make_person, tmp_path
):
    output = tmp_path / "plans.zip"
    empty = runner.invoke(args=["plans", "cohort", str(cohort_id), "-o", str(output)])
    assert empty.exit_code == 1
    assert "This cohort has no trainees yet, so it has no training plans" in empty.output
    missing = runner.invoke(args=["plans", "cohort", "No such cohort", "-o", str(output)])
    assert missing.exit_code == 1
    assert "No cohort has the number or name 'No such cohort'" in missing.output
    assert not output.exists()


def test_a_trainee_on_two_cohorts_is_asked_which(app, runner, cohort_id, enrolment_id, people, tmp_path):
    with app.app_context():
        version_id = services.get_cohort(cohort_id).programme_version_id
        second = services.create_cohort("Spring cohort", version_id)
        services.enrol(second.id, services.EnrolmentInput(people["trainee"], (people["mentor"],)), TODAY)
        second_id = second.id
    output = tmp_path / "plan.pdf"
    asked = runner.invoke(args=["plans", "render", "--trainee", "trainee@example.org", "-o", str(output)])
    assert asked.exit_code == 1
    assert (
        f"Tia Trainee is on 2 cohorts: {cohort_id} (Autumn cohort), {second_id} (Spring cohort). Choose one with --cohort."
        in asked.output
    )
    chosen = runner.invoke(
        args=["plans", "render", "--trainee", "trainee@example.org", "--cohort", "Spring cohort", "-o", str(output)]
    )
    assert chosen.exit_code == 0, chosen.output
    assert output.read_bytes().startswith(b"%PDF-")


def test_cohort_named_by_a_superscript_two_is_no_such_cohort_not_a_crash(runner, cohort_id, tmp_path):
    # "²".isdigit() is true, and int("²") raised: the command crashed with a traceback.
    output = tmp_path / "plans.zip"
    result = runner.invoke(args=["plans", "cohort", "²", "-o", str(output)])
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError)
    assert "No cohort has the number or name '²'" in result.output
    assert not output.exists()
