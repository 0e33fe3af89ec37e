from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Uitgaande berichten: every e-mail is written here in the transaction of the change
    that causes it and sent by Celery, with retries, so a mail server or broker that is
    down never fails a request nor loses a message (docs/architecture.md)."""

    default = True
    name = "outbox"
    verbose_name = "Uitgaande berichten"
