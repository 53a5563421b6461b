"""`manage.py endpoint_coverage ENDPOINTS.txt`: which documented endpoints the URL conf serves.

Each line `METHOD PATH  [document]` is resolved against the URL conf with its `{placeholders}`
filled in (an integer id, or a UUID where the crm dialect uses them), and the resolved view is
asked whether it answers METHOD: a viewset route by its `actions` mapping, an APIView or Django
class-based view by its `http_method_names` and handler. It reads only the URL conf, so `api`
stays below the apps it reports on. A report: the exit code is 0 unless `--fail-missing`.
"""
from __future__ import annotations

import itertools
import re
from collections import OrderedDict
from dataclasses import asdict, dataclass
from pathlib import Path

from django.core.management.base import CommandError
from django.urls import Resolver404, get_resolver

from core.commands import JsonOutputCommand

LINE = re.compile(
    r"^(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(?P<path>\S+)"
    r"(?:\s+\[(?P<document>[^\]]+)\])?\s*$"
)
SECTION = re.compile(r"^#{2,}\s*(?P<document>\S+)")
PLACEHOLDER = re.compile(r"\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)\}")
SAMPLE_UUID = "0b4cf6c2-3f0e-4d55-9a3c-2f1e8c9d7a10"
SAMPLE_INT = "1"
# crm-dialect resources expose UUIDs (DESIGN.md); these names are tried as a UUID first.
UUID_FIRST = {"organization_id", "connection_id", "deal_id", "job_id", "uuid"}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    document: str


@dataclass(frozen=True)
class Coverage:
    method: str
    path: str
    document: str
    served: bool
    view: str
    reason: str


def parse_endpoints(text: str) -> list[Endpoint]:
    """Endpoint lines of ENDPOINTS.txt; comments, headings and blank lines are skipped."""
    endpoints, section = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        heading = SECTION.match(line)
        if heading:
            section = heading.group("document")
            continue
        match = LINE.match(line)
        if match is None:
            continue
        endpoints.append(
            Endpoint(
                method=match.group("method"),
                path=match.group("path"),
                document=match.group("document") or section or "(no document)",
            )
        )
    return endpoints


def candidate_paths(path: str) -> list[str]:
    """The documented path with plausible values for its placeholders, best guess first."""
    path = path.split("?", 1)[0]
    names = PLACEHOLDER.findall(path)
    choices = [
        (SAMPLE_UUID, SAMPLE_INT) if name in UUID_FIRST else (SAMPLE_INT, SAMPLE_UUID)
        for name in names
    ]
    return [_fill(path, values) for values in itertools.product(*choices)] or [path]


def _fill(path: str, values: tuple[str, ...]) -> str:
    remaining = iter(values)
    return PLACEHOLDER.sub(lambda _match: next(remaining), path)


def _view_name(callback) -> str:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    target = cls or callback
    return f"{target.__module__}.{getattr(target, '__qualname__', repr(target))}"


def method_served(callback, method: str) -> tuple[bool, str]:
    """Does the resolved view answer `method`? (served, reason if not)."""
    verb = method.lower()
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a DRF viewset route: only its mapped methods exist
        # DRF adds `head` to a GET route's mapping on its first request; report it either way.
        mapped = set(actions) | ({"head"} if "get" in actions else set())
        if verb in mapped:
            return True, ""
        shown = sorted(m.upper() for m in mapped - {"head"}) or ["nothing"]
        return False, f"route maps {', '.join(shown)}"
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:  # an APIView or a Django class-based view
        handler = "get" if verb == "head" and not hasattr(cls, "head") else verb  # as View.setup
        if verb in cls.http_method_names and hasattr(cls, handler):
            return True, ""
        return False, f"{cls.__name__} has no {method} handler"
    # A function view cannot tell which methods it answers; it resolves, so count it.
    return True, ""


def check_endpoint(endpoint: Endpoint, resolver=None) -> Coverage:
    resolver = resolver or get_resolver()
    fallback: tuple[str, str] | None = None
    for candidate in candidate_paths(endpoint.path):
        try:
            match = resolver.resolve(candidate)
        except Resolver404:
            continue
        served, reason = method_served(match.func, endpoint.method)
        if served:
            return Coverage(**asdict(endpoint), served=True, view=_view_name(match.func), reason="")
        fallback = fallback or (_view_name(match.func), reason)
    view, reason = fallback or ("", "no route matches the path")
    return Coverage(**asdict(endpoint), served=False, view=view, reason=reason)


def summarize(results: list[Coverage]) -> dict:
    documents: OrderedDict[str, dict[str, int]] = OrderedDict()
    for result in results:
        totals = documents.setdefault(result.document, {"served": 0, "missing": 0, "total": 0})
        totals["served" if result.served else "missing"] += 1
        totals["total"] += 1
    served = sum(1 for result in results if result.served)
    return {
        "documents": dict(documents),
        "served": served,
        "missing": len(results) - served,
        "total": len(results),
    }


class Command(JsonOutputCommand):
    help = "Report which documented endpoints (METHOD PATH lines) the URL conf serves."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="e.g. ../shared/ENDPOINTS.txt")
        parser.add_argument(
            "--missing", action="store_true", help="List only the endpoints not served."
        )
        parser.add_argument(
            "--fail-missing",
            action="store_true",
            help="Exit with status 1 when any endpoint is not served.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        endpoints = parse_endpoints(text)
        if not endpoints:
            raise CommandError(f"{path} lists no endpoints (expected lines like 'GET /api/...').")
        resolver = get_resolver()
        results = [check_endpoint(endpoint, resolver) for endpoint in endpoints]
        summary = summarize(results)
        shown = [result for result in results if not (options["missing"] and result.served)]
        payload = {"endpoints": [asdict(result) for result in shown], **summary}
        self.emit(options, payload, self._human(shown, summary))
        if options["fail_missing"] and summary["missing"]:
            raise CommandError(
                f"{summary['missing']} of {summary['total']} documented endpoints are not served."
            )

    @staticmethod
    def _human(results: list[Coverage], summary: dict) -> str:
        lines = []
        document = None
        for result in results:
            if result.document != document:
                document = result.document
                lines.append(f"## {document}")
            status = "served " if result.served else "MISSING"
            note = f"  ({result.reason})" if result.reason else ""
            lines.append(f"{status}  {result.method:<6} {result.path}{note}")
        lines.append("")
        lines.append("Totals:")
        for name, totals in summary["documents"].items():
            lines.append(f"  {name}: {totals['served']}/{totals['total']} served")
        lines.append(f"  overall: {summary['served']}/{summary['total']} served")
        return "\n".join(lines)
