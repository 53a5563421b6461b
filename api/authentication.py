"""API-key, JWT and (for the browsable API) session authentication. Each resolves
`request.company` as it authenticates."""
from __future__ import annotations

from functools import partial

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from core.exceptions import AuthenticationFailedError, PermissionDeniedError
from tenancy.credentials import (
    api_key_record_use,
    api_key_use_is_due,
    authenticate_api_key,
    resolve_membership,
)

from tenancy.locale import membership_in_use

from .context import ApiKeyPrincipal, after_response, bind_company

API_KEY_HEADER = "X-API-KEY"
COMPANY_HEADER = "X-Company-ID"


class ApiKeyAuthentication(BaseAuthentication):
    """`X-API-KEY: pk_...`: a key bound to one company, with the role it was issued with."""

    def authenticate(self, request):
        raw = request.headers.get(API_KEY_HEADER)
        if not raw:
            return None
        try:
            key = authenticate_api_key(raw.strip())
        except AuthenticationFailedError as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        bind_company(request, company=key.company, role=key.role, api_key=key)
        if api_key_use_is_due(key):
            after_response(request, partial(api_key_record_use, key=key))
        return ApiKeyPrincipal(api_key_id=key.pk, name=key.name), key

    def authenticate_header(self, request) -> str:
        # Makes a missing key 401 (DRF answers 403 to a class without this header).
        return f'ApiKey header="{API_KEY_HEADER}"'


class CompanyJWTAuthentication(JWTAuthentication):
    """`Authorization: Bearer <access>`: the user's membership in the chosen company.

    The token is checked without the database; the user, their membership and the company
    come from one query. `X-Company-ID` picks a company when the user is in several.
    """

    def authenticate(self, request):
        header = self.get_header(request)
        if header is None:
            return None
        raw_token = self.get_raw_token(header)
        if raw_token is None:
            return None
        try:
            token = self.get_validated_token(raw_token)
        except (InvalidToken, TokenError):
            raise exceptions.AuthenticationFailed("Invalid or expired access token.") from None
        try:
            user_id = token[jwt_settings.USER_ID_CLAIM]
        except KeyError:
            raise exceptions.AuthenticationFailed("Token contained no user.") from None
        try:
            membership = resolve_membership(user_id=user_id, **self.company_choice(request))
        except AuthenticationFailedError as exc:
            raise exceptions.AuthenticationFailed(exc.message) from None
        except PermissionDeniedError as exc:
            raise exceptions.PermissionDenied(exc.message) from None
        bind_company(
            request, company=membership.company, role=membership.role, membership=membership
        )
        return membership.user, token

    def company_choice(self, request) -> dict:
        company_id = request.headers.get(COMPANY_HEADER)
        return {"company_id": company_id} if company_id else {}


class OrganizationJWTAuthentication(CompanyJWTAuthentication):
    """crm dialect: the company is `{organization_id}` (its UUID) in the path."""

    def company_choice(self, request) -> dict:
        kwargs = (getattr(request, "parser_context", None) or {}).get("kwargs", {})
        organization_id = kwargs.get("organization_id")
        if organization_id is None:
            return super().company_choice(request)
        return {"company_uuid": organization_id}


class CompanySessionAuthentication(SessionAuthentication):
    """A staff member logged into the admin, browsing v1 or v2 in the browser (DRF's browsable
    API): the company the pages use (tenancy.locale), CSRF checked on every unsafe method.

    Listed after the key and the token, so a request carrying either is theirs.
    """

    def authenticate(self, request):
        authenticated = super().authenticate(request)  # raises 403 on a missing CSRF token
        if authenticated is None:
            return None
        membership = membership_in_use(request._request)
        if membership is None:  # an operator without a company, or a member no more
            return None
        bind_company(
            request, company=membership.company, role=membership.role, membership=membership
        )
        return membership.user, None
