"""A local Slack Web API: a small workspace, every call recorded and validated, faults on demand.

The double is one class made of parts, one module each: the state they share (state.py), what
it records (recording.py), the faults it injects (faults.py), users and conversations
(workspace.py), messages and response_url hooks (messages.py), views (views.py), what a person
does in the client (client.py) and the HTTP server (server.py).
"""

from __future__ import annotations

from typing import ClassVar

from app.sandbox.slack_double.client import PersonActions
from app.sandbox.slack_double.files import UPLOAD_PATH, Files, UploadedFile
from app.sandbox.slack_double.installs import Installs
from app.sandbox.slack_double.messages import HOOK_LIFETIME, HOOK_MAX_USES, Messages
from app.sandbox.slack_double.records import Channel, Message, RecordedCall, User
from app.sandbox.slack_double.server import JSON_FIELDS, UNAUTHENTICATED_METHODS, Serving
from app.sandbox.slack_double.state import API_PATH, HOOK_PATH
from app.sandbox.slack_double.views import VIEW_STACK_MAX, Views
from app.sandbox.slack_double.workspace import Workspace

__all__ = [
    "API_PATH",
    "HOOK_LIFETIME",
    "HOOK_MAX_USES",
    "HOOK_PATH",
    "JSON_FIELDS",
    "UNAUTHENTICATED_METHODS",
    "VIEW_STACK_MAX",
    "Channel",
    "Message",
    "RecordedCall",
    "SlackDouble",
    "User",
    "UPLOAD_PATH",
    "UploadedFile",
]


class SlackDouble(Serving, PersonActions):
    """A threaded HTTP server on 127.0.0.1 answering Slack Web API methods like Slack does."""

    WEB_API_METHODS: ClassVar[dict[str, str]] = (
        Workspace.WEB_API | Messages.WEB_API | Views.WEB_API | Installs.WEB_API | Files.WEB_API
    )
