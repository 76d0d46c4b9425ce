"""Plans for sales interactions: reading the rep's input, checking it, saving it once."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.db import insert_unless_exists
from app.domain import coaching, dates
from app.domain.accounts import account_key, find_or_create_account
from app.domain.calendar import meetings as calendar_meetings
from app.domain.checks import FieldErrors, refuse_unsavable
from app.domain.text import clean, member
from app.domain.workspace import Workspace
from app.models import (
    ACCOUNT_NAME_MAX,
    DECISION_MAKER_MAX,
    WHEN_TEXT_MAX,
    Account,
    Interaction,
    InteractionKind,
    Origin,
    Outcome,
    Stage,
)

# A commitment objective is a sentence or two. The cap also keeps a whole plan inside the
# 3,000 characters of a Slack view's private_metadata, where the coach's review carries it.
OBJECTIVE_MAX = 500
# A time already gone by is an outcome to log, not a plan. The grace lets a meeting that is just
# starting ("now", "10am" typed at 10:05) still be planned.
PLAN_ALLOW_PAST = timedelta(minutes=15)
LOG_IT_INSTEAD = "A plan is for what is ahead: nothing was saved. Log the outcome instead."


class PlanField(enum.StrEnum):
    ACCOUNT = "account"
    KIND = "kind"
    WHEN = "when"
    STAGE = "stage"
    OBJECTIVE = "objective"
    MINIMUM = "minimum"
    DECISION_MAKER = "decision_maker"


FIELD_LIMITS = {
    PlanField.ACCOUNT: ACCOUNT_NAME_MAX,
    PlanField.WHEN: WHEN_TEXT_MAX,
    PlanField.OBJECTIVE: OBJECTIVE_MAX,
    PlanField.MINIMUM: OBJECTIVE_MAX,
    PlanField.DECISION_MAKER: DECISION_MAKER_MAX,
}

# Words a rep may put after the account in `/precall Acme Corp demo tomorrow 2pm`.
KIND_WORDS = {
    "meeting": InteractionKind.MEETING,
    "call": InteractionKind.CALL,
    "email": InteractionKind.EMAIL,
    "e-mail": InteractionKind.EMAIL,
    "text": InteractionKind.TEXT,
    "sms": InteractionKind.TEXT,
}
STAGE_WORDS = {
    "discovery": Stage.DISCOVERY,
    "intro": Stage.DISCOVERY,
    "demo": Stage.DEMO,
    "evaluation": Stage.DEMO,
    "proposal": Stage.PROPOSAL,
    "negotiation": Stage.NEGOTIATION,
    "closing": Stage.CLOSING,
}


@dataclass(frozen=True)
class PlanPrefill:
    """What the form opens with: what `/precall <text>` says, or a saved plan (to edit it)."""

    account: str | None = None
    when_text: str | None = None
    kind: InteractionKind | None = None
    stage: Stage | None = None
    objective: str | None = None
    minimum_commitment: str | None = None
    decision_maker: str | None = None
    # A calendar meeting's external attendees: the form offers them as the decision maker.
    decision_makers: tuple[str, ...] = ()


def prefill_of(interaction: Interaction, zone: str) -> PlanPrefill:
    """The saved plan as the form shows it; its time as a phrase that reads back to it (with
    the year, so a plan just past or in January still reads as the same moment)."""
    local = interaction.scheduled_at.astimezone(ZoneInfo(zone))
    return PlanPrefill(
        account=interaction.account.name,
        when_text=dates.describe(local, with_year=True, with_zone=False),
        kind=interaction.kind,
        stage=interaction.stage,
        objective=interaction.objective,
        minimum_commitment=interaction.minimum_commitment,
        decision_maker=interaction.decision_maker,
    )


def read_command_text(text: str, now: datetime) -> PlanPrefill:
    """Split `Acme Corp demo tomorrow 2pm` into account, stage/kind words and the "when".

    Runs before the modal opens, so before the rep's zone is known: UTC is good enough
    to tell whether the trailing words are a date; the modal reads them again later.
    """
    text = " ".join(text.split())
    if not text:
        return PlanPrefill()
    when_text = None
    # The "when" ends the text (only its last words are read), whatever the account's length.
    span = dates.find_when_phrase(text, "UTC", now)
    if span:
        when_text = text[span[0] : span[1]].strip()
        text = text[: span[0]]
    words = text.split()
    kind = stage = None
    # Only trailing keywords are taken, so an account named "Demo Systems" stays whole.
    while len(words) > 1:
        word = words[-1].lower().strip(",.;:")
        if kind is None and word in KIND_WORDS:
            kind = KIND_WORDS[word]
        elif stage is None and word in STAGE_WORDS:
            stage = STAGE_WORDS[word]
        else:
            break
        words.pop()
    # Within the field's limit, so that the form opens with what fits; the rep can shorten it.
    account = " ".join(words)[:ACCOUNT_NAME_MAX].strip(" ,;:-") or None
    return PlanPrefill(account=account, when_text=when_text, kind=kind, stage=stage)


@dataclass(frozen=True)
class PlanForm:
    """The plan as the rep typed it, before any checking."""

    account: str | None
    kind: str | None
    when_text: str | None
    stage: str | None
    objective: str | None
    minimum_commitment: str | None = None
    decision_maker: str | None = None


@dataclass(frozen=True)
class PlanDraft:
    """A checked plan, ready to save."""

    account_name: str
    kind: InteractionKind
    stage: Stage
    scheduled_at: datetime
    when_text: str
    objective: str
    minimum_commitment: str | None
    review: coaching.Review
    decision_maker: str | None = None  # who decides on the customer's side, if named


def read_plan_when(
    text: str, zone: str, now: datetime, *, locale: str | None = None
) -> dates.WhenReading:
    """When the interaction is: ahead, or within the few minutes just gone (it is starting)."""
    return dates.read_when(text, zone, now, allow_past=PLAN_ALLOW_PAST, locale=locale)


def is_past(reading: dates.WhenReading, now: datetime) -> bool:
    """Whether the plan's time is gone by, beyond the grace: an outcome to log, not a plan
    ("today" with no time is only missing its time)."""
    if reading.at is None or reading.problem == dates.ADD_A_TIME:
        return False
    return reading.at < now.replace(second=0, microsecond=0) - PLAN_ALLOW_PAST


def check_plan(
    form: PlanForm, zone: str, now: datetime, *, locale: str | None = None
) -> PlanDraft | FieldErrors[PlanField]:
    """The draft, or every problem with the plan, each under its field."""
    errors: FieldErrors[PlanField] = FieldErrors()
    values = {
        PlanField.ACCOUNT: clean(form.account),
        PlanField.WHEN: clean(form.when_text),
        PlanField.OBJECTIVE: clean(form.objective),
        PlanField.MINIMUM: clean(form.minimum_commitment),
        PlanField.DECISION_MAKER: clean(form.decision_maker),
    }
    refuse_unsavable(errors, {**values, PlanField.KIND: form.kind, PlanField.STAGE: form.stage})
    for name, limit in FIELD_LIMITS.items():
        if len(values[name]) > limit:
            errors.setdefault(name, too_long(limit, len(values[name])))
    account_refusal = account_key_problem(values[PlanField.ACCOUNT])
    if account_refusal:
        errors.setdefault(PlanField.ACCOUNT, account_refusal)
    if not values[PlanField.ACCOUNT]:
        errors.setdefault(PlanField.ACCOUNT, "Name the account or prospect.")
    if not values[PlanField.OBJECTIVE]:
        errors.setdefault(
            PlanField.OBJECTIVE,
            "Write the commitment objective: what the customer will agree to do, and when.",
        )
    kind = member(InteractionKind, form.kind)
    if kind is None:
        errors.setdefault(PlanField.KIND, "Choose meeting, call, email or text.")
    stage = member(Stage, form.stage)
    if stage is None:
        errors.setdefault(PlanField.STAGE, "Choose the stage of the sale.")
    reading = None
    if PlanField.WHEN not in errors:
        reading = read_plan_when(values[PlanField.WHEN], zone, now, locale=locale)
        if not reading.ok:
            errors[PlanField.WHEN] = reading.problem or "I could not read this date."
            if is_past(reading, now):
                errors[PlanField.WHEN] += f". {LOG_IT_INSTEAD}"
    if errors:
        return errors
    assert reading is not None and reading.at is not None and kind and stage
    minimum = values[PlanField.MINIMUM] or None
    return PlanDraft(
        account_name=" ".join(values[PlanField.ACCOUNT].split()),
        kind=kind,
        stage=stage,
        scheduled_at=reading.at.astimezone(UTC).replace(second=0, microsecond=0),
        when_text=values[PlanField.WHEN],
        objective=values[PlanField.OBJECTIVE],
        minimum_commitment=minimum,
        review=coaching.review_objective(
            values[PlanField.OBJECTIVE], stage, minimum, values[PlanField.ACCOUNT]
        ),
        decision_maker=values[PlanField.DECISION_MAKER] or None,
    )


def too_long(limit: int, length: int) -> str:
    return f"Keep this under {limit} characters (it has {length})."


def account_key_problem(name: str) -> str | None:
    """Why the account's key would not fit its column: case folding can lengthen a name
    ("ß" becomes "ss"), so a name within the limit may still have too long a key."""
    key = account_key(name)
    if len(key) <= ACCOUNT_NAME_MAX:
        return None
    return (
        f"Keep this under {ACCOUNT_NAME_MAX} characters: written in lower case it has {len(key)}."
    )


@dataclass(frozen=True)
class SavedPlan:
    interaction: Interaction
    created: bool
    changed: bool


class PlanClash(Exception):
    """Another of the rep's interactions is with this account at this very moment (what it is,
    read while the session is open)."""

    def __init__(self, other: Interaction) -> None:
        super().__init__(other.id)
        self.kind = other.kind
        self.account_name = other.account.name
        self.scheduled_at = other.scheduled_at


class NotYourInteraction(LookupError):
    """The interaction does not exist in this workspace, or belongs to another rep."""


def find_own_interaction(
    session: Session, workspace: Workspace, rep_user_id: str, interaction_id: int, *, lock=False
) -> Interaction:
    statement = select(Interaction).where(
        Interaction.id == interaction_id,
        Interaction.team_id == workspace.team_id,
        Interaction.rep_user_id == rep_user_id,
    )
    interaction = session.scalar(statement.with_for_update() if lock else statement)
    if interaction is None:
        raise NotYourInteraction(interaction_id)
    return interaction


def _plan_columns(draft: PlanDraft) -> dict:
    return {
        "kind": draft.kind,
        "stage": draft.stage,
        "when_text": draft.when_text,
        "objective": draft.objective,
        "minimum_commitment": draft.minimum_commitment,
        "decision_maker": draft.decision_maker,
        "objective_strong": draft.review.strong,
        "objective_gaps": ",".join(
            result.criterion.value for result in draft.review.results if not result.passed
        ),
        # Planning a cancelled interaction again brings it back.
        "cancelled_at": None,
        "cancel_reason": None,
    }


def save_plan(
    session: Session,
    workspace: Workspace,
    rep_user_id: str,
    draft: PlanDraft,
    now: datetime,
    *,
    interaction_id: int | None = None,
    same_account_only: bool = False,
) -> SavedPlan:
    """Store the plan; the same account and time again updates it instead of adding another.

    With `interaction_id` (an edit, or an upcoming interaction chosen in the form), that very
    interaction is updated, whatever its account and time were: NotYourInteraction when it is
    not the rep's, PlanClash when another of theirs already has the new account and time. With
    `same_account_only` (the interaction was only offered, not chosen), a plan for another
    account is a plan for a new interaction.

    A resubmission of identical content changes nothing (and so sends nothing): that is
    what makes a double-clicked submit harmless.
    """
    account = find_or_create_account(session, workspace, draft.account_name)
    if interaction_id is not None and same_account_only:
        offered_account = session.scalar(
            select(Interaction.account_id).where(Interaction.id == interaction_id)
        )
        if offered_account != account.id:
            interaction_id = None
    if interaction_id is None:
        # Typed by hand for a meeting the calendar brought in: a plan for that meeting, at the
        # calendar's time (the calendar stays the truth).
        imported = calendar_meetings.open_meeting_near(
            session, workspace, rep_user_id, account.id, draft.scheduled_at, imported=True
        )
        if imported is not None:
            at = session.scalar(select(Interaction.scheduled_at).where(Interaction.id == imported))
            draft = replace(draft, scheduled_at=at or draft.scheduled_at)
            interaction_id = imported
    if interaction_id is not None:
        return _update_plan(session, workspace, rep_user_id, interaction_id, account, draft, now)
    plan_columns = _plan_columns(draft)
    new_id = insert_unless_exists(
        session,
        Interaction,
        {
            **workspace.columns,
            "rep_user_id": rep_user_id,
            "account_id": account.id,
            "scheduled_at": draft.scheduled_at,
            "origin": Origin.PRECALL,
            "planned_at": now,
            "revision": 1,
            **plan_columns,
        },
        ("team_id", "rep_user_id", "account_id", "scheduled_at"),
    )
    interaction = session.scalar(
        select(Interaction)
        .where(
            Interaction.team_id == workspace.team_id,
            Interaction.rep_user_id == rep_user_id,
            Interaction.account_id == account.id,
            Interaction.scheduled_at == draft.scheduled_at,
        )
        .with_for_update()
    )
    assert interaction is not None
    if new_id is not None:
        return SavedPlan(interaction, created=True, changed=True)
    return SavedPlan(interaction, created=False, changed=_apply(interaction, plan_columns, now))


def _apply(interaction: Interaction, columns: dict, now: datetime) -> bool:
    """Write `columns` into the interaction's plan; whether anything changed (a new revision)."""
    changed = any(getattr(interaction, name) != value for name, value in columns.items())
    if changed or interaction.planned_at is None:
        for name, value in columns.items():
            setattr(interaction, name, value)
        interaction.planned_at = interaction.planned_at or now
        interaction.revision += 1
        return True
    return False


def _update_plan(
    session: Session,
    workspace: Workspace,
    rep_user_id: str,
    interaction_id: int,
    account: Account,
    draft: PlanDraft,
    now: datetime,
) -> SavedPlan:
    interaction = find_own_interaction(session, workspace, rep_user_id, interaction_id, lock=True)
    columns = _plan_columns(draft)
    if (interaction.account_id, interaction.scheduled_at) != (account.id, draft.scheduled_at):
        other = session.scalar(
            select(Interaction).where(
                Interaction.team_id == workspace.team_id,
                Interaction.rep_user_id == rep_user_id,
                Interaction.account_id == account.id,
                Interaction.scheduled_at == draft.scheduled_at,
                Interaction.id != interaction.id,
            )
        )
        if other is not None:
            raise PlanClash(other)
        # An interaction with an outcome keeps the time it happened (see save_outcome).
        if interaction.outcome is None:
            columns["scheduled_at"] = draft.scheduled_at
        if interaction.account_id != account.id:
            columns["account_id"] = account.id
            calendar_meetings.follow_rename(session, workspace, interaction.id, account.id)
    changed = _apply(interaction, columns, now)
    if changed:
        session.flush()
        session.refresh(interaction, ["account"])
    return SavedPlan(interaction, created=False, changed=changed)


# What /precall offers as the account's upcoming interactions: from a little while ago (a
# meeting running now, a call that just ended) on, the first few.
UPCOMING_GRACE = timedelta(hours=2)
UPCOMING_LIMIT = 5


def upcoming_interactions(
    session: Session, workspace: Workspace, rep_user_id: str, account_name: str, now: datetime
) -> list[Interaction]:
    """The rep's open interactions with this account (its exact name, however spelled) from
    UPCOMING_GRACE ago on, soonest first: what a second /precall for it most likely means."""
    key = account_key(account_name)
    if not key:
        return []
    return list(
        session.scalars(
            select(Interaction)
            .options(selectinload(Interaction.outcome))
            .join(Account, Interaction.account_id == Account.id)
            .where(
                Interaction.team_id == workspace.team_id,
                Interaction.rep_user_id == rep_user_id,
                Account.team_id == workspace.team_id,
                Account.name_key == key,
                Interaction.scheduled_at >= now - UPCOMING_GRACE,
                ~select(Outcome.id).where(Outcome.interaction_id == Interaction.id).exists(),
            )
            .order_by(Interaction.scheduled_at)
            .limit(UPCOMING_LIMIT)
        )
    )


def is_someone_elses(
    session: Session, workspace: Workspace, rep_user_id: str, interaction_id: int
) -> bool:
    """Whether the interaction exists in the workspace as another rep's (else: it is gone)."""
    owner = session.scalar(
        select(Interaction.rep_user_id).where(
            Interaction.id == interaction_id, Interaction.team_id == workspace.team_id
        )
    )
    return owner is not None and owner != rep_user_id
