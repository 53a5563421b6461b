"""What authentication learned about the caller, kept on the request for the rest of it."""
from __future__ import annotations

from dataclasses import dataclass

from tenancy.actors import Actor


@dataclass(frozen=True)
class ApiKeyPrincipal:
    """`request.user` for a call made with an API key: authenticated, but nobody's account."""

    api_key_id: int
    name: str
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    pk = None
    id = None

    def __str__(self) -> str:
        return f"API key {self.name}"


def bind_company(request, *, company, role, membership=None, api_key=None) -> None:
    """Record the resolved company once per request (on the Django request, which the DRF
    request proxies, so middleware and logs see it too)."""
    target = getattr(request, "_request", request)
    target.company = company
    target.role = role
    target.membership = membership
    target.api_key = api_key


def clear_company(request) -> None:
    bind_company(request, company=None, role=None)


def actor_of(request):
    """The tenancy.actors.Actor behind a request, for services that record who acted."""
    return Actor(
        membership=getattr(request, "membership", None), api_key=getattr(request, "api_key", None)
    )


def after_response(request, callback) -> None:
    """Run `callback` once the response is closed: after the request's transaction has
    committed or rolled back (ATOMIC_REQUESTS), so what it writes stays either way."""
    target = getattr(request, "_request", request)
    if not hasattr(target, "after_response"):
        target.after_response = []
    target.after_response.append(callback)
