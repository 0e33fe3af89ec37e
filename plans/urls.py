from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("gezinnen/<int:pk>/plan/", views.plan_detail, name="detail"),
    path("gezinnen/<int:pk>/plan/bewerken/", views.plan_edit, name="edit"),
    path("gezinnen/<int:pk>/plan/evalueren/", views.evaluate, name="evaluate"),
    path("gezinnen/<int:pk>/plan/versies/<int:number>/", views.version_detail, name="version"),
    path(
        "gezinnen/<int:pk>/plan/versies/<int:number>/akkoord/",
        views.version_agree,
        name="agree",
    ),
    path(
        "gezinnen/<int:pk>/plan/versies/<int:number>/plan.pdf",
        views.version_pdf,
        name="pdf",
    ),
    path("portaal/afspraken/", views.portal_agreements, name="portal_agreements"),
]
