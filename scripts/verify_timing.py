"""Sign-in timing: does an unknown email answer as slowly as a known one? (for `make verify`)

Signs in many times, interleaved, with a known email and a wrong password, an unknown email,
and a deactivated account, through the app on a throw-away SQLite database; prints the median
time of each and the ratio of the slowest to the fastest median. Exit status 1 when the ratio is
over the target: an attacker could then tell which emails have accounts.

    .venv/bin/python scripts/verify_timing.py [--samples 30] [--target 1.25]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from core.accounts import services
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db

PASSWORD = "timing check password that is long"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CASES = {
    "known email, wrong password": ("known@example.org", "not the password at all"),
    "unknown email": ("nobody@example.org", "not the password at all"),
    "deactivated account": ("gone@example.org", PASSWORD),
}
ROW = "{:<30} {:>12} {:>10}"


def measure(samples: int) -> dict[str, float]:
    """Median seconds per sign-in attempt for each case."""
    folder = tempfile.mkdtemp(prefix="senco-timing-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/timing.sqlite3",
            "INSTANCE_PATH": folder,
            # Measure the password check, not the throttle's 429 short-cut.
            "SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 10**9,
            "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 10**9,
            "SIGN_IN_SLOW_DOWN_AFTER_ACCOUNT_FAILURES": 10**9,
        }
    )
    with app.app_context():
        upgrade()
        services.create_person("Known Person", "known@example.org", PASSWORD, {Role.MENTOR})
        services.create_person("Gone Person", "gone@example.org", PASSWORD, {Role.MENTOR}, active=False)
    client = app.test_client()
    token = CSRF_INPUT.search(client.get("/sign-in").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(samples):
        for name, (email, password) in CASES.items():  # interleaved, so drift hits every case alike
            started = time.perf_counter()
            response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})
            times[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{name}: expected a refusal (200), got {response.status_code}")
    with app.app_context():
        db.engine.dispose()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--target", type=float, default=1.25, help="largest allowed slowest/fastest ratio")
    args = parser.parse_args()
    medians = measure(args.samples)
    print(ROW.format("sign-in case", "median ms", ""))
    for name, seconds in medians.items():
        print(ROW.format(name, f"{seconds * 1000:.1f}", ""))
    ratio = max(medians.values()) / min(medians.values())
    verdict = "ok" if ratio <= args.target else "MISS"
    print(f"slowest / fastest median: {ratio:.2f} (target ≤ {args.target}) {verdict}")
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
