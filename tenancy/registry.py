"""Hooks that higher apps register in their AppConfig.ready(), so tenancy never imports them.

- `company_created`: seeds a new company's lookups (lead statuses, taxes, ...).
- `demo_seeders`: add demo data for `manage.py seed_demo`.
Each callable takes `company` (and the seeders also `admin`, the company's admin membership).
"""
from __future__ import annotations

from collections.abc import Callable

company_created: list[Callable] = []
demo_seeders: list[Callable] = []


def on_company_created(func: Callable) -> Callable:
    if func not in company_created:
        company_created.append(func)
    return func


def demo_seeder(func: Callable) -> Callable:
    if func not in demo_seeders:
        demo_seeders.append(func)
    return func
