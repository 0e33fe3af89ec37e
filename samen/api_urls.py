"""/api/v1/: every app's API and the OpenAPI 3 schema.

API views authenticate themselves (DRF: token or session) and answer 401/403, so they are
exempt from the login redirect of LoginRequiredMiddleware.
"""

from django.http import JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView

from ijw import api as ijw_api
from intake import api as intake_api
from openhouse import api as openhouse_api
from referrals import api as referrals_api

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("products/", referrals_api.ProductList.as_view(), name="products"),
    path("routes/", referrals_api.RouteList.as_view(), name="routes"),
    path("referrals/", intake_api.ReferralCreate.as_view(), name="referrals"),
    path("indications/", openhouse_api.IndicationList.as_view(), name="indications"),
    path(
        "indications/<int:pk>/end-evaluations/",
        openhouse_api.EndEvaluationUpload.as_view(),
        name="end_evaluations",
    ),
    path(
        "indications/<int:pk>/extension-requests/",
        openhouse_api.ExtensionRequestCreate.as_view(),
        name="extension_requests",
    ),
    path("indications/<int:pk>/end-early/", openhouse_api.EndEarly.as_view(), name="end_early"),
    path("indications/<int:pk>/hand-over/", openhouse_api.HandOver.as_view(), name="hand_over"),
    path(
        "passed-on-referrals/",
        openhouse_api.PassedOnReferrals.as_view(),
        name="passed_on_referrals",
    ),
    # The message broker's traffic of iJw messages (docs/ijw.md, Transport).
    path("ijw/messages/", ijw_api.MessageReceive.as_view(), name="ijw_messages"),
    path(
        "ijw/messages/outgoing/",
        ijw_api.OutgoingList.as_view(),
        name="ijw_messages_outgoing",
    ),
    path("ijw/messages/<int:pk>/", ijw_api.MessageDetail.as_view(), name="ijw_message"),
    path(
        "ijw/messages/<int:pk>/picked-up/",
        ijw_api.MessagePickedUp.as_view(),
        name="ijw_message_picked_up",
    ),
]


@csrf_exempt  # it changes nothing, whatever the method
def not_found(request, rest=""):
    """Any other path under /api/v1/ (an id that is no number, a typo): a JSON 404 as the
    schema documents, not the HTML page meant for people."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not_found"))

for pattern in urlpatterns:
    pattern.callback.login_required = False
