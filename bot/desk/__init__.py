"""The workflow's front door: each method is one transaction that changes cases and writes the
Slack effects to the outbox together, then wakes the dispatcher. Handlers, the sandbox and tests
all come through here, with plain values in and plain values out; nothing here knows Slack.

The door is split by area, one module each; `Desk` is all of them together.
"""

from __future__ import annotations

from bot.desk.contact import ContactDoor
from bot.desk.core import CaseSummary, DeskCore, HeldForDuplicates, Recorded, parse_case_ref
from bot.desk.dm_questions import DmQuestionDoor
from bot.desk.follow_up import FollowUpDoor, ProblemSummary
from bot.desk.intake import IntakeDoor
from bot.desk.requests import RequestDoor
from bot.desk.work import WorkDoor


class Desk(IntakeDoor, WorkDoor, RequestDoor, FollowUpDoor, ContactDoor, DmQuestionDoor):
    """One desk: its policy, its database and its clock, with every action people take."""


__all__ = [
    "CaseSummary",
    "Desk",
    "DeskCore",
    "HeldForDuplicates",
    "ProblemSummary",
    "Recorded",
    "parse_case_ref",
]
