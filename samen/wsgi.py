"""WSGI entry point (gunicorn samen.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samen.settings")

application = get_wsgi_application()
