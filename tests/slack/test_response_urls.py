"""Which response_urls the app posts to."""

from __future__ import annotations

import pytest

from app.config import SLACK_API_DEFAULT
from app.slack.response_urls import is_slack_response_url

DOUBLE_API = "http://127.0.0.1:4001/api/"


@pytest.mark.parametrize(
    "url, api_url, allowed",
    [
        ("https://hooks.slack.com/actions/T1/2/abc", SLACK_API_DEFAULT, True),
        ("https://hooks.slack.com.example.com/actions", SLACK_API_DEFAULT, False),
        ("http://hooks.slack.com/actions/T1/2/abc", SLACK_API_DEFAULT, False),
        ("https://example.com/hooks/x", SLACK_API_DEFAULT, False),
        ("http://127.0.0.1:4001/hooks/x", SLACK_API_DEFAULT, False),
        ("http://127.0.0.1:4001/hooks/x", DOUBLE_API, True),
        ("http://127.0.0.1:4002/hooks/x", DOUBLE_API, False),
        ("http://127.0.0.1:4001/api/chat.postMessage", DOUBLE_API, False),
        ("https://hooks.slack.com/actions/T1/2/abc", DOUBLE_API, True),
        ("https://hooks.slack.com/ x", SLACK_API_DEFAULT, False),
        (["https://hooks.slack.com/a"], SLACK_API_DEFAULT, False),
        (None, SLACK_API_DEFAULT, False),
    ],
)
def test_only_slacks_hooks_or_the_doubles_own(url: object, api_url: str, allowed: bool) -> None:
    assert is_slack_response_url(url, api_url) is allowed
