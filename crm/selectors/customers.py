"""Reads about customers and their contacts."""
from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tenancy.models import Company

from ..models import Contact, Contract, Customer


def _contacts_count() -> Coalesce:
    # A correlated subquery rather than Count("contacts") with a join: no GROUP BY over every
    # customer column, and the list's COUNT(*) leaves the unused annotation out. It leads with
    # the company, as the (company, customer) index does.
    per_customer = (
        Contact.objects.filter(company=OuterRef("company"), customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(per_customer, output_field=IntegerField()), Value(0))


def customers_with_counts(queryset: QuerySet[Customer]) -> QuerySet[Customer]:
    """What every v1 customer representation reads: its number of contacts, in the same query,
    so a page of customers costs the same number of queries whatever its size."""
    return queryset.annotate(contacts_count=_contacts_count())


def customer_list(*, company: Company) -> QuerySet[Customer]:
    return customers_with_counts(Customer.objects.for_company(company))


def customer_get(*, company: Company, customer_id: int) -> Customer | None:
    """The customer row alone (no counts): None when it is not the company's."""
    return Customer.objects.for_company(company).filter(pk=customer_id).first()


def contact_list(*, company: Company) -> QuerySet[Contact]:
    return Contact.objects.for_company(company)


def customer_contacts(*, customer: Customer) -> QuerySet[Contact]:
    """One customer's contacts, primary first."""
    return Contact.objects.for_company(customer.company_id).filter(customer=customer)


def customer_contract_count(customer: Customer) -> dict[str, int]:
    """A customer-delete blocker (crm.registry): the contracts that still need the customer."""
    return {
        "contracts": Contract.objects.for_company(customer.company_id)
        .filter(customer=customer)
        .count()
    }
