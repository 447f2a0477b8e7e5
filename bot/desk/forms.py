"""The forms and cards people open about a case. Each is drawn from one read of the case after
the same PERM-1 check the action behind it makes (the action checks again when the form is
sent), so handlers get a finished view or message and never the case itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from slack_sdk.models.views import View

from bot import closure, handoff, permissions, validation
from bot.case_notes import visible_events
from bot.desk.core import Area
from bot.errors import UserFacingError
from bot.reassign import ESCALATE, TRANSFER, routes
from bot.render.cards import queue_card
from bot.render.estimate_notes import ask_for_estimate, past_target, promise_text
from bot.render.history import join_brief
from bot.render.kb_cards import article_form
from bot.render.message import Message, RenderContext
from bot.render.requester_card import requester_card
from bot.views import (
    closure_modals,
    consult_modal,
    decision_modals,
    estimate_modal,
    handoff_modals,
    reassign_modal,
)
from bot.views.classify_modal import classify_modal
from bot.views.update_modal import update_modal
from store.models import Case

T = TypeVar("T")


class FormsArea(Area):
    """Modals and cards about one case, checked and drawn in one read."""

    # -- working a case -----------------------------------------------------------------------
    def classify(
        self, number: int, *, actor: str, completing: bool, correcting: bool = False
    ) -> View:
        """The reclassify modal; as INTAKE-5's Correct classification, only while the case
        still needs validation (a second press after someone decided is told so)."""
        permissions.require(actor, [permissions.staff(self.policy)], to="reclassify")

        def draw(case: Case) -> View:
            if correcting:
                validation.check_open(case)
            return classify_modal(self.policy, case, completing=completing, correcting=correcting)

        return self._draw(number, draw)

    def override(self, number: int, *, actor: str) -> View:
        approvers = [permissions.role(self.policy, "override_approvers")]
        permissions.require(actor, approvers, to="approve work on an unsupported service")
        return self._draw(number, decision_modals.override_modal)

    def decline(self, number: int, *, actor: str) -> View:
        deciders = [
            permissions.role(self.policy, "service_desk"),
            permissions.role(self.policy, "override_approvers"),
        ]
        permissions.require(actor, deciders, to="decline a case as unsupported")
        return self._draw(number, decision_modals.decline_modal)

    def update(self, number: int, *, actor: str) -> View:
        permissions.require(actor, [permissions.staff(self.policy)], to="post updates")
        return self._draw(number, update_modal)

    def handoff(self, number: int, *, actor: str, replacing: int | None = None) -> View:
        """ROUTE-3: the coordinator's offer, or "hand it to someone else" by the one offered."""

        def draw(case: Case) -> View:
            if replacing is None:
                permissions.require(
                    actor, permissions.may_coordinate(self.policy, case), to="hand it over"
                )
            else:
                handoff.check_answerer(self.policy, case, handoff_id=replacing, actor=actor)
            return handoff_modals.handoff_modal(case, replacing=replacing)

        return self._draw(number, draw)

    def decline_handoff(self, number: int, handoff_id: int, *, actor: str) -> View:
        def draw(case: Case) -> View:
            handoff.check_answerer(self.policy, case, handoff_id=handoff_id, actor=actor)
            return handoff_modals.decline_modal(case, handoff_id)

        return self._draw(number, draw)

    def consult(self, number: int, *, actor: str) -> View:
        def draw(case: Case) -> View:
            permissions.require(
                actor, permissions.may_consult(self.policy, case), to=f"consult on {case.ref}"
            )
            return consult_modal.consult_modal(self.policy, case)

        return self._draw(number, draw)

    def reassign(self, number: int, *, actor: str, how: str) -> View:
        """ROUTE-4: escalate or transfer along the catalog's routes."""

        def draw(case: Case) -> View:
            verb = "escalate" if how == ESCALATE else "transfer"
            permissions.require(
                actor, permissions.may_reassign(self.policy, case), to=f"{verb} {case.ref}"
            )
            return reassign_modal.reassign_modal(case, how, routes(self.policy, case, how))

        return self._draw(number, draw)

    def transfer_after_consult(self, number: int) -> View:
        """ROUTE-5: the transfer form straight after "transfer" was decided (that step checked)."""
        return self._draw(
            number,
            lambda c: reassign_modal.reassign_modal(c, TRANSFER, routes(self.policy, c, TRANSFER)),
        )

    def return_to_owner(self, number: int, *, actor: str) -> View:
        def draw(case: Case) -> View:
            permissions.require(
                actor,
                [permissions.group_members(self.policy, case.group_key)],
                to=f"return {case.ref} to its owner",
            )
            return reassign_modal.return_modal(case)

        return self._draw(number, draw)

    def estimate(self, number: int) -> View:
        """WORK-1: the estimate form (the promise is checked when it is given)."""
        return self._draw(number, estimate_modal.estimate_modal)

    def estimate_prompt(self, number: int, lead: str) -> list[dict[str, object]]:
        """WORK-1: "you took it: now tell the requester when they will hear from you"."""
        return self._draw(number, lambda c: ask_for_estimate(c, lead))

    def promise(self, number: int) -> tuple[str, str]:
        """WORK-1: the promise in words, and the note when it lies past its clock's target."""
        return self._draw(number, lambda c: (promise_text(c), past_target(c)))

    # -- closing ------------------------------------------------------------------------------
    def resolve(self, number: int, *, actor: str) -> View:
        def draw(case: Case) -> View:
            permissions.require(
                actor,
                permissions.may_resolve(self.policy, case),
                to=f"propose a resolution for {case.ref}",
            )
            return closure_modals.resolve_modal(case)

        return self._draw(number, draw)

    def close(self, number: int, *, actor: str, code: str | None = None) -> View:
        """CLOSE-4's form, redrawn for the code chosen (a short close asks for less)."""

        def draw(case: Case) -> View:
            closure.may_close(self.policy, case, actor)
            return closure_modals.close_modal(self.policy, case, code=code)

        return self._draw(number, draw)

    def broken(self, number: int) -> View:
        return self._draw(number, closure_modals.broken_modal)

    def reject_close(self, number: int) -> View:
        return self._draw(number, closure_modals.reject_modal)

    def write_article(self, number: int) -> View:
        """KB-4: a new article drafted from the case's resolution."""
        return self._draw(
            number,
            lambda c: article_form(
                None,
                list(self.policy.services),
                draft=closure_modals.article_draft(c),
                case_number=c.number,
            ),
        )

    # -- reading a case -----------------------------------------------------------------------
    def case_card(self, number: int, *, viewer: str) -> Message:
        """PERM-2: staff get the queue card with its buttons, the requester their own card in
        plain words, anyone else a refusal that does not say whose case it is."""

        def draw(case: Case) -> Message:
            ctx = RenderContext(case=case, policy=self.policy, params={}, now=self.clock.now())
            if self.policy.is_staff(viewer):
                return queue_card(ctx)
            if viewer != case.requester_id:
                raise UserFacingError(f"You can see only your own cases; {case.ref} is not yours.")
            return requester_card(ctx)

        return self._draw(number, draw)

    def join_brief(self, number: int, *, viewer: str) -> dict[str, object]:
        """ROUTE-3: the brief someone who joins the case channel sees (a requester sees only
        the customer-facing part of the timeline)."""
        count = self.policy.coordination.join_brief_entries
        requester_view = not self.policy.is_staff(viewer)
        return self._draw(
            number,
            lambda c: join_brief(c, visible_events(c, requester_view=requester_view), count=count),
        )

    # -- plumbing -----------------------------------------------------------------------------
    def _draw(self, number: int, draw: Callable[[Case], T]) -> T:
        with self.db.reading() as session:
            return draw(self.core.case(session, number))
