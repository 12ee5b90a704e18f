"""Browser journey of billing (issue 12) on the demo park: the finance officer runs park B's bills
of the month (the run page shows the result), finds the portal enterprise's overdue bill in the
list, records its payment through the confirming modal — sent twice, recorded once —; the
enterprise sees the bill settled and the payment on a 390 px phone."""

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


def test_r_bil_a_months_run_and_a_payment_recorded_once_seen_on_the_phone(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    context, desk = _context(browser, server)
    _log_in(desk, "finance")

    # 出账: park B's run of this month, started from its confirming modal.
    desk.goto("/billing/runs/")
    desk.locator("[data-step='start']").click()
    desk.wait_for_selector("#run-start.show")
    desk.select_option("#run-start select[name='park']", label="无锡科创园B区")
    with desk.expect_navigation():
        desk.locator("#run-start").get_by_role("button", name="确认出账").click()
    assert re.search(r"/billing/runs/\d+/$", desk.url), desk.url
    desk.wait_for_selector("#run-progress[data-status='done']")
    assert "出账完成" in desk.inner_text("#run-progress")
    desk.screenshot(path=str(screenshots / "billing-run-done.png"), full_page=True)

    # The portal enterprise's overdue property bill, paid in full through the modal.
    desk.goto("/billing/bills/?overdue_only=on&q=纳微光电")
    rows = desk.locator("[data-bill]")
    assert rows.count() >= 1 and "逾期" in desk.inner_text("#bill-table")
    desk.screenshot(path=str(screenshots / "billing-bills-overdue.png"), full_page=True)
    rows.first.locator("a").first.click()
    desk.wait_for_selector("#amounts")
    bill_url = re.search(r"/billing/bills/(\d+)/", desk.url)
    assert bill_url, desk.url
    desk.locator("[data-step='pay']").click()
    desk.wait_for_selector("#step-pay.show")
    desk.fill("#step-pay input[name='pay-reference']", "招商银行回单 E2E-0001")
    desk.screenshot(path=str(screenshots / "billing-pay-modal.png"))
    form = desk.locator("#step-pay form")
    # A double submit: the same form, sent twice before the page changes.
    with desk.expect_navigation():
        form.evaluate("f => { f.requestSubmit(); f.requestSubmit(); }")
    body = desk.inner_text("body")
    assert "已结清" in body or "该收款已登记" in body or "已登记收款" in body
    assert desk.locator("#payments [data-payment]").filter(has_text="E2E-0001").count() == 1
    assert desk.problems.items == []
    context.close()

    phone_context, phone = _context(browser, server, phone=True)
    _log_in(phone, "ent_a")
    phone.goto("/portal/bills/")
    assert "逾期" in phone.inner_text("#bills")
    phone.screenshot(path=str(screenshots / "portal-bills-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.goto(f"/portal/bills/{bill_url.group(1)}/")
    body = phone.inner_text("body")
    assert "已结清" in body and "E2E-0001" in body
    phone.screenshot(path=str(screenshots / "portal-bill-paid-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.problems.items == []
    phone_context.close()
