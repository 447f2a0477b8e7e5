"""The Web API client the desk's listeners are handed. The modals and Homes the desk builds are
slack_sdk `View`s; this client serialises them with `kit_checks.serialise` (one walk, the same
checks) before slack_sdk's own `views_*` methods send them, so a modal costs what a message
costs and nothing in slack_sdk is patched to make it so."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.models.views import View
from slack_sdk.web import SlackResponse

from bot.render.kit_checks import as_plain


class KitClient(WebClient):
    def views_open(self, *, view: dict[str, Any] | View, **kwargs: Any) -> SlackResponse:
        return super().views_open(view=as_plain(view), **kwargs)

    def views_push(self, *, view: dict[str, Any] | View, **kwargs: Any) -> SlackResponse:
        return super().views_push(view=as_plain(view), **kwargs)

    def views_update(self, *, view: dict[str, Any] | View, **kwargs: Any) -> SlackResponse:
        return super().views_update(view=as_plain(view), **kwargs)

    def views_publish(self, *, view: dict[str, Any] | View, **kwargs: Any) -> SlackResponse:
        return super().views_publish(view=as_plain(view), **kwargs)
