"""What notes may point at. Each app registers its models in AppConfig.ready(), so crm never
imports the apps above it (billing registers invoice and estimate, projects project, ...)."""
from __future__ import annotations

from django.db import models

note_targets: dict[str, type[models.Model]] = {}


def register_note_target(rel_type: str, model: type[models.Model]) -> None:
    note_targets[rel_type] = model
