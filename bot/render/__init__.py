"""Templates by name: the outbox stores a name, the dispatcher renders it at delivery."""

from __future__ import annotations

from collections.abc import Callable

from bot.render import (
    cards,
    cc_test_notes,
    change_notes,
    closure_notes,
    consult_notes,
    estimate_notes,
    handoff_notes,
    kb_cards,
    major_notes,
    notes,
    problem_notes,
    reassign_notes,
    request_notes,
    sla_notes,
    survey_notes,
    validation_notes,
    voice_notes,
)
from bot.render.message import Message, RenderContext

Template = Callable[[RenderContext], Message]

TEMPLATES: dict[str, Template] = {
    "queue_card": cards.queue_card,
    "planned_outage_removed": change_notes.planned_outage_removed,
    # WORK-5: requests that are not incidents
    "information_answer": request_notes.information_answer,
    "request_procedure": request_notes.request_procedure,
    "request_authorization": request_notes.request_authorization,
    "requester_request_waits": request_notes.requester_request_waits,
    "requester_request_decided": request_notes.requester_request_decided,
    "requester_rfc": request_notes.requester_rfc,
    "rfc_card": request_notes.rfc_card,
    # CLOSE-5, QUAL-3: problem cases
    "problem_card": problem_notes.problem_card,
    "problem_assigned": problem_notes.problem_assigned,
    "problem_action_assigned": problem_notes.problem_action_assigned,
    "problem_action_due": problem_notes.problem_action_due,
    "problem_action_done": problem_notes.problem_action_done,
    "problem_approval_request": problem_notes.problem_approval_request,
    "problem_decided": problem_notes.problem_decided,
    # WORK-6: cases linked to a major incident
    "requester_part_of_major": major_notes.requester_part_of_major,
    "requester_unlinked": major_notes.requester_unlinked,
    "linked_to_parent": major_notes.linked_to_parent,
    "child_linked": major_notes.child_linked,
    "requester_parent_update": major_notes.requester_parent_update,
    "requester_closed_with_parent": major_notes.requester_closed_with_parent,
    "broadcast_resolution": major_notes.broadcast_resolution,
    "case_brief": cards.case_brief,
    "broadcast_notice": cards.broadcast_notice,
    "requester_ack": notes.requester_ack,
    "requester_linked": notes.requester_linked,
    "requester_taken": notes.requester_taken,
    "requester_reclassified": notes.requester_reclassified,
    "requester_declined": notes.requester_declined,
    "requester_article": notes.requester_article,
    "page": notes.page,
    "validation_page": validation_notes.validation_page,  # INTAKE-5
    "taken": notes.taken,
    "reclassified": notes.reclassified,
    "contact_linked": notes.contact_linked,
    "sla_warning": sla_notes.sla_warning,
    "sla_breach": sla_notes.sla_breach,
    "requester_management_engaged": sla_notes.requester_management_engaged,
    "status_update_due": sla_notes.status_update_due,
    "status_update": sla_notes.status_update,
    "requester_update": sla_notes.requester_update,
    "requester_waiting": sla_notes.requester_waiting,
    "kb_suggestions": kb_cards.suggestions_for_case,
    "requester_estimate": estimate_notes.requester_estimate,
    "estimate_given": estimate_notes.estimate_given,
    "promise_due": estimate_notes.promise_due,
    "estimate_needed": estimate_notes.estimate_needed,
    # ROUTE-3, ROUTE-5, ROUTE-6: handoff, consult, the command-center test
    "handoff_offer": handoff_notes.handoff_offer,
    "handoff_offered": handoff_notes.handoff_offered,
    "handoff_accepted": handoff_notes.handoff_accepted,
    "handoff_declined": handoff_notes.handoff_declined,
    "handoff_closed": handoff_notes.handoff_closed,
    "requester_new_coordinator": handoff_notes.requester_new_coordinator,
    "consult_page": consult_notes.consult_page,
    "consulted": consult_notes.consulted,
    "consult_followup": consult_notes.consult_followup,
    "cc_test": cc_test_notes.cc_test,
    "cc_test_outcome": cc_test_notes.cc_test_outcome,
    # CLOSE-1..5: attempt, verification, reopen, close
    "resolution_proposed": closure_notes.resolution_proposed,
    "verify_request": closure_notes.verify_request,
    "verified": closure_notes.verified,
    "verify_unanswered": closure_notes.verify_unanswered,
    "reopened": closure_notes.reopened,
    "requester_reopened": closure_notes.requester_reopened,
    "requester_closed": closure_notes.requester_closed,
    "case_closed": closure_notes.case_closed,
    "case_withdrawn": closure_notes.case_withdrawn,
    "duplicate_closed": closure_notes.duplicate_closed,
    "approval_request": closure_notes.approval_request,
    "closure_rejected": closure_notes.closure_rejected,
    "write_article_prompt": closure_notes.write_article_prompt,
    "survey": survey_notes.survey,
    # BCAST-4: one voice to the requester, and their replies
    "requester_message": voice_notes.requester_message,
    "customer_message_sent": voice_notes.customer_message_sent,
    "requester_replied": voice_notes.requester_replied,
    "requester_reply_received": voice_notes.requester_reply_received,
    "dm_question": voice_notes.dm_question,
    # ROUTE-4, ROUTE-7: escalate, transfer, return to owner
    "reassigned": reassign_notes.reassigned,
    "requester_reassigned": reassign_notes.requester_reassigned,
    "returned_to_owner": reassign_notes.returned_to_owner,
}


def render(template: str, ctx: RenderContext) -> Message:
    try:
        return TEMPLATES[template](ctx)
    except KeyError:
        raise ValueError(f"no message template called {template!r}") from None


__all__ = ["TEMPLATES", "Message", "RenderContext", "render"]
