from django.urls import path

from . import views

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
    # Re-assessment (reassessment_views.py).
]
