"""Stored secrets: encrypted under COACH_SECRET_KEY, keys rotated by listing the new one first."""

from __future__ import annotations

import pytest

from app.domain.secrets import SecretBox, SecretUnreadable

ADDRESS = "https://calendar.google.com/calendar/ical/a/private-0123abcd/basic.ics"


def test_a_sealed_secret_opens_and_does_not_show() -> None:
    box = SecretBox(SecretBox.new_key())
    token = box.seal(ADDRESS)
    assert "0123abcd" not in token and box.open(token) == ADDRESS
    assert box.seal(ADDRESS) != token  # a fresh nonce each time
    assert "key" in repr(box) and SecretBox.new_key()[:8] not in repr(box)


def test_keys_rotate_the_first_encrypts_any_decrypts() -> None:
    old, new = SecretBox.new_key(), SecretBox.new_key()
    sealed_before = SecretBox(old).seal(ADDRESS)
    rotated = SecretBox(f"{new}, {old}")
    assert rotated.open(sealed_before) == ADDRESS
    assert SecretBox(new).open(rotated.seal(ADDRESS)) == ADDRESS
    with pytest.raises(SecretUnreadable):
        SecretBox(new).open(sealed_before)  # the old key dropped too early


@pytest.mark.parametrize("keys", ["", " , ", "not-a-fernet-key"])
def test_a_key_that_is_no_fernet_key_is_refused_saying_how_to_make_one(keys: str) -> None:
    with pytest.raises(ValueError, match="Fernet.generate_key"):
        SecretBox(keys)
