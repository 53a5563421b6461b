"""Operator commands: create_company, create_api_key, seed_demo."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tenancy import registry
from tenancy.credentials import authenticate_api_key
from tenancy.models import ApiKey, Company, Membership
from tenancy.roles import Role
from tenancy.tests.factories import CompanyFactory, UserFactory

User = get_user_model()
STRONG = "violet-otter-meadow-42"


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def run_json(*args) -> dict:
    output = run(*args, "--json")
    return json.loads(output)  # exactly one JSON object, nothing else


# create_company --------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_company_json_describes_what_was_created():
    data = run_json(
        "create_company", "Acme Kft.", "--admin", "anna", "--password", STRONG,
        "--email", "anna@acme.example", "--features", "crm_integrations,BILLINGO_SYNC",
        "--locale", "hu", "--timezone", "Europe/Budapest", "--currency", "huf",
    )
    company = Company.objects.get()
    membership = Membership.objects.get()
    assert data == {
        "company": {
            "id": company.pk,
            "uuid": str(company.uuid),
            "name": "Acme Kft.",
            "slug": "acme-kft",
            "features": ["BILLINGO_SYNC", "CRM_INTEGRATIONS"],
        },
        "admin": {"username": "anna", "membership_id": membership.pk},
    }
    assert (company.locale, company.time_zone, company.default_currency) == (
        "hu", "Europe/Budapest", "HUF",
    )
    assert membership.company == company and membership.role == Role.ADMIN
    assert membership.is_default and membership.is_active
    assert membership.user.email == "anna@acme.example"
    assert membership.user.check_password(STRONG)


@pytest.mark.django_db
def test_create_company_human_output_names_the_company_and_admin():
    output = run("create_company", "Globex Zrt.", "--admin", "gabor", "--password", STRONG)
    company = Company.objects.get()
    assert output.startswith("Created company 'Globex Zrt.'")
    assert f"id {company.pk}" in output and "'gabor'" in output
    assert (company.locale, company.time_zone, company.default_currency) == ("en", "UTC", "EUR")
    assert company.features == []


@pytest.mark.parametrize(
    ("_case", "extra", "message"),
    [
        ("unknown_feature", ["--features", "BILLINGO_SYNC,TELEPORT"], "feature(s): TELEPORT"),
        ("weak_password", ["--password", "12345678"], "This password is too common"),
        ("short_password", ["--password", "x7!"], "too short"),
        ("bad_timezone", ["--timezone", "Mars/Olympus"], "time_zone"),
    ],
)
@pytest.mark.django_db
def test_create_company_refuses_and_creates_nothing(_case, extra, message):
    args = ["create_company", "Acme Kft.", "--admin", "anna", "--password", STRONG, *extra]
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    assert message in str(excinfo.value)
    assert Company.objects.count() == 0
    assert User.objects.count() == 0
    assert Membership.objects.count() == 0


@pytest.mark.django_db
def test_create_company_refuses_a_taken_username():
    UserFactory(username="anna")
    with pytest.raises(CommandError, match="The username 'anna' is taken."):
        run("create_company", "Acme Kft.", "--admin", "anna", "--password", STRONG)
    assert Company.objects.count() == 0
    assert Membership.objects.count() == 0


@pytest.mark.django_db
def test_create_company_error_exits_1_and_prints_no_json():
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "create_company", "X", "--admin", "x", "--password", "123", "--json", stdout=out
        )
    # manage.py turns a CommandError into "CommandError: <message>" on stderr and exit code 1.
    assert excinfo.value.returncode == 1
    assert out.getvalue() == ""
    assert Company.objects.count() == 0


# create_api_key --------------------------------------------------------------------------


@pytest.mark.parametrize("_case", ["id", "slug", "uuid"])
@pytest.mark.django_db
def test_create_api_key_prints_a_working_key_once(_case):
    company = CompanyFactory(slug="acme")
    CompanyFactory()  # another company, which must not get the key
    reference = {"id": str(company.pk), "slug": "acme", "uuid": str(company.uuid)}[_case]
    data = run_json("create_api_key", "--company", reference, "--name", "zapier", "--role", "user")
    key = ApiKey.objects.get()
    assert data == {
        "company_id": company.pk,
        "id": key.pk,
        "name": "zapier",
        "prefix": key.prefix,
        "role": "user",
        "key": data["key"],
    }
    assert data["key"].startswith("pk_" + key.prefix)
    assert data["key"] not in key.hashed_key
    assert authenticate_api_key(data["key"]) == key
    assert key.company == company and key.role == Role.USER


@pytest.mark.django_db
def test_create_api_key_defaults_to_admin_and_human_output_shows_the_key():
    company = CompanyFactory()
    output = run("create_api_key", "--company", str(company.pk), "--name", "ci")
    key = ApiKey.objects.get()
    assert key.role == Role.ADMIN
    raw = output.splitlines()[1].strip()
    assert authenticate_api_key(raw) == key
    assert "cannot be shown again" in output


@pytest.mark.django_db
def test_create_api_key_unknown_company_and_duplicate_name_are_errors():
    company = CompanyFactory()
    with pytest.raises(CommandError, match="No company with id, slug or UUID '999999'"):
        run("create_api_key", "--company", "999999", "--name", "ci")
    with pytest.raises(CommandError, match="No company with id, slug or UUID 'nope'"):
        run("create_api_key", "--company", "nope", "--name", "ci")
    run("create_api_key", "--company", str(company.pk), "--name", "ci")
    with pytest.raises(CommandError, match="An active API key named 'ci' already exists."):
        run("create_api_key", "--company", str(company.pk), "--name", "ci")
    assert ApiKey.objects.count() == 1


# seed_demo -------------------------------------------------------------------------------


def _snapshot() -> dict:
    return {
        "companies": sorted(Company.objects.values_list("slug", flat=True)),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "memberships": sorted(
            Membership.objects.values_list("company__slug", "user__username", "role")
        ),
        "active_keys": sorted(
            ApiKey.objects.filter(revoked_at__isnull=True).values_list("company__slug", "name")
        ),
    }


@pytest.fixture
def recorded_seeders(monkeypatch):
    calls = []

    def seeder(*, company, admin):
        calls.append((company.slug, admin.user.username, admin.role))

    monkeypatch.setattr(registry, "demo_seeders", [seeder])
    return calls


@pytest.mark.django_db
def test_seed_demo_creates_two_companies_with_logins_and_keys(recorded_seeders):
    data = run_json("seed_demo")
    assert _snapshot() == {
        "companies": ["acme-kft", "globex-ltd"],
        "users": ["demo-admin", "demo-admin-2", "demo-user", "demo-user-2"],
        "memberships": [
            ("acme-kft", "demo-admin", "admin"),
            ("acme-kft", "demo-user", "user"),
            ("globex-ltd", "demo-admin-2", "admin"),
            ("globex-ltd", "demo-user-2", "user"),
        ],
        "active_keys": [("acme-kft", "demo"), ("globex-ltd", "demo")],
    }
    acme, globex = Company.objects.get(slug="acme-kft"), Company.objects.get(slug="globex-ltd")
    assert (acme.name, acme.locale, acme.time_zone, acme.default_currency) == (
        "Acme Kft.", "hu", "Europe/Budapest", "HUF",
    )
    assert (globex.locale, globex.default_currency) == ("en", "EUR")
    for company in (acme, globex):
        assert company.features == ["BILLINGO_SYNC", "CRM_INTEGRATIONS"]
    assert [row["name"] for row in data["companies"]] == ["Acme Kft.", "Globex Ltd."]
    assert data["login_url"] == "http://127.0.0.1:8000/admin/"
    for row, company in zip(data["companies"], (acme, globex), strict=True):
        assert row["id"] == company.pk
        assert authenticate_api_key(row["api_key"]).company == company
        for login in (row["admin"], row["user"]):
            user = User.objects.get(username=login["username"])
            assert user.check_password(login["password"])
    assert recorded_seeders == [
        ("acme-kft", "demo-admin", "admin"),
        ("globex-ltd", "demo-admin-2", "admin"),
    ]


@pytest.mark.django_db
def test_seed_demo_again_duplicates_nothing_and_replaces_the_keys(recorded_seeders):
    first = run_json("seed_demo")
    before = _snapshot()
    second = run_json("seed_demo")
    assert _snapshot() == before
    assert ApiKey.objects.count() == 4  # two revoked, two active
    for old, new in zip(first["companies"], second["companies"], strict=True):
        assert old["id"] == new["id"]
        assert new["api_key"] != old["api_key"]
        assert authenticate_api_key(new["api_key"]).company_id == new["id"]
        with pytest.raises(Exception, match="Invalid API key"):
            authenticate_api_key(old["api_key"])
    assert len(recorded_seeders) == 4


@pytest.mark.django_db
def test_seed_demo_repairs_a_changed_demo_login(recorded_seeders):
    run_json("seed_demo")
    admin = User.objects.get(username="demo-admin")
    admin.set_password("something-else-entirely")
    admin.save()
    membership = Membership.objects.get(user__username="demo-user")
    membership.is_active = False
    membership.save()
    data = run_json("seed_demo")
    admin.refresh_from_db()
    membership.refresh_from_db()
    assert admin.check_password(data["companies"][0]["admin"]["password"])
    assert membership.is_active


@pytest.mark.django_db
def test_seed_demo_human_output_prints_logins_and_keys(recorded_seeders):
    output = run("seed_demo", "--base-url", "http://localhost:9000/")
    keys = ApiKey.objects.filter(revoked_at__isnull=True)
    assert "admin login: demo-admin / demo-pass-1234" in output
    assert "admin login: demo-admin-2 / demo-pass-1234" in output
    assert "Admin:    http://localhost:9000/admin/" in output
    key_lines = [line.split()[-1] for line in output.splitlines() if "API key:" in line]
    assert sorted(authenticate_api_key(raw).pk for raw in key_lines) == sorted(
        key.pk for key in keys
    )


@pytest.mark.django_db
def test_seed_demo_with_every_registered_seeder_is_idempotent():
    from django.apps import apps

    def counts() -> dict[str, int]:
        return {model._meta.label: model._default_manager.count() for model in apps.get_models()}

    run_json("seed_demo")
    before = counts()
    run_json("seed_demo")
    after = counts()
    assert after.pop("tenancy.ApiKey") == before.pop("tenancy.ApiKey") + 2  # the revoked pair
    assert after == before
    assert before["tenancy.Company"] == 2


@pytest.mark.django_db
def test_seed_demo_gives_the_demo_logins_names(recorded_seeders):
    run_json("seed_demo")
    names = dict(
        (user.username, (user.first_name, user.last_name))
        for user in User.objects.filter(username__startswith="demo-")
    )
    assert names == {
        "demo-admin": ("Ádám", "Kiss"),
        "demo-user": ("Béla", "Tóth"),
        "demo-admin-2": ("Alice", "Walker"),
        "demo-user-2": ("Bob", "Carter"),
    }


@pytest.mark.django_db
def test_seed_demo_remakes_a_deleted_company_around_its_surviving_admin(recorded_seeders):
    first = run_json("seed_demo")
    Company.objects.get(slug="acme-kft").delete()
    second = run_json("seed_demo")
    acme = Company.objects.get(slug="acme-kft")
    assert second["companies"][0]["id"] == acme.pk != first["companies"][0]["id"]
    assert Membership.objects.get(company=acme, user__username="demo-admin").role == Role.ADMIN
    assert User.objects.filter(username="demo-admin").count() == 1
