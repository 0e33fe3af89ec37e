from django.urls import path

from . import retention_views, views  # noqa: F401

app_name = "rights"

urlpatterns: list = []

# Retention (rights/retention_views.py)
urlpatterns += [
    path("privacy/bewaartermijn/", retention_views.retention_list, name="retention"),
    path(
        "privacy/bewaartermijn/controleren/",
        retention_views.retention_review,
        name="retention_review",
    ),
]
