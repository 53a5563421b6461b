"""The company a person works in on the pages, and its language and time zone.

Pages (the admin, later the staff pages) speak the language of the company in use and show
times in its zone; without one (an operator, the login page) Django's LocaleMiddleware has
already chosen: the user's own choice (the language cookie), then the browser's. The API
chooses its company from the credential, in the dialect base, and keeps its documented UTC
formats.
"""
from __future__ import annotations

import zoneinfo

from django.http import HttpRequest
from django.utils import timezone, translation

from core.exceptions import ApplicationError

from .credentials import resolve_membership
from .models import Company, Membership

# The company the pages work in, once the user has chosen one among theirs.
SESSION_COMPANY_KEY = "ledgerdesk_company_id"
_CACHE_ATTRIBUTE = "_ledgerdesk_company_in_use"
API_PREFIX = "/api/"


def membership_in_use(request: HttpRequest) -> Membership | None:
    """The user's membership in the session's chosen company if they still belong to it, else
    in their default one; None for an anonymous user or one without an active membership.
    Read once per request (one query, with the user and the company)."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    user = getattr(request, "user", None)
    user_pk = getattr(user, "pk", None)
    if cached is not None and cached[0] == user_pk:
        return cached[1]
    membership = _resolve(request, user)
    setattr(request, _CACHE_ATTRIBUTE, (user_pk, membership))
    return membership


def company_in_use(request: HttpRequest) -> Company | None:
    membership = membership_in_use(request)
    return membership.company if membership is not None else None


def _resolve(request: HttpRequest, user) -> Membership | None:
    if user is None or not user.is_authenticated:
        return None
    chosen = request.session.get(SESSION_COMPANY_KEY) if hasattr(request, "session") else None
    for company_id in ([chosen] if chosen else []) + [None]:
        try:
            return resolve_membership(user_id=user.pk, company_id=company_id)
        except ApplicationError:
            continue
    return None


def company_zone(company: Company) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(company.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class CompanyLocaleMiddleware:
    """Activates the company's language and time zone for a page request (after
    AuthenticationMiddleware; the API is left to the dialects)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        company = None if request.path_info.startswith(API_PREFIX) else company_in_use(request)
        if company is None:
            return self.get_response(request)
        with translation.override(company.locale), timezone.override(company_zone(company)):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        # LocaleMiddleware, outside this one, only sets the header when it is missing.
        response.headers["Content-Language"] = company.locale
        return response
