"""`manage.py compile_translations`: every .po under LOCALE_PATHS to its .mo, with Babel.

Django's `compilemessages` needs GNU gettext's msgfmt; Babel (already a requirement) does the
same in Python, so `make run` on a fresh machine needs nothing but Python. Fuzzy entries are
left out, as msgfmt leaves them out.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_po(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    with po_path.open("rb") as source:
        catalog = read_po(source)
    with mo_path.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    return mo_path


class Command(BaseCommand):
    help = "Compile every .po file under LOCALE_PATHS into its .mo file (Babel; no gettext needed)."

    def handle(self, *args, **options):
        compiled = []
        for locale_path in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_path.glob("*/LC_MESSAGES/*.po")):
                compiled.append(compile_po(po_path))
        for mo_path in compiled:
            self.stdout.write(f"compiled {mo_path}")
        if not compiled:
            self.stdout.write("no translations to compile")
