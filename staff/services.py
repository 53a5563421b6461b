"""Every write about staff members and departments.

A staff member is a `Membership` (its id is the staff id) of a Django user. Users are shared
by the whole installation while memberships belong to one company, so the rules here keep one
company from finding, joining or taking over another company's user:

- a new staff member always gets a new user; their username is their e-mail, or, when that
  is taken anywhere (as a username or as another account's e-mail), the e-mail with a random
  suffix. The other account is never read back, joined or changed;
- an e-mail is unique among one company's staff (a 400 on `email`);
- only the person themself (or an operator) may change the password of a user who also
  belongs to another company or is an operator: a company admin setting it would take over
  the user's place elsewhere.

And within a company: it always keeps one active admin (deactivating, deleting or demoting the
last one is a 409 `last_admin`).
"""
from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from tenancy.models import Company, Department, Membership
from tenancy.roles import Role
from tenancy.services import membership_ensure_another_active_admin

User = get_user_model()

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length
# What Django's username validator accepts; other characters an e-mail may hold are dropped.
_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")
_SUFFIX_ATTEMPTS = 5

EMAIL_TAKEN_MESSAGE = "A staff member of this company already uses this e-mail address."
EMAIL_TAKEN_INACTIVE_MESSAGE = (
    "A deactivated staff member of this company uses this e-mail address; activate them instead."
)
PASSWORD_NOT_YOURS_MESSAGE = (
    "Only this staff member (or an operator) can change their password."
)
# The name and e-mail live on the user, which other companies may share: changing them from
# one company would change what the others see.
PROFILE_NOT_YOURS_MESSAGE = (
    "Only this staff member (or an operator) can change their name or e-mail."
)


# --- staff members -------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    company: Company,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    role: str = Role.USER,
    phone: str = "",
    departments: Iterable[Department] = (),
) -> Membership:
    """A new user and their membership in `company`. Returns the membership (the staff id)."""
    email = User.objects.normalize_email(email.strip())
    _ensure_email_free(company=company, email=email)
    departments = _own_departments(company=company, departments=departments)
    user = User(email=email, first_name=first_name, last_name=last_name)
    _validate_password(password, user)
    user.set_password(password)
    _save_with_free_username(user, base=_username_base(email))
    membership = Membership(company=company, user=user, role=role, phone=phone, is_default=True)
    membership.full_clean(exclude=["user", "company"])
    membership.save()
    membership.departments.set(departments)
    return membership


@transaction.atomic
def staff_update(
    *,
    membership: Membership,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    role: str | None = None,
    departments: Iterable[Department] | None = None,
    password: str | None = None,
    by: Membership | None = None,
) -> Membership:
    """Change what is given (None = unchanged). The e-mail changes, the username does not."""
    company = membership.company
    user = membership.user
    if email is not None:
        email = User.objects.normalize_email(email.strip())
    changes = {
        name: value
        for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email))
        if value is not None and value != getattr(user, name)
    }
    if changes:
        is_self = by is not None and by.pk == membership.pk
        if not is_self and _user_reaches_beyond(membership):
            raise PermissionDeniedError(PROFILE_NOT_YOURS_MESSAGE)
        if "email" in changes and email.lower() != user.email.lower():
            _ensure_email_free(company=company, email=email, excluding=membership)
        for name, value in changes.items():
            setattr(user, name, value)
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=list(changes))
    user_fields = list(changes)

    membership_fields: list[str] = []
    if phone is not None and phone != membership.phone:
        membership.phone = phone
        membership_fields.append("phone")
    if role is not None and role != membership.role:
        if membership.role == Role.ADMIN and membership.is_active:
            membership_ensure_another_active_admin(company=company, excluding=membership, field="role")
        membership.role = role
        membership_fields.append("role")
    if departments is not None:
        membership.departments.set(_own_departments(company=company, departments=departments))
    if membership_fields:
        membership.full_clean(exclude=["user", "company"])
    if user_fields or membership_fields or departments is not None:
        # The staff member's updated_at covers their user's fields and departments too.
        membership.save(update_fields=[*membership_fields, "updated_at"])
    if password is not None:
        staff_change_password(membership=membership, password=password, by=by)
    return membership


@transaction.atomic
def staff_change_password(
    *, membership: Membership, password: str, by: Membership | None = None
) -> Membership:
    """Set a staff member's password, through Django's validators.

    `by` is the membership acting (None for an API key). Who may call this at all (an admin,
    or the member themself) is the API's permission; this guards the shared user.
    """
    user = membership.user
    is_self = by is not None and by.pk == membership.pk
    if not is_self and _user_reaches_beyond(membership):
        raise PermissionDeniedError(PASSWORD_NOT_YOURS_MESSAGE)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return membership


@transaction.atomic
def staff_deactivate(*, membership: Membership) -> Membership:
    """Take a staff member out of the company, keeping the user and their history.

    Also what deleting a staff member does. Deactivating an inactive member changes nothing.
    """
    if not membership.is_active:
        return membership
    if membership.role == Role.ADMIN:
        membership_ensure_another_active_admin(company=membership.company, excluding=membership)
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    return membership


@transaction.atomic
def staff_activate(*, membership: Membership) -> Membership:
    if membership.is_active:
        return membership
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    return membership


def _ensure_email_free(
    *, company: Company, email: str, excluding: Membership | None = None
) -> None:
    """An e-mail is unique among one company's staff (active or not); other companies'
    users are not looked at."""
    clash = Membership.objects.for_company(company).filter(user__email__iexact=email)
    if excluding is not None:
        clash = clash.exclude(pk=excluding.pk)
    clash = clash.only("is_active").first()
    if clash is not None:
        message = EMAIL_TAKEN_MESSAGE if clash.is_active else EMAIL_TAKEN_INACTIVE_MESSAGE
        raise ValidationFailed(details={"email": [message]})


def _own_departments(*, company: Company, departments: Iterable[Department]) -> list[Department]:
    # The API already looks ids up inside the company; this keeps other callers honest.
    departments = list(departments)
    if any(department.company_id != company.pk for department in departments):
        raise ValidationFailed(details={"departments": ["Unknown department."]})
    return departments


def _user_reaches_beyond(membership: Membership) -> bool:
    """Whether the user is more than this company's staff member: an operator, or a member
    of another company too."""
    if membership.user.is_superuser:
        return True
    others = Membership.objects.filter(user_id=membership.user_id)
    return others.exclude(company_id=membership.company_id).exists()


def _validate_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from None


def _username_base(email: str) -> str:
    return _NOT_IN_USERNAME.sub("", email)[:USERNAME_MAX_LENGTH] or "staff"


def _username_is_free(username: str, email: str) -> bool:
    # Taken as a username (case-insensitively, so "Jane@x" and "jane@x" never coexist), or the
    # e-mail already belongs to another account: either way the new user gets a name of its own.
    return not (
        User.objects.filter(username__iexact=username).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


def _save_with_free_username(user, *, base: str) -> None:
    """Save `user` under `base`, or `base-<random>` when that is taken. The random suffix (not a
    counter) says nothing about how many accounts share the e-mail."""
    candidates = [base] if _username_is_free(base, user.email) else []
    candidates += [_suffixed(base) for _ in range(_SUFFIX_ATTEMPTS)]
    for candidate in candidates:
        if candidate != base and User.objects.filter(username__iexact=candidate).exists():
            continue
        user.username = candidate
        user.full_clean(exclude=["password"], validate_unique=False)
        try:
            with transaction.atomic():  # a savepoint: a concurrent insert of the name is retried
                user.save()
        except IntegrityError:
            user.pk = None
            continue
        return
    raise ConflictError("Could not choose a username; please try again.")


def _suffixed(base: str) -> str:
    suffix = "-" + secrets.token_hex(3)
    return base[: USERNAME_MAX_LENGTH - len(suffix)] + suffix


# --- departments ---------------------------------------------------------------------------


@transaction.atomic
def department_create(*, company: Company, name: str, email: str = "") -> Department:
    _ensure_department_name_free(company=company, name=name)
    department = Department(company=company, name=name, email=email)
    department.full_clean(exclude=["company"], validate_unique=False)
    return _save_department(department)


@transaction.atomic
def department_update(
    *, department: Department, name: str | None = None, email: str | None = None
) -> Department:
    if name is not None and name != department.name:
        _ensure_department_name_free(company=department.company, name=name, excluding=department)
        department.name = name
    if email is not None:
        department.email = email
    department.full_clean(exclude=["company"], validate_unique=False)
    return _save_department(department)


@transaction.atomic
def department_delete(*, department: Department) -> None:
    """Delete a department; its members stay, without it. Rows of later apps that protect
    it (tickets, ...) make this a 409 naming them."""
    try:
        with transaction.atomic():
            department.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        blocked_by = sorted({obj._meta.verbose_name_plural for obj in exc.protected_objects})
        raise ConflictError(
            "The department is still in use.", code="in_use", extra={"blocked_by": blocked_by}
        ) from None


def _ensure_department_name_free(
    *, company: Company, name: str, excluding: Department | None = None
) -> None:
    # Case-insensitive: a department is also named in requests, case-insensitively.
    clash = Department.objects.for_company(company).filter(name__iexact=name)
    if excluding is not None:
        clash = clash.exclude(pk=excluding.pk)
    if clash.exists():
        raise ValidationFailed(details={"name": ["A department with this name already exists."]})


def _save_department(department: Department) -> Department:
    try:
        with transaction.atomic():  # a concurrent insert of the same name loses on the constraint
            department.save()
    except IntegrityError:
        raise ValidationFailed(
            details={"name": ["A department with this name already exists."]}
        ) from None
    return department
