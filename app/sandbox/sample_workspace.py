"""The people, channels and user group a new sandbox workspace starts with."""

from __future__ import annotations

from dataclasses import dataclass

from app.sandbox.slack_double import SlackDouble

WORKSPACE_NAME = "Acme Sales"
APP_NAME = "Commitment Coach"
COMPANY_DOMAIN = "acmesales.com"  # the sample people's email addresses


@dataclass(frozen=True)
class SamplePerson:
    user_id: str
    handle: str
    real_name: str
    tz: str
    role: str
    is_admin: bool = False


SAMPLE_PEOPLE = (
    SamplePerson("U0SBANA", "ana", "Ana Ortiz", "America/New_York", "Sales rep"),
    SamplePerson("U0SBKENJI", "kenji", "Kenji Sato", "Asia/Tokyo", "Sales rep"),
    SamplePerson("U0SBPRIYA", "priya", "Priya Shah", "Europe/London", "Sales rep"),
    SamplePerson("U0SBMARIA", "maria", "Maria Lopez", "America/Chicago", "Sales manager"),
    SamplePerson(
        "U0SBSAM", "sam", "Sam Rivera", "America/Los_Angeles", "Workspace admin", is_admin=True
    ),
)
# Who installs the app in the sandbox (its welcome DM goes to them).
SAMPLE_ADMIN = "U0SBSAM"
SAMPLE_CHANNELS = (("C0SBSALES", "sales-team"), ("C0SBGENERAL", "general"))
SALES_REPS_GROUP = ("S0SBREPS", "sales-reps")
# The manager is a sample role only: the admin names managers in the app with /coach managers.
ROLES = {person.user_id: person.role for person in SAMPLE_PEOPLE}


def seed(slack: SlackDouble) -> None:
    """Fill an empty workspace with the sample people, channels (the app in each) and group."""
    for person in SAMPLE_PEOPLE:
        slack.add_user(
            person.user_id,
            name=person.handle,
            real_name=person.real_name,
            display_name=person.real_name,
            tz=person.tz,
            is_admin=person.is_admin,
            email=f"{person.handle}@{COMPANY_DOMAIN}",
        )
    for channel_id, name in SAMPLE_CHANNELS:
        slack.add_channel(channel_id, name)
    group_id, handle = SALES_REPS_GROUP
    reps = [p.user_id for p in SAMPLE_PEOPLE if p.role == "Sales rep"]
    slack.add_usergroup(group_id, handle, reps)
