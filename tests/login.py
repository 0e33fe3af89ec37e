"""Signing in through the real login pages (password, then the second factor)."""

from tests.factories import PASSWORD, totp_code

STEP = "login_view-current_step"  # the login wizard's own field


def post_password(client, username, password=PASSWORD, *, ip="127.0.0.1"):
    return client.post(
        "/login/",
        {STEP: "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR=ip,
    )


def post_code(client, code, *, ip="127.0.0.1"):
    return client.post("/login/", {STEP: "token", "token-otp_token": code}, REMOTE_ADDR=ip)


def post_recovery_code(client, code):
    return client.post("/login/", {STEP: "backup", "backup-otp_token": code})


def sign_in(client, user, password=PASSWORD):
    """Password and the authenticator app's current code; returns the last response."""
    post_password(client, user.username, password)
    return post_code(client, totp_code(user))
