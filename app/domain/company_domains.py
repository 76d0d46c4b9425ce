"""The company's own email domains: attendees from them are colleagues, anyone else a customer.

Admins list them with `/coach domains`; until they do, each member's Slack email teaches its
domain (the installing admin's first). Personal mail providers are never learned: a rep on
gmail.com must not make every gmail.com customer a colleague.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from publicsuffixlist import PublicSuffixList
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import insert_unless_exists
from app.domain.workspace import Workspace
from app.models import DOMAIN_MAX, CompanyDomain, DomainSource

# Mail providers whose addresses say nothing about an employer.
PERSONAL_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.com",
        "gmx.de", "web.de", "proton.me", "protonmail.com", "mail.com", "yandex.ru", "qq.com",
    }
)  # fmt: skip
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@lru_cache(maxsize=1)
def suffixes() -> PublicSuffixList:
    """The Public Suffix List the package ships (never fetched at run time)."""
    return PublicSuffixList()


def email_domain(address: str | None) -> str | None:
    """`Ana@Acme.com` -> `acme.com`; None for anything that is not an address."""
    if not address or "@" not in address:
        return None
    return normalize_domain(address.rsplit("@", 1)[1])


def registrable_domain(domain: str | None) -> str | None:
    """The part of a domain a company registers: `eu.acme-corp.co.uk` -> `acme-corp.co.uk`."""
    return suffixes().privatesuffix(domain) if domain else None


def normalize_domain(text: str) -> str | None:
    """A domain as stored (lowercase, IDNA, no dots around, no `@`); None when it is not one
    a company could own (no dot, a bare public suffix such as `co.uk`, bad characters)."""
    name = text.strip().lstrip("@").rstrip(".").lower()
    if name.startswith(("http://", "https://")) or "/" in name or len(name) > DOMAIN_MAX:
        return None
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = name.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if suffixes().privatesuffix(name) is None:
        return None
    return name


def is_company_domain(domain: str, company: frozenset[str]) -> bool:
    """`eu.acme.com` is the company's when `acme.com` is."""
    return any(domain == own or domain.endswith("." + own) for own in company)


@dataclass(frozen=True)
class ListedDomain:
    domain: str
    source: DomainSource


def listed_domains(session: Session, workspace: Workspace) -> list[ListedDomain]:
    """The workspace's company domains, alphabetically (removed ones left out)."""
    rows = session.scalars(
        select(CompanyDomain)
        .where(CompanyDomain.team_id == workspace.team_id, CompanyDomain.removed.is_(False))
        .order_by(CompanyDomain.domain)
    )
    return [ListedDomain(row.domain, row.source) for row in rows]


def company_domains(session: Session, workspace: Workspace) -> frozenset[str]:
    return frozenset(listed.domain for listed in listed_domains(session, workspace))


def _row(session: Session, workspace: Workspace, domain: str) -> CompanyDomain | None:
    return session.scalar(
        select(CompanyDomain).where(
            CompanyDomain.team_id == workspace.team_id, CompanyDomain.domain == domain
        )
    )


def add_domain(
    session: Session, workspace: Workspace, domain: str, admin_id: str, now: datetime
) -> bool:
    """List `domain` (normalized by the caller); False when it already was. Safe to repeat."""
    values = {
        **workspace.columns,
        "domain": domain,
        "source": DomainSource.ADMIN,
        "changed_by": admin_id,
        "created_at": now,
        "updated_at": now,
    }
    if insert_unless_exists(session, CompanyDomain, values, ("team_id", "domain")) is not None:
        return True
    row = _row(session, workspace, domain)
    assert row is not None
    if not row.removed:
        return False
    row.removed, row.source, row.changed_by, row.updated_at = (
        False,
        DomainSource.ADMIN,
        admin_id,
        now,
    )
    return True


def remove_domain(
    session: Session, workspace: Workspace, domain: str, admin_id: str, now: datetime
) -> bool:
    """Unlist `domain`; False when it was not listed. The row stays, so that learning the domain
    from a member's email again does not bring it back."""
    row = _row(session, workspace, domain)
    if row is None or row.removed:
        return False
    row.removed, row.changed_by, row.updated_at = True, admin_id, now
    return True


def learn_from_email(session: Session, workspace: Workspace, email: str | None) -> None:
    """A member's Slack email: its domain becomes the company's unless personal or removed."""
    domain = email_domain(email)
    if domain is None or domain in PERSONAL_EMAIL_DOMAINS:
        return
    insert_unless_exists(
        session,
        CompanyDomain,
        {**workspace.columns, "domain": domain, "source": DomainSource.SLACK_EMAIL},
        ("team_id", "domain"),
    )
