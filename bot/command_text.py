"""`/case new <summary> key=value ...`: free text to IntakeFields (INTAKE-1's fast path).

Slack escapes command text (`should_escape: true`), so a mention arrives as `<@U123|alice>`;
a name Slack did not turn into a mention is not a user we can trust and is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserFacingError
from bot.intake_fields import IntakeFields
from bot.text import plain
from bot.vocabulary import CATEGORIES, REQUEST_TYPES, UNKNOWN
from config.policy import Policy
from kb.similarity import score

SUGGEST_AT = 50.0
KEYS = ("service", "impact", "urgency", "type", "category", "for")
UNKNOWN_WORDS = {"?", "unknown", "idk", "dont-know", "don't-know"}
TYPE_ALIASES = {
    "info": "information",
    "request": "fulfillment",
    "new": "new_service",
    "new-service": "new_service",
    "new_service": "new_service",
    "fulfilment": "fulfillment",
    "incident": "incident",
}
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_TOKEN = re.compile(r'(?:[^\s"]+|"[^"]*")+')
_OPTION = re.compile(r"^([A-Za-z_-]+)=(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Parsed:
    summary: str
    options: dict[str, str]


def tokens(text: str) -> list[str]:
    """Words, with double quotes keeping words together (`service="E-mail and calendars"`).

    Apostrophes are ordinary letters: "Outlook won't open" is three words.
    """
    text = text.replace("&quot;", '"').replace("\u201c", '"').replace("\u201d", '"')
    if text.count('"') % 2:
        raise UserFacingError(
            'I could not read that: a double quote (") is not closed. Close the quote and try '
            "again."
        )
    return [token.replace('"', "") for token in _TOKEN.findall(text)]


def split_command(text: str) -> Parsed:
    """Separate `key=value` options from the summary words."""
    options: dict[str, str] = {}
    words: list[str] = []
    for token in tokens(text):
        match = _OPTION.match(token)
        if match is None:
            words.append(token)
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if key not in KEYS:
            raise UserFacingError(
                f"Unknown option `{key}=`. Options are {', '.join(k + '=' for k in KEYS)}. "
                "To keep an '=' in the summary, put the summary in quotes."
            )
        if not value:
            raise UserFacingError(f"`{key}=` needs a value, e.g. `{key}={_example(key)}`.")
        if key in options:
            raise UserFacingError(f"`{key}=` is given twice; give it once.")
        options[key] = value
    return Parsed(summary=" ".join(words), options=options)


def fields_from_command(policy: Policy, text: str, *, reporter_id: str) -> IntakeFields:
    """Every option checked and resolved; anything not given is "I don't know"."""
    parsed = split_command(text)
    summary = plain(parsed.summary)
    if not summary:
        raise UserFacingError("Add a summary: `/case new Outlook will not open service=email`.")
    opts = parsed.options
    impact = _level(opts.get("impact"), policy.impact_levels, "impact")
    return IntakeFields(
        summary=summary,
        requester_id=_requester(opts.get("for"), reporter_id),
        reporter_id=reporter_id,
        contact_channel="slack_command",
        service=_service(policy, opts.get("service")),
        request_type=_choice(opts.get("type"), REQUEST_TYPES, "type", TYPE_ALIASES),
        category=_choice(opts.get("category"), CATEGORIES, "category", {}),
        urgency=_level(opts.get("urgency"), policy.urgency_levels, "urgency"),
        impact_answers={} if impact == UNKNOWN else {"stated": impact},
    )


def _requester(value: str | None, reporter_id: str) -> str:
    if value is None:
        return reporter_id
    match = _MENTION.match(value)
    if match is None:
        raise UserFacingError(
            f"I can't find the user {plain(value)!r}. Type @ and pick them from Slack's list so "
            "the name becomes a mention, or use the form (`/case`)."
        )
    return match.group(1)


def _service(policy: Policy, value: str | None) -> str:
    if value is None or value.lower() in UNKNOWN_WORDS:
        return UNKNOWN
    wanted = value.lower()
    for key, service in policy.services.items():
        if wanted in (key, service.name.lower()):
            return key
    best = max(policy.services, key=lambda k: score(wanted, f"{k} {policy.services[k].name}"))
    guess = ""
    if score(wanted, f"{best} {policy.services[best].name}") >= SUGGEST_AT:
        guess = f" (did you mean `{best}`?)"
    raise UserFacingError(
        f"`{plain(value)}` is not a service in the catalog{guess}. Services: "
        f"{', '.join(policy.services)}. Use `service=?` if you don't know, or the form (`/case`) "
        "to name a service that is not in the catalog."
    )


def _choice(value: str | None, allowed: dict[str, str], key: str, aliases: dict[str, str]) -> str:
    if value is None or value.lower() in UNKNOWN_WORDS:
        return UNKNOWN
    wanted = aliases.get(value.lower(), value.lower())
    if wanted in allowed:
        return wanted
    raise UserFacingError(
        f"`{key}={plain(value)}` is not a choice. Use one of: {', '.join(allowed)}, or `?`."
    )


def _level(value: str | None, levels: tuple[str, ...], key: str) -> str:
    if value is None or value.lower() in UNKNOWN_WORDS:
        return UNKNOWN
    if value.lower() in levels:
        return value.lower()
    raise UserFacingError(
        f"`{key}={plain(value)}` is not a choice. Use one of: {', '.join(levels)}, or `?`."
    )


def _example(key: str) -> str:
    return {
        "service": "vpn",
        "impact": "moderate",
        "urgency": "high",
        "type": "incident",
        "category": "network",
        "for": "@alex",
    }[key]
