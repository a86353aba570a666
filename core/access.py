"""Who may reach what: every route needs a signed-in person unless marked public."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.roles import Role

View = TypeVar("View", bound=Callable[..., Any])

# The only pages for a person who must replace a temporary password before anything else.
WHILE_PASSWORD_MUST_CHANGE = frozenset({"auth.change_password", "auth.sign_out"})


def public(view: View) -> View:
    """Mark a view as open to people who have not signed in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def _require_roles(roles: tuple[Role, ...]) -> None:
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    if roles and not current_user.has_role(*roles):
        abort(403)


def roles_required(*roles: Role) -> Callable[[View], View]:
    """Decorate a view that only people holding one of ``roles`` may use."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            _require_roles(roles)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def restrict_blueprint(blueprint: Blueprint, *roles: Role) -> None:
    """Every route of ``blueprint`` needs one of ``roles``: a room's default guard."""
    blueprint.before_request(lambda: _require_roles(roles))


def _require_sign_in() -> Response | None:
    # Secure by default: a new route is private unless someone decides it is public.
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "is_public", False):
        return None
    if request.blueprint in current_app.extensions.get("api_blueprints", ()):
        return None  # the API authenticates each request by bearer token instead (core.api)
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
    if current_user.must_change_password and request.endpoint not in WHILE_PASSWORD_MUST_CHANGE:
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    app.before_request(_require_sign_in)
