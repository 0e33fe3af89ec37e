from django.urls import path

from . import list_views, reassessment_views, views  # noqa: F401

app_name = "trajectories"

urlpatterns = [
    # The trajectory page and its steps (views.py).
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
