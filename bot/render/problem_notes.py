"""CLOSE-5 and QUAL-3's messages: the problem card (edited in place as the work goes on) and the
notes to its owner, the owners of its actions and the managers who approve it."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from bot.problems import STATES
from bot.render.common import (
    as_dicts,
    buttons,
    context,
    readable_times,
    row_of,
    safe,
    section,
    user,
    when,
)
from bot.render.message import Message, RenderContext
from bot.text import clip
from store.models import Problem, ProblemAction

ACTION_DONE = "problem_action_done"
ACTION_SUBMIT = "problem_submit"
ACTION_APPROVE = "problem_approve"
TIMELINE_SHOWN = 8
SHOWN_KINDS = (
    "recorded",
    "major",
    "routed",
    "priority",
    "status_update",
    "escalated",
    "transferred",
    "resolution_proposed",
    "reopened",
    "closed",
    "note",
)


def _problem(ctx: RenderContext) -> Problem | None:
    return row_of(ctx, Problem, "problem")


def _action(ctx: RenderContext, problem: Problem) -> ProblemAction | None:
    return next((a for a in problem.actions if a.id == ctx.params.get("action")), None)


def _action_line(action: ProblemAction) -> str:
    done = (
        f" :white_check_mark: done by {user(action.done_by)} {when(action.done_at)}"
        + (f": {safe(action.done_note, 200)}" if action.done_note else "")
        if action.done_at
        else ""
    )
    return (
        f"*{action.ref}* {safe(action.text, 300)} · {user(action.owner_id)} · due "
        f"{when(action.due_at)}{done}"
    )


def problem_card(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    case = ctx.case
    if problem is None:
        return Message(text=f"The problem of {case.ref} no longer exists.")
    head = (
        f":mag: *{problem.ref}* · problem from *{case.ref}* ({case.priority}) · "
        f"{safe(case.summary, 200)}\n*State:* {STATES[problem.state]} · *Owner:* "
        f"{user(problem.owner_id)}"
    )
    review = (
        f"*Review* by {user(problem.reviewed_by)}:\n{safe(problem.review, 2500)}"
        if problem.review
        else f"*Review:* not written yet: `/problem review {problem.ref} <what happened, why, "
        "and what will stop it happening again>`"
    )
    actions = "\n".join(_action_line(a) for a in problem.actions) or (
        f"none yet: `/problem action {problem.ref} @owner 14d <what will be done>`"
    )
    blocks: list[Block] = [
        section(head),
        section(review),
        section(f"*Preventive actions*\n{actions}"),
    ]
    open_actions = [a for a in problem.actions if a.done_at is None][:4]
    specs: list[tuple[str, str, str, str | None]] = []
    for a in open_actions:
        specs.append(
            (f"{a.ref} done", f"{ACTION_DONE}_{a.number}", f"{problem.id}:{a.number}", None)
        )
    if problem.state == "open" and problem.review and problem.actions:
        specs.append(("Submit for approval", ACTION_SUBMIT, str(problem.id), "primary"))
    if problem.state == "awaiting_approval":
        specs.append(("Approve", ACTION_APPROVE, str(problem.id), "primary"))
    if specs and problem.state != "closed":
        blocks.append(buttons("problem", *specs))
    blocks.append(context(_timeline(problem)))
    if problem.approved_by and problem.approved_at:
        blocks.append(
            context(f"Approved by {user(problem.approved_by)} {when(problem.approved_at)}")
        )
    return Message(
        text=f"{problem.ref} ({STATES[problem.state]}): from {case.ref}", blocks=as_dicts(blocks)
    )


def _timeline(problem: Problem) -> str:
    """The case's timeline as it was at close, attached to the problem: the key lines."""
    key = [e for e in problem.timeline if e.get("kind") in SHOWN_KINDS]
    lines = [
        f"{readable_times(str(e.get('at') or ''))} {e.get('kind')}: "
        f"{readable_times(safe(str(e.get('reason') or e.get('new') or ''), 80))}"
        for e in key[-TIMELINE_SHOWN:]
    ]
    head = f"Case timeline at close ({len(problem.timeline)} entries; full: `/case history`)"
    return clip(head + ("\n" + "\n".join(lines) if lines else ""), 2900)


def problem_assigned(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    ref = problem.ref if problem else "A problem"
    text = (
        f":mag: You own *{ref}*, opened because *{ctx.case.ref}* ({ctx.case.priority}) closed: "
        f"{safe(ctx.case.summary, 200)}. Write the review (`/problem review {ref} <text>`), add "
        f"preventive actions with owners and due dates (`/problem action {ref} @owner 14d "
        f"<what>`), then submit it for management's approval (`/problem submit {ref}`)."
    )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text)]))


def problem_action_assigned(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    action = _action(ctx, problem) if problem else None
    if problem is None or action is None:
        return Message(text="A preventive action was assigned to you.")
    text = (
        f":hammer_and_wrench: You own preventive action *{action.ref}* of *{problem.ref}* "
        f"(from {ctx.case.ref}): {safe(action.text, 500)}\nDue {when(action.due_at)}. When it "
        f"is done: `/problem done {problem.ref} {action.ref} [note]` or the button on the card."
    )
    return Message(text=clip(text, 300), blocks=as_dicts([section(text)]))


def problem_action_due(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    action = _action(ctx, problem) if problem else None
    if problem is None or action is None:
        return Message(text="A preventive action is due.")
    late = ":warning: overdue" if ctx.params.get("overdue") else ":alarm_clock: due now"
    text = (
        f"{late}: *{action.ref}* of *{problem.ref}* · {safe(action.text, 500)} · owner "
        f"{user(action.owner_id)} · due {when(action.due_at)}"
    )
    blocks: list[Block] = [section(text)]
    if action.done_at is None:
        blocks.append(
            buttons(
                "problem",
                (
                    "Mark done",
                    f"{ACTION_DONE}_{action.number}",
                    f"{problem.id}:{action.number}",
                    "primary",
                ),
            )
        )
    return Message(text=clip(text, 300), blocks=as_dicts(blocks))


def problem_action_done(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    action = _action(ctx, problem) if problem else None
    if problem is None or action is None:
        return Message(text="A preventive action is done.")
    return Message(text=clip(f":white_check_mark: {_action_line(action)} ({problem.ref})", 3000))


def problem_approval_request(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    if problem is None:
        return Message(text="A problem report waits for approval.")
    text = (
        f":mag: {user(ctx.params.get('by'))} submits *{problem.ref}* (from {ctx.case.ref}) for "
        f"your approval: {len(problem.actions)} preventive action(s).\n*Review:* "
        f"{safe(problem.review, 1500)}\nSend it back with `/problem reject {problem.ref} <reason>`."
    )
    blocks: list[Block] = [section(text)]
    if problem.state == "awaiting_approval":
        blocks.append(buttons("problem", ("Approve", ACTION_APPROVE, str(problem.id), "primary")))
    return Message(text=clip(text, 300), blocks=as_dicts(blocks))


def problem_decided(ctx: RenderContext) -> Message:
    problem = _problem(ctx)
    ref = problem.ref if problem else "The problem"
    reason = str(ctx.params.get("reason") or "")
    by = user(ctx.params.get("by"))
    if reason:
        text = f":leftwards_arrow_with_hook: {by} sent *{ref}* back: {safe(reason, 1500)}"
    else:
        text = f":white_check_mark: {by} approved *{ref}*; it closes when its last action is done."
    return Message(text=clip(text, 300), blocks=as_dicts([section(text)]))
