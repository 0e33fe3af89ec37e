"""The production settings for the load run, with one change: static files are hashed
(ManifestStaticFilesStorage, as `{% static %}` needs) but not compressed, because
whitenoise's Brotli and gzip of 50 MB of front-end packages takes minutes on this machine
and the load run requests pages, never static files."""

from samen.settings import *  # noqa: F403
from samen.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
