"""A rule lives in its service only (issue 10, point 1).

The API dialects rename a service's field errors (api.field_names) and the admin shows them on
the form (tenancy.admin_services), so no serializer or admin form has reason to check a rule
again. A copy nearly always reuses the service's message, or its predicate: this test fails on
an API or admin module that reads a service's `*_MESSAGE` or calls a service-layer predicate.
"""
from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Predicates the services decide with; the API and the admin ask the service instead.
SERVICE_PREDICATES = {"is_assignable"}


def _front_modules() -> list[Path]:
    """Every project app's API and admin modules (a package or a single module each)."""
    found: list[Path] = []
    for app_config in apps.get_app_configs():
        root = Path(app_config.path)
        if not root.is_relative_to(settings.BASE_DIR) or ".venv" in root.parts:
            continue
        for name in ("api", "admin"):
            package, module = root / name, root / f"{name}.py"
            found += sorted(package.glob("*.py")) if package.is_dir() else []
            found += [module] if module.exists() else []
    return found


def _service_aliases(tree: ast.Module) -> tuple[set[str], list[str]]:
    """Names bound to service modules, and the service constants imported by name."""
    aliases, constants = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and "services" in node.module:
            for alias in node.names:
                bound = alias.asname or alias.name
                if alias.name.endswith("_MESSAGE") or alias.name in SERVICE_PREDICATES:
                    constants.append(alias.name)
                else:
                    aliases.add(bound)
    return aliases, constants


def _copies(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases, found = _service_aliases(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and (node.attr.endswith("_MESSAGE") or node.attr in SERVICE_PREDICATES)
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return [f"{path.relative_to(settings.BASE_DIR)}: {name}" for name in found]


def test_the_scan_covers_the_crm_api_and_admin():
    scanned = {str(path.relative_to(settings.BASE_DIR)) for path in _front_modules()}

    assert {"crm/api/v1_customers.py", "crm/admin/contracts.py", "tenancy/admin.py"} <= scanned


def test_no_api_or_admin_module_repeats_a_service_rule():
    copies = [copy for path in _front_modules() for copy in _copies(path)]

    assert copies == []


def test_the_scan_finds_a_copied_rule(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    copied = tmp_path / "copy.py"
    copied.write_text(
        "from ..services import contracts as contract_services\n"
        "from ..services.assignment import NOT_ASSIGNABLE_MESSAGE, is_assignable\n"
        "def clean(form):\n"
        "    form.add_error('date_end', contract_services.ENDS_BEFORE_START_MESSAGE)\n"
    )

    assert _copies(copied) == [
        "copy.py: NOT_ASSIGNABLE_MESSAGE",
        "copy.py: is_assignable",
        "copy.py: contract_services.ENDS_BEFORE_START_MESSAGE",
    ]
