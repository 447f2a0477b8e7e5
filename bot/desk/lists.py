"""`/case list` and `/case search`: read-only, one read per page. Who sees which cases is
decided here (PERM-2: a requester only the cases they asked for; staff every case they may
read, PERM-1), never by the handler."""

from __future__ import annotations

from bot import case_lists, case_search
from bot.case_search import FIELD_NAMES
from bot.desk.core import Area
from bot.render.case_list import ACTION_LIST_PAGE, ACTION_SEARCH_PAGE, Listing, list_message
from bot.take import may_take
from config.policy import Policy
from store.models import Case

LIST_ORDER = "Most urgent first: priority, then the soonest SLA clock, then case number."
SEARCH_ORDER = "Best match first; typos are allowed."


class ListsArea(Area):
    """Lists of cases and the search over them."""

    def list_cases(self, text: str, *, viewer: str, page: int = 1) -> dict[str, object]:
        staff = self.policy.is_staff(viewer)
        query = case_lists.parse(self.policy, text, staff=staff)
        now = self.clock.now()
        chosen = case_lists.conditions(self.policy, query, viewer=viewer, staff=staff, now=now)
        with self.db.reading() as session:
            found = case_lists.read_page(
                session, chosen, case_lists.urgency_order(self.policy), page=page
            )
            listing = Listing(
                title=_title(self.policy, query) if staff else "Your open requests",
                order=LIST_ORDER,
                empty=_empty(query, staff=staff),
                cases=found.cases,
                clocks=case_lists.next_clocks(session, self.policy, found.cases, now=now),
                notes={},
                takeable=self._takeable(found.cases, viewer, staff=staff),
                total=found.total,
                page=found.page,
                pages=found.pages,
                page_action=ACTION_LIST_PAGE,
                query=query.words,
            )
            return list_message(self.policy, listing, staff=staff, now=now)

    def search(self, text: str, *, viewer: str, page: int = 1) -> dict[str, object]:
        staff = self.policy.is_staff(viewer)
        words = case_search.words_of(text)
        scope = [] if staff else [Case.requester_id == viewer]  # PERM-2
        size = case_lists.PAGE_SIZE
        now = self.clock.now()
        with self.db.reading() as session:
            ids = case_search.candidates(session, words, scope)
            hits = case_search.rank(session, ids, words)
            pages = max(1, -(-len(hits) // size))
            page = min(max(page, 1), pages)
            shown = hits[(page - 1) * size : page * size]
            by_number = {
                c.number: c
                for c in case_lists.read_page(
                    session,
                    [Case.number.in_([h.number for h in shown])],
                    [Case.number],
                    page=1,
                    size=size,
                ).cases
            }
            cases = [by_number[h.number] for h in shown]
            listing = Listing(
                title=f"Cases matching “{' '.join(words)}”"
                + ("" if staff else " among your requests"),
                order=SEARCH_ORDER,
                empty="No case matches. Try fewer or other words.",
                cases=cases,
                clocks=case_lists.next_clocks(session, self.policy, cases, now=now),
                notes={h.number: f"matched in {FIELD_NAMES[h.field]}" for h in shown},
                takeable=self._takeable(cases, viewer, staff=staff),
                total=len(hits),
                page=page,
                pages=pages,
                page_action=ACTION_SEARCH_PAGE,
                query=" ".join(words),
            )
            return list_message(self.policy, listing, staff=staff, now=now)

    def _takeable(self, cases: list[Case], viewer: str, *, staff: bool) -> frozenset[int]:
        """The untaken cases the viewer may take: Take it shows only on those (the take
        itself checks again)."""
        if not staff:
            return frozenset()
        return frozenset(
            c.number for c in cases if c.state == "pending" and may_take(self.policy, c, viewer)
        )


def _title(policy: Policy, query: case_lists.ListQuery) -> str:
    if query.scope == "group":
        title = f"Open cases of {policy.groups[query.group or ''].name}"
    else:
        title = case_lists.TITLES[query.scope]
    extra = [f"service {query.service}" if query.service else "", query.priority or ""]
    return " · ".join([title, *(e for e in extra if e)])


def _empty(query: case_lists.ListQuery, *, staff: bool) -> str:
    if not staff:
        return "You have no open requests. Type `/case` to tell the desk what is wrong."
    return f"No open case matches `{query.words}`."
