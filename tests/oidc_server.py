"""A real OpenID Connect provider for the single sign-on tests: the certified `oidc-provider`
package (tests/oidc_provider/server.js), started once per test process on a free port.

Use the fixture by importing it into a test module (``from tests.oidc_server import oidc_provider``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import KeySet, RSAKey

from core.config import OidcIssuer
from tests.conftest import make_app

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "senco"
CLIENT_SECRET = "senco-test-secret"
# The issuer names the tests configure; the provider accepts each one's callback.
ISSUER_NAMES = ("school", "elsewhere")
# The Flask test client's host, then the e2e server's (which adds its own at start).
APP_ORIGINS = ("http://localhost",)
STARTUP_WAIT_SECONDS = 30


@dataclass(frozen=True)
class Provider:
    port: int
    keys: KeySet  # the provider's own signing keys (private), so tests can sign as the provider

    @property
    def issuer(self) -> str:
        return f"http://localhost:{self.port}"

    def configured(self, name: str = "school", **changes: object) -> OidcIssuer:
        """This provider as the app's settings name it (``changes`` to misconfigure on purpose)."""
        settings: dict[str, object] = {
            "name": name,
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "label": "Sign in with Microsoft 365",
            "create_for_domains": frozenset(),
        }
        settings.update(changes)
        return OidcIssuer(**settings)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _install() -> None:
    """``npm ci`` once if the provider is not installed (.ci/run installs it first); a lock keeps
    two test processes starting together from installing over each other."""
    with open(PROVIDER_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            npm = shutil.which("npm")
            assert npm, "npm is needed to install the test OpenID Connect provider"
            subprocess.run([npm, "ci", "--quiet", "--no-audit", "--no-fund"], cwd=PROVIDER_DIR, check=True)


def _wait_for_discovery(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + STARTUP_WAIT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the test OpenID Connect provider stopped at start"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError("the test OpenID Connect provider did not publish its discovery document")


def start_provider(tmp: Path, app_origins: tuple[str, ...] = APP_ORIGINS) -> tuple[Provider, subprocess.Popen[bytes]]:
    _install()
    port = free_port()
    keys = KeySet([RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig", "alg": "RS256"})])
    jwks_file = tmp / "provider-jwks.json"
    jwks_file.write_text(json.dumps(keys.as_dict(private=True)))
    redirect_uris = [f"{origin}/sign-in/school/{name}/callback" for origin in app_origins for name in ISSUER_NAMES]
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "JWKS_FILE": str(jwks_file),
    }
    process = subprocess.Popen(
        [shutil.which("node") or "node", "server.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    provider = Provider(port=port, keys=keys)
    try:
        _wait_for_discovery(process, f"http://127.0.0.1:{port}/.well-known/openid-configuration")
    except BaseException:
        stop_provider(process)
        raise
    return provider, process


def stop_provider(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """One provider per test process (each xdist worker has its own, on its own port)."""
    provider, process = start_provider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    stop_provider(process)


@pytest.fixture
def sso_client(app: Flask, database_url: str, tmp_path: Path, oidc_provider: Provider) -> Callable[..., FlaskClient]:
    """A browser on an app that trusts the given issuers (by default the local provider as "school").

    Built on the same database as ``app``, whose fixture empties it afterwards."""

    def make(*issuers: object, **config: object) -> FlaskClient:
        chosen = issuers or (oidc_provider.configured(),)
        sso_app = make_app(database_url, INSTANCE_PATH=str(tmp_path), OIDC_ISSUERS=chosen, **config)
        return sso_app.test_client()

    return make


def sign_in_at_provider(authorize_url: str, account: str | None = None, deny: bool = False) -> str:
    """Act as the person's browser at the provider: open its authorization URL, sign in as
    ``account`` (or refuse), and return where the provider sends the browser back to the app."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        response = browser.get(authorize_url)
        while response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if "/interaction/" in location:  # the provider's sign-in page
                response = browser.get(location, params={"deny": "1"} if deny else {"account": account or ""})
            elif location.startswith(f"{response.url.scheme}://{response.url.netloc.decode()}"):
                response = browser.get(location)
            else:
                return location  # leaving the provider: back to the app's callback
        raise AssertionError(f"the provider did not send the browser back: {response.status_code}")
