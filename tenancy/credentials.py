"""Turning a credential into a company: API keys and JWT users' memberships.

Each resolution is one query (the key or the membership, with its company joined), so
authentication plus company resolution costs at most two queries per request.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from core.exceptions import AuthenticationFailedError, PermissionDeniedError

from .models import ApiKey, Membership

API_KEY_PREFIX = "pk_"
LOOKUP_PREFIX_LENGTH = 8
_SECRET_LENGTH = 40
_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_KEY_SHAPE = re.compile(
    re.escape(API_KEY_PREFIX) + "[A-Za-z0-9]{%d}" % (LOOKUP_PREFIX_LENGTH + _SECRET_LENGTH)
)
# last_used_at is written at most once per window, so a busy key does not write on every call.
LAST_USED_PRECISION = timedelta(minutes=1)
_MAX_ID = 2**63 - 1  # the id column is a BigAutoField


@dataclass(frozen=True)
class GeneratedKey:
    raw: str
    prefix: str
    hashed: str


def hash_api_key(raw: str) -> str:
    # The secret is 40 random characters (~238 bits), so a fast hash is as safe as a slow one
    # and keeps authentication cheap.
    return hashlib.sha256(raw.encode()).hexdigest()


def generate_api_key() -> GeneratedKey:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(LOOKUP_PREFIX_LENGTH + _SECRET_LENGTH))
    raw = API_KEY_PREFIX + body
    return GeneratedKey(raw=raw, prefix=body[:LOOKUP_PREFIX_LENGTH], hashed=hash_api_key(raw))


def authenticate_api_key(raw: str) -> ApiKey:
    """The active key behind `raw`, with its company, or AuthenticationFailedError."""
    # Only the exact shape we issue reaches the database: a NUL byte in the prefix is an
    # error in PostgreSQL, not "no such key", and nothing else can match anyway.
    if not _KEY_SHAPE.fullmatch(raw):
        raise AuthenticationFailedError("Invalid API key.")
    prefix = raw[len(API_KEY_PREFIX) : len(API_KEY_PREFIX) + LOOKUP_PREFIX_LENGTH]
    key = (
        ApiKey.objects.select_related("company")
        .filter(prefix=prefix, revoked_at__isnull=True, company__is_active=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.hashed_key, hash_api_key(raw)):
        raise AuthenticationFailedError("Invalid API key.")
    return key


def api_key_use_is_due(key: ApiKey, *, now=None) -> bool:
    """Whether this use should be recorded: first use, or the last record is a minute old."""
    now = now or timezone.now()
    return key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION


def api_key_record_use(*, key: ApiKey, now=None) -> bool:
    """Record a use in `last_used_at` (one conditional UPDATE, so concurrent requests of one
    key write once). The API calls it after the response, outside the request's transaction:
    a request that fails and rolls back its writes still counts as a use of the key."""
    now = now or timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    written = bool(ApiKey.objects.filter(stale, pk=key.pk).update(last_used_at=now))
    if written:
        key.last_used_at = now
    return written


def _active_memberships(user_id):
    return Membership.objects.filter(
        user_id=user_id, is_active=True, user__is_active=True, company__is_active=True
    )


def _company_pk(value: str | int) -> int:
    """A company id from a header: ASCII digits within the id column's range, or 403.

    `"²".isdigit()` is true, and an id past the 64-bit range is an overflow error in the
    database, not "no such company".
    """
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > _MAX_ID:
        raise PermissionDeniedError("You are not a member of this company.")
    return int(text)


def resolve_membership(
    *, user_id, company_id: str | int | None = None, company_uuid: str | uuid.UUID | None = None
) -> Membership:
    """The user's active membership, with user and company, in the chosen or default company.

    A user with no active membership (or an inactive user) fails authentication; a company the
    user is not an active member of is refused with 403.
    """
    memberships = _active_memberships(user_id).select_related("user", "company")
    chosen = company_id is not None or company_uuid is not None
    if company_id is not None:
        memberships = memberships.filter(company_id=_company_pk(company_id))
    elif company_uuid is not None:
        try:
            company_uuid = uuid.UUID(str(company_uuid))
        except ValueError:
            raise PermissionDeniedError("You are not a member of this company.") from None
        memberships = memberships.filter(company__uuid=company_uuid)
    membership = memberships.order_by("-is_default", "id").first()
    if membership is not None:
        return membership
    # Error path only: tell a dead credential (401) from a foreign company (403).
    if chosen and _active_memberships(user_id).exists():
        raise PermissionDeniedError("You are not a member of this company.")
    raise AuthenticationFailedError("User is inactive or has no active company membership.")


def user_can_sign_in(user) -> bool:
    return user.is_active and _active_memberships(user.pk).exists()
