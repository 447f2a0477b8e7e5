"""What a person reads in the sandbox terminal for Slack messages and modals."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.sandbox.standin_state import Ephemeral, Message
from bot.sandbox.transcript import mrkdwn, render_message, render_view

USERS = {"U0ALICE": "Alice Ames", "UCASEBOT": "Casedesk"}
TS = "1700000000.000100"  # 22:13:20 UTC


def text(value: str, kind: str = "plain_text") -> dict[str, str]:
    return {"type": kind, "text": value}


def test_mrkdwn_markup_made_plain() -> None:
    raw = (
        "<@U0ALICE> see <#C0DESKQ|desk-queue> and <#C0HELP> <!here> "
        "<https://kb.example/42|KB 42> <https://x.example> "
        "<!date^1700000000^{date_short_pretty} {time}|Nov 14> "
        "&lt;b&gt; &amp; <!subteam^S0DESK|@desk>"
    )
    assert mrkdwn(raw, users=USERS, channels={"C0HELP": "it-help"}) == (
        "@Alice Ames see #desk-queue and #it-help @here KB 42 (https://kb.example/42) "
        "https://x.example Tue 14 Nov 22:13 <b> & @desk"
    )
    tokyo = mrkdwn(raw, users=USERS, tz=ZoneInfo("Asia/Tokyo"))
    assert "Wed 15 Nov 07:13" in tokyo, "a date token reads in the reader's own zone"
    assert mrkdwn("<@U0BOB> <#C0X>", users=USERS) == "@U0BOB #C0X"


def test_plain_message_with_marks() -> None:
    message = Message(ts=TS, channel="C0DESKQ", user="U0ALICE", text="VPN is *down*",
                      edited=True, pinned=True)  # fmt: skip
    assert render_message(message, users=USERS) == (
        "📌 [22:13] Alice Ames:\nVPN is *down* (edited)"
    )


def test_thread_reply_and_ephemeral() -> None:
    reply = {"ts": "1700000060.000200", "thread_ts": TS, "user": "UCASEBOT", "text": "noted"}
    assert render_message(reply, users=USERS) == "  ↳ [22:14] Casedesk:\n    noted"
    ephemeral = Ephemeral(ts=TS, channel="C0DESKQ", user="UCASEBOT", text="only you")
    assert render_message(ephemeral, users=USERS).startswith(
        "[22:13] Casedesk: (only visible to you)"
    )


def test_message_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": text("Case 42")},
        {"type": "section", "text": text("Reported by <@U0ALICE>", "mrkdwn"),
         "fields": [text("*Priority:*\nHigh", "mrkdwn"), text("*Queue*\ndesk", "mrkdwn")]},
        {"type": "context", "elements": [
            text("Opened 10:02", "mrkdwn"), text("P2", "mrkdwn"),
            {"type": "image", "image_url": "https://i", "alt_text": "sla"}]},
        {"type": "divider"},
        {"type": "actions", "elements": [
            {"type": "button", "text": text("Take it"), "style": "primary", "action_id": "take"},
            {"type": "button", "text": text("Reclassify"), "action_id": "reclassify"},
            {"type": "static_select", "action_id": "pick", "placeholder": text("Choose…"),
             "options": [{"text": text("A"), "value": "a"}]},
            {"type": "overflow", "action_id": "more",
             "options": [{"text": text("A"), "value": "a"}]},
        ]},
        {"type": "image", "image_url": "https://i", "alt_text": "graph"},
        {"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [
                {"type": "text", "text": "ping "}, {"type": "user", "user_id": "U0ALICE"}]},
            {"type": "rich_text_list", "style": "bullet", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}]},
        ]},
    ]  # fmt: skip
    message = {"ts": TS, "user": "UCASEBOT", "text": "fallback", "blocks": blocks}
    assert render_message(message, users=USERS).splitlines() == [
        "[22:13] Casedesk:",
        "Case 42",
        "═══════",
        "Reported by @Alice Ames",
        "Priority: High",
        "Queue: desk",
        "Opened 10:02 · P2 · [image: sla]",
        "─" * 40,
        "[ Take it ]  [ Reclassify ]  [Choose… ▾]  [ ⋯ ]",
        "[image: graph]",
        "ping @Alice Ames",
        "• one",
    ]


def test_section_accessory() -> None:
    block = {"type": "section", "text": text("Assign", "mrkdwn"),
             "accessory": {"type": "users_select", "action_id": "who"}}  # fmt: skip
    rendered = render_message({"ts": TS, "user": "UCASEBOT", "blocks": [block]}, users=USERS)
    assert rendered.splitlines()[1:] == ["Assign", "[Choose… ▾]"]


def intake_view() -> dict[str, Any]:
    options = [{"text": text("Hardware"), "value": "hw"}, {"text": text("Software"), "value": "sw"}]
    return {
        "type": "modal",
        "title": text("New request"),
        "submit": text("Submit"),
        "close": text("Cancel"),
        "blocks": [
            {"type": "section", "text": text("Tell us what broke.", "mrkdwn")},
            {"type": "input", "block_id": "summary", "label": text("Summary"),
             "element": {"type": "plain_text_input", "action_id": "v", "multiline": True,
                         "placeholder": text("e.g. VPN drops every hour")}},
            {"type": "input", "block_id": "category", "label": text("Category"),
             "element": {"type": "static_select", "action_id": "v", "option_groups": [
                 {"label": text("Kinds"), "options": options},
                 {"label": text("More"), "options": [{"text": text("Other"), "value": "o"}]}]}},
            {"type": "input", "block_id": "who", "label": text("Affected person"), "optional": True,
             "element": {"type": "users_select", "action_id": "v", "initial_user": "U0ALICE"}},
            {"type": "input", "block_id": "impact", "label": text("Impact"),
             "element": {"type": "radio_buttons", "action_id": "v", "options": options,
                         "initial_option": options[1]}},
            {"type": "input", "block_id": "flags", "label": text("Flags"), "optional": True,
             "element": {"type": "checkboxes", "action_id": "v", "options": options}},
        ],
    }  # fmt: skip


def test_view_fields_choices_and_buttons() -> None:
    assert render_view(intake_view(), users=USERS).splitlines() == [
        "━━ New request ━━",
        "Tell us what broke.",
        "• Summary (required): ‹e.g. VPN drops every hour› [type: text, multiline]",
        "• Category (required): ‹empty› [type: select one of: Hardware | Software | Other]",
        "• Affected person (optional): @Alice Ames [type: a person]",
        "• Impact (required): Software [type: choose one of: Hardware | Software]",
        "• Flags (optional): ‹empty› [type: tick any of: Hardware | Software]",
        "[ Cancel ]  [ Submit ]",
    ]


def test_view_values_and_errors() -> None:
    values = {
        "summary": "VPN drops",
        "category": {"text": text("Hardware"), "value": "hw"},
        "flags": [{"text": text("Hardware"), "value": "hw"}, {"text": text("Software")}],
    }
    lines = render_view(
        intake_view(), users=USERS, values=values, errors={"summary": "Say a bit more"}
    ).splitlines()
    assert lines[2] == "• Summary (required): VPN drops [type: text, multiline]"
    assert lines[3] == "    ⚠ Say a bit more"
    assert lines[4].startswith("• Category (required): Hardware [")
    assert lines[7].startswith("• Flags (optional): Hardware, Software [")


def test_home_view_has_no_buttons() -> None:
    home = {"type": "home", "blocks": [{"type": "header", "text": text("Your cases")}]}
    assert render_view(home, users=USERS) == "━━ Home ━━\nYour cases\n══════════"
