"""tenancy.credentials without HTTP: API keys and resolving a JWT user's membership."""
from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.exceptions import AuthenticationFailedError, PermissionDeniedError
from tenancy.credentials import (
    api_key_record_use,
    api_key_use_is_due,
    authenticate_api_key,
    generate_api_key,
    hash_api_key,
    resolve_membership,
    user_can_sign_in,
)
from tenancy.models import ApiKey
from tenancy.roles import Role
from tenancy.services import api_key_issue, api_key_revoke
from tenancy.tests.factories import CompanyFactory, MembershipFactory, UserFactory


def test_generated_key_shape():
    generated = generate_api_key()

    assert generated.raw.startswith("pk_") and len(generated.raw) == 51
    assert generated.raw[3:].isalnum() and generated.raw.isascii()
    assert generated.prefix == generated.raw[3:11]
    assert generated.hashed == hashlib.sha256(generated.raw.encode()).hexdigest()
    assert hash_api_key(generated.raw) == generated.hashed


def test_generated_keys_are_unique():
    raws = {generate_api_key().raw for _ in range(200)}

    assert len(raws) == 200


# authenticate_api_key ------------------------------------------------------------------------


@pytest.fixture
def issued(company):
    return api_key_issue(company=company, name="integration", role=Role.USER)


@pytest.mark.django_db
def test_valid_key_returns_it_with_its_company_in_one_query(issued, company):
    key, raw = issued
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())

    with CaptureQueriesContext(connection) as captured:
        found = authenticate_api_key(raw)
        assert found.company.name == company.name  # joined, no extra query

    assert found.pk == key.pk and found.role == Role.USER
    assert len(captured.captured_queries) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ["", "pk_", "pk_x", "garbage", "pk_" + "a" * 48, "pk_" + "\x00" * 48, "pk_" + "a" * 5000],
    ids=["empty", "pk_", "pk_x", "garbage", "unknown", "nul", "long"],
)
def test_malformed_or_unknown_key_fails(raw, issued):
    with pytest.raises(AuthenticationFailedError, match="Invalid API key."):
        authenticate_api_key(raw)


@pytest.mark.django_db
def test_malformed_key_costs_no_query(issued):
    with CaptureQueriesContext(connection) as captured:
        with pytest.raises(AuthenticationFailedError):
            authenticate_api_key("pk_\x00short")

    assert captured.captured_queries == []


@pytest.mark.django_db
def test_right_prefix_wrong_secret_fails(issued):
    _, raw = issued

    with pytest.raises(AuthenticationFailedError):
        authenticate_api_key(raw[:-1] + ("a" if raw[-1] != "a" else "b"))


@pytest.mark.django_db
def test_revoked_key_fails(issued):
    key, raw = issued
    api_key_revoke(api_key=key)

    with pytest.raises(AuthenticationFailedError):
        authenticate_api_key(raw)


@pytest.mark.django_db
def test_key_of_inactive_company_fails(issued, company):
    company.is_active = False
    company.save()

    with pytest.raises(AuthenticationFailedError):
        authenticate_api_key(issued[1])


@pytest.mark.django_db
def test_authentication_reads_only_and_a_use_is_recorded_once_per_minute(issued):
    key, raw = issued

    with CaptureQueriesContext(connection) as captured:
        found = authenticate_api_key(raw)
    assert len(captured.captured_queries) == 1  # the lookup only
    assert api_key_use_is_due(found)

    assert api_key_record_use(key=found) is True
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None and not api_key_use_is_due(found)
    assert api_key_record_use(key=found) is False  # within the minute: nothing written
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first

    stale = timezone.now() - timedelta(seconds=61)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=stale)
    assert api_key_record_use(key=found) is True
    assert ApiKey.objects.get(pk=key.pk).last_used_at > stale


# resolve_membership ----------------------------------------------------------------------------


@pytest.fixture
def member(company, other_company):
    """Default company `company`, also in `other_company`."""
    membership = MembershipFactory(company=company, role=Role.ADMIN, is_default=True)
    MembershipFactory(company=other_company, user=membership.user, is_default=False)
    return membership


@pytest.mark.django_db
def test_default_company_without_a_choice(member, company):
    with CaptureQueriesContext(connection) as captured:
        resolved = resolve_membership(user_id=member.user_id)
        assert resolved.company.name == company.name  # both joined: no further query
        assert resolved.user.username == member.user.username

    assert resolved.pk == member.pk and resolved.role == Role.ADMIN
    assert len(captured.captured_queries) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("as_text", [True, False], ids=["header_text", "int"])
def test_chosen_company_by_id(as_text, member, other_company):
    chosen = str(other_company.pk) if as_text else other_company.pk

    resolved = resolve_membership(user_id=member.user_id, company_id=chosen)

    assert resolved.company_id == other_company.pk and resolved.role == Role.USER


@pytest.mark.django_db
@pytest.mark.parametrize("as_text", [True, False], ids=["text", "uuid"])
def test_chosen_company_by_uuid(as_text, member, other_company):
    chosen = str(other_company.uuid) if as_text else other_company.uuid

    resolved = resolve_membership(user_id=member.user_id, company_uuid=chosen)

    assert resolved.company_id == other_company.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "choice",
    [
        {"company_id": "abc"},
        {"company_id": "²"},
        {"company_id": "-1"},
        {"company_id": str(2**63)},
        {"company_id": "9" * 5000},
        {"company_uuid": "not-a-uuid"},
        {"company_uuid": "\x00"},
    ],
    ids=["text", "superscript", "negative", "past_bigint", "many_digits", "uuid_text", "nul"],
)
def test_malformed_choice_is_permission_denied(choice, member):
    with pytest.raises(PermissionDeniedError, match="not a member"):
        resolve_membership(user_id=member.user_id, **choice)


@pytest.mark.django_db
def test_company_the_user_is_not_in_is_permission_denied(member):
    stranger = CompanyFactory()

    with pytest.raises(PermissionDeniedError):
        resolve_membership(user_id=member.user_id, company_id=stranger.pk)
    with pytest.raises(PermissionDeniedError):
        resolve_membership(user_id=member.user_id, company_uuid=uuid.uuid4())


@pytest.mark.django_db
def test_inactive_user_fails_authentication_even_with_a_choice(member, company):
    member.user.is_active = False
    member.user.save()

    with pytest.raises(AuthenticationFailedError):
        resolve_membership(user_id=member.user_id)
    with pytest.raises(AuthenticationFailedError):
        resolve_membership(user_id=member.user_id, company_id=company.pk)


@pytest.mark.django_db
def test_no_active_membership_fails_authentication(member):
    member.user.memberships.update(is_active=False)

    with pytest.raises(AuthenticationFailedError):
        resolve_membership(user_id=member.user_id)


@pytest.mark.django_db
def test_unknown_user_fails_authentication(db):
    with pytest.raises(AuthenticationFailedError):
        resolve_membership(user_id=987654)


@pytest.mark.django_db
def test_inactive_company_is_skipped_for_the_default(member, company, other_company):
    company.is_active = False
    company.save()

    assert resolve_membership(user_id=member.user_id).company_id == other_company.pk
    with pytest.raises(PermissionDeniedError):
        resolve_membership(user_id=member.user_id, company_id=company.pk)


# user_can_sign_in ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_can_sign_in_needs_an_active_user_membership_and_company(company):
    membership = MembershipFactory(company=company)
    user = membership.user
    assert user_can_sign_in(user)

    membership.is_active = False
    membership.save()
    assert not user_can_sign_in(user)

    membership.is_active = True
    membership.save()
    company.is_active = False
    company.save()
    assert not user_can_sign_in(user)

    company.is_active = True
    company.save()
    user.is_active = False
    assert not user_can_sign_in(user)


@pytest.mark.django_db
def test_user_without_membership_cannot_sign_in(db):
    assert not user_can_sign_in(UserFactory())
