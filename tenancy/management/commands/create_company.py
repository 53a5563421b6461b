"""`manage.py create_company NAME --admin USERNAME --password PW`: a company and its first admin."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.commands import JsonOutputCommand
from core.exceptions import ApplicationError

from ...services import company_create_with_admin
from ._common import error_text, parse_features


class Command(JsonOutputCommand):
    help = "Create a company with its first admin user (nothing is created if any part fails)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("name", help="The company's name, e.g. 'Acme Kft.'")
        parser.add_argument("--admin", required=True, metavar="USERNAME")
        parser.add_argument("--password", required=True, metavar="PW")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--features", default="", metavar="A,B", help="e.g. BILLINGO_SYNC,CRM_INTEGRATIONS"
        )
        parser.add_argument("--locale", default="en", choices=["en", "hu"])
        parser.add_argument(
            "--timezone", default="UTC", metavar="ZONE", help="e.g. Europe/Budapest"
        )
        parser.add_argument("--currency", default="EUR", metavar="CODE", help="e.g. HUF")

    def handle(self, *args, **options):
        features = parse_features(options["features"])
        try:
            company, membership = company_create_with_admin(
                name=options["name"],
                username=options["admin"],
                password=options["password"],
                email=options["email"],
                features=features,
                locale=options["locale"],
                time_zone=options["timezone"],
                default_currency=options["currency"].upper(),
            )
        except (ApplicationError, ValidationError) as exc:
            raise CommandError(error_text(exc)) from exc
        payload = {
            "company": {
                "id": company.pk,
                "uuid": str(company.uuid),
                "name": company.name,
                "slug": company.slug,
                "features": company.features,
            },
            "admin": {"username": membership.user.username, "membership_id": membership.pk},
        }
        human = (
            f"Created company {company.name!r} (id {company.pk}, slug {company.slug}, "
            f"uuid {company.uuid}) with admin {membership.user.username!r} "
            f"(staff id {membership.pk}). Features: {', '.join(company.features) or 'none'}."
        )
        self.emit(options, payload, human)
