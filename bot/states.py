"""The case life cycle: illegal moves are refused with the current state and what is allowed."""

from __future__ import annotations

from bot.errors import UserFacingError
from bot.vocabulary import STATES, TRANSITIONS


class TransitionRefused(UserFacingError):
    """A move the life cycle does not allow; the message says what is allowed instead."""


def check_transition(current: str, new: str) -> None:
    allowed = TRANSITIONS.get(current, ())
    if new not in allowed:
        options = ", ".join(STATES[s] for s in allowed) or "nothing (the case is closed)"
        raise TransitionRefused(
            f"The case is {STATES.get(current, current)}; it cannot become {STATES.get(new, new)}. "
            f"From here it can become: {options}."
        )
