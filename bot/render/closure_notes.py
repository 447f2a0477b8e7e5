"""CLOSE-1..5's messages: the proposal to the coordinator, "Is it working now?" to the
requester, the reopen with the requester's words, and the close told to everyone."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ConfirmObject

from bot.render.common import as_dicts, buttons, context, safe, section, user
from bot.render.message import Message, RenderContext
from store.models import Case

ACTION_RESOLVE = "case_resolve"
ACTION_VERIFY = "case_verify"
ACTION_CLOSE = "case_close"
ACTION_WORKS = "verify_works"
ACTION_BROKEN = "verify_broken"
ACTION_WITHDRAW = "case_withdraw"


def withdrawable(case: Case) -> bool:
    """Whether to offer Withdraw: an open case that is not a major incident (one requester
    cannot withdraw what affects others; `closure.withdraw` refuses it anyway)."""
    return case.state != "closed" and not case.is_major


def withdraw_button(case: Case) -> Block:
    """The requester's own way out (CLOSE-4's "withdrawn"), asked twice: it closes the case."""
    return ActionsBlock(
        block_id="withdraw",
        elements=[
            ButtonElement(
                text="Withdraw this request",
                action_id=ACTION_WITHDRAW,
                value=str(case.number),
                confirm=ConfirmObject(
                    title="Withdraw the request?",
                    text=f"{case.ref} will be closed and the desk told that you no longer "
                    "need help with it.",
                    confirm="Withdraw it",
                    deny="Keep it open",
                ),
            )
        ],
    )


def _attempt(ctx: RenderContext) -> str:
    resolution = ctx.case.resolution
    kind = "Workaround" if resolution and resolution.is_workaround else "Fix"
    return f"*{kind}:* {safe(resolution.done if resolution else '', 1500)}"


def resolution_proposed(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f":white_check_mark: {user(ctx.params.get('by'))} proposes a resolution for *{case.ref}* "
        f"({safe(case.summary, 200)}).\n{_attempt(ctx)}\nVerify it with "
        f"{user(case.requester_id)} before closing."
    )
    blocks: list[Block] = [section(text)]
    if case.state == "waiting_on_coordinator":
        blocks.append(
            buttons(
                "verify",
                ("Verify with the requester", ACTION_VERIFY, str(case.number), "primary"),
            )
        )
    return Message(text=f"{case.ref}: a resolution is proposed", blocks=as_dicts(blocks))


def verify_request(ctx: RenderContext) -> Message:
    case = ctx.case
    lead = "A reminder: " if ctx.params.get("reminder") else ""
    text = (
        f"{lead}*{case.ref}* · {safe(case.summary, 200)}\nWe believe this is fixed. "
        f"{_attempt(ctx)}\n*Is it working now?*"
    )
    blocks: list[Block] = [section(text)]
    if case.state == "resolved" and case.verified_at is None:
        value = str(case.number)
        blocks.append(
            buttons(
                "answer",
                ("Yes, it works", ACTION_WORKS, value, "primary"),
                ("No, still broken", ACTION_BROKEN, value, "danger"),
            )
        )
    blocks.append(context(f"{ctx.policy.desk_name} · {case.ref}"))
    return Message(text=f"{case.ref}: is it working now?", blocks=as_dicts(blocks))


def verified(ctx: RenderContext) -> Message:
    case = ctx.case
    text = f":tada: {user(case.requester_id)} confirmed that *{case.ref}* works. Close it now."
    blocks: list[Block] = [section(text)]
    if case.state != "closed":
        blocks.append(buttons("close", ("Close the case", ACTION_CLOSE, str(case.number), None)))
    return Message(text=f"{case.ref}: the requester confirmed the fix", blocks=as_dicts(blocks))


def verify_unanswered(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f":hourglass: {user(case.requester_id)} has not answered whether *{case.ref}* works. "
        'You may close it with the code "No response".'
    )
    blocks: list[Block] = [section(text)]
    if case.state != "closed":
        blocks.append(buttons("close", ("Close the case", ACTION_CLOSE, str(case.number), None)))
    return Message(text=f"{case.ref}: no answer from the requester", blocks=as_dicts(blocks))


def reopened(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f":leftwards_arrow_with_hook: *{case.ref}* is reopened (reopen {case.reopen_count}): "
        f"{user(case.requester_id)} says it still does not work:\n>"
        f"{safe(str(ctx.params.get('words', '')), 2000)}"
    )
    return Message(
        text=f"{case.ref} was reopened by the requester", blocks=as_dicts([section(text)])
    )


def requester_reopened(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f"Thank you. *{case.ref}* is open again and back with {user(case.coordinator_id)}, "
        "who has your words. You do not need to repeat anything."
    )
    return Message(text=f"{case.ref} is open again", blocks=as_dicts([section(text)]))


def requester_closed(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    code = policy.closure_code(case.closure_code or "")
    record = case.closure
    summary = f"_{safe(case.summary, 300)}_"
    if case.closure_code == "withdrawn":
        text = (
            f"*{case.ref}* is withdrawn and closed, as asked. {summary}\n"
            "If you need help again, type `/case`."
        )
    elif case.closure_code == "duplicate":
        original = f"CASE-{record.duplicate_of if record else None}"
        text = (
            f"*{case.ref}* is closed as a duplicate: the desk is handling the same problem as "
            f"*{original}*, and you will hear about it there. {summary}"
        )
    else:
        text = (
            f"*{case.ref}* is closed: {code.label if code else case.closure_code}.\n"
            f"{summary}\nIf the problem comes back, reply here or type `/case`."
        )
    return Message(text=f"{case.ref} is closed", blocks=as_dicts([section(text)]))


def case_withdrawn(ctx: RenderContext) -> Message:
    """To the coordinator: the requester no longer needs help; nothing more to do."""
    case = ctx.case
    reason = str(ctx.params.get("reason") or "")
    why = f"\n>{safe(reason, 1500)}" if reason else ""
    text = (
        f":leftwards_arrow_with_hook: {user(ctx.params.get('by'))} withdrew *{case.ref}* "
        f"({safe(case.summary, 200)}). It is closed; there is nothing more to do.{why}"
    )
    return Message(text=f"{case.ref} was withdrawn", blocks=as_dicts([section(text)]))


def duplicate_closed(ctx: RenderContext) -> Message:
    """To the original's coordinator: another case was closed into this one."""
    case = ctx.case
    text = (
        f":link: CASE-{ctx.params.get('duplicate')} was closed as a duplicate of *{case.ref}* "
        f"({safe(case.summary, 200)}); its requester now follows {case.ref}."
    )
    return Message(text=f"A duplicate of {case.ref} was closed", blocks=as_dicts([section(text)]))


def case_closed(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    code = policy.closure_code(case.closure_code or "")
    label = code.label if code else case.closure_code
    fcr = " · first-contact resolution" if case.first_contact_resolution else ""
    text = f":lock: {user(ctx.params.get('by'))} closed *{case.ref}*: {label}{fcr}."
    if ctx.params.get("archive"):
        hours = int(policy.closure.channel_archive_after.total_seconds() // 3600)
        text += f"\nThis channel will be archived in {hours} h."
    return Message(text=f"{case.ref} is closed", blocks=as_dicts([section(text)]))


ACTION_APPROVE = "close_approve"
ACTION_REJECT = "close_reject"


def approval_request(ctx: RenderContext) -> Message:
    case, policy = ctx.case, ctx.policy
    record = case.closure
    code = policy.closure_code(record.code if record else "")
    label = code.label if code else str(record.code if record else None)
    text = (
        f":ballot_box_with_check: {user(ctx.params.get('by'))} asks to close *{case.ref}* "
        f"({case.priority}, {safe(case.summary, 200)}): {label}"
        f" · {safe(record.root_cause if record else '', 100)}.\n{_attempt(ctx)}\n"
        "It closes only with a manager's approval."
    )
    blocks: list[Block] = [section(text)]
    if case.state != "closed" and record is not None and record.awaiting_approval:
        value = str(case.number)
        blocks.append(
            buttons(
                "approval",
                ("Approve the close", ACTION_APPROVE, value, "primary"),
                ("Reject", ACTION_REJECT, value, "danger"),
            )
        )
    return Message(text=f"{case.ref}: approve its close?", blocks=as_dicts(blocks))


def closure_rejected(ctx: RenderContext) -> Message:
    case = ctx.case
    text = (
        f":no_entry: {user(ctx.params.get('by'))} rejected the close of *{case.ref}*:\n>"
        f"{safe(str(ctx.params.get('reason', '')), 1500)}"
    )
    return Message(text=f"{case.ref}: the close was rejected", blocks=as_dicts([section(text)]))


ACTION_WRITE_ARTICLE = "kb_from_case"


def write_article_prompt(ctx: RenderContext) -> Message:
    """CLOSE-5: no article was applied, so the resolution should become one."""
    case = ctx.case
    text = (
        f":books: *{case.ref}* closed without a knowledge-base article. Write one from this "
        "resolution (the form is filled in from the case), or update the article that came "
        "closest with `/kb edit KB-n`, so the next person finds the answer first."
    )
    blocks: list[Block] = [
        section(text),
        buttons(
            "article",
            ("Write an article from this resolution", ACTION_WRITE_ARTICLE, str(case.number), None),
        ),
    ]
    return Message(text=f"{case.ref}: write a knowledge-base article?", blocks=as_dicts(blocks))
