"""The small shared base every room builds on: database, accounts and roles, layout, errors.

The application factory lives in :mod:`core.app`, not here, so that the rooms can import
``core.extensions`` and ``core.accounts`` without pulling in the factory that imports them.
"""
