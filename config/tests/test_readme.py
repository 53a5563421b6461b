"""The README lists every environment variable the settings read (DESIGN.md)."""
from __future__ import annotations

import re

from django.conf import settings

BASE_DIR = settings.BASE_DIR
# env.str("NAME", ...), env.bool("NAME"), env("NAME"), env.db("NAME") ... in config/.
READ = re.compile(r"\benv(?:\.[a-z_]+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in [BASE_DIR / "config" / "env.py", *(BASE_DIR / "config" / "settings").glob("*.py")]:
        names |= set(READ.findall(path.read_text(encoding="utf-8")))
    return names


def test_the_settings_read_variables_at_all():
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= variables_read()


def test_every_variable_read_is_in_the_readme_configuration_table():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", readme, flags=re.MULTILINE))
    assert sorted(variables_read() - documented) == []
