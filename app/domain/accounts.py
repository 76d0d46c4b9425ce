"""Accounts (customers and prospects): one row per name, however the rep spells it."""

from __future__ import annotations

import re

from sqlalchemy import select
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
