"""`/case list` and `/case search`, and their Previous / Next buttons, which run the query again
for the person who clicked (the desk decides what they may see, every time)."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.desk import Desk
from bot.errors import UserFacingError
from bot.render.case_list import ACTION_LIST_PAGE, ACTION_SEARCH_PAGE
from handlers.replies import actor_of, button
from handlers.subcommands import Subcommand


def _list(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    return desk.lists.list_cases(text, viewer=str(command["user_id"]))


def _search(desk: Desk, text: str, command: dict[str, Any], _: WebClient) -> dict[str, Any]:
    return desk.lists.search(text, viewer=str(command["user_id"]))


SUBCOMMANDS = [
    Subcommand(
        name="list",
        usage="[mine|group <g>|unassigned|at-risk|breached|waiting|all] [service=…] [priority=…]",
        summary="open cases, most urgent first, with Show and Take it (yours by default)",
        run=_list,
        requester_usage="",
        requester_summary="your open requests",
    ),
    Subcommand(
        name="search",
        usage="<words>",
        summary="find cases by their summary, description and updates; typos are fine",
        run=_search,
        requester_summary="find your requests by their words; typos are fine",
    ),
]


def _page(body: dict[str, Any]) -> tuple[int, str]:
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    page, _, query = value.partition("|")
    if not page.isdigit():
        raise UserFacingError("That button is damaged; run the command again.")
    return int(page), query


def register(app: App, desk: Desk) -> None:
    def list_page(body: dict[str, Any]) -> dict[str, Any]:
        page, query = _page(body)
        return desk.lists.list_cases(query, viewer=actor_of(body), page=page)

    def search_page(body: dict[str, Any]) -> dict[str, Any]:
        page, query = _page(body)
        return desk.lists.search(query, viewer=actor_of(body), page=page)

    button(app, re.compile(f"^{ACTION_LIST_PAGE}$"), list_page, replace=True)
    button(app, re.compile(f"^{ACTION_SEARCH_PAGE}$"), search_page, replace=True)
