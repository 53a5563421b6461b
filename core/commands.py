"""Shared behaviour of operator commands: one JSON object on stdout with --json."""
from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand


class JsonOutputCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def emit(self, options: dict, payload: dict[str, Any], human: str) -> None:
        if options.get("json"):
            self.stdout.write(json.dumps(payload, default=str))
        else:
            self.stdout.write(human)
