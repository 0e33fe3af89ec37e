from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("aanmeldingen/<int:pk>/lichte-toets/", views.triage, name="triage"),
    path("aanmeldingen/<int:pk>/beschikking/", views.beschikking_new, name="beschikking_new"),
    path("aanmeldingen/<int:pk>/verslagen/", views.report_new, name="report_new"),
    path("beschikkingen/<int:pk>/", views.beschikking, name="beschikking"),
    path("beschikkingen/<int:pk>/brief.pdf", views.beschikking_letter, name="beschikking_letter"),
    path("verslagen/<int:report_pk>/", views.report, name="report"),
    path("verslagen/<int:report_pk>/getoond/", views.report_shown, name="report_shown"),
    path("verslagen/<int:report_pk>/correctie/", views.correction_new, name="correction_new"),
    path(
        "correcties/<int:correction_pk>/antwoord/",
        views.correction_answer,
        name="correction_answer",
    ),
    path("uitzonderingen/", views.exceptions, name="exceptions"),
    path("uitzonderingen/<int:exception_pk>/", views.exception_decide, name="exception_decide"),
    path("werk/triage/", views.team_outcomes, name="team_outcomes"),
]
