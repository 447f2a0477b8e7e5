"""QUAL-2 at the front door: `/case figures` checks who is asking (PERM-1: managers read the
whole desk, a group's people their own groups, requesters nothing), reads their words against
the policy, and computes the figures in one read-only session."""

from __future__ import annotations

import re

from bot.desk.core import Area
from bot.figures import DeskFigures, desk_figures, scope_for
from bot.figures.request import parse_request
from bot.reports.csv_export import Selection
from bot.reports.delivery import CSV_OPERATION
from store.outbox import add_item


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

    def export_csv(self, *, text: str, actor: str) -> str:
        """`/case figures csv [period] [filters]`: the cases and timeline of the reader's scope
        as two CSV files in their DM. The files are built and uploaded by the dispatcher (an
        outbox row, retried like any message); the answer says what is coming."""
        scope = scope_for(self.policy, actor)
        now = self.clock.now()
        request = parse_request(text, policy=self.policy, scope=scope, now=now)
        selection = Selection(
            start=request.period.start, stop=request.period.end, scope=scope,
            filters=request.filters,
        )  # fmt: skip
        label = request.period.label
        slug = re.sub(r"[^a-z0-9]+", "-", request.period.key).strip("-") or "export"
        with self.db.transaction() as session:
            add_item(
                session,
                now=now,
                lane=f"export:{actor}",
                case_id=None,
                operation=CSV_OPERATION,
                target=actor,
                params={**selection.to_params(), "label": label, "slug": slug,
                        "scope": scope.label(self.policy)},
            )  # fmt: skip
        self.core.wake()
        return (
            f"Preparing your CSV export of *{label}* ({scope.label(self.policy)}): two files, "
            "the cases and their timeline events, will arrive in your DM with me in a moment."
        )
