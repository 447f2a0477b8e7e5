"""What a template gets and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from config.policy import Policy
from store.models import Case


@dataclass(frozen=True, kw_only=True)
class RenderContext:
    case: Case
    policy: Policy
    params: dict[str, Any]
    now: datetime


@dataclass(frozen=True, kw_only=True)
class Message:
    """chat.postMessage's `text` (notification fallback) and `blocks`."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
