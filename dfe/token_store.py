"""The DfE API token, kept encrypted in the database with a key that is not in it.

The key is ``DFE_TOKEN_KEY`` from the environment (set the same on every server), else a key made
once into ``instance/dfe_token_key`` (mode 0600). A backup of the database alone therefore does not
hold a usable token; restored elsewhere without the key, the token must be entered again (the
settings page says so). Fernet (the ``cryptography`` package): authenticated encryption, so a
changed ciphertext is refused rather than decrypted to something else.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

from core.config import create_private_file

KEY_FILE = "dfe_token_key"
HINT_LENGTH = 4


class TokenUnreadable(Exception):
    """The stored token cannot be decrypted with this server's key (a restore elsewhere, a changed key)."""


def _fernet() -> Fernet:
    key = os.environ.get("DFE_TOKEN_KEY", "").strip()
    if not key:
        path = Path(current_app.instance_path) / KEY_FILE
        create_private_file(path, Fernet.generate_key().decode())
        key = path.read_text().strip()
    return Fernet(key.encode())


def seal(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def unseal(ciphertext: str) -> str:
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except (InvalidToken, ValueError) as error:
        raise TokenUnreadable("The stored DfE token cannot be read with this server's key") from error


def hint(token: str) -> str:
    """What the page shows of a token: its last four characters, never more."""
    return token[-HINT_LENGTH:] if len(token) > 2 * HINT_LENGTH else ""
