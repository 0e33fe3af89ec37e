from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("jeugdigen/<int:pk>/toegang/", views.open_file, name="open_file"),
    path("jeugdigen/<int:pk>/inzage/", views.file_log, name="file_log"),
    path("toegangslog/", views.log, name="log"),
]
