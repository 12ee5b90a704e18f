"""Browser journeys of resource allocation (issue 10) on the demo park: an enterprise books a
meeting room within its entitlement on a phone in a few taps; staff request an office unit for an
enterprise, the risk officer approves it on the review page and the calendar shows it."""

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


def test_r_res_2_the_enterprise_books_a_meeting_room_on_a_phone_within_its_entitlement(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, phone = _context(browser, server, phone=True)
    _log_in(phone, "ent_a")
    phone.goto("/portal/resources/book/")
    body = phone.inner_text("body")
    assert "本月已用" in body and "权益" in body
    phone.screenshot(path=str(screenshots / "portal-resource-book-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.locator("a.slot").nth(2).click()
    phone.wait_for_selector("#confirm-booking")
    phone.fill("#booking-purpose", "产品评审会")
    with phone.expect_navigation():
        phone.locator("#confirm-booking").get_by_role("button", name="确认预订").click()
    body = phone.inner_text("body")
    assert "已分配" in body or "预订成功" in body, body[:500]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto("/portal/resources/")
    assert "产品评审会" in phone.inner_text("body")
    phone.screenshot(path=str(screenshots / "portal-resources-phone.png"), full_page=True)
    assert phone.problems.items == []
    context.close()


def test_r_res_3_staff_request_a_unit_and_the_risk_officer_approves_it(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    import datetime

    from django.utils import timezone

    context, desk = _context(browser, server)
    _log_in(desk, "biz_a")
    desk.goto("/resources/requests/new/")
    enterprise = desk.locator(
        'select[name="enterprise"] option', has_text="苏州博恒医药科技有限公司"
    )
    desk.select_option('select[name="enterprise"]', enterprise.first.get_attribute("value"))
    options = desk.locator('select[name="resource"] option', has_text="A栋")
    desk.select_option('select[name="resource"]', options.last.get_attribute("value"))
    start = timezone.localdate() + datetime.timedelta(days=40)
    end = start + datetime.timedelta(days=30)
    desk.fill('input[name="starts_at"]', f"{start.isoformat()}T09:00")
    desk.fill('input[name="ends_at"]', f"{end.isoformat()}T09:00")
    desk.fill('input[name="purpose"]', "浏览器测试临时办公")
    desk.fill('textarea[name="justification"]', "新增研发团队，临时办公需要")
    with desk.expect_navigation():
        desk.locator("form").get_by_role("button", name="提交申请").click()
    request_url = desk.url
    assert "审查中" in desk.inner_text("body"), desk.inner_text("body")[:800]
    assert desk.problems.items == []
    context.close()

    context, risk = _context(browser, server)
    _log_in(risk, "risk")
    risk.goto(request_url)
    with risk.expect_navigation():
        risk.locator("a[href*='/reviews/']").first.click()
    risk.locator("label", has_text="通过").first.click()
    risk.fill('textarea[name="opinion"]', "用途合理，同意分配。")
    with risk.expect_navigation():
        risk.get_by_role("button", name="提交审查结论").click()
    risk.goto(request_url)
    assert "已分配" in risk.inner_text("body")
    risk.screenshot(path=str(screenshots / "resource-request-allocated.png"), full_page=True)
    risk.goto(f"/resources/calendar/?date={start.isoformat()}&view=month")
    risk.screenshot(path=str(screenshots / "resource-calendar.png"), full_page=True)
    assert risk.problems.items == []
    context.close()
