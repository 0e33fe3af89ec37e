"""The youth administration's pages on the message traffic (/jeugdadministratie/berichten/)."""

from django.urls import path

from . import views

app_name = "ijw"

urlpatterns = [
    path("jeugdadministratie/berichten/", views.worklist, name="worklist"),
    path("jeugdadministratie/berichten/register/", views.register, name="register"),
    path("jeugdadministratie/berichten/ontvangen/", views.upload, name="upload"),
    path("jeugdadministratie/berichten/<int:pk>/", views.message_detail, name="message"),
    path(
        "jeugdadministratie/berichten/<int:pk>/download/",
        views.message_download,
        name="download",
    ),
    path(
        "jeugdadministratie/berichten/verzoeken/<int:pk>/",
        views.request_review,
        name="request",
    ),
    path(
        "jeugdadministratie/berichten/verzoeken/<int:pk>/eigen-afhandeling/",
        views.request_own_handling,
        name="request_own_handling",
    ),
]
