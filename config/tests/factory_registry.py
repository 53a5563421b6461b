"""Every app's factories (`<app>/tests/factories.py`), found by model, for the route walker."""
from __future__ import annotations

import importlib
import inspect

import factory
from django.apps import apps


def factories_by_model() -> dict[type, type]:
    found: dict[type, type] = {}
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.tests.factories")
        except ModuleNotFoundError:
            continue
        for _, candidate in inspect.getmembers(module, inspect.isclass):
            if issubclass(candidate, factory.django.DjangoModelFactory) and candidate._meta.model:
                # The first factory declared for a model is its canonical one.
                found.setdefault(candidate._meta.model, candidate)
    return found
