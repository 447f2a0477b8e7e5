"""Signed links for the subscribe confirmation and one-click unsubscribe: the purpose, the
subscriber and an expiry, with an HMAC-SHA256 over them under a key kept in the database (made
once, shared by every process). A forged, altered or expired link is refused with its reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import Database
from store.models import SigningKey

KEY_NAME = "subscriber-links"
MAC_BYTES = 16


class BadToken(ValueError):
    """A link that is not ours, was altered, or has expired; the message says which."""


def link_key(db: Database, *, now: datetime) -> bytes:
    """The signing key, made on first use; two processes racing to make it read the winner's."""
    with db.reading() as session:
        row = session.get(SigningKey, KEY_NAME)
        if row is not None:
            return bytes.fromhex(row.value)
    try:
        with db.transaction() as session:
            session.add(SigningKey(name=KEY_NAME, value=secrets.token_hex(32), created_at=now))
    except IntegrityError:
        pass
    with db.reading() as session:
        return bytes.fromhex(session.get_one(SigningKey, KEY_NAME).value)


def key_in(session: Session) -> bytes:
    """The signing key inside an open transaction (it exists once the web app has started)."""
    return bytes.fromhex(session.get_one(SigningKey, KEY_NAME).value)


def sign(key: bytes, purpose: str, subscriber_id: int, *, expires: datetime) -> str:
    payload = f"{purpose}.{subscriber_id}.{int(expires.timestamp())}"
    return f"{payload}.{_mac(key, payload)}"


def verify(key: bytes, token: str, purpose: str, *, now: datetime) -> int:
    """The subscriber id a valid token names; BadToken says why a token is refused."""
    parts = token.strip().split(".")
    if len(parts) != 4 or parts[0] != purpose or not parts[1].isdigit() or not parts[2].isdigit():
        raise BadToken("This link is not one the desk sent, or it was cut short.")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _mac(key, payload)):
        raise BadToken("This link is not one the desk sent (its signature does not match).")
    if datetime.fromtimestamp(int(parts[2]), UTC) < now:
        raise BadToken("This link has expired.")
    return int(parts[1])


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()[:MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
