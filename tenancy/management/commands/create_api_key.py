"""`manage.py create_api_key --company ID --name NAME`: issue a key and print it, once."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.commands import JsonOutputCommand
from core.exceptions import ApplicationError

from ...roles import Role
from ...services import api_key_issue
from ._common import company_lookup, error_text


class Command(JsonOutputCommand):
    help = "Issue an API key for a company. The key is printed once and never stored in clear."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--company", required=True, help="The company's id, slug or UUID.")
        parser.add_argument("--name", required=True, help="A name for the key, unique per company.")
        parser.add_argument("--role", default=Role.ADMIN.value, choices=Role.values)

    def handle(self, *args, **options):
        company = company_lookup(options["company"])
        try:
            key, raw = api_key_issue(company=company, name=options["name"], role=options["role"])
        except (ApplicationError, ValidationError) as exc:
            raise CommandError(error_text(exc)) from exc
        payload = {
            "company_id": company.pk,
            "id": key.pk,
            "name": key.name,
            "prefix": key.prefix,
            "role": key.role,
            "key": raw,
        }
        human = (
            f"API key {key.name!r} ({key.role}) for {company.name} (id {company.pk}):\n"
            f"  {raw}\n"
            "Store it now: it cannot be shown again. Send it as the X-API-KEY header."
        )
        self.emit(options, payload, human)
