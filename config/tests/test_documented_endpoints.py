"""The endpoints the finished issues promise stay served: `endpoint_coverage --fail-missing`
over their lines of ENDPOINTS.txt (copied here: ../shared is not part of the repository).
Add an issue's lines when it lands."""
from __future__ import annotations

from django.core.management import call_command

PLATFORM_AND_CRM = """
GET /api/v1/customers
GET /api/v1/customers/{id}
POST /api/v1/customers
PUT /api/v1/customers/{id}
DELETE /api/v1/customers/{id}
GET /api/v1/customers/{id}/contacts
GET /api/v1/customers/{id}/contracts
GET /api/v1/leads
POST /api/v1/leads
GET /api/v1/leads/{id}
PUT /api/v1/leads/{id}
DELETE /api/v1/leads/{id}
POST /api/v1/leads/{id}/convert
GET /api/v1/leads/{id}/activities
GET /api/v1/leads/{id}/notes
GET /api/v1/contracts
POST /api/v1/contracts
GET /api/v1/contracts/{id}
PUT /api/v1/contracts/{id}
DELETE /api/v1/contracts/{id}
GET /api/v1/contracts/expiring
GET /api/v1/contracts/expired
POST /api/v1/contracts/{id}/renew
POST /api/v1/contracts/{id}/sign
GET /api/v1/contracts/{id}/attachments
GET /api/v1/contracts/{id}/comments
GET /api/v1/staff
POST /api/v1/staff
GET /api/v1/staff/{id}
PUT /api/v1/staff/{id}
DELETE /api/v1/staff/{id}
GET /api/v1/staff/roles
GET /api/v1/staff/departments
GET /api/v1/staff/{id}/permissions
POST /api/v1/staff/{id}/change-password
POST /api/v1/staff/{id}/activate
POST /api/v1/staff/{id}/deactivate
GET /api/v1/contacts
GET /api/v1/contacts/{id}
POST /api/v1/contacts
PUT /api/v1/contacts/{id}
DELETE /api/v1/contacts/{id}
GET /api/v1/notes
GET /api/v1/notes/{id}
POST /api/v1/notes
PUT /api/v1/notes/{id}
DELETE /api/v1/notes/{id}
GET /api/v1/countries
GET /api/v1/departments
GET /api/v1/lead-statuses
GET /api/v1/lead-sources
GET /api/v1/contract-types
GET /api/v2/customers
POST /api/v2/customers
GET /api/v2/customers/{id}
PUT /api/v2/customers/{id}
DELETE /api/v2/customers/{id}
POST /api/v2/leads
GET /api/v2/users
POST /api/v2/users
POST /api/v2/batch/customers
POST /api/auth/login/
"""


def test_the_platform_and_crm_endpoints_are_served(tmp_path, capsys):
    listing = tmp_path / "endpoints.txt"
    listing.write_text(PLATFORM_AND_CRM)

    # --fail-missing raises CommandError, naming what is missing, when one is not served.
    call_command("endpoint_coverage", str(listing), "--fail-missing")

    assert "62/62 served" in capsys.readouterr().out
