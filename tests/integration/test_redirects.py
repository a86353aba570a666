"""Every redirect target taken from a request stays on this site, for every known bypass."""

from __future__ import annotations

import re
from urllib.parse import quote

from core.accounts.roles import Role
from core.extensions import db
from curriculum import services as curriculum
from curriculum.models import CatalogueArea, CatalogueModule
from tests.conftest import PASSWORD, csrf_token
from tests.integration.curriculum.conftest import DETAILS
from tests.redirect_corpus import leaves_site, redirect_bypasses


def test_no_next_bypass_sends_anyone_off_site_or_fails(app, make_person):
    make_person("admin@example.org", Role.ADMIN)
    for bypass in redirect_bypasses():
        client = app.test_client()
        token = csrf_token(client.get("/sign-in").get_data(as_text=True))
        # The bypass goes into the query string exactly as written in the corpus.
        response = client.post(
            f"/sign-in?next={quote(bypass, safe='%/:?=&@')}",
            data={"csrf_token": token, "email": "admin@example.org", "password": PASSWORD},
        )
        assert response.status_code == 302, bypass
        assert not leaves_site(response.headers["Location"]), (bypass, response.headers["Location"])


def test_a_local_next_page_is_still_honoured(app, auth, make_person, client):
    make_person("admin@example.org", Role.ADMIN)
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in?next=/admin/people/new",
        data={"csrf_token": token, "email": "admin@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/admin/people/new"


def _programme_with_catalogue(app, count: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        modules = [
            CatalogueModule(
                key=f"m{n}",
                title=f"Module {n}",
                summary="",
                suggested_hours=2,
                delivery_modes=[],
                scenario_keys=[],
                position=n,
                outcomes=[],
            )
            for n in range(count)
        ]
        db.session.add(
            CatalogueArea(key="area", title="Area", summary="", mandatory=False, position=1, modules=modules)
        )
        db.session.commit()
        return curriculum.create_programme(None, DETAILS).id


def test_a_back_field_posted_with_the_module_form_never_sends_anyone_off_site(app, auth, make_person, client):
    """The add-module form returns to this programme's page (a url_for target plus an anchor);
    a forged ``back`` field, whatever it holds, is ignored."""
    bypasses = redirect_bypasses()
    programme_id = _programme_with_catalogue(app, len(bypasses))
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/curriculum/programmes/{programme_id}"
    for n, bypass in enumerate(bypasses):
        page = client.get(f"{url}/add-modules").get_data(as_text=True)
        lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
        response = client.post(
            f"{url}/modules",
            data={"csrf_token": csrf_token(page), "lock_version": lock, "catalogue_key": f"m{n}", "back": bypass},
        )
        assert response.status_code == 302, bypass
        assert not leaves_site(response.headers["Location"]), (bypass, response.headers["Location"])
        assert response.headers["Location"] == f"{url}#module-m{n}"
