"""``flask enrol`` enrols a trainee from a script, and says clearly what is wrong."""

from __future__ import annotations


def test_flask_enrol_enrols_a_trainee_whom_the_mentor_then_sees(client, auth, runner, cohort_id, people):
    result = runner.invoke(
        args=[
            "enrol",
            "--cohort",
            str(cohort_id),
            "--trainee",
            "trainee@example.org",
            "--mentor",
            "mentor@example.org",
            "--school",
            "Hill Primary",
            "--became-senco",
            "2025-01-06",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Enrolled Tia Trainee on Autumn cohort, mentored by Mo Mentor." in result.output
    auth.sign_in("mentor@example.org")
    assert "Tia Trainee" in client.get("/assessments/observations").get_data(as_text=True)


def test_flask_enrol_names_the_option_at_fault(runner, cohort_id, people):
    unknown = runner.invoke(
        args=["enrol", "--cohort", str(cohort_id), "--trainee", "nobody@example.org", "--mentor", "mentor@example.org"]
    )
    assert unknown.exit_code == 1 and "--trainee: no person has the email address nobody@example.org" in unknown.output
    not_a_mentor = runner.invoke(
        args=["enrol", "--cohort", str(cohort_id), "--trainee", "trainee@example.org", "--mentor", "second@example.org"]
    )
    assert not_a_mentor.exit_code == 1 and "--mentor: Choose at least one mentor" in not_a_mentor.output
    future = runner.invoke(
        args=[
            "enrol",
            "--cohort",
            str(cohort_id),
            "--trainee",
            "trainee@example.org",
            "--mentor",
            "mentor@example.org",
            "--became-senco",
            "2999-01-01",
        ]
    )
    assert future.exit_code == 1 and "--became-senco:" in future.output
