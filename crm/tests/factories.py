import datetime
from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from crm.models import ActivityLog
from crm.models import (
    Contact,
    Contract,
    ContractAttachment,
    ContractComment,
    ContractRenewal,
    ContractType,
    Customer,
    Lead,
    LeadSource,
    LeadStatus,
    Note,
)
from tenancy.tests.factories import CompanyFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Customer {n} Ltd")
    email = factory.Sequence(lambda n: f"billing{n}@customer.example")
    phone = "+36 1 234 5678"
    city = "Budapest"
    country = "HU"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    company = factory.SelfAttribute("customer.company")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")


class LeadStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadStatus

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Status {n}")


class LeadSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadSource

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Source {n}")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    company = factory.SubFactory(CompanyFactory)
    name = factory.Faker("name")
    company_name = factory.Sequence(lambda n: f"Prospect {n} Kft.")
    email = factory.Sequence(lambda n: f"lead{n}@prospect.example")
    status = factory.SubFactory(LeadStatusFactory, company=factory.SelfAttribute("..company"))
    value = Decimal("1000.00")


class ContractTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractType

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Contract type {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    company = factory.SubFactory(CompanyFactory)
    customer = factory.SubFactory(CustomerFactory, company=factory.SelfAttribute("..company"))
    subject = factory.Sequence(lambda n: f"Support agreement {n}")
    contract_type = factory.SubFactory(
        ContractTypeFactory, company=factory.SelfAttribute("..company")
    )
    date_start = datetime.date(2026, 1, 1)
    date_end = datetime.date(2026, 12, 31)
    value = Decimal("12000.00")


class ContractRenewalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractRenewal

    contract = factory.SubFactory(ContractFactory)
    company = factory.SelfAttribute("contract.company")
    old_date_end = datetime.date(2026, 12, 31)
    new_date_end = datetime.date(2027, 12, 31)
    old_value = Decimal("12000.00")
    new_value = Decimal("12000.00")


class ContractCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractComment

    contract = factory.SubFactory(ContractFactory)
    company = factory.SelfAttribute("contract.company")
    content = "Looks good to me."


class ContractAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractAttachment

    contract = factory.SubFactory(ContractFactory)
    company = factory.SelfAttribute("contract.company")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="terms.pdf"))
    file_name = "terms.pdf"
    content_type = "application/pdf"
    size = 13


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    company = factory.SubFactory(CompanyFactory)
    rel_type = "customer"
    rel_id = factory.LazyAttribute(lambda note: CustomerFactory(company=note.company).pk)
    description = "Call back next week."


class ActivityLogFactory(factory.django.DjangoModelFactory):
    """A log entry about a customer of the same company (`target=` to point at another row)."""

    class Meta:
        model = ActivityLog
        exclude = ("target",)

    company = factory.SubFactory(CompanyFactory)
    target = factory.SubFactory(CustomerFactory, company=factory.SelfAttribute("..company"))
    action = "created"
    content_type = factory.LazyAttribute(
        lambda log: ContentType.objects.get_for_model(log.target)
    )
    object_id = factory.SelfAttribute("target.pk")
    object_repr = factory.LazyAttribute(lambda log: str(log.target)[:200])
    actor_name = "Walker Test"
    description = factory.Sequence(lambda n: f"Activity {n}")
