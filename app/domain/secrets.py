"""Secrets stored in the database (calendar addresses), encrypted with Fernet under
COACH_SECRET_KEY; several comma-separated keys rotate: the first encrypts, any decrypts."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

KEY_HELP = (
    "COACH_SECRET_KEY must be one or more Fernet keys, comma-separated; make one with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
)


class SecretUnreadable(Exception):
    """A stored secret that none of the keys opens: the key changed without rotation."""


class SecretBox:
    """Encrypts and decrypts short secrets; never logs or shows them."""

    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise ValueError(KEY_HELP)
        try:
            self._fernet = MultiFernet([Fernet(part) for part in parts])
        except ValueError:
            raise ValueError(KEY_HELP) from None

    def __repr__(self) -> str:
        return "SecretBox(<keys hidden>)"

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise SecretUnreadable() from None

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode("ascii")
