"""STORAGE_BACKEND: the disk by default, an S3-compatible store by setting, private either
way (checked in a real new process, as the settings are read at start-up)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_STORAGE = (
    "import django; django.setup();"
    'from django.core.files.storage import storages; s = storages["default"];'
    "print(type(s).__name__);"
    "print(s.bucket_name, s.endpoint_url, s.region_name, s.querystring_auth, s.default_acl,"
    " s.file_overwrite, sorted(s.object_parameters.items()))"
)


def django_with(script, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "samen.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_files_are_on_the_disk_by_default():
    result = django_with(
        "import django; django.setup();"
        'from django.core.files.storage import storages; s = storages["default"]; print(type(s).__name__)'
    )
    assert result.stdout.split() == ["FileSystemStorage"], result.stderr


def test_s3_is_private_and_encrypted_as_configured():
    result = django_with(
        SHOW_STORAGE,
        STORAGE_BACKEND="s3",
        S3_BUCKET="samen-dossiers",
        S3_ENDPOINT_URL="https://s3.example.nl",
        S3_REGION="nl-ams-1",
        S3_SERVER_SIDE_ENCRYPTION="aws:kms",
        S3_KMS_KEY_ID="key-1",
    )
    assert result.returncode == 0, result.stderr
    kind, options = result.stdout.strip().splitlines()
    assert kind == "S3Storage"
    # No signed URLs, no ACL (the bucket's private default), no overwriting another file.
    assert options == (
        "samen-dossiers https://s3.example.nl nl-ams-1 False None False "
        "[('SSEKMSKeyId', 'key-1'), ('ServerSideEncryption', 'aws:kms')]"
    )


def test_s3_without_a_bucket_or_an_unknown_backend_is_refused():
    result = django_with("import django; django.setup()", STORAGE_BACKEND="s3")
    assert result.returncode != 0
    assert "STORAGE_BACKEND=s3 needs S3_BUCKET" in result.stderr
    result = django_with("import django; django.setup()", STORAGE_BACKEND="ftp")
    assert "STORAGE_BACKEND must be filesystem or s3" in result.stderr
