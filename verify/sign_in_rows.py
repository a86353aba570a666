"""Rows about signing in: redirect bypasses, and whether timing tells a known email from an unknown."""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from flask.testing import FlaskClient

from verify import world as worlds

BYPASSES_FILE = Path(__file__).resolve().parent.parent / "tests" / "data" / "redirect_bypasses.txt"
TIMING_TRIES = 15
TIMING_RATIO_MAX = 1.5
Figure = tuple[str, bool, list[str]]
_SITE = "http://verify.localhost/"


def bypasses() -> list[str]:
    """Each line as it would follow ``next=`` in an address (percent-encoded); # starts a comment."""
    lines = BYPASSES_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def leaves_the_site(location: str) -> bool:
    """Whether a browser given this Location would go to another host. Browsers drop tabs and
    newlines, trim control characters and spaces, and read backslashes as slashes."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("".join(map(chr, range(0x21)))).replace("\\", "/")
    if urlsplit(cleaned).scheme and urlsplit(cleaned).netloc != urlsplit(_SITE).netloc:
        return True  # "http:evil.example" leaves an https site; "javascript:" is never a page here
    target = urlsplit(urljoin(_SITE, cleaned))
    return target.scheme not in ("http", "https") or target.netloc != urlsplit(_SITE).netloc


def _post_with_token(client: FlaskClient, page_url: str, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = worlds.csrf_token(client.get(page_url, base_url=_SITE).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, base_url=_SITE)


def redirects() -> Figure:
    if not BYPASSES_FILE.exists():
        return f"not run: {BYPASSES_FILE.relative_to(BYPASSES_FILE.parents[2])} is missing", False, []
    world = worlds.build()
    try:
        followed: list[str] = []
        tried = 0
        programme, module = world.ids["programme_id"], world.ids["module_key"]
        for raw in bypasses():
            answers = []
            anonymous = world.app.test_client()
            answers.append(("GET /sign-in?next= signed out", anonymous.get(f"/sign-in?next={raw}", base_url=_SITE)))
            signing_in = world.app.test_client()
            answers.append(
                (
                    "POST /sign-in?next=",
                    _post_with_token(
                        signing_in,
                        f"/sign-in?next={raw}",
                        f"/sign-in?next={raw}",
                        {"email": world.emails["designer"], "password": worlds.PASSWORD, "next": unquote(raw)},
                    ),
                )
            )
            answers.append(("GET /sign-in?next= signed in", signing_in.get(f"/sign-in?next={raw}", base_url=_SITE)))
            module_url = f"/curriculum/programmes/{programme}/modules/{module}"
            answers.append(
                (
                    "POST module form back=",
                    _post_with_token(signing_in, module_url, module_url, {"hours": "6", "back": unquote(raw)}),
                )
            )
            other = world.ids["other_catalogue_key"]  # not in the draft, so the add succeeds
            answers.append(
                (
                    "POST add module back=",
                    _post_with_token(
                        signing_in,
                        f"/curriculum/programmes/{programme}/add-modules",
                        f"/curriculum/programmes/{programme}/modules",
                        {"catalogue_key": other, "back": unquote(raw)},
                    ),
                )
            )
            _post_with_token(
                signing_in,
                f"/curriculum/programmes/{programme}/modules/{other}",
                f"/curriculum/programmes/{programme}/modules/{other}/remove",
                {},
            )
            for where, response in answers:
                tried += 1
                location = response.headers.get("Location")
                if response.status_code >= 500:
                    followed.append(f"{where} {raw!r}: {response.status_code}")
                elif location and leaves_the_site(location):
                    followed.append(f"{where} {raw!r} → Location: {location!r}")
        figure = f"{len(bypasses())} bypasses × 5 ways in = {tried} answers: {len(followed)} followed off-site (or 5xx)"
        return figure, tried > 0 and not followed, followed[:15]
    finally:
        world.close()


def _timed_sign_in(world: worlds.World, email: str) -> float:
    client = world.app.test_client()
    token = worlds.csrf_token(client.get("/sign-in").get_data(as_text=True))
    started = time.perf_counter()
    client.post("/sign-in", data={"csrf_token": token, "email": email, "password": "not the password at all"})
    return time.perf_counter() - started


def sign_in_timing() -> Figure:
    world = worlds.build()
    try:
        known, unknown = [], []
        for i in range(TIMING_TRIES):  # interleaved, so that a busy moment costs both alike
            known.append(_timed_sign_in(world, world.emails["mentor"]))
            unknown.append(_timed_sign_in(world, f"nobody{i}@verify.example"))
        a, b = statistics.median(known), statistics.median(unknown)
        ratio = max(a, b) / min(a, b)
        figure = (
            f"median wrong-password sign-in: known email {a * 1000:.0f} ms, unknown {b * 1000:.0f} ms, "
            f"ratio {ratio:.2f}× ({TIMING_TRIES} each)"
        )
        return figure, ratio <= TIMING_RATIO_MAX, []
    finally:
        world.close()
