"""Every page has a correct <title>: "Page – Basis jeugdhulp" (the admin: "Page | Basis
jeugdhulp"), no markup, not empty, Dutch. And no select on any page offers an English
empty choice. The pages are those a crawl of the demo data reaches as every role (one URL
per route: the crawl of tests/samen/test_fuzz_crawl.py, without its odd values)."""

import html
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.samen.test_fuzz_crawl import NOW, Crawl, demo  # noqa: F401 (demo: a fixture)

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
SITE = re.compile(r"^(?P<page>.+) (–|\|) Basis jeugdhulp$")
# Words of Django's, the admin's and the libraries' English titles ("Select team to change",
# "Log in | Django site admin", "Change history: …", "Page not found").
ENGLISH = re.compile(
    r"\b(Django|Select|Change|Add|View|History|Delete|Log in|Site administration|Page not "
    r"found|Server error|Overview|Request|Search|Reports|Phasing|Security)\b"
)
ENGLISH_BLANK = re.compile(r"<option[^>]*>\s*(- Select an option -|---------)\s*</option>")


def title_problems(url: str, page: str) -> list[str]:
    titles = TITLE.findall(page)
    if len(titles) != 1:
        return [f"{url}: {len(titles)} <title> elements"]
    raw = titles[0]
    text = html.unescape(raw).strip()
    problems = []
    if "<" in text or ">" in text or "\n" in text:
        problems.append(f"{url}: markup or lines in the title {text[:120]!r}")
    match = SITE.match(text)
    if not match or not match["page"].strip():
        problems.append(f"{url}: not 'Page – Basis jeugdhulp': {text[:120]!r}")
    if ENGLISH.search(text):
        problems.append(f"{url}: English in the title {text!r}")
    if ENGLISH_BLANK.search(page):
        problems.append(f"{url}: an English empty choice {ENGLISH_BLANK.search(page)[0]!r}")
    return problems


def test_title_problems_are_found():
    ok = "<html><title>Mijn werk – Basis jeugdhulp</title></html>"
    assert title_problems("/", ok) == []
    assert (
        title_problems("/", "<title>Selecteer WIJ-team om te wijzigen | Basis jeugdhulp</title>")
        == []
    )
    raw = '<title>Mijn werk\n<h2 class="utrecht-heading-2">Taken</h2> – Basis jeugdhulp</title>'
    assert "markup" in title_problems("/", raw)[0]
    assert title_problems("/", "<title> – Basis jeugdhulp</title>")
    assert title_problems("/", "<title>Log in | Django site admin</title>")
    assert title_problems("/", "<title></title>")
    assert title_problems("/", "<html></html>")
    blank = ok + '<select><option value="">- Select an option -</option></select>'
    assert "empty choice" in title_problems("/", blank)[0]


def test_every_page_of_every_role_has_a_dutch_title_without_markup(client, demo):  # noqa: F811
    User = get_user_model()
    problems, pages = [], 0

    def check(url, response):
        nonlocal pages
        pages += 1
        problems.extend(title_problems(url, response.content.decode()))

    with time_machine.travel(NOW, tick=False):
        for username in demo:
            client.force_login(User.objects.get(username=username))
            Crawl(client, username, per_route=1, on_page=check).follow(["/", "/admin/"])
            client.logout()
    assert pages > 150, pages  # the walk cannot silently shrink
    assert problems == [], "\n".join(sorted(set(problems))[:100])
