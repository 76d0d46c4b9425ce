"""Acting in the app's forms as a rep does: the values Slack submits, opening and choosing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.models import Interaction
from app.sandbox import inbound
from app.slack.forms.outcome import PostcallIds
from app.slack.forms.plan import PrecallIds
from app.slack.forms.review import ReviewIds
from tests.support.coach import Coach
from tests.support.workspace import REP_NY, REP_TOKYO

ZONES = {REP_NY: ZoneInfo("America/New_York"), REP_TOKYO: ZoneInfo("Asia/Tokyo")}

OBJECTIVE = "Dana (CFO) agrees to a 30-minute pricing review on Tuesday"


def plan_values(
    view: dict | None = None,
    *,
    account="Acme Corp",
    kind="meeting",
    when="tomorrow 2pm",
    stage="demo",
    objective=OBJECTIVE,
    minimum="Dana forwards the pricing sheet to procurement",
) -> dict:
    """What Slack submits for a plan typed into `view` (its inputs as that form keyed them;
    without a view, the inputs of a plan for a new interaction)."""
    key = plan_inputs_of(view) if view else ""
    return {
        PrecallIds.ACCOUNT_BLOCK: {PrecallIds.INPUT: inbound.plain_text_value(account)},
        PrecallIds.KIND_BLOCK + key: {PrecallIds.INPUT: inbound.radio_value(kind)},
        PrecallIds.WHEN_BLOCK + key: {PrecallIds.INPUT: inbound.plain_text_value(when)},
        PrecallIds.STAGE_BLOCK + key: {PrecallIds.INPUT: inbound.static_select_value(stage)},
        PrecallIds.OBJECTIVE_BLOCK + key: {PrecallIds.INPUT: inbound.plain_text_value(objective)},
        PrecallIds.MINIMUM_BLOCK + key: {PrecallIds.INPUT: inbound.plain_text_value(minimum)},
    }


def plan_inputs_of(view: dict) -> str:
    """The suffix of the plan form's input block ids: "" for a new plan, ".<id>" for an
    interaction's own plan."""
    block_id = next(
        b["block_id"]
        for b in view["blocks"]
        if b["block_id"].startswith(PrecallIds.OBJECTIVE_BLOCK)
    )
    return block_id[len(PrecallIds.OBJECTIVE_BLOCK) :]


def initial(view: dict, block_prefix: str) -> str | None:
    """The value an input of the form opens with (its text, or its chosen option's value)."""
    found = next(b for b in view["blocks"] if b.get("block_id", "").startswith(block_prefix))
    element = found["element"]
    if "initial_option" in element:
        return element["initial_option"]["value"]
    return element.get("initial_value")


def open_precall(coach: Coach, user_id: str, text: str = "") -> dict:
    """Type /precall and return the modal once the app has shown the rep's zone in it."""
    return coach.open_modal("/precall", text, user_id)


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def plan_interaction(
    coach: Coach, user_id: str = REP_NY, account="Acme Corp", when="today 9am"
) -> int:
    """A plan (by default for 9:00 this morning, an hour before the tests' now), via /precall,
    made as the rep's day began: a plan is made before its time (one gone by is refused)."""
    clock, now = coach.services.clock, coach.services.now()
    start_of_day = now.astimezone(ZONES[user_id]).replace(hour=0, minute=1, second=0)
    coach.set_now(min(now, start_of_day))
    try:
        view = open_precall(coach, user_id)
        response = coach.submit(
            view, plan_values(account=account, when=when, objective=OBJECTIVE), user_id
        )
        coach.settle()
    finally:
        coach.services.clock = clock
    assert response.body == "", response.body
    coach.settle()
    with coach.services.sessions() as session:
        latest = session.scalars(select(Interaction.id).order_by(Interaction.id.desc())).first()
    assert latest is not None, "the plan was not saved"
    return latest


def selected_key(view: dict) -> str:
    return block(view, PostcallIds.INTERACTION_BLOCK)["element"]["initial_option"]["value"]


def inputs_of(view: dict) -> str:
    """The key the form's input block ids carry (as in `postcall_result.<key>`)."""
    prefix = f"{PostcallIds.RESULT_BLOCK}."
    return next(b["block_id"] for b in view["blocks"] if b["block_id"].startswith(prefix))[
        len(prefix) :
    ]


def offered(view: dict) -> list[str]:
    """The values of the "Which interaction" options, in their order."""
    return [o["value"] for o in block(view, PostcallIds.INTERACTION_BLOCK)["element"]["options"]]


def choose(coach: Coach, view: dict, value: str, typed: dict | None = None) -> dict:
    """Choose another interaction in the form, `typed` in its inputs; the form Slack shows then."""
    if typed:
        coach.slack.set_view_state(view["id"], typed)
    chosen = inbound.block_action(
        PostcallIds.CHOOSE_INTERACTION,
        PostcallIds.INTERACTION_BLOCK,
        type="static_select",
        selected_option={"text": {"type": "plain_text", "text": value}, "value": value},
    )
    payload = inbound.block_actions_payload(
        user_id=REP_NY, team_id=coach.team_id, actions=[chosen], view=view, values=typed
    )
    updates = len(coach.slack.calls("views.update"))
    assert coach.post_signed(inbound.interaction_body(payload)).status == 200
    return coach.slack.wait_for("views.update", count=updates + 1)[-1].response["view"]


def outcome_values(
    view: dict,
    result: str,
    next_step: str | None = "Dana books the security review",
    when: str | None = "next Tuesday 3pm",
    notes: str | None = None,
    *,
    lost_reason: str | None = None,
    follow_through: str | None = None,
    **unplanned: str,
) -> dict:
    key = inputs_of(view)
    INPUT = PostcallIds.INPUT
    values = {
        f"{PostcallIds.RESULT_BLOCK}.{key}": {INPUT: inbound.radio_value(result)},
        f"{PostcallIds.NEXT_STEP_BLOCK}.{key}": {INPUT: inbound.plain_text_value(next_step)},
        f"{PostcallIds.NEXT_STEP_WHEN_BLOCK}.{key}": {
            PostcallIds.READ_NEXT_STEP_WHEN: inbound.plain_text_value(when)
        },
        f"{PostcallIds.NOTES_BLOCK}.{key}": {INPUT: inbound.plain_text_value(notes)},
    }
    for block_id, answer in (
        (PostcallIds.LOST_REASON_BLOCK, lost_reason),
        (PostcallIds.FOLLOW_THROUGH_BLOCK, follow_through),
    ):
        if answer:
            values[f"{block_id}.{key}"] = {INPUT: inbound.radio_value(answer)}
    if "account" in unplanned:
        values[f"{PostcallIds.ACCOUNT_BLOCK}.{key}"] = {
            INPUT: inbound.plain_text_value(unplanned["account"])
        }
        values[f"{PostcallIds.WHEN_BLOCK}.{key}"] = {
            INPUT: inbound.plain_text_value(unplanned.get("happened"))
        }
        values[f"{PostcallIds.KIND_BLOCK}.{key}"] = {INPUT: inbound.radio_value("call")}
    return values


def shown_review(coach: Coach, form: dict, answer: dict, user_id: str = REP_NY) -> dict:
    """The coach's review, once Slack has pushed the one the app answered `form` with."""
    assert answer["response_action"] == "push"
    assert coach.slack.apply_submission_response(user_id, form["id"], answer) is None
    review = coach.slack.top_view(user_id)
    assert review is not None and review["callback_id"] == ReviewIds.CALLBACK
    return review


def press_save_anyway(coach: Coach, review: dict, user_id: str = REP_NY) -> None:
    action = inbound.block_action(ReviewIds.SAVE_ANYWAY, ReviewIds.ACTIONS_BLOCK)
    assert coach.act_in_view(review, action, user_id).status == 200
    coach.settle()
