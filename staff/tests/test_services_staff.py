"""staff.services: staff members, without HTTP."""
from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from core.exceptions import ConflictError, PermissionDeniedError, ValidationFailed
from staff import services
from staff.services import (
    EMAIL_TAKEN_INACTIVE_MESSAGE,
    EMAIL_TAKEN_MESSAGE,
    PASSWORD_NOT_YOURS_MESSAGE,
    PROFILE_NOT_YOURS_MESSAGE,
    staff_activate,
    staff_change_password,
    staff_create,
    staff_deactivate,
    staff_update,
)
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.services import LAST_ADMIN_MESSAGE
from tenancy.tests.factories import (
    CompanyFactory,
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "securePass123"


def _create(company, **overrides):
    fields = dict(
        company=company, first_name="Jane", last_name="Smith", email="jane@company.com",
        password=PASSWORD,
    )
    return staff_create(**{**fields, **overrides})


# --- staff_create ---------------------------------------------------------------------------


def test_create_makes_a_user_named_by_email_and_a_membership(company):
    sales = DepartmentFactory(company=company, name="Sales")

    membership = _create(company, role=Role.ADMIN, phone="+36 1 234", departments=[sales])

    user = membership.user
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "jane@company.com", "jane@company.com", "Jane", "Smith",
    )
    assert user.check_password(PASSWORD)
    assert membership.company == company
    assert (membership.role, membership.phone, membership.is_active) == (
        Role.ADMIN, "+36 1 234", True,
    )
    assert membership.is_default is True
    assert list(membership.departments.all()) == [sales]


def test_create_when_the_email_has_an_account_elsewhere_makes_a_new_user_and_leaves_it_alone(
    company, other_admin_membership
):
    other_user = other_admin_membership.user
    other_user.email = "jane@company.com"
    other_user.save()
    before = User.objects.values().get(pk=other_user.pk)

    membership = _create(company)

    assert membership.user_id != other_user.pk
    assert membership.user.username.startswith("jane@company.com-")
    assert len(membership.user.username) == len("jane@company.com-") + 6
    assert User.objects.values().get(pk=other_user.pk) == before
    assert not Membership.objects.filter(company=company, user=other_user).exists()
    assert Membership.objects.filter(user=other_user).count() == 1


def test_create_when_the_email_is_someone_elses_username_gets_a_distinct_one(company):
    taken = UserFactory(username="Jane@Company.com", email="someone@else.com")

    membership = _create(company)

    assert membership.user.username.startswith("jane@company.com-")
    taken.refresh_from_db()
    assert (taken.username, taken.email) == ("Jane@Company.com", "someone@else.com")


def test_create_retries_with_a_suffix_when_the_username_is_taken_meanwhile(company, monkeypatch):
    # Another request inserts the same username between the check and the insert.
    UserFactory(username="jane@company.com", email="x@y.com")
    monkeypatch.setattr(services, "_username_is_free", lambda username, email: True)

    membership = _create(company)

    assert membership.user.username.startswith("jane@company.com-")
    assert User.objects.filter(username="jane@company.com").count() == 1


def test_create_drops_characters_a_username_cannot_hold(company):
    membership = _create(company, email="o'brien!x@company.com")

    assert membership.user.username == "obrienx@company.com"
    assert membership.user.email == "o'brien!x@company.com"


@pytest.mark.parametrize(
    "email_case",
    ["jane@company.com", "JANE@company.COM"],
)
def test_create_refuses_an_email_already_used_in_the_company(company, email_case):
    _create(company)

    with pytest.raises(ValidationFailed) as caught:
        _create(company, email=email_case, first_name="Other")

    assert caught.value.details == {"email": [EMAIL_TAKEN_MESSAGE]}
    assert User.objects.filter(first_name="Other").count() == 0


def test_create_names_a_deactivated_member_with_the_same_email(company):
    staff_deactivate(membership=_create(company))

    with pytest.raises(ValidationFailed) as caught:
        _create(company)

    assert caught.value.details == {"email": [EMAIL_TAKEN_INACTIVE_MESSAGE]}


def test_the_same_email_in_another_company_is_no_clash(company, other_company):
    first = _create(other_company)
    second = _create(company)

    assert first.user_id != second.user_id
    assert Membership.objects.filter(user=first.user).count() == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("8392017465", "entirely numeric"),
        ("jane@company.com", "too similar"),
    ],
    ids=["short_case", "common_case", "numeric_case", "similar_to_email_case"],
)
def test_create_checks_the_password_with_the_validators(company, password, fragment):
    with pytest.raises(ValidationFailed) as caught:
        _create(company, password=password)

    assert list(caught.value.details) == ["password"]
    assert any(fragment in message for message in caught.value.details["password"])
    assert not User.objects.filter(email="jane@company.com").exists()


def test_create_refuses_another_companys_department(company, other_company):
    foreign = DepartmentFactory(company=other_company)

    with pytest.raises(ValidationFailed) as caught:
        _create(company, departments=[foreign])

    assert caught.value.details == {"departments": ["Unknown department."]}
    assert not User.objects.filter(email="jane@company.com").exists()


# --- staff_update ---------------------------------------------------------------------------


def test_update_changes_only_what_is_given(company):
    membership = _create(company, phone="111")
    sales = DepartmentFactory(company=company)

    staff_update(membership=membership, first_name="Janet", departments=[sales])

    membership.refresh_from_db()
    assert (membership.user.first_name, membership.user.last_name) == ("Janet", "Smith")
    assert membership.phone == "111"
    assert list(membership.departments.all()) == [sales]


def test_update_of_the_email_keeps_the_username(company):
    membership = _create(company)

    staff_update(membership=membership, email="janet@company.com")

    membership.user.refresh_from_db()
    assert (membership.user.email, membership.user.username) == (
        "janet@company.com", "jane@company.com",
    )


def test_update_refuses_an_email_of_another_member(company):
    _create(company, email="taken@company.com", first_name="Taken")
    membership = _create(company)

    with pytest.raises(ValidationFailed) as caught:
        staff_update(membership=membership, email="Taken@company.com")

    assert caught.value.details == {"email": [EMAIL_TAKEN_MESSAGE]}
    membership.user.refresh_from_db()
    assert membership.user.email == "jane@company.com"


def test_update_may_change_only_the_case_of_ones_own_email(company):
    membership = _create(company)

    staff_update(membership=membership, email="Jane@company.com")

    membership.user.refresh_from_db()
    assert membership.user.email == "Jane@company.com"


def test_demoting_the_last_active_admin_is_refused(company, admin_membership):
    with pytest.raises(ConflictError) as caught:
        staff_update(membership=admin_membership, role=Role.USER)

    assert (caught.value.code, caught.value.message) == ("last_admin", LAST_ADMIN_MESSAGE)
    assert caught.value.details == {"role": [LAST_ADMIN_MESSAGE]}
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN


@pytest.mark.parametrize(
    "other_admin_case",
    ["inactive_membership_case", "inactive_user_case", "other_company_case"],
)
def test_admins_who_cannot_act_do_not_count(
    company, other_company, admin_membership, other_admin_case
):
    if other_admin_case == "inactive_membership_case":
        MembershipFactory(company=company, role=Role.ADMIN, is_active=False)
    elif other_admin_case == "inactive_user_case":
        MembershipFactory(company=company, role=Role.ADMIN, user__is_active=False)
    else:
        MembershipFactory(company=other_company, role=Role.ADMIN)

    with pytest.raises(ConflictError):
        staff_update(membership=admin_membership, role=Role.USER)


def test_an_admin_may_be_demoted_while_another_is_active(company, admin_membership):
    MembershipFactory(company=company, role=Role.ADMIN)

    staff_update(membership=admin_membership, role=Role.USER)

    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.USER


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one_active():
    """The admin rows are locked: the second deactivation waits for the first and then sees
    it was the last admin. Without the lock both would count two admins and succeed."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL)")
    company = CompanyFactory()
    first, second = (MembershipFactory(company=company, role=Role.ADMIN) for _ in range(2))
    start = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def deactivate(membership_id: int, delay: float) -> None:
        try:
            start.wait()
            time.sleep(delay)
            with transaction.atomic():
                staff_deactivate(membership=Membership.objects.get(pk=membership_id))
                time.sleep(0.3)  # hold the locks while the other one tries
            outcomes[membership_id] = "deactivated"
        except ConflictError as exc:
            outcomes[membership_id] = exc.code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=deactivate, args=(first.pk, 0)),
        threading.Thread(target=deactivate, args=(second.pk, 0.1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert outcomes == {first.pk: "deactivated", second.pk: "last_admin"}
    assert list(
        Membership.objects.filter(company=company, is_active=True).values_list("pk", flat=True)
    ) == [second.pk]


# --- deactivate / activate ------------------------------------------------------------------


def test_deactivate_keeps_the_user_and_records_when(company, admin_membership, user_membership):
    staff_deactivate(membership=user_membership)

    user_membership.refresh_from_db()
    assert user_membership.is_active is False
    assert user_membership.deactivated_at is not None
    assert User.objects.filter(pk=user_membership.user_id, is_active=True).exists()


def test_deactivating_the_last_active_admin_is_refused(company, admin_membership):
    with pytest.raises(ConflictError) as caught:
        staff_deactivate(membership=admin_membership)

    assert caught.value.code == "last_admin"
    assert caught.value.details == {}
    admin_membership.refresh_from_db()
    assert (admin_membership.is_active, admin_membership.deactivated_at) == (True, None)


def test_deactivate_twice_keeps_the_first_time(company, admin_membership, user_membership):
    staff_deactivate(membership=user_membership)
    first = Membership.objects.get(pk=user_membership.pk).deactivated_at

    staff_deactivate(membership=Membership.objects.get(pk=user_membership.pk))

    assert Membership.objects.get(pk=user_membership.pk).deactivated_at == first


def test_activate_clears_the_deactivation(company, admin_membership, user_membership):
    staff_deactivate(membership=user_membership)

    staff_activate(membership=user_membership)

    user_membership.refresh_from_db()
    assert (user_membership.is_active, user_membership.deactivated_at) == (True, None)


# --- change password ------------------------------------------------------------------------


def test_change_password_sets_it(company, admin_membership, user_membership):
    staff_change_password(
        membership=user_membership, password="newSecurePass456", by=admin_membership
    )

    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password("newSecurePass456")


def test_change_password_runs_the_validators(company, admin_membership, user_membership):
    with pytest.raises(ValidationFailed) as caught:
        staff_change_password(membership=user_membership, password="123", by=admin_membership)

    assert list(caught.value.details) == ["password"]
    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password("correct-horse-battery-staple")


@pytest.mark.parametrize("reach_case", ["member_elsewhere_case", "operator_case"])
def test_an_admin_cannot_set_the_password_of_a_user_who_reaches_beyond_the_company(
    company, other_company, admin_membership, user_membership, reach_case
):
    user = user_membership.user
    if reach_case == "member_elsewhere_case":
        MembershipFactory(company=other_company, user=user, is_default=False)
    else:
        user.is_superuser = True
        user.save()

    for by in (admin_membership, None):  # a JWT admin, an API key
        with pytest.raises(PermissionDeniedError) as caught:
            staff_change_password(membership=user_membership, password="newSecurePass456", by=by)
        assert caught.value.message == PASSWORD_NOT_YOURS_MESSAGE

    user.refresh_from_db()
    assert user.check_password("correct-horse-battery-staple")


def test_a_user_in_two_companies_may_change_their_own_password(
    company, other_company, user_membership
):
    MembershipFactory(company=other_company, user=user_membership.user, is_default=False)

    staff_change_password(
        membership=user_membership, password="newSecurePass456", by=user_membership
    )

    user_membership.user.refresh_from_db()
    assert user_membership.user.check_password("newSecurePass456")


def test_an_admin_cannot_rename_or_re_email_a_user_shared_with_another_company(
    company, other_company, admin_membership, user_membership
):
    user = user_membership.user
    MembershipFactory(company=other_company, user=user, is_default=False)
    before = (user.first_name, user.email)

    for by in (admin_membership, None):  # a JWT admin, an API key
        with pytest.raises(PermissionDeniedError) as caught:
            staff_update(membership=user_membership, first_name="Hacked", by=by)
        assert caught.value.message == PROFILE_NOT_YOURS_MESSAGE
        with pytest.raises(PermissionDeniedError):
            staff_update(membership=user_membership, email="boss@globex.example", by=by)

    user.refresh_from_db()
    assert (user.first_name, user.email) == before
    # What belongs to this company alone still changes; and the person may rename themself.
    staff_update(membership=user_membership, phone="+36 30 123 4567", by=admin_membership)
    staff_update(membership=user_membership, first_name="Renamed", by=user_membership)
    user.refresh_from_db()
    assert user.first_name == "Renamed"
