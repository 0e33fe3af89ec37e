"""The production build works: collectstatic with the production storage (the command the
image build runs), pages served from its manifest, WeasyPrint loaded only for a PDF, and one
pinned installer for the lock file (docs/deploy.md)."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"

# The icons that @utrecht/design-tokens' background-image-icon.css refers to and the npm
# package does not ship: our own, in samen/static/vendor/utrecht/tokens/.
SUPPLIED_ICONS = [
    "vendor/utrecht/tokens/pijltje.svg",
    "vendor/utrecht/tokens/pijltje-zwart.svg",
    "vendor/utrecht/tokens/pijltje-wit.svg",
    "vendor/utrecht/tokens/icoon-zoek-rood.svg",
    "vendor/utrecht/tokens/arrow-dropdown.svg",
]
# Not browser assets (npm build artefacts): scripts/collectstatic-production leaves them out.
NOT_WEB_ASSETS = ["*.json", "*.cjs", "*.mjs", "*.d.ts", "*.scss", "*.less"]
HASHED_STATIC = re.compile(r"/static/(?P<path>[\w./@-]+\.[0-9a-f]{12}\.(?:css|js|svg))")


def all_static_files() -> set[str]:
    """Every file the finders find (STATICFILES_DIRS, then the apps' static/ dirs): whatever
    is there today or is added later must make it through the production build."""
    found = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=["CVS", ".*", "*~", *NOT_WEB_ASSETS]):
            prefix = getattr(storage, "prefix", None)  # ("vendor/htmx", dir) in STATICFILES_DIRS
            found.add("/".join(filter(None, [prefix, path.replace(os.sep, "/")])))
    return found


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """scripts/collectstatic-production, as the Dockerfile runs it, in a new process with no
    database, Redis or secret of the test run: only STATIC_ROOT points into a tmp dir."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"SAMEN_ENV", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    environment.update(STATIC_ROOT=str(static_root), PYTHON=sys.executable)
    result = subprocess.run(
        ["scripts/collectstatic-production"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return static_root


def manifest_paths(static_root: Path) -> dict[str, str]:
    return json.loads((static_root / "staticfiles.json").read_text())["paths"]


def test_collectstatic_with_the_production_storage_passes(collected):
    paths = manifest_paths(collected)
    missing = sorted(all_static_files() - paths.keys())
    assert not missing, f"not in the manifest: {missing}"
    for name in [
        "vendor/utrecht/tokens/theme.css",
        "vendor/utrecht/tokens/background-image-icon.css",
        "vendor/utrecht/components/index.css",
        "samen/css/samen.css",
        "vendor/htmx/htmx.min.js",
        *SUPPLIED_ICONS,
    ]:
        hashed = paths[name]
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", hashed), hashed
        assert (collected / hashed).is_file()
        # whitenoise's compressed copies, served to browsers that ask for them.
        assert (collected / f"{hashed}.gz").is_file()


def test_the_build_leaves_out_only_what_no_page_loads(collected):
    script = (ROOT / "scripts" / "collectstatic-production").read_text()
    assert " ".join(f"--ignore '{pattern}'" for pattern in NOT_WEB_ASSETS[:4]) in script
    assert " ".join(f"--ignore '{pattern}'" for pattern in NOT_WEB_ASSETS[4:]) in script
    paths = manifest_paths(collected)
    assert not [name for name in paths if name.endswith((".json", ".cjs", ".mjs", ".d.ts"))]


def test_the_supplied_icons_are_ours_and_referred_to_by_hashed_name(collected):
    for name in SUPPLIED_ICONS:
        ours = ROOT / "samen" / "static" / name
        assert ours.is_file()
        # The finders pick ours (the npm package has none at these paths).
        assert Path(finders.find(name)) == ours
        assert "<svg" in ours.read_text()
    paths = manifest_paths(collected)
    css = (collected / paths["vendor/utrecht/tokens/background-image-icon.css"]).read_text()
    for name in SUPPLIED_ICONS:
        assert f'url("./{Path(paths[name]).name}")' in css


@pytest.mark.django_db
def test_pages_with_the_manifest_storage_link_hashed_names(collected, client, intake_worker):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    with override_settings(DEBUG=False, STATIC_ROOT=collected, STORAGES=storages):
        login_page = client.get(reverse("login"))
        assert login_page.status_code == 200
        client.force_login(intake_worker)
        home = client.get(reverse("home"))
        assert home.status_code == 200

        for page in (login_page, home):
            html = page.content.decode()
            linked = {match["path"] for match in HASHED_STATIC.finditer(html)}
            assert any(path.startswith("vendor/utrecht/tokens/theme.") for path in linked), html
            assert any(path.startswith("samen/css/samen.") for path in linked)
            unhashed = re.findall(r'(?:href|src)="/static/[^"]*"', html)
            assert all(HASHED_STATIC.search(link) for link in unhashed), unhashed
            # whitenoise serves each of them from STATIC_ROOT.
            for path in linked:
                served = client.get(f"/static/{path}")
                assert served.status_code == 200, path
                assert b"".join(served.streaming_content)


def test_loading_the_urls_does_not_import_weasyprint():
    """WeasyPrint loads Pango and other system libraries on import; the URLs (and so every
    web worker) must start without them, and only making a PDF imports it."""
    code = (
        "import sys, django; django.setup(); import samen.urls; "
        "from django.urls import get_resolver; get_resolver().reverse_dict; "
        "assert 'weasyprint' not in sys.modules, 'weasyprint imported'; print('clean')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samen.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "clean" in result.stdout


def test_one_pinned_uv_everywhere():
    """The Makefile and the Dockerfile bootstrap the same uv the lock keeps in .venv."""
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lock = tomllib.loads((ROOT / "uv.lock").read_text())

    version = re.search(r"^UV_VERSION := (\S+)$", makefile, re.MULTILINE)[1]
    assert f"ARG UV_VERSION={version}" in dockerfile
    assert pyproject["dependency-groups"]["dev"] == [f"uv=={version}"]
    assert pyproject["tool"]["uv"]["package"] is False
    locked = {package["name"]: package["version"] for package in lock["package"]}
    assert locked["uv"] == version


def test_the_image_runs_the_commands_the_tests_run():
    """The image cannot be built on our machines (no Docker engine), so it keeps to the
    commands that are run here: the lock, the production collectstatic, npm without dev."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --locked --no-dev" in dockerfile
    assert "scripts/collectstatic-production" in dockerfile
    assert "npm ci --omit=dev" in dockerfile
    for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert library in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert ".venv" in ignored and "node_modules" in ignored
