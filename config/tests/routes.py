"""Walks the URL conf: every route, the view behind it, and a URL to call it with."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")
_CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    template: str  # "api/v1/staff/{pk}"
    callback: object
    kwargs: tuple[str, ...]

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def actions(self) -> dict[str, str]:
        return dict(getattr(self.callback, "actions", None) or {})

    def url(self, **values) -> str:
        return "/" + self.template.format(**{name: values[name] for name in self.kwargs})


def _as_template(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _CONVERTER.sub(lambda m: "{" + m["name"] + "}", str(pattern))
    if isinstance(pattern, RegexPattern):
        text = pattern.regex.pattern
        text = _GROUP.sub(lambda m: "{" + m["name"] + "}", text)
        text = text.lstrip("^").rstrip("$")
        text = text.replace("/?", "").replace("\\.", ".")
        return text
    return str(pattern)


def iter_routes(resolver: URLResolver | None = None, prefix: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        template = prefix + _as_template(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry, template)
        elif isinstance(entry, URLPattern):
            yield Route(
                template=template,
                callback=entry.callback,
                kwargs=tuple(re.findall(r"{(\w+)}", template)),
            )
