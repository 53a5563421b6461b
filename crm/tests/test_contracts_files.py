"""v1 contract attachments and comments, and a customer's contracts (nested routes)."""
from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import ContractAttachment, ContractComment
from crm.services.contract_comments import COMMENT_NOT_YOURS_MESSAGE
from tenancy.roles import Role
from tenancy.tests.factories import MembershipFactory

from .factories import (
    ContractAttachmentFactory,
    ContractCommentFactory,
    ContractFactory,
    CustomerFactory,
)
from .test_contracts_api import URL, activities, iso

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def contract(company):
    return ContractFactory(company=company, subject="Annual Support")


def _upload(name: str = "Terms & Conditions.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    # The client's content type is ignored: ours comes from the checked file type.
    return SimpleUploadedFile(name, content, content_type="text/html")


def _attachments_url(contract) -> str:
    return f"{URL}/{contract.pk}/attachments"


# --- attachments ----------------------------------------------------------------------------


def test_upload_stores_the_file_under_a_generated_name(
    user_client_api, user_membership, contract
):
    response = user_client_api.post(
        _attachments_url(contract), {"file": _upload()}, format="multipart"
    )

    assert response.status_code == 201, response.content
    attachment = ContractAttachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "contract": contract.pk,
        "file_name": "Terms & Conditions.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "uploaded_by": user_membership.pk,
        "uploaded_by_name": user_membership.user.get_full_name(),
        "created_at": iso(attachment.created_at),
        "download_url": f"http://testserver/api/v1/contracts/{contract.pk}/attachments/"
        f"{attachment.pk}",
    }
    assert re.fullmatch(
        rf"companies/{contract.company_id}/contracts/{contract.pk}/[0-9a-f]{{32}}\.pdf",
        attachment.file.name,
    )
    with default_storage.open(attachment.file.name) as stored:
        assert stored.read() == PDF
    [log] = activities(attachment, ContractAttachment)
    assert (log.action, log.actor_id) == ("created", user_membership.pk)
    assert user_client_api.get(f"{URL}/{contract.pk}").json()["attachments_count"] == 1


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: _upload("terms.pdf", b"<html><script>alert(1)</script></html>"),
            "The file's content is not PDF, as its name says.",
        ),
        (lambda: _upload("photo.png", PDF), "The file's content is not PNG, as its name says."),
        (
            lambda: _upload("setup.exe", b"MZ\x90\x00"),
            "Files of this type are not accepted. Allowed: csv, docx, gif, jpeg, jpg, odt, pdf, "
            "png, txt, webp, xlsx.",
        ),
        (
            lambda: _upload("page.html", b"<html></html>"),
            "Files of this type are not accepted. Allowed: csv, docx, gif, jpeg, jpg, odt, pdf, "
            "png, txt, webp, xlsx.",
        ),
    ],
    ids=["fake-pdf", "pdf-named-png", "exe", "html"],
)
def test_upload_refuses_wrong_types(user_client_api, contract, upload, message):
    response = user_client_api.post(
        _attachments_url(contract), {"file": upload()}, format="multipart"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"file": [message]}
    assert not ContractAttachment.objects.exists()


def test_upload_refuses_a_file_over_the_limit(settings, user_client_api, contract):
    settings.UPLOAD_MAX_BYTES = 1024
    exactly = PDF + b"x" * (1024 - len(PDF))

    too_big = user_client_api.post(
        _attachments_url(contract), {"file": _upload("a.pdf", exactly + b"x")}, format="multipart"
    )
    at_limit = user_client_api.post(
        _attachments_url(contract), {"file": _upload("b.pdf", exactly)}, format="multipart"
    )

    assert too_big.status_code == 400
    assert too_big.json()["errors"] == {"file": ["The file is too large: the limit is 1 KB."]}
    assert at_limit.status_code == 201
    assert list(ContractAttachment.objects.values_list("file_name", flat=True)) == ["b.pdf"]


def test_the_default_limit_is_ten_megabytes(user_client_api, contract):
    content = PDF + b"x" * (10 * 1024 * 1024)

    response = user_client_api.post(
        _attachments_url(contract), {"file": _upload("big.pdf", content)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["The file is too large: the limit is 10 MB."]}


def test_upload_without_a_file_is_a_400(user_client_api, contract):
    response = user_client_api.post(_attachments_url(contract), {}, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["file"]


def test_list_shows_the_contracts_attachments_newest_first(user_client_api, contract, company):
    older = ContractAttachmentFactory(contract=contract, file_name="a.pdf")
    newer = ContractAttachmentFactory(contract=contract, file_name="b.pdf")
    ContractAttachmentFactory(contract=ContractFactory(company=company))  # another contract's

    response = user_client_api.get(_attachments_url(contract))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk, older.pk]


def test_download_answers_the_file_as_an_attachment(user_client_api, contract):
    uploaded = user_client_api.post(
        _attachments_url(contract), {"file": _upload()}, format="multipart"
    ).json()

    response = user_client_api.get(uploaded["download_url"], HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # One declared type for every download; the checked type is in the attachment's JSON.
    assert response["Content-Type"] == "application/octet-stream"
    assert uploaded["content_type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Terms & Conditions.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_of_another_companys_attachment_is_not_found(
    user_client_api, contract, other_company
):
    theirs = ContractAttachmentFactory(contract=ContractFactory(company=other_company))
    sibling = ContractAttachmentFactory(contract=ContractFactory(company=contract.company))

    paths = [
        f"{URL}/{theirs.contract_id}/attachments/{theirs.pk}",  # their contract, their file
        f"{URL}/{contract.pk}/attachments/{theirs.pk}",  # our contract, their file
        f"{URL}/{contract.pk}/attachments/{sibling.pk}",  # our file, filed under another contract
    ]

    assert [user_client_api.get(path).status_code for path in paths] == [404, 404, 404]


def test_delete_removes_the_row_and_the_stored_file(
    user_client_api, contract, django_capture_on_commit_callbacks
):
    attachment = ContractAttachmentFactory(contract=contract)
    stored = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = user_client_api.delete(f"{_attachments_url(contract)}/{attachment.pk}")

    assert response.status_code == 204
    assert not ContractAttachment.objects.exists()
    assert not default_storage.exists(stored)
    assert [log.action for log in activities(attachment, ContractAttachment)] == ["deleted"]


def test_attachments_of_another_companys_contract_are_not_found(
    user_client_api, other_company
):
    theirs = ContractFactory(company=other_company)

    listed = user_client_api.get(_attachments_url(theirs))
    uploaded = user_client_api.post(
        _attachments_url(theirs), {"file": _upload()}, format="multipart"
    )

    assert (listed.status_code, uploaded.status_code) == (404, 404)
    assert not ContractAttachment.objects.exists()


# --- comments -------------------------------------------------------------------------------


def _comments_url(contract) -> str:
    return f"{URL}/{contract.pk}/comments"


def test_comments_are_created_by_the_caller_and_listed_oldest_first(
    user_client_api, user_membership, contract, company
):
    first = ContractCommentFactory(contract=contract, content="First")
    ContractCommentFactory(contract=ContractFactory(company=company))  # another contract's

    created = user_client_api.post(_comments_url(contract), {"content": "  Agreed.  "})
    listed = user_client_api.get(_comments_url(contract))

    assert created.status_code == 201, created.content
    comment = ContractComment.objects.get(content="Agreed.")
    assert created.json() == {
        "id": comment.pk,
        "contract": contract.pk,
        "content": "Agreed.",
        "staff_id": user_membership.pk,
        "staff_name": user_membership.user.get_full_name(),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
    }
    assert [row["id"] for row in listed.json()["results"]] == [first.pk, comment.pk]
    assert [log.action for log in activities(comment, ContractComment)] == ["created"]


@pytest.mark.parametrize("content", ["", "   "])
def test_an_empty_comment_is_refused(user_client_api, contract, content):
    response = user_client_api.post(_comments_url(contract), {"content": content})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["content"]
    assert not ContractComment.objects.exists()


@pytest.fixture
def bobs_comment(contract, user_membership):
    return ContractCommentFactory(contract=contract, staff=user_membership, content="Mine")


def test_the_author_may_edit_and_delete_their_comment(user_client_api, bobs_comment):
    url = f"{_comments_url(bobs_comment.contract)}/{bobs_comment.pk}"

    edited = user_client_api.put(url, {"content": "Mine, edited"})
    deleted = user_client_api.delete(url)

    assert edited.status_code == 200
    assert edited.json()["content"] == "Mine, edited"
    assert deleted.status_code == 204
    assert not ContractComment.objects.exists()
    log = activities(bobs_comment, ContractComment)
    assert [entry.action for entry in log] == ["updated", "deleted"]
    assert log[0].changes == {"content": ["Mine", "Mine, edited"]}


def test_another_member_may_not_edit_or_delete_a_comment(jwt_client_for, company, bobs_comment):
    carol = jwt_client_for(MembershipFactory(company=company, role=Role.USER))
    url = f"{_comments_url(bobs_comment.contract)}/{bobs_comment.pk}"

    edited = carol.put(url, {"content": "Hijacked"})
    deleted = carol.delete(url)

    assert (edited.status_code, deleted.status_code) == (403, 403)
    assert edited.json() == {"detail": COMMENT_NOT_YOURS_MESSAGE, "code": "permission_denied"}
    bobs_comment.refresh_from_db()
    assert bobs_comment.content == "Mine"


def test_an_admin_may_edit_and_delete_any_comment(admin_client_api, key_client, bobs_comment):
    url = f"{_comments_url(bobs_comment.contract)}/{bobs_comment.pk}"

    assert admin_client_api.put(url, {"content": "Moderated"}).status_code == 200
    assert key_client.delete(url).status_code == 204  # an admin API key
    assert not ContractComment.objects.exists()


def test_a_user_api_key_may_not_edit_a_comment(user_key_client, bobs_comment):
    url = f"{_comments_url(bobs_comment.contract)}/{bobs_comment.pk}"

    assert user_key_client.put(url, {"content": "x"}).status_code == 403
    assert user_key_client.get(url).json()["content"] == "Mine"


def test_comments_of_another_companys_contract_are_not_found(user_client_api, other_company):
    theirs = ContractCommentFactory(contract=ContractFactory(company=other_company))

    listed = user_client_api.get(_comments_url(theirs.contract))
    posted = user_client_api.post(_comments_url(theirs.contract), {"content": "hi"})

    assert (listed.status_code, posted.status_code) == (404, 404)
    assert ContractComment.objects.count() == 1


# --- a customer's contracts -----------------------------------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
def test_a_customers_contracts(user_client_api, company, slash):
    acme = CustomerFactory(company=company)
    ours = [ContractFactory(company=company, customer=acme) for _ in range(2)]
    ContractFactory(company=company)  # another customer's

    response = user_client_api.get(f"/api/v1/customers/{acme.pk}/contracts{slash}?ordering=id")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [row["id"] for row in response.json()["results"]] == [c.pk for c in ours]
    assert {row["client"] for row in response.json()["results"]} == {acme.pk}


def test_a_customers_contracts_take_the_list_filters(user_client_api, company):
    acme = CustomerFactory(company=company)
    ContractFactory(company=company, customer=acme, subject="Hosting")
    support = ContractFactory(company=company, customer=acme, subject="Support")

    response = user_client_api.get(f"/api/v1/customers/{acme.pk}/contracts?search=supp")

    assert [row["id"] for row in response.json()["results"]] == [support.pk]


def test_another_companys_customer_is_not_found(user_client_api, other_company):
    theirs = ContractFactory(company=other_company)

    theirs_url = f"/api/v1/customers/{theirs.customer_id}/contracts"

    assert user_client_api.get(theirs_url).status_code == 404
    assert user_client_api.get("/api/v1/customers/999999/contracts").status_code == 404
