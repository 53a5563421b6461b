from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from tenancy.models import Membership, TenantModel


class Customer(TenantModel):
    """A client company. v1 calls the name `company`, v2 `account`: same rows, two shapes."""

    name = models.CharField(max_length=200)
    vat = models.CharField("VAT / tax number", max_length=50, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(max_length=255, blank=True)
    # Billing address (v2's flat address, city, state, zip, country).
    address = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=20, blank=True)
    country = CountryField(blank=True)
    shipping_address = models.CharField(max_length=255, blank=True)
    shipping_city = models.CharField(max_length=100, blank=True)
    shipping_state = models.CharField(max_length=100, blank=True)
    shipping_zip = models.CharField(max_length=20, blank=True)
    shipping_country = CountryField(blank=True)
    default_currency = models.CharField(max_length=3, blank=True)
    is_active = models.BooleanField(default=True)
    assigned_to = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["company", "name"]),
            models.Index(fields=["company", "-created_at"]),
            models.Index("company", Lower("email"), name="crm_customer_company_email"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=50, blank=True)
    title = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        constraints = [
            # The e-mail is unique per customer, whatever its case.
            models.UniqueConstraint(
                "company", "customer", Lower("email"), name="crm_contact_email_per_customer"
            ),
            # At most one primary contact per customer (services keep it exactly one).
            models.UniqueConstraint(
                fields=["company", "customer"],
                condition=models.Q(is_primary=True),
                name="crm_contact_one_primary_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["company", "customer"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
