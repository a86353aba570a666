"""What the accounts hold about people, for the privacy registry (core.privacy)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from core import privacy
from core.accounts import throttle
from core.accounts.erasure import erase_account
from core.accounts.models import ApiToken, SignInFailure, User
from core.extensions import db
from core.privacy import Basis, Erase, Export, PersonalField, PersonalTable

ADMINS = "the person, administrators"
ADMINS_ONLY = "administrators (through the logs of failed sign-ins)"

USER = PersonalTable(
    "user",
    {
        "email": PersonalField(
            "the person's email address, used to sign in", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.ANONYMISE
        ),
        "name": PersonalField(
            "the person's name",
            Basis.CONTRACT,
            "everyone who works with them in the app",
            Export.AS_IS,
            Erase.ANONYMISE,
        ),
        "password_hash": PersonalField(
            "a salted hash of the password (a secret: never exported)",
            Basis.CONTRACT,
            "nobody",
            Export.NOT_EXPORTED,
            Erase.ANONYMISE,
        ),
        "session_token": PersonalField(
            "the secret the session cookie carries (never exported)",
            Basis.CONTRACT,
            "nobody",
            Export.NOT_EXPORTED,
            Erase.ANONYMISE,
        ),
        "active": PersonalField(
            "whether the person may sign in", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.ANONYMISE
        ),
        "created_at": PersonalField("when the account was made", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.KEEP),
        "last_signed_in_at": PersonalField(
            "when the person last signed in", Basis.LEGITIMATE_INTERESTS, ADMINS, Export.AS_IS, Erase.NULL
        ),
        "password_expires_at": PersonalField(
            "when a temporary password an administrator set stops working",
            Basis.CONTRACT,
            ADMINS,
            Export.AS_IS,
            Erase.NULL,
        ),
        "must_change_password": PersonalField(
            "whether the person must choose their own password at the next sign-in",
            Basis.CONTRACT,
            ADMINS,
            Export.AS_IS,
            Erase.ANONYMISE,
        ),
        "deactivated_at": PersonalField(
            "when the account was last deactivated (its retention period counts from it)",
            Basis.LEGAL_OBLIGATION,
            ADMINS,
            Export.AS_IS,
            Erase.KEEP,
        ),
    },
    retention="accounts",
    title="Your account",
)
ROLE_GRANT = PersonalTable(
    "role_grant",
    {
        "user_id": PersonalField("whose role it is", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.DELETE),
        "role": PersonalField(
            "a role the person has (trainee, mentor...)", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.DELETE
        ),
    },
    retention="accounts",
    title="Roles",
)
SIGN_IN_FAILURE = PersonalTable(
    "sign_in_failure",
    {
        "account_key": PersonalField(
            "a keyed hash (HMAC) of what was typed as the email at a failed sign-in, never the text",
            Basis.LEGITIMATE_INTERESTS,
            ADMINS_ONLY,
            Export.AS_IS,
            Erase.DELETE,
        ),
        "address": PersonalField(
            "the IP address a failed sign-in came from",
            Basis.LEGITIMATE_INTERESTS,
            ADMINS_ONLY,
            Export.AS_IS,
            Erase.DELETE,
        ),
        "occurred_at": PersonalField(
            "when it failed", Basis.LEGITIMATE_INTERESTS, ADMINS_ONLY, Export.AS_IS, Erase.DELETE
        ),
    },
    retention="sign_in_failures",
    title="Failed sign-ins with your email address",
)
API_TOKEN = PersonalTable(
    "api_token",
    {
        "user_id": PersonalField("whose token it is", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.DELETE),
        "name": PersonalField("the name the person gave the token", Basis.CONTRACT, ADMINS, Export.AS_IS, Erase.DELETE),
        "token_hash": PersonalField(
            "the SHA-256 of the token (a secret: never exported)",
            Basis.CONTRACT,
            "nobody",
            Export.NOT_EXPORTED,
            Erase.DELETE,
        ),
        "last_used_at": PersonalField(
            "when a script last used it", Basis.LEGITIMATE_INTERESTS, ADMINS, Export.AS_IS, Erase.DELETE
        ),
    },
    retention="api_tokens",
    title="API tokens",
)


class AccountsProvider(privacy.Provider):
    name = "Accounts"
    tables = (USER, ROLE_GRANT, SIGN_IN_FAILURE, API_TOKEN)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        person = db.session.get(User, person_id)
        if person is None:
            return {}
        tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == person_id).order_by(ApiToken.id))
        failures = db.session.scalars(
            select(SignInFailure)
            .where(SignInFailure.account_key == throttle.account_key(person.email))
            .order_by(SignInFailure.id)
        )
        return {
            "user": [
                {
                    "name": person.name,
                    "email": person.email,
                    "active": person.active,
                    "deactivated_at": person.deactivated_at,
                    "password_expires_at": person.password_expires_at,
                    "must_change_password": person.must_change_password,
                    "created_at": person.created_at,
                    "last_signed_in_at": person.last_signed_in_at,
                }
            ],
            "role_grant": [{"role": role.value} for role in person.sorted_roles()],
            "api_token": [
                {"name": t.name, "created_at": t.created_at, "expires_at": t.expires_at, "last_used_at": t.last_used_at}
                for t in tokens
            ],
            "sign_in_failure": [{"address": f.address, "occurred_at": f.occurred_at} for f in failures],
        }

    def erase(self, person_id: int) -> list[str]:
        return erase_account(person_id)


def init_app(app: Flask) -> None:
    privacy.register(app, AccountsProvider())
