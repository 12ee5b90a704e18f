"""Browser journeys of licence-first intake (issue 13) on the demo park, with the REAL offline
reader: staff upload a licence photo from the enterprise list, the form fills, they confirm, the
enterprise and its licence document exist; an applicant does the same on a phone in the portal.

The e2e server runs huey in immediate mode (``HUEY_IMMEDIATE=1``): the reading runs when the upload
commits, inside the upload request (a few seconds), so the reading is finished — or the progress
page polls it to the end — by the time the browser follows the redirect."""

import pytest

from parkflow.e2e.test_browser import PageProblems, _log_in, page, screenshots, server  # noqa: F401

pytestmark = pytest.mark.e2e

READ_TIMEOUT = 90_000  # the real OCR on two loaded cores


def _licence_photo(tmp_path, seed: int):
    """A light-degraded photo of a generated company licence, written to a file to upload."""
    from parkflow.licences import testset

    sample = next(s for s in testset.samples(20, seed=seed) if s.kind == "company")
    data = testset.render_licence(
        sample, degrade=testset.Degradation.preset("light", seed), seed=seed
    )
    suffix = ".jpg" if data[:3] == b"\xff\xd8\xff" else ".png"
    path = tmp_path / f"营业执照-{seed}{suffix}"
    path.write_bytes(data)
    return sample, path


def _tick_if_shown(tab):
    box = tab.locator('input[name="credit_code_confirmed"]')
    if box.count() and box.first.is_visible():
        box.first.check()


def test_staff_upload_a_licence_photo_the_form_fills_and_the_enterprise_and_licence_exist(
    page,  # noqa: F811
    screenshots,  # noqa: F811
    tmp_path,
):
    sample, photo = _licence_photo(tmp_path, seed=41)
    _log_in(page, "biz_a")
    page.goto("/enterprises/")
    with page.expect_navigation():
        page.get_by_role("link", name="上传营业执照自动识别").first.click()
    page.set_input_files("#id_file", str(photo))
    page.screenshot(path=str(screenshots / "licence-staff-upload.png"), full_page=True)
    with page.expect_navigation(timeout=READ_TIMEOUT):
        page.get_by_role("button", name="上传并识别").click()
    page.wait_for_selector("#licence-confirm", timeout=READ_TIMEOUT)
    assert page.input_value('input[name="name"]') == sample.name
    assert page.input_value('input[name="credit_code"]') == sample.credit_code
    assert "识别自执照" in page.inner_text("#licence-confirm")
    page.select_option('select[name="industry"]', "it")
    page.fill('input[name="contact_name"]', "陈静")
    page.fill('input[name="contact_phone"]', "13912345678")
    _tick_if_shown(page)
    page.screenshot(path=str(screenshots / "licence-staff-confirm.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="核对无误，确认建档").click()
    assert "/enterprises/" in page.url and "/licences/" not in page.url, page.url
    body = page.inner_text("body")
    assert sample.name in body
    assert "已按营业执照建档" in body
    documents = page.inner_text("#documents")
    assert "营业执照" in documents and "v1" in documents, documents
    page.screenshot(path=str(screenshots / "licence-staff-enterprise.png"), full_page=True)
    assert page.problems.items == []


def test_an_applicant_on_a_phone_reads_the_licence_and_applies_in_one_go(
    browser,
    server,  # noqa: F811
    screenshots,  # noqa: F811
    tmp_path,
):
    sample, photo = _licence_photo(tmp_path, seed=43)
    phone = browser.new_context(
        base_url=server,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    tab = phone.new_page()
    tab.set_default_timeout(15_000)
    problems = PageProblems(tab)
    tab.goto("/portal/apply/")
    assert tab.get_by_text("上传营业执照自动识别").first.is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    tab.screenshot(path=str(screenshots / "licence-portal-apply-phone.png"), full_page=True)
    # One tap: choosing the photo sends it (the page's script submits the form).
    with tab.expect_navigation(timeout=READ_TIMEOUT):
        tab.set_input_files("#id_licence_file", str(photo))
    tab.wait_for_url("**/portal/apply/?reading=*", timeout=READ_TIMEOUT)
    tab.wait_for_selector("#licence-read", timeout=READ_TIMEOUT)
    assert tab.input_value('input[name="name"]') == sample.name
    assert tab.input_value('input[name="credit_code"]') == sample.credit_code
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    tab.screenshot(path=str(screenshots / "licence-portal-prefilled-phone.png"), full_page=True)

    tab.select_option('select[name="park"]', label="苏州工业园A区")
    tab.select_option('select[name="industry"]', "it")
    tab.fill('input[name="contact_name"]', "陈静")
    tab.fill('input[name="contact_phone"]', "13962221111")
    tab.fill('input[name="username"]', "licence_e2e")
    tab.fill('input[name="password"]', "Licence@2026park")
    tab.fill('input[name="password_confirm"]', "Licence@2026park")
    _tick_if_shown(tab)
    with tab.expect_navigation():
        tab.get_by_role("button", name="提交入驻申请").click()
    assert "/portal/" in tab.url and "/apply/" not in tab.url, tab.url
    body = tab.inner_text("body")
    assert sample.name in body
    documents = tab.inner_text("#documents")
    assert "营业执照" in documents and "v1" in documents
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    tab.screenshot(path=str(screenshots / "licence-portal-home-phone.png"), full_page=True)
    assert problems.items == []
    phone.close()
