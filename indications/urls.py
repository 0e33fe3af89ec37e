from django.urls import path

from . import backoffice, views

app_name = "indications"

urlpatterns = [
    path("indicaties/aflopend/", views.ending, name="ending"),
    path("jeugdigen/<int:pk>/", views.client_detail, name="client"),
    path("indicaties/<int:pk>/vervolg/", views.follow_up, name="follow_up"),
    path("aanbieders/<int:pk>/gezinnen/", views.provider_families, name="provider_families"),
    path("taken/<int:pk>/afronden/", views.task_complete, name="task_complete"),
    path("jeugdadministratie/", backoffice.backoffice, name="backoffice"),
    path(
        "jeugdadministratie/verlengingen/<int:pk>/",
        backoffice.extension_decide,
        name="extension_decide",
    ),
    path(
        "jeugdadministratie/verlengingen/<int:pk>/brief/",
        backoffice.extension_letter,
        name="extension_letter",
    ),
    path("jeugdadministratie/import/", backoffice.import_view, name="import"),
]
