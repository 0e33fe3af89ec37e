"""No page answers a server error, whatever a browser or a curious user sends.

On the demo data (`seed_demo`), as every demo role and a superuser:
1. a crawl that follows every link, htmx `hx-get` and GET form of every page it reaches,
   admin included (a bounded number of URLs per route);
2. every URL pattern of the resolver, with real ids of the demo's objects, id 0 and an id
   too large for any integer column;
3. every page the crawl reached, again with odd values for each parameter its links and
   forms use and a few that any page may get: huge numbers, year 9999 and year 1, dates that
   do not exist, NUL bytes, text too long for any column, broken percent-encoding.
Zero answers of 500 or more. The figures are printed (`-s` not needed).
"""

import datetime
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import Resolver404, resolve

from samen.models import JobRun
from tests.conftest import api_throttles_clear
from tests.urls_walk import all_paths

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 24, 9, 30, tzinfo=datetime.UTC)
DEMO_ROLES = ["medewerker", "teamleider", "gemeente", "jeugdadministratie", "privacy", "aanbieder"]
# Pages that end the session, change its language or forget the second factor.
NOT_FOLLOWED = re.compile(
    r"^/(logout|oidc|i18n|admin/logout|static|media|account/tweede-factor/vervangen)(/|$)"
)
PER_ROUTE = 3  # URLs followed per route and persona (the admin's filters multiply fast)
HUGE = "99999999999999999999"
ODD_VALUES = [
    "",
    "-1",
    HUGE,
    "9999",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "a\x00b",
    "x" * 3000,
]
RAW_ODD = ["%ff%fe"]  # sent as it is: not valid percent-encoded UTF-8
# A parameter any page may be sent, whether or not it uses it.
COMMON_PARAMS = ["page"]


class Links(HTMLParser):
    """Every same-site link, hx-get and form of a page: GET forms as (action, field names),
    POST forms as (action, hidden fields with their values, the other field names)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[tuple[str, list[str]]] = []
        self.post_forms: list[tuple[str, dict, list[str]]] = []
        self._form = None
        self._post = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "hx-get"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = (attrs.get("action") or "", []) if method == "get" else None
            self._post = (attrs.get("action") or "", {}, []) if method == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
            if self._post is not None:
                self.post_forms.append(self._post)
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            if self._form:
                self._form[1].append(attrs["name"])
            if self._post:
                kind = (attrs.get("type") or "text").lower()
                if kind == "hidden":
                    self._post[1][attrs["name"]] = attrs.get("value") or ""
                elif kind not in ("checkbox", "radio", "submit", "button", "file"):
                    self._post[2].append(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = self._post = None


def _route(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _local(href: str, base: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "//")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if NOT_FOLLOWED.match(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _real_ids() -> set[int]:
    """The last id of every model of the project that has rows (the first ones are small
    numbers that 0 and 1 stand for)."""
    ids = set()
    for model in apps.get_models():
        if model._meta.app_label in ("contenttypes", "sessions", "admin"):
            continue
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).last()
        if isinstance(pk, int):
            ids.add(pk)
    return ids


class Crawl:
    def __init__(self, client, label, *, per_route=PER_ROUTE, on_page=None):
        """`on_page(url, response)` is called with every HTML page that answered 200."""
        self.client, self.label = client, label
        self.per_route_limit, self.on_page = per_route, on_page
        self.seen: set[str] = set()
        self.per_route: Counter = Counter()
        self.params: dict[str, set[str]] = defaultdict(set)  # route -> parameter names
        self.example: dict[str, str] = {}  # route -> a path that answered 200
        self.post_forms: dict[str, tuple[str, dict, list[str]]] = {}  # route -> one form
        self.stats: Counter = Counter()
        self.errors: list[str] = []

    def get(self, url: str):
        if url.startswith("/api/"):
            api_throttles_clear()  # the clock stands still: no 429 from the rate limits
        response = self.client.get(url)
        self.stats[response.status_code // 100 * 100] += 1
        if response.status_code >= 500:
            self.errors.append(f"{self.label}: GET {url[:300]!r} -> {response.status_code}")
        return response

    def follow(self, start: list[str]):
        queue = list(start)
        while queue:
            url = queue.pop(0)
            route = _route(url)
            if url in self.seen or route is None or self.per_route[route] >= self.per_route_limit:
                continue
            self.seen.add(url)
            self.per_route[route] += 1
            response = self.get(url)
            for name, _value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
                self.params[route].add(name)
            if response.status_code in (301, 302, 303, 307, 308):
                local = _local(response["Location"], url)
                if local:
                    queue.append(local)
            if response.status_code != 200:
                continue
            self.example.setdefault(route, urlsplit(url).path)
            if "html" not in response.get("Content-Type", ""):
                continue
            if self.on_page:
                self.on_page(url, response)
            parser = Links()
            parser.feed(response.content.decode(errors="replace"))
            for href in parser.links:
                local = _local(href, url)
                if local:
                    queue.append(local)
            for action, hidden, names in parser.post_forms:
                target = _local(action, url) if action else urlsplit(url).path
                target_route = target and _route(target)
                if target_route and names:
                    self.post_forms.setdefault(target_route, (target, hidden, names))
            for action, names in parser.forms:
                target = _local(action, url) or urlsplit(url).path
                target_route = _route(target)
                if target_route:
                    self.params[target_route].update(names)
                    queue.append(target)

    def post(self, url: str, data: dict):
        response = self.client.post(url, data)
        self.stats[response.status_code // 100 * 100] += 1
        if response.status_code >= 500:
            fields = ", ".join(f"{k}={v[:20]!r}" for k, v in data.items())
            self.errors.append(f"{self.label}: POST {url} ({fields}) -> {response.status_code}")

    def odd_posts(self):
        """Every kind of form once per odd value, in every field a person types into."""
        for _route_name, (url, hidden, names) in sorted(self.post_forms.items()):
            for value in ODD_VALUES:
                self.post(url, {**hidden, **dict.fromkeys(names, value)})

    def odd_values(self):
        for route, path in sorted(self.example.items()):
            for name in sorted(self.params[route] | set(COMMON_PARAMS)):
                for value in ODD_VALUES:
                    self.get(f"{path}?{urlencode({name: value})}")
                for raw in RAW_ODD:
                    self.get(f"{path}?{name}={raw}")


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", families=30, stdout=open("/dev/null", "w"))  # noqa: SIM115
        User = get_user_model()
        User.objects.create_superuser("beheerder", "beheerder@demo.invalid", "x" * 20)
        JobRun.objects.create(job="flag", run_date=NOW.date(), started_at=NOW)
    return [*DEMO_ROLES, "beheerder"]


def test_no_page_answers_a_server_error_to_any_role_or_any_query(client, demo, capsys):
    client.raise_request_exception = False
    User = get_user_model()
    summary, errors = [], []
    with time_machine.travel(NOW, tick=False):
        ids = sorted(_real_ids() | {0, 1})
        patterns = sorted(
            {path for object_id in ids for path, _name in all_paths(int_value=object_id)}
            | {path for path, _name in all_paths(int_value=HUGE)}
        )
        for username in demo:
            client.force_login(User.objects.get(username=username))
            crawl = Crawl(client, username)
            crawl.follow(["/", "/admin/", "/api/v1/", "/api/v1/schema/"])
            followed = sum(crawl.stats.values())
            for path in patterns:
                if not NOT_FOLLOWED.match(path):
                    crawl.get(path)
            crawl.odd_values()
            crawl.odd_posts()
            # The crawl must not lose its session (it would only see the login page).
            assert client.session.get("_auth_user_id") == str(
                User.objects.get(username=username).pk
            ), f"{username} was signed out during the crawl"
            summary.append(
                f"  {username:20} followed {followed:5}  routes {len(crawl.example):4}  "
                + "  ".join(f"{k}:{v}" for k, v in sorted(crawl.stats.items()))
            )
            errors += crawl.errors
            client.logout()
            with capsys.disabled():
                print(summary[-1], flush=True)
    total = sum(int(n) for line in summary for n in re.findall(r" \d{3}:(\d+)", line))
    with capsys.disabled():
        print(f"\nFuzz crawl: {total} requests, {len(errors)} server errors")
        print("\n".join(summary))
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(errors[:200])
    # The crawl cannot silently shrink.
    assert total > 8_000, total
