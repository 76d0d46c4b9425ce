"""Checks that what a payload names belongs to the person acting, before it is used."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Delivery
from app.slack.services import Requester
from app.slack.views.nudges import NudgeItemRef


def own_message_ref(requester: Requester, ref: NudgeItemRef | None) -> NudgeItemRef | None:
    """`ref` if it names a message the app sent this person in this workspace, else None.

    A form's private metadata and a button's container are the payload's word only: without
    this, a crafted submission could have the app rewrite another rep's DM.
    """
    if ref is None:
        return None
    workspace, user_id = requester.workspace, requester.user_id
    with requester.session() as session:
        sent_to_them = session.scalar(
            select(Delivery.id)
            .where(
                Delivery.team_id == workspace.team_id,
                Delivery.recipient == user_id,
                Delivery.channel == ref.channel,
                Delivery.message_ts == ref.ts,
            )
            .limit(1)
        )
    return ref if sent_to_them is not None else None
