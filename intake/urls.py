from django.urls import path

from . import family_views, views

app_name = "intake"

urlpatterns = [
    path("werk/", views.my_work, name="my_work"),
    path("werk/team/", views.team_work, name="team_work"),
    path("aanmeldingen/", views.request_list, name="list"),
    path("aanmeldingen/nieuw/", views.register, name="register"),
    path("zoeken/", views.search, name="search"),
    path("aanmeldingen/verwijzers/", views.referrer_organisations, name="referrer_organisations"),
    path("aanmeldingen/zoek-jeugdige/", views.client_search_results, name="client_search"),
    path("aanmeldingen/<int:pk>/", views.detail, name="detail"),
    path("aanmeldingen/<int:pk>/bewerken/", views.edit, name="edit"),
    path("aanmeldingen/<int:pk>/contact/", views.record_contact, name="record_contact"),
    path("aanmeldingen/<int:pk>/toewijzen/", views.assign, name="assign"),
    path("aanmeldingen/<int:pk>/afsluiten/", views.close, name="close"),
    path("aanmeldingen/<int:pk>/heropenen/", views.reopen, name="reopen"),
    path("aanmeldingen/<int:pk>/triage/", views.start_triage, name="start_triage"),
    path("gezinnen/<int:pk>/", family_views.household, name="household"),
    path("gezinnen/<int:pk>/afdrukken/", family_views.household_print, name="household_print"),
    path(
        "gezinnen/<int:pk>/leden/<int:member_pk>/gezag/",
        family_views.member_authority,
        name="member_authority",
    ),
    path("gezinnen/<int:pk>/samenvoegen/", family_views.household_merge, name="household_merge"),
    path("gezinnen/<int:pk>/splitsen/", family_views.household_split, name="household_split"),
    path(
        "aanmeldingen/<int:pk>/andere-medewerker/",
        views.request_other_worker,
        name="request_other_worker",
    ),
    path(
        "aanmeldingen/<int:pk>/andere-medewerker/<int:change_pk>/besluit/",
        views.decide_other_worker,
        name="decide_other_worker",
    ),
]
