"""The morning nudge end to end: sweeps against the Slack double, faults, and the DM's buttons
clicked through signed block_actions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.domain import deliveries, nudges, summaries
from app.domain.workspace import Workspace
from app.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Interaction,
    InteractionKind,
    NudgeItem,
    NudgeReason,
    Origin,
    Outcome,
    Rep,
    Result,
)
from app.sandbox import inbound
from app.slack.forms.outcome import PostcallIds
from app.slack.forms.plan import PrecallIds
from app.slack.passes.nudges import run_nudge_sweep
from app.slack.views.nudges import NUDGE_EVENT, NudgeIds, item_block_id
from tests.support.coach import Coach, pass_client
from tests.support.factories import add_interaction, add_outcome, add_rep, local
from tests.support.forms import (
    block,
    choose,
    initial,
    outcome_values,
    press_save_anyway,
    selected_key,
    shown_review,
)
from tests.support.nudges import (
    NY,
    TODAY,
    click,
    delivery_of,
    dms,
    item_status,
    more_choice,
    plan_todays_heads_up,
    save_plan,
    seed,
    snooze_choice,
    sweep,
)
from tests.support.workspace import NOW, REP_NY, REP_TOKYO

# ----- the DM


def test_one_dm_lists_what_is_due_with_buttons_and_counts_the_appearance(
    coach: Coach,
) -> None:
    past, today = seed(coach, (-26, "Acme Corp", True), (4, "Globex", False))
    seed(coach, (-26, "Initech", True), user_id=REP_TOKYO, zone="Asia/Tokyo")  # midnight there

    report = sweep(coach)
    assert [(s.user_id, s.items) for s in report.sent] == [(REP_NY, 2)]
    (dm,) = dms(coach)
    assert dms(coach, REP_TOKYO) == []
    blocks = dm.args["blocks"]
    assert blocks[0]["text"]["text"] == "Good morning: 2 interactions need your attention"
    assert dm.args["text"] == "2 interactions need your attention: Acme Corp, Globex"
    first = block(dm.args, item_block_id(NudgeIds.ITEM_BLOCK, f"{past}:no_outcome"))["text"]
    assert first["text"].startswith("*Acme Corp* · call <!date^")
    assert "No outcome logged yet" in first["text"]
    actions = block(dm.args, item_block_id(NudgeIds.ACTIONS_BLOCK, f"{past}:no_outcome"))
    # The call passed: log it; the rarely used actions sit in the overflow menu.
    assert [e["action_id"] for e in actions["elements"]] == [NudgeIds.LOG_OUTCOME, NudgeIds.MORE]
    heads_up = block(dm.args, item_block_id(NudgeIds.ITEM_BLOCK, f"{today}:unplanned_today"))
    assert "no plan yet" in heads_up["text"]["text"]
    assert dm.args["metadata"]["event_type"] == NUDGE_EVENT

    delivery = delivery_of(coach)
    assert (delivery.status, delivery.message_ts) == (DeliveryStatus.SENT, dm.response["ts"])
    with coach.services.sessions() as session:
        assert session.scalars(select(NudgeItem.times_shown)).all() == [1, 1]

    # Later sweeps that morning change nothing: one nudge per local date.
    for minutes in (5, 60, 115):
        assert sweep(coach, NOW + timedelta(minutes=minutes)).sent == []
    assert len(dms(coach)) == 1


def test_nothing_due_means_no_dm(coach: Coach) -> None:
    seed(coach, (24, "Acme Corp", True))
    assert sweep(coach).sent == []
    assert dms(coach) == []


def test_a_sweep_finds_and_sends_batch_after_batch_each_rep_once(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five reps due, found two at a time: every one gets their DM once, in one sweep."""
    monkeypatch.setattr(nudges, "FIND_BATCH", 2)
    found: list[int] = []
    find_due = nudges.find_due

    def counted(*args, **kwargs):
        due = find_due(*args, **kwargs)
        found.append(len(due.reps))
        return due

    monkeypatch.setattr(nudges, "find_due", counted)
    reps = [f"U0REP{number}" for number in range(5)]
    for user_id in reps:
        coach.slack.add_user(user_id, name=user_id.lower(), tz=NY)
        seed(coach, (-26, "Acme Corp", True), user_id=user_id)
    report = sweep(coach)
    assert found == [2, 2, 1]
    assert sorted(sent.user_id for sent in report.sent) == reps
    assert sorted(call.args["channel"] for call in coach.slack.calls("chat.postMessage")) == reps
    assert not report.unread
    assert sweep(coach, NOW + timedelta(minutes=5)).sent == []


def test_a_sweep_out_of_time_leaves_the_batches_it_did_not_read_to_the_next(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nudges, "FIND_BATCH", 2)
    reps = [f"U0REP{number}" for number in range(5)]
    for user_id in reps:
        coach.slack.add_user(user_id, name=user_id.lower(), tz=NY)
        seed(coach, (-26, "Acme Corp", True), user_id=user_id)
    spent = run_nudge_sweep(coach.services, pass_client(coach), NOW, budget_seconds=0)
    assert (spent.sent, spent.deferred, spent.unread) == ([], 2, True)
    assert "reps left unread for the next sweep" in spent.summary()
    assert sorted(sent.user_id for sent in sweep(coach, NOW + timedelta(minutes=5)).sent) == reps


# ----- faults


def test_a_429_is_retried_by_a_later_sweep_after_retry_after(coach: Coach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    coach.slack.fail_next("chat.postMessage", status=429, retry_after=120)
    report = sweep(coach)
    assert [(f.error, f.will_retry) for f in report.failed] == [("ratelimited", True)]
    delivery = delivery_of(coach)
    assert (delivery.status, delivery.not_before) == (
        DeliveryStatus.FAILED,
        NOW + timedelta(seconds=120),
    )
    calls = len(coach.slack.calls("chat.postMessage"))
    assert sweep(coach, NOW + timedelta(seconds=60)).sent == []  # Retry-After not over yet
    assert len(coach.slack.calls("chat.postMessage")) == calls
    assert len(sweep(coach, NOW + timedelta(minutes=5)).sent) == 1
    assert len(coach.slack.messages(REP_NY)) == 1
    delivery = delivery_of(coach)
    assert (delivery.status, delivery.attempts, delivery.error) == (DeliveryStatus.SENT, 2, None)


def test_a_server_error_is_retried_until_local_noon_and_not_after(coach: Coach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    coach.slack.fail_next("chat.postMessage", status=500, times=2)
    assert sweep(coach).failed[0].error == "fatal_error"
    assert sweep(coach, local(TODAY, 11, 55, NY)).failed[0].error == "fatal_error"
    assert sweep(coach, local(TODAY, 12, 0, NY)).failed == []  # noon: no more tries today
    assert len(coach.slack.calls("chat.postMessage")) == 2
    assert delivery_of(coach).attempts == 2 and coach.slack.messages(REP_NY) == []
    # The next morning is another nudge.
    coach.slack.fail_next("chat.postMessage", status=500)
    tomorrow = date(2026, 11, 27)
    assert sweep(coach, local(tomorrow, 9, 0, NY)).failed[0].error == "fatal_error"
    assert len(sweep(coach, local(tomorrow, 9, 5, NY)).sent) == 1
    assert len(coach.slack.messages(REP_NY)) == 1


def test_a_timed_out_send_that_arrived_is_found_not_sent_again(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    coach.slack.fail_next("chat.postMessage", delay=1.5)  # Slack posts it; we stop waiting
    report = sweep(coach, timeout=0.5)
    assert report.failed[0].error.startswith("uncertain")
    assert delivery_of(coach).status is DeliveryStatus.FAILED
    coach.slack.wait_for("chat.postMessage")

    report = sweep(coach, NOW + timedelta(minutes=5))
    assert [(s.verified, s.items) for s in report.sent] == [(True, 1)]
    assert len(coach.slack.messages(REP_NY)) == 1
    assert len(coach.slack.calls("chat.postMessage")) == 1
    delivery = delivery_of(coach)
    assert delivery.status is DeliveryStatus.SENT
    assert delivery.message_ts == coach.slack.messages(REP_NY)[0].ts
    with coach.services.sessions() as session:
        item = session.scalar(select(NudgeItem))
        assert (item.interaction_id, item.times_shown) == (interaction, 1)


def test_a_timed_out_send_that_did_not_arrive_is_sent_again(coach: Coach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    coach.slack.fail_next("chat.postMessage", status=500)
    sweep(coach)
    with coach.services.sessions.begin() as session:  # as if the request had timed out
        session.scalar(select(Delivery)).error = "uncertain: timed out"
    report = sweep(coach, NOW + timedelta(minutes=5))
    assert [s.verified for s in report.sent] == [False]
    assert len(coach.slack.calls("conversations.history")) == 1
    assert len(coach.slack.messages(REP_NY)) == 1


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive"])
def test_a_gone_user_is_given_up_on_and_their_items_stay_visible(coach: Coach, error: str) -> None:
    seed(coach, (-26, "Acme Corp", True))
    coach.slack.fail_next("chat.postMessage", error=error)
    report = sweep(coach)
    assert report.unreachable == [(REP_NY, error)]
    assert [(f.error, f.will_retry) for f in report.failed] == [(error, False)]
    delivery = delivery_of(coach)
    assert (delivery.status, delivery.error) == (DeliveryStatus.ABANDONED, error)
    calls = len(coach.slack.calls("chat.postMessage"))
    for day in (date(2026, 11, 27), date(2026, 11, 30)):
        assert sweep(coach, local(day, 9, 30, NY)).sent == []
    assert len(coach.slack.calls("chat.postMessage")) == calls
    assert coach.slack.messages(REP_NY) == []
    with coach.services.sessions() as session:
        rep = session.scalar(select(Rep))
        # Never DMed again, and the item stays open for the manager's summary.
        open_items = summaries.open_items_by_rep(session, Workspace(coach.team_id), [REP_NY], NOW)
    assert rep.unreachable_reason == error
    assert open_items[REP_NY].count == 1


def test_a_deactivated_user_is_skipped_when_their_profile_is_refreshed(
    coach: Coach,
) -> None:
    seed(coach, (-26, "Acme Corp", True))
    with coach.services.sessions.begin() as session:
        session.scalar(select(Rep)).tz_checked_at = NOW - timedelta(days=2)
    coach.slack.add_user(REP_NY, name="dana.rep", tz=NY, deleted=True)
    report = sweep(coach)
    assert report.sent == [] and coach.slack.calls("chat.postMessage") == []
    assert len(coach.slack.calls("users.info")) == 1
    with coach.services.sessions() as session:
        rep = session.scalar(select(Rep))
        assert (rep.is_active, rep.unreachable_reason) == (False, "deactivated")


def test_a_claim_left_sending_by_a_crash_before_the_post_is_sent_once(coach: Coach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    with coach.services.sessions.begin() as session:  # claimed, then the process was killed
        deliveries.claim(
            session,
            Workspace(coach.team_id),
            DeliveryKind.NUDGE,
            nudges.delivery_key(TODAY, REP_NY),
            REP_NY,
            NOW - timedelta(minutes=30),
        )
    report = sweep(coach)
    assert [(s.user_id, s.key) for s in report.stuck] == [(REP_NY, f"2026-11-26:{REP_NY}")]
    assert any(line.startswith("stuck U0REPNY") for line in report.lines())
    assert len(coach.slack.calls("conversations.history")) == 1  # looked for first
    assert [s.verified for s in report.sent] == [False] and len(dms(coach)) == 1
    assert sweep(coach, NOW + timedelta(minutes=30)).sent == []
    assert len(dms(coach)) == 1 and delivery_of(coach).status is DeliveryStatus.SENT


def test_a_claim_left_sending_by_a_crash_after_the_post_is_found_not_resent(
    coach: Coach,
) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    assert len(sweep(coach).sent) == 1
    with coach.services.sessions.begin() as session:  # killed after the post, before the record
        claim = session.scalar(select(Delivery))
        claim.status, claim.message_ts, claim.sent_at = DeliveryStatus.SENDING, None, None
        claim.updated_at = NOW - timedelta(minutes=11)
    report = sweep(coach, NOW + timedelta(minutes=1))
    assert len(report.stuck) == 1
    assert [(s.verified, s.items) for s in report.sent] == [(True, 1)]
    assert len(dms(coach)) == 1
    delivery = delivery_of(coach)
    assert delivery.status is DeliveryStatus.SENT
    assert delivery.message_ts == coach.slack.messages(REP_NY)[0].ts
    assert sweep(coach, NOW + timedelta(minutes=30)).sent == [] and len(dms(coach)) == 1


# ----- buttons


def log_acmes_outcome_from_the_nudge(coach: Coach) -> tuple[int, str, dict]:
    """Acme's call two days ago nudged for its outcome, and the form its Log outcome opens,
    once filled: (the interaction, the item's key, the form)."""
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    click(coach, NudgeIds.LOG_OUTCOME, key)
    return interaction, key, coach.slack.wait_for("views.update")[0].response["view"]


@pytest.mark.over_http  # the whole flow, as Slack reaches the app
def test_log_outcome_opens_the_prefilled_modal_and_then_the_item_is_handled(
    coach: Coach,
) -> None:
    interaction, key, view = log_acmes_outcome_from_the_nudge(coach)
    loading = coach.slack.wait_for("views.open")[0].args["view"]
    assert loading["callback_id"] == PostcallIds.CALLBACK
    assert selected_key(view) == str(interaction)

    response = coach.submit(view, outcome_values(view, "won", None, None), REP_NY)
    assert response.body == ""
    coach.settle()
    assert item_status(coach, key) == "✓ Outcome logged: Won."
    click(coach, NudgeIds.LOG_OUTCOME, key)
    notice = coach.slack.wait_for("views.open", count=2)[-1].args["view"]
    assert "Already handled" in str(notice["blocks"])
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outcome)) == 1


def test_log_outcome_offers_the_interaction_even_when_it_is_still_ahead(
    coach: Coach,
) -> None:
    """A nudge read early (a clock behind the sweep's) still logs the interaction it names."""
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    coach.set_now(NOW - timedelta(days=2))  # the interaction is now 22 hours ahead
    click(coach, NudgeIds.LOG_OUTCOME, f"{interaction}:no_outcome")

    view = coach.slack.wait_for("views.update")[0].response["view"]
    assert selected_key(view) == str(interaction)


def test_a_logged_outcome_shows_in_the_item_with_its_next_step_even_when_submitted_twice(
    coach: Coach,
) -> None:
    _, key, view = log_acmes_outcome_from_the_nudge(coach)
    for _ in range(2):  # a double-clicked submit, or Slack delivering it again
        assert coach.submit(view, outcome_values(view, "advanced"), REP_NY).body == ""
        coach.settle()
    status = item_status(coach, key)
    assert status.startswith("✓ Outcome logged: Advanced, next step <!date^")
    assert status.endswith("^{date_long}|Tue 1 Dec 2026, 3:00 PM EST>.")
    assert len(coach.slack.calls("chat.update")) == 1  # the second found it already shown
    assert coach.slack.violations_since(0) == []


def test_a_nudge_slack_will_not_return_still_gets_the_outcome_saved_and_confirmed(
    coach: Coach,
) -> None:
    _, key, view = log_acmes_outcome_from_the_nudge(coach)
    coach.slack.fail_next("conversations.history", error="channel_not_found")
    assert coach.submit(view, outcome_values(view, "won", None, None), REP_NY).body == ""
    coach.settle()
    assert any(c.args["text"].startswith("Outcome logged for Acme Corp") for c in dms(coach))
    assert item_status(coach, key) is None


def test_an_outcome_for_another_interaction_leaves_the_item_alone(coach: Coach) -> None:
    nudged, other = seed(coach, (-26, "Acme Corp", True), (-50, "Globex", True))
    sweep(coach)
    key = f"{nudged}:no_outcome"
    click(coach, NudgeIds.LOG_OUTCOME, key)
    view = coach.slack.wait_for("views.update")[0].response["view"]
    view = choose(coach, view, str(other))

    assert coach.submit(view, outcome_values(view, "won", None, None), REP_NY).body == ""
    coach.settle()
    with coach.services.sessions() as session:
        assert session.scalar(select(Outcome.interaction_id)) == other
    assert item_status(coach, key) is None
    assert coach.slack.calls("chat.update") == []


def test_postcall_typed_directly_touches_no_nudge_message(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    view = coach.open_modal("/postcall", "Acme Corp", REP_NY)
    assert selected_key(view) == str(interaction)

    assert coach.submit(view, outcome_values(view, "won", None, None), REP_NY).body == ""
    coach.settle()
    assert coach.slack.calls("conversations.history") == []
    assert coach.slack.calls("chat.update") == []
    assert item_status(coach, f"{interaction}:no_outcome") is None


def test_plan_it_opens_precall_for_the_account_and_time(coach: Coach) -> None:
    (interaction,) = seed(coach, (4, "Globex", False))
    sweep(coach)
    click(coach, NudgeIds.PLAN_IT, f"{interaction}:unplanned_today")
    opened = coach.slack.wait_for("views.open")[0].args["view"]
    assert opened["callback_id"] == PrecallIds.CALLBACK
    assert block(opened, PrecallIds.ACCOUNT_BLOCK)["element"]["initial_value"] == "Globex"
    # The form edits the interaction itself (its inputs keyed by it).
    assert initial(opened, f"{PrecallIds.WHEN_BLOCK}.{interaction}") == "Thu 26 Nov, 2:00 PM"
    coach.slack.wait_for("views.update")  # the zone (and last time) filled in


def test_a_saved_plan_shows_in_the_item(coach: Coach) -> None:
    key, form = plan_todays_heads_up(coach)
    assert save_plan(coach, form, "Globex").body == ""
    coach.settle()
    assert item_status(coach, key) == (
        f"✓ Planned for <!date^{int((NOW + timedelta(hours=4)).timestamp())}"
        "^{date_long} at {time}|Thu 26 Nov 2026, 2:00 PM EST>."
    )


def test_a_plan_saved_anyway_after_the_review_shows_in_the_item(coach: Coach) -> None:
    key, form = plan_todays_heads_up(coach)
    answer = save_plan(coach, form, "Globex", objective="send the proposal").json()
    press_save_anyway(coach, shown_review(coach, form, answer))
    assert item_status(coach, key).startswith("✓ Planned for ")


def test_a_plan_that_leaves_the_item_due_leaves_it_alone(coach: Coach) -> None:
    key, form = plan_todays_heads_up(coach)
    # Another account: the heads-up's interaction still has no plan.
    assert save_plan(coach, form, "Initech").body == ""
    coach.settle()
    assert item_status(coach, key) is None
    assert coach.slack.calls("chat.update") == []


def test_snooze_hides_the_item_until_tomorrow_and_says_so(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    click(coach, NudgeIds.SNOOZE, key, value=None, **snooze_choice(key, "tomorrow"))
    update = coach.slack.wait_for("chat.update")[0].args
    status = block(update, item_block_id(NudgeIds.STATUS_BLOCK, key))
    assert "Snoozed until" in status["elements"][0]["text"]
    assert not any(
        b.get("block_id") == item_block_id(NudgeIds.ACTIONS_BLOCK, key) for b in update["blocks"]
    )
    with coach.services.sessions() as session:
        assert session.scalar(select(NudgeItem.snoozed_until)) == local(
            date(2026, 11, 27), 0, 0, NY
        )


def mark_lost_confirmation(coach: Coach, key: str, user_id: str = REP_NY) -> dict:
    """Choose Mark lost in the item's overflow menu: the confirmation it opens."""
    opened = len(coach.slack.calls("views.open"))
    click(coach, NudgeIds.MORE, key, user_id=user_id, value=None, **more_choice(key, "mark_lost"))
    return coach.slack.wait_for("views.open", count=opened + 1)[-1].response["view"]


def test_mark_lost_says_what_else_it_stops_chasing_and_offers_cancel_first(
    coach: Coach,
) -> None:
    # The meeting yesterday, a follow-up planned next week, and one the week after.
    interaction, later, latest = seed(
        coach, (-26, "Acme Corp", True), (24 * 6, "Acme Corp", False), (24 * 13, "Acme Corp", True)
    )
    (other_account,) = seed(coach, (24 * 3, "Globex", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    confirmation = mark_lost_confirmation(coach, key)
    assert confirmation["callback_id"] == NudgeIds.MARK_LOST_CONFIRM
    stops = block(confirmation, NudgeIds.MARK_LOST_STOPS_BLOCK)["text"]["text"]
    first, second = (
        f"<!date^{int((NOW + timedelta(hours=hours)).timestamp())}^" for hours in (24 * 6, 24 * 13)
    )
    assert "stops chasing Acme Corp's other open interactions" in stops
    assert first in stops and second in stops and stops.index(first) < stops.index(second)
    assert "(no plan yet)" in stops.splitlines()[1] and "no plan" not in stops.splitlines()[2]
    cancel = block(confirmation, NudgeIds.MARK_LOST_CANCEL_BLOCK)["accessory"]
    assert (cancel["action_id"], cancel["value"]) == ("interaction_cancel", str(interaction))
    # Nothing is logged until it is confirmed.
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outcome)) == 0
    assert item_status(coach, key) is None


def test_mark_lost_logs_lost_once_confirmed_and_a_second_confirmation_changes_nothing(
    coach: Coach,
) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    confirmation = mark_lost_confirmation(coach, key)
    assert "No other interaction with Acme Corp is open" in str(confirmation["blocks"])
    assert coach.submit(confirmation, {}, REP_NY).body == ""
    coach.settle()
    assert "Marked lost" in item_status(coach, key)
    assert coach.submit(confirmation, {}, REP_NY).body == ""  # a double submit
    coach.settle()
    with coach.services.sessions() as session:
        (outcome,) = session.scalars(select(Outcome)).all()
        assert (outcome.result, outcome.revision) == (Result.LOST, 1)
    # A Mark lost button of a DM sent before the overflow menu asks first too: already handled.
    click(coach, NudgeIds.MARK_LOST, key)
    assert "Already handled" in str(coach.slack.calls("views.open")[-1].args["view"])


def test_a_mark_lost_confirmation_submitted_by_someone_else_changes_nothing(
    coach: Coach,
) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    confirmation = mark_lost_confirmation(coach, key)
    assert coach.submit(confirmation, {}, REP_TOKYO).body == ""  # a crafted submission
    coach.settle()
    (refused,) = coach.slack.wait_for("chat.postEphemeral")
    assert refused.args["user"] == REP_TOKYO and "someone else" in refused.args["text"]
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outcome)) == 0
    assert item_status(coach, key) is None


def test_an_email_that_passed_is_not_offered_cancel_in_mark_lost(coach: Coach) -> None:
    with coach.services.sessions.begin() as session:
        add_rep(session, user_id=REP_NY, zone=NY)
        interaction = add_interaction(
            session,
            NOW - timedelta(hours=26),
            user_id=REP_NY,
            account="Acme Corp",
            kind=InteractionKind.EMAIL,
        ).id
    sweep(coach)
    confirmation = mark_lost_confirmation(coach, f"{interaction}:no_outcome")
    assert NudgeIds.MARK_LOST_CANCEL_BLOCK not in str(confirmation["blocks"])


def test_cancel_in_the_overflow_shows_the_cancel_button(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    click(coach, NudgeIds.MORE, key, value=None, **more_choice(key, "cancel"))
    offer = coach.slack.wait_for("views.open")[0].args["view"]
    (button,) = [b["accessory"] for b in offer["blocks"] if "accessory" in b]
    assert (button["action_id"], button["value"]) == ("interaction_cancel", str(interaction))


def test_snooze_in_the_overflow_hides_the_item_until_next_week(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    click(coach, NudgeIds.MORE, key, value=None, **more_choice(key, "snooze_next_week"))
    assert "Snoozed until" in item_status(coach, key)
    with coach.services.sessions() as session:
        assert session.scalar(select(NudgeItem.snoozed_until)) == local(
            date(2026, 11, 30), 0, 0, NY
        )


def test_a_click_by_someone_else_is_refused_and_changes_nothing(coach: Coach) -> None:
    (interaction,) = seed(coach, (-26, "Acme Corp", True))
    sweep(coach)
    key = f"{interaction}:no_outcome"
    refusal = mark_lost_confirmation(coach, key, user_id=REP_TOKYO)
    assert "someone else" in str(refusal["blocks"])
    click(
        coach,
        NudgeIds.SNOOZE,
        key,
        user_id=REP_TOKYO,
        value=None,
        **snooze_choice(key, "next_week"),
    )
    (refused,) = coach.slack.wait_for("chat.postEphemeral")
    assert refused.args["user"] == REP_TOKYO and "someone else" in refused.args["text"]
    click(coach, NudgeIds.LOG_OUTCOME, key, user_id=REP_TOKYO)
    assert "someone else" in str(coach.slack.calls("views.open")[-1].args["view"]["blocks"])
    assert coach.slack.calls("chat.update") == []
    with coach.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outcome)) == 0
        assert session.scalar(select(NudgeItem.snoozed_until)) is None


# ----- settings and profile events


def test_coach_settings_opens_the_current_settings_and_saves_new_ones(coach: Coach) -> None:
    seed(coach)
    response = coach.slash("/coach", "settings", REP_NY)
    assert response.status == 200 and response.body == ""
    view = coach.slack.wait_for("views.open")[0].response["view"]
    assert block(view, "settings_time")["element"]["initial_option"]["value"] == "09:00"
    days = block(view, "settings_weekdays")["element"]["initial_options"]
    assert [d["value"] for d in days] == ["0", "1", "2", "3", "4"]

    def values(time, weekdays, pause):
        return {
            "settings_time": {"value": inbound.static_select_value(time)},
            "settings_weekdays": {"value": inbound.checkboxes_value(weekdays)},
            "settings_pause": {"value": inbound.datepicker_value(pause)},
        }

    errors = coach.submit(view, values("09:00", [], "2026-11-20"), REP_NY).json()["errors"]
    assert set(errors) == {"settings_weekdays", "settings_pause"}
    response = coach.submit(view, values("07:30", ["5", "6"], "2026-12-05"), REP_NY).json()
    assert response["response_action"] == "update"
    said = response["view"]["blocks"][0]["text"]["text"]
    assert "*7:30 AM* on Sat, Sun, in America/New_York" in said
    assert "nudges come again on Saturday 5 December" in said
    with coach.services.sessions() as session:
        rep = session.scalar(select(Rep))
        assert (rep.nudge_minute, rep.nudge_weekdays, rep.nudges_paused_until) == (
            450,
            0b1100000,
            date(2026, 12, 5),
        )


def test_user_change_events_update_a_reps_zone_and_status(coach: Coach) -> None:
    seed(coach, (-26, "Acme Corp", True))
    user = {"id": REP_NY, "team_id": coach.team_id, "name": "dana", "tz": "Europe/Berlin"}
    assert coach.send_event({"type": "user_change", "user": user}).status == 200
    coach.settle()
    assert sweep(coach).sent == []  # 16:00 in Berlin: past the morning
    stranger = {"id": "U0STRANGER", "team_id": coach.team_id, "tz": "Asia/Tokyo"}
    coach.send_event({"type": "user_change", "user": stranger})
    coach.send_event({"type": "user_change", "user": user | {"deleted": True}})
    coach.settle()
    with coach.services.sessions() as session:
        (rep,) = session.scalars(select(Rep)).all()  # nobody else is stored
        assert (rep.tz, rep.is_active) == ("Europe/Berlin", False)


def test_escalated_items_leave_the_dm(coach: Coach) -> None:
    (stale,) = seed(coach, (-50, "Acme Corp", True))
    for day in (TODAY, date(2026, 11, 27)):
        assert len(sweep(coach, local(day, 9, 0, NY)).sent) == 1
    report = sweep(coach, local(date(2026, 11, 30), 9, 0, NY))
    assert (report.sent, report.escalated) == ([], 1)
    assert len(dms(coach)) == 2
    with coach.services.sessions() as session:
        item = session.scalar(select(NudgeItem))
        open_items = summaries.open_items_by_rep(session, Workspace(coach.team_id), [REP_NY], NOW)
    assert (item.interaction_id, item.reason) == (stale, NudgeReason.NO_OUTCOME)
    assert item.escalated_at is not None
    assert (open_items[REP_NY].count, open_items[REP_NY].escalated) == (1, 1)


def test_a_rep_is_told_once_that_escalated_items_went_to_the_managers_summary(
    coach: Coach,
) -> None:
    # Acme is shown on the 26th and 27th; Globex (the 29th) is new when Acme is escalated.
    seed(coach, (-50, "Acme Corp", True), (24 * 3, "Globex", True))
    for day in (TODAY, date(2026, 11, 27)):
        assert len(sweep(coach, local(day, 9, 0, NY)).sent) == 1
    notice = "1 item you were reminded of twice was left out of these DMs"
    assert notice not in str(dms(coach)[-1].args["blocks"])
    report = sweep(coach, local(date(2026, 11, 30), 9, 0, NY))
    assert (len(report.sent), report.escalated) == (1, 1)
    told = str(dms(coach)[-1].args["blocks"])
    assert notice in told and "went to your manager's summary" in told and "Globex" in told
    assert len(sweep(coach, local(date(2026, 12, 1), 9, 0, NY)).sent) == 1
    assert notice not in str(dms(coach)[-1].args["blocks"])  # told once


def test_an_outcome_logged_before_the_sweep_is_not_nudged(coach: Coach) -> None:
    first, follow_up = seed(coach, (-50, "Acme Corp", True), (-2, "Acme Corp", True))
    with coach.services.sessions.begin() as session:
        interactions = {i.id: i for i in session.scalars(select(Interaction))}
        interactions[follow_up].origin = Origin.FOLLOW_UP
        add_outcome(
            session, interactions[first], Result.ADVANCED, interactions[follow_up].scheduled_at
        )
        add_outcome(session, interactions[follow_up], Result.WON)
    assert sweep(coach).sent == []
