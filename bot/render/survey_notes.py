"""QUAL-1's survey message: one row of one-tap answers per question, answered ones shown."""

from __future__ import annotations

from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import object_session

from bot.render.common import as_dicts, buttons, context, safe, section
from bot.render.message import Message, RenderContext
from bot.surveys import questions_for
from store.models import Survey

ACTION_PREFIX = "survey_"


def survey(ctx: RenderContext) -> Message:
    case = ctx.case
    session = object_session(case)
    row = (
        session.execute(select(Survey).where(Survey.case_id == case.id)).scalar_one_or_none()
        if session is not None
        else None
    )
    answers = row.answers if row else {}
    blocks: list[Block] = [
        section(
            f"*{case.ref}* is closed: {safe(case.summary, 200)}\nHow did we do? One tap each; "
            "every answer helps."
        )
    ]
    for question in questions_for(row.request_type if row else case.request_type):
        given = answers.get(question.key)
        if given is not None:
            label = dict(question.choices).get(given, given)
            blocks.append(section(f"{question.text} *{label}* :white_check_mark:"))
            continue
        blocks.append(section(question.text))
        blocks.append(
            buttons(
                f"survey_{question.key}",
                *(
                    (label, f"{ACTION_PREFIX}{question.key}_{value}", f"{case.number}", None)
                    for value, label in question.choices
                ),
            )
        )
    if row and row.completed_at:
        blocks.append(context("Thank you: your answers go to the desk's managers."))
    else:
        blocks.append(context(f"{ctx.policy.desk_name} · {case.ref}"))
    return Message(text=f"{case.ref}: how did we do?", blocks=as_dicts(blocks))
