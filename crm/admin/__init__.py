"""The CRM's admins, one module per sub-domain; importing them registers them."""
from . import contracts, customers, leads, notes  # noqa: F401
