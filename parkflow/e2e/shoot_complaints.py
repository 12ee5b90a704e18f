"""Screenshots of the complaint pages, to look at them: the list, a major complaint's page, the
grading matrix, the dashboard (desktop) and the portal complaint page on a 390 px phone.

    .venv/bin/python -m parkflow.e2e.shoot_complaints [folder, default <tmp>/shots-cmp]

Starts its own server on a fresh SQLite database with the demo park, adds complaints through the
services (``SEED``), and drives Debian's Chromium through Playwright."""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkflow.settings")

from parkflow.e2e.test_browser import (  # noqa: E402 - after the settings are named
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    _free_port,
    _manage,
    _server_env,
    _start,
    _wait_until_up,
)

SEED = """
import datetime
from django.contrib.auth import get_user_model
from django.utils import timezone
from parkflow.core import access
from parkflow.enterprises.models import Enterprise
from parkflow.servicedesk import services_complaints as sc

User = get_user_model()
biz, head = User.objects.get(username="biz_a"), User.objects.get(username="lead")
portal = User.objects.get(username="ent_a")
own = Enterprise.objects.get(pk=access.enterprise_id_of(portal))
others = list(Enterprise.objects.filter(park=own.park).exclude(pk=own.pk)[:4])
now = timezone.now()

def record(enterprise, title, topic, hours, **values):
    values.setdefault("channel", "phone")
    return sc.complaint_record(
        actor=biz, enterprise=enterprise, topic=topic, title=title,
        text="企业反映：" + title + "，希望园区尽快处理并答复。", complainant="张经理",
        contact="13800000000", received_at=now - datetime.timedelta(hours=hours), **values)

a = record(others[0], "三号楼电梯多次困人", "property", 150)
record(others[0], "电梯维保响应慢", "property", 30)
b = record(others[1], "物业费重复扣款", "fees", 20, channel="email")
sc.complaint_take(actor=biz, complaint=b)
sc.complaint_transfer_offer(actor=biz, complaint=b, to_person=head, reason="涉及财务核对")
c = record(others[2], "夜间施工噪声扰民", "environment", 4, channel="hotline",
           hotline_ticket="SZ12345-20260001")
sc.complaint_take(actor=biz, complaint=c)
sc.complaint_respond(actor=biz, complaint=c, text="已联系施工方，夜间 22 点后停止施工。")
record(others[3], "停车位被长期占用", "traffic", 2, channel="visit", enterprises_affected=4)
major = record(others[1], "B 栋消防通道长期被占用", "safety", 3, channel="visit",
               safety=True, media_exposure=True)
sc.complaint_take(actor=biz, complaint=major)
plan = major.emergency_plan
sc.major_event_report(actor=biz, plan=plan, control_measures="现场清理通道，设置临时围挡。",
                      report_text="B 栋东侧消防通道被车辆长期占用，存在重大消防隐患，已现场处置。")
sc.plan_submit(actor=biz, plan=plan,
               plan_text="1. 设置禁停标识与隔离桩；2. 物业每日两次巡查；3. 对违停车辆告知并拖离。")
sc.complaint_note_add(actor=biz, complaint=major, text="投诉人应为李总（非张经理）。",
                      kind="correction")
mine = sc.complaint_record(actor=portal, enterprise=own, topic="network",
                           title="园区网络频繁中断", text="本周三次断网，每次超过 1 小时。")
sc.complaint_take(actor=biz, complaint=mine)
sc.complaint_note_add(actor=biz, complaint=mine, text="内部：联系运营商排查光缆。")
sc.complaint_respond(actor=biz, complaint=mine, text="已联系运营商，今日更换故障光模块。")
sc.complaint_resolve(actor=biz, complaint=mine, resolution="已更换光模块，连续 48 小时监测无中断。")
print(major.pk, mine.pk)
"""


def _shoot(base_url: str, folder: Path, major: int, mine: int) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

        def context(username, phone=False):
            viewport = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
            ctx = browser.new_context(
                base_url=base_url, locale="zh-CN", viewport=viewport, is_mobile=phone
            )
            tab = ctx.new_page()
            tab.on("pageerror", lambda exc: problems.append(f"{username}: {exc}"))
            tab.goto("/accounts/login/")
            tab.fill('input[name="username"]', username)
            tab.fill('input[name="password"]', PASSWORD)
            with tab.expect_navigation():
                tab.press('input[name="password"]', "Enter")
            return ctx, tab

        def shot(tab, path, name):
            tab.goto(path)
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            if tab.evaluate("document.documentElement.scrollWidth") > tab.viewport_size["width"]:
                problems.append(f"{name}: wider than the screen")

        ctx, desk = context("biz_a")
        shot(desk, "/servicedesk/complaints/", "complaint-list")
        shot(desk, f"/servicedesk/complaints/{major}/", "complaint-major")
        shot(desk, "/servicedesk/complaints/new/", "complaint-form")
        shot(desk, "/servicedesk/complaints/analysis/", "complaint-dashboard")
        ctx.close()
        ctx, admin = context("admin")
        shot(admin, "/servicedesk/complaints/grading/", "grading-matrix")
        ctx.close()
        ctx, phone = context("ent_a", phone=True)
        shot(phone, "/portal/complaints/", "portal-complaints-phone")
        shot(phone, f"/portal/complaints/{mine}/", "portal-complaint-phone")
        shot(phone, "/portal/complaints/new/", "portal-complaint-form-phone")
        ctx.close()
        browser.close()
    return problems


def main(folder: Path) -> None:
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="shots-cmp-"))
    env = _server_env(workdir)
    _manage(env, ["migrate", "--noinput"], ["seed_demo"], timeout=600)
    seeded = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", SEED],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    major, mine = (int(n) for n in seeded.stdout.split()[-2:])
    port = _free_port()
    log = workdir / "server.log"
    proc = _start(env, log, "runserver", "--noreload", f"127.0.0.1:{port}")
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/accounts/login/", proc, log)
        problems = _shoot(base_url, folder, major, mine)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print("\n".join(problems) or "no page errors", f"screenshots in {folder}", sep="\n")


if __name__ == "__main__":
    default = Path(tempfile.gettempdir()) / "shots-cmp"
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)
