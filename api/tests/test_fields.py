"""Related ids and lookups in request bodies resolve inside the request's company only."""
import pytest
from rest_framework import serializers

from api.fields import CompanyLookupField, CompanyPrimaryKeyRelatedField
from tenancy.models import Department
from tenancy.tests.factories import DepartmentFactory


class _Body(serializers.Serializer):
    department_id = CompanyPrimaryKeyRelatedField(queryset=Department.objects.all())
    department = CompanyLookupField(queryset=Department.objects.all(), required=False)


@pytest.fixture
def sales(company):
    return DepartmentFactory(company=company, name="Sales")


@pytest.fixture
def foreign(other_company):
    return DepartmentFactory(company=other_company, name="Support")


@pytest.mark.django_db
def test_an_id_of_another_company_is_reported_like_a_missing_one(company, sales, foreign):
    body = _Body(data={"department_id": foreign.pk}, context={"company": company})
    assert not body.is_valid()
    missing = _Body(data={"department_id": 999999}, context={"company": company})
    assert not missing.is_valid()
    assert body.errors["department_id"] == [
        f'Invalid pk "{foreign.pk}" - object does not exist.'
    ]
    assert missing.errors["department_id"] == ['Invalid pk "999999" - object does not exist.']


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value_case, value, ok",
    [
        ("id", "sales_pk", True),
        ("id as text", "sales_pk_text", True),
        ("name any case", "sALES", True),
        ("other company's name", "Support", False),
        ("other company's id", "foreign_pk", False),
        ("superscript digit is not an id", "²", False),
        ("nul byte", "Sa\x00les", False),
        ("boolean", True, False),
        ("blank", "  ", False),
    ],
)
def test_lookup_by_id_or_name(company, sales, foreign, value_case, value, ok):
    value = {
        "sales_pk": sales.pk,
        "sales_pk_text": str(sales.pk),
        "foreign_pk": foreign.pk,
    }.get(value, value)
    body = _Body(data={"department_id": sales.pk, "department": value}, context={"company": company})
    assert body.is_valid() is ok, (value_case, body.errors)
    if ok:
        assert body.validated_data["department"] == sales

