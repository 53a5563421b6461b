"""External services: base URLs, timeouts and secrets' encryption keys."""
from __future__ import annotations

from config.env import env


# Comma-separated Fernet keys, newest first (MultiFernet). Without any, a key is derived from
# SECRET_KEY so development works; production sets its own and rotates with
# `manage.py rotate_encryption_keys`.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

BILLINGO_API_URL = env.str("BILLINGO_API_URL", default="https://api.billingo.hu/v3")
BILLINGO_TIMEOUT = env.float("BILLINGO_TIMEOUT", default=20.0)
HUBSPOT_API_URL = env.str("HUBSPOT_API_URL", default="https://api.hubapi.com")
SALESFORCE_API_URL = env.str("SALESFORCE_API_URL", default="https://login.salesforce.com")
PIPEDRIVE_API_URL = env.str("PIPEDRIVE_API_URL", default="https://api.pipedrive.com")
ZOHO_API_URL = env.str("ZOHO_API_URL", default="https://www.zohoapis.com")
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=False)

