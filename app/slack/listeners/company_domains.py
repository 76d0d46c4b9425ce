"""/coach domains: the admins' list of the company's own email domains (list, add, remove).

Calendar attendees from these domains are colleagues; everyone else makes an event a customer
meeting. Until an admin lists any, members' Slack emails teach them (app/domain/company_domains).
"""

from __future__ import annotations

from contextlib import suppress

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from app.domain import company_domains
from app.domain.summaries import Role
from app.slack.client import open_modal, update_modal
from app.slack.directory import ProfileUnavailable, refresh_profile, role_for
from app.slack.errors import FieldError, NotAllowed, handled
from app.slack.forms import company_domains as domains_form
from app.slack.forms.company_domains import DomainFormIds, domains_modal
from app.slack.forms.state import clicked_value, state_values
from app.slack.services import Requester
from app.slack.subcommands import Subcommands
from app.slack.views.company_domains import USAGE, DomainIds, domains_message
from app.slack.views.formatting import escape

CHANGES = {"add": company_domains.add_domain, "remove": company_domains.remove_domain}
NOT_A_DOMAIN = "Not a domain a company could own: type one like `acme.com`."
ADMINS_ONLY = (
    "Only workspace admins and owners can change the company's email domains. "
    "Your own calendar is `/coach calendar`."
)


def register(app: App, subcommands: Subcommands) -> None:
    subcommands.add(
        "domains",
        lambda asked: handle_domains_command(
            asked.ack, asked.fast_client, asked.requester, asked.words
        ),
    )
    app.action(DomainIds.REMOVE)(handled(handle_remove_action))
    app.action(DomainIds.OPEN)(handled(handle_open_action))
    app.view_submission(DomainFormIds.CALLBACK)(handled(handle_add_submission))


def _admin_only(fast_client: WebClient, requester: Requester) -> None:
    services, workspace, user_id = requester
    _, role = role_for(fast_client, services, workspace, user_id)
    if role is not Role.ADMIN:
        raise NotAllowed(ADMINS_ONLY)


def handle_domains_command(
    ack: Ack, fast_client: WebClient, requester: Requester, words: list[str]
) -> None:
    """`/coach domains [add|remove] [domain...]`, answered in the ack: small reads and writes."""
    services, workspace, user_id = requester
    _admin_only(fast_client, requester)
    action = words[0].lower() if words else ""
    change = CHANGES.get(action)
    if action not in ("", "list", *CHANGES) or (change is not None and not words[1:]):
        ack(text=USAGE, response_type="ephemeral")
        return
    named = [(word, company_domains.normalize_domain(word)) for word in words[1:]]
    wrong = [word for word, domain in named if domain is None]
    if wrong:
        # Nothing is changed when one of them is wrong: the admin fixes it and sends again.
        shown = ", ".join(f"`{escape(word[:100])}`" for word in wrong)
        ack(
            text=f"{shown}: not a domain a company could own (like `acme.com`). Nothing changed.",
            response_type="ephemeral",
        )
        return
    domains = [domain for _, domain in named if domain is not None]
    now = requester.now()
    if change is None:
        with requester.session() as session:
            known = company_domains.listed_domains(session, workspace)
        if not known:  # nothing learned yet: the admin's own Slack email is the first hint
            with suppress(ProfileUnavailable):  # then none yet; adding by hand still works
                refresh_profile(fast_client, services, workspace, user_id)
    with requester.session() as session:
        changed = [
            domain
            for domain in domains
            if change is not None and change(session, workspace, domain, user_id, now)
        ]
        listed = company_domains.listed_domains(session, workspace)
    text, blocks = domains_message(listed, _heading(action, domains, changed))
    ack(text=text, blocks=blocks, response_type="ephemeral")


def _heading(action: str, domains: list[str], changed: list[str]) -> str | None:
    if action not in ("add", "remove"):
        return None
    done = "Added" if action == "add" else "Removed"
    same = "already listed" if action == "add" else "not listed"
    parts = []
    if changed:
        parts.append(f"{done} " + ", ".join(f"`{d}`" for d in changed) + ".")
    unchanged = [d for d in domains if d not in changed]
    if unchanged:
        parts.append(", ".join(f"`{d}`" for d in unchanged) + f": {same}.")
    return " ".join(parts)


def handle_remove_action(
    ack: Ack,
    body: dict,
    client: WebClient,
    fast_client: WebClient,
    requester: Requester,
    respond: Respond,
) -> None:
    """Remove a domain from the list's button (admins only, checked again); a second click on
    the same button changes nothing."""
    _, workspace, user_id = requester
    _admin_only(fast_client, requester)
    value = clicked_value(body)
    domain = company_domains.normalize_domain(value)
    ack()
    with requester.session() as session:
        removed = domain is not None and company_domains.remove_domain(
            session, workspace, domain, user_id, requester.now()
        )
        listed = company_domains.listed_domains(session, workspace)
    heading = f"Removed `{domain}`." if removed else "That domain was already removed."
    view = body.get("view")
    if isinstance(view, dict) and view.get("id"):  # the Home's modal: shown again, changed
        update_modal(client, view, domains_modal(listed, heading), "the domains")
        return
    text, blocks = domains_message(listed, heading)
    respond(text=text, blocks=blocks, replace_original=True, response_type="ephemeral")


def handle_open_action(
    ack: Ack, body: dict, client: WebClient, fast_client: WebClient, requester: Requester
) -> None:
    """The admin's App Home: the domains in a modal, to remove from and add to."""
    _admin_only(fast_client, requester)
    with requester.session() as session:
        listed = company_domains.listed_domains(session, requester.workspace)
    ack()
    open_modal(client, body["trigger_id"], domains_modal(listed), "the domains button")


def handle_add_submission(
    ack: Ack, view: dict, fast_client: WebClient, requester: Requester
) -> None:
    """Add the typed domain (a wrong one is refused under the field); the list again."""
    _, workspace, user_id = requester
    _admin_only(fast_client, requester)
    typed = domains_form.read(state_values(view))
    domain = company_domains.normalize_domain(typed)
    if domain is None:
        raise FieldError(DomainFormIds.ADD_BLOCK, NOT_A_DOMAIN)
    with requester.session() as session:
        added = company_domains.add_domain(session, workspace, domain, user_id, requester.now())
        listed = company_domains.listed_domains(session, workspace)
    heading = f"Added `{domain}`." if added else f"`{domain}`: already listed."
    ack(response_action="update", view=domains_modal(listed, heading))
