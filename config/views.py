"""The project's own views outside any app: the favicon, and the 403, 404 and 500 answers (JSON
in the dialect's shape on API paths, a page in the admin's look everywhere else; Django calls
the handlers only with DEBUG off)."""
from __future__ import annotations

from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error
from django.views.generic import RedirectView

from api.dialects.registry import json_error_for_path

FORBIDDEN_TITLE = _("Access denied")
FORBIDDEN_MESSAGE = _(
    "Your role in this company does not allow this page. Ask a company admin if you need it."
)
NOT_FOUND_TITLE = _("Page not found")
NOT_FOUND_MESSAGE = _("There is nothing at this address. It may have been moved or deleted.")


def _error_page(request, status: int, title, message):
    context = {"error_title": title, "error_message": message}
    return render(request, "error_page.html", context, status=status)


def permission_denied(request, exception=None):
    return json_error_for_path(
        request, 403, "permission_denied", "You do not have permission to perform this action."
    ) or _error_page(request, 403, FORBIDDEN_TITLE, FORBIDDEN_MESSAGE)


def page_not_found(request, exception=None):
    return json_error_for_path(request, 404, "not_found", "Not found.") or _error_page(
        request, 404, NOT_FOUND_TITLE, NOT_FOUND_MESSAGE
    )


def server_failure(request):
    # templates/500.html needs no context: rendering must not fail a second time.
    return json_error_for_path(
        request, 500, "server_error", "A server error occurred."
    ) or server_error(request)


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; resolved per request so a
    manifest static storage would hash it."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("core/favicon.svg")
