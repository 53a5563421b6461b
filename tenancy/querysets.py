from __future__ import annotations

from django.db import models


class CompanyQuerySet(models.QuerySet):
    def for_company(self, company) -> CompanyQuerySet:
        """The rows of one company. A missing company is a programming error, never "all"."""
        if company is None:
            raise ValueError("for_company() needs a company")
        return self.filter(company=company)

    def for_companies(self, companies) -> CompanyQuerySet:
        return self.filter(company__in=companies)
