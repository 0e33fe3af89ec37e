"""Every URL of the project, with sample values for its parameters (for access tests)."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1)), "path": "x"}
ROUTE_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _piece(pattern, sample=SAMPLE) -> str | None:
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAM.sub(lambda m: sample.get(m["conv"] or "str", "1"), str(pattern))
    if isinstance(pattern, RegexPattern):
        regex = pattern._regex
        if "(?P<" in regex or "(" in regex:
            return None  # parameters in a regex: not generated (the admin's app index)
        return regex.lstrip("^").rstrip("$").replace("\\", "")
    return None


def all_paths(resolver=None, prefix="/", *, int_value="1"):
    """Yield (path, name) for every pattern whose parameters we can fill; integer
    parameters get `int_value` (e.g. another provider's object id)."""
    resolver = resolver or get_resolver()
    sample = {**SAMPLE, "int": str(int_value)}
    for entry in resolver.url_patterns:
        piece = _piece(entry.pattern, sample)
        if piece is None:
            continue
        if isinstance(entry, URLResolver):
            yield from all_paths(entry, prefix + piece, int_value=int_value)
        elif isinstance(entry, URLPattern):
            yield prefix + piece, entry.name
