"""The web layer itself: the health check, and what is refused before Bolt sees it."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from app.config import Settings
from app.sandbox.slack_double import SlackDouble
from app.web import MAX_BODY_BYTES, create_web_app


def web_client(slack: SlackDouble, database_url: str):
    settings = Settings(  # type: ignore[call-arg]  # pydantic-settings: _env_file
        slack_bot_token=slack.bot_token,
        slack_signing_secret="secret",
        slack_api_url=slack.api_url,
        database_url=database_url,
        _env_file=None,
    )
    return create_web_app(settings).test_client()


def test_healthz_is_503_while_the_database_is_unreachable(tmp_path) -> None:
    with SlackDouble() as slack:
        response = web_client(slack, f"sqlite:///{tmp_path}/no-such-dir/coach.db").get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "database unreachable"}


def test_unsigned_requests_are_refused(database_url: str) -> None:
    with SlackDouble() as slack:
        response = web_client(slack, database_url).post("/slack/events", data="command=/precall")
    assert response.status_code == 401


def test_starting_logs_no_warning_about_the_bot_token(
    database_url: str, monkeypatch, caplog
) -> None:
    """Bolt reads SLACK_BOT_TOKEN too; an admin must not read that their token goes unused."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    with SlackDouble() as slack, caplog.at_level(logging.WARNING):
        web_client(slack, database_url)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("slack_bolt")] == []


# ----- what is refused before Bolt sees it

SECRET = "secret"
SLASH_BODY = "command=%2Fprecall&text=Acme&user_id=U0REP&team_id=T0TEAM&trigger_id=1.2.3"


@pytest.fixture
def web(database_url: str, monkeypatch) -> Iterator[FlaskClient]:
    """The real web app; Bolt must not be reached by anything these tests send."""

    def bolt_reached(self, request):
        raise AssertionError("the request reached Bolt")

    with SlackDouble() as slack:
        client = web_client(slack, database_url)
        monkeypatch.setattr(App, "dispatch", bolt_reached)
        yield client


class WatchedBody(io.BytesIO):
    """A request body that records every read of it."""

    def __init__(self, body: bytes) -> None:
        super().__init__(body)
        self.reads: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(size)
        return super().read(size)


def signature(body: bytes | str, timestamp: str, secret: str = SECRET) -> str:
    text = body.decode("latin-1") if isinstance(body, bytes) else body
    return SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=text) or ""


def now() -> str:
    return str(int(time.time()))


def signed_headers(body: bytes | str, timestamp: str | None = None) -> dict[str, str]:
    """Slack's two headers for `body`, signed at `timestamp` (default: now)."""
    timestamp = timestamp or now()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature(body, timestamp)}


@pytest.mark.parametrize(
    "timestamp",
    ["abc", "", "1e30", "0x10", "1.5", "-5", f"-{now()}", f" {now()}", "9" * 5000],
    ids=[
        "letters",
        "empty",
        "exponent",
        "hex",
        "fraction",
        "negative",
        "minus-now",
        "space",
        "huge",
    ],
)
def test_a_malformed_timestamp_is_refused_before_the_body_is_read(web, timestamp: str) -> None:
    headers = {
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(SLASH_BODY, timestamp),
    }
    body = WatchedBody(SLASH_BODY.encode())
    response = web.post(
        "/slack/events",
        input_stream=body,
        headers=headers | {"Content-Length": str(len(SLASH_BODY))},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 401
    assert response.get_json() == {"error": "invalid request"}
    assert body.reads == []


@pytest.mark.parametrize(
    "signed",
    [
        lambda ts: "",
        lambda ts: "abc",
        lambda ts: signature(SLASH_BODY, ts).upper(),
        lambda ts: signature(SLASH_BODY, ts).replace("v0=", "v1="),
        lambda ts: signature(SLASH_BODY, ts)[:-1],
        lambda ts: signature(SLASH_BODY, ts) + "0",
        lambda ts: signature(SLASH_BODY, ts)[:-1] + "\u00e9",
        lambda ts: signature(SLASH_BODY, ts, secret="not-the-secret"),
    ],
    ids=["empty", "letters", "upper-case", "v1", "short", "long", "non-ascii", "wrong-secret"],
)
def test_a_malformed_or_wrong_signature_is_refused(web, signed) -> None:
    timestamp = now()
    headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signed(timestamp)}
    response = web.post("/slack/events", data=SLASH_BODY, headers=headers)
    assert response.status_code == 401


@pytest.mark.parametrize("missing", ["X-Slack-Request-Timestamp", "X-Slack-Signature"])
def test_a_missing_header_is_refused(web, missing: str) -> None:
    headers = signed_headers(SLASH_BODY)
    del headers[missing]
    assert web.post("/slack/events", data=SLASH_BODY, headers=headers).status_code == 401


def test_a_stale_signature_is_refused(web) -> None:
    headers = signed_headers(SLASH_BODY, str(int(time.time()) - 301))
    assert web.post("/slack/events", data=SLASH_BODY, headers=headers).status_code == 401


ODD_BODIES = {
    "not-form": (b"just some words", "text/plain"),
    "not-json": (b"{not json", "application/json"),
    "binary": (bytes(range(256)), "application/octet-stream"),
    "empty": (b"", "application/x-www-form-urlencoded"),
    "payload-not-json": (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    "large": (b"payload=" + b"x" * 500_000, "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("body, content_type", ODD_BODIES.values(), ids=ODD_BODIES.keys())
def test_an_odd_unsigned_body_is_refused(web, body: bytes, content_type: str) -> None:
    response = web.post("/slack/events", data=body, content_type=content_type)
    assert response.status_code == 401


def test_a_signed_body_that_is_not_text_is_refused(web) -> None:
    body = bytes(range(256))
    headers = signed_headers(body)
    response = web.post("/slack/events", data=body, headers=headers)
    assert response.status_code == 401


def test_a_body_over_a_megabyte_is_refused_unread(web, caplog) -> None:
    body = b"payload=" + b"x" * MAX_BODY_BYTES
    headers = signed_headers(body)

    with caplog.at_level(logging.DEBUG):
        response = web.post(
            "/slack/events",
            input_stream=(stream := WatchedBody(body)),
            headers=headers | {"Content-Length": str(len(body))},
        )
    assert response.status_code == 413
    assert stream.reads == []
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("app")]
    assert len(messages) == 1 and len(messages[0]) < 100 and "xxx" not in messages[0]


def test_a_body_of_unknown_length_is_cut_off_at_a_megabyte(web) -> None:
    body = b"payload=" + b"x" * MAX_BODY_BYTES
    headers = signed_headers(body)
    response = web.post(
        "/slack/events",
        input_stream=io.BytesIO(body),
        headers=headers,
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413


# ----- stray requests


def test_an_unknown_path_is_a_quiet_404(web, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = web.get("/wp-login.php")
        posted = web.post("/slack/events/extra", data="x")
    assert (response.status_code, posted.status_code) == (404, 404)
    assert response.get_json() == {"error": "Not Found"}
    assert [r for r in caplog.records if r.levelno > logging.INFO or r.exc_info] == []


def test_a_wrong_method_is_a_quiet_405(web, caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = web.get("/slack/events")
        put = web.put("/healthz")
    assert (response.status_code, put.status_code) == (405, 405)
    assert "POST" in response.headers["Allow"]
    assert [r for r in caplog.records if r.levelno > logging.INFO or r.exc_info] == []


# ----- signed bodies that are no Slack payload

MARKER = "SECRETMARKER"
NOT_PAYLOADS = {
    "payload-not-json": "payload=" + quote("{not json " + MARKER),
    "payload-a-list": "payload=" + quote(f'["{MARKER}"]'),
    "payload-a-string": "payload=" + quote(f'"{MARKER}"'),
    "payload-a-number": "payload=" + "1" * 40,
    "authorizations-a-string": "payload=" + quote(f'{{"authorizations": "{MARKER}"}}'),
    "actions-a-string": "payload="
    + quote(f'{{"type": "block_actions", "user": {{"id": "U1"}}, "actions": "{MARKER}"}}'),
    "user-a-string": "payload=" + quote(f'{{"type": "view_submission", "user": "{MARKER}"}}'),
    "json-broken": f'{{"token": "{MARKER}"',
    "nested-past-the-limit": "payload=" + quote("[" * 50_000 + "]" * 50_000),
}


@pytest.mark.parametrize("body", NOT_PAYLOADS.values(), ids=NOT_PAYLOADS.keys())
def test_a_signed_body_that_is_no_slack_payload_is_refused_in_one_short_line(
    web, caplog, body: str
) -> None:
    headers = signed_headers(body)
    with caplog.at_level(logging.DEBUG):
        response = web.post(
            "/slack/events",
            data=body,
            headers=headers,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 400
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("app")]
    assert messages == ["refused a signed request whose body is not a Slack payload"]
    assert all(record.exc_info is None for record in caplog.records)


def test_a_bad_signature_on_a_large_body_is_one_short_line(web, caplog) -> None:
    body = "payload=" + MARKER * 50_000
    headers = {"X-Slack-Request-Timestamp": now(), "X-Slack-Signature": "v0=" + "0" * 64}
    with caplog.at_level(logging.DEBUG):
        response = web.post("/slack/events", data=body, headers=headers)
    assert response.status_code == 401
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 1 and len(messages[0]) < 100 and MARKER not in messages[0]
