"""Many workspaces and a Grid org at once: every pass and request with the right workspace's
token and data; uninstalls and revoked tokens in either order; the purge, a reinstall inside
the retention window; an org's grants; one workspace's rate limits never slowing another's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain import installs, summaries
from app.domain.summaries import SummarySettings
from app.domain.workspace import Workspace
from app.models import (
    Interaction,
    Rep,
    SummaryCadence,
    WorkspaceRecord,
    slack_bots,
    slack_installations,
)
from app.slack.context import NOT_GRANTED
from app.slack.delivery import Pacers
from app.slack.installs import InstalledWorkspaces
from app.slack.passes.nudges import run_nudge_sweep
from app.slack.passes.summaries import run_summary_pass
from tests.support.factories import add_interaction, add_rep
from tests.support.installs import OAuthCoach, Team, oauth_coach, oauth_settings
from tests.support.workspace import NOW

ACME = Team("T0ACME")
GLOBEX = Team("T0GLOBEX")
GRID_A = Team("T0GRIDA", "E0GRID", org_wide=True)
GRID_B = Team("T0GRIDB", "E0GRID", org_wide=True)
ORG = Team("", "E0GRID", org_wide=True)
REPS = {ACME: "U0ANA", GLOBEX: "U0BEN", GRID_A: "W0SAM", GRID_B: "W0SAM"}
ORG_ADMIN = "W0ADMIN"


@pytest.fixture
def oauth(database_url, sessions, shared_slack) -> Iterator[OAuthCoach]:
    slack, empty = shared_slack
    slack.restore(empty)
    with oauth_coach(database_url, sessions, slack, uninstall_retention_days=0) as coach:
        coach.set_now(NOW)
        for user in {*REPS.values(), ORG_ADMIN}:
            slack.add_user(user, name=user.lower(), tz="America/New_York")
        yield coach


def install_all(oauth: OAuthCoach) -> None:
    oauth.install(ACME, REPS[ACME])
    oauth.install(GLOBEX, REPS[GLOBEX])
    oauth.install(ORG, ORG_ADMIN)
    oauth.event(
        None,
        {"type": "team_access_granted", "team_ids": ["T0GRIDA", "T0GRIDB"]},
        enterprise_id="E0GRID",
    )


def seed_due(sessions, *teams: Team, calls: int = 1) -> None:
    """In each workspace a rep with calls three hours ago and no outcome: due a nudge now."""
    with sessions.begin() as session:
        for team in teams:
            workspace = Workspace(team.team_id, team.enterprise_id)
            add_rep(session, REPS[team], workspace=workspace)
            for n in range(calls):
                add_interaction(
                    session,
                    NOW - timedelta(hours=3, minutes=n),
                    user_id=REPS[team],
                    account=f"Account {n}",
                    workspace=workspace,
                )


def sweep(oauth: OAuthCoach, engine, database_url, now=NOW, **options):
    clients = InstalledWorkspaces(
        oauth_settings(oauth.slack, database_url), engine, oauth.services, oauth.slack_client()
    )
    return run_nudge_sweep(oauth.services, clients, now, **({"pacer": Pacers(0)} | options))


def nudges_by_token(oauth: OAuthCoach) -> dict[tuple[str, str | None], str | None]:
    return {
        (call.args["channel"], call.args.get("team_id")): call.token
        for call in oauth.slack.calls("chat.postMessage")
        if "nudge" in str(call.args.get("metadata"))
    }


def test_each_workspaces_nudges_go_with_its_own_token(oauth, sessions, engine, database_url):
    install_all(oauth)
    seed_due(sessions, ACME, GLOBEX, GRID_A, GRID_B)

    report = sweep(oauth, engine, database_url)

    assert len(report.sent) == 4
    org_token = oauth.slack.token_of("E0GRID")
    assert nudges_by_token(oauth) == {
        ("U0ANA", None): oauth.slack.token_of("T0ACME"),
        ("U0BEN", None): oauth.slack.token_of("T0GLOBEX"),
        # One person in two workspaces of the org: a nudge in each, each naming its workspace.
        ("W0SAM", "T0GRIDA"): org_token,
        ("W0SAM", "T0GRIDB"): org_token,
    }


def test_an_org_serves_only_the_workspaces_it_granted(oauth):
    oauth.install(ORG, ORG_ADMIN)
    oauth.event(
        None, {"type": "team_access_granted", "team_ids": ["T0GRIDA"]}, enterprise_id="E0GRID"
    )

    granted = oauth.slash(GRID_A, "/precall", "Initech demo tomorrow 2pm", "W0SAM")
    refused = oauth.slash(GRID_B, "/precall", "Initech demo tomorrow 2pm", "W0SAM")
    oauth.settle()

    assert granted.status_code == 200 and "text" not in (granted.get_json() or {})
    (opened,) = oauth.slack.calls("views.open")
    assert (opened.token, opened.args.get("team_id")) == (oauth.slack.token_of("E0GRID"), "T0GRIDA")
    assert refused.get_json()["text"] == NOT_GRANTED

    oauth.event(
        None, {"type": "team_access_revoked", "team_ids": ["T0GRIDA"]}, enterprise_id="E0GRID"
    )
    again = oauth.slash(GRID_A, "/coach", "me", "W0SAM")
    assert again.get_json()["text"] == NOT_GRANTED


@pytest.mark.parametrize("first", ["app_uninstalled", "tokens_revoked"])
def test_uninstall_in_either_order_stops_sending_and_purges_that_workspace_only(
    oauth, sessions, engine, database_url, first
):
    install_all(oauth)
    seed_due(sessions, ACME, GLOBEX)
    events = {
        "app_uninstalled": {"type": "app_uninstalled"},
        "tokens_revoked": {"type": "tokens_revoked", "tokens": {"bot": ["U0COACHBOT"]}},
    }
    second = next(name for name in events if name != first)

    oauth.event(ACME, events[first])
    oauth.slack.revoke_tokens("T0ACME")
    report = sweep(oauth, engine, database_url)  # between the two events: nothing to Acme
    oauth.event(ACME, events[second])

    assert [sent.user_id for sent in report.sent] == ["U0BEN"]
    assert report.not_installed == 1
    with sessions() as session:
        assert oauth.installations(session) == 2  # Globex's, and the org's
        upkeep = installs.run_upkeep(sessions, NOW)
    assert upkeep.purged_workspaces == ["T0ACME"]
    with sessions() as session:
        left = session.execute(select(Rep.team_id, func.count()).group_by(Rep.team_id)).all()
        assert left == [("T0GLOBEX", 1)]
        assert session.scalar(select(func.count()).select_from(Interaction)) == 1
        assert (
            session.scalar(
                select(WorkspaceRecord.team_id).where(WorkspaceRecord.team_id == "T0ACME")
            )
            is None
        )
    assert (
        oauth.slash(ACME, "/coach", "me", "U0ANA")
        .get_json()["text"]
        .startswith("This app is not installed")
    )


def test_a_reinstall_inside_the_retention_window_keeps_the_data(
    database_url, sessions, shared_slack, engine
):
    slack, empty = shared_slack
    slack.restore(empty)
    with oauth_coach(database_url, sessions, slack, uninstall_retention_days=30) as oauth:
        oauth.set_now(NOW)
        slack.add_user("U0ANA", name="ana")
        oauth.install(ACME, "U0ANA")
        seed_due(sessions, ACME)
        oauth.event(ACME, {"type": "app_uninstalled"})
        with sessions() as session:
            (purge_after,) = session.execute(select(WorkspaceRecord.purge_after)).one()
        assert purge_after == NOW + timedelta(days=30)
        assert installs.run_upkeep(sessions, NOW + timedelta(days=29)).purged_rows == 0

        oauth.install(ACME, "U0ANA")
        kept = installs.run_upkeep(sessions, NOW + timedelta(days=31))
        report = sweep(oauth, engine, database_url)

    assert kept.purged_rows == 0
    assert [sent.user_id for sent in report.sent] == ["U0ANA"]


def test_a_purge_goes_in_bounded_batches(oauth, sessions):
    oauth.install(ACME, "U0ANA")
    seed_due(sessions, ACME, calls=25)
    oauth.event(ACME, {"type": "app_uninstalled"})

    partial = installs.run_upkeep(sessions, NOW, budget_seconds=0, batch=10)
    whole = installs.run_upkeep(sessions, NOW, batch=10)

    assert partial.unfinished == ["T0ACME"] and partial.purged_rows == 0
    assert whole.purged_workspaces == ["T0ACME"]
    assert whole.purged_rows == 25 + 25 + 1  # interactions, their accounts, the rep


def test_a_row_written_while_the_purge_ran_goes_before_the_workspace_does(oauth, sessions):
    """Each batch starts at the table the last one emptied; the tables before it are looked at
    again before the workspace's record goes, for a row a late request wrote meanwhile."""
    oauth.install(ACME, "U0ANA")
    seed_due(sessions, ACME, calls=3)
    oauth.event(ACME, {"type": "app_uninstalled"})
    table, steps = 0, []
    while True:
        with sessions.begin() as session:
            purged = installs.purge_batch(session, ACME.team_id, 10, table)
        steps.append(installs.PURGED_MODELS[purged.table].__tablename__)
        if steps[-1] == "reps":  # interactions and accounts gone: a late write brings one back
            with sessions.begin() as session:
                add_interaction(session, NOW, user_id="U0ANA", workspace=Workspace(ACME.team_id))
        table = purged.table
        if purged.finished:
            break
    assert steps[:3] == ["interactions", "accounts", "reps"]
    assert steps[3:5] == ["interactions", "accounts"]  # the late rows, found on the way round
    with sessions.begin() as session:
        for model in installs.PURGED_MODELS:
            left = session.scalar(
                select(func.count()).select_from(model).where(model.team_id == ACME.team_id)
            )
            assert left == 0, model.__tablename__


def test_a_rate_limit_storm_in_one_workspace_never_holds_anothers_nudges(
    oauth, sessions, engine, database_url
):
    oauth.install(ACME, "U0ANA")
    oauth.install(GLOBEX, "U0BEN")
    with sessions.begin() as session:
        for team, prefix in ((ACME, "U0A"), (GLOBEX, "U0B")):
            workspace = Workspace(team.team_id)
            for n in range(5):
                oauth.slack.add_user(f"{prefix}{n}", name=f"{prefix}{n}".lower())
                add_rep(session, f"{prefix}{n}", workspace=workspace)
                add_interaction(
                    session, NOW - timedelta(hours=3), user_id=f"{prefix}{n}", workspace=workspace
                )
    # Acme's Slack answers every post with a 429 asking for a minute's wait.
    oauth.slack.fail_next(
        "chat.postMessage", status=429, retry_after=60, times=50, team_id="T0ACME"
    )

    report = sweep(oauth, engine, database_url, pacer=Pacers(20), budget_seconds=10)

    sent = sorted(s.user_id for s in report.sent)
    assert sent == ["U0B0", "U0B1", "U0B2", "U0B3", "U0B4"]
    assert [f.user_id for f in report.failed] == ["U0A0"]  # then Acme waits for its Retry-After
    assert report.deferred == 4


def test_each_workspaces_summary_goes_with_its_token_and_counts_only_its_reps(
    oauth, sessions, engine, database_url
):
    oauth.install(ACME, "U0ANA")
    oauth.install(GLOBEX, "U0BEN")
    oauth.slack.add_channel("C0TEAM", "team")
    # The same user id in both workspaces (as in a Grid org): Acme has 3 calls, Globex 1.
    with sessions.begin() as session:
        for team_, calls in ((ACME, 3), (GLOBEX, 1)):
            workspace = Workspace(team_.team_id)
            add_rep(session, "W0SAME", workspace=workspace)
            for n in range(calls):
                add_interaction(
                    session,
                    NOW - timedelta(hours=20, minutes=n),
                    user_id="W0SAME",
                    account=f"Account {n}",
                    workspace=workspace,
                )
            summaries.save_subscription(
                session,
                workspace,
                "U0ANA",
                SummarySettings(
                    channel_id="C0TEAM",
                    rep_user_ids=("W0SAME",),
                    usergroup_id=None,
                    cadence=SummaryCadence.DAILY,
                    weekday=None,
                    minute=9 * 60,
                    zone="America/New_York",
                ),
                NOW - timedelta(days=30),
            )
    clients = InstalledWorkspaces(
        oauth_settings(oauth.slack, database_url), engine, oauth.services, oauth.slack_client()
    )

    report = run_summary_pass(oauth.services, clients, NOW, pacer=Pacers(0))

    assert len(report.sent) == 2
    posts = {
        call.token: call.args["text"]
        for call in oauth.slack.calls("chat.postMessage")
        if call.args["channel"] == "C0TEAM" and not call.args.get("thread_ts")
    }
    assert posts == {
        oauth.slack.token_of("T0ACME"): "Team summary, Wed 25 Nov: 3 interactions, "
        "commitment hit rate none yet",
        oauth.slack.token_of("T0GLOBEX"): "Team summary, Wed 25 Nov: 1 interaction, "
        "commitment hit rate none yet",
    }


def test_an_event_changes_only_its_own_workspaces_rows(oauth, sessions):
    install_all(oauth)
    seed_due(sessions, GRID_A, GRID_B)  # W0SAM in both workspaces of the org
    user = {"id": "W0SAM", "name": "sam", "tz": "Asia/Tokyo", "team_id": "T0GRIDA"}

    oauth.event(GRID_A, {"type": "user_change", "user": user})

    with sessions() as session:
        rows = session.execute(select(Rep.team_id, Rep.tz).where(Rep.user_id == "W0SAM"))
        zones = {team_id: tz for team_id, tz in rows}
    assert zones == {"T0GRIDA": "Asia/Tokyo", "T0GRIDB": "America/New_York"}
    authorized = oauth.slack.calls("auth.test")[-1]
    assert authorized.token == oauth.slack.token_of("E0GRID")


def test_the_worker_refreshes_a_rotating_token_before_it_sends(
    oauth, sessions, engine, database_url
):
    oauth.install(ACME, "U0ANA", rotating=True)
    first = oauth.slack.token_of("T0ACME")
    seed_due(sessions, ACME)
    with sessions.begin() as session:
        soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=30)
        for table in (slack_installations, slack_bots):
            session.execute(table.update().values(bot_token_expires_at=soon))

    report = sweep(oauth, engine, database_url)

    refreshed = oauth.slack.token_of("T0ACME")
    assert refreshed != first
    assert [sent.user_id for sent in report.sent] == ["U0ANA"]
    assert nudges_by_token(oauth) == {("U0ANA", None): refreshed}


def test_an_org_wide_uninstall_stops_every_workspace_of_the_org(
    oauth, sessions, engine, database_url
):
    install_all(oauth)
    seed_due(sessions, ACME, GRID_A, GRID_B)

    oauth.event(None, {"type": "app_uninstalled"}, enterprise_id="E0GRID")
    report = sweep(oauth, engine, database_url)

    assert [sent.user_id for sent in report.sent] == ["U0ANA"]
    assert report.not_installed == 2
    with sessions() as session:
        assert oauth.installations(session) == 2  # Acme's and Globex's
    assert sorted(installs.run_upkeep(sessions, NOW).purged_workspaces) == ["T0GRIDA", "T0GRIDB"]
