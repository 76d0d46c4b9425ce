"""The `coach` command: run the web app, Socket Mode, migrations, the scheduler and its sweeps."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

import click
from slack_sdk.errors import SlackApiError

from app import migrate
from app.config import CREDENTIAL_SOURCES, Settings, get_settings
from app.domain.calendar import CalendarSetup

logger = logging.getLogger(__name__)


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def require_credentials(settings: Settings, *names: str) -> None:
    """Stop with a message naming each missing variable and where to find it; no traceback."""
    missing = settings.missing(*names)
    if not missing:
        return
    lines = ["The Slack credentials are not set. Put them in the environment or in a .env file:"]
    lines += [f"  {name}: {CREDENTIAL_SOURCES[name]}" for name in missing]
    lines.append("See the README, section 'Create the Slack app'.")
    raise click.ClickException("\n".join(lines))


def require_slack(settings: Settings, *also: str) -> None:
    """OAuth installs (client id and secret), or one workspace's bot token."""
    if settings.oauth_enabled:
        require_credentials(settings, *also)
    else:
        require_credentials(settings, "SLACK_BOT_TOKEN", *also)


def check_bot_token(settings: Settings) -> None:
    """Fail early and clearly when Slack refuses the bot token, before workers start (in OAuth
    mode each installation's token is checked on its own requests)."""
    from app.slack.client import make_slack_client

    if settings.oauth_enabled:
        return
    try:
        make_slack_client(settings).auth_test()
    except SlackApiError as error:
        raise click.ClickException(
            f"Slack refused SLACK_BOT_TOKEN ({error.response.get('error')}). "
            f"Copy it again from {CREDENTIAL_SOURCES['SLACK_BOT_TOKEN']}."
        ) from None
    except OSError as error:
        raise click.ClickException(
            f"Could not reach Slack at {settings.slack_api_url}: {error}"
        ) from None


@click.group()
def main() -> None:
    """Commitment coach for Slack."""
    _configure_logging(get_settings())


@main.command()
def migrate_command() -> None:
    """Bring the database schema up to date (alembic upgrade head)."""
    settings = get_settings()
    try:
        migrate.upgrade(settings.sqlalchemy_url)
    except Exception as error:  # shown to an admin at deploy time, not a traceback
        raise click.ClickException(f"Migration failed on DATABASE_URL: {error}") from None
    click.echo("Database schema is up to date.")


main.add_command(migrate_command, name="migrate")


@main.command()
@click.option("--port", type=int, default=None, help="HTTP port (default: PORT or 3000).")
@click.option("--workers", type=int, default=None, help="Processes (default: WEB_CONCURRENCY).")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
def serve(port: int | None, workers: int | None, host: str) -> None:
    """Serve Slack's Request URL (/slack/events) and /healthz with gunicorn."""
    from app.server import serve_with_gunicorn

    settings = get_settings()
    require_slack(settings, "SLACK_SIGNING_SECRET")
    check_bot_token(settings)
    serve_with_gunicorn(
        settings,
        port=port or settings.port,
        workers=workers or settings.web_concurrency,
        host=host,
    )


@main.command()
@click.option("--port", type=int, default=None, help="HTTP port (default: PORT or 3000).")
@click.pass_context
def run(ctx: click.Context, port: int | None) -> None:
    """Serve Slack when its credentials are set; without any, the local sandbox workspace."""
    settings = get_settings()
    slack_credentials = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    if len(settings.missing(*slack_credentials)) < len(slack_credentials):
        ctx.invoke(serve, port=port)  # half-configured Slack is named as such, not sandboxed
        return
    click.echo("No Slack credentials are set: starting the local sandbox workspace instead.")
    click.echo("To run against Slack, see the README, section 'Create the Slack app'.")
    ctx.invoke(sandbox, port=port)


@main.command()
@click.option("--port", type=int, default=None, help="HTTP port (default: PORT or 3000).")
def sandbox(port: int | None) -> None:
    """A local Slack-like workspace in the browser, with the app running for real behind it."""
    from app.sandbox.runner import SandboxError, run_sandbox

    settings = get_settings()
    try:
        migrate.upgrade(settings.sqlalchemy_url)
    except Exception as error:  # shown to the person starting it, not a traceback
        raise click.ClickException(f"Migration failed on DATABASE_URL: {error}") from None
    try:
        run_sandbox(settings, port or settings.port)
    except (OSError, SandboxError) as error:
        raise click.ClickException(f"Could not start the sandbox: {error}") from None


@main.command()
def socket() -> None:
    """Run over Socket Mode, for development without a public URL."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from app.db import make_engine, make_session_factory
    from app.domain import dates
    from app.slack.bolt import build_app
    from app.slack.client import make_slack_client
    from app.slack.services import Services

    settings = get_settings()
    require_credentials(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    check_bot_token(settings)
    from app import clock

    clock.shift(settings.clock_offset_seconds)
    services = Services(
        sessions=make_session_factory(make_engine(settings.sqlalchemy_url)),
        calendars=CalendarSetup.from_settings(settings),
    )
    # Socket Mode requests arrive over an authenticated websocket, not signed HTTP.
    bolt = build_app(settings.slack_signing_secret, make_slack_client(settings), services)
    dates.warm_up()
    click.echo("Connected over Socket Mode. Press Ctrl+C to stop.")
    SocketModeHandler(bolt, settings.slack_app_token).start()


def parse_now(text: str | None) -> datetime | None:
    """An ISO 8601 instant for --now; one without an offset is read as UTC."""
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 time, e.g. 2026-11-26T14:00:00Z", param_hint="--now"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@main.command("nudges")
@click.option(
    "--now", "now_text", default=None, help="Sweep as if the clock read this ISO 8601 time."
)
def nudges_command(now_text: str | None) -> None:
    """Run one nudge sweep (each rep due gets their morning DM, once) and print what was sent."""
    from app.slack.passes.nudges import run_nudge_sweep

    run_once(run_nudge_sweep, now_text)


def run_once(run, now_text: str | None, per_second: float | None = None) -> None:
    """One sweep or pass of the scheduler, as if the clock read `now_text`; print its report."""
    from app import scheduler
    from app.slack.delivery import Pacers

    settings = get_settings()
    require_slack(settings)
    services = scheduler.services_for(settings)
    report = run(
        services,
        scheduler.slack_clients(settings, services),
        parse_now(now_text),
        rules=scheduler.nudge_rules(settings),
        pacer=Pacers(settings.nudge_sends_per_second if per_second is None else per_second),
        budget_seconds=scheduler.sweep_budget(settings),
    )
    for line in report.lines():
        click.echo(line)


@main.command("summaries")
@click.option(
    "--now", "now_text", default=None, help="Run as if the clock read this ISO 8601 time."
)
def summaries_command(now_text: str | None) -> None:
    """Run one summary pass (each summary due is posted, once) and print what was sent."""
    from app.slack.passes.summaries import run_summary_pass

    run_once(run_summary_pass, now_text)


@main.command("calendars")
@click.option(
    "--now", "now_text", default=None, help="Run as if the clock read this ISO 8601 time."
)
def calendars_command(now_text: str | None) -> None:
    """Run one calendar pass (read the connected feeds, update their meetings, send the prompts
    due) and print what it did."""
    from app import scheduler

    settings = get_settings()
    run_once(scheduler.calendars_pass(settings), now_text, scheduler.prompt_pace(settings))


@main.command("export")
@click.option("--team", "team_id", required=True, help="The Slack workspace (team) id.")
@click.option("--since", default=None, help="The first day, YYYY-MM-DD (UTC); default 90 days ago.")
@click.option("--until", default=None, help="The last day, YYYY-MM-DD (UTC); default today.")
@click.option("--rep", "rep_user_id", default=None, help="One rep's Slack user id only.")
def export_command(
    team_id: str, since: str | None, until: str | None, rep_user_id: str | None
) -> None:
    """Print the CSV of the workspace's interactions (one row each) on standard output."""
    from app import scheduler
    from app.db import session_scope
    from app.domain import export
    from app.domain.workspace import Workspace
    from app.models import utcnow

    now = utcnow()
    words = [since or export.default_range(now, "UTC").first.isoformat()]
    if until:
        words.append(until)
    period = export.read_range(words, now, "UTC")
    if isinstance(period, str):
        raise click.BadParameter(period, param_hint="--since/--until")
    services = scheduler.services_for(get_settings())
    with session_scope(services.sessions) as session:
        rows = export.export_rows(
            session, Workspace(team_id), [rep_user_id] if rep_user_id else None, period, now
        )
        count = export.write_csv(rows, sys.stdout)
    click.echo(f"{count} interactions exported", err=True)


@main.command()
def worker() -> None:
    """The scheduler: nudges, summaries and calendars every NUDGE_SWEEP_MINUTES (run one)."""
    from app.scheduler import run_worker

    settings = get_settings()
    require_slack(settings)
    check_bot_token(settings)
    run_worker(settings)


if __name__ == "__main__":
    sys.exit(main())
