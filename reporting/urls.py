from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("rapportages/", views.index, name="index"),
    path("rapportages/raadsrapportage/", views.council, name="council"),
    path(
        "rapportages/raadsrapportage/<int:pk>/",
        views.council_download,
        name="council_download",
    ),
    path("rapportages/<slug:slug>/", views.report, name="report"),
]
