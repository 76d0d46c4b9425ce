"""Channel summaries end to end: signed requests, the Slack double, passes at fixed times."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import insert, select

from app.domain import deliveries, summaries
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    Origin,
    Rep,
    Result,
    SummaryCadence,
    SummarySubscription,
)
from app.sandbox import inbound
from app.slack.delivery import Pacer
from app.slack.forms.managers import ManagerIds
from app.slack.forms.summary import SummaryIds
from app.slack.listeners.summaries import ADMINS_ONLY, NOT_ALLOWED, NOT_YOURS
from app.slack.passes import summaries as summary_posting
from app.slack.passes.summaries import SummaryPassReport, run_summary_pass
from app.slack.views.summary import SUMMARY_EVENT
from app.slack.views.summary_setup import SummaryListIds, item_block_id
from tests.support.catcher import Catcher
from tests.support.cli import clean_env, run_coach
from tests.support.coach import SIGNING_SECRET, Coach, http, pass_client
from tests.support.factories import Seeder
from tests.support.forms import block
from tests.support.summaries import (
    ADMIN,
    DUE,
    GENERAL,
    MANAGER,
    OLD,
    OTHER_MANAGER,
    OUTSIDE,
    OWNER,
    STRANGER,
    TEAM,
    TOMORROW,
    WORKSPACE,
    add_summary,
    list_click_payload,
    set_up,
    subscriptions,
    summary_values,
)
from tests.support.workspace import NOW, REP_NY, REP_TOKYO


def seed_calls(coach: Coach) -> None:
    """Dana (New York) planned and won Acme yesterday; Kenji (Tokyo) logged nothing."""
    with coach.services.sessions.begin() as session:
        seeder = Seeder(session, NOW)
        seeder.rep(REP_NY, "Dana Rep", "America/New_York")
        won = seeder.call(
            REP_NY,
            NOW - timedelta(days=1),
            "Acme Corp",
            planned_at=NOW - timedelta(days=2),
            strong=True,
        )
        seeder.outcome(won, Result.WON)


def summary_pass(coach: Coach, now: datetime = DUE, *, timeout: float = 5) -> SummaryPassReport:
    """One pass as `coach summaries --now` runs it, with a client that retries nothing."""
    return run_summary_pass(coach.services, pass_client(coach, timeout), now)


def posts(coach: Coach, channel: str = TEAM) -> list:
    return [m for m in coach.slack.messages(channel) if m.thread_ts is None]


def click(
    coach: Coach,
    action_id: str,
    subscription_id: int,
    user_id: str,
    list_ts: str = "1764169200.000100",
    *,
    settle: bool = True,
):
    """Click a button of the ephemeral `/coach summary list` message `list_ts` in #general."""
    payload = list_click_payload(coach, action_id, subscription_id, user_id, list_ts)
    payload["response_url"] = coach.slack.response_url(
        channel=GENERAL, user=user_id, message_ts=list_ts
    )
    response = coach.post_signed(inbound.interaction_body(payload))
    assert response.status == 200
    if settle:
        coach.settle()


def show_list(coach: Coach, user_id: str) -> str:
    """`/coach summary list` in #general, shown as Slack shows the command's answer; its ts."""
    answer = coach.slash("/coach", "summary list", user_id, channel_id=GENERAL).json()
    hook = coach.slack.response_url(channel=GENERAL, user=user_id)
    shown = http("POST", hook, json.dumps(answer), {"Content-Type": "application/json"})
    assert shown.status == 200
    return list_message(coach, user_id).ts


def list_message(coach: Coach, user_id: str):
    (message,) = [m for m in coach.slack.messages(GENERAL) if m.ephemeral_to == user_id]
    return message


def last_modal_text(coach: Coach) -> str:
    views = coach.slack.calls("views.open") + coach.slack.calls("views.update")
    call = max(views, key=lambda c: c.time)
    return " ".join(str(b.get("text", {}).get("text", "")) for b in call.args["view"]["blocks"])


# ----- who may do what


def test_admins_and_owners_name_managers_and_nobody_else_can(team: Coach) -> None:
    for user in (REP_NY, MANAGER, STRANGER):
        body = team.slash("/coach", "managers", user).json()
        assert body == {"text": ADMINS_ONLY, "response_type": "ephemeral"}
    assert team.slack.calls("views.open") == []

    team.slash("/coach", "managers", OWNER)
    view = team.slack.wait_for("views.open")[0].response["view"]
    picker = block(view, ManagerIds.USERS_BLOCK)["element"]
    assert picker["type"] == "multi_users_select"
    assert picker["initial_users"] == [MANAGER, OTHER_MANAGER]
    chosen = {
        ManagerIds.USERS_BLOCK: {
            ManagerIds.INPUT: inbound.multi_users_select_value([MANAGER, REP_TOKYO])
        }
    }
    body = team.submit(view, chosen, OWNER).json()
    assert body["response_action"] == "update"
    assert f"<@{MANAGER}>, <@{REP_TOKYO}>" in str(body["view"]["blocks"])
    with team.services.sessions() as session:
        assert summaries.manager_ids(session, WORKSPACE) == [MANAGER, REP_TOKYO]
    # The newly named manager hears what they can now do, once; the one already named, not.
    team.settle()
    team.submit(view, chosen, OWNER)
    team.settle()
    welcomes = [c.args for c in team.slack.calls("chat.postMessage")]
    assert [w["channel"] for w in welcomes] == [REP_TOKYO]
    assert f"<@{OWNER}> named you a manager" in str(welcomes[0]["blocks"])
    assert "`/coach summary`" in str(welcomes[0]["blocks"])
    # A rep who kept the modal open cannot save it.
    refused = team.submit(view, chosen, REP_NY).json()
    assert refused == {"response_action": "errors", "errors": {ManagerIds.USERS_BLOCK: ADMINS_ONLY}}


def test_only_admins_and_managers_may_set_up_summaries(team: Coach) -> None:
    for user in (REP_NY, STRANGER):
        for text in ("summary", "summary list", "summary now"):
            assert team.slash("/coach", text, user).json() == {
                "text": NOT_ALLOWED,
                "response_type": "ephemeral",
            }
    view = team.open_modal("/coach", "summary", MANAGER)
    refused = team.submit(view, summary_values(), REP_NY).json()
    assert refused["errors"] == {SummaryIds.CHANNEL_BLOCK: NOT_ALLOWED}
    assert subscriptions(team) == []
    # An admin who was never named a manager may.
    assert set_up(team, ADMIN)["response_action"] == "update"


# ----- setting up, listing, editing, removing


@pytest.mark.over_http  # the whole flow, as Slack reaches the app
def test_a_manager_sets_up_a_summary_in_their_zone_and_lists_it(team: Coach) -> None:
    team.slash("/coach", "summary", MANAGER)
    opened = team.slack.wait_for("views.open")[0].args["view"]
    assert "Loading the workspace's user groups" in str(opened["blocks"])
    view = team.slack.wait_for("views.update")[0].response["view"]
    assert view["callback_id"] == SummaryIds.CALLBACK
    channel = block(view, SummaryIds.CHANNEL_BLOCK)["element"]
    assert channel["type"] == "conversations_select"
    assert channel["filter"]["include"] == ["public", "private"]
    groups = block(view, SummaryIds.GROUP_BLOCK)["element"]["options"]
    assert [(o["value"], o["text"]["text"]) for o in groups] == [("S0EAST", "@sales-east")]
    assert block(view, SummaryIds.TIME_BLOCK)["element"]["type"] == "timepicker"
    # The day of the week is always in the form (a modal shows every block): it says for what.
    assert block(view, SummaryIds.WEEKDAY_BLOCK)["label"]["text"] == "Day of the week (weekly only)"
    assert "America/New_York (EST)" in block(view, SummaryIds.NOTE_BLOCK)["elements"][0]["text"]

    values = summary_values(
        reps=(REP_NY,), group="S0EAST", cadence="weekly", weekday="4", at="08:30"
    )
    body = team.submit(view, values, MANAGER).json()
    assert body["response_action"] == "update"
    saved_text = body["view"]["blocks"][0]["text"]["text"]
    assert saved_text.startswith(
        f"Saved: a summary of 1 rep and the group <!subteam^S0EAST> in <#{TEAM}>, weekly on "
        "Friday at 08:30 (America/New_York)."
    )
    # A double-clicked Save: the same form again saves nothing more.
    assert team.submit(view, values, MANAGER).json()["response_action"] == "update"
    (row,) = subscriptions(team)
    assert (row.owner_user_id, row.channel_id, row.rep_user_ids, row.usergroup_id) == (
        MANAGER,
        TEAM,
        REP_NY,
        "S0EAST",
    )
    assert (row.cadence, row.weekday, row.minute, row.zone, row.enabled) == (
        SummaryCadence.WEEKLY,
        4,
        8 * 60 + 30,
        "America/New_York",
        True,
    )

    listed = team.slash("/coach", "summary list", MANAGER).json()
    assert listed["response_type"] == "ephemeral"
    item = block(listed, item_block_id(SummaryListIds.ITEM_BLOCK, row.id))["text"]["text"]
    assert f"<#{TEAM}>" in item and "weekly on Friday at 08:30" in item
    # The list names its reps and its group.
    assert f"<@{REP_NY}> and the group <!subteam^S0EAST> · set up by <@{MANAGER}>" in item
    buttons = block(listed, item_block_id(SummaryListIds.ACTIONS_BLOCK, row.id))["elements"]
    assert [b["text"]["text"] for b in buttons] == [
        "Post last week",
        "Post today so far",
        "Edit",
        "Remove",
    ]
    # Removing is destructive: its confirmation's button is red, not the default green.
    assert buttons[-1]["confirm"]["style"] == "danger"
    # The admin sees every summary; another manager sees only their own (none).
    assert f"summary_item.{row.id}" in str(team.slash("/coach", "summary list", ADMIN).json())
    other = team.slash("/coach", "summary list", OTHER_MANAGER).json()
    assert "No channel summaries yet" in other["text"]


def test_the_summary_form_defaults_to_the_channel_it_was_opened_in(team: Coach) -> None:
    team.slash("/coach", "summary", MANAGER, channel_id=TEAM, channel_name="sales-team")
    view = team.slack.wait_for("views.update")[-1].response["view"]
    assert block(view, SummaryIds.CHANNEL_BLOCK)["element"]["initial_conversation"] == TEAM
    team.slack.clear_calls()
    team.slash("/coach", "summary", MANAGER, channel_id="D0DIRECT", channel_name="directmessage")
    view = team.slack.wait_for("views.update")[-1].response["view"]
    assert "initial_conversation" not in block(view, SummaryIds.CHANNEL_BLOCK)["element"]


def test_a_channel_the_app_cannot_post_in_is_explained_at_setup(team: Coach) -> None:
    view = team.open_modal("/coach", "summary", MANAGER)

    def errors(**values) -> dict:
        return team.submit(view, summary_values(**values), MANAGER).json()["errors"]

    assert errors(channel=OUTSIDE) == {
        SummaryIds.CHANNEL_BLOCK: "I am not in this channel yet: type /invite @coach in it, then "
        "save again."
    }
    assert errors(channel=OLD) == {
        SummaryIds.CHANNEL_BLOCK: "This channel is archived: choose another one."
    }
    assert "/invite @coach" in errors(channel="C0PRIVATE")[SummaryIds.CHANNEL_BLOCK]
    assert errors(reps=()) == {SummaryIds.REPS_BLOCK: summaries.REPS_NEEDED}
    assert subscriptions(team) == []


def test_edit_and_remove_from_the_list(team: Coach) -> None:
    subscription_id = add_summary(team)
    click(team, SummaryListIds.EDIT, subscription_id, OTHER_MANAGER)  # not theirs
    assert NOT_YOURS in last_modal_text(team)

    click(team, SummaryListIds.EDIT, subscription_id, ADMIN)
    view = team.slack.calls("views.update")[-1].response["view"]
    assert view["title"]["text"] == "Edit summary"
    assert block(view, SummaryIds.CHANNEL_BLOCK)["element"]["initial_conversation"] == TEAM
    assert block(view, SummaryIds.REPS_BLOCK)["element"]["initial_users"] == [REP_NY, REP_TOKYO]
    assert block(view, SummaryIds.TIME_BLOCK)["element"]["initial_time"] == "09:00"
    body = team.submit(view, summary_values(reps=(REP_TOKYO,), at="17:45"), ADMIN).json()
    assert body["response_action"] == "update"
    (row,) = subscriptions(team)
    assert (row.owner_user_id, row.rep_user_ids, row.minute) == (MANAGER, REP_TOKYO, 17 * 60 + 45)

    click(team, SummaryListIds.REMOVE, subscription_id, MANAGER)
    assert "will not be posted again" in last_modal_text(team)
    assert subscriptions(team) == []
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert "no longer exists" in last_modal_text(team)


# ----- posting


def test_post_now_posts_at_once_and_is_not_the_periods_post(team: Coach) -> None:
    seed_calls(team)
    subscription_id = add_summary(team)
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    (post,) = posts(team)
    assert post.metadata["event_type"] == SUMMARY_EVENT
    assert post.blocks[0]["text"]["text"] == "Team summary: Wed 25 Nov, the last complete day"
    assert "*Dana Rep* · 1 interaction · 1/1 planned · 1/1 strong · 1 won" in str(post.blocks)
    assert f"<@{REP_TOKYO}> · nothing logged" in str(post.blocks)
    assert f"Posted in <#{TEAM}>." in last_modal_text(team)

    # The scheduled pass still posts the period, once; /coach summary now posts again.
    assert len(summary_pass(team).sent) == 1
    assert summary_pass(team, DUE + timedelta(minutes=5)).sent == []
    team.set_now(NOW + timedelta(minutes=1))
    body = team.slash("/coach", "summary now", MANAGER).json()
    assert body["text"] == f"Posting the summary in <#{TEAM}> now…"
    team.settle()
    assert len(posts(team)) == 3


def test_a_double_clicked_post_now_posts_once_and_a_later_click_again(team: Coach) -> None:
    subscription_id = add_summary(team)
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    team.set_now(NOW + timedelta(milliseconds=300))  # the second click of a double click
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert len(posts(team)) == 1
    assert len(team.slack.calls("views.open")) == 1  # the first click's modal says how it went
    assert f"Posted in <#{TEAM}>." in last_modal_text(team)
    body = team.slash("/coach", "summary now", MANAGER).json()
    assert "was asked for moments ago and is posted once" in body["text"]
    team.settle()
    assert len(posts(team)) == 1

    team.set_now(NOW + timedelta(minutes=1))  # a deliberate click, later
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert len(posts(team)) == 2


def test_a_post_now_killed_after_it_landed_is_found_by_the_next_click_not_posted_again(
    team: Coach,
) -> None:
    subscription_id = add_summary(team)
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    (post,) = posts(team)
    with team.services.sessions.begin() as session:  # killed before it recorded the post
        claim = session.scalars(select(Delivery).where(Delivery.key.endswith(":now"))).one()
        claim.status, claim.message_ts, claim.channel, claim.sent_at = (
            DeliveryStatus.SENDING,
            None,
            None,
            None,
        )
    team.set_now(NOW + timedelta(minutes=1))
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert len(posts(team)) == 1 and len(team.slack.calls("conversations.history")) == 1
    with team.services.sessions() as session:
        claim = session.scalars(select(Delivery).where(Delivery.key.endswith(":now"))).one()
        assert (claim.status, claim.message_ts) == (DeliveryStatus.SENT, post.ts)
    assert f"Posted in <#{TEAM}>." in last_modal_text(team)

    team.set_now(NOW + timedelta(minutes=2))  # recorded now: the next click posts anew
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert len(posts(team)) == 2 and len(team.slack.calls("conversations.history")) == 1


def test_a_post_now_killed_before_it_landed_is_posted_once_by_the_next_click(
    team: Coach,
) -> None:
    subscription_id = add_summary(team)
    with team.services.sessions.begin() as session:  # claimed, then killed before posting
        claim_post_now_in(session, team, subscription_id, "T0KILLED")
    team.set_now(NOW + timedelta(minutes=1))
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert len(team.slack.calls("conversations.history")) == 1  # looked for first
    assert len(posts(team)) == 1


def claim_post_now_in(session, team: Coach, subscription_id: int, trigger_id: str) -> None:
    subscription = session.get(SummarySubscription, subscription_id)
    assert summaries.claim_post_now(
        session, summaries.Subscription.of(subscription), NOW, trigger_id
    )


def test_a_replayed_post_now_posts_once(team: Coach) -> None:
    subscription_id = add_summary(team)
    list_ts = show_list(team, MANAGER)
    payload = list_click_payload(team, SummaryListIds.POST_NOW, subscription_id, MANAGER, list_ts)
    body = inbound.interaction_body(payload)
    headers = inbound.signed_headers(SIGNING_SECRET, body)  # captured once, sent again later
    for later in (0, 11, 60, 290):
        team.set_now(NOW + timedelta(seconds=later))
        assert team.deliver(body, headers).status == 200
        team.settle()
    assert len(posts(team)) == 1


def test_post_now_clicks_handled_at_the_same_time_post_once(team: Coach) -> None:
    subscription_id = add_summary(team)
    clicks = [
        threading.Thread(
            target=click,
            args=(team, SummaryListIds.POST_NOW, subscription_id, MANAGER),
            kwargs={"settle": False},
        )
        for _ in range(3)
    ]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    team.settle()
    assert len(posts(team)) == 1


def test_the_list_shows_an_edit_or_a_removal_made_from_it(team: Coach) -> None:
    kept, removed = add_summary(team), add_summary(team, channel_id=OUTSIDE)
    list_ts = show_list(team, MANAGER)

    def listed(subscription_id: int) -> str | None:
        blocks = {b.get("block_id"): b for b in list_message(team, MANAGER).blocks}
        item = blocks.get(item_block_id(SummaryListIds.ITEM_BLOCK, subscription_id))
        return item and item["text"]["text"]

    assert "daily at 09:00" in listed(kept)
    click(team, SummaryListIds.EDIT, kept, MANAGER, list_ts)
    view = team.slack.calls("views.update")[-1].response["view"]
    values = summary_values(cadence="weekly", weekday="4", at="08:30")
    assert team.submit(view, values, MANAGER).json()["response_action"] == "update"
    team.settle()
    assert "weekly on Friday at 08:30" in listed(kept)

    click(team, SummaryListIds.REMOVE, removed, MANAGER, list_ts)
    assert "will not be posted again" in last_modal_text(team)
    assert listed(removed) is None and "weekly on Friday at 08:30" in listed(kept)


def test_an_edit_never_refreshes_a_list_at_a_url_that_is_not_slacks(team: Coach) -> None:
    kept = add_summary(team)
    click(team, SummaryListIds.EDIT, kept, MANAGER, show_list(team, MANAGER))
    view = team.slack.calls("views.update")[-1].response["view"]
    with Catcher() as catcher:
        metadata = json.loads(view["private_metadata"])
        view["private_metadata"] = json.dumps(metadata | {"list_url": catcher.url})
        values = summary_values(cadence="weekly", weekday="4", at="08:30")
        assert team.submit(view, values, MANAGER).json()["response_action"] == "update"
        team.settle()
    assert catcher.requests == []


def test_a_click_carrying_a_response_url_that_is_not_slacks_is_refused(team: Coach) -> None:
    kept = add_summary(team)
    list_ts = show_list(team, MANAGER)
    with Catcher() as catcher:
        payload = list_click_payload(team, SummaryListIds.REMOVE, kept, MANAGER, list_ts)
        payload["response_url"] = catcher.url
        assert team.post_signed(inbound.interaction_body(payload)).status == 200
        team.settle()
    assert catcher.requests == []
    with team.services.sessions() as session:
        assert [
            s.id
            for s in summaries.manageable_subscriptions(
                session, WORKSPACE, summaries.Role.ADMIN, MANAGER
            )
        ] == [kept]


def test_summary_now_with_several_summaries_asks_which(team: Coach) -> None:
    first, second = add_summary(team), add_summary(team, channel_id=OUTSIDE)
    body = team.slash("/coach", "summary now", MANAGER).json()
    assert body["text"].startswith("Which one?")
    assert f"summary_actions.{first}" in str(body) and f"summary_actions.{second}" in str(body)
    team.settle()
    assert posts(team) == []


def test_the_pass_posts_each_period_once_and_retries_a_failure_that_day(team: Coach) -> None:
    seed_calls(team)
    add_summary(team, created_at=NOW - timedelta(hours=12))  # after yesterday's 09:00
    assert summary_pass(team, DUE - timedelta(hours=1, minutes=1)).sent == []  # 08:59
    team.slack.fail_next("chat.postMessage", status=500)
    report = summary_pass(team)
    assert [(f.error, f.will_retry) for f in report.failed] == [("fatal_error", True)]
    assert posts(team) == []
    report = summary_pass(team, DUE + timedelta(minutes=5))
    assert [(s.reps, s.replies) for s in report.sent] == [(2, 0)]
    assert "summary pass at 2026-11-26T15:05:00+00:00: 1 sent" in report.lines()[0]
    for later in (10, 60, 600):
        assert summary_pass(team, DUE + timedelta(minutes=later)).sent == []
    assert len(posts(team)) == 1
    with team.services.sessions() as session:
        (claim,) = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.SUMMARY))
    assert (claim.status, claim.attempts) == (DeliveryStatus.SENT, 2)
    # The next day is another period.
    assert len(summary_pass(team, TOMORROW).sent) == 1


def test_a_post_missed_while_no_pass_ran_goes_out_late_then_the_days_own(
    team: Coach,
) -> None:
    add_summary(team)
    # No pass ran yesterday at 09:00 (the worker was down); it is back at 08:59 today.
    early = summary_pass(team, DUE - timedelta(hours=1, minutes=1))
    assert [sent.key.split(":")[1] for sent in early.sent] == ["2026-11-24/2026-11-25"]
    report = summary_pass(team, DUE)
    assert [sent.key.split(":")[1] for sent in report.sent] == ["2026-11-25/2026-11-26"]
    assert len(posts(team)) == 2


def test_a_failure_not_fixed_that_day_is_not_retried_the_next(team: Coach) -> None:
    add_summary(team)
    team.slack.fail_next("chat.postMessage", status=500, times=2)
    summary_pass(team)
    summary_pass(team, DUE + timedelta(hours=13, minutes=59))  # 23:59 in New York
    report = summary_pass(team, TOMORROW)
    assert [sent.key.split(":")[1] for sent in report.sent] == ["2026-11-26/2026-11-27"]
    assert len(posts(team)) == 1


def test_an_archived_channel_stops_the_summary_and_tells_its_owner(team: Coach) -> None:
    subscription_id = add_summary(team)
    team.slack.add_channel(TEAM, "sales-team", is_archived=True)
    report = summary_pass(team)
    assert [(f.error, f.stopped) for f in report.failed] == [("is_archived", True)]
    (dm,) = team.slack.messages(MANAGER)
    assert f"Your summary for <#{TEAM}> stopped: its channel was archived." in dm.text
    assert "/coach summary list" in dm.text
    (row,) = subscriptions(team)
    assert (row.enabled, row.disabled_reason) == (False, "is_archived")
    assert summary_pass(team, TOMORROW).sent == [] and len(team.slack.messages(MANAGER)) == 1
    listed = team.slash("/coach", "summary list", MANAGER).json()
    assert "Stopped: its channel was archived." in str(listed["blocks"])
    # Post now says so too, and Edit to another channel starts it again.
    click(team, SummaryListIds.POST_NOW, subscription_id, MANAGER)
    assert "Slack refused the post" in last_modal_text(team)


def test_a_channel_that_is_gone_stops_the_summary_too(team: Coach) -> None:
    add_summary(team, channel_id="C0DELETED")
    report = summary_pass(team)
    assert [(f.error, f.stopped) for f in report.failed] == [("channel_not_found", True)]
    assert "its channel is gone" in team.slack.messages(MANAGER)[0].text


def test_a_post_that_timed_out_is_found_in_the_channel_not_posted_again(team: Coach) -> None:
    add_summary(team)
    team.slack.fail_next("chat.postMessage", delay=1.5)  # Slack posts it; we stop waiting
    report = summary_pass(team, timeout=0.5)
    assert report.failed[0].error.startswith("uncertain")
    team.slack.wait_for("chat.postMessage")
    report = summary_pass(team, DUE + timedelta(minutes=5))
    assert [s.verified for s in report.sent] == [True]
    assert len(posts(team)) == 1 and len(team.slack.calls("chat.postMessage")) == 1


def summary_claim(coach: Coach) -> Delivery:
    with coach.services.sessions() as session:
        return session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.SUMMARY)).one()


def killed_before_the_post(coach: Coach, claimed_at: datetime = DUE) -> str:
    """A pass claimed today's summary at `claimed_at`, then its process was killed: its key."""
    with coach.services.sessions.begin() as session:
        (due,) = summaries.find_due(session, claimed_at).due
        deliveries.claim(session, WORKSPACE, DeliveryKind.SUMMARY, due.key, TEAM, claimed_at)
    return due.key


def killed_after_the_post(coach: Coach) -> str:
    """A pass posted today's summary, then its process was killed before recording it: its ts."""
    (sent,) = summary_pass(coach).sent
    with coach.services.sessions.begin() as session:
        claim = session.scalars(select(Delivery).where(Delivery.kind == DeliveryKind.SUMMARY)).one()
        claim.status, claim.message_ts, claim.channel, claim.sent_at = (
            DeliveryStatus.SENDING,
            None,
            None,
            None,
        )
        claim.updated_at = DUE
    assert sent.ts is not None
    return sent.ts


def test_a_killed_pass_whose_summary_landed_is_found_and_not_posted_again(team: Coach) -> None:
    add_summary(team)
    ts = killed_after_the_post(team)
    assert summary_pass(team, DUE + timedelta(minutes=9)).stuck == []  # it may be posting still
    report = summary_pass(team, DUE + timedelta(minutes=11))
    assert [stuck.key for stuck in report.stuck] == [summary_claim(team).key]
    assert [(s.verified, s.ts) for s in report.sent] == [(True, ts)]
    assert "never finished; looked for before posting once" in "\n".join(report.lines())
    (look,) = team.slack.calls("conversations.history")
    assert look.args["channel"] == TEAM and float(look.args["oldest"]) < float(ts)
    assert len(posts(team)) == 1 and len(team.slack.calls("chat.postMessage")) == 1
    claim = summary_claim(team)  # recorded with its ts: edits and replies can find it
    assert (claim.status, claim.message_ts, claim.channel) == (DeliveryStatus.SENT, ts, TEAM)
    assert summary_pass(team, DUE + timedelta(minutes=30)).sent == [] and len(posts(team)) == 1


def test_a_killed_pass_whose_summary_did_not_land_posts_it_once(team: Coach) -> None:
    add_summary(team)
    killed_before_the_post(team)
    report = summary_pass(team, DUE + timedelta(minutes=11))
    assert len(report.stuck) == 1 and [s.verified for s in report.sent] == [False]
    assert len(team.slack.calls("conversations.history")) == 1  # looked for first
    (post,) = posts(team)
    assert post.metadata["event_payload"]["key"] == summary_claim(team).key
    assert (summary_claim(team).status, summary_claim(team).message_ts) == (
        DeliveryStatus.SENT,
        post.ts,
    )
    for later in (12, 30, 600):
        assert summary_pass(team, DUE + timedelta(minutes=later)).sent == []
    assert len(posts(team)) == 1


def test_a_stuck_summary_is_looked_for_among_every_message_since_its_claim(team: Coach) -> None:
    add_summary(team)
    ts = killed_after_the_post(team)
    client = pass_client(team)
    for n in range(450):  # a busy channel: the summary is far from the latest messages
        client.chat_postMessage(channel=TEAM, text=f"chatter {n}")
    report = summary_pass(team, DUE + timedelta(minutes=11))
    assert [(s.verified, s.ts) for s in report.sent] == [(True, ts)]
    assert len(team.slack.calls("conversations.history")) == 3  # pages of 200
    assert len(team.slack.calls("chat.postMessage")) == 451


def test_a_stuck_summary_slack_cannot_look_for_is_left_and_not_posted(
    team: Coach, caplog: pytest.LogCaptureFixture
) -> None:
    add_summary(team)
    key = killed_before_the_post(team)
    team.slack.fail_next("conversations.history", error="missing_scope")
    report = summary_pass(team, DUE + timedelta(minutes=11))
    assert report.sent == [] and posts(team) == []
    assert [(f.error, f.will_retry) for f in report.failed] == [("unverified", True)]
    assert f"could not check whether summary {key} arrived" in caplog.text
    claim = summary_claim(team)  # still a post that may have landed: looked for again
    assert (claim.status, claim.error) == (DeliveryStatus.FAILED, deliveries.INTERRUPTED)
    report = summary_pass(team, DUE + timedelta(minutes=16))
    assert [s.verified for s in report.sent] == [False] and len(posts(team)) == 1


def test_a_user_group_is_read_at_each_post(team: Coach) -> None:
    seed_calls(team)
    add_summary(team, rep_user_ids=(), usergroup_id="S0EAST")
    team.slack.add_usergroup("S0EAST", "sales-east", [REP_NY])
    assert [sent.reps for sent in summary_pass(team).sent] == [1]
    assert "Dana Rep" in str(posts(team)[0].blocks)


def test_a_300_rep_team_gets_its_rep_lines_in_thread_replies(team: Coach) -> None:
    reps = [f"U9{n:05d}" for n in range(300)]
    with team.services.sessions.begin() as session:
        session.execute(
            insert(Rep),
            [
                {**WORKSPACE.columns, "user_id": rep, "display_name": f"Rep {n}", "tz": "UTC"}
                for n, rep in enumerate(reps)
            ],
        )
        account = Seeder(session, NOW).call(reps[0], NOW - timedelta(days=3), "Acme").account_id
        session.execute(
            insert(Interaction),
            [
                {
                    **WORKSPACE.columns,
                    "rep_user_id": rep,
                    "account_id": account,
                    "kind": InteractionKind.CALL,
                    "scheduled_at": NOW - timedelta(hours=20),
                    "objective": "They agree to a pilot by Friday",
                    "objective_strong": True,
                    "objective_gaps": "",
                    "planned_at": NOW - timedelta(days=2),
                    "origin": Origin.PRECALL,
                    "revision": 1,
                }
                for rep in reps
            ],
        )
    add_summary(team, rep_user_ids=tuple(reps))
    (sent,) = summary_pass(team).sent
    assert (sent.reps, sent.failed_replies) == (300, 0) and sent.replies >= 2
    (post,) = posts(team)
    replies = [m for m in team.slack.messages(TEAM) if m.thread_ts == post.ts]
    assert len(replies) == sent.replies
    assert "One line per rep in the thread (300 reps)." in str(post.blocks)
    lines = [
        line for reply in replies for b in reply.blocks for line in b["text"]["text"].splitlines()
    ]
    assert len(lines) == 300 and all(len(reply.blocks) <= 50 for reply in replies)
    # The double refused nothing (the fixture checks its violations at the end).


def test_coach_summaries_runs_one_pass_and_prints_what_was_sent(
    team: Coach, database_url: str, tmp_path
) -> None:
    add_summary(team)
    env = clean_env(
        SLACK_BOT_TOKEN=team.slack.bot_token,
        SLACK_API_URL=team.slack.api_url,
        DATABASE_URL=database_url,
        NUDGE_SENDS_PER_SECOND="0",
    )
    result = run_coach("summaries", "--now", "2026-11-26T15:00:00Z", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("summary pass at 2026-11-26T15:00:00+00:00: 1 sent")
    assert f"sent summary {subscriptions(team)[0].id}:2026-11-25/2026-11-26 to {TEAM}: 2 reps" in (
        result.stdout
    )
    again = run_coach("summaries", "--now", "2026-11-26T15:05:00Z", env=env, cwd=tmp_path)
    assert again.stdout.startswith("summary pass at 2026-11-26T15:05:00+00:00: 0 sent")
    assert len(posts(team)) == 1


def test_a_rate_limited_thread_reply_waits_once_and_a_long_wait_gives_up() -> None:
    """The replies follow a message already posted: retried after a short Retry-After only."""

    class Slack:
        def __init__(self, retry_afters: list[int | None]) -> None:
            self.retry_afters, self.posted = retry_afters, []

        def chat_postMessage(self, **message) -> dict:  # noqa: N802 (slack_sdk's name)
            wait = self.retry_afters.pop(0) if self.retry_afters else None
            if wait is not None:
                response = SlackResponse(
                    client=None,
                    http_verb="POST",
                    api_url="chat.postMessage",
                    req_args={},
                    data={"ok": False, "error": "ratelimited"},
                    headers={"Retry-After": str(wait)},
                    status_code=429,
                )
                raise SlackApiError("ratelimited", response)
            self.posted.append(message["text"])
            return {"ok": True}

    slept: list[float] = []
    pacer = Pacer(0, clock=lambda: sum(slept), sleep=slept.append)
    slack = Slack([3, None, 60])
    replies = [("part 1", []), ("part 2", [])]
    assert summary_posting.post_thread_replies(slack, TEAM, "1.2", replies, pacer) == 1
    assert slack.posted == ["part 1"] and slept == [3.0]
