"""Derive the compact Slack method table the stand-in ships with, from the shared method reference.

The product cannot read the shared reference at run time, so this keeps the shipped
`slack_methods.json` reproducible: `python -m bot.sandbox.slack_methods_build <dir>`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).with_name("slack_methods.json")

# Facts Slack enforces that the scraped reference leaves out. "a|b" means one of a or b is required.
EXTRA_REQUIRED: Mapping[str, Sequence[str]] = {
    "views.open": ("trigger_id|interactivity_pointer",),
    "views.push": ("trigger_id|interactivity_pointer",),
}
# Methods the bot calls that the scraped reference does not cover, from Slack's method pages.
EXTRA_METHODS: Mapping[str, Mapping[str, Any]] = {
    "users.getPresence": {"tier": "t3", "required": ["user"], "errors": ["user_not_found"]},
    "conversations.history": {
        "tier": "t3",
        "required": ["channel"],
        "errors": ["channel_not_found", "invalid_cursor", "invalid_limit", "not_in_channel"],
    },
    "conversations.replies": {
        "tier": "t3",
        "required": ["channel", "ts"],
        "errors": [
            "channel_not_found",
            "invalid_cursor",
            "invalid_limit",
            "not_in_channel",
            "thread_not_found",
        ],
    },
}
# files_upload_v2's two methods (Slack's method pages; Tier 4, scope files:write).
EXTRA_METHODS_FILES: Mapping[str, Mapping[str, Any]] = {
    "files.getUploadURLExternal": {
        "tier": "t4",
        "required": ["filename", "length"],
        "errors": [
            "alt_txt_too_large",
            "file_upload_size_restricted",
            "file_uploads_disabled",
            "missing_argument",
            "snippet_too_large",
            "storage_limit_reached",
            "unknown_snippet_type",
            "unknown_subtype",
        ],
    },
    "files.completeUploadExternal": {
        "tier": "t4",
        "required": ["files"],
        "errors": [
            "access_denied",
            "channel_not_found",
            "channels_limit_exceeded",
            "file_not_found",
            "file_update_failed",
            "invalid_blocks",
            "invalid_channel",
            "not_in_channel",
            "posting_to_channel_denied",
        ],
    },
}
EXTRA_ERRORS: Mapping[str, Sequence[str]] = {
    # Slack's older reference lists it; the stand-in refuses over-long text, never truncates.
    "chat.postMessage": ("msg_too_long",),
}


def describe(method: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """One method's entry: rate tier, required arguments (token is implied), error codes."""
    args = spec.get("args", {})
    required = [name for name in args.get("required", []) if name != "token"]
    required += [name for name in EXTRA_REQUIRED.get(method, ()) if name not in required]
    errors = sorted(set(spec.get("errors", {})) | set(EXTRA_ERRORS.get(method, ())))
    return {"tier": str(spec.get("rate_limits", "t3")), "required": required, "errors": errors}


def build(source: Path) -> dict[str, dict[str, Any]]:
    """The whole table from a folder of `<method>.json` files."""
    table: dict[str, dict[str, Any]] = {}
    for path in sorted(source.glob("*.json")):
        table[path.stem] = describe(path.stem, json.loads(path.read_text(encoding="utf-8")))
    if not table:
        raise ValueError(f"no method files in {source}")
    for method, entry in {**EXTRA_METHODS, **EXTRA_METHODS_FILES}.items():
        table.setdefault(method, dict(entry))
    return table


def render(table: Mapping[str, Any]) -> str:
    """Stable text, so the committed file diffs cleanly and a test can compare it byte for byte."""
    return json.dumps(table, indent=1, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m bot.sandbox.slack_methods_build <slack-api-methods dir>")
        return 2
    OUTPUT.write_text(render(build(Path(args[0]))), encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
