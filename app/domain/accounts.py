"""Accounts (customers and prospects): one row per name, however the rep spells it."""

from __future__ import annotations

import re

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import Account


def account_key(name: str) -> str:
    """Names that differ only in case, spacing or trailing punctuation are one account."""
    return re.sub(r"\s+", " ", name).strip(" .,;").casefold()


def find_or_create_account(session: Session, workspace: Workspace, name: str) -> Account:
    key = account_key(name)
    insert_unless_exists(
        session,
        Account,
        {**workspace.columns, "name": name, "name_key": key},
        ("team_id", "name_key"),
    )
    account = session.scalar(
        select(Account).where(Account.team_id == workspace.team_id, Account.name_key == key)
    )
    assert account is not None
    return account


# A message names an account when it contains the account's whole name; names this short
# ("HP" aside) would match inside ordinary words too often to be offered.
NAMED_MIN_LENGTH = 3
NAMED_CANDIDATES = 20
MESSAGE_SCAN_MAX = 4000


def account_named_in(session: Session, workspace: Workspace, text: str) -> Account | None:
    """The workspace's known account a message names (the longest, as whole words), if any.

    `text` is untrusted: it is only ever a bound parameter, and only its start is read.
    """
    said = account_key(text[:MESSAGE_SCAN_MAX])
    if len(said) < NAMED_MIN_LENGTH:
        return None
    candidates = session.scalars(
        select(Account)
        .where(
            Account.team_id == workspace.team_id,
            func.length(Account.name_key) >= NAMED_MIN_LENGTH,
            # A name's % or _ only widens the candidates: each is checked below.
            literal(said).contains(Account.name_key),
        )
        .order_by(func.length(Account.name_key).desc(), Account.id)
        .limit(NAMED_CANDIDATES)
    )
    for account in candidates:
        if re.search(rf"(?<!\w){re.escape(account.name_key)}(?!\w)", said):
            return account
    return None
