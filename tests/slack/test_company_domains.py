"""/coach domains: admins list, add and remove the company's email domains; others may not."""

from __future__ import annotations

import json

import pytest
from slack_sdk import WebClient

from app.domain import company_domains, reps
from app.domain.workspace import Workspace
from app.models import DomainSource
from app.sandbox import inbound
from app.slack.directory import profile_from_user
from app.slack.forms.company_domains import DomainFormIds
from app.slack.listeners.company_domains import ADMINS_ONLY
from app.slack.views.company_domains import USAGE, DomainIds
from tests.support.coach import Coach, http
from tests.support.workspace import REP_NY, REP_TOKYO

WORKSPACE = Workspace("T0001")
ADMIN, GUEST = "U0ADMIN", "U0GUEST"
GENERAL = "C0GENERAL"


@pytest.fixture
def team(coach: Coach) -> Coach:
    coach.slack.add_user(ADMIN, name="ada.admin", is_admin=True, email="Ada@Northwind.com")
    coach.slack.add_user(REP_NY, name="dana.rep", email="dana@gmail.com")  # personal mail
    # Someone of another workspace in a shared channel: their domain is not the company's.
    coach.slack.add_user(GUEST, name="gus", team_id="T0002", email="gus@partner.com")
    coach.slack.add_channel(GENERAL, "general")
    return coach


def listed(coach: Coach) -> list[tuple[str, DomainSource]]:
    with coach.services.sessions() as session:
        return [(d.domain, d.source) for d in company_domains.listed_domains(session, WORKSPACE)]


def domains(coach: Coach, text: str, user_id: str = ADMIN) -> dict:
    response = coach.slash("/coach", f"domains {text}".strip(), user_id, channel_id=GENERAL)
    assert response.status == 200
    return response.json()


def test_reps_may_not_see_or_change_the_domains(team: Coach) -> None:
    for text in ("", "add acme.com", "remove northwind.com"):
        assert domains(team, text, REP_NY) == {"text": ADMINS_ONLY, "response_type": "ephemeral"}
        assert domains(team, text, GUEST) == {"text": ADMINS_ONLY, "response_type": "ephemeral"}
    assert ("acme.com", DomainSource.ADMIN) not in listed(team)


def test_the_admins_own_email_domain_is_the_first_one(team: Coach) -> None:
    body = domains(team, "")
    assert listed(team) == [("northwind.com", DomainSource.SLACK_EMAIL)]
    assert "`northwind.com`  _from Slack emails_" in json.dumps(body["blocks"])
    assert USAGE in json.dumps(body["blocks"])


def test_personal_mail_and_other_workspaces_teach_nothing(team: Coach) -> None:
    team.slash("/coach", "calendar", REP_NY)  # Dana's profile is read for her zone
    team.settle()
    with team.services.sessions() as session:
        assert reps.find_rep(session, WORKSPACE, REP_NY).email == "dana@gmail.com"
    client = WebClient(base_url=team.slack.api_url, token=team.slack.bot_token)
    guest = client.users_info(user=GUEST)["user"]
    assert profile_from_user(guest, WORKSPACE).email is None  # not one of ours
    assert profile_from_user(guest).email is None
    assert listed(team) == []


def test_admins_add_and_remove_domains(team: Coach) -> None:
    body = domains(team, "add Acme.com @globex.co.uk")
    assert body["text"].startswith("Your company's email domains:")
    assert "Added `acme.com`, `globex.co.uk`." in json.dumps(body["blocks"])
    assert {domain for domain, _ in listed(team)} >= {"acme.com", "globex.co.uk"}
    again = domains(team, "add acme.com")
    assert "`acme.com`: already listed." in json.dumps(again["blocks"])
    assert "Removed `acme.com`." in json.dumps(domains(team, "remove acme.com")["blocks"])
    assert "`acme.com`: not listed." in json.dumps(domains(team, "remove acme.com")["blocks"])
    assert "acme.com" not in {domain for domain, _ in listed(team)}


@pytest.mark.parametrize(
    "typed", ["co.uk", "localhost", "https://acme.com/", "acme..com", "-a.com"]
)
def test_what_is_no_company_domain_is_refused_and_nothing_changes(team: Coach, typed: str) -> None:
    body = domains(team, f"add good.com {typed}")
    assert "not a domain a company could own" in body["text"]
    assert "Nothing changed" in body["text"]
    assert "good.com" not in {domain for domain, _ in listed(team)}  # not even the good one


def test_an_unknown_word_gets_the_usage(team: Coach) -> None:
    assert domains(team, "purge") == {"text": USAGE, "response_type": "ephemeral"}
    assert domains(team, "add") == {"text": USAGE, "response_type": "ephemeral"}


def test_a_removed_domain_is_not_learned_again(team: Coach) -> None:
    domains(team, "")
    domains(team, "remove northwind.com")
    team.slack.add_user(REP_TOKYO, name="kenji", tz="Asia/Tokyo", email="kenji@northwind.com")
    team.slash("/coach", "me", REP_TOKYO)
    with team.services.sessions.begin() as session:
        company_domains.learn_from_email(session, WORKSPACE, "someone@northwind.com")
    assert listed(team) == []
    domains(team, "add northwind.com")  # an admin may list it again
    assert listed(team) == [("northwind.com", DomainSource.ADMIN)]


def show_list(coach: Coach) -> str:
    """The admin's `/coach domains` in #general, shown as Slack shows the answer; its ts."""
    answer = domains(coach, "")
    hook = coach.slack.response_url(channel=GENERAL, user=ADMIN)
    assert (
        http("POST", hook, json.dumps(answer), {"Content-Type": "application/json"}).status == 200
    )
    return the_list(coach).ts


def the_list(coach: Coach):
    (message,) = [m for m in coach.slack.messages(GENERAL) if m.ephemeral_to == ADMIN]
    return message


def click_remove(coach: Coach, domain: str, user_id: str, list_ts: str) -> None:
    payload = inbound.block_actions_payload(
        user_id=user_id,
        team_id=coach.team_id,
        actions=[inbound.block_action(DomainIds.REMOVE, "domain", value=domain)],
        channel_id=GENERAL,
        ephemeral_message_ts=list_ts,
    )
    payload["response_url"] = coach.slack.response_url(
        channel=GENERAL, user=ADMIN, message_ts=list_ts
    )
    assert coach.post_signed(inbound.interaction_body(payload)).status == 200
    coach.settle()


def test_the_remove_button_removes_for_an_admin_only(team: Coach) -> None:
    domains(team, "add acme.com")
    list_ts = show_list(team)
    opened = len(team.slack.calls("views.open"))
    click_remove(team, "acme.com", REP_NY, list_ts)  # a rep who got hold of the button
    assert ("acme.com", DomainSource.ADMIN) in listed(team)
    notice = team.slack.wait_for("views.open", count=opened + 1)[-1].args["view"]
    assert ADMINS_ONLY in json.dumps(notice)
    click_remove(team, "acme.com", ADMIN, list_ts)
    assert "acme.com" not in {domain for domain, _ in listed(team)}
    assert "Removed `acme.com`." in json.dumps(the_list(team).blocks)
    click_remove(team, "acme.com", ADMIN, list_ts)  # twice: nothing more to do, and no error
    assert "already removed" in json.dumps(the_list(team).blocks)


def test_domains_are_scoped_to_the_workspace(team: Coach) -> None:
    domains(team, "add acme.com")
    with team.services.sessions() as session:
        assert company_domains.company_domains(session, Workspace("T0OTHER")) == frozenset()


def open_domains_from_the_home(coach: Coach, user_id: str = ADMIN) -> dict:
    opened = len(coach.slack.calls("views.open"))
    action = inbound.block_action(DomainIds.OPEN, "team_export")
    home = {"id": "V0HOME", "type": "home", "blocks": []}
    assert coach.act_in_view(home, action, user_id).status == 200
    coach.settle()
    return coach.slack.wait_for("views.open", count=opened + 1)[-1].response["view"]


def add_values(domain: str) -> dict:
    return {DomainFormIds.ADD_BLOCK: {DomainFormIds.INPUT: inbound.plain_text_value(domain)}}


def test_an_admin_adds_and_removes_domains_from_the_home(team: Coach) -> None:
    domains(team, "add northwind.com")
    view = open_domains_from_the_home(team)
    assert view["callback_id"] == DomainFormIds.CALLBACK and "northwind.com" in str(view["blocks"])

    refused = team.submit(view, add_values("not a domain"), ADMIN).json()
    assert refused["response_action"] == "errors"
    assert "acme.com" in refused["errors"][DomainFormIds.ADD_BLOCK]
    answer = team.submit(view, add_values("Northwind.co.uk"), ADMIN).json()
    assert answer["response_action"] == "update"
    assert "Added `northwind.co.uk`." in str(answer["view"]["blocks"])
    assert ("northwind.co.uk", DomainSource.ADMIN) in listed(team)

    updates = len(team.slack.calls("views.update"))
    remove = {"action_id": DomainIds.REMOVE, "value": "northwind.com", "type": "button"}
    assert team.act_in_view(view, remove, ADMIN).status == 200
    team.settle()
    (update,) = team.slack.calls("views.update")[updates:]
    assert update.args["view_id"] == view["id"]
    assert "Removed `northwind.com`." in str(update.args["view"]["blocks"])
    assert [domain for domain, _ in listed(team)] == ["northwind.co.uk"]


def test_a_rep_cannot_open_or_submit_the_domains_form(team: Coach) -> None:
    opened = len(team.slack.calls("views.open"))
    action = inbound.block_action(DomainIds.OPEN, "team_export")
    team.act_in_view({"id": "V0HOME", "type": "home", "blocks": []}, action, REP_NY)
    team.settle()
    assert all(
        c.response["view"].get("callback_id") != DomainFormIds.CALLBACK
        for c in team.slack.calls("views.open")[opened:]
    )
    form = {"id": "V0FORM", "callback_id": DomainFormIds.CALLBACK, "blocks": []}
    team.submit(form, add_values("evil.com"), REP_NY)
    assert "evil.com" not in [domain for domain, _ in listed(team)]
