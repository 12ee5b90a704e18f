"""Production settings pass Django's deployment checklist with no warnings (issue 2, set-up); the
default run is safe as a park runs it (issue 6 §8, D24)."""

import hashlib
import json
import os
import secrets
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

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


def _settings_of(tmp_path, *names, **env):
    """The named settings as a subprocess with this environment sees them."""
    code = (
        "import hashlib, json; from django.conf import settings as s; print(json.dumps({"
        + ", ".join(f"{n!r}: getattr(s, {n!r}, None)" for n in names if n != "SECRET_KEY")
        + ', "SECRET_KEY": hashlib.sha256(s.SECRET_KEY.encode()).hexdigest()}))'
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, MANAGE, "shell", "-c", code],
        env=_production_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_debug_is_off_and_a_secret_key_is_generated_once_and_kept(tmp_path):
    """make run on a fresh clone (issue 6 §8): nothing set in the environment."""
    plain = {"DEBUG": None, "SECRET_KEY": None, "ALLOWED_HOSTS": None}
    first = _settings_of(tmp_path, "DEBUG", "ALLOWED_HOSTS", **plain)
    assert first["DEBUG"] is False
    assert first["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    key_file = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50
    second = _settings_of(tmp_path, "DEBUG", **plain)
    assert second["SECRET_KEY"] == first["SECRET_KEY"]  # reused, so sessions survive a restart


def test_a_secret_key_from_the_environment_wins_and_no_file_is_written(tmp_path):
    key = secrets.token_urlsafe(64)
    seen = _settings_of(tmp_path, "DEBUG", SECRET_KEY=key)
    assert seen["SECRET_KEY"] == hashlib.sha256(key.encode()).hexdigest()
    assert not (tmp_path / "var" / "secret_key").exists()


def test_the_loopback_run_serves_plain_http_and_a_public_host_name_gets_https(tmp_path):
    local = _settings_of(
        tmp_path,
        "PARKFLOW_HTTPS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    assert local["PARKFLOW_HTTPS"] is False
    assert not local["SECURE_SSL_REDIRECT"] and not local["SESSION_COOKIE_SECURE"]
    public = _settings_of(
        tmp_path,
        "PARKFLOW_HTTPS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        ALLOWED_HOSTS="park.example",
    )
    assert public["PARKFLOW_HTTPS"] is True
    assert public["SECURE_SSL_REDIRECT"] and public["SESSION_COOKIE_SECURE"]
    assert public["SECURE_HSTS_SECONDS"] == 31536000
    forced = _settings_of(
        tmp_path, "PARKFLOW_HTTPS", ALLOWED_HOSTS="park.example", PARKFLOW_HTTPS="0"
    )
    assert forced["PARKFLOW_HTTPS"] is False


def test_generating_the_key_is_safe_when_several_processes_start_at_once(tmp_path):
    from parkflow.runtime import load_or_create_secret_key

    path = tmp_path / "var" / "secret_key"
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _n: load_or_create_secret_key(path), range(32)))
    assert len(keys) == 1
    assert keys == {path.read_text().strip()}
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary files left
