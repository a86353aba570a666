"""Reading the provider's NPQ for SENCOs applications from the DfE (the sync reader
``applications``), and keeping an application as the DfE holds it: from a sync, or from the
DfE's answer to a decision.
"""

from __future__ import annotations

from typing import Any

from core.clock import utcnow
from core.extensions import db
from dfe import schemas, sync
from dfe.client import DfeClient
from dfe.contract import COURSE, ApplicationStatus, Environment
from dfe.models import DfeApplication, DfeSettings

RESOURCE = "applications"
PATH = "/npq-applications"


def _read(client: DfeClient, env: Environment) -> sync.SyncResult:
    """Every application changed since the last sync, oldest change first (so a resumed sync
    reads on from where it stopped), for the chosen cohort year when one is set."""
    params: dict[str, Any] = {"sort": "updated_at"}
    chosen = db.session.get(DfeSettings, 1)
    if chosen is not None and chosen.cohort_year:
        params["filter[cohort]"] = str(chosen.cohort_year)
    return sync.paged(client, env, RESOURCE, PATH, upsert, params)


def upsert(record_: dict[str, Any], env: Environment) -> bool | str:
    """Keep one application as the DfE sent it: True when new or changed, or why it is not kept."""
    data = schemas.read(schemas.APPLICATION, record_)
    attributes = schemas.APPLICATION.dump(data)["attributes"]
    course = attributes["course_identifier"]
    if course != COURSE:
        return f"1 for {course[:80]}"
    row = db.session.get(DfeApplication, data["id"])
    if row is not None and row.erased_at is not None:
        before = (row.status, row.remote_updated_at)
        _store(row, env, attributes, data["attributes"].get("updated_at"))
        return before != (row.status, row.remote_updated_at)
    if row is not None and row.attributes == attributes and row.environment == env.value:
        return False
    if row is None:
        row = DfeApplication(id=data["id"], environment=env.value)
        db.session.add(row)
    _store(row, env, attributes, data["attributes"].get("updated_at"))
    return True


def _store(row: DfeApplication, env: Environment, attributes: dict[str, Any], updated_at: Any) -> None:
    row.environment = env.value
    row.attributes = attributes
    row.participant_id = attributes["participant_id"]
    row.status = attributes.get("status") or ApplicationStatus.PENDING.value
    row.full_name = attributes.get("full_name") or ""
    row.email = attributes.get("email") or ""
    row.remote_updated_at = updated_at
    row.synced_at = utcnow()
    if attributes.get("funded_place") is not None:
        row.funded_place = attributes["funded_place"]
    if row.erased_at is not None:  # erased here: what names the person is never written again
        row.full_name, row.email, row.attributes = "", "", {}


def store_answer(row: DfeApplication, answer: dict[str, Any]) -> None:
    data = schemas.read_one(schemas.APPLICATION, answer)
    _store(
        row,
        Environment(row.environment),
        schemas.APPLICATION.dump(data)["attributes"],
        data["attributes"].get("updated_at"),
    )


def init_app() -> None:
    sync.register(RESOURCE, _read)
