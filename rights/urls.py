from django.urls import path

from . import copy_views, retention_views, views  # noqa: F401

app_name = "rights"

urlpatterns: list = []

# Inspection and a copy (copy_views.py). "verstrekken" comes before "<str:fmt>".
urlpatterns += [
    path("privacy/verzoeken/<int:pk>/afschrift/", copy_views.copy_review, name="copy_review"),
    path(
        "privacy/verzoeken/<int:pk>/afschrift/verstrekken/",
        copy_views.copy_confirm,
        name="copy_confirm",
    ),
    path(
        "privacy/verzoeken/<int:pk>/afschrift/<str:fmt>/",
        copy_views.copy_download,
        name="copy_download",
    ),
]

# Retention (rights/retention_views.py)
urlpatterns += [
    path("privacy/bewaartermijn/", retention_views.retention_list, name="retention"),
    path(
        "privacy/bewaartermijn/controleren/",
        retention_views.retention_review,
        name="retention_review",
    ),
]
