"""Sign-in records in the admin: superusers only, and never a device's secret."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_officials_see_no_devices_nor_lockouts(client, official, intake_worker):
    device = TOTPDevice.objects.get(user=intake_worker)
    client.force_login(official)
    for path in (
        "/admin/otp_totp/totpdevice/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
        "/admin/otp_static/staticdevice/",
        "/admin/axes/accessattempt/",
        "/admin/axes/accesslog/",
    ):
        assert client.get(path, follow=True).status_code in (403, 404), path
    assert "totpdevice" not in client.get("/admin/").content.decode()


def test_a_superuser_sees_and_deletes_a_device_but_never_its_key(client, intake_worker):
    superuser = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    device = TOTPDevice.objects.get(user=intake_worker)
    client.force_login(superuser)
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True)
    assert device.key not in config.content.decode()
    assert "otp_totp/admin/config.html" not in [t.name for t in config.templates]
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/admin/axes/accessattempt/").status_code == 200
