"""The pages of an install (Add to Slack, installed, failed) and the installer's welcome DM:
pure functions of what they show."""

from __future__ import annotations

from html import escape

from slack_sdk.models.blocks import Block, SectionBlock

APP_NAME = "Commitment Coach"
PRIVACY_PATH = "/slack/privacy"

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1d1c1d}h1{font-size:1.6rem}a.add{display:inline-block;"
    "background:#4a154b;color:#fff;padding:.7rem 1.2rem;border-radius:6px;text-decoration:none;"
    "font-weight:600}"
)

# Why an install failed, in the words of the person who tried (Bolt's reasons as keys).
FAILURES = {
    "access_denied": "The install was cancelled in Slack. Nothing was stored.",
    "invalid_browser": (
        "This install was started in another browser, or its cookie is gone. Nothing was "
        "stored. Start again from the install page, in this browser."
    ),
    "invalid_state": (
        "This install link has expired or was already used. Nothing was stored. Start again "
        "from the install page."
    ),
    "missing_code": "Slack did not send the install's code. Nothing was stored. Try again.",
    "invalid_code": (
        "Slack refused to complete the install (its code was invalid or expired). Nothing "
        "was stored. Try again."
    ),
    "storage_error": "The install could not be saved. Try again in a few minutes.",
}
FAILED_OTHERWISE = "The install did not complete ({reason}). Nothing was stored. Try again."


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f'</title><meta name="viewport" content="width=device-width"><style>{_STYLE}</style>'
        f"</head><body>{body}</body></html>"
    )


def install_page(authorize_url: str) -> str:
    """Add to Slack, what the app does, what it stores, and the privacy document."""
    return _page(
        f"Install {APP_NAME}",
        f"<h1>Add {APP_NAME} to Slack</h1>"
        "<p>Before every sales meeting, call, email or text, a rep plans a <em>commitment "
        "objective</em> (what the customer will agree to do, and when) with <code>/precall"
        "</code>, and afterwards records what the customer agreed to with <code>/postcall"
        "</code>. The coach reviews each objective, sends each rep one morning DM of what "
        "still lacks an outcome or a dated next step, and posts team summaries to the "
        "channels managers choose.</p>"
        f'<p><a class="add" href="{escape(authorize_url)}">Add to Slack</a></p>'
        "<h2>What it stores</h2><ul>"
        "<li>Each rep's plans and outcomes: accounts, times, objectives, next steps, notes.</li>"
        "<li>Each rep's Slack user id, name, time zone, role and nudge settings.</li>"
        "<li>The summaries managers set up, and which messages it sent.</li>"
        "<li>The workspace's bot token, to act in Slack. It never reads channels it is not "
        "asked to post in, and never posts in a channel unasked.</li></ul>"
        "<p>A rep can delete their data with <code>/coach delete my data</code>; uninstalling "
        "deletes the workspace's. Read the "
        f'<a href="{PRIVACY_PATH}">privacy document</a> for who sees what and for how long.</p>',
    )


def installed_page(workspace_name: str, *, org_wide: bool) -> str:
    """What to do next, once installed."""
    where = (
        "Your org's admins choose its workspaces in the org's admin dashboard (Integrations "
        "&gt; Installed apps); the app serves each one as it is added."
        if org_wide
        else "Invite it to the channel where a manager wants the team summary: "
        f"<code>/invite @{APP_NAME}</code>."
    )
    return _page(
        f"{APP_NAME} is installed",
        f"<h1>{APP_NAME} is installed in {escape(workspace_name)}</h1>"
        "<p>We sent you a direct message in Slack to start you off. Next:</p><ol>"
        "<li>Plan your next sales interaction: <code>/precall Acme Corp demo tomorrow 2pm"
        "</code>.</li><li>Afterwards, log what the customer agreed to: <code>/postcall"
        "</code>.</li>"
        f"<li>{where}</li></ol>"
        f'<p><a href="{PRIVACY_PATH}">What the app stores, and how to delete it</a></p>',
    )


def failed_page(reason: str) -> str:
    text = FAILURES.get(reason) or FAILED_OTHERWISE.format(reason=escape(reason[:64]))
    return _page(
        f"{APP_NAME} was not installed",
        f"<h1>{APP_NAME} was not installed</h1><p>{text}</p>"
        '<p><a href="/slack/install">Back to the install page</a></p>',
    )


def privacy_page(markdown: str) -> str:
    return _page(
        f"{APP_NAME}: privacy", f"<pre style='white-space:pre-wrap'>{escape(markdown)}</pre>"
    )


def welcome_message() -> tuple[str, list[Block]]:
    """The installer's first DM: how to start."""
    text = (
        f"Thanks for installing {APP_NAME}! Plan your next sales interaction with "
        "`/precall Acme Corp demo tomorrow 2pm`, and log what the customer agreed to with "
        "`/postcall` afterwards. `/coach help` lists everything else, and `/coach delete my "
        "data` deletes what the app keeps about you."
    )
    return text, [SectionBlock(text=text)]
