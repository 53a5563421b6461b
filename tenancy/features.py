from django.db import models


class Feature(models.TextChoices):
    """Integrations a company switches on. Only integrations are features (DESIGN.md)."""

    BILLINGO_SYNC = "BILLINGO_SYNC", "Billingo invoice sync"
    CRM_INTEGRATIONS = "CRM_INTEGRATIONS", "CRM integrations"
