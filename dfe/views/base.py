"""The DfE pages' blueprint: administrators only (they hold the DfE token and the funding decisions)."""

from __future__ import annotations

from flask import Blueprint

from core.access import restrict_blueprint
from core.accounts.roles import Role

bp = Blueprint("dfe", __name__, url_prefix="/admin/dfe", template_folder="../templates")
restrict_blueprint(bp, Role.ADMIN)
