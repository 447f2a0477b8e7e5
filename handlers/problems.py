"""CLOSE-5 and QUAL-3 in Slack: `/problem` (show, list, review, action, done, submit, approve,
reject) and the buttons of the problem card."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from bot.desk import Desk, ProblemSummary
from bot.errors import UserFacingError
from bot.render.problem_notes import ACTION_APPROVE, ACTION_DONE, ACTION_SUBMIT
from bot.text import plain
from bot.views.results import error_message
from handlers.modal_buttons import pair
from handlers.replies import actor_of, button

HELP = """*Problem cases*: `/problem` commands
• `/problem list` — open problems
• `/problem show PRB-1` — state, review and preventive actions
• `/problem review PRB-1 <what happened, why, what will prevent it>` — write the review
• `/problem action PRB-1 @owner <2026-12-15 or 14d> <what will be done>` — a preventive action
• `/problem done PRB-1 A1 [note]` — record an action as done
• `/problem submit PRB-1` — send the report for management's approval
• `/problem approve PRB-1` · `/problem reject PRB-1 <reason>` — managers decide"""
ACTION_NUMBER = re.compile(r"^A?(\d{1,3})$", re.IGNORECASE)


def register(app: App, desk: Desk) -> None:
    @app.command("/problem")
    def problem_command(ack: Ack, command: dict[str, Any]) -> None:
        try:
            ack(text=_run(desk, (command.get("text") or "").strip(), str(command["user_id"])))
        except UserFacingError as exc:
            ack(**error_message(str(exc)))

    def done(body: dict[str, Any]) -> dict[str, Any]:
        problem_id, number = pair(body, points_at="a problem")
        found = desk.follow_up.complete_problem_action(
            f"PRB-{problem_id}", number, actor=actor_of(body)
        )
        return {"text": f"A{number} of {found.ref} is recorded as done. {_state(found)}"}

    button(app, re.compile(f"^{ACTION_DONE}_\\d+$"), done)

    def submit(body: dict[str, Any]) -> dict[str, Any]:
        problem_id = pair(body, points_at="a problem")[0]
        found = desk.follow_up.submit_problem(f"PRB-{problem_id}", actor=actor_of(body))
        return {"text": f"{found.ref} is submitted for management's approval."}

    button(app, ACTION_SUBMIT, submit)

    def approve(body: dict[str, Any]) -> dict[str, Any]:
        problem_id = pair(body, points_at="a problem")[0]
        found = desk.follow_up.decide_problem(
            f"PRB-{problem_id}", actor=actor_of(body), approve=True
        )
        return {"text": f"You approved {found.ref}. {_state(found)}"}

    button(app, ACTION_APPROVE, approve)


def _run(desk: Desk, text: str, actor: str) -> str:
    verb, _, rest = text.partition(" ")
    verb, rest = verb.lower(), rest.strip()
    if verb == "list":
        return _listing(desk.follow_up.open_problems())
    if verb not in ("show", "review", "action", "done", "submit", "approve", "reject"):
        return HELP
    ref, _, rest = rest.partition(" ")
    if not ref:
        raise UserFacingError(f"Name the problem: `/problem {verb} PRB-1 ...`.")
    rest = rest.strip()
    if verb == "show":
        return _shown(desk.follow_up.problem(ref))
    if verb == "review":
        reviewed = desk.follow_up.review_problem(ref, actor=actor, text=plain(rest))
        return f"Review saved on {reviewed.ref}."
    if verb == "action":
        found = desk.follow_up.add_problem_action(ref, actor=actor, text=rest)
        return f"Action A{found.actions} added to {found.ref}; its owner is told and reminded."
    if verb == "done":
        number_text, _, note = rest.partition(" ")
        number = ACTION_NUMBER.match(number_text)
        if number is None:
            raise UserFacingError(f"Name the action: `/problem done {ref} A1 [note]`.")
        found = desk.follow_up.complete_problem_action(
            ref, int(number.group(1)), actor=actor, note=plain(note)
        )
        return f"A{number.group(1)} of {found.ref} is recorded as done. {_state(found)}"
    if verb == "submit":
        return f"{desk.follow_up.submit_problem(ref, actor=actor).ref} is submitted for approval."
    approve = verb == "approve"
    found = desk.follow_up.decide_problem(ref, actor=actor, approve=approve, reason=plain(rest))
    if approve:
        return f"You approved {found.ref}. {_state(found)}"
    return f"{found.ref} is sent back to <@{found.owner_id}> with your reason."


def _state(found: ProblemSummary) -> str:
    return f"{found.ref}: {found.state_label} ({found.open_actions} of {found.actions} open)."


def _shown(found: ProblemSummary) -> str:
    review = "written" if found.reviewed else "not written yet"
    return (
        f"*{found.ref}* from {found.case_ref} · {found.state_label} · owner <@{found.owner_id}> · "
        f"review {review} · {found.actions} action(s), {found.open_actions} open. The card in "
        "the problems channel shows them all."
    )


def _listing(found: list[ProblemSummary]) -> str:
    if not found:
        return "No open problems."
    return "*Open problems*\n" + "\n".join(
        f"• *{p.ref}* from {p.case_ref} · {p.state_label} · owner <@{p.owner_id}> · "
        f"{p.open_actions} of {p.actions} action(s) open"
        for p in found[:50]
    )
