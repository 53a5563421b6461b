"""Routes nested under a parent: `contracts/{contract_pk}/comments`, `customers/{id}/contracts`
(and billing's `customers/{id}/invoices` next)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter

from core.exceptions import NotFoundError


class NestedUnder:
    """Mixed in before the dialect's viewset: the parent in the URL must be the company's, else
    404 for every action, the list included (never an empty page). The parent is
    `self.parent`; the viewset still scopes its own rows to the company and to the parent.

    Set `parent_model` (a TenantModel) and `parent_kwarg` (the URL keyword).
    """

    parent_model: type
    parent_kwarg: str

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not (getattr(cls, "parent_model", None) and getattr(cls, "parent_kwarg", None)):
            raise TypeError(f"{cls.__name__} must set parent_model and parent_kwarg")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication: the company is known
        parent = (
            self.parent_model.objects.for_company(request.company)
            .filter(pk=self.kwargs[self.parent_kwarg])
            .first()
        )
        if parent is None:
            raise NotFoundError()
        self.parent = parent


def parent_parameter(name: str, description: str) -> OpenApiParameter:
    """The parent's id in the path, declared as the integer it is."""
    return OpenApiParameter(name, int, OpenApiParameter.PATH, description=description)
