"""Deployment checks of the sign-in (`manage.py check --deploy`)."""
