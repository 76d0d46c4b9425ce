"""Outcomes against plans: what the customer agreed to, the dated next step and its follow-up."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import insert_unless_exists
from app.domain import dates
from app.domain.accounts import account_key, find_or_create_account
from app.domain.checks import FieldErrors, refuse_unsavable
from app.domain.plans import (
    FIELD_LIMITS,
    OBJECTIVE_MAX,
    NotYourInteraction,
    PlanField,
    account_key_problem,
    find_own_interaction,
    too_long,
)
from app.domain.text import clean, member
from app.domain.workspace import Workspace
from app.models import (
    WHEN_TEXT_MAX,
    Account,
    FollowThrough,
    Interaction,
    InteractionKind,
    LostReason,
    Origin,
    Outcome,
    Result,
)

__all__ = ["NotYourInteraction", "find_own_interaction"]  # the ownership check, from plans

NOTES_MAX = 3000
# Outcomes that promise a dated customer action, and so a follow-up interaction.
NEEDS_NEXT_STEP = frozenset({Result.ADVANCED, Result.MINIMUM})
# Outcomes that end the account's chain: nothing after them is chased.
ENDS_CHAIN = frozenset({Result.WON, Result.LOST})
# An interaction logged without a plan happened already; a phrase is read up to this far back.
UNPLANNED_ALLOW_PAST = timedelta(days=90)
UNPLANNED_HORIZON = timedelta(hours=12)
# The choices offered by /postcall: interactions from this far back, and not yet far ahead.
RECENT_WINDOW = timedelta(days=60)
UPCOMING_WINDOW = timedelta(hours=12)
RECENT_LIMIT = 50
# For an account the command names, its open interactions up to this far ahead are offered too:
# an outcome logged for tomorrow's plan must not become a second, unplanned interaction.
NAMED_ACCOUNT_AHEAD = timedelta(days=7)
NAMED_ACCOUNT_LIMIT = 10


class Need(enum.Enum):
    """Whether an outcome's form asks for a field: required, optional, or not at all."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


def next_step_need(result: Result | None) -> Need:
    """Whether the agreed next step (and its date) goes with `result`, as check_outcome rules:
    required for Advanced and Minimum, noted for Won, none for Continuation and Lost."""
    if result in NEEDS_NEXT_STEP:
        return Need.REQUIRED
    if result in (Result.CONTINUATION, Result.LOST):
        return Need.NONE
    return Need.OPTIONAL  # Won, or no outcome chosen yet


class OutcomeField(enum.StrEnum):
    INTERACTION = "interaction"
    ACCOUNT = "account"
    WHEN = "when"
    RESULT = "result"
    NEXT_STEP = "next_step"
    NEXT_STEP_WHEN = "next_step_when"
    NOTES = "notes"
    LOST_REASON = "lost_reason"
    FOLLOW_THROUGH = "follow_through"


@dataclass(frozen=True)
class OutcomeForm:
    """The outcome as the rep entered it. `interaction_id` None means "not planned"."""

    interaction_id: int | None
    result: str | None
    next_step: str | None
    next_step_when: str | None
    notes: str | None = None
    account: str | None = None  # only for an interaction that was not planned
    when_text: str | None = None
    kind: str | None = None
    lost_reason: str | None = None  # optional, for Lost only
    follow_through: str | None = None  # asked of a follow-up only: did they do it?


@dataclass(frozen=True)
class UnplannedInteraction:
    account_name: str
    kind: InteractionKind
    scheduled_at: datetime
    when_text: str | None


@dataclass(frozen=True)
class OutcomeDraft:
    interaction_id: int | None
    unplanned: UnplannedInteraction | None
    result: Result
    next_step: str | None
    next_step_at: datetime | None
    next_step_when_text: str | None
    notes: str | None
    lost_reason: LostReason | None = None
    follow_through: FollowThrough | None = None


def read_next_step_when(
    text: str | None, zone: str, now: datetime, *, locale: str | None = None
) -> dates.WhenReading:
    """The next step's date: it must lie ahead, within the planning horizon."""
    return dates.read_when(clean(text), zone, now, locale=locale)


def check_outcome(
    form: OutcomeForm, zone: str, now: datetime, *, locale: str | None = None
) -> OutcomeDraft | FieldErrors[OutcomeField]:
    """The draft, or every problem with the outcome, each under its field."""
    errors: FieldErrors[OutcomeField] = FieldErrors()
    next_step, next_when, notes = (
        clean(form.next_step),
        clean(form.next_step_when),
        clean(form.notes),
    )
    refuse_unsavable(
        errors,
        {
            OutcomeField.NEXT_STEP: next_step,
            OutcomeField.NEXT_STEP_WHEN: next_when,
            OutcomeField.NOTES: notes,
            OutcomeField.RESULT: form.result,
            OutcomeField.LOST_REASON: form.lost_reason,
            OutcomeField.FOLLOW_THROUGH: form.follow_through,
            **(
                {OutcomeField.ACCOUNT: form.account, OutcomeField.WHEN: form.when_text}
                if form.interaction_id is None
                else {}
            ),
        },
    )
    for name, value, limit in (
        (OutcomeField.NEXT_STEP, next_step, OBJECTIVE_MAX),
        (OutcomeField.NEXT_STEP_WHEN, next_when, WHEN_TEXT_MAX),
        (OutcomeField.NOTES, notes, NOTES_MAX),
    ):
        if len(value) > limit:
            errors.setdefault(name, too_long(limit, len(value)))

    unplanned = None
    if form.interaction_id is None:
        unplanned = _check_unplanned(form, zone, now, errors, locale)

    result = member(Result, form.result)
    if result is None:
        errors.setdefault(OutcomeField.RESULT, "Choose what the customer agreed to.")
    next_step_at = None
    # A won deal may note what comes next (the kickoff); it is kept, never chased.
    wants_date = result in NEEDS_NEXT_STEP or bool(next_when and result is Result.WON)
    if result in NEEDS_NEXT_STEP and not next_step:
        errors.setdefault(
            OutcomeField.NEXT_STEP,
            "Say what the customer agreed to do next, e.g. 'Dana books the security review'.",
        )
    if result is Result.LOST:
        _refuse_next_step_of_lost(next_step, next_when, errors)
    if wants_date and OutcomeField.NEXT_STEP_WHEN not in errors:
        reading = read_next_step_when(next_when, zone, now, locale=locale)
        if reading.ok:
            next_step_at = reading.at
        else:
            errors[OutcomeField.NEXT_STEP_WHEN] = reading.problem or "I could not read this date."
    if errors:
        return errors
    assert result is not None
    keeps_next_step = result is not Result.CONTINUATION  # "sometime" is not a next step
    return OutcomeDraft(
        interaction_id=form.interaction_id,
        unplanned=unplanned,
        result=result,
        next_step=(next_step or None) if keeps_next_step else None,
        next_step_at=_to_minute(next_step_at) if keeps_next_step else None,
        next_step_when_text=(next_when or None) if next_step_at and keeps_next_step else None,
        notes=notes or None,
        # A reason is kept for Lost only: another outcome has nothing to explain.
        lost_reason=member(LostReason, form.lost_reason) if result is Result.LOST else None,
        follow_through=member(FollowThrough, form.follow_through),
    )


def _refuse_next_step_of_lost(
    next_step: str, next_when: str, errors: dict[OutcomeField, str]
) -> None:
    """Lost closes the chain: a next step there would promise a follow-up nobody chases."""
    if next_step:
        errors.setdefault(
            OutcomeField.NEXT_STEP,
            "A lost deal has no next step to chase. If they agreed to one, choose Minimum "
            "(or Continuation for “let's talk again sometime”); if not, clear it.",
        )
    if next_when:
        errors.setdefault(
            OutcomeField.NEXT_STEP_WHEN,
            "Clear this date too: a lost deal has nothing to chase."
            if next_step
            else "A lost deal has no next step to chase: clear this date, or choose the "
            "outcome they agreed to.",
        )


def _check_unplanned(
    form: OutcomeForm,
    zone: str,
    now: datetime,
    errors: dict[OutcomeField, str],
    locale: str | None,
) -> UnplannedInteraction | None:
    account = " ".join(clean(form.account).split())
    if not account:
        errors.setdefault(OutcomeField.ACCOUNT, "Name the account or prospect.")
    elif len(account) > FIELD_LIMITS[PlanField.ACCOUNT]:
        errors.setdefault(
            OutcomeField.ACCOUNT, f"Keep this under {FIELD_LIMITS[PlanField.ACCOUNT]} characters."
        )
    elif problem := account_key_problem(account):
        errors.setdefault(OutcomeField.ACCOUNT, problem)
    when_text = clean(form.when_text)
    scheduled_at = now
    if when_text and OutcomeField.WHEN not in errors:  # blank means "just now"
        reading = dates.read_when(
            when_text,
            zone,
            now,
            allow_past=UNPLANNED_ALLOW_PAST,
            horizon=UNPLANNED_HORIZON,
            locale=locale,
        )
        if reading.ok and reading.at:
            scheduled_at = reading.at
        else:
            errors[OutcomeField.WHEN] = reading.problem or "I could not read this date."
    kind = member(InteractionKind, form.kind) or InteractionKind.MEETING
    if errors.keys() & {OutcomeField.ACCOUNT, OutcomeField.WHEN}:
        return None
    return UnplannedInteraction(account, kind, _minute_of(scheduled_at), when_text or None)


def _to_minute(at: datetime | None) -> datetime | None:
    return _minute_of(at) if at else None


def _minute_of(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(second=0, microsecond=0)


def recent_interactions(
    session: Session,
    workspace: Workspace,
    rep_user_id: str,
    now: datetime,
    *,
    named_id: int | None = None,
    named_account: str | None = None,
) -> list[Interaction]:
    """What a /postcall may be about: open interactions first, then logged ones; newest first.

    Besides the recent ones, what the rep names is offered: `named_id` (the interaction a nudge's
    Log outcome names) whatever its date, and the open interactions with `named_account` (the
    account `/postcall Initech` names, by the start of its name) up to NAMED_ACCOUNT_AHEAD.
    """
    own = (
        select(Interaction)
        .options(selectinload(Interaction.outcome))
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == rep_user_id,
            Interaction.cancelled_at.is_(None),  # a cancelled interaction has no outcome
        )
    )
    rows = session.scalars(
        own.where(
            Interaction.scheduled_at >= now - RECENT_WINDOW,
            Interaction.scheduled_at <= now + UPCOMING_WINDOW,
        )
        .order_by(Interaction.scheduled_at.desc())
        .limit(RECENT_LIMIT * 2)
    ).all()
    choices = _open_first(rows)[:RECENT_LIMIT]
    named: list[Interaction] = []
    if named_id is not None:
        named += session.scalars(own.where(Interaction.id == named_id)).all()
    key = account_key(named_account or "")
    if key:
        named += session.scalars(
            own.where(
                Interaction.account_id.in_(
                    select(Account.id).where(
                        Account.team_id == workspace.team_id,
                        Account.name_key.startswith(key, autoescape=True),
                    )
                ),
                Interaction.scheduled_at >= now - RECENT_WINDOW,
                Interaction.scheduled_at <= now + NAMED_ACCOUNT_AHEAD,
                ~Interaction.outcome.has(),
            )
            .order_by(Interaction.scheduled_at.desc())
            .limit(NAMED_ACCOUNT_LIMIT)
        ).all()
    extra = [interaction for interaction in dict.fromkeys(named) if interaction not in choices]
    if extra:
        latest_first = sorted(choices + extra, key=_time, reverse=True)
        choices = _open_first(latest_first)
    return choices


def _time(interaction: Interaction) -> datetime:
    return interaction.scheduled_at


def _open_first(interactions: Sequence[Interaction]) -> list[Interaction]:
    """Open interactions before logged ones, each in the order given."""
    return sorted(interactions, key=lambda interaction: interaction.outcome is not None)


def _names_account(interaction: Interaction, named_account: str | None) -> bool:
    """Whether `/postcall <named_account>` names this interaction's account (by its start)."""
    key = account_key(named_account or "")
    return bool(key) and interaction.account.name_key.startswith(key)


def likely_interaction(
    choices: list[Interaction], now: datetime, named_account: str | None = None
) -> Interaction | None:
    """The interaction a /postcall is most likely about, chosen in its form (None: not planned).

    Among the open ones (with the named account, if any): the latest whose time has come, as the
    rep logs what happened, else the soonest ahead (a call that came early). With nothing open,
    a named account's latest logged one, to edit it.
    """
    if named_account:
        choices = [i for i in choices if _names_account(i, named_account)]
    still_open = [i for i in choices if i.outcome is None]
    happened = [i for i in still_open if i.scheduled_at <= now]
    if happened:
        return max(happened, key=_time)
    if still_open:
        return min(still_open, key=_time)
    if named_account and choices:
        return max(choices, key=_time)
    return None


@dataclass(frozen=True)
class SavedOutcome:
    outcome: Outcome
    interaction: Interaction
    follow_up: Interaction | None
    changed: bool


def save_outcome(
    session: Session, workspace: Workspace, rep_user_id: str, draft: OutcomeDraft, now: datetime
) -> SavedOutcome:
    """Store the outcome (once per interaction) and keep its follow-up in step with its date.

    Raises NotYourInteraction for an interaction of another rep or workspace.
    """
    if draft.unplanned:
        interaction = _record_unplanned(session, workspace, rep_user_id, draft.unplanned)
    elif draft.interaction_id is not None:
        interaction = find_own_interaction(
            session, workspace, rep_user_id, draft.interaction_id, lock=True
        )
    else:  # neither a logged interaction nor a new one: nothing of this rep's to record against
        raise NotYourInteraction(None)
    if interaction.scheduled_at > now:
        # An outcome means it happened: logged before its time, it was held earlier, and the
        # figures (which count what happened up to now) must see it.
        interaction.scheduled_at = now
    values = {
        "result": draft.result,
        "next_step": draft.next_step,
        "next_step_at": draft.next_step_at,
        "next_step_when_text": draft.next_step_when_text,
        "notes": draft.notes,
        "lost_reason": draft.lost_reason,
        # Only a follow-up has an earlier agreement to have been kept or not.
        "follow_through": draft.follow_through if asks_follow_through(interaction) else None,
    }
    created = insert_unless_exists(
        session,
        Outcome,
        {
            **workspace.columns,
            "interaction_id": interaction.id,
            "rep_user_id": rep_user_id,
            "revision": 1,
            **values,
        },
        ("interaction_id",),
    )
    outcome = session.scalar(
        select(Outcome).where(Outcome.interaction_id == interaction.id).with_for_update()
    )
    assert outcome is not None
    changed = created is not None
    if not changed and any(getattr(outcome, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(outcome, name, value)
        outcome.revision += 1
        changed = True
    if changed:
        follow_up = _sync_follow_up(session, workspace, interaction, outcome)
    elif outcome.follow_up_id:
        follow_up = session.get(Interaction, outcome.follow_up_id)
    else:
        follow_up = None
    session.expire(interaction, ["outcome"])
    return SavedOutcome(outcome, interaction, follow_up, changed)


def asks_follow_through(interaction: Interaction) -> bool:
    """Whether logging this interaction's outcome asks "did they do what they agreed?": it is
    the follow-up of an earlier agreed next step."""
    return interaction.follows_id is not None


def _record_unplanned(
    session: Session, workspace: Workspace, rep_user_id: str, unplanned: UnplannedInteraction
) -> Interaction:
    account = find_or_create_account(session, workspace, unplanned.account_name)
    return _interaction_at(
        session,
        workspace,
        rep_user_id,
        account.id,
        unplanned.scheduled_at,
        {"kind": unplanned.kind, "origin": Origin.UNPLANNED, "when_text": unplanned.when_text},
    )


def _interaction_at(
    session: Session,
    workspace: Workspace,
    rep_user_id: str,
    account_id: int,
    at: datetime,
    defaults: dict,
) -> Interaction:
    """The rep's interaction with the account at `at`, created with `defaults` if there is none."""
    insert_unless_exists(
        session,
        Interaction,
        {
            **workspace.columns,
            "rep_user_id": rep_user_id,
            "account_id": account_id,
            "scheduled_at": at,
            "revision": 1,
            **defaults,
        },
        ("team_id", "rep_user_id", "account_id", "scheduled_at"),
    )
    interaction = session.scalar(
        select(Interaction).where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == rep_user_id,
            Interaction.account_id == account_id,
            Interaction.scheduled_at == at,
        )
    )
    assert interaction is not None
    return interaction


def _is_untouched_follow_up(interaction: Interaction) -> bool:
    """A follow-up nobody has planned or logged yet can move or go with its outcome."""
    return (
        interaction.origin is Origin.FOLLOW_UP
        and interaction.objective is None
        and interaction.outcome is None
    )


def _sync_follow_up(
    session: Session, workspace: Workspace, interaction: Interaction, outcome: Outcome
) -> Interaction | None:
    """Create, move or drop the follow-up so it matches the outcome's dated next step."""
    current = session.get(Interaction, outcome.follow_up_id) if outcome.follow_up_id else None
    wanted_at = outcome.next_step_at if outcome.result in NEEDS_NEXT_STEP else None
    if current is not None and current.scheduled_at == wanted_at:
        return current
    if current is not None and wanted_at is not None and _is_untouched_follow_up(current):
        clash = session.scalar(
            select(Interaction.id).where(
                Interaction.team_id == workspace.team_id,
                Interaction.rep_user_id == current.rep_user_id,
                Interaction.account_id == current.account_id,
                Interaction.scheduled_at == wanted_at,
            )
        )
        if clash is None:  # move it, keeping its id (and whatever points at it)
            current.scheduled_at = wanted_at
            current.when_text = outcome.next_step_when_text
            return current
    if current is not None:
        outcome.follow_up_id = None
        if _is_untouched_follow_up(current):
            session.delete(current)
        session.flush()
    if wanted_at is None:
        return None
    follow_up = _interaction_at(
        session,
        workspace,
        interaction.rep_user_id,
        interaction.account_id,
        wanted_at,
        {
            "kind": interaction.kind,
            "stage": interaction.stage,
            "origin": Origin.FOLLOW_UP,
            "follows_id": interaction.id,
            "when_text": outcome.next_step_when_text,
        },
    )
    outcome.follow_up_id = follow_up.id
    return follow_up


def last_logged_interaction(
    session: Session, workspace: Workspace, rep_user_id: str, account_name: str, now: datetime
) -> Interaction | None:
    """The rep's latest interaction with this account that has an outcome, for /precall."""
    return session.scalar(
        select(Interaction)
        .join(Account, Interaction.account_id == Account.id)
        .join(Outcome, Outcome.interaction_id == Interaction.id)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == rep_user_id,
            Account.name_key == account_key(account_name),
            Interaction.scheduled_at <= now,
        )
        .order_by(Interaction.scheduled_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Promise:
    """What the customer agreed to do, which a follow-up interaction is about."""

    next_step: str
    due_at: datetime | None


def promise_of(interaction: Interaction) -> Promise | None:
    """The agreed next step a follow-up the app created is about (None for any other)."""
    if interaction.origin is not Origin.FOLLOW_UP or interaction.follows is None:
        return None
    earlier = interaction.follows.outcome
    if earlier is None or not earlier.next_step:
        return None
    return Promise(earlier.next_step, earlier.next_step_at)


@dataclass(frozen=True)
class NextStepToPlan:
    """What "Plan the next step" on an outcome plans: its follow-up, or a new interaction with
    the account; `ended` when the outcome now closes the chain (nothing to plan)."""

    logged: Interaction
    follow_up: Interaction | None
    ended: Result | None


def next_step_to_plan(session: Session, logged: Interaction) -> NextStepToPlan:
    """What comes after the rep's logged interaction, as its outcome says now."""
    outcome = logged.outcome
    if outcome is None or outcome.result in ENDS_CHAIN:
        return NextStepToPlan(logged, None, outcome.result if outcome else None)
    follow_up = session.get(Interaction, outcome.follow_up_id) if outcome.follow_up_id else None
    return NextStepToPlan(logged, follow_up, None)
