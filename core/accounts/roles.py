"""The roles live in :mod:`core.roles` (the foundation's, not the accounts feature's); this path stays for the rooms."""

from core.roles import HOME_PRIORITY, ROLE_LABELS, STAFF, Role

__all__ = ["HOME_PRIORITY", "ROLE_LABELS", "STAFF", "Role"]
