"""Production settings pass Django's deployment checklist with no warnings (issue 2, set-up)."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

MANAGE = str(settings.BASE_DIR / "manage.py")


def _production_env(tmp_path, **overrides):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "PARKFLOW_TESTING"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="park.example",
        SQLITE_PATH=str(tmp_path / "deploy.sqlite3"),
        PARKFLOW_VAR_DIR=str(tmp_path / "var"),
        PARKFLOW_AUDIT_DIGEST_KEY=secrets.token_urlsafe(48),
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def test_check_deploy_passes_with_production_settings_and_no_warnings(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "WARNING" not in output.upper().replace("--FAIL-LEVEL WARNING", "")


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "check"],
        env=_production_env(tmp_path, SECRET_KEY=None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
