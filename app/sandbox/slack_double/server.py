"""The double's HTTP side: a threaded server on 127.0.0.1, requests decoded as Slack decodes
them, each call answered (faults first) and recorded."""

from __future__ import annotations

import base64
import contextlib
import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

from app.sandbox.slack_double.faults import Faults
from app.sandbox.slack_double.files import Files
from app.sandbox.slack_double.installs import AUTHORIZE_PATH, Installs
from app.sandbox.slack_double.records import Answer, RecordedCall, SlackError
from app.sandbox.slack_double.state import API_PATH, HOOK_PATH, UPLOAD_PATH

# Fields Slack takes as JSON; form-encoded calls carry them as JSON strings.
JSON_FIELDS = ("view", "blocks", "attachments", "metadata", "user_auth_blocks", "files")
# The name under which POSTs to a file's upload URL are recorded (and faults injected).
UPLOAD_METHOD = "files.upload_url"
# Methods Slack answers without a token.
UNAUTHENTICATED_METHODS = ("api.test", "oauth.v2.access")


class Serving(Faults, Files, Installs):
    """Starting and stopping the server, and answering one call through the method table."""

    # Slack's method name -> the name of the method answering it; the double combines its parts'.
    WEB_API_METHODS: ClassVar[dict[str, str]] = {}

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("the Slack double is already running")
        self._stopping.clear()
        server = _Server((self._host, self._port), _RequestHandler)
        server.double = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="slack-double",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        # Wakes handlers sleeping on an injected delay, so stopping never waits for them.
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def api_url(self) -> str:
        """The base URL for `WebClient(base_url=...)`, ending with "/"."""
        return f"{self._origin()}{API_PATH}"

    # ----- serving one request

    def _serve(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        unreadable: str | None,
        hook: str | None = None,
    ) -> Answer:
        """Answer and record one call; `unreadable` is Slack's error for a body it cannot decode.

        A POST to the response_url `hook` is recorded as a call of the method "response_url".
        """
        with self._recorded:
            fault = self._take_fault(method, self._team_of(token))
            if fault is not None and (fault.status != 200 or fault.error is not None):
                answer = self._fault_answer(fault)
            elif hook is not None:
                answer = self._hook_answer(hook, args, unreadable)
            elif unreadable is not None:
                answer = Answer(200, {"ok": False, "error": unreadable})
            else:
                answer = Answer(200, self._answer(method, args, token))
            answer.delay = fault.delay if fault is not None else 0.0
            self._calls.append(
                RecordedCall(
                    method=method,
                    args=copy.deepcopy(args),
                    status=answer.status,
                    response=copy.deepcopy(answer.body),
                    time=self._clock(),
                    token=token,
                )
            )
            self._recorded.notify_all()
        return answer

    def _serve_upload(self, file_id: str, body: bytes) -> Answer:
        """A file's bytes POSTed to its upload URL, recorded as the call "files.upload_url"
        (with the size received, not the bytes); faults are injected under that name too."""
        with self._recorded:
            fault = self._take_fault(UPLOAD_METHOD)
            if fault is not None and (fault.status != 200 or fault.error is not None):
                answer = self._fault_answer(fault)
            else:
                status, text = self._receive_upload(file_id, body)
                answer = Answer(status, {}, text=text)
            self._calls.append(
                RecordedCall(
                    method=UPLOAD_METHOD,
                    args={"file_id": file_id, "bytes": len(body)},
                    status=answer.status,
                    response=copy.deepcopy(answer.body),
                    time=self._clock(),
                )
            )
            self._recorded.notify_all()
        return answer

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        handler_name = self.WEB_API_METHODS.get(method)
        if handler_name is None:
            return {"ok": False, "error": "unknown_method", "req_method": method}
        handler = getattr(self, handler_name)
        if method not in UNAUTHENTICATED_METHODS:
            if not token:
                return {"ok": False, "error": "not_authed"}
            if self._team_of(token) is None:
                return {"ok": False, "error": "invalid_auth"}
        try:
            self._calling_token = token  # under the lock: what auth.test reads
            return {"ok": True, **handler(args)}
        except SlackError as refusal:
            return {"ok": False, "error": refusal.error, **refusal.extra}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Closing never waits for handlers: one may sit on an idle client connection.
    block_on_close = False
    double: Serving


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        double = self.server.double
        if url.path == AUTHORIZE_PATH and self.command == "GET":
            with double._lock:
                status, headers, page = double.authorize_page(dict(parse_qsl(url.query)))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.encode())))
            self.end_headers()
            self.wfile.write(page.encode())
            return
        if url.path.startswith(HOOK_PATH) and self.command == "POST":
            hook = url.path.removeprefix(HOOK_PATH)
            try:
                answer = double._serve("response_url", _decode_hook(body), None, None, hook)
            except ValueError as error:
                answer = double._serve("response_url", {}, None, str(error), hook)
        elif url.path.startswith(UPLOAD_PATH) and self.command == "POST":
            answer = double._serve_upload(url.path.removeprefix(UPLOAD_PATH), body)
        elif url.path.startswith(API_PATH):
            method = url.path.removeprefix(API_PATH)
            try:
                args, token = _decode_request(url.query, self.headers, body)
                answer = double._serve(method, args, token, unreadable=None)
            except ValueError as error:
                answer = double._serve(method, {}, None, unreadable=str(error))
        else:
            self.send_error(404)
            return
        if answer.delay and double._stopping.wait(answer.delay):
            return
        if answer.text is not None:
            payload, content_type = answer.text.encode(), "text/plain"
        else:
            payload, content_type = json.dumps(answer.body).encode(), "application/json"
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (an injected delay longer than its timeout)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the recorded calls say everything a test needs."""


def _decode_hook(body: bytes) -> dict[str, Any]:
    """A response_url message: a JSON object, as Bolt's `respond()` posts it."""
    try:
        decoded = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("invalid_payload") from None
    if not isinstance(decoded, dict):
        raise ValueError("invalid_payload")
    return decoded


def _decode_request(query: str, headers: Any, body: bytes) -> tuple[dict[str, Any], str | None]:
    """The call's arguments from the query string and a form or JSON body, and its token.

    slack_sdk's WebClient POSTs every method, even those it marks GET: with a JSON body for
    methods taking blocks or views, form-encoded otherwise; other clients send GET queries.
    """
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if body and content_type == "application/json":
        try:
            decoded = json.loads(body)
        except json.JSONDecodeError:
            raise ValueError("invalid_json") from None
        if not isinstance(decoded, dict):
            raise ValueError("invalid_json")
        args |= decoded
    elif body and content_type in ("", "application/x-www-form-urlencoded"):
        args |= dict(parse_qsl(body.decode(), keep_blank_values=True))
    elif body:
        raise ValueError("invalid_form_data")
    for name in JSON_FIELDS:
        if isinstance(args.get(name), str):
            # Undecodable, it stays as sent; the method answers invalid_blocks_format or the like.
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(args[name])
    authorization = headers.get("Authorization") or ""
    if authorization.startswith("Basic "):
        # oauth.v2.access: the app's client id and secret, as HTTP Basic credentials.
        with contextlib.suppress(ValueError):
            client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            args |= {"client_id": client_id, "client_secret": secret}
        authorization = ""
    token = args.pop("token", None) or authorization.removeprefix("Bearer ").strip() or None
    return args, token
