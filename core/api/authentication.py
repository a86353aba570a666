"""Who calls the JSON API: a bearer token from ``flask users token``, of a person holding the
roles a blueprint or a route needs. API routes never accept the session cookie, so a browser
cannot be tricked into calling them (no CSRF exposure)."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Response, g, request

from core.accounts import api_tokens
from core.accounts.models import User
from core.api.errors import error_response, fail
from core.problems import Problem
from core.roles import Role


def current_api_user() -> User:
    return g.api_user


def authenticate(roles: tuple[Role, ...]) -> Response | None:
    """Before each route of an API blueprint: the token's person as ``current_api_user``, or the
    answer that refuses the call (401 without a valid token, 403 without one of ``roles``)."""
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    user = api_tokens.user_for_token(token) if token else None
    if user is None:
        return error_response(401, [Problem("", "Send a valid API token: Authorization: Bearer <token>")])
    if roles and not user.has_role(*roles):
        return error_response(403, [Problem("", "Your account does not have the role this API needs")])
    g.api_user = user
    return None


def roles(*allowed: Role) -> Any:
    """Decorate an API view that only people holding one of ``allowed`` may call (403 otherwise).

    For a blueprint whose routes differ by role; the blueprint's own roles are checked first.
    Put it right under the route decorator, so the role is checked before the body is read:
    someone who may not call the operation learns nothing from its validation messages.
    """

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_api_user().has_role(*allowed):
                fail(403, "Your account does not have the role this API needs")
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(allowed)
        return wrapped

    return decorator
