"""The routes to test, read from the API's OpenAPI schema and the URL conf."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chat.api import api

SCHEMA = api.get_openapi_schema()
API_OPERATIONS = [(method, path) for path, ops in SCHEMA["paths"].items() for method in ops]


def page_routes(patterns=None, prefix: str = "") -> dict[str, str]:
    """Return {url name: route} for every named page route, the admin's and the API's aside
    (the OpenAPI schema lists the API's)."""
    found = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in ("admin", "api"):
                found |= page_routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            assert entry.name, f"name the route {route!r}, so the security tests can reach it"
            found[entry.name] = route
    return found


def parameters(route: str) -> list[str]:
    """Return the names of a route's parameters: `{id}` in the API, `<int:id>` in the URL conf."""
    return re.findall(r"[{<](?:\w+:)?(\w+)[}>]", route)


def page_path(name: str, ids: dict[str, int]) -> str:
    return reverse(name, kwargs={key: ids[key] for key in parameters(page_routes()[name])})
