"""Browser tests (make e2e): a real server, the demo park, Debian's Chromium driven by Playwright.

The server runs in a subprocess against a throw-away SQLite database (migrate + seed_demo), not
through pytest-django's live_server: audit events cannot be deleted, so a database flush between
tests would fail by design. The browser is /usr/bin/chromium; Playwright never downloads one.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "Demo@2026"  # noqa: S105 - the published demo password
MANAGE = str(settings.BASE_DIR / "manage.py")


def _require_chromium():
    if Path(CHROMIUM).exists():
        return
    reason = (
        f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's Chromium"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(workdir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "PARKFLOW_TESTING",
            "SECRET_KEY",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(
        DEBUG="1",
        SQLITE_PATH=str(workdir / "e2e.sqlite3"),
        PARKFLOW_VAR_DIR=str(workdir / "var"),
        MEDIA_ROOT=str(workdir / "files"),
        HUEY_IMMEDIATE="1",
        AXES_ENABLED="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict, *commands: list, timeout: float) -> None:
    """Run ``manage.py`` commands one after the other, as ``make`` does before it serves."""
    for command in commands:
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, *command],
            env=env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )


def _start(env: dict, log: Path, *command: str) -> subprocess.Popen:
    """``manage.py <command>`` in the background, its output in ``log``."""
    with log.open("w") as log_file:
        return subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, *command], env=env, stdout=log_file, stderr=subprocess.STDOUT
        )


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"server did not answer {url} within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_chromium()
    workdir = tmp_path_factory.mktemp("e2e-server")
    env = _server_env(workdir)
    _manage(env, ["migrate", "--noinput"], ["seed_demo"], timeout=300)
    port = _free_port()
    log = workdir / "server.log"
    proc = _start(env, log, "runserver", "--noreload", f"127.0.0.1:{port}")
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/accounts/login/", proc, log)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def screenshots(tmp_path_factory):
    folder = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class PageProblems:
    """Console errors, uncaught exceptions, failed requests and 4xx/5xx responses of one page."""

    def __init__(self, page):
        self.items: list[str] = []
        page.on(
            "console", lambda msg: msg.type == "error" and self.items.append(f"console: {msg.text}")
        )
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        # A request the browser cancelled because the page was left (the sidebar badges poll
        # after the page loads) is not a failure; any other failed request is.
        page.on(
            "requestfailed",
            lambda req: (
                "ERR_ABORTED" not in (req.failure or "")
                and self.items.append(f"request failed: {req.url} {req.failure}")
            ),
        )
        page.on(
            "response",
            lambda resp: (
                resp.status >= 400 and self.items.append(f"HTTP {resp.status}: {resp.url}")
            ),
        )


@pytest.fixture
def page(browser, server):
    # Chinese is the default language (R-PLT-4): the browser asks for it like a park user's would.
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = PageProblems(page)
    yield page
    context.close()


def _log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    with page.expect_navigation():
        page.press('input[name="password"]', "Enter")
    assert "/accounts/login/" not in page.url, f"{username} could not log in: {page.url}"


def test_staff_user_logs_in_and_sees_the_workbench(page, screenshots):
    _log_in(page, "biz_a")
    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert page.get_by_text("我的待办").first.is_visible()
    body = page.inner_text("body")
    assert "王磊" in body or "biz_a" in body
    page.screenshot(path=str(screenshots / "workbench-biz_a.png"), full_page=True)
    assert page.problems.items == []


def test_enterprise_user_logs_in_and_sees_only_its_own_enterprise_in_the_portal(page, screenshots):
    _log_in(page, "ent_a")
    page.goto("/portal/")
    page.wait_for_load_state("networkidle")

    body = page.inner_text("body")
    assert "苏州纳微光电科技有限公司" in body
    assert "无锡芯源微电子有限公司" not in body and "苏州博恒医药科技有限公司" not in body
    page.screenshot(path=str(screenshots / "portal-ent_a.png"), full_page=True)
    assert page.problems.items == []


def test_login_page_renders_without_errors(page, screenshots):
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")

    assert page.locator('input[name="password"]').is_visible()
    page.screenshot(path=str(screenshots / "login.png"), full_page=True)
    assert page.problems.items == []


def test_an_enterprise_applies_on_a_phone_and_staff_can_re_run_its_reviewer_draw(
    browser, server, screenshots
):
    """Issue 3 end to end: apply in the portal on a phone, upload the licence, submit; the
    reviewers are drawn at random and anyone on the staff side can re-run the draw."""
    from parkflow.enterprises.tests.factories import MINIMAL_PDF, make_credit_code

    name = "苏州星澜光电科技有限公司"
    phone = browser.new_context(
        base_url=server,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = phone.new_page()
    page.set_default_timeout(15_000)
    problems = PageProblems(page)
    page.goto("/accounts/login/")
    page.get_by_text("企业申请入驻").first.click()
    page.wait_for_url("**/portal/apply/")
    page.select_option('select[name="park"]', label="苏州工业园A区")
    page.fill('input[name="name"]', name)
    page.fill('input[name="credit_code"]', make_credit_code(20261127))
    page.fill('input[name="legal_representative"]', "沈澜")
    page.fill('input[name="registered_capital"]', "600")
    page.select_option('select[name="industry"]', "it")
    page.fill('input[name="contact_name"]', "沈澜")
    page.fill('input[name="contact_phone"]', "13962220000")
    page.fill('input[name="username"]', "xinglan_e2e")
    page.fill('input[name="email"]', "apply@xinglan.example")
    page.fill('input[name="password"]', "Xinglan@2026park")
    page.fill('input[name="password_confirm"]', "Xinglan@2026park")
    with page.expect_navigation():
        page.get_by_role("button", name="提交入驻申请").click()
    assert "/portal/" in page.url
    assert name in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.select_option('select[name="doc_type"]', "business_licence")
    page.set_input_files(
        'input[name="file"]',
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF},
    )
    page.fill('input[name="valid_from"]', "2024-01-01")
    page.fill('input[name="valid_until"]', "2034-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="上传").click()
    page.get_by_role("button", name="提交资质审核").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认提交").click()
    assert "审核中" in page.inner_text("body")
    page.screenshot(path=str(screenshots / "portal-applied-phone.png"), full_page=True)
    assert problems.items == []
    phone.close()

    desk = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    staff_page = desk.new_page()
    staff_page.set_default_timeout(15_000)
    staff_problems = PageProblems(staff_page)
    _log_in(staff_page, "office")
    staff_page.goto("/enterprises/applications/")
    with staff_page.expect_navigation():
        staff_page.get_by_role("link", name=name).first.click()
    staff_page.get_by_role("button", name="复现抽取结果").first.click()
    staff_page.wait_for_selector('[data-rerun="match"]')
    staff_page.screenshot(path=str(screenshots / "draw-rerun.png"), full_page=True)
    assert staff_problems.items == []
    desk.close()
