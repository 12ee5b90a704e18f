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
