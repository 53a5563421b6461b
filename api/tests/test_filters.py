"""The shared list filters answer any input with a 400 or no match, never a database error."""
from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from api.filters import (
    MAX_SEARCH_WORDS,
    BooleanFilter,
    CreatedDateRangeFilterSet,
    IdFilter,
    LookupFilter,
    SearchFilter,
    StableOrderingFilter,
)
from tenancy.models import Department, Membership
from tenancy.tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


class DepartmentFilter(CreatedDateRangeFilterSet):
    search = SearchFilter("name", "email")
    id = IdFilter()
    ordering = StableOrderingFilter(fields=(("name", "name"),))

    class Meta:
        model = Department
        fields: list[str] = []


class MembershipFilter(CreatedDateRangeFilterSet):
    department = LookupFilter(field_name="departments")
    active = BooleanFilter(field_name="is_active")

    class Meta:
        model = Membership
        fields: list[str] = []


def _filtered(filterset_class, company, **params):
    request = RequestFactory().get("/", params)
    request.company = company
    filterset = filterset_class(
        request.GET, queryset=filterset_class._meta.model.objects.for_company(company),
        request=request,
    )
    return filterset, (list(filterset.qs) if filterset.is_valid() else None)


@pytest.mark.parametrize(
    "params",
    [
        {"created_to": "9999-12-31"},
        {"created_from": "0001-01-01"},
        {"date_from": "0001-01-02", "date_to": "9999-12-30"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_leave_that_side_open(company, params):
    department = DepartmentFactory(company=company)

    _, rows = _filtered(DepartmentFilter, company, **params)

    assert rows == [department]


def test_a_created_day_is_read_in_the_companys_time_zone(company):
    company.time_zone = "Europe/Budapest"
    department = DepartmentFactory(company=company)
    # 23:30 UTC on 1 March is already 2 March in Budapest.
    Department.objects.filter(pk=department.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    )

    assert _filtered(DepartmentFilter, company, created_from="2026-03-02")[1] == [department]
    assert _filtered(DepartmentFilter, company, created_to="2026-03-01")[1] == []


@pytest.mark.parametrize("value", ["0", "-1", "1.5", str(2**63), "9" * 5000, "x"])
def test_an_id_out_of_range_or_not_whole_is_invalid(company, value):
    filterset, rows = _filtered(DepartmentFilter, company, id=value)

    assert rows is None
    assert "id" in filterset.errors


@pytest.mark.parametrize("value", [str(2**63), "9" * 5000, "Sales ", "sales"])
def test_a_lookup_by_id_or_name_never_errors(company, value):
    sales = DepartmentFactory(company=company, name="Sales")
    member = MembershipFactory(company=company)
    member.departments.add(sales)

    _, rows = _filtered(MembershipFilter, company, department=value)

    assert rows == ([member] if value.strip().lower() == "sales" else [])


def test_search_needs_every_word_and_reads_a_bounded_number_of_them(company):
    wanted = DepartmentFactory(company=company, name="Sales North", email="north@acme.example")
    DepartmentFactory(company=company, name="Sales South")

    assert _filtered(DepartmentFilter, company, search="north SALES")[1] == [wanted]
    many = " ".join(["sales"] * 1000)
    with CaptureQueriesContext(connection) as queries:
        _filtered(DepartmentFilter, company, search=many[:200])
    assert queries[0]["sql"].upper().count("LIKE") <= MAX_SEARCH_WORDS * 2


def test_search_longer_than_the_limit_is_invalid(company):
    filterset, rows = _filtered(DepartmentFilter, company, search="x" * 201)

    assert rows is None
    assert "search" in filterset.errors


@pytest.mark.parametrize("value, expected", [("true", [True]), ("FALSE", [False]), ("1", [True])])
def test_a_boolean_reads_true_and_false_in_any_case(company, value, expected):
    MembershipFactory(company=company, is_active=True)
    MembershipFactory(company=company, is_active=False)

    _, rows = _filtered(MembershipFilter, company, active=value)

    assert [row.is_active for row in rows] == expected


def test_a_boolean_that_is_neither_is_invalid_rather_than_ignored(company):
    filterset, rows = _filtered(MembershipFilter, company, active="maybe")

    assert rows is None
    assert filterset.errors["active"] == ["Enter true or false."]
