"""What notes may point at. Each app registers its models in AppConfig.ready(), so crm never
imports the apps above it (billing registers invoice and estimate, projects project, ...)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .models import Customer

note_targets: dict[str, type[models.Model]] = {}


def register_note_target(rel_type: str, model: type[models.Model]) -> None:
    note_targets[rel_type] = model


# --- what keeps a customer from being deleted ----------------------------------------------
# Each blocker counts one kind of record that still needs the customer: {"contracts": 2}.
# crm registers its contracts counter; billing registers invoices and payments in its ready().
customer_delete_blockers: list[Callable[[Customer], dict[str, int]]] = []


def register_customer_delete_blocker(
    func: Callable[[Customer], dict[str, int]],
) -> Callable[[Customer], dict[str, int]]:
    if func not in customer_delete_blockers:
        customer_delete_blockers.append(func)
    return func
