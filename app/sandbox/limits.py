"""Block Kit validation as Slack does it: slack_sdk's checks, recursively, and Slack's limits."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block, BlockElement, Option, OptionGroup
from slack_sdk.models.views import View

VIEW_MAX_BLOCKS = 100
MESSAGE_MAX_BLOCKS = 50
MESSAGE_TEXT_MAX = 40000
SECTION_FIELD_TEXT_MAX = 2000
# slack_sdk does not limit these two; Slack refuses more than 10 options.
CHOICE_ELEMENTS_MAX_OPTIONS = {"checkboxes": 10, "radio_buttons": 10}

# Where Slack accepts only plain_text (mrkdwn there is refused), besides view title/submit/close.
_PLAIN_TEXT_ONLY_BLOCK_FIELDS = {"header": ("text",), "input": ("label", "hint")}
_PLAIN_TEXT_ONLY_ELEMENT_FIELDS = ("placeholder",)
_TEXT_TYPES = ("plain_text", "mrkdwn")
# slack_sdk keeps these as raw dicts in some elements (static_select, radio_buttons, overflow).
_UNPARSED_OPTION_FIELDS = {
    "options": Option,
    "initial_option": Option,
    "initial_options": Option,
    "option_groups": OptionGroup,
}
_MODEL_ERRORS = (SlackObjectFormationError, TypeError, ValueError, AttributeError, KeyError)


def slack_error(message: str, pointer: str) -> str:
    """A problem worded as Slack words it in `response_metadata.messages`."""
    return f"[ERROR] {message} [json-pointer:{pointer}]"


def validate_view(view: Any) -> list[str]:
    """Every reason Slack would refuse `view` (modal or home) in views.* or a response_action."""
    if not isinstance(view, dict):
        return [slack_error("must provide an object", "/view")]
    problems = _view_header_problems(view)
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        return [*problems, slack_error("must provide an array", "/view/blocks")]
    if not 1 <= len(blocks) <= VIEW_MAX_BLOCKS:
        problems.append(
            slack_error(f"must contain between 1 and {VIEW_MAX_BLOCKS} items", "/view/blocks")
        )
    problems += _blocks_problems(blocks, "/view/blocks")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if view.get("type") == "modal" and view.get("submit") is None and has_input:
        problems.append(
            slack_error("submit is required when an input block is within the modal", "/view")
        )
    return problems


def validate_message_blocks(blocks: Any) -> list[str]:
    """Every reason Slack would refuse `blocks` in chat.postMessage, postEphemeral or update."""
    if not isinstance(blocks, list):
        return [slack_error("must provide an array", "/blocks")]
    problems = []
    if len(blocks) > MESSAGE_MAX_BLOCKS:
        problems.append(slack_error(f"must be less than {MESSAGE_MAX_BLOCKS + 1} items", "/blocks"))
    return problems + _blocks_problems(blocks, "/blocks")


def _view_header_problems(view: dict) -> list[str]:
    """The view's own fields; its blocks are checked one by one, with precise pointers."""
    problems = []
    header = {key: value for key, value in view.items() if key != "blocks"}
    try:
        parsed = View(**header)
        # View counts None as "not given"; the caller counts the blocks. Its type says list.
        parsed.blocks = None  # type: ignore[assignment]
        parsed.validate_json()
    except _MODEL_ERRORS as error:
        problems.append(slack_error(str(error), "/view"))
    if view.get("type") == "modal" and view.get("title") is None:
        problems.append(slack_error("missing required field: title", "/view"))
    for field in ("title", "submit", "close"):
        if view.get(field) is not None:
            problems += _plain_text_problems(view[field], f"/view/{field}")
    return problems


def _blocks_problems(blocks: list, pointer: str) -> list[str]:
    problems = []
    seen_block_ids: set[str] = set()
    for index, raw in enumerate(blocks):
        block_pointer = f"{pointer}/{index}"
        problems += _block_problems(raw, block_pointer)
        block_id = raw.get("block_id") if isinstance(raw, dict) else None
        if block_id is None:
            continue
        if block_id in seen_block_ids:
            problems.append(
                slack_error(f"duplicate block_id {block_id!r}", f"{block_pointer}/block_id")
            )
        seen_block_ids.add(block_id)
    return problems


def _block_problems(raw: Any, pointer: str) -> list[str]:
    if not isinstance(raw, dict):
        return [slack_error("must provide an object", pointer)]
    try:
        block = Block.parse(raw)
    except _MODEL_ERRORS as error:
        return [slack_error(f"invalid {raw.get('type')!r} block: {error}", pointer)]
    if block is None:
        return [slack_error(f"unsupported block type {raw.get('type')!r}", f"{pointer}/type")]
    problems = _model_problems(block, pointer)
    problems += _empty_text_problems(raw, pointer)
    for field in _PLAIN_TEXT_ONLY_BLOCK_FIELDS.get(raw["type"], ()):
        if raw.get(field) is not None:
            problems += _plain_text_problems(raw[field], f"{pointer}/{field}")
    for element_pointer, element in _raw_elements(raw, pointer):
        problems += _element_problems(element, element_pointer)
    if raw["type"] == "section":
        for index, field in enumerate(raw.get("fields") or []):
            if isinstance(field, dict) and len(field.get("text") or "") > SECTION_FIELD_TEXT_MAX:
                problems.append(
                    slack_error(
                        f"must be less than {SECTION_FIELD_TEXT_MAX + 1} characters",
                        f"{pointer}/fields/{index}/text",
                    )
                )
    if raw["type"] == "actions":
        problems += _duplicate_action_id_problems(raw.get("elements") or [], pointer)
    return problems


def _raw_elements(raw: dict, pointer: str) -> list[tuple[str, Any]]:
    """The interactive elements of a block, where slack_sdk drops unknown ones silently."""
    if raw["type"] == "input":
        return [(f"{pointer}/element", raw.get("element"))]
    if raw["type"] == "section" and raw.get("accessory") is not None:
        return [(f"{pointer}/accessory", raw["accessory"])]
    if raw["type"] == "actions":
        return [(f"{pointer}/elements/{i}", e) for i, e in enumerate(raw.get("elements") or [])]
    return []


def _element_problems(element: Any, pointer: str) -> list[str]:
    if not isinstance(element, dict):
        return [slack_error("must provide an object", pointer)]
    element_type = element.get("type")
    try:
        parsed = BlockElement.parse(element)
    except _MODEL_ERRORS as error:
        return [slack_error(f"invalid {element_type!r} element: {error}", pointer)]
    if parsed is None or element_type in _TEXT_TYPES:
        return [slack_error(f"unsupported element type {element_type!r}", f"{pointer}/type")]
    problems = []
    for field in _PLAIN_TEXT_ONLY_ELEMENT_FIELDS:
        if element.get(field) is not None:
            problems += _plain_text_problems(element[field], f"{pointer}/{field}")
    if element_type == "button":
        problems += _plain_text_problems(element.get("text"), f"{pointer}/text")
    if "options" in element or "option_groups" in element:
        problems += _initial_option_problems(element, pointer)
    options_max = CHOICE_ELEMENTS_MAX_OPTIONS.get(str(element_type))
    if options_max is not None and len(element.get("options") or []) > options_max:
        problems.append(
            slack_error(f"must be less than {options_max + 1} items", f"{pointer}/options")
        )
    return problems


def _initial_option_problems(element: dict, pointer: str) -> list[str]:
    """Slack refuses initial options that are not among the element's own options."""
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        if isinstance(group, dict):
            options += group.get("options") or []
    offered = [_option_identity(option) for option in options]
    if element.get("initial_option") is not None:
        initial = [(f"{pointer}/initial_option", element["initial_option"])]
    else:
        initial = [
            (f"{pointer}/initial_options/{index}", option)
            for index, option in enumerate(element.get("initial_options") or [])
        ]
    return [
        slack_error("must match one of the options", initial_pointer)
        for initial_pointer, option in initial
        if _option_identity(option) not in offered
    ]


def _option_identity(option: Any) -> tuple[Any, Any]:
    if not isinstance(option, dict):
        return (None, None)
    text = option.get("text")
    return option.get("value"), text.get("text") if isinstance(text, dict) else text


def _duplicate_action_id_problems(elements: list, pointer: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for index, element in enumerate(elements):
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is None:
            continue
        if action_id in seen:
            problems.append(
                slack_error(
                    f"duplicate action_id {action_id!r}", f"{pointer}/elements/{index}/action_id"
                )
            )
        seen.add(action_id)
    return problems


def _model_problems(model: JsonObject, pointer: str) -> list[str]:
    """The validators of `model` and of every object in it: validate_json does one level."""
    problems = []
    try:
        model.validate_json()
    except _MODEL_ERRORS as error:
        problems.append(slack_error(str(error), pointer))
    # Private attributes (Option._text) hold the parsed objects behind some string properties.
    for name, value in vars(model).items():
        child_pointer = f"{pointer}/{name.lstrip('_')}"
        is_list = isinstance(value, list | tuple)
        for index, item in enumerate(value if is_list else [value]):
            item_pointer = f"{child_pointer}/{index}" if is_list else child_pointer
            if isinstance(item, dict) and name in _UNPARSED_OPTION_FIELDS:
                try:
                    item = _UNPARSED_OPTION_FIELDS[name](**item)
                except _MODEL_ERRORS as error:
                    problems.append(slack_error(f"invalid option: {error}", item_pointer))
                    continue
            if isinstance(item, JsonObject):
                problems += _model_problems(item, item_pointer)
    return problems


def _plain_text_problems(text_object: Any, pointer: str) -> list[str]:
    if not isinstance(text_object, dict):
        return [slack_error("must provide an object", pointer)]
    if text_object.get("type") != "plain_text":
        return [slack_error("must be a plain_text text object", f"{pointer}/type")]
    return []


def _empty_text_problems(node: Any, pointer: str) -> list[str]:
    """Slack refuses empty text objects anywhere in a block; slack_sdk accepts them."""
    if isinstance(node, list):
        return [
            problem
            for index, item in enumerate(node)
            for problem in _empty_text_problems(item, f"{pointer}/{index}")
        ]
    if not isinstance(node, dict):
        return []
    if node.get("type") in _TEXT_TYPES and "text" in node and not node["text"]:
        return [slack_error("must be more than 0 characters", f"{pointer}/text")]
    return [
        problem
        for key, value in node.items()
        for problem in _empty_text_problems(value, f"{pointer}/{key}")
    ]
