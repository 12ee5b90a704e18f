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
        # The agreement waiting for its confirmation (it also has its signed residency one).
        phone.locator(".list-group a", has_text="待您确认服务项").first.click()
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


def _desk(browser, server, username):  # noqa: F811
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    desk = context.new_page()
    desk.set_default_timeout(15_000)
    desk.problems = PageProblems(desk)
    _log_in(desk, username)
    return context, desk


def test_r_agr_4_staff_draft_submit_review_and_sign_an_agreement(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
):
    """The drafter (biz_a) drafts from the standard template and submits; legal approves on
    the review page; the drafter records the signature with the scan; the PDF downloads."""
    from django.utils import timezone

    from parkflow.enterprises.tests.factories import MINIMAL_PDF

    today = timezone.localdate().isoformat()
    drafter_context, desk = _desk(browser, server, "biz_a")
    desk.goto("/agreements/new/")
    enterprise = desk.locator(
        'select[name="enterprise"] option', has_text="苏州博恒医药科技有限公司"
    )
    desk.select_option('select[name="enterprise"]', enterprise.first.get_attribute("value"))
    template = desk.locator('select[name="template_version"] option', has_text="标准版")
    desk.select_option('select[name="template_version"]', template.first.get_attribute("value"))
    desk.fill('input[name="title"]', "浏览器测试入驻服务协议")
    desk.fill('input[name="start_date"]', today)
    desk.fill('input[name="end_date"]', f"{int(today[:4]) + 1}{today[4:]}")
    with desk.expect_navigation():
        desk.get_by_role("button", name="起草协议").last.click()
    agreement_url = desk.url
    assert "浏览器测试入驻服务协议" in desk.inner_text("body")
    assert "第一条" in desk.inner_text("body")
    desk.get_by_role("button", name="提交法律审查").first.click()
    with desk.expect_navigation():
        desk.locator(".modal.show").get_by_role("button", name="确认提交法律审查").click()
    assert "审查中" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "agreement-in-review.png"), full_page=True)
    assert desk.problems.items == []

    legal_context, legal = _desk(browser, server, "legal")
    legal.goto(agreement_url)
    with legal.expect_navigation():
        legal.locator("a[href*='/reviews/']").first.click()
    assert "第一条" in legal.inner_text("body")  # the reviewer reads the clauses on the page
    legal.locator("label", has_text="通过").first.click()
    legal.fill('textarea[name="opinion"]', "条款完整，同意签署。")
    with legal.expect_navigation():
        legal.get_by_role("button", name="提交审查结论").click()
    legal.screenshot(path=str(screenshots / "agreement-legal-review.png"), full_page=True)
    assert legal.problems.items == []
    legal_context.close()

    desk.goto(agreement_url)
    assert "待签署" in desk.inner_text("body")
    with desk.expect_navigation():
        desk.get_by_role("link", name="登记签署").first.click()
    desk.fill('input[name="signed_on"]', today)
    desk.fill('input[name="enterprise_signatory"]', "张博恒")
    desk.set_input_files(
        'input[name="scan"]',
        {"name": "协议签署件.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF},
    )
    with desk.expect_navigation():
        desk.get_by_role("button", name="确认登记签署").click()
    assert "已签署" in desk.inner_text("body")
    desk.screenshot(path=str(screenshots / "agreement-signed.png"), full_page=True)
    desk.get_by_role("button", name="下载").click()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="协议文本 PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert desk.problems.items == []
    drafter_context.close()
