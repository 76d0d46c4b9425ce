"""A small modal as an app would open it: a form with one text input and one section."""

from __future__ import annotations

MODAL = {
    "type": "modal",
    "callback_id": "precall",
    "private_metadata": '{"plan": 7}',
    "title": {"type": "plain_text", "text": "Plan the call"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "objective",
            "label": {"type": "plain_text", "text": "Commitment objective"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": "Be *specific*."}},
    ],
}
