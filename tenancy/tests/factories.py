import factory
from django.contrib.auth import get_user_model

from tenancy.credentials import generate_api_key
from tenancy.models import ApiKey
from tenancy.models import Company, Department, Membership
from tenancy.roles import Role


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} Kft.")
    slug = factory.Sequence(lambda n: f"company-{n}")
    tax_number = factory.Sequence(lambda n: f"{10000000 + n}-2-42")
    default_currency = "HUF"
    time_zone = "Europe/Budapest"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct-horse-battery-staple")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.USER
    is_default = True


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Department {n}")


class ApiKeyFactory(factory.django.DjangoModelFactory):
    """A stored key with a real random prefix and hash (the raw key is not kept: a test that
    authenticates with a key uses `tenancy.services.api_key_issue`, which returns it)."""

    class Meta:
        model = ApiKey
        exclude = ("generated",)

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Key {n}")
    role = Role.ADMIN
    generated = factory.LazyFunction(generate_api_key)
    prefix = factory.LazyAttribute(lambda key: key.generated.prefix)
    hashed_key = factory.LazyAttribute(lambda key: key.generated.hashed)
