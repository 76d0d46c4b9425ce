"""Users and conversations: the people, channels, DMs and user groups, their Web API methods
(auth, team, users, usergroups, conversations) and the saved workspace."""

from __future__ import annotations

import copy
from dataclasses import asdict
from datetime import datetime
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from app.sandbox.slack_double.records import (
    Channel,
    IssuedToken,
    Message,
    SlackError,
    User,
    flag,
    invalid_arguments,
    required,
)
from app.sandbox.slack_double.state import DoubleState

# What a snapshot keeps of the team and its app, by attribute name.
_TEAM_FIELDS = (
    "team_id",
    "team_name",
    "team_domain",
    "bot_user_id",
    "bot_id",
    "bot_name",
    "app_id",
    "bot_token",
)


class Workspace(DoubleState):
    """The team's people and conversations, as the app and the page see them."""

    WEB_API: ClassVar[dict[str, str]] = {
        "api.test": "_api_test",
        "auth.test": "_auth_test",
        "team.info": "_team_info",
        "users.info": "_users_info",
        "dnd.info": "_dnd_info",
        "usergroups.list": "_usergroups_list",
        "usergroups.users.list": "_usergroups_users_list",
        "conversations.open": "_conversations_open",
        "conversations.info": "_conversations_info",
        "dnd.teamInfo": "_dnd_team_info",
    }

    def _populate(self) -> None:
        self.add_user(
            self.bot_user_id, name=self.bot_name, real_name=self.bot_name.title(), is_bot=True
        )

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        deleted: bool = False,
        team_id: str | None = None,
        is_bot: bool = False,
        display_name: str | None = None,
        locale: str = "en-US",
        email: str | None = None,
    ) -> None:
        ZoneInfo(tz)  # an unknown zone fails here, not in the middle of a users.info call
        with self._lock:
            self._users[user_id] = User(
                id=user_id,
                name=name,
                real_name=real_name or name,
                tz=tz,
                is_admin=is_admin,
                is_owner=is_owner,
                deleted=deleted,
                team_id=team_id or self.team_id,
                is_bot=is_bot,
                locale=locale,
                display_name=display_name,
                email=email,
            )
            self._changed()

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_member: bool = True,
        is_archived: bool = False,
        is_private: bool = False,
    ) -> None:
        with self._lock:
            self._channels[channel_id] = Channel(
                id=channel_id,
                name=name,
                is_member=is_member,
                is_archived=is_archived,
                is_private=is_private,
                created=int(self._clock()),
            )
            self._changed()

    def add_usergroup(self, usergroup_id: str, handle: str, users: list[str]) -> None:
        with self._lock:
            self._usergroups[usergroup_id] = (handle, list(users))
            self._changed()

    def dm_channel_id(self, user_id: str) -> str:
        """The id of the bot's DM with `user_id` (Slack has one for every user)."""
        with self._lock:
            return self._dm_channel(user_id).id

    def users(self, *, include_bots: bool = False) -> list[User]:
        with self._lock:
            return [copy.copy(u) for u in self._users.values() if include_bots or not u.is_bot]

    def user(self, user_id: str) -> User | None:
        with self._lock:
            user = self._users.get(user_id)
            return copy.copy(user) if user else None

    def channels(self) -> list[Channel]:
        """The workspace's channels, DMs left out."""
        with self._lock:
            return [copy.copy(c) for c in self._channels.values() if not c.is_im]

    def directory(self) -> dict[str, list[tuple[str, str]]]:
        """Who and where a person can pick in a select: the Block Kit renderer's `directory`."""
        with self._lock:
            return {
                "users": [
                    (u.id, u.real_name)
                    for u in self._users.values()
                    if not u.is_bot and not u.deleted
                ],
                "channels": [
                    (c.id, c.name)
                    for c in self._channels.values()
                    if not c.is_im and not c.is_archived
                ],
                "usergroups": [
                    (group_id, handle) for group_id, (handle, _) in self._usergroups.items()
                ],
            }

    # ----- persistence

    def snapshot(self) -> dict[str, Any]:
        """The workspace as JSON-ready data: team, users, channels, messages; no views nor calls."""
        with self._lock:
            return copy.deepcopy(
                {
                    "team": {name: getattr(self, name) for name in _TEAM_FIELDS},
                    "users": [asdict(u) for u in self._users.values()],
                    "channels": [asdict(c) for c in self._channels.values()],
                    "dm_by_user": self._dm_by_user,
                    "usergroups": {
                        group_id: {"handle": handle, "users": users}
                        for group_id, (handle, users) in self._usergroups.items()
                    },
                    "messages": [asdict(m) for ms in self._messages.values() for m in ms],
                    # New ids and ts continue after the restored ones, never reusing them.
                    # The installs' tokens, so the app's stored installation still works.
                    "issued_tokens": {t: asdict(i) for t, i in self._issued_tokens.items()},
                    "next_id": self._next_id,
                    "last_ts_micros": self._last_ts_micros,
                }
            )

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Replace the workspace with a `snapshot()`; views, hooks, calls and faults are dropped."""
        snapshot = copy.deepcopy(snapshot)
        with self._lock:
            self._forget()
            self._faults.clear()
            for name in _TEAM_FIELDS:
                setattr(self, name, snapshot["team"][name])
            self._users = {u["id"]: User(**u) for u in snapshot["users"]}
            self._channels = {c["id"]: Channel(**c) for c in snapshot["channels"]}
            self._dm_by_user = dict(snapshot["dm_by_user"])
            self._usergroups = {
                group_id: (group["handle"], list(group["users"]))
                for group_id, group in snapshot["usergroups"].items()
            }
            for fields in snapshot["messages"]:
                self._messages.setdefault(fields["channel"], []).append(Message(**fields))
            self._issued_tokens = {
                token: IssuedToken(**issued)
                for token, issued in snapshot.get("issued_tokens", {}).items()
            }
            self._next_id = max(self._next_id, snapshot["next_id"])
            self._last_ts_micros = max(self._last_ts_micros, snapshot["last_ts_micros"])
            self._changed()

    def clear(self) -> None:
        """An empty workspace: only the bot user is left; the team and bot token stay."""
        with self._lock:
            bot = self._users[self.bot_user_id]
            self._forget()
            self._users[bot.id] = bot
            self._changed()

    def _forget(self) -> None:
        """Drop everything but the team, the faults and the id counters (ids are never reused)."""
        for state in (
            self._users,
            self._channels,
            self._dm_by_user,
            self._usergroups,
            self._messages,
            self._views,
            self._view_ids_by_external_id,
            self._view_stacks,
            self._home_views,
            self._view_errors,
            self._hooks,
            self._used_triggers,
            self._files,
            self._calls,
            self._violations,
            self._install_codes,
            self._issued_tokens,
            self._refresh_tokens,
        ):
            state.clear()

    # ----- methods

    def _api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"args": args}

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        """The token's workspace; an org-wide token's org, with no team, as Slack answers."""
        identity = self._token_identity(self._calling_token)
        team_id = identity.team_id if identity else self.team_id
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": (identity.team_name if identity else None) or self.team_name,
            "user": self.bot_name,
            "team_id": team_id or "",
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": bool(identity and not identity.team_id),
            **(
                {"enterprise_id": identity.enterprise_id}
                if identity and identity.enterprise_id
                else {}
            ),
        }

    def _team_info(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("team") not in (None, "", self.team_id):
            raise SlackError("team_not_found")
        team = {
            "id": self.team_id,
            "name": self.team_name,
            "domain": self.team_domain,
            "email_domain": "",
            "icon": {"image_default": True},
            "is_verified": False,
        }
        return {"team": team}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(required(args, "user"))
        if user is None:
            raise SlackError("user_not_found")
        found = self._user_object(user)
        if flag(args.get("include_locale")):  # Slack gives the locale only when asked
            found["locale"] = user.locale
        return {"user": found}

    def set_dnd(self, user_id: str, until: float) -> None:
        """Put `user_id` in Do Not Disturb until `until` (epoch seconds; 0 ends it)."""
        with self._lock:
            self._users[user_id].dnd_until = until
            self._changed()

    def _dnd_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(required(args, "user"))
        if user is None:
            raise SlackError("user_not_found")
        snoozed = user.dnd_until > self._clock()
        # As Slack answers a snooze the person set (no schedule: its window stays empty).
        return {
            "dnd_enabled": False,
            "next_dnd_start_ts": 0,
            "next_dnd_end_ts": 0,
            "snooze_enabled": snoozed,
            "snooze_endtime": int(user.dnd_until) if snoozed else 0,
        }

    def _dnd_team_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """Up to 50 users' Do Not Disturb at once: whether it is on and its window (a snooze
        set with set_dnd shows as a window from now until its end)."""
        wanted = [u for u in str(required(args, "users")).split(",") if u]
        if len(wanted) > 50:
            raise invalid_arguments("must contain at most 50 users", "/users")
        found = {u: self._users[u] for u in wanted if u in self._users}
        if not found:
            raise SlackError("user_not_found")
        return {"users": {u: self._dnd_of(user) for u, user in found.items()}}

    def _dnd_of(self, user: User) -> dict[str, Any]:
        now = self._clock()
        until = user.dnd_until if user.dnd_until and user.dnd_until > now else None
        return {
            "dnd_enabled": until is not None,
            "next_dnd_start_ts": int(now) if until else 1,
            "next_dnd_end_ts": int(until) if until else 1,
        }

    def _usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        usergroups = []
        for usergroup_id, (handle, users) in self._usergroups.items():
            usergroup = {
                "id": usergroup_id,
                "team_id": self.team_id,
                "is_usergroup": True,
                "name": handle,
                "handle": handle,
                "user_count": len(users),
                "date_delete": 0,
            }
            if flag(args.get("include_users")):
                usergroup["users"] = list(users)
            usergroups.append(usergroup)
        return {"usergroups": usergroups}

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        usergroup = self._usergroups.get(required(args, "usergroup"))
        if usergroup is None:
            raise SlackError("no_such_subteam")
        return {"users": list(usergroup[1])}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            channel = self._visible_channel(args["channel"])
            existed = True
        else:
            user_ids = [u for u in required(args, "users").split(",") if u]
            if len(user_ids) != 1:
                raise invalid_arguments("the Slack double opens DMs with one user only", "/users")
            user = self._users.get(user_ids[0])
            if user is None:
                raise SlackError("user_not_found")
            if user.deleted:
                raise SlackError("user_disabled")
            existed = user.id in self._dm_by_user
            channel = self._dm_channel(user.id)
        body: dict[str, Any] = {"channel": {"id": channel.id}}
        if existed:
            body |= {"no_op": True, "already_open": True}
        if flag(args.get("return_im")):
            body["channel"] = self._channel_object(channel)
        return body

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._visible_channel(required(args, "channel"))
        return {"channel": self._channel_object(channel)}

    # ----- the workspace, inside a call

    def _dm_channel(self, user_id: str) -> Channel:
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self._new_id("D")
            self._dm_by_user[user_id] = channel_id
            self._channels[channel_id] = Channel(
                id=channel_id, name=user_id, dm_user=user_id, created=int(self._clock())
            )
        return self._channels[channel_id]

    def _place(self, channel_ref: str) -> Channel | None:
        """Where a person or a hook posts: a channel or DM by id, or a user id for the bot's DM."""
        if channel_ref[:1] in ("U", "W"):
            return self._dm_channel(channel_ref) if channel_ref in self._users else None
        return self._channels.get(channel_ref)

    def _visible_channel(self, channel_ref: str | None) -> Channel:
        """A channel the bot can see: by id, "#name" or name; private ones only as a member."""
        ref = (channel_ref or "").removeprefix("#")
        channel = self._channels.get(ref) or next(
            (c for c in self._channels.values() if c.name == ref and not c.is_im), None
        )
        if channel is None or (channel.is_private and not channel.is_member):
            raise SlackError("channel_not_found")
        return channel

    def _postable_channel(self, channel_ref: str | None) -> Channel:
        """Where a message to `channel_ref` lands; a user id means the bot's DM with that user.

        A DM to a deactivated user succeeds, as on Slack: nobody will read it.
        """
        if channel_ref and channel_ref[:1] in ("U", "W"):
            if channel_ref not in self._users:
                raise SlackError("channel_not_found")
            return self._dm_channel(channel_ref)
        channel = self._visible_channel(channel_ref)
        if channel.is_archived:
            raise SlackError("is_archived")
        if not channel.is_member:
            raise SlackError("not_in_channel")
        return channel

    # ----- Slack's objects

    def _user_object(self, user: User) -> dict[str, Any]:
        now = datetime.fromtimestamp(self._clock(), ZoneInfo(user.tz))
        offset = now.utcoffset()
        assert offset is not None, "a time in a ZoneInfo zone is aware"
        return {
            "id": user.id,
            "team_id": user.team_id,
            "name": user.name,
            "deleted": user.deleted,
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": now.tzname(),
            "tz_offset": int(offset.total_seconds()),
            "is_admin": user.is_admin,
            "is_owner": user.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": user.is_bot,
            "is_app_user": False,
            "updated": int(self._clock()),
            "profile": {
                "real_name": user.real_name,
                "real_name_normalized": user.real_name,
                "display_name": user.display_name or user.name,
                "display_name_normalized": user.display_name or user.name,
                "team": user.team_id,
                **({"email": user.email} if user.email else {}),
            },
        }

    def _channel_object(self, channel: Channel) -> dict[str, Any]:
        if channel.is_im:
            user = self._users.get(channel.dm_user or "")
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.dm_user,
                "is_user_deleted": bool(user and user.deleted),
                "priority": 0,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "created": channel.created,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_general": channel.name == "general",
            "is_shared": False,
            "is_org_shared": False,
            "is_member": channel.is_member,
        }
