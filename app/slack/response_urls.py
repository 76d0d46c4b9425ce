"""Which response_urls the app posts to: Slack's own, and a Web API double's (the sandbox and
the tests point SLACK_API_URL at one, which serves its hooks beside its API). A payload or a
form's metadata never widens this: a crafted response_url would make the server post
(a manager's summary list, say) to wherever it names."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.config import SLACK_API_DEFAULT

SLACK_HOOKS = "https://hooks.slack.com/"
# Where the app's Slack double serves response_urls, on the origin of its Web API.
DOUBLE_HOOKS_PATH = "/hooks/"


def is_slack_response_url(url: object, api_url: str) -> bool:
    """Whether `url` is a response_url of the Slack the app talks to through `api_url`."""
    if not isinstance(url, str) or any(char.isspace() for char in url):
        return False
    if url.startswith(SLACK_HOOKS):
        return True
    if api_url == SLACK_API_DEFAULT:
        return False
    api = urlsplit(api_url)
    return url.startswith(f"{api.scheme}://{api.netloc}{DOUBLE_HOOKS_PATH}")


def payload_response_urls(body: dict) -> list[object]:
    """Every response_url a payload carries (interactions; a form's response_url_enabled)."""
    found: list[object] = []
    if "response_url" in body:
        found.append(body["response_url"])
    urls = body.get("response_urls")
    if isinstance(urls, list):
        found += [item.get("response_url") for item in urls if isinstance(item, dict)]
    elif urls is not None:
        found.append(urls)
    return found
