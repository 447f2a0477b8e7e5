"""Errors meant for the person acting: their message is shown to them as it is."""

from __future__ import annotations


class UserFacingError(ValueError):
    """A refusal or a bad input, worded for the person who caused it."""


class CaseNotFound(UserFacingError):
    pass


class CaseChanged(UserFacingError):
    """Someone else changed the case at the same moment; trying again is safe."""
