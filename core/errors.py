"""Error pages in the site's layout, saying what happened and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from core import api
from core.database import RETRY_AFTER_SECONDS, is_busy
from core.extensions import db
from core.roles import Role

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("Sorry, there is a problem with your request", "Check what you entered and try again."),
    403: (
        "You do not have permission to see this page",
        "Your account does not have the role this page needs. Ask an administrator if you think it should.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
    ),
    405: ("Sorry, there is a problem with your request", "This page cannot be used that way."),
    409: (
        "This page is out of date",
        "What it was about has changed since you opened it, for example it was published. "
        "Go back, reload the page to see where things stand, then try again.",
    ),
    413: ("The file is too large", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. What you entered has not been saved."),
    503: (
        "Sorry, the service is busy",
        "Too many people are using it at the moment. What you entered has not been saved. "
        "Wait a few seconds, then try again.",
    ),
}


def render_error(status: int, heading: str | None = None, body: str | None = None):  # type: ignore[no-untyped-def]
    default_heading, default_body = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template("errors/error.html", heading=heading or default_heading, body=body or default_body),
        status,
    )


# endpoint → its upload page with "file too large" on the file field (CSRF checking reads the
# body before the view, so the 413 comes here; the page still names where the problem is).
# Only for those holding one of its roles: the page is not shown to anyone else.
UPLOAD_PAGES: dict[str, tuple[tuple[Role, ...], Callable[[str], Any]]] = {}


def file_too_large_message() -> str:
    limit_mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return f"The selected file must be smaller than {limit_mb} MB"


def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    if api.is_api_request():  # e.g. a 404 or 405 that no API blueprint saw: JSON all the same
        return api.http_error_response(error)
    if error.response is not None:  # e.g. a redirect to sign in, passed through abort()
        return error.response
    roles, upload_page = UPLOAD_PAGES.get(request.endpoint or "", ((), None))
    if error.code == 413 and upload_page and current_user.is_authenticated and current_user.has_role(*roles):
        return upload_page(file_too_large_message())
    if error.code == 413:
        limit_mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return render_error(
            413,
            body=f"Files must be smaller than {limit_mb} MB. Nothing was saved. Choose a smaller file and try again.",
        )
    page, status = render_error(error.code or 500)
    # e.g. Allow on a 405, WWW-Authenticate on a 401: what the client needs to try again.
    headers = [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]
    return page, status, headers


def _csrf_error(_error: CSRFError):  # type: ignore[no-untyped-def]
    return render_error(
        400,
        "This form has expired",
        "For your security, forms expire after a while or when you sign in again. "
        "Go back, refresh the page and enter your answers again.",
    )


def _server_error(_error: Exception):  # type: ignore[no-untyped-def]
    db.session.rollback()
    if api.is_api_request():
        return api.http_error_response(InternalServerError())
    return render_error(500)


def _database_error(error: Exception):  # type: ignore[no-untyped-def]
    """A database too busy to answer within the bounded wait is a 503 to retry, never a 500."""
    if not is_busy(error):
        raise error
    db.session.rollback()
    if api.is_api_request():
        response = jsonify({"errors": [{"path": "", "message": MESSAGES[503][1]}]})
        response.status_code = 503
    else:
        response = current_app.make_response(render_error(503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(PoolTimeout, _database_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
