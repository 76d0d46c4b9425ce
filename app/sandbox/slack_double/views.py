"""Views: modals and App Home (views.*), each person's stack of modals, their typed state and
inline errors, and the checks a view goes through."""

from __future__ import annotations

import copy
import re
import secrets
from typing import Any, ClassVar

from app.sandbox.inbound import trigger_user
from app.sandbox.limits import slack_error, validate_view
from app.sandbox.slack_double.recording import Recording
from app.sandbox.slack_double.records import (
    SlackError,
    invalid_arguments,
    required,
    with_generated_ids,
)

VIEW_STACK_MAX = 3
# Slack's trigger ids ("13345224609.738474920.8088930838d88f008e0"; the double's own name their
# user in the middle, see inbound.new_trigger_id): any other text is no trigger of Slack's.
TRIGGER_ID = re.compile(r"[0-9]+\.[0-9A-Za-z]+\.[0-9a-f]+", re.ASCII)


class Views(Recording):
    """Every view the app opened, pushed, updated or published, and who sees which."""

    WEB_API: ClassVar[dict[str, str]] = {
        "views.open": "_views_open",
        "views.push": "_views_push",
        "views.update": "_views_update",
        "views.publish": "_views_publish",
    }

    def view_stack(self, user_id: str) -> list[dict]:
        """The modals open for `user_id`, root first, as views.* last returned them."""
        with self._lock:
            return [copy.deepcopy(self._views[v]) for v in self._view_stacks.get(user_id, [])]

    def get_view(self, view_id: str) -> dict | None:
        with self._lock:
            return copy.deepcopy(self._views.get(view_id))

    def home_view(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self._home_views.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def top_view(self, user_id: str) -> dict | None:
        """The modal `user_id` sees: the top of their stack."""
        with self._lock:
            stack = self._view_stacks.get(user_id)
            return copy.deepcopy(self._views[stack[-1]]) if stack else None

    def stack_depth(self, user_id: str) -> int:
        with self._lock:
            return len(self._view_stacks.get(user_id, []))

    def view_errors(self, view_id: str) -> dict[str, str]:
        """The inline errors a response_action shows on a view: block_id -> message."""
        with self._lock:
            return dict(self._view_errors.get(view_id, {}))

    # ----- methods

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view("views.open", args.get("view"), allowed_type="modal")
        user_id = self._take_trigger(args)
        opened = self._store_view(view, previous_view_id=None)
        if user_id is not None:
            self._view_stacks[user_id] = [opened["id"]]
        self._changed()
        return {"view": opened}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        view = self._checked_view("views.push", args.get("view"), allowed_type="modal")
        user_id = self._take_trigger(args)
        stack = self._view_stacks.get(user_id, []) if user_id is not None else []
        if len(stack) >= VIEW_STACK_MAX:
            raise SlackError("push_limit_reached")
        pushed = self._store_view(view, previous_view_id=stack[-1] if stack else None)
        if user_id is not None:
            self._view_stacks[user_id] = [*stack, pushed["id"]]
        self._changed()
        return {"view": pushed}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("view_id"):
            current = self._views.get(args["view_id"])
        elif args.get("external_id"):
            current = self._views.get(self._view_ids_by_external_id.get(args["external_id"], ""))
        else:
            raise invalid_arguments("missing required field: view_id or external_id", "")
        if current is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackError("hash_conflict")
        view = self._checked_view("views.update", args.get("view"), allowed_type=current["type"])
        return {"view": self._replace_view(current, view)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(required(args, "user_id"))
        if user is None:
            raise SlackError("user_not_found")
        view = self._checked_view("views.publish", args.get("view"), allowed_type="home")
        current_id = self._home_views.get(user.id)
        if current_id and args.get("hash") and args["hash"] != self._views[current_id]["hash"]:
            raise SlackError("hash_conflict")
        view_id = current_id or self._new_id("V")
        published = self._view_object(
            view, view_id=view_id, root_view_id=view_id, previous_view_id=None
        )
        self._views[view_id] = published
        self._home_views[user.id] = view_id
        self._changed()
        return {"view": published}

    # ----- views, inside a call

    def _checked_view(self, method: str, view: Any, allowed_type: str) -> dict:
        if view is None:
            raise invalid_arguments("missing required field: view", "")
        problems = validate_view(view)
        if isinstance(view, dict) and view.get("type") != allowed_type:
            problems.append(slack_error(f"{method} takes a {allowed_type} view", "/view/type"))
        if problems:
            self._refuse(method, problems)
        return view

    def _checked_errors(self, view_id: str, errors: Any) -> dict[str, str]:
        """A response_action "errors": messages keyed by the block_id of an input of the view."""
        inputs = {b["block_id"] for b in self._views[view_id]["blocks"] if b["type"] == "input"}
        if not isinstance(errors, dict) or not errors:
            self._refuse("response_action", [slack_error("must provide an object", "/errors")])
        problems = [
            slack_error("must be the block_id of an input block in the view", f"/errors/{key}")
            for key, message in errors.items()
            if key not in inputs or not isinstance(message, str)
        ]
        if problems:
            self._refuse("response_action", problems)
        return dict(errors)

    def _take_trigger(self, args: dict[str, Any]) -> str | None:
        """Spend a trigger id (each opens one view); return the user it was issued for, if known."""
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise invalid_arguments("missing required field: trigger_id", "")
        if not isinstance(trigger_id, str):  # as Slack: a JSON body may carry any type
            raise invalid_arguments("must be a string", "/trigger_id")
        if not TRIGGER_ID.fullmatch(trigger_id):
            raise SlackError("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackError("exchanged_trigger_id")
        self._used_triggers.add(trigger_id)
        return trigger_user(trigger_id)

    def _store_view(self, view: dict, *, previous_view_id: str | None) -> dict:
        external_id = view.get("external_id")
        if external_id and external_id in self._view_ids_by_external_id:
            raise SlackError("duplicate_external_id")
        view_id = self._new_id("V")
        root_view_id = view_id
        if previous_view_id is not None:
            root_view_id = self._views[previous_view_id]["root_view_id"]
        stored = self._view_object(
            view, view_id=view_id, root_view_id=root_view_id, previous_view_id=previous_view_id
        )
        self._views[view_id] = stored
        if external_id:
            self._view_ids_by_external_id[external_id] = view_id
        return stored

    def _replace_view(self, current: dict, view: dict) -> dict:
        """New content in the place of `current`: same ids, a new hash, no errors.

        What was typed stays in inputs whose block_id and action_id the new content keeps, as
        Slack preserves it.
        """
        replaced = self._view_object(
            view,
            view_id=current["id"],
            root_view_id=current["root_view_id"],
            previous_view_id=current["previous_view_id"],
        )
        typed = current["state"]["values"]
        replaced["state"]["values"] = {
            block["block_id"]: {action_id: typed[block["block_id"]][action_id]}
            for block in replaced["blocks"]
            if block["type"] == "input"
            and (action_id := block.get("element", {}).get("action_id"))
            in typed.get(block["block_id"], {})
        }
        self._views[current["id"]] = replaced
        self._view_errors.pop(current["id"], None)
        self._changed()
        return replaced

    def _pop_view(self, user_id: str) -> None:
        """Close `user_id`'s top view; what they typed and its errors go with it."""
        stack = self._view_stacks[user_id]
        view_id = stack.pop()
        self._views[view_id]["state"] = {"values": {}}
        self._view_errors.pop(view_id, None)
        if not stack:
            del self._view_stacks[user_id]
        self._changed()

    # ----- Slack's objects

    def _view_object(
        self, view: dict, *, view_id: str, root_view_id: str, previous_view_id: str | None
    ) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": with_generated_ids(view["blocks"]),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self._clock())}.{secrets.token_urlsafe(6)}",
            "title": view.get("title"),
            "clear_on_close": view.get("clear_on_close", False),
            "notify_on_close": view.get("notify_on_close", False),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
