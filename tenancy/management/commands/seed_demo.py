"""`manage.py seed_demo`: two demo companies to click through. Safe to run again.

Each run leaves the same companies, users and memberships (found by their fixed slugs and
usernames, never duplicated) and resets the demo passwords. API keys are stored hashed, so a
key cannot be printed twice: each run revokes the previous demo key and issues a fresh one
under the same name. Then every registered demo seeder (`tenancy.registry.demo_seeders`, filled
by the apps in their `AppConfig.ready()`) adds its data; seeders must be idempotent too.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from core.commands import JsonOutputCommand

from ... import registry
from ...features import Feature
from ...models import ApiKey, Company, Membership
from ...roles import Role
from ...services import (
    api_key_issue,
    api_key_revoke,
    company_create,
    company_create_with_admin,
    company_set_features,
    membership_add,
)

User = get_user_model()

# Demo only: printed on every run so a newcomer can log in.
DEMO_PASSWORD = "demo-pass-1234"
API_KEY_NAME = "demo"
FEATURES = [Feature.BILLINGO_SYNC.value, Feature.CRM_INTEGRATIONS.value]


@dataclass(frozen=True)
class DemoCompany:
    name: str
    slug: str
    admin: str
    admin_name: tuple[str, str]
    staff: str
    staff_name: tuple[str, str]
    locale: str
    time_zone: str
    currency: str
    tax_number: str
    city: str
    country: str


DEMO_COMPANIES = (
    DemoCompany(
        name="Acme Kft.",
        slug="acme-kft",
        admin="demo-admin",
        admin_name=("Ádám", "Kiss"),
        staff="demo-user",
        staff_name=("Béla", "Tóth"),
        locale="hu",
        time_zone="Europe/Budapest",
        currency="HUF",
        tax_number="12345678-2-42",
        city="Budapest",
        country="HU",
    ),
    DemoCompany(
        name="Globex Ltd.",
        slug="globex-ltd",
        admin="demo-admin-2",
        admin_name=("Alice", "Walker"),
        staff="demo-user-2",
        staff_name=("Bob", "Carter"),
        locale="en",
        time_zone="Europe/Vienna",
        currency="EUR",
        tax_number="ATU12345678",
        city="Vienna",
        country="AT",
    ),
)


def _reset_login(user, name: tuple[str, str]) -> None:
    """The demo password, an active account, and a name for the staff lists."""
    if user.check_password(DEMO_PASSWORD) and user.is_active and user.first_name:
        return
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    if not user.first_name:
        user.first_name, user.last_name = name
    user.save(update_fields=["password", "is_active", "first_name", "last_name"])


def _company_fields(spec: DemoCompany) -> dict:
    return {
        "name": spec.name,
        "features": FEATURES,
        "slug": spec.slug,
        "locale": spec.locale,
        "time_zone": spec.time_zone,
        "default_currency": spec.currency,
        "tax_number": spec.tax_number,
        "city": spec.city,
        "country": spec.country,
    }


def _ensure_company(spec: DemoCompany) -> tuple[Company, Membership]:
    company = Company.objects.filter(slug=spec.slug).first()
    if company is None and not User.objects.filter(username=spec.admin).exists():
        company, _admin = company_create_with_admin(
            username=spec.admin,
            password=DEMO_PASSWORD,
            email=f"{spec.admin}@example.com",
            **_company_fields(spec),
        )
    elif company is None:  # the company was deleted but its admin's account survived
        company = company_create(**_company_fields(spec))
    if not set(FEATURES) <= set(company.features or []):
        company_set_features(company=company, features=[*company.features, *FEATURES])
    admin = _ensure_member(
        company=company, username=spec.admin, name=spec.admin_name, role=Role.ADMIN
    )
    return company, admin


def _ensure_member(
    *, company: Company, username: str, name: tuple[str, str], role: str
) -> Membership:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username, email=f"{username}@example.com", password=DEMO_PASSWORD
        )
    _reset_login(user, name)
    membership = Membership.objects.filter(company=company, user=user).first()
    if membership is None:
        membership = membership_add(company=company, user=user, role=role)
    elif membership.role != role or not membership.is_active:
        membership.role, membership.is_active, membership.deactivated_at = role, True, None
        membership.save(update_fields=["role", "is_active", "deactivated_at", "updated_at"])
    return membership


def _fresh_api_key(*, company: Company, created_by: Membership) -> str:
    for key in ApiKey.objects.filter(company=company, name=API_KEY_NAME, revoked_at__isnull=True):
        api_key_revoke(api_key=key)
    _key, raw = api_key_issue(
        company=company, name=API_KEY_NAME, role=Role.ADMIN, created_by=created_by
    )
    return raw


class Command(JsonOutputCommand):
    help = "Create or refresh two demo companies with staff, an API key each and demo data."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where the server runs, for the printed links.",
        )

    @transaction.atomic
    def handle(self, *args, **options):
        base_url = options["base_url"].rstrip("/")
        rows = []
        for spec in DEMO_COMPANIES:
            company, admin = _ensure_company(spec)
            _ensure_member(
                company=company, username=spec.staff, name=spec.staff_name, role=Role.USER
            )
            raw_key = _fresh_api_key(company=company, created_by=admin)
            for seeder in registry.demo_seeders:
                seeder(company=company, admin=admin)
            rows.append((spec, company, raw_key))
        payload = {
            "companies": [
                {
                    "id": company.pk,
                    "uuid": str(company.uuid),
                    "name": company.name,
                    "slug": company.slug,
                    "admin": {"username": spec.admin, "password": DEMO_PASSWORD},
                    "user": {"username": spec.staff, "password": DEMO_PASSWORD},
                    "api_key": raw_key,
                }
                for spec, company, raw_key in rows
            ],
            "login_url": f"{base_url}/admin/",
            "docs_url": f"{base_url}/api/docs/",
        }
        self.emit(options, payload, self._human(payload, base_url))

    @staticmethod
    def _human(payload: dict, base_url: str) -> str:
        lines = ["Demo data is ready.", ""]
        for row in payload["companies"]:
            lines += [
                f"{row['name']} (id {row['id']}, organization_id {row['uuid']})",
                f"  admin login: {row['admin']['username']} / {row['admin']['password']}",
                f"  user login:  {row['user']['username']} / {row['user']['password']}",
                f"  API key:     {row['api_key']}",
                "",
            ]
        first_key = payload["companies"][0]["api_key"]
        lines += [
            f"Admin:    {payload['login_url']}",
            f"API docs: {payload['docs_url']}",
            f"Try:      curl -H 'X-API-KEY: {first_key}' {base_url}/api/v1/countries?search=hu",
        ]
        return "\n".join(lines)
