"""The default run, as a park runs it (issue 6 §7–§8, D23–D24), in a real browser.

The server is started the way ``make run`` starts it — migrate, seed_demo, collectstatic, then
``manage.py serve`` (gunicorn and the huey worker) — with nothing set in the environment: no
DEBUG, no SECRET_KEY, no ALLOWED_HOSTS. Then: DEBUG is off, an unknown URL is the product's 404
page, the main pages of several roles and the API documentation load with no Content-Security-
Policy violation, and stopping ``serve`` stops everything.
"""

import os
import re
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from parkflow.e2e.test_browser import (
    PageProblems,
    _free_port,
    _log_in,
    _manage,
    _start,
    _wait_until_up,
)

pytestmark = pytest.mark.e2e

PAGES = {
    "biz_a": ["/", "/enterprises/", "/enterprises/applications/", "/alerts/", "/org/contacts/"],
    "admin": [
        "/",
        "/rules/",
        "/org/people/",
        "/org/api-tokens/",
        "/calendar/",
        "/calendar/enter/",
        "/enterprises/import/",
        "/admin/",
        "/admin/org/user/",
        "/admin/core/auditevent/",
    ],
    "auditor": ["/audit/"],
    "ent_a": ["/portal/", "/portal/results/", "/org/api-tokens/"],
}


def _plain_env(workdir) -> dict:
    """The environment of a fresh clone: none of the settings a developer might have exported."""
    drop = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        "PARKFLOW_TESTING",
        "DJANGO_SETTINGS_MODULE",
        "HUEY_IMMEDIATE",
        "PARKFLOW_HTTPS",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        PARKFLOW_VAR_DIR=str(workdir / "var"),
        PARKFLOW_STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "files"),
        AXES_ENABLED="0",
        WEB_CONCURRENCY="2",
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def safe_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("safe-run")
    env = _plain_env(workdir)
    quiet = ["--verbosity", "0"]
    _manage(
        env,
        ["migrate", "--noinput", *quiet],
        ["seed_demo", *quiet],
        ["collectstatic", "--noinput", *quiet],
        timeout=600,
    )
    port = _free_port()
    log = workdir / "serve.log"
    proc = _start(env, log, "serve", "--port", str(port))
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/accounts/login/", proc, log, timeout=120)
        yield base_url, proc, log, workdir
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_the_default_run_serves_with_debug_off_and_the_products_404(safe_server):
    base_url, _proc, log, workdir = safe_server
    status, headers, html = _get(f"{base_url}/no-such-page/")
    assert status == 404
    assert "页面不存在" in html
    assert "URLconf" not in html and "Traceback" not in html
    assert "gunicorn" in log.read_text().lower()  # DEBUG off: gunicorn, not runserver
    assert "DEBUG 关闭" in log.read_text()
    assert (workdir / "var" / "secret_key").exists()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    # The page's stylesheet is served from the collected, hashed static files.
    css = re.search(r'href="(/static/parkflow/css/app\.[0-9a-f]{12}\.css)"', html)
    assert css, html[:500]
    assert _get(base_url + css.group(1))[0] == 200


@pytest.mark.parametrize("username", sorted(PAGES))
def test_the_main_pages_load_without_a_content_security_policy_violation(
    safe_server, browser, username
):
    base_url = safe_server[0]
    context = browser.new_context(base_url=base_url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems = PageProblems(page)
    violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text),
    )
    try:
        _log_in(page, username)
        for url in PAGES[username]:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            assert "页面不存在" not in page.title(), url
    finally:
        context.close()
    assert violations == []
    assert problems.items == []


def test_swagger_ui_runs_under_the_policy(safe_server, browser):
    context = browser.new_context(base_url=safe_server[0])
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and violations.append(msg.text),
    )
    try:
        page.goto("/api/docs/")
        page.wait_for_selector(".swagger-ui .info", timeout=30_000)
        assert "ParkFlow API" in page.inner_text(".swagger-ui .info")
    finally:
        context.close()
    assert violations == []


def test_stopping_serve_stops_the_web_server_and_the_worker(safe_server):
    base_url, proc, log, _workdir = safe_server
    children = _descendants(proc.pid)  # gunicorn master and workers, the huey worker
    assert children, log.read_text()[-2000:]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert "ParkFlow stopped." in log.read_text()
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or _is_zombie(pid), pid
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base_url + "/accounts/login/", timeout=3)  # noqa: S310


def _is_zombie(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _descendants(pid: int) -> list[str]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        parents.setdefault(fields[1], []).append(stat.parent.name)
    found, queue = [], [str(pid)]
    while queue:
        kids = parents.get(queue.pop(), [])
        found.extend(kids)
        queue.extend(kids)
    return found
