from django.urls import path

from . import copy_views, destruction_views, retention_views, views

app_name = "rights"

# The requests (views.py)
urlpatterns: list = [
    path("privacy/verzoeken/", views.request_list, name="list"),
    path("privacy/verzoeken/nieuw/", views.register, name="register"),
    path("privacy/verzoeken/<int:pk>/", views.detail, name="detail"),
    path("privacy/verzoeken/<int:pk>/besluit/", views.decide, name="decide"),
    path("privacy/verzoeken/<int:pk>/verlengen/", views.extend, name="extend"),
    path("privacy/verzoeken/<int:pk>/afsluiten/", views.close, name="close"),
    path("privacy/verzoeken/<int:pk>/corrigeren/", views.correct, name="correct"),
]

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

# Destruction (rights/destruction_views.py)
urlpatterns += [
    path(
        "privacy/verzoeken/<int:pk>/vernietigen/",
        destruction_views.carry_out,
        name="destruction_carry_out",
    ),
    path("privacy/vernietigd/", destruction_views.tombstones, name="tombstones"),
]
