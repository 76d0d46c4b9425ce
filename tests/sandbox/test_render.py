"""The sandbox's Block Kit renderer: elements, mrkdwn, date tokens, escaping, the app's views."""

from __future__ import annotations

from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.coaching import review_objective
from app.domain.metrics import Metrics
from app.domain.nudge_settings import NudgeSettings
from app.domain.plans import PlanPrefill
from app.sandbox.render import render_blocks, render_message, render_view
from app.slack.forms import managers, outcome, plan, review, summary
from app.slack.forms import nudge_settings as settings_form
from app.slack.views import figures, notices

ZONE = "UTC"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# 2026-12-01 20:00 UTC: 3:00 PM that Tuesday in New York, 5:00 AM the Wednesday in Tokyo.
INSTANT = int(datetime(2026, 12, 1, 20, 0, tzinfo=UTC).timestamp())
DIRECTORY = {
    "users": [("U1", "Ann"), ("U2", "Bo")],
    "channels": [("C1", "sales")],
    "usergroups": [("S1", "sales-reps")],
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, dict(attrs)))


def tags(html: str, name: str) -> list[dict]:
    """The attributes of every `name` start tag in `html`."""
    parser = _Tags()
    parser.feed(html)
    return [attrs for tag, attrs in parser.found if tag == name]


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def option(value: str, label: str, **extra) -> dict:
    return {"text": plain(label), "value": value, **extra}


def render(*blocks: dict, **options) -> str:
    return render_blocks(
        list(blocks), viewer_zone=options.pop("zone", ZONE), now=NOW, directory=DIRECTORY, **options
    )


def text_of(markup: str, zone: str = ZONE, now: datetime = NOW) -> str:
    message = {"text": markup}
    html = render_message(message, viewer_zone=zone, now=now, directory=DIRECTORY)
    return html.removeprefix('<div class="sb-message"><div class="sb-text">').removesuffix(
        "</div></div>"
    )


def input_block(element: dict, block_id: str = "b1", **extra) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain("Label"),
        "element": {"action_id": "a1", **element},
        **extra,
    }


# ---------------------------------------------------------------- blocks


def test_header_is_plain_text() -> None:
    html = render({"type": "header", "block_id": "h", "text": plain("Plan *saved*")})
    assert html == '<div class="sb-block sb-header" data-block-id="h"><h3>Plan *saved*</h3></div>'


def test_section_text_fields_and_accessory() -> None:
    html = render(
        {
            "type": "section",
            "block_id": "s",
            "text": mrkdwn("*When*"),
            "fields": [mrkdwn("*Kind*\nDemo"), plain("Stage")],
            "accessory": {"type": "button", "action_id": "go", "text": plain("Open")},
        }
    )
    assert '<div class="sb-text"><strong>When</strong></div>' in html
    assert '<div class="sb-field"><strong>Kind</strong><br>Demo</div>' in html
    assert '<div class="sb-field">Stage</div>' in html
    (button,) = tags(html, "button")
    assert button["data-block-id"] == "s" and button["data-action-id"] == "go"


def test_context_with_text_and_image() -> None:
    html = render(
        {
            "type": "context",
            "elements": [
                mrkdwn("_note_"),
                plain("*as is*"),
                {"type": "image", "image_url": "https://x.test/a.png", "alt_text": "logo"},
            ],
        }
    )
    assert '<span class="sb-context-item"><em>note</em></span>' in html
    assert '<span class="sb-context-item">*as is*</span>' in html
    assert tags(html, "img") == [
        {"class": "sb-image", "src": "https://x.test/a.png", "alt": "logo"}
    ]


def test_image_with_an_unsafe_url_has_no_src() -> None:
    html = render({"type": "image", "image_url": "javascript:alert(1)", "alt_text": "x"})
    assert tags(html, "img") == [{"class": "sb-image", "alt": "x"}]


def test_divider() -> None:
    assert render({"type": "divider"}) == '<div class="sb-block sb-divider"><hr></div>'


def test_actions_buttons_with_style_value_and_confirm() -> None:
    html = render(
        {
            "type": "actions",
            "block_id": "acts",
            "elements": [
                {"type": "button", "action_id": "ok", "text": plain("Done"), "style": "primary"},
                {
                    "type": "button",
                    "action_id": "drop",
                    "text": plain("Drop"),
                    "style": "danger",
                    "value": "item-7",
                    "confirm": {
                        "title": plain("Drop it?"),
                        "text": mrkdwn("It goes &amp; *stays* gone"),
                        "confirm": plain("Drop"),
                        "deny": plain("Keep"),
                    },
                },
            ],
        }
    )
    done, drop = tags(html, "button")
    assert done["class"] == "sb-button sb-button-primary"
    assert done["data-dispatch-action"] == "true"
    assert drop["class"] == "sb-button sb-button-danger"
    assert drop["data-value"] == "item-7"
    assert drop["data-block-id"] == "acts" and drop["data-action-id"] == "drop"
    assert drop["data-confirm-title"] == "Drop it?"
    assert drop["data-confirm-text"] == "It goes & *stays* gone"
    assert (drop["data-confirm-confirm"], drop["data-confirm-deny"]) == ("Drop", "Keep")


def test_unknown_block_and_element_are_marked_not_dropped() -> None:
    html = render(
        {"type": "rich_text"},
        {"type": "actions", "elements": [{"type": "external_select", "action_id": "o"}]},
    )
    assert '<span class="sb-unsupported">[rich_text]</span>' in html
    assert '<span class="sb-unsupported">[external_select]</span>' in html


def test_an_overflow_menu_is_a_menu_whose_choice_is_sent_at_once() -> None:
    menu = {
        "type": "overflow",
        "action_id": "nudge_more",
        "options": [
            {"text": {"type": "plain_text", "text": "Mark lost…"}, "value": "7:no_outcome|x"}
        ],
    }
    html = render({"type": "actions", "block_id": "b", "elements": [menu]})
    assert 'data-type="overflow"' in html and 'data-dispatch-action="true"' in html
    assert '<option value="7:no_outcome|x">Mark lost…</option>' in html


# ---------------------------------------------------------------- inputs


def test_input_single_line_text() -> None:
    html = render(
        input_block(
            {
                "type": "plain_text_input",
                "initial_value": "Acme",
                "placeholder": plain("e.g. Acme Corp"),
                "max_length": 80,
                "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
            },
            dispatch_action=True,
            hint=plain("A hint"),
            optional=True,
        )
    )
    (field,) = tags(html, "input")
    assert field["type"] == "text" and field["value"] == "Acme"
    assert field["placeholder"] == "e.g. Acme Corp" and field["maxlength"] == "80"
    assert field["data-block-id"] == "b1" and field["data-action-id"] == "a1"
    assert field["data-dispatch-action"] == "true"
    assert field["data-trigger-actions-on"] == "on_enter_pressed"
    assert tags(html, "label")[0]["for"] == field["id"]
    assert '<span class="sb-optional">(optional)</span>' in html
    assert '<div class="sb-hint">A hint</div>' in html


def test_input_multiline_text() -> None:
    html = render(
        input_block({"type": "plain_text_input", "multiline": True, "initial_value": "a\n<b>"})
    )
    (area,) = tags(html, "textarea")
    assert "data-dispatch-action" not in area
    assert ">a\n&lt;b&gt;</textarea>" in html


def test_state_values_override_initial_values() -> None:
    state = {"b1": {"a1": {"type": "plain_text_input", "value": "typed"}}}
    html = render(input_block({"type": "plain_text_input", "initial_value": "x"}), state=state)
    assert tags(html, "input")[0]["value"] == "typed"


def test_static_select_options_and_initial_option() -> None:
    options = [option("a", "Alpha"), option("b", "Beta")]
    html = render(
        input_block(
            {
                "type": "static_select",
                "placeholder": plain("Choose a stage"),
                "options": options,
                "initial_option": options[1],
            }
        )
    )
    (select,) = tags(html, "select")
    assert select["data-action-id"] == "a1" and "multiple" not in select
    assert '<option value="">Choose a stage</option>' in html
    assert '<option value="a">Alpha</option><option value="b" selected>Beta</option>' in html


def test_static_select_option_groups_with_nothing_chosen() -> None:
    html = render(
        input_block(
            {
                "type": "static_select",
                "option_groups": [
                    {"label": plain("Early"), "options": [option("d", "Discovery")]},
                    {"label": plain("Late"), "options": [option("c", "Close")]},
                ],
            }
        )
    )
    assert '<option value="" selected>Choose an option</option>' in html
    assert '<optgroup label="Early"><option value="d">Discovery</option></optgroup>' in html
    assert '<optgroup label="Late"><option value="c">Close</option></optgroup>' in html


def test_radio_buttons_with_descriptions() -> None:
    options = [option("won", "Won", description=plain("They agreed")), option("lost", "Lost")]
    html = render(
        input_block({"type": "radio_buttons", "options": options, "initial_option": options[0]})
    )
    won, lost = tags(html, "input")
    assert won["type"] == "radio" and won["value"] == "won" and "checked" in won
    assert "checked" not in lost and lost["name"] == won["name"]
    assert won["data-block-id"] == "b1" and won["data-action-id"] == "a1"
    assert '<span class="sb-choice-description">They agreed</span>' in html


def test_checkboxes_with_initial_options() -> None:
    days = [option("0", "Monday"), option("1", "Tuesday"), option("2", "Wednesday")]
    html = render(input_block({"type": "checkboxes", "options": days, "initial_options": days[:2]}))
    boxes = tags(html, "input")
    assert [b["type"] for b in boxes] == ["checkbox"] * 3
    assert ["checked" in b for b in boxes] == [True, True, False]


def test_datepicker_and_timepicker() -> None:
    html = render(
        input_block({"type": "datepicker", "initial_date": "2026-12-01"}, block_id="d"),
        input_block({"type": "timepicker", "initial_time": "08:30"}, block_id="t"),
    )
    day, clock = tags(html, "input")
    assert (day["type"], day["value"], day["data-block-id"]) == ("date", "2026-12-01", "d")
    assert (clock["type"], clock["value"], clock["data-block-id"]) == ("time", "08:30", "t")


def test_users_selects_filled_from_the_directory() -> None:
    html = render(
        input_block({"type": "users_select", "initial_user": "U2"}, block_id="one"),
        input_block({"type": "multi_users_select", "initial_users": ["U1", "U9"]}, block_id="many"),
    )
    one, many = tags(html, "select")
    assert one["data-options-source"] == "users" and "multiple" not in one
    assert "multiple" in many
    assert '<option value="U2" selected>@Bo</option>' in html
    assert '<option value="U1" selected>@Ann</option>' in html
    # Unknown to the directory but chosen: still listed, so a submit keeps it.
    assert '<option value="U9" selected>@U9</option>' in html


def test_users_select_without_a_directory_is_left_for_the_page() -> None:
    html = render_blocks(
        [input_block({"type": "users_select", "placeholder": plain("Choose people")})],
        viewer_zone=ZONE,
    )
    (select,) = tags(html, "select")
    assert select["data-options-source"] == "users"
    assert html.count("<option") == 1
    assert '<option value="" selected>Choose people</option>' in html


def test_conversations_and_channels_selects() -> None:
    html = render(
        input_block(
            {
                "type": "conversations_select",
                "initial_conversation": "C1",
                "filter": {"include": ["public", "private"], "exclude_bot_users": True},
            },
            block_id="conv",
        ),
        input_block({"type": "channels_select"}, block_id="chan"),
    )
    conv, chan = tags(html, "select")
    assert conv["data-options-source"] == chan["data-options-source"] == "channels"
    assert conv["data-filter-include"] == "public private"
    assert conv["data-filter-exclude-bot-users"] == "true"
    assert '<option value="C1" selected>#sales</option>' in html
    assert '<option value="C1">#sales</option>' in html  # the channels_select, nothing chosen


# ---------------------------------------------------------------- views and messages


def test_view_has_title_blocks_and_buttons() -> None:
    view = {
        "type": "modal",
        "id": "V1",
        "callback_id": "cb",
        "title": plain("Plan <it>"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [{"type": "section", "text": plain("Hi")}],
    }
    html = render_view(view, viewer_zone=ZONE)
    (form,) = tags(html, "form")
    assert (form["data-view-id"], form["data-callback-id"]) == ("V1", "cb")
    assert '<h2 class="sb-modal-title">Plan &lt;it&gt;</h2>' in html
    close, submit = tags(html, "button")
    assert (close["data-view-action"], submit["data-view-action"]) == ("close", "submit")
    assert submit["type"] == "submit"


def test_view_without_submit_has_only_close() -> None:
    html = render_view(notices.failure_modal().to_dict(), viewer_zone=ZONE)
    assert [b["data-view-action"] for b in tags(html, "button")] == ["close"]
    assert ">Back</button>" in html


def test_view_errors_appear_under_their_input() -> None:
    view = {
        "type": "modal",
        "title": plain("Form"),
        "submit": plain("Save"),
        "blocks": [
            input_block({"type": "plain_text_input"}, block_id="first"),
            input_block({"type": "plain_text_input"}, block_id="second"),
        ],
    }
    html = render_view(view, viewer_zone=ZONE, errors={"second": "Say <when>"})
    first, second = html.split('data-block-id="second"', 1)
    assert "sb-error" not in first
    assert '<div class="sb-error" role="alert">Say &lt;when&gt;</div>' in second


def test_view_state_is_shown() -> None:
    view = {
        "type": "modal",
        "title": plain("Form"),
        "submit": plain("Save"),
        "blocks": [input_block({"type": "datepicker"})],
        "state": {"values": {"b1": {"a1": {"type": "datepicker", "selected_date": "2027-01-02"}}}},
    }
    assert tags(render_view(view, viewer_zone=ZONE), "input")[0]["value"] == "2027-01-02"


def test_home_view_has_no_modal_frame() -> None:
    html = render_view({"type": "home", "blocks": [{"type": "divider"}]}, viewer_zone=ZONE)
    assert html.startswith('<div class="sb-home" data-view-type="home">')
    assert "<form" not in html


def test_message_text_fallback_and_blocks() -> None:
    text_only = render_message({"text": "*hi*", "ts": "1.2"}, viewer_zone=ZONE)
    assert text_only == (
        '<div class="sb-message" data-ts="1.2"><div class="sb-text"><strong>hi</strong></div></div>'
    )
    with_blocks = render_message(
        {"text": "fallback", "blocks": [{"type": "divider"}]}, viewer_zone=ZONE
    )
    assert "fallback" not in with_blocks and "<hr>" in with_blocks


# ---------------------------------------------------------------- text


def test_user_text_is_escaped_everywhere() -> None:
    evil = "<script>alert(1)</script>"
    html = render(
        {"type": "header", "text": plain(evil)},
        {"type": "section", "text": mrkdwn(evil), "fields": [plain(evil)]},
        input_block(
            {"type": "plain_text_input", "initial_value": evil, "placeholder": plain(evil)}
        ),
    )
    html += render_message({"text": evil}, viewer_zone=ZONE)
    html += render_view(
        {"type": "modal", "title": plain(evil), "blocks": []}, viewer_zone=ZONE, errors={"x": evil}
    )
    assert "<script" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("*bold* _it_ ~gone~", "<strong>bold</strong> <em>it</em> <del>gone</del>"),
        ("snake_case_name and 2*3*4", "snake_case_name and 2*3*4"),
        ("`*not bold*`", '<code class="sb-code">*not bold*</code>'),
        ("```a\n  b```", '<pre class="sb-pre">a\n  b</pre>'),
        ("one\ntwo", "one<br>two"),
        (
            "&gt; quoted\n&gt; more\nafter",
            '<blockquote class="sb-quote">quoted<br>more</blockquote>after',
        ),
        ("> raw quote", '<blockquote class="sb-quote">raw quote</blockquote>'),
        ("Tom &amp; Jerry &lt;3 &gt;", "Tom &amp; Jerry &lt;3 &gt;"),
        ("`a &lt; b`", '<code class="sb-code">a &lt; b</code>'),
        (
            "<https://x.test/?a=1&amp;b=2|the *deck*>",
            '<a href="https://x.test/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">'
            "the *deck*</a>",
        ),
        (
            "*<https://x.test>*",
            '<strong><a href="https://x.test" target="_blank" rel="noopener noreferrer">'
            "https://x.test</a></strong>",
        ),
        ("<javascript:alert(1)|click>", "click"),
        ("<@U1> <@U7>", '<span class="sb-mention">@Ann</span> <span class="sb-mention">@U7</span>'),
        (
            "<#C1> <#C9|random>",
            '<span class="sb-mention">#sales</span> <span class="sb-mention">#random</span>',
        ),
        ("<!here>", '<span class="sb-mention">@here</span>'),
        (
            "<!subteam^S1> <!subteam^S9|@gone>",
            '<span class="sb-mention">@sales-reps</span> <span class="sb-mention">@gone</span>',
        ),
    ],
)
def test_mrkdwn_subset(markup: str, expected: str) -> None:
    assert text_of(markup) == expected


def test_plain_text_message_when_mrkdwn_is_off() -> None:
    html = render_message({"text": "*a* &amp;", "mrkdwn": False}, viewer_zone=ZONE)
    assert '<div class="sb-text">*a* &amp;amp;</div>' in html


# ---------------------------------------------------------------- dates


def date_token(template: str, fallback: str = "Tue 1 Dec 2026") -> str:
    return f"<!date^{INSTANT}^{template}|{fallback}>"


def shown(html: str) -> str:
    return html.split(">", 1)[1].removesuffix("</span>")


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("America/New_York", "today at 3:00 PM"), ("Asia/Tokyo", "tomorrow at 5:00 AM")],
)
def test_the_same_instant_reads_in_each_viewers_zone(zone: str, expected: str) -> None:
    html = text_of(date_token("{date_short_pretty} at {time}"), zone=zone)
    assert shown(html) == expected
    assert f'data-ts="{INSTANT}"' in html


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("America/New_York", "Tuesday 1 December 2026, 3:00 PM EST"),
        ("Asia/Tokyo", "Wednesday 2 December 2026, 5:00 AM JST"),
    ],
)
def test_hovering_a_date_shows_it_whole_in_the_viewers_zone(zone: str, expected: str) -> None:
    assert f'title="{expected}"' in text_of(date_token("{date_short}"), zone=zone)


@pytest.mark.parametrize(
    ("template", "new_york", "tokyo"),
    [
        ("{date_short}", "Dec 1", "Dec 2"),
        ("{date}", "December 1st", "December 2nd"),
        ("{date_long}", "Tuesday, December 1st", "Wednesday, December 2nd"),
        ("{date_num}", "2026-12-01", "2026-12-02"),
        ("{time_secs}", "3:00:00 PM", "5:00:00 AM"),
    ],
)
def test_date_tokens(template: str, new_york: str, tokyo: str) -> None:
    assert shown(text_of(date_token(template), zone="America/New_York")) == new_york
    assert shown(text_of(date_token(template), zone="Asia/Tokyo")) == tokyo


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 1, 23, tzinfo=UTC), "today"),
        (datetime(2026, 11, 30, 12, tzinfo=UTC), "tomorrow"),
        (datetime(2026, 12, 2, 12, tzinfo=UTC), "yesterday"),
        (datetime(2026, 11, 20, 12, tzinfo=UTC), "Dec 1st"),
        (datetime(2025, 11, 20, 12, tzinfo=UTC), "Dec 1st, 2026"),
    ],
)
def test_date_short_pretty_relative_to_now(now: datetime, expected: str) -> None:
    assert shown(text_of(date_token("{date_short_pretty}"), now=now)) == expected


def test_unknown_date_token_shows_the_fallback() -> None:
    assert text_of(date_token("{ago}", "Tue 1 Dec &lt;b&gt;")) == "Tue 1 Dec &lt;b&gt;"


# ---------------------------------------------------------------- the app's own views


def _app_views() -> list[dict]:
    objective = "Dana (CFO) agrees to a <pricing> review on Tuesday & signs"
    plan_review = review_objective(objective, None)
    return [
        view.to_dict()
        for view in (
            plan.precall_modal(
                PlanPrefill(account="Acme <b>"),
                plan.PrecallMetadata(zone="UTC"),
                zone_text="UTC",
                history="Last time: *won*",
            ),
            outcome.loading_modal(),
            outcome.postcall_modal([], None, outcome.PostcallMetadata(zone="UTC")),
            review.review_modal(objective, plan_review, review.ReviewMetadata(zone="UTC")),
            notices.failure_modal(),
            settings_form.settings_modal(NudgeSettings(), "UTC", date(2026, 12, 1)),
            summary.summary_modal(
                None, summary.SummaryMetadata(zone="UTC"), NOW, usergroups=[("S1", "ae")]
            ),
            managers.managers_modal(["U1"]),
            notices.notice_modal("Handled", "Someone else did it."),
        )
    ]


def _app_messages() -> list[dict]:
    messages = [
        figures.figures_message(Metrics(), Metrics(), 30),
        figures.figures_message(Metrics(interactions=4, outcomes=2, won=1), Metrics(), 30),
    ]
    return [
        {"text": text, "blocks": [block.to_dict() for block in blocks]} for text, blocks in messages
    ]


@pytest.mark.parametrize("view", _app_views(), ids=lambda v: v["title"]["text"])
def test_every_app_view_renders(view: dict) -> None:
    html = render_view(view, viewer_zone="Asia/Tokyo", now=NOW, directory=DIRECTORY)
    assert html.startswith('<form class="sb-modal"') and "sb-unsupported" not in html
    assert "<b>" not in html
    for control in tags(html, "input") + tags(html, "select") + tags(html, "textarea"):
        assert control["data-block-id"] and control["data-action-id"]


@pytest.mark.parametrize("message", _app_messages(), ids=lambda m: str(len(m["blocks"])))
def test_every_app_message_renders(message: dict) -> None:
    html = render_message(message, viewer_zone="America/New_York", now=NOW)
    assert "sb-unsupported" not in html and "sb-header" in html


# ---------------------------------------------------------------- any text at all


# Mrkdwn's own markers, mixed with arbitrary text, so the edge cases are actually reached.
FRAGMENTS = ["<script>", "<", ">", "*", "_", "~", "`", "```", "&amp;", "&lt;", "|", "\n", "> "]
SLACKISH_TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4))).map("".join)


@given(SLACKISH_TEXT)
def test_any_section_text_renders_escaped(text: str) -> None:
    html = render_blocks(
        [{"type": "section", "text": mrkdwn(text), "fields": [plain(text)]}],
        viewer_zone=ZONE,
        now=NOW,
    )
    assert "<script" not in html.lower()
    # The renderer's own placeholders never leak, whatever the text holds.
    assert "\x00" not in render_message({"text": text}, viewer_zone=ZONE, now=NOW)


@pytest.mark.parametrize("text", ["`<script>`````````", "<`code`>", "`a ```b``` c`"])
def test_code_and_links_around_other_code_leave_no_placeholder(text: str) -> None:
    """A code span or <...> that would wrap an already-rendered piece stops short of it."""
    assert "\x00" not in render_message({"text": text}, viewer_zone=ZONE, now=NOW)
