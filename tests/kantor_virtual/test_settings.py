import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from kantor_virtual.settings import email_settings

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    production = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "HTTPS", "OTP_REQUIRED", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    production.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=production, capture_output=True, text=True
    )


def test_production_mode_passes_the_deployment_checklist_without_warnings():
    result = _manage(
        "check", "--deploy", SECRET_KEY=secrets.token_urlsafe(60), ALLOWED_HOSTS="kantor.example.go.id"
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = _manage("check")

    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


def test_a_boolean_setting_that_is_not_true_or_false_stops_startup():
    result = _manage("check", DEBUG="yes")

    assert result.returncode != 0
    assert "DEBUG harus 'true' atau 'false'" in result.stderr


@pytest.mark.parametrize(("debug", "backend"), [("true", "DummyCache"), ("false", "RedisCache")])
def test_rendered_fragments_are_kept_only_outside_debug(debug, backend):
    """With DEBUG an edited template shows at once: no fragment of its old markup is kept."""
    shown = "from django.core.cache import caches; print(type(caches['template_fragments']).__name__)"
    result = _manage("shell", "-c", shown, DEBUG=debug, SECRET_KEY=secrets.token_urlsafe(60))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == backend


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp+tls://surat%40prov.go.id:rahasia@mail.prov.go.id",
            {
                "EMAIL_HOST": "mail.prov.go.id",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "surat@prov.go.id",
                "EMAIL_USE_TLS": True,
            },
        ),
        (
            "file:///var/mail/kantor",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": "/var/mail/kantor",
            },
        ),
        ("locmem://", {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}),
    ],
)
def test_email_url_selects_the_backend(url, expected):
    settings = email_settings(url)
    assert {key: settings[key] for key in expected} == expected
