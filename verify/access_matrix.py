"""Who may use each route: the table the access-matrix row checks every route of the URL map
against. A route that is not listed here, or whose methods differ, makes the row fail until it is
listed, so adding a route means deciding who may use it.

Each entry: endpoint → (methods, who, URL arguments). ``who`` is PUBLIC, SIGNED_IN, or the roles
one of which is needed. Endpoints of an API blueprint (``*_api.``) authenticate by bearer token.
URL arguments name a value of the verify world (``verify/world.py``) or give it literally.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.accounts.roles import Role

PUBLIC = "public"
SIGNED_IN = "signed-in"
ADMIN = frozenset({Role.ADMIN})
DESIGNER = frozenset({Role.DESIGNER})
MENTOR = frozenset({Role.MENTOR})
TRAINEE = frozenset({Role.TRAINEE})
MODERATOR = frozenset({Role.MODERATOR})
# The verify world reads no applications from the DfE: an id that names none (administrators get a 404).
APPLICATION_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Access:
    methods: str  # e.g. "GET POST"
    who: str | frozenset[Role]
    arguments: dict[str, object] = field(default_factory=dict)


PROGRAMME = {"programme_id": "programme_id"}
MODULE = {"programme_id": "programme_id", "key": "module_key"}
RUBRIC = {"rubric_id": "rubric_id"}
COHORT = {"cohort_id": "cohort_id"}
ENROLMENT = {"enrolment_id": "enrolment_id"}

ACCESS: dict[str, Access] = {
    # core: signing in and the account
    "static": Access("GET", PUBLIC, {"filename": "css/app.css"}),
    "auth.health": Access("GET", PUBLIC),
    "auth.sign_in": Access("GET POST", PUBLIC),
    "auth.sign_out": Access("POST", SIGNED_IN),
    "auth.home": Access("GET", SIGNED_IN),
    "auth.change_password": Access("GET POST", SIGNED_IN),
    # pages reached from emailed links (a made-up link answers "This link no longer works"), and
    # asking for a reset link: for people who cannot sign in
    "links.accept_invitation": Access("GET POST", PUBLIC, {"token": "not-a-link"}),
    "links.forgot_password": Access("GET POST", PUBLIC),
    "links.reset_sent": Access("GET", PUBLIC),
    "links.reset_password": Access("GET POST", PUBLIC, {"token": "not-a-link"}),
    "links.change_email": Access("GET POST", SIGNED_IN),
    "links.confirm_email": Access("GET POST", PUBLIC, {"token": "not-a-link"}),
    # people (administrators)
    "people.index": Access("GET", ADMIN),
    "people.new": Access("GET POST", ADMIN),
    "people.edit": Access("GET POST", ADMIN, {"person_id": "person:mentor"}),
    "people.deactivate": Access("GET POST", ADMIN, {"person_id": "person:spare"}),
    "people.reactivate": Access("POST", ADMIN, {"person_id": "person:spare"}),
    "people.erase": Access("GET POST", ADMIN, {"person_id": "person:erasable"}),
    "people.start_export": Access("POST", ADMIN, {"person_id": "person:trainee", "kind": "json"}),
    "people.export_job": Access("GET", ADMIN, {"job_id": "export_job_id"}),
    "people.export_status": Access("GET", ADMIN, {"job_id": "export_job_id"}),
    "people.download_export": Access("GET", ADMIN, {"job_id": "export_job_id"}),
    "people.resend_invitation": Access("POST", ADMIN, {"person_id": "person:spare"}),
    "people.import_people": Access("GET POST", ADMIN),
    "people.confirm_import": Access("GET POST", ADMIN, {"staged_id": "staged_people"}),
    "people.import_template": Access("GET", ADMIN),
    # emails: every message the app wrote (administrators), and each person's own choices
    "outbox.index": Access("GET", ADMIN),
    "outbox.show": Access("GET", ADMIN, {"message_id": 1}),
    "emails.choose": Access("GET POST", SIGNED_IN),
    # the link to the DfE's NPQ API (administrators: the token and the funding decisions)
    "dfe.settings": Access("GET POST", ADMIN),
    "dfe.test_connection": Access("POST", ADMIN),
    "dfe.schedules": Access("GET POST", ADMIN),
    "dfe.applications_list": Access("GET", ADMIN),
    "dfe.applications_sync": Access("POST", ADMIN),
    "dfe.application_page": Access("GET", ADMIN, {"application_id": APPLICATION_ID}),
    "dfe.application_accept": Access("POST", ADMIN, {"application_id": APPLICATION_ID}),
    "dfe.application_reject": Access("POST", ADMIN, {"application_id": APPLICATION_ID}),
    "dfe.application_finish": Access("POST", ADMIN, {"application_id": APPLICATION_ID}),
    "dfe.declarations": Access("GET", ADMIN),
    "dfe.submit_declarations": Access("POST", ADMIN),
    "dfe.void_declaration": Access("POST", ADMIN, {"declaration_id": 1}),
    "dfe.statements": Access("GET", ADMIN),
    "dfe.participants_list": Access("GET", ADMIN),
    "dfe.participant": Access("GET POST", ADMIN, {"participant_id": 1}),
    "dfe.send_report_again": Access("POST", ADMIN, {"report_id": 1}),
    # single sign-on: for people who are not signed in (no issuer is configured here: a 404 for all)
    "sso.start": Access("GET", PUBLIC, {"name": "school"}),
    "sso.callback": Access("GET", PUBLIC, {"name": "school"}),
    # the audit log (administrators)
    "audit.index": Access("GET", ADMIN),
    # curriculum (course designers)
    "curriculum.index": Access("GET", DESIGNER),
    "curriculum.catalogue": Access("GET", DESIGNER),
    "curriculum.catalogue_module": Access("GET", DESIGNER, {"key": "catalogue_key"}),
    "curriculum.new_programme": Access("GET POST", DESIGNER),
    "curriculum.import_programme": Access("GET POST", DESIGNER),
    "curriculum.confirm_import": Access("GET POST", DESIGNER, {"staged_id": "staged_programme"}),
    "curriculum.programme": Access("GET", DESIGNER, PROGRAMME),
    "curriculum.edit_details": Access("GET POST", DESIGNER, PROGRAMME),
    "curriculum.add_modules": Access("GET", DESIGNER, PROGRAMME),
    "curriculum.add_catalogue_modules": Access("POST", DESIGNER, PROGRAMME),
    "curriculum.new_module": Access("GET POST", DESIGNER, PROGRAMME),
    "curriculum.edit_module": Access("GET POST", DESIGNER, MODULE),
    "curriculum.move_module": Access("POST", DESIGNER, MODULE),
    "curriculum.confirm_remove": Access("GET", DESIGNER, MODULE),
    "curriculum.remove_module": Access("POST", DESIGNER, MODULE),
    "curriculum.confirm_publish": Access("GET", DESIGNER, PROGRAMME),
    "curriculum.publish": Access("POST", DESIGNER, PROGRAMME),
    "curriculum.start_draft": Access("POST", DESIGNER, PROGRAMME),
    "curriculum.version": Access("GET", DESIGNER, {**PROGRAMME, "number": "version_number"}),
    "curriculum.compare": Access("GET", DESIGNER, PROGRAMME),
    "curriculum.export": Access("GET", DESIGNER, PROGRAMME),
    "curriculum_api.catalogue_modules": Access("GET", DESIGNER),
    "curriculum_api.list_programmes": Access("GET", DESIGNER),
    "curriculum_api.create_programme": Access("POST", DESIGNER),
    "curriculum_api.get_programme": Access("GET", DESIGNER, PROGRAMME),
    "curriculum_api.get_analysis": Access("GET", DESIGNER, PROGRAMME),
    "curriculum_api.compare": Access("GET", DESIGNER, PROGRAMME),
    "curriculum_api.start_draft": Access("POST", DESIGNER, PROGRAMME),
    "curriculum_api.add_module": Access("POST", DESIGNER, PROGRAMME),
    "curriculum_api.change_module": Access("PATCH", DESIGNER, MODULE),
    "curriculum_api.remove_module": Access("DELETE", DESIGNER, MODULE),
    "curriculum_api.publish": Access("POST", DESIGNER, PROGRAMME),
    "curriculum_api.get_version": Access("GET", DESIGNER, {**PROGRAMME, "label": "1"}),
    # competencies (course designers)
    "competencies.index": Access("GET", DESIGNER),
    "competencies.scenario": Access("GET POST", DESIGNER, {"key": "scenario_key"}),
    "competencies.rubrics": Access("GET", DESIGNER),
    "competencies.new_rubric": Access("GET POST", DESIGNER),
    "competencies.import_rubric": Access("GET POST", DESIGNER),
    "competencies.confirm_import": Access("GET POST", DESIGNER, {"staged_id": "staged_rubric"}),
    "competencies.rubric": Access("GET POST", DESIGNER, RUBRIC),
    "competencies.rubric_settings": Access("GET POST", DESIGNER, RUBRIC),
    "competencies.criterion": Access("GET POST", DESIGNER, {**RUBRIC, "key": "criterion_key"}),
    "competencies.remove_criterion": Access("POST", DESIGNER, {**RUBRIC, "key": "criterion_key"}),
    "competencies.fault_type": Access("GET POST", DESIGNER, {**RUBRIC, "key": "fault_type_key"}),
    "competencies.remove_fault_type": Access("POST", DESIGNER, {**RUBRIC, "key": "fault_type_key"}),
    "competencies.new_rubric_draft": Access("POST", DESIGNER, RUBRIC),
    "competencies.publish_rubric": Access("POST", DESIGNER, RUBRIC),
    "competencies.export_rubric": Access("GET", DESIGNER, RUBRIC),
    "competencies_api.scenarios": Access("GET", DESIGNER),
    "competencies_api.list_rubrics": Access("GET", DESIGNER),
    "competencies_api.create_rubric": Access("POST", DESIGNER),
    "competencies_api.get_rubric": Access("GET", DESIGNER, RUBRIC),
    "competencies_api.publish": Access("POST", DESIGNER, RUBRIC),
    "competencies_api.try_rubric": Access("POST", DESIGNER, RUBRIC),
    "competencies_api.get_version": Access("GET", DESIGNER, {**RUBRIC, "number": 1}),
    # the API's description, readable by anyone (it holds no data)
    "api_docs_page.docs": Access("GET", PUBLIC),
    "api-docs.openapi_json": Access("GET", PUBLIC),
    # assessments: cohorts (designers and administrators), observing (mentors), own progress (trainees)
    "assessments.cohorts": Access("GET POST", DESIGNER | ADMIN),
    "assessments.cohort": Access("GET POST", DESIGNER | ADMIN, {"cohort_id": "cohort_id"}),
    "assessments.cohort_settings": Access("GET POST", DESIGNER | ADMIN, {"cohort_id": "open_cohort_id"}),
    "assessments.move_rubric": Access(
        "GET POST", DESIGNER | ADMIN, {"cohort_id": "cohort_id", "scenario_key": "annual-review"}
    ),
    "assessments.change_enrolment": Access("GET POST", DESIGNER | ADMIN, {"enrolment_id": "enrolment_id"}),
    "assessments.change_training_status": Access(
        "GET POST", DESIGNER | ADMIN, {"enrolment_id": "enrolment_id", "change": "defer"}
    ),
    "assessments.import_enrolments": Access("GET POST", DESIGNER | ADMIN, {"cohort_id": "cohort_id"}),
    "assessments.confirm_enrolments": Access(
        "GET POST", DESIGNER | ADMIN, {"cohort_id": "cohort_id", "staged_id": "staged_enrolments"}
    ),
    "assessments.enrolment_template": Access("GET", DESIGNER | ADMIN),
    "assessments.observations": Access("GET", MENTOR),
    "assessments.trainee": Access("GET", MENTOR, {"enrolment_id": "enrolment_id"}),
    "assessments.new_observation": Access(
        "GET POST", MENTOR, {"enrolment_id": "enrolment_id", "scenario_key": "annual-review"}
    ),
    "assessments.observation": Access("GET", MENTOR, {"observation_id": "observation_id"}),
    "assessments.change_observation": Access("GET POST", MENTOR, {"observation_id": "draft_observation_id"}),
    "assessments.submit_observation": Access("POST", MENTOR, {"observation_id": "draft_observation_id"}),
    "assessments.my_training": Access("GET", TRAINEE),
    # printed documents (PDF): a trainee their own plan, mentors their trainees', designers all
    "assessments.training_plan_pdf": Access(
        "GET", TRAINEE | MENTOR | DESIGNER | ADMIN, {"enrolment_id": "enrolment_id"}
    ),
    "assessments.observation_record_pdf": Access(
        "GET", TRAINEE | MENTOR | DESIGNER | ADMIN, {"observation_id": "observation_id"}
    ),
    "documents.observation_form": Access("GET", MENTOR | DESIGNER, {"key": "annual-review"}),
    "documents.handbook": Access("GET", DESIGNER, {**PROGRAMME, "number": "version_number"}),
    "assessments.set_next_step": Access("POST", MENTOR, {"observation_id": "observation_id"}),
    "assessments.review_next_step": Access("POST", MENTOR, {"next_step_id": "next_step_id"}),
    "assessments.correct_observation": Access("GET POST", MENTOR, {"observation_id": "observation_id"}),
    "assessments.observation_history": Access("GET", MENTOR, {"observation_id": "observation_id"}),
    "assessments.observation_request": Access("GET POST", MENTOR, {"request_id": "request_id"}),
    "assessments.ask_for_observation": Access("GET POST", TRAINEE, {"enrolment_id": "enrolment_id"}),
    "assessments.my_observation": Access("GET", TRAINEE, {"observation_id": "observation_id"}),
    "assessments.self_assess": Access("POST", TRAINEE, {"observation_id": "draft_observation_id"}),
    "assessments.reflect": Access("POST", TRAINEE, {"observation_id": "observation_id"}),
    # assessments: the grid, the register and the case-study assessment
    "assessments.cohort_grid": Access("GET", DESIGNER | ADMIN, {"cohort_id": "cohort_id"}),
    "assessments.cohort_grid_csv": Access("GET", DESIGNER | ADMIN, {"cohort_id": "cohort_id"}),
    "assessments.register": Access("GET", DESIGNER | ADMIN),
    "assessments.register_csv": Access("GET", DESIGNER | ADMIN),
    "assessments.case_study_page": Access("GET POST", DESIGNER | ADMIN, {"enrolment_id": "enrolment_id"}),
    "assessments.my_case_study": Access("GET POST", TRAINEE, {"enrolment_id": "enrolment_id"}),
    "assessments.add_mentor": Access("GET POST", DESIGNER | ADMIN, {"enrolment_id": "enrolment_id"}),
    # assessments API: staff run cohorts; a mentor observes their trainees; a trainee reads their own
    "assessments_api.list_cohorts": Access("GET", DESIGNER | ADMIN),
    "assessments_api.create_cohort": Access("POST", DESIGNER | ADMIN),
    "assessments_api.get_cohort": Access("GET", DESIGNER | ADMIN, COHORT),
    "assessments_api.cohort_enrolments": Access("GET", DESIGNER | ADMIN, COHORT),
    "assessments_api.enrol": Access("POST", DESIGNER | ADMIN, COHORT),
    "assessments_api.list_enrolments": Access("GET", DESIGNER | ADMIN | MENTOR | TRAINEE),
    "assessments_api.get_enrolment": Access("GET", DESIGNER | ADMIN | MENTOR | TRAINEE, ENROLMENT),
    "assessments_api.change_enrolment": Access("PATCH", DESIGNER | ADMIN, ENROLMENT),
    "assessments_api.get_progress": Access("GET", DESIGNER | ADMIN | MENTOR | TRAINEE, ENROLMENT),
    "assessments_api.enrolment_observations": Access("GET", MENTOR | TRAINEE, ENROLMENT),
    "assessments_api.record_observation": Access("POST", MENTOR, ENROLMENT),
    "assessments_api.get_observation": Access("GET", MENTOR | TRAINEE, {"observation_id": "observation_id"}),
    "assessments_api.change_observation": Access("PATCH", MENTOR, {"observation_id": "draft_observation_id"}),
    "assessments_api.submit_observation": Access("POST", MENTOR, {"observation_id": "draft_observation_id"}),
    # moderation (moderators; a mentor sees and agrees the marks of their own moderated observations)
    "assessments.moderation": Access("GET", MODERATOR),
    "assessments.moderation_cohort": Access("GET", MODERATOR, {"cohort_id": "cohort_id"}),
    "assessments.draw_random": Access("POST", MODERATOR, {"cohort_id": "cohort_id"}),
    "assessments.draw_chosen": Access("POST", MODERATOR, {"cohort_id": "cohort_id"}),
    "assessments.moderation_sample": Access("GET", MODERATOR, {"sample_id": "sample_id"}),
    "assessments.mark": Access("GET POST", MODERATOR, {"item_id": "moderation_item_id"}),
    "assessments.moderated": Access("GET POST", MODERATOR | MENTOR, {"item_id": "marked_item_id"}),
    "assessments.my_moderations": Access("GET", MENTOR),
    "assessments.moderation_report": Access("GET POST", MODERATOR, {"cohort_id": "cohort_id"}),
    "assessments.moderation_report_csv": Access("GET", MODERATOR, {"cohort_id": "cohort_id"}),
    # a cohort's training plans as a ZIP, made as a job: its starter's only (404 for anyone else's)
    "assessments.start_cohort_plans": Access("POST", DESIGNER | ADMIN, {"cohort_id": "cohort_id"}),
    "assessments.cohort_plans_job": Access("GET", DESIGNER | ADMIN, {"job_id": "plan_job_id"}),
    "assessments.cohort_plans_status": Access("GET", DESIGNER | ADMIN, {"job_id": "plan_job_id"}),
    "assessments.download_cohort_plans": Access("GET", DESIGNER | ADMIN, {"job_id": "plan_job_id"}),
    "assessments_api.amend_observation": Access("POST", MENTOR, {"observation_id": "observation_id"}),
    "assessments_api.observation_revisions": Access("GET", MENTOR | TRAINEE, {"observation_id": "observation_id"}),
    "assessments_api.register": Access("GET", DESIGNER | ADMIN),
    "assessments_api.list_requests": Access("GET", MENTOR | TRAINEE),
    "assessments_api.ask_for_observation": Access("POST", TRAINEE, ENROLMENT),
    "assessments_api.accept_request": Access("POST", MENTOR, {"request_id": "request_id"}),
    "assessments_api.decline_request": Access("POST", MENTOR, {"request_id": "request_id"}),
    "assessments.appeal": Access("GET POST", TRAINEE, {"observation_id": "appealable_observation_id"}),
    "assessments.appeals": Access("GET", MODERATOR),
    "assessments.exemplars": Access("GET", DESIGNER | ADMIN),
    "assessments.new_exemplar": Access("GET POST", DESIGNER | ADMIN, {"scenario_key": "annual-review"}),
    "assessments.calibration": Access("GET", MENTOR),
    "assessments.calibrate": Access("GET POST", MENTOR, {"exemplar_id": "exemplar_id"}),
    "assessments.moderation_pack": Access("GET", DESIGNER | ADMIN | MODERATOR, {"cohort_id": "cohort_id"}),
    "assessments.review_appeal": Access("GET POST", MODERATOR, {"appeal_id": "appeal_id"}),
}
