"""Files, as Slack's current upload flow takes them: files.getUploadURLExternal gives an upload
URL, the bytes are POSTed there, files.completeUploadExternal shares the file in a channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from app.sandbox.slack_double.messages import Messages
from app.sandbox.slack_double.records import SlackError, invalid_arguments, required
from app.sandbox.slack_double.state import UPLOAD_PATH


@dataclass
class UploadedFile:
    id: str
    filename: str
    length: int  # the size files.getUploadURLExternal was told
    content: bytes | None = None  # None until the bytes arrive at the upload URL
    title: str | None = None
    channel: str | None = None  # where completeUploadExternal shared it


class Files(Messages):
    WEB_API: ClassVar[dict[str, str]] = {
        "files.getUploadURLExternal": "_files_get_upload_url",
        "files.completeUploadExternal": "_files_complete_upload",
    }

    def uploaded_file(self, file_id: str) -> UploadedFile:
        with self._lock:
            return self._files[file_id]

    def shared_files(self, channel_ref: str) -> list[UploadedFile]:
        """The files shared in a channel (a user id: the bot's DM with them), oldest first."""
        with self._lock:
            channel = self._dm_by_user.get(channel_ref, channel_ref)
            return [f for f in self._files.values() if f.channel == channel]

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = required(args, "filename")
        length = str(args.get("length") or "")
        if not length.isdigit() or int(length) < 1:
            raise invalid_arguments("length must be a positive integer", "/length")
        file_id = self._new_id("F")
        self._files[file_id] = UploadedFile(file_id, filename, int(length))
        return {"upload_url": f"{self._origin()}{UPLOAD_PATH}{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: bytes) -> tuple[int, str]:
        """The POST to an upload URL: (status, text), as Slack's upload host answers."""
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None:
                return 404, "unknown upload"
            upload.content = body
            return 200, f"OK - {len(body)}"

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        if not isinstance(files, list) or not files:
            raise invalid_arguments("files must be a non-empty JSON array", "/files")
        channel = None
        if args.get("channel_id"):
            channel = self._visible_channel(args["channel_id"])
        shared = []
        for item in files:
            upload = self._files.get(str((item or {}).get("id")))
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            if len(upload.content) != upload.length:
                raise SlackError("file_upload_size_mismatch")
            upload.title = item.get("title") or upload.filename
            upload.channel = channel.id if channel else None
            shared.append({"id": upload.id, "name": upload.filename, "title": upload.title})
        if channel is not None:
            text = args.get("initial_comment") or ""
            message = self._new_message(
                "files.completeUploadExternal", channel, {"text": text or " "}
            )
            message.files = shared
            self._messages.setdefault(channel.id, []).append(message)
            self._changed()
        return {"files": shared}
