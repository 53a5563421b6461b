from __future__ import annotations

import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .features import Feature
from .querysets import CompanyQuerySet
from .roles import Role

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


def validate_features(value) -> None:
    if not isinstance(value, list) or any(item not in Feature.values for item in value):
        raise ValidationError(
            _("Features must be a list of: %(choices)s"),
            params={"choices": ", ".join(Feature.values)},
        )


class Company(models.Model):
    """The tenant. Every tenant-owned row points at one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    tax_number = models.CharField(max_length=50, blank=True)
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = CountryField(blank=True)
    bank_account = models.CharField(max_length=64, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    default_currency = models.CharField(max_length=3, default="EUR")
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    locale = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    # Kept on the row, not in a table of its own, so a request learns its company's features
    # in the same query that resolves the company.
    features = models.JSONField(default=list, blank=True, validators=[validate_features])
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def has_feature(self, feature: str) -> bool:
        return feature in (self.features or [])


class TenantModel(models.Model):
    """Base of every tenant-owned model: the company, and when the row was made and changed."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        abstract = True


class Department(TenantModel):
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="department_name_per_company"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user's place in a company: a staff member. Its id is the staff id of the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.USER)
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(
        default=False, help_text=_("The company a user with several works in unless they choose.")
    )
    phone = models.CharField(max_length=50, blank=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="members")
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_user_per_company"),
        ]
        indexes = [models.Index(fields=["company", "role", "is_active"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """How a staff member is named everywhere: the full name, else the username."""
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiKey(TenantModel):
    """A key for our own API. Only a hash is kept; the key is shown once, when it is issued."""

    name = models.CharField(max_length=100)
    # The first characters of the key, stored in clear so a request finds its key in one
    # indexed lookup; the rest is only compared as a hash.
    prefix = models.CharField(max_length=16, unique=True)
    hashed_key = models.CharField(max_length=64)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ADMIN)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_key_name_per_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (pk_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
