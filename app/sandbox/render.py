"""Block Kit JSON (views and message blocks, as the app sends them) rendered to escaped HTML."""

# CSS classes (styled in static/sandbox.css): sb-modal, sb-modal-header/-title/-body/-footer,
# sb-home, sb-message, sb-block + sb-<block type>, sb-text, sb-section-body, sb-fields, sb-field,
# sb-accessory, sb-context-item, sb-image, sb-label, sb-optional, sb-hint, sb-error, sb-control,
# sb-choices, sb-choice, sb-choice-description, sb-button (+ sb-button-primary/-danger),
# sb-mention, sb-date, sb-quote, sb-code, sb-pre, sb-unsupported.

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# {"users": [(id, name)], "channels": [(id, name)], "usergroups": [(id, handle)]}
Directory = dict[str, list[tuple[str, str]]]

_SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# Placeholders stand in for already-rendered HTML while the rest of a text is escaped;
# NUL cannot survive in Slack text, and is stripped from input so it cannot be forged.
_HOLE = "\x00{}\x00"
_HOLE_RE = re.compile(r"\x00(\d+)\x00")
_PRE_RE = re.compile(r"```(.+?)```", re.DOTALL)
# Neither spans a placeholder: holes are filled in one pass, so one inside another would leak.
_CODE_RE = re.compile(r"`([^`\n\x00]+)`")
_ENTITY_RE = re.compile(r"<([^<>\n\x00]+)>")
_DATE_RE = re.compile(r"^!date\^(\d+)\^([^^|]*)(?:\^([^|]*))?(?:\|(.*))?$", re.DOTALL)
_DATE_TOKEN_RE = re.compile(r"\{(\w+)\}")
# Slack formats only when the marker hugs non-space text and is not inside a word.
_STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]*?\S)~(?![\w~])"), "del"),
)
_QUOTE_PREFIX = "&gt;"


@dataclass(frozen=True)
class _Context:
    zone: ZoneInfo
    now: datetime
    users: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)
    usergroups: dict[str, str] = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _context(
    viewer_zone: str,
    now: datetime | None,
    directory: Directory | None,
    state: dict | None = None,
    errors: dict[str, str] | None = None,
) -> _Context:
    zone = ZoneInfo(viewer_zone)
    directory = directory or {}
    return _Context(
        zone=zone,
        now=(now or datetime.now(zone)).astimezone(zone),
        users=dict(directory.get("users", [])),
        channels=dict(directory.get("channels", [])),
        usergroups=dict(directory.get("usergroups", [])),
        state=state or {},
        errors=errors or {},
    )


# ---------------------------------------------------------------- public API


def render_blocks(
    blocks: list[dict],
    *,
    viewer_zone: str,
    state: dict | None = None,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """`blocks` as HTML; `state` (view.state.values) overrides the elements' initial values."""
    return _blocks(blocks, _context(viewer_zone, now, directory, state))


def render_view(
    view: dict,
    *,
    viewer_zone: str,
    errors: dict[str, str] | None = None,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """A modal (title, blocks, `errors` under their input blocks, close/submit) or a home tab."""
    state = (view.get("state") or {}).get("values")
    ctx = _context(viewer_zone, now, directory, state, errors)
    body = _blocks(view.get("blocks") or [], ctx)
    attrs = _attrs(
        data_view_id=view.get("id"),
        data_callback_id=view.get("callback_id"),
        data_view_type=view.get("type"),
    )
    if view.get("type") != "modal":
        return f'<div class="sb-home"{attrs}>{body}</div>'
    # An error Slack could not place under an input would otherwise vanish: show it on top.
    placed = {b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"}
    stray = "".join(_error(message) for bid, message in ctx.errors.items() if bid not in placed)
    submit = view.get("submit")
    footer = _button_html(view.get("close"), "Cancel", "close", "sb-button")
    if submit:
        footer += _button_html(submit, "Submit", "submit", "sb-button sb-button-primary")
    return (
        f'<form class="sb-modal"{attrs}>'
        f'<header class="sb-modal-header"><h2 class="sb-modal-title">'
        f"{_esc(_plain(view.get('title')))}</h2></header>"
        f'<div class="sb-modal-body">{stray}{body}</div>'
        f'<footer class="sb-modal-footer">{footer}</footer></form>'
    )


def render_message(
    message: dict,
    *,
    viewer_zone: str,
    directory: Directory | None = None,
    now: datetime | None = None,
) -> str:
    """A message's blocks, or its text (mrkdwn unless `mrkdwn` is false) when it has none."""
    ctx = _context(viewer_zone, now, directory)
    if message.get("blocks"):
        body = _blocks(message["blocks"], ctx)
    elif message.get("mrkdwn", True):
        body = f'<div class="sb-text">{_mrkdwn(message.get("text") or "", ctx)}</div>'
    else:
        body = f'<div class="sb-text">{_plain_html(message.get("text") or "")}</div>'
    for shared in message.get("files") or []:  # a file shared with it: its name, as Slack shows
        body += (
            f'<div class="sb-file">{_plain_html(shared.get("title") or shared.get("name"))}</div>'
        )
    attrs = _attrs(
        data_ts=message.get("ts"),
        data_thread_ts=message.get("thread_ts"),
        data_user=message.get("user"),
    )
    return f'<div class="sb-message"{attrs}>{body}</div>'


# ---------------------------------------------------------------- blocks


def _blocks(blocks: list[dict], ctx: _Context) -> str:
    return "".join(_block(block, ctx) for block in blocks)


def _block(block: dict, ctx: _Context) -> str:
    kind = block.get("type", "")
    renderer = _BLOCKS.get(kind)
    inner = renderer(block, ctx) if renderer else _unsupported(kind)
    attrs = _attrs(data_block_id=block.get("block_id"))
    return f'<div class="sb-block sb-{_css_name(kind)}"{attrs}>{inner}</div>'


def _header(block: dict, ctx: _Context) -> str:
    return f"<h3>{_text(block.get('text'), ctx)}</h3>"


def _section(block: dict, ctx: _Context) -> str:
    parts = []
    if block.get("text"):
        parts.append(f'<div class="sb-text">{_text(block["text"], ctx)}</div>')
    if block.get("fields"):
        fields = "".join(f'<div class="sb-field">{_text(f, ctx)}</div>' for f in block["fields"])
        parts.append(f'<div class="sb-fields">{fields}</div>')
    body = f'<div class="sb-section-body">{"".join(parts)}</div>'
    accessory = block.get("accessory")
    if accessory:
        rendered = _element(accessory, block.get("block_id", ""), ctx, dispatch=True)
        body += f'<div class="sb-accessory">{rendered}</div>'
    return body


def _context_block(block: dict, ctx: _Context) -> str:
    items = []
    for element in block.get("elements", []):
        if element.get("type") == "image":
            items.append(_image(element))
        else:
            items.append(f'<span class="sb-context-item">{_text(element, ctx)}</span>')
    return "".join(items)


def _divider(block: dict, ctx: _Context) -> str:
    return "<hr>"


def _image_block(block: dict, ctx: _Context) -> str:
    title = f'<div class="sb-text">{_text(block["title"], ctx)}</div>' if "title" in block else ""
    return title + _image(block)


def _actions(block: dict, ctx: _Context) -> str:
    bid = block.get("block_id", "")
    return "".join(_element(e, bid, ctx, dispatch=True) for e in block.get("elements", []))


def _input(block: dict, ctx: _Context) -> str:
    bid = block.get("block_id", "")
    element = block.get("element") or {}
    optional = ' <span class="sb-optional">(optional)</span>' if block.get("optional") else ""
    label_for = _attrs(for_=_control_id(bid, element.get("action_id", "")))
    html_ = (
        f'<label class="sb-label"{label_for}>{_text(block.get("label"), ctx)}{optional}</label>'
        + _element(element, bid, ctx, dispatch=bool(block.get("dispatch_action")))
    )
    if block.get("hint"):
        html_ += f'<div class="sb-hint">{_text(block["hint"], ctx)}</div>'
    if bid in ctx.errors:
        html_ += _error(ctx.errors[bid])
    return html_


_BLOCKS = {
    "header": _header,
    "section": _section,
    "context": _context_block,
    "divider": _divider,
    "image": _image_block,
    "actions": _actions,
    "input": _input,
}


# ---------------------------------------------------------------- elements


def _element(element: dict, block_id: str, ctx: _Context, *, dispatch: bool) -> str:
    kind = element.get("type", "")
    renderer = _ELEMENTS.get(kind)
    if renderer is None:
        return _image(element) if kind == "image" else _unsupported(kind)
    # Every control carries what the page needs for view.state.values and block_actions.
    trigger = (element.get("dispatch_action_config") or {}).get("trigger_actions_on")
    common = {
        "data_block_id": block_id,
        "data_action_id": element.get("action_id", ""),
        "data_type": kind,
        "data_dispatch_action": "true" if dispatch else None,
        "data_trigger_actions_on": " ".join(trigger) if trigger else None,
        **_confirm_attrs(element.get("confirm")),
    }
    return renderer(element, common, ctx)


def _button(element: dict, common: dict, ctx: _Context) -> str:
    style = element.get("style")
    classes = "sb-button" + (f" sb-button-{style}" if style in ("primary", "danger") else "")
    url = element.get("url")
    attrs = _attrs(
        type="button",
        class_=classes,
        data_value=element.get("value"),
        data_url=url if url and _SAFE_URL.match(url) else None,
        **common,
    )
    return f"<button{attrs}>{_text(element.get('text'), ctx)}</button>"


def _text_input(element: dict, common: dict, ctx: _Context) -> str:
    bid, aid = common["data_block_id"], common["data_action_id"]
    value = _state_value(ctx, bid, aid, "value", element.get("initial_value"))
    attrs = _attrs(
        id=_control_id(bid, aid),
        class_="sb-control",
        name=_control_id(bid, aid),
        placeholder=_plain(element.get("placeholder")) or None,
        maxlength=element.get("max_length"),
        minlength=element.get("min_length"),
        **common,
    )
    if element.get("multiline"):
        return f"<textarea{attrs}>{_esc(value or '')}</textarea>"
    return f'<input type="text"{attrs}{_attrs(value=value)}>'


def _static_select(element: dict, common: dict, ctx: _Context) -> str:
    chosen = _chosen_options(element, common, ctx)
    if element.get("option_groups"):
        options = "".join(
            f'<optgroup label="{_esc(_plain(group.get("label")))}">'
            f"{_options_html(group.get('options', []), chosen)}</optgroup>"
            for group in element["option_groups"]
        )
    else:
        options = _options_html(element.get("options", []), chosen)
    return _select(element, common, options, chosen)


def _choices(element: dict, common: dict, ctx: _Context) -> str:
    kind = "radio" if element["type"] == "radio_buttons" else "checkbox"
    chosen = _chosen_options(element, common, ctx)
    name = _control_id(common["data_block_id"], common["data_action_id"])
    items = []
    for option in element.get("options", []):
        value = option.get("value", "")
        control = _attrs(
            type=kind, name=name, value=value, checked=value in chosen, **_control(common)
        )
        description = option.get("description")
        extra = (
            f'<span class="sb-choice-description">{_text(description, ctx)}</span>'
            if description
            else ""
        )
        items.append(
            f'<label class="sb-choice"><input{control}>'
            f"<span>{_text(option.get('text'), ctx)}{extra}</span></label>"
        )
    group = _attrs(
        id=name, class_="sb-choices", role="radiogroup" if kind == "radio" else "group", **common
    )
    return f"<div{group}>{''.join(items)}</div>"


def _picker(element: dict, common: dict, ctx: _Context) -> str:
    kind, initial_key, state_key = (
        ("date", "initial_date", "selected_date")
        if element["type"] == "datepicker"
        else ("time", "initial_time", "selected_time")
    )
    bid, aid = common["data_block_id"], common["data_action_id"]
    attrs = _attrs(
        type=kind,
        id=_control_id(bid, aid),
        class_="sb-control",
        name=_control_id(bid, aid),
        value=_state_value(ctx, bid, aid, state_key, element.get(initial_key)),
        placeholder=_plain(element.get("placeholder")) or None,
        **common,
    )
    return f"<input{attrs}>"


# (options source, state key for one, state key for many) by element type; the page fills
# these selects from its own directory when the renderer was given none.
_DIRECTORY_SELECTS = {
    "users_select": ("users", "selected_user", None),
    "multi_users_select": ("users", None, "selected_users"),
    "conversations_select": ("channels", "selected_conversation", None),
    "multi_conversations_select": ("channels", None, "selected_conversations"),
    "channels_select": ("channels", "selected_channel", None),
    "multi_channels_select": ("channels", None, "selected_channels"),
}


def _directory_select(element: dict, common: dict, ctx: _Context) -> str:
    source, one, many = _DIRECTORY_SELECTS[element["type"]]
    bid, aid = common["data_block_id"], common["data_action_id"]
    if many:
        initial = element.get(many.replace("selected_", "initial_")) or []
        chosen = set(_state_value(ctx, bid, aid, many, initial) or [])
    else:
        assert one is not None, "a select of one names its selected_ field"
        picked = _state_value(ctx, bid, aid, one, element.get(one.replace("selected_", "initial_")))
        chosen = {picked} if picked else set()
    names = ctx.users if source == "users" else ctx.channels
    # A chosen id the directory does not know is still listed, so submitting keeps it.
    entries = list(names.items()) + [(i, i) for i in sorted(chosen) if i not in names]
    prefix = "@" if source == "users" else "#"
    options = "".join(
        f"<option{_attrs(value=i, selected=i in chosen)}>{_esc(prefix + name)}</option>"
        for i, name in entries
    )
    filter_ = element.get("filter") or {}
    extra = {
        "data_options_source": source,
        "data_filter_include": " ".join(filter_.get("include", [])) or None,
        "data_filter_exclude_bot_users": "true" if filter_.get("exclude_bot_users") else None,
        "data_filter_exclude_external_shared_channels": (
            "true" if filter_.get("exclude_external_shared_channels") else None
        ),
        "data_default_to_current_conversation": (
            "true" if element.get("default_to_current_conversation") else None
        ),
    }
    return _select(element, {**common, **extra}, options, chosen)


def _overflow(element: dict, common: dict, ctx: _Context) -> str:
    """An overflow menu: a "⋯" whose choice is sent at once (it has no state)."""
    bid, aid = common["data_block_id"], common["data_action_id"]
    attrs = _attrs(
        class_="sb-control sb-overflow",
        name=_control_id(bid, aid),
        aria_label="More actions",
        **{**common, "data_dispatch_action": "true"},
    )
    options = _options_html(element.get("options", []), set())
    return f'<select{attrs}><option value="" selected>⋯</option>{options}</select>'


_ELEMENTS = {
    "button": _button,
    "overflow": _overflow,
    "plain_text_input": _text_input,
    "static_select": _static_select,
    "multi_static_select": _static_select,
    "radio_buttons": _choices,
    "checkboxes": _choices,
    "datepicker": _picker,
    "timepicker": _picker,
    **dict.fromkeys(_DIRECTORY_SELECTS, _directory_select),
}


def _select(element: dict, common: dict, options: str, chosen: set[str]) -> str:
    bid, aid = common["data_block_id"], common["data_action_id"]
    multiple = element["type"].startswith("multi_")
    placeholder = _plain(element.get("placeholder")) or "Choose an option"
    # The empty first option is what an untouched select submits: nothing chosen.
    empty = (
        ""
        if multiple
        else f'<option value=""{_attrs(selected=not chosen)}>{_esc(placeholder)}</option>'
    )
    attrs = _attrs(
        id=_control_id(bid, aid),
        class_="sb-control",
        name=_control_id(bid, aid),
        multiple=multiple,
        data_placeholder=placeholder,
        **common,
    )
    return f"<select{attrs}>{empty}{options}</select>"


def _options_html(options: list[dict], chosen: set[str]) -> str:
    return "".join(
        f"<option{_attrs(value=o.get('value', ''), selected=o.get('value') in chosen)}>"
        f"{_esc(_plain(o.get('text')))}</option>"
        for o in options
    )


def _chosen_options(element: dict, common: dict, ctx: _Context) -> set[str]:
    """Values chosen: from the view's state when it has this element, else the initial ones."""
    entry = ctx.state.get(common["data_block_id"], {}).get(common["data_action_id"])
    if entry is not None:
        picked = entry.get("selected_options") or [entry.get("selected_option") or {}]
    else:
        picked = element.get("initial_options") or [element.get("initial_option") or {}]
    return {o["value"] for o in picked if o and "value" in o}


def _state_value(ctx: _Context, block_id: str, action_id: str, key: str, initial):
    entry = ctx.state.get(block_id, {}).get(action_id)
    return entry.get(key) if entry is not None and key in entry else initial


def _confirm_attrs(confirm: dict | None) -> dict:
    if not confirm:
        return {}
    return {
        "data_confirm_title": _plain(confirm.get("title")),
        "data_confirm_text": _plain(confirm.get("text")),
        "data_confirm_confirm": _plain(confirm.get("confirm")) or "Yes",
        "data_confirm_deny": _plain(confirm.get("deny")) or "Cancel",
        "data_confirm_style": confirm.get("style"),
    }


def _control(common: dict) -> dict:
    """The attributes a radio or checkbox repeats from its group, so each is self-describing."""
    keys = ("data_block_id", "data_action_id", "data_type", "data_dispatch_action")
    return {key: common[key] for key in keys}


def _image(element: dict) -> str:
    url = element.get("image_url") or ""
    src = url if _SAFE_URL.match(url) else None
    return f'<img class="sb-image"{_attrs(src=src, alt=element.get("alt_text", ""))}>'


def _button_html(text: dict | str | None, default: str, action: str, classes: str) -> str:
    kind = "submit" if action == "submit" else "button"
    attrs = _attrs(type=kind, class_=classes, data_view_action=action)
    return f"<button{attrs}>{_esc(_plain(text) or default)}</button>"


def _error(message: str) -> str:
    return f'<div class="sb-error" role="alert">{_esc(message)}</div>'


def _unsupported(kind: str) -> str:
    return f'<span class="sb-unsupported">[{_esc(kind or "unknown")}]</span>'


# ---------------------------------------------------------------- text


def _text(obj: dict | str | None, ctx: _Context) -> str:
    """A text object: mrkdwn rendered, plain_text escaped as it is."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return _plain_html(obj)
    if obj.get("type") == "mrkdwn":
        return _mrkdwn(obj.get("text", ""), ctx)
    return _plain_html(obj.get("text", ""))


def _plain(obj: dict | str | None) -> str:
    """The raw string of a text object, for attributes and option labels (escaped later)."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    text = obj.get("text", "")
    return _unslack(text) if obj.get("type") == "mrkdwn" else text


def _plain_html(text: str) -> str:
    return _esc(text).replace("\n", "<br>")


def _mrkdwn(text: str, ctx: _Context) -> str:
    holes: list[str] = []

    def hole(rendered: str) -> str:
        holes.append(rendered)
        return _HOLE.format(len(holes) - 1)

    text = text.replace("\x00", "")
    # Code first, so nothing inside it is formatted; then Slack's <...> entities.
    text = _PRE_RE.sub(lambda m: hole(f'<pre class="sb-pre">{_code(m[1])}</pre>'), text)
    text = _CODE_RE.sub(lambda m: hole(f'<code class="sb-code">{_code(m[1])}</code>'), text)
    text = _ENTITY_RE.sub(lambda m: hole(_entity(m[1], ctx)), text)
    text = _esc(_unslack(text))
    for pattern, tag in _STYLES:
        text = pattern.sub(rf"<{tag}>\1</{tag}>", text)
    text = _quotes(text)
    # Holes go back last, so that formatting never reaches inside code, links or mentions.
    return _HOLE_RE.sub(lambda m: holes[int(m[1])], text)


def _quotes(text: str) -> str:
    """Consecutive lines starting with > become one block quote; other lines keep their breaks."""
    out: list[str] = []
    quoted: list[str] = []
    for line in text.split("\n"):
        if line.startswith(_QUOTE_PREFIX):
            quoted.append(line[len(_QUOTE_PREFIX) :].removeprefix(" "))
            continue
        if quoted:
            out.append(f'<blockquote class="sb-quote">{"<br>".join(quoted)}</blockquote>')
            quoted = []
        out.append(line)
    if quoted:
        out.append(f'<blockquote class="sb-quote">{"<br>".join(quoted)}</blockquote>')
    # A block quote is its own line already: no <br> right after one.
    html_ = ""
    for index, piece in enumerate(out):
        if index and not out[index - 1].startswith("<blockquote"):
            html_ += "<br>"
        html_ += piece
    return html_


def _code(text: str) -> str:
    return _esc(_unslack(text))


def _entity(inner: str, ctx: _Context) -> str:
    """One <...> of Slack's: a mention, a channel, a date, a special mention or a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        name = ctx.users.get(target[1:]) or label or target[1:]
        return f'<span class="sb-mention">@{_esc(_unslack(name))}</span>'
    if target.startswith("#"):
        name = ctx.channels.get(target[1:]) or label or target[1:]
        return f'<span class="sb-mention">#{_esc(_unslack(name))}</span>'
    if target.startswith("!date^"):
        return _date(inner, ctx)
    if target.startswith("!subteam^"):
        group_id = target.removeprefix("!subteam^")
        handle = ctx.usergroups.get(group_id)
        name = f"@{handle}" if handle else label or f"@{group_id}"
        return f'<span class="sb-mention">{_esc(_unslack(name))}</span>'
    if target.startswith("!"):
        return f'<span class="sb-mention">@{_esc(_unslack(label or target[1:]))}</span>'
    url = _unslack(target)
    shown = _esc(_unslack(label or target))
    if not _SAFE_URL.match(url):
        return shown
    return f"<a{_attrs(href=url, target='_blank', rel='noopener noreferrer')}>{shown}</a>"


# ---------------------------------------------------------------- dates


def _date(inner: str, ctx: _Context) -> str:
    match = _DATE_RE.match(inner)
    if not match:
        return _esc(_unslack(inner.partition("|")[2]))
    stamp, template, link, fallback = match.groups()
    fallback = _unslack(fallback or "")
    try:
        at = datetime.fromtimestamp(int(stamp), ctx.zone)
        shown = _DATE_TOKEN_RE.sub(lambda m: _date_token(m[1], at, ctx.now), template)
    except (KeyError, ValueError, OverflowError, OSError):
        return _esc(fallback)  # Slack shows the fallback for anything it cannot format
    # Hovering shows the full date and time, in the viewer's zone like the text.
    full = f"{at:%A} {at.day} {at:%B %Y}, {at.hour % 12 or 12}:{at:%M %p} {at.tzname()}"
    shown = _esc(_unslack(shown))
    if link and _SAFE_URL.match(link):
        shown = f"<a{_attrs(href=link, target='_blank', rel='noopener noreferrer')}>{shown}</a>"
    return f'<span class="sb-date"{_attrs(data_ts=stamp, title=full)}>{shown}</span>'


def _date_token(token: str, at: datetime, now: datetime) -> str:
    """One {token} of a date template, in the viewer's zone; KeyError when Slack lacks it."""
    # The year only when it is not this one, so that next January's dates are not ambiguous.
    year = f", {at.year}" if at.year != now.year else ""
    day = f"{at.day}{_ordinal(at.day)}"
    formats = {
        "date_num": lambda: f"{at:%Y-%m-%d}",
        "date": lambda: f"{at:%B} {day}{year}",
        "date_short": lambda: f"{at:%b} {at.day}{year}",
        "date_long": lambda: f"{at:%A}, {at:%B} {day}{year}",
        "date_pretty": lambda: _relative(at, now) or f"{at:%B} {day}{year}",
        "date_short_pretty": lambda: _relative(at, now) or f"{at:%b} {day}{year}",
        "date_long_pretty": lambda: _relative(at, now) or f"{at:%A}, {at:%B} {day}{year}",
        "time": lambda: f"{at.hour % 12 or 12}:{at:%M %p}",
        "time_secs": lambda: f"{at.hour % 12 or 12}:{at:%M:%S %p}",
    }
    return formats[token]()


def _relative(at: datetime, now: datetime) -> str | None:
    today = now.date()
    return {
        today: "today",
        today + timedelta(days=1): "tomorrow",
        today - timedelta(days=1): "yesterday",
    }.get(at.date())


def _ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


# ---------------------------------------------------------------- html helpers


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _unslack(text: str) -> str:
    """Slack's own three escapes back to characters, so they are HTML-escaped exactly once."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _attrs(**values) -> str:
    """` name="value"` pairs: `class_`/`for_` for keywords, `data_x` as data-x; None and False
    are left out, True is a bare attribute."""
    out = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        out.append(f" {name}" if value is True else f' {name}="{_esc(value)}"')
    return "".join(out)


def _control_id(block_id: str, action_id: str) -> str:
    return "sb-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{block_id}--{action_id}")


def _css_name(kind: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", kind.lower()) or "unknown"
