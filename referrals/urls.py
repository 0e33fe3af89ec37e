from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("fasering/", views.phasing, name="phasing"),
]
