from django.urls import path

from . import list_views, reassessment_views, views

app_name = "trajectories"

urlpatterns = [
    # The trajectory page and its steps (views.py).
    path("trajecten/<int:pk>/", views.detail, name="detail"),
    path("trajecten/<int:pk>/start/", views.begin, name="begin"),
    path("trajecten/<int:pk>/pauzeren/", views.pause, name="pause"),
    path("trajecten/<int:pk>/hervatten/", views.resume, name="resume"),
    path("trajecten/<int:pk>/intensiteit/", views.intensity, name="intensity"),
    path("trajecten/<int:pk>/overdragen/", views.handover, name="handover"),
    path("trajecten/<int:pk>/coaches/", views.add_coach, name="add_coach"),
    path("trajecten/<int:pk>/coaches/<int:coach_pk>/stoppen/", views.end_coach, name="end_coach"),
    path("trajecten/<int:pk>/beeindigen/", views.end, name="end"),
    # Lists: Mijn trajecten, the team's waiting list and caseloads (list_views.py).
    path("trajecten/mijn/", list_views.mine, name="mine"),
    path("trajecten/wachtlijst/", list_views.waiting, name="waiting"),
    path("trajecten/caseload/", list_views.caseload, name="caseload"),
    path("trajecten/caseload/<int:coach_id>/", list_views.coach_list, name="coach_list"),
    # Re-assessment (reassessment_views.py).
    path(
        "trajecten/<int:pk>/herbeoordeling/",
        reassessment_views.new,
        name="reassessment_new",
    ),
    path(
        "trajecten/herbeoordelingen/<int:pk>/",
        reassessment_views.detail,
        name="reassessment",
    ),
    path(
        "trajecten/herbeoordelingen/<int:pk>/uitkomst/",
        reassessment_views.record,
        name="reassessment_record",
    ),
    path(
        "trajecten/herbeoordelingen/<int:pk>/gedeeld/",
        reassessment_views.share,
        name="reassessment_share",
    ),
    path(
        "trajecten/herbeoordelingen/<int:pk>/beschikking/",
        reassessment_views.link_beschikking,
        name="reassessment_link_beschikking",
    ),
]
