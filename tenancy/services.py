from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.exceptions import ConflictError

from . import registry
from .credentials import generate_api_key
from .models import ApiKey, Company, Membership
from .roles import Role

User = get_user_model()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "company"
    slug, counter = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def company_create(
    *,
    name: str,
    features: list[str] | None = None,
    locale: str = "en",
    time_zone: str = "UTC",
    default_currency: str = "EUR",
    **fields,
) -> Company:
    """Create a company and seed its lookups through the registered hooks."""
    company = Company(
        name=name,
        slug=fields.pop("slug", None) or _unique_slug(name),
        features=sorted(set(features or [])),
        locale=locale,
        time_zone=time_zone,
        default_currency=default_currency,
        **fields,
    )
    company.full_clean()
    company.save()
    for hook in registry.company_created:
        hook(company=company)
    return company


def company_set_features(*, company: Company, features: list[str]) -> Company:
    company.features = sorted(set(features))
    company.full_clean(exclude=["slug"])
    company.save(update_fields=["features", "updated_at"])
    return company


@transaction.atomic
def membership_add(*, company: Company, user, role: str = Role.USER) -> Membership:
    """Put an existing user into a company. The first membership becomes the default."""
    if Membership.objects.filter(company=company, user=user).exists():
        raise ConflictError("This user is already a member of the company.")
    is_first = not Membership.objects.filter(user=user).exists()
    return Membership.objects.create(company=company, user=user, role=role, is_default=is_first)


@transaction.atomic
def company_create_with_admin(
    *,
    name: str,
    username: str,
    password: str,
    email: str = "",
    features: list[str] | None = None,
    **company_fields,
) -> tuple[Company, Membership]:
    """What `create_company` does: a company and its first admin, in one transaction."""
    from django.contrib.auth.password_validation import validate_password

    if User.objects.filter(username=username).exists():
        raise ConflictError(f"The username {username!r} is taken.")
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    company = company_create(name=name, features=features, **company_fields)
    return company, membership_add(company=company, user=user, role=Role.ADMIN)


@transaction.atomic
def api_key_issue(
    *, company: Company, name: str, role: str = Role.ADMIN, created_by: Membership | None = None
) -> tuple[ApiKey, str]:
    """Issue a key. The raw key is returned here only, and never stored."""
    if ApiKey.objects.filter(company=company, name=name, revoked_at__isnull=True).exists():
        raise ConflictError(f"An active API key named {name!r} already exists.")
    generated = generate_api_key()
    key = ApiKey(
        company=company,
        name=name,
        role=role,
        prefix=generated.prefix,
        hashed_key=generated.hashed,
        created_by=created_by,
    )
    key.full_clean()
    key.save()
    return key, generated.raw


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
    return api_key




LAST_ADMIN_MESSAGE = "A company must keep at least one active admin."


def membership_ensure_another_active_admin(
    *, company: Company, excluding: Membership, field: str | None = None
) -> None:
    """Refuse (409 `last_admin`) when `excluding` is the company's only active admin.

    Call inside the transaction that demotes or deactivates `excluding`: the admin rows are
    locked (in id order, so two such transactions never deadlock), and two admins demoting
    each other at the same moment cannot both succeed: the second waits and then sees the
    first one's change.
    """
    admin_ids = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(company=company, role=Role.ADMIN, is_active=True, user__is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not any(pk != excluding.pk for pk in admin_ids):
        raise ConflictError(
            LAST_ADMIN_MESSAGE,
            code="last_admin",
            details={field: [LAST_ADMIN_MESSAGE]} if field else None,
        )
