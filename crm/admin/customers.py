"""Customers with their contacts inline, and contacts on their own."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tenancy.admin import (
    AssignedStaffFilter,
    ServiceAdmin,
    ServiceInline,
    TenantModelForm,
    staff_name,
)

from ..models import Contact, Customer
from ..services import contacts as contact_services
from ..services import customers as customer_services


class ContactForm(TenantModelForm):
    """The e-mail's uniqueness (any case) and the one primary contact are
    crm.services.contacts' rules: the form leaves their constraints to the service, whose
    errors the page shows on the fields. (Making a contact primary hands the flag over, which
    the one-primary constraint, checked on the form alone, would refuse.)"""

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | {"is_primary", "email"}


class ContactWrites:
    """Contacts through crm.services.contacts, on their page and inline on the customer's."""

    def perform_update(self, request, obj, *, values, by):
        return contact_services.contact_update(contact=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        contact_services.contact_delete(contact=obj, by=by)


class ContactInline(ContactWrites, ServiceInline):
    model = Contact
    form = ContactForm
    fields = ("first_name", "last_name", "email", "phone", "title", "is_primary", "is_active")

    def perform_create(self, request, *, parent, values, by):
        return contact_services.contact_create(
            company=parent.company, customer=parent, by=by, **values
        )


@admin.register(Customer)
class CustomerAdmin(ServiceAdmin):
    list_display = ("name", "vat", "email", "phone", "city", "assigned", "is_active", "created_at")
    list_filter = ("is_active", AssignedStaffFilter)
    search_fields = ("name", "vat", "email", "phone")
    list_select_related = ("company", "assigned_to__user")
    date_hierarchy = "created_at"
    inlines = (ContactInline,)
    fieldsets = (
        (None, {"fields": (
            "company", "name", "vat", "email", "phone", "website", "default_currency",
            "assigned_to", "is_active",
        )}),
        (_("Billing address"), {"fields": ("address", "city", "state", "zip", "country")}),
        (_("Shipping address"), {"fields": (
            "shipping_address", "shipping_city", "shipping_state", "shipping_zip",
            "shipping_country",
        )}),
    )

    @admin.display(description=_("assigned to"), ordering="assigned_to__user__last_name")
    def assigned(self, obj: Customer) -> str:
        return staff_name(obj.assigned_to)

    def perform_create(self, request, *, company, values, by):
        return customer_services.customer_create(company=company, by=by, **values)

    def perform_update(self, request, obj, *, values, by):
        return customer_services.customer_update(customer=obj, by=by, **values)

    def perform_delete(self, request, obj, *, by):
        customer_services.customer_delete(customer=obj, by=by)


@admin.register(Contact)
class ContactAdmin(ContactWrites, ServiceAdmin):
    form = ContactForm
    list_display = ("__str__", "email", "customer", "phone", "is_primary", "is_active")
    list_filter = ("is_primary", "is_active")
    search_fields = ("first_name", "last_name", "email", "phone", "customer__name")
    list_select_related = ("company", "customer")
    autocomplete_fields = ("customer",)
    fields = (
        "company", "customer", "first_name", "last_name", "email", "phone", "title",
        "is_primary", "is_active",
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("customer")  # a contact stays with its customer
        return readonly

    def perform_create(self, request, *, company, values, by):
        customer = values.pop("customer")
        return contact_services.contact_create(
            company=company, customer=customer, by=by, **values
        )
