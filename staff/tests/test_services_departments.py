"""staff.services: departments, and the demo seeder."""
from __future__ import annotations

import pytest
from core.exceptions import ValidationFailed
from staff import services
from staff.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, seed_demo_staff
from staff.services import department_create, department_delete, department_update
from tenancy import registry
from tenancy.models import Department, Membership
from tenancy.roles import Role
from tenancy.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
NAME_TAKEN = {"name": ["A department with this name already exists."]}


def test_create_department(company):
    department = department_create(company=company, name="Sales", email="sales@acme.hu")

    assert (department.company, department.name, department.email) == (
        company, "Sales", "sales@acme.hu",
    )


def test_department_names_are_unique_per_company_ignoring_case(company, other_company):
    department_create(company=company, name="Sales")
    department_create(company=other_company, name="Sales")  # another company: no clash

    with pytest.raises(ValidationFailed) as caught:
        department_create(company=company, name="sales")

    assert caught.value.details == NAME_TAKEN
    assert Department.objects.for_company(company).count() == 1


def test_a_name_taken_meanwhile_is_a_400_not_an_integrity_error(company, monkeypatch):
    DepartmentFactory(company=company, name="Sales")
    monkeypatch.setattr(services, "_ensure_department_name_free", lambda **kwargs: None)

    with pytest.raises(ValidationFailed) as caught:
        department_create(company=company, name="Sales")

    assert caught.value.details == NAME_TAKEN
    assert Department.objects.for_company(company).count() == 1


def test_rename_department(company):
    department = DepartmentFactory(company=company, name="Sales")
    DepartmentFactory(company=company, name="Support")

    department_update(department=department, name="SALES")  # its own name, another case
    with pytest.raises(ValidationFailed) as caught:
        department_update(department=department, name="support")

    assert caught.value.details == NAME_TAKEN
    department.refresh_from_db()
    assert department.name == "SALES"


def test_delete_department_keeps_its_members(company, user_membership):
    department = DepartmentFactory(company=company)
    user_membership.departments.add(department)

    department_delete(department=department)

    assert not Department.objects.filter(pk=department.pk).exists()
    user_membership.refresh_from_db()
    assert list(user_membership.departments.all()) == []


def test_the_demo_seeder_is_registered_and_idempotent(company, admin_membership):
    assert seed_demo_staff in registry.demo_seeders

    seed_demo_staff(company=company, admin=admin_membership)
    seed_demo_staff(company=company, admin=admin_membership)

    assert sorted(Department.objects.for_company(company).values_list("name", flat=True)) == [
        "Sales", "Support",
    ]
    seeded = Membership.objects.for_company(company).exclude(pk=admin_membership.pk)
    assert seeded.count() == len(DEMO_STAFF)
    anna = seeded.get(user__first_name="Anna")
    assert anna.role == Role.ADMIN
    assert anna.user.check_password(DEMO_STAFF_PASSWORD)
    assert sorted(anna.departments.values_list("name", flat=True)) == ["Sales", "Support"]
    assert list(admin_membership.departments.values_list("name", flat=True)) == ["Sales"]
