"""Errors meant for the person acting: their message is shown to them as it is."""

from __future__ import annotations


class UserFacingError(ValueError):
    """A refusal or a bad input, worded for the person who caused it."""


class NotAllowed(UserFacingError):
    """PERM-1: the person lacks the role an action needs; the message names the role and its
    holders."""


class CaseNotFound(UserFacingError):
    pass


class CaseChanged(UserFacingError):
    """Someone else changed the case at the same moment; trying again is safe."""


TRY_AGAIN = (
    "The desk's database is not answering right now, so nothing was changed. Please try again "
    "in a moment."
)


def is_database_outage(error: BaseException) -> bool:
    """The database could not be reached or was busy: the action failed whole and a retry in
    a moment is the answer (a restart of PostgreSQL, SQLite's writer lock held too long)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
