"""Installing through OAuth: the install page, Slack's authorize step and the redirect; state
that expires, works once and is bound to the browser; each workspace served with its own token
and its own data; and the stores' tables as slack_sdk defines them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select, update

from app.domain.installs import PURGED_MODELS
from app.models import Base, Interaction, WorkspaceRecord, slack_oauth_states
from app.sandbox import inbound
from app.slack.installs import BOT_SCOPES
from tests.support.installs import OAuthCoach, Team, oauth_coach
from tests.support.workspace import NOW

ACME = Team("T0ACME")
GLOBEX = Team("T0GLOBEX")
ANA, BEN = "U0ANA", "U0BEN"


@pytest.fixture
def oauth(database_url, sessions, shared_slack) -> Iterator[OAuthCoach]:
    slack, empty = shared_slack
    slack.restore(empty)
    with oauth_coach(database_url, sessions, slack) as coach:
        coach.set_now(NOW)
        slack.add_user(ANA, name="ana", tz="America/New_York", team_id=ACME.team_id)
        slack.add_user(BEN, name="ben", tz="Europe/London", team_id=GLOBEX.team_id)
        yield coach


def test_the_stores_tables_are_slack_sdks_own() -> None:
    """The migrated tables have the columns the stores read and write, type for type."""
    engine = sa.create_engine("sqlite://")
    theirs = SQLAlchemyInstallationStore(client_id="x", engine=engine).metadata.tables | (
        SQLAlchemyOAuthStateStore(expiration_seconds=1, engine=engine).metadata.tables
    )
    for name, table in theirs.items():
        ours = Base.metadata.tables[name]
        assert [(c.name, repr(c.type), c.nullable, c.primary_key) for c in ours.columns] == [
            (c.name, repr(c.type), c.nullable, c.primary_key) for c in table.columns
        ], name
        assert {i.name: [c.name for c in i.columns] for i in ours.indexes} == {
            i.name: [c.name for c in i.columns] for i in table.indexes
        }


def test_the_install_page_says_what_the_app_does_and_stores(oauth: OAuthCoach) -> None:
    page = oauth.web.get("/slack/install").get_data(as_text=True)
    started = oauth.start_install()
    assert "Add to Slack" in page and "What it stores" in page
    assert 'href="/slack/privacy"' in page
    assert started.authorize_url.startswith(oauth.slack.api_url.removesuffix("api/"))
    query = parse_qs(urlsplit(started.authorize_url).query)
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert started.cookie == started.state
    privacy = oauth.web.get("/slack/privacy").get_data(as_text=True)
    assert "delete my data" in privacy


def test_two_workspaces_each_get_their_own_token_and_welcome(oauth: OAuthCoach, sessions) -> None:
    page = oauth.install(ACME, ANA).get_data(as_text=True)
    oauth.install(GLOBEX, BEN)

    assert "is installed in T0ACME" in page and "/precall" in page
    acme, globex = oauth.slack.token_of(ACME.team_id), oauth.slack.token_of(GLOBEX.team_id)
    assert acme and globex and acme != globex
    welcomes = oauth.slack.calls("chat.postMessage")
    assert [(c.args["channel"], c.token) for c in welcomes] == [(ANA, acme), (BEN, globex)]
    with sessions() as session:
        assert oauth.installations(session) == 2
        active = session.execute(select(WorkspaceRecord.team_id, WorkspaceRecord.active))
        assert sorted(active) == [("T0ACME", True), ("T0GLOBEX", True)]


def test_each_workspaces_requests_use_its_token_and_see_only_its_data(
    oauth: OAuthCoach, sessions
) -> None:
    oauth.install(ACME, ANA)
    oauth.install(GLOBEX, BEN)

    assert oauth.slash(ACME, "/precall", "Initech demo tomorrow 2pm", ANA).status_code == 200
    assert oauth.slash(GLOBEX, "/precall", "Hooli call friday 10am", BEN).status_code == 200
    oauth.settle()

    # The two workspaces' listeners run concurrently: matched by whom each trigger was for.
    opened = oauth.slack.calls("views.open")
    assert sorted((inbound.trigger_user(c.args["trigger_id"]), c.token) for c in opened) == [
        (ANA, oauth.slack.token_of(ACME.team_id)),
        (BEN, oauth.slack.token_of(GLOBEX.team_id)),
    ]
    with sessions() as session:
        assert session.execute(select(Interaction)).first() is None  # nothing saved unasked


def test_a_payload_naming_another_team_is_refused(oauth: OAuthCoach) -> None:
    """Authorized by Acme's installation, but its user claims to be of Globex: refused."""
    oauth.install(ACME, ANA)
    oauth.install(GLOBEX, BEN)
    payload = inbound.block_actions_payload(
        user_id=BEN,
        team_id=ACME.team_id,
        actions=[inbound.block_action("nudge_snooze", "b", value="1")],
        channel_id="D0BEN",
        message={"ts": "1.000001", "text": "a nudge", "blocks": []},
    )
    payload["user"]["team_id"] = GLOBEX.team_id
    calls_before = len(oauth.slack.calls())

    response = oauth.post_signed(inbound.interaction_body(payload))
    oauth.settle()

    assert (response.status_code, response.get_data(as_text=True)) == (200, "")
    assert [c.method for c in oauth.slack.calls()[calls_before:]] == ["auth.test"]


def test_a_workspace_never_installed_is_told_so(oauth: OAuthCoach) -> None:
    oauth.install(ACME, ANA)
    response = oauth.slash(GLOBEX, "/coach", "me", BEN)
    assert response.status_code == 200
    assert "not installed" in response.get_data(as_text=True)


def test_a_replayed_state_stores_nothing_more(oauth: OAuthCoach, sessions) -> None:
    started = oauth.start_install()
    first = oauth.finish_install(started, oauth.slack.authorize(ACME.team_id, user_id=ANA))
    again = oauth.finish_install(started, oauth.slack.authorize(GLOBEX.team_id, user_id=BEN))

    assert first.status_code == 200
    assert again.status_code == 401
    assert "expired or was already used" in again.get_data(as_text=True)
    with sessions() as session:
        assert oauth.installations(session) == 1


def test_an_expired_state_is_refused(oauth: OAuthCoach, sessions) -> None:
    started = oauth.start_install()
    with sessions.begin() as session:
        past = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
        session.execute(update(slack_oauth_states).values(expire_at=past))
    response = oauth.finish_install(started, oauth.slack.authorize(ACME.team_id, user_id=ANA))

    assert response.status_code == 401
    assert "expired" in response.get_data(as_text=True)
    with sessions() as session:
        assert oauth.installations(session) == 0


def test_a_state_from_another_browser_is_refused(oauth: OAuthCoach, sessions) -> None:
    """CSRF: a link started elsewhere (no cookie, or another one) completes nothing."""
    started = oauth.start_install()
    oauth.web.delete_cookie("slack-app-oauth-state")
    response = oauth.finish_install(started, oauth.slack.authorize(ACME.team_id, user_id=ANA))

    assert response.status_code == 400
    assert "another browser" in response.get_data(as_text=True)
    with sessions() as session:
        assert oauth.installations(session) == 0


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"error": "access_denied"}, 200, "cancelled"),
        ({"code": "code-never-issued"}, 401, "refused"),
    ],
)
def test_a_denied_or_failed_install_stores_nothing(
    oauth: OAuthCoach, sessions, query, status, says
) -> None:
    started = oauth.start_install()
    response = oauth.finish_install(started, **query)

    assert response.status_code == status
    assert says in response.get_data(as_text=True)
    with sessions() as session:
        assert oauth.installations(session) == 0


def test_a_rotating_token_is_refreshed_before_it_expires(oauth: OAuthCoach, sessions) -> None:
    oauth.install(ACME, ANA, rotating=True)
    first = oauth.slack.token_of(ACME.team_id)
    # Slack's token lives 12 hours; Bolt refreshes it when it has less than 2 left.
    with sessions.begin() as session:
        soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=30)
        session.execute(
            sa.update(Base.metadata.tables["slack_installations"]).values(bot_token_expires_at=soon)
        )
        session.execute(
            sa.update(Base.metadata.tables["slack_bots"]).values(bot_token_expires_at=soon)
        )
    oauth.slash(ACME, "/precall", "Initech demo tomorrow 2pm", ANA)
    oauth.settle()

    refreshed = oauth.slack.token_of(ACME.team_id)
    assert refreshed != first
    assert oauth.tokens_used("views.open") == [refreshed]


def test_every_table_of_a_workspaces_rows_is_purged() -> None:
    # A table added later and left out of the purge would keep an uninstalled workspace's data.
    scoped = {
        mapper.class_
        for mapper in Base.registry.mappers
        if "team_id" in mapper.columns and mapper.class_ is not WorkspaceRecord
    }
    assert scoped == set(PURGED_MODELS)
