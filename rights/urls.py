from django.urls import path

from . import views  # noqa: F401

app_name = "rights"

urlpatterns: list = []

# Destruction (rights/destruction_views.py).
from . import destruction_views  # noqa: E402

urlpatterns += [
    path(
        "privacy/verzoeken/<int:pk>/vernietigen/",
        destruction_views.carry_out,
        name="destruction_carry_out",
    ),
    path("privacy/vernietigd/", destruction_views.tombstones, name="tombstones"),
]
