from django.urls import path  # noqa: F401

from . import views  # noqa: F401

app_name = "trajectories"

urlpatterns = [
    # The trajectory page and its steps (views.py).
    # Lists: Mijn trajecten, the team's waiting list and caseloads (list_views.py).
    # Re-assessment (reassessment_views.py).
]
