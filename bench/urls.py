"""The bench's own URL conf: the product's routes and two floors measured beside them,
never part of the product (`manage.py bench` uses it with override_settings).

- a trivial view: a signed-in request through the whole middleware stack to a view that
  returns a few bytes, no query of its own;
- Django's admin changelist of SupportRequest with a default ModelAdmin (no list settings)
  on a separate AdminSite: what Django itself does for the request list.
"""

from django.contrib.admin import AdminSite
from django.http import HttpResponse
from django.urls import path

from intake.models import SupportRequest
from samen.urls import handler400  # noqa: F401
from samen.urls import urlpatterns as product_urlpatterns

floor_site = AdminSite(name="bench_floor")
floor_site.register(SupportRequest)


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


TRIVIAL_PATH = "/bench-floor/trivial/"
FLOOR_CHANGELIST = "/bench-floor/admin/intake/supportrequest/"

urlpatterns = [
    path("bench-floor/trivial/", trivial),
    path("bench-floor/admin/", floor_site.urls),
    *product_urlpatterns,
]
