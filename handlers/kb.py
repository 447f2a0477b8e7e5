"""`/kb` and the knowledge-base buttons (WORK-2, KB-1..KB-6). Thin: parse, ask the
desk's knowledge area, answer. Who may write, report on and send articles is decided there
(PERM-1); restricted articles are refused in `kb.service` (KB-5).
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.desk import Desk
from bot.desk.knowledge import article_ref
from bot.errors import UserFacingError
from bot.render import kb_cards, kb_show
from bot.render.help import unknown_subcommand
from bot.text import escape, plain
from bot.views.inputs import SubmittedState
from config.policy import Policy
from handlers.replies import actor_of, tell, tell_error
from kb.articles import BODY_MAX
from kb.service import KbError, KnowledgeBase

log = logging.getLogger(__name__)

HELP = """*Knowledge base*: `/kb` commands
• `/kb search <words>` — find articles (only you see the answer)
• `/kb show KB-12` — an article; for staff also its usage and the cases it resolved
• `/kb report` — usage, articles to retire or improve, self-help candidates (staff)
• `/kb new` — write an article (staff)
• `/kb edit KB-12` — change an article (staff)"""
VERBS = ("search", "show", "report", "new", "edit", "help")
FEEDBACK = {
    kb_cards.ACTION_FIXED: ("fixed", "fixed"),
    kb_cards.ACTION_NOT_HELPED: ("not_helped", "did not help with"),
    kb_cards.ACTION_WORSE: ("made_worse", "made things worse on"),
}
ANSWER_WORDS = {"fixed": "fixed it", "not_helped": "did not help", "made_worse": "made it worse"}
_ERROR_FIELDS = (
    ("title", "title"),
    ("review", "review"),
    ("services", "services"),
    ("request_types", "request_types"),
    ("categories", "categories"),
    ("symptoms", "symptoms"),
    ("keywords", "keywords"),
    ("body", "body"),
)


def register(app: App, desk: Desk, kb: KnowledgeBase) -> None:
    policy = desk.policy
    knowledge = desk.knowledge
    services = tuple(policy.services)

    @app.command("/kb")
    def kb_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        text = plain(command.get("text") or "")
        verb, _, rest = text.partition(" ")
        user = str(command.get("user_id", ""))
        verb = verb.lower()
        try:
            if verb == "search":
                query = rest.strip()
                found = knowledge.search(query, reader=user)
                ack(**kb_cards.search_message(query, found, cut=kb.query_was_cut(query)))
            elif verb == "show":
                ack(**_show(kb, policy, user, article_ref(rest, verb)))
            elif verb == "report":
                ack(**kb_cards.report_message(knowledge.report(actor=user)))
            elif verb == "new":
                knowledge.may_write(actor=user)
                _open_form(client, command, kb_cards.article_form(None, services))
                ack()
            elif verb == "edit":
                article = knowledge.article_to_edit(rest, actor=user)
                if len(article.body) > kb_cards.BODY_INPUT_MAX:
                    raise KbError(
                        f"{article.id} is longer than Slack's form allows "
                        f"({kb_cards.BODY_INPUT_MAX} characters); edit its Markdown file."
                    )
                _open_form(client, command, kb_cards.article_form(article, services))
                ack()
            elif verb in ("", "help"):
                ack(text=escape(HELP))
            else:
                ack(**unknown_subcommand("/kb", verb, VERBS))
        except KbError as exc:
            ack(**_refusal(str(exc)))

    @app.action(re.compile(f"^({'|'.join(FEEDBACK)})$"))
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        action_id = str((body.get("actions") or [{}])[0].get("action_id", ""))
        kind, words = FEEDBACK[action_id]
        try:
            article_id, case_number = _pressed(body)
            outcome = kb.record_feedback(
                article_id, case_number=case_number, kind=kind, actor=actor_of(body)
            )
        except KbError as exc:
            tell_error(body, client, respond, str(exc))
            return
        case = f"CASE-{case_number}" if case_number is not None else "this request"
        if not outcome.added:
            text = f"You already said {article_id} {words} {case}; it counts once."
        elif outcome.replaced is not None:
            text = (
                f"Noted: {article_id} {words} {case}. This replaces your earlier "
                f'"{ANSWER_WORDS[outcome.replaced]}"; only your latest answer counts.'
            )
        else:
            text = f"Noted: {article_id} {words} {case}. Thank you; the ranking learns from it."
        tell(body, client, respond, {"text": text})

    @app.action(kb_cards.ACTION_OPEN)
    def open_article(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        user = actor_of(body)
        try:
            article_id, case_number = _pressed(body)
            article = knowledge.open_article(article_id, case_number=case_number, reader=user)
        except KbError as exc:
            tell_error(body, client, respond, str(exc))
            return
        tell(body, client, respond, kb_cards.article_message(article, kb.url(article.id)))

    @app.action(kb_cards.ACTION_SEND)
    def send_article(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        ack()
        user = actor_of(body)
        try:
            article_id, case_number = _pressed(body)
            if case_number is None:
                raise KbError("This button is not on a case, so there is no requester to send to.")
            # Checked, sent through the outbox and recorded as sent in one transaction.
            case = knowledge.send_article_link(case_number, article_id, actor=user)
        except (KbError, UserFacingError) as exc:  # KB-5, and PERM-1 (NotAllowed)
            tell_error(body, client, respond, str(exc))
            return
        sent = article_id.upper()
        tell(body, client, respond, {"text": f"Sent the link to {sent} to <@{case.requester_id}>."})

    @app.view(kb_cards.FORM_CALLBACK)
    def save_article(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        user = body["user"]["id"]
        state = SubmittedState(view)
        fields, text = _form_fields(state)
        existing = state.metadata.get("article")
        case_number = state.metadata.get("case")
        try:
            article = knowledge.save_article(
                fields,
                text,
                existing=existing if isinstance(existing, str) else None,
                case_number=case_number if isinstance(case_number, int) else None,
                actor=user,
            )
        except KbError as exc:
            ack(response_action="errors", errors={_field_of(str(exc)): str(exc)[:150]})
            return
        ack()
        verb = "Updated" if isinstance(existing, str) else "Created"
        try:
            client.chat_postMessage(
                channel=user,
                text=f"{verb} <{kb.url(article.id)}|{article.id}> {escape(article.title)} "
                f"({article.status}).",
            )
        except SlackApiError as exc:
            log.warning(
                "could not confirm %s to %s: %s", article.id, user, exc.response.get("error")
            )


def _show(kb: KnowledgeBase, policy: Policy, user: str, ref: str) -> dict[str, Any]:
    """KB-4: staff see the article's figures and the cases it resolved; a requester reads a
    user-ready article and learns nothing of other people's cases (PERM-2, KB-5)."""
    if not policy.is_staff(user):
        article = kb.get(ref, for_requester=True)
        if article.status != "published":
            raise KbError(f"{article.id} is not published; ask the desk about your case.")
        return kb_cards.article_message(article, kb.url(article.id))
    article = kb.get(ref, for_requester=False)
    return kb_show.article_details(
        article, kb.url(article.id), kb.usage(article.id), kb.resolved_cases(article.id)
    )


def _pressed(body: dict[str, Any]) -> tuple[str, int | None]:
    value = str((body.get("actions") or [{}])[0].get("value") or "")
    try:
        return kb_cards.parse_button_value(value)
    except ValueError:
        raise KbError("That button does not point at an article; refresh and try again.") from None


def _open_form(client: WebClient, command: dict[str, Any], view: Any) -> None:
    try:
        client.views_open(trigger_id=command["trigger_id"], view=view)
    except SlackApiError as exc:
        log.warning("views.open failed: %s", exc.response.get("error"))
        raise KbError(
            "The form could not open in time (Slack allows 3 seconds). Try again."
        ) from None


def _form_fields(state: SubmittedState) -> tuple[dict[str, Any], str]:
    def listed(block: str, sep: str = ",") -> list[str]:
        return [part.strip() for part in state.text(block).split(sep) if part.strip()]

    review = state.text("review")
    fields: dict[str, Any] = {
        "title": state.text("title"),
        "kind": state.choice("kind", default="article"),
        "audience": state.choice("audience", default="user_ready"),
        "status": state.choice("status", default="draft"),
        "owner": state.text("owner"),
        "symptoms": listed("symptoms", "\n"),
        "keywords": listed("keywords"),
        "request_types": listed("request_types"),
        "categories": listed("categories"),
        "services": listed("services"),
        "review": review or None,
    }
    if review:
        try:
            fields["review"] = date.fromisoformat(review)
        except ValueError:
            fields["review"] = review  # from_fields names the bad value
    return fields, state.text("body")[:BODY_MAX]


def _field_of(message: str) -> str:
    lowered = message.lower()
    for word, block in _ERROR_FIELDS:
        if word in lowered:
            return block
    return "title"


def _refusal(text: str) -> dict[str, Any]:
    return {"text": f":warning: {escape(text)}"}
