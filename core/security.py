"""Security headers on every response, from one small hook (Flask-Talisman is unmaintained)."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


# Two years, the HSTS preload list's minimum; sent only over HTTPS, as RFC 6797 requires.
STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains"
API_PREFIX = "/api/"


def _set_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
    # The API is read by path, not by blueprint, so any API module (whoever writes it) is covered;
    # its answers are about one token holder's data and must not be kept by any cache.
    if current_user.is_authenticated or request.path.startswith(API_PREFIX):
        # Pages about people must not linger in a shared computer's cache or history.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
