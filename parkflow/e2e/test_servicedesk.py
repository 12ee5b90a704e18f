"""Browser journeys of the service desk (issue 11) on the demo park: an enterprise files a repair
with a photo from a phone; the front office takes it (首问负责制) and resolves it; the enterprise
confirms and rates it on the phone."""

import io
import re

import pytest

from parkflow.e2e.test_browser import PageProblems, _log_in, page, screenshots, server  # noqa: F401

pytestmark = pytest.mark.e2e


def _context(browser, server, *, phone=False):  # noqa: F811
    viewport = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport=viewport, is_mobile=phone, has_touch=phone
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.problems = PageProblems(tab)
    return context, tab


def _photo() -> dict:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, format="JPEG")
    return {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def _confirm(tab, modal: str, button: str) -> None:
    tab.locator(f"[data-bs-target='#{modal}']").first.click()
    tab.wait_for_selector(f"#{modal}.show")
    with tab.expect_navigation():
        tab.locator(f"#{modal}").get_by_role("button", name=button).click()


def test_r_svc_1_a_repair_filed_on_a_phone_is_taken_resolved_and_rated(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, phone = _context(browser, server, phone=True)
    _log_in(phone, "ent_a")
    phone.goto("/portal/servicedesk/new/")
    phone.locator("#request-form label", has_text="报修").first.click()
    phone.fill('input[name="title"]', "卫生间天花板漏水")
    phone.fill('textarea[name="description"]', "二楼卫生间天花板漏水，已用桶接水，请尽快处理。")
    phone.set_input_files('input[name="photos"]', [_photo()])
    phone.screenshot(path=str(screenshots / "portal-servicedesk-new-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.locator("#request-form").get_by_role("button", name="提交").click()
    match = re.search(r"/portal/servicedesk/(\d+)/", phone.url)
    assert match, phone.url
    pk = match.group(1)
    body = phone.inner_text("body")
    assert "待受理" in body and "卫生间天花板漏水" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.problems.items == []

    context_desk, desk = _context(browser, server)
    _log_in(desk, "biz_a")
    desk.goto("/servicedesk/requests/")
    assert "卫生间天花板漏水" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "servicedesk-requests.png"), full_page=True)
    desk.goto(f"/servicedesk/requests/{pk}/")
    _confirm(desk, "take-modal", "确认受理")
    assert "处理中" in desk.inner_text("body")
    desk.locator("[data-bs-target='#resolve-modal']").first.click()
    desk.wait_for_selector("#resolve-modal.show")
    desk.fill('#resolve-modal textarea[name="resolution"]', "已更换渗漏水管并做防水处理。")
    with desk.expect_navigation():
        desk.locator("#resolve-modal").get_by_role("button", name="确认办结").click()
    assert "待企业确认" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "servicedesk-request-resolved.png"), full_page=True)
    assert desk.problems.items == []
    context_desk.close()

    phone.goto(f"/portal/servicedesk/{pk}/")
    assert "已更换渗漏水管" in phone.inner_text("body")
    phone.locator("#confirm label", has_text="5").first.click()
    phone.fill('#confirm textarea[name="comment"], #confirm input[name="comment"]', "处理及时")
    with phone.expect_navigation():
        phone.locator("#confirm").get_by_role("button", name="确认并评价").click()
    assert "已关闭" in phone.inner_text("body")
    phone.screenshot(path=str(screenshots / "portal-servicedesk-closed-phone.png"), full_page=True)
    assert phone.problems.items == []
    context.close()


def _step(tab, name: str, fields: dict | None = None) -> None:
    """Open a step of the complaint's page, fill its form and confirm it in the modal."""
    tab.locator(f"[data-step='{name}']").first.click()
    modal = tab.locator(f"#step-{name}")
    tab.wait_for_selector(f"#step-{name}.show")
    for selector, value in (fields or {}).items():
        modal.locator(selector).fill(value)
    with tab.expect_navigation():
        modal.locator("button[type=submit]").click()


def test_r_cmp_1_a_complaint_filed_on_a_phone_is_answered_resolved_and_confirmed(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, phone = _context(browser, server, phone=True)
    _log_in(phone, "ent_a")
    phone.goto("/portal/complaints/new/")
    phone.select_option('select[name="topic"]', "environment")
    phone.fill('input[name="title"]', "夜间施工噪声扰民")
    phone.fill('textarea[name="text"]', "隔壁楼栋连续三晚 22 点后施工，影响员工加班休息。")
    with phone.expect_navigation():
        phone.locator("#complaint-form").get_by_role("button", name="提交投诉").click()
    match = re.search(r"/portal/complaints/(\d+)/", phone.url)
    assert match, phone.url
    pk = match.group(1)
    assert "待受理" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.problems.items == []

    context_desk, desk = _context(browser, server)
    _log_in(desk, "biz_a")
    desk.goto("/servicedesk/complaints/")
    assert "夜间施工噪声扰民" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "servicedesk-complaints.png"), full_page=True)
    desk.goto(f"/servicedesk/complaints/{pk}/")
    _step(desk, "take")
    _step(desk, "respond", {'textarea[name="respond-text"]': "已联系施工方，22 点后停止施工。"})
    assert "首次答复" in desk.inner_text("body") or "已联系施工方" in desk.inner_text("body")
    _step(
        desk,
        "resolve",
        {'textarea[name="resolve-resolution"]': "施工方已调整作业时间，并向企业致歉。"},
    )
    assert "待企业确认" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "servicedesk-complaint-resolved.png"), full_page=True)
    desk.goto("/servicedesk/complaints/analysis/")
    desk.screenshot(path=str(screenshots / "servicedesk-complaint-analysis.png"), full_page=True)
    assert desk.problems.items == []
    context_desk.close()

    phone.goto(f"/portal/complaints/{pk}/")
    body = phone.inner_text("body")
    assert "已联系施工方" in body and "施工方已调整作业时间" in body
    phone.locator("[data-bs-target='#confirm-modal']").click()
    phone.wait_for_selector("#confirm-modal.show")
    phone.locator("#confirm-modal label", has_text="5").first.click()
    with phone.expect_navigation():
        phone.locator("#confirm-modal").get_by_role("button", name="确认办结").click()
    assert "已办结" in phone.inner_text("body")
    phone.screenshot(path=str(screenshots / "portal-complaint-closed-phone.png"), full_page=True)
    assert phone.problems.items == []
    context.close()


def test_r_cmp_5_the_leaders_see_the_major_complaints_plan_waiting_for_their_review(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, leader = _context(browser, server)
    _log_in(leader, "principal")
    leader.goto("/servicedesk/complaints/?grade=major")
    leader.screenshot(path=str(screenshots / "servicedesk-major-complaints.png"), full_page=True)
    rows = leader.locator("#complaint-table a.cell-main")
    assert rows.count() >= 2
    for index in range(rows.count()):
        rows = leader.locator("#complaint-table a.cell-main")
        href = rows.nth(index).get_attribute("href")
        leader.goto(href)
        if "方案待领导小组审查" in leader.inner_text("body"):
            break
    body = leader.inner_text("body")
    assert "应急预案" in body and "方案待领导小组审查" in body
    assert leader.locator("[data-step='carry_out']").count() == 0  # not before the review
    leader.screenshot(path=str(screenshots / "servicedesk-major-complaint.png"), full_page=True)
    assert leader.problems.items == []
    context.close()
