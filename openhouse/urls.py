from django.urls import path

from . import views

app_name = "openhouse"

urlpatterns = [
    path("portaal/", views.dashboard, name="dashboard"),
    path("portaal/indicaties/", views.indications, name="indications"),
    path("portaal/indicaties/<int:pk>/", views.indication, name="indication"),
    path("eindevaluaties/<int:pk>/download/", views.download, name="download"),
    path("indicaties/<int:pk>/overdracht/", views.handover_note, name="handover_note"),
    path("portaal/we-stoppen/", views.stop, name="stop"),
    path("portaal/api-sleutel/", views.api_key, name="api_key"),
]
