"""Slack's file upload (files.getUploadURLExternal, the upload URL, files.completeUploadExternal).

slack_sdk's `files_upload_v2` makes three calls: it asks for an upload URL and a file id, POSTs
the bytes to that URL, then completes the upload, sharing the file to channels. The stand-in keeps
the bytes (tests read them back with `SlackStandIn.file_bytes`) and posts the share message to
each channel as Slack does. Refusals are Slack's documented error codes; where Slack documents
none (the upload URL itself), the stand-in answers an HTTP error, which slack_sdk raises as
`SlackRequestError`, as it would for Slack's.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from bot.sandbox.standin_state import ApiError, Channel, UploadedFile
from bot.sandbox.standin_workspace import Args, Workspace

ALT_TXT_MAX = 1000
FILE_MAX = 1024**3  # Slack's limit for one file: 1 GB
SNIPPET_MAX = 1024**2  # a snippet is at most 1 MB
CHANNELS_MAX = 100
# Slack says an upload URL is short-lived without saying how short; the stand-in allows ten
# minutes, so a test can move its clock past that and see the URL refused.
UPLOAD_URL_SECONDS = 600
SNIPPET_TYPES = frozenset(
    {"text", "csv", "json", "markdown", "python", "shell", "sql", "yaml", "xml", "html", "diff"}
)  # the common ones of Slack's list; anything else is unknown_snippet_type


def get_upload_url(ws: Workspace, args: Args) -> dict[str, Any]:
    """Step 1: a file id and the one URL its bytes may be POSTed to."""
    length = _length(args)
    alt_txt = args.text("alt_txt")
    if len(alt_txt) > ALT_TXT_MAX:
        raise ApiError("alt_txt_too_large")
    snippet_type = args.optional("snippet_type")
    if snippet_type is not None and snippet_type not in SNIPPET_TYPES:
        raise ApiError("unknown_snippet_type")
    if snippet_type is not None and length > SNIPPET_MAX:
        raise ApiError("snippet_too_large")
    if length > FILE_MAX:
        raise ApiError("file_upload_size_restricted")
    if ws.base_url is None:
        raise RuntimeError("serve() the stand-in before uploading files")
    upload = UploadedFile(
        id=ws.new_id("F"),
        filename=args.text("filename"),
        length=length,
        upload_key=secrets.token_urlsafe(12),
        issued_at=ws.clock(),
        alt_txt=alt_txt,
        snippet_type=snippet_type,
    )
    ws.uploads[upload.id] = upload
    return {"file_id": upload.id, "upload_url": f"{ws.base_url}upload/v1/{upload.upload_key}"}


def _length(args: Args) -> int:
    """`length` is an integer of at least 1; Slack answers 0 with missing_argument."""
    try:
        length = int(args.text("length"))
    except ValueError:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] must be an integer [json-pointer:/length]"]},
        ) from None
    if length == 0:
        raise ApiError("missing_argument")
    if length < 0:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] must be at least 1 [json-pointer:/length]"]},
        )
    return length


def receive(ws: Workspace, upload_key: str, body: bytes, content_type: str) -> tuple[int, str]:
    """Step 2: the bytes POSTed to an upload URL, raw or as multipart form data. Returns the HTTP
    status and text: 200 "OK - <bytes>", 404 for an unknown, used or expired URL, 400 when the
    bytes do not match the length announced in step 1."""
    upload = next((u for u in ws.uploads.values() if u.upload_key == upload_key), None)
    if upload is None or upload.completed:
        return 404, "upload URL not found"
    if ws.clock() - upload.issued_at > UPLOAD_URL_SECONDS:
        return 404, "upload URL expired"
    data = _file_part(body, content_type)
    if len(data) != upload.length:
        return 400, f"expected {upload.length} bytes, got {len(data)}"
    upload.data = data
    return 200, f"OK - {len(data)}"


def _file_part(body: bytes, content_type: str) -> bytes:
    """The file's bytes: the body itself, or the first part of a multipart form."""
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    header = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(header + body)
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            return payload
    return b""


def complete(ws: Workspace, args: Args) -> dict[str, Any]:
    """Step 3: the uploaded files become files, shared to the channels named (one message per
    channel carrying all of them), or kept private when no channel is named."""
    uploads = [_uploaded(ws, item) for item in _files_arg(args.raw("files"))]
    targets = _targets(ws, args)
    thread_ts = args.optional("thread_ts")
    if thread_ts is not None and len(targets) > 1:
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] thread_ts needs exactly one channel"]},
        )
    now = int(ws.clock())
    for upload, title in uploads:
        upload.completed, upload.created, upload.title = True, now, title or upload.filename
    for channel in targets:
        message = ws.post(
            channel,
            user=ws.bot_user_id,
            text=args.text("initial_comment"),
            blocks=[],
            thread_ts=thread_ts,
        )
        message.files = [upload.id for upload, _ in uploads]
        for upload, _ in uploads:
            upload.shares.append(channel.id)
    return {"files": [file_json(ws, upload) for upload, _ in uploads]}


def _files_arg(value: Any) -> list[dict[str, Any]]:
    files = json.loads(value) if isinstance(value, str) else value
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) for f in files):
        raise ApiError(
            "invalid_arguments",
            response_metadata={"messages": ["[ERROR] must be an array of {id, title} objects"]},
        )
    return files


def _uploaded(ws: Workspace, item: dict[str, Any]) -> tuple[UploadedFile, str]:
    """A file whose bytes arrived and that was not completed already."""
    upload = ws.uploads.get(str(item.get("id") or ""))
    if upload is None or upload.data is None or upload.completed:
        raise ApiError("file_not_found")
    return upload, str(item.get("title") or "")


def _targets(ws: Workspace, args: Args) -> list[Channel]:
    """`channel_id` (one channel) and `channels` (ids, or user ids for the bot's DM with them)."""
    found: list[Channel] = []
    channel_id = args.optional("channel_id")
    if channel_id is not None:
        found.append(_shareable(ws, channel_id, unknown="channel_not_found"))
    names = [name.strip() for name in args.text("channels").split(",") if name.strip()]
    if len(names) > CHANNELS_MAX:
        raise ApiError("channels_limit_exceeded")
    found += [_shareable(ws, name, unknown="invalid_channel") for name in names]
    return list({channel.id: channel for channel in found}.values())


def _shareable(ws: Workspace, value: str, *, unknown: str) -> Channel:
    try:
        channel = ws.target(value)
    except ApiError:
        raise ApiError(unknown) from None
    if channel.is_archived:
        raise ApiError("invalid_channel")
    if not channel.is_im and ws.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")
    return channel


def file_json(ws: Workspace, upload: UploadedFile) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
    extension = upload.filename.rpartition(".")[2].lower() if "." in upload.filename else ""
    return {
        "id": upload.id,
        "created": upload.created,
        "timestamp": upload.created,
        "name": upload.filename,
        "title": upload.title,
        "mimetype": mimetype,
        "filetype": extension or "binary",
        "user": ws.bot_user_id,
        "size": upload.length,
        "alt_txt": upload.alt_txt,
        "is_public": any(not ws.channels[c].is_private for c in upload.shares if c in ws.channels),
        "channels": [c for c in upload.shares if not ws.channels[c].is_private],
        "ims": [c for c in upload.shares if ws.channels[c].is_im],
        "url_private": f"https://files.slack.com/files-pri/{ws.team_id}-{upload.id}/"
        f"{upload.filename}",
    }


METHODS: dict[str, Callable[[Workspace, Args], dict[str, Any]]] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete,
}
