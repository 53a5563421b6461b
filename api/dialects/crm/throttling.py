from ...throttling import CompanyRateThrottle, RecordingRateThrottle


class OrganizationRateThrottle(CompanyRateThrottle):
    """General crm API: 1000/hour per organization."""

    scope = "crm"


class ConnectionRateThrottle(RecordingRateThrottle):
    """Per connection (`{connection_id}` in the path); subclasses name the scope."""

    def identity(self, request, view):
        connection_id = (getattr(view, "kwargs", None) or {}).get("connection_id")
        return None if connection_id is None else f"connection:{connection_id}"


class SyncRateThrottle(ConnectionRateThrottle):
    """Sync operations: 10/hour per connection."""

    scope = "crm_sync"


class WebhookRateThrottle(ConnectionRateThrottle):
    """Inbound webhooks: 10000/hour per connection."""

    scope = "crm_webhook"
