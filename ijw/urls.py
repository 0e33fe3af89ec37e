"""The youth administration's pages on the message traffic (/jeugdadministratie/berichten/)."""

from django.urls import path  # noqa: F401

app_name = "ijw"

urlpatterns: list = []
