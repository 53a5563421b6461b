from __future__ import annotations

from django.db import models


def lock_if_present(model: type[models.Model], pk) -> bool:
    """Lock a row the write is about to point at, until the transaction ends; False when it
    is gone. A row deleted meanwhile would otherwise fail the foreign key at commit, after
    every error handler has run (a 500 instead of a 400)."""
    return model.objects.select_for_update().filter(pk=pk).values_list("pk").first() is not None
