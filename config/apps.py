"""The admin app of Ledgerdesk: Django's own, with our site as the default `admin.site`."""
from django.contrib.admin.apps import AdminConfig


class LedgerdeskAdminConfig(AdminConfig):
    default_site = "tenancy.admin_site.LedgerdeskAdminSite"
