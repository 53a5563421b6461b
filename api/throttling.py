"""Rate limits on the cache, recording what the `X-RateLimit-*` headers report.

Each throttle keeps the figures of its last check on the request; the dialect's
`finalize_response` writes the tightest one into the headers of every throttled response.
"""
from __future__ import annotations

import math

from rest_framework.throttling import SimpleRateThrottle


class RecordingRateThrottle(SimpleRateThrottle):
    """A scoped throttle whose `identity()` says who is counted."""

    scope: str

    def get_rate(self):
        # Read at check time, so settings overrides (tests, environment) take effect.
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def identity(self, request, view) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request, view):
        ident = self.identity(request, view)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None):
            self._record(request, refused=not allowed)
        return allowed

    def _record(self, request, *, refused: bool) -> None:
        remaining = max(self.num_requests - len(self.history), 0)
        oldest = self.history[-1] if self.history else self.now
        reset = math.ceil(oldest + self.duration)
        current = getattr(request._request, "rate_limit", None)
        # The tightest limit wins; a limit that refused the request beats one that let it
        # through with nothing left, so a 429 reports the limit it was refused by.
        tightness = (not refused, remaining)
        if current is None or tightness < (not current["refused"], current["remaining"]):
            request._request.rate_limit = {
                "limit": self.num_requests,
                "remaining": remaining,
                "reset": reset,
                "window": int(self.duration),
                "refused": refused,
            }


class CredentialRateThrottle(RecordingRateThrottle):
    """Per API key, or per user for JWT calls."""

    def identity(self, request, view):
        api_key = getattr(request, "api_key", None)
        if api_key is not None:
            return f"key:{api_key.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return None


class CompanyRateThrottle(RecordingRateThrottle):
    """Per organization (company)."""

    def identity(self, request, view):
        company = getattr(request, "company", None)
        return None if company is None else f"company:{company.pk}"


class IpRateThrottle(RecordingRateThrottle):
    """Per client address, for unauthenticated endpoints such as login."""

    def identity(self, request, view):
        return self.get_ident(request)
