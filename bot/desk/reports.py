"""QUAL-2 at the front door: `/case figures` checks who is asking (PERM-1: managers read the
whole desk, a group's people their own groups, requesters nothing), reads their words against
the policy, and computes the figures in one read-only session."""

from __future__ import annotations

from bot.desk.core import Area
from bot.figures import DeskFigures, desk_figures, scope_for
from bot.figures.request import parse_request


class ReportsArea(Area):
    """The desk's figures, for the people allowed to read them."""

    def figures(self, *, text: str, actor: str) -> DeskFigures:
        """`[period] [group=…] [service=…] [priority=…]`; NotAllowed or UserFacingError with
        the answer when the reader or the words are wrong."""
        scope = scope_for(self.policy, actor)
        now = self.clock.now()
        request = parse_request(text, policy=self.policy, scope=scope, now=now)
        with self.db.reading() as session:
            return desk_figures(
                session,
                period=request.period,
                scope=scope,
                policy=self.policy,
                now=now,
                filters=request.filters,
            )
