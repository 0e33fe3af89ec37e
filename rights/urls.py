from django.urls import path

from . import views

app_name = "rights"

urlpatterns: list = [
    path("privacy/verzoeken/", views.request_list, name="list"),
    path("privacy/verzoeken/nieuw/", views.register, name="register"),
    path("privacy/verzoeken/<int:pk>/", views.detail, name="detail"),
    path("privacy/verzoeken/<int:pk>/besluit/", views.decide, name="decide"),
    path("privacy/verzoeken/<int:pk>/verlengen/", views.extend, name="extend"),
    path("privacy/verzoeken/<int:pk>/afsluiten/", views.close, name="close"),
    path("privacy/verzoeken/<int:pk>/corrigeren/", views.correct, name="correct"),
]
