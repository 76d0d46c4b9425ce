"""`/coach <word>`: each surface registers its own words, and the /coach listener dispatches to
them, so no listener imports another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack
from slack_sdk import WebClient

from app.slack.services import Requester


@dataclass(frozen=True)
class Subcommand:
    """What a `/coach <word>` handler starts from; `words` are those after its own."""

    ack: Ack
    command: dict
    client: WebClient
    fast_client: WebClient
    requester: Requester
    words: list[str]


Handler = Callable[[Subcommand], None]


class Subcommands:
    """The words `/coach` knows besides its own, per app."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def add(self, word: str, handler: Handler) -> None:
        if word in self._handlers:
            raise ValueError(f"/coach {word} is registered twice")
        self._handlers[word] = handler

    def get(self, word: str) -> Handler | None:
        return self._handlers.get(word)
