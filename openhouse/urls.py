from django.urls import path

from . import views

app_name = "openhouse"

urlpatterns = [
    path("portaal/", views.dashboard, name="dashboard"),
    path("portaal/indicaties/", views.indications, name="indications"),
    path("portaal/indicaties/<int:pk>/", views.indication, name="indication"),
    path(
        "portaal/indicaties/<int:pk>/verlenging/",
        views.extension_request,
        name="extension_request",
    ),
    path("portaal/indicaties/<int:pk>/eerder-einde/", views.end_early, name="end_early"),
    path("portaal/indicaties/<int:pk>/andere-aanbieder/", views.hand_over, name="hand_over"),
    path("portaal/verwijzing-doorgeven/", views.referral_pass_on, name="pass_on"),
    path("portaal/doorgegeven/", views.passed_on, name="passed_on"),
    path("eindevaluaties/<int:pk>/download/", views.download, name="download"),
    path("indicaties/<int:pk>/overdracht/", views.handover_note, name="handover_note"),
    path("portaal/we-stoppen/", views.stop, name="stop"),
    path("portaal/api-sleutel/", views.api_key, name="api_key"),
    path("portaal/verzoeken/", views.ijw_requests, name="ijw_requests"),
    path(
        "portaal/berichten/<int:pk>/download/",
        views.ijw_message_download,
        name="ijw_message_download",
    ),
]
