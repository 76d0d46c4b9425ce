"""Fuzzing signed payloads: one value of a real payload replaced by an odd one, sent as Slack
would, and the app's answer checked to be an answer (never a 500, no traceback in the log)."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from slack_bolt import BoltRequest

from app.sandbox import inbound
from app.slack.forms.metadata import PRIVATE_METADATA_MAX
from app.slack.payloads import has_slacks_shape
from app.web import UNREADABLE
from tests.support.coach import SIGNING_SECRET, Coach

# What the audit put where Slack puts something else: each a class of crash it found.
ODD_VALUES = [
    None,
    "",
    "U",
    "²",  # isdigit() but not a number
    "1" * 30,  # past any integer column
    "-1",
    "1.5",
    10**30,
    -1,
    True,
    [],
    ["U", "1"],
    {},
    {"id": ["x"]},
    "../../etc/passwd",  # as a zone
    "Mars/Olympus_Mons",
    "x" * (PRIVATE_METADATA_MAX + 1),
    "\x00",
]
FUZZ_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Where the app's own log may say that a listener failed in an unforeseen way.
UNFORESEEN = ("unhandled error", "Failed to run listener", "Failed to run a middleware")
JSON = {"Content-Type": "application/json"}


def paths(value, prefix=()) -> list[tuple]:
    """Every path to a value in a JSON-like document (the document itself excluded)."""
    found = []
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return found
    for key, child in items:
        found.append((*prefix, key))
        found.extend(paths(child, (*prefix, key)))
    return found


def replaced(document: dict, path: tuple, value) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def metadata_variants(payload: dict) -> list[dict]:
    """The payload with its view's private_metadata opened up, so its fields are fuzzed too."""
    view = payload.get("view")
    if not isinstance(view, dict) or not view.get("private_metadata"):
        return []
    return [json.loads(view["private_metadata"])]


def send(coach: Coach, body: str, caplog, headers: dict[str, str] | None = None) -> None:
    """Deliver `body` signed, unless the web app refuses it before Bolt; assert the answer."""
    headers = headers or {}
    try:
        parsed = BoltRequest(body=body, headers=dict(headers))
    except UNREADABLE:  # refused by the web app before Bolt (tests/test_web.py)
        return
    if not isinstance(parsed.body, dict) or not has_slacks_shape(parsed.body):  # refused there too
        return
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = coach.deliver(body, inbound.signed_headers(SIGNING_SECRET, body) | headers)
        coach.settle()
    assert response.status < 500, response
    unforeseen = [
        r.getMessage()
        for r in caplog.records
        if r.exc_info or any(sign in r.getMessage() for sign in UNFORESEEN)
    ]
    assert unforeseen == []


def odd_document(template: dict, data) -> dict:
    """`template` with one of its values (or of its view's metadata) replaced by an odd one."""
    assert has_slacks_shape(template), "the payload itself would be refused"
    odd = data.draw(st.sampled_from(ODD_VALUES), label="odd")
    metadata = metadata_variants(template)
    if metadata and data.draw(st.booleans(), label="in the metadata"):
        path = data.draw(st.sampled_from(paths(metadata[0])), label="metadata path")
        view = template["view"] | {"private_metadata": json.dumps(replaced(metadata[0], path, odd))}
        return template | {"view": view}
    path = data.draw(st.sampled_from(paths(template)), label="path")
    return replaced(template, path, odd)


def fuzz(coach: Coach, template: dict, data, caplog) -> None:
    """An interaction (`payload=<json>`) with one odd value."""
    send(coach, inbound.interaction_body(odd_document(template, data)), caplog)


def fuzz_event(coach: Coach, template: dict, data, caplog) -> None:
    """An Events API delivery (JSON) with one odd value, in its envelope or its event."""
    send(coach, json.dumps(odd_document(template, data)), caplog, JSON)


def as_form_value(value: Any) -> str | None:
    """What an odd value becomes in a form body, where every field is text (None: no field)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def fuzz_form(coach: Coach, fields: dict[str, str], names: Sequence[str], data, caplog) -> None:
    """A form body (a slash command) with one of the fields `names` odd, missing or added."""
    assert has_slacks_shape(fields), "the command itself would be refused"
    name = data.draw(st.sampled_from(names), label="field")
    odd = as_form_value(data.draw(st.sampled_from(ODD_VALUES), label="odd"))
    changed = {key: value for key, value in fields.items() if key != name}
    if odd is not None:
        changed[name] = odd
    send(coach, urlencode(changed), caplog)
