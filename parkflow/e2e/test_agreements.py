"""Browser journeys of the agreements (issue 9) on the demo park: the enterprise confirms, on a
phone, the service it asked for; staff draft, submit, review and sign an agreement."""

import pytest

from parkflow.e2e.test_browser import PageProblems, _log_in, page, screenshots, server  # noqa: F401

pytestmark = pytest.mark.e2e


def _phone(browser, server):  # noqa: F811
    context = browser.new_context(
        base_url=server,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    phone.problems = PageProblems(phone)
    return context, phone


def test_r_agr_3_the_enterprise_confirms_on_a_phone_the_service_it_asked_for(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, phone = _phone(browser, server)
    _log_in(phone, "ent_a")
    phone.goto("/portal/agreements/")
    assert "待您确认服务项" in phone.inner_text("body")
    with phone.expect_navigation():
        phone.locator(".list-group a").first.click()
    assert "第三条" in phone.inner_text("body")
    phone.get_by_role("button", name="确认申请").first.click()
    phone.wait_for_selector(".modal.show")
    phone.screenshot(path=str(screenshots / "portal-agreement-confirm-phone.png"))
    with phone.expect_navigation():
        phone.locator(".modal.show").get_by_role("button", name="确认申请").click()
    body = phone.inner_text("body")
    assert "已确认申请“会议室预订”服务" in body and "已确认" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(screenshots / "portal-agreement-phone.png"), full_page=True)
    assert phone.problems.items == []
    context.close()
