"""What the rep agreed with an account last time, shown when planning the next interaction."""

from __future__ import annotations

from app.models import Interaction
from app.slack.views.formatting import DAY_TOKEN, escape, slack_date, truncate
from app.slack.views.labels import RESULT_LABELS


def history_line(interaction: Interaction, zone: str) -> str:
    """ "Last time" on the /precall modal (mrkdwn): the objective, the outcome, the agreed
    next step; the rep's text escaped, so a stored `<!channel>` or link shows as typed."""
    outcome = interaction.outcome
    assert outcome is not None
    parts = [f"*Last time* ({slack_date(interaction.scheduled_at, zone, '{date_short}')})"]
    if interaction.objective:
        parts.append(f"you aimed for “{escape(truncate(interaction.objective, 300))}”")
    parts.append(f"outcome: *{RESULT_LABELS[outcome.result][0]}*")
    if outcome.next_step:
        agreed = f"they agreed to “{escape(truncate(outcome.next_step, 300))}”"
        if outcome.next_step_at:
            agreed += f" by {slack_date(outcome.next_step_at, zone, DAY_TOKEN)}"
        parts.append(agreed)
    return " · ".join(parts)
