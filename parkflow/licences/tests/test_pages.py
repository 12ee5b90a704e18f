"""The staff pages of licence readings (issue 13): the upload, the reading's progress polled
every second, the confirm form pre-filled from the licence beside the licence itself — the
uncertain credit code marked and demanding confirmation — the failed reading, the licence
file (scoped, audited for anyone but its uploader) and the ways in from the register's pages."""

import re

import pytest
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import Role
from parkflow.org.tests.factories import grant_also, staff

from .. import services
from ..models import LicenceReading
from .factories import (
    LICENCE_CODE,
    altered,
    confirm_form,
    licence_result,
    licence_upload,
    read,
    submitted,
    use_reader,
)

pytestmark = pytest.mark.django_db


def _page(client, reading, **extra):
    return client.get(reverse("licences:reading", args=[reading.token]), **extra)


# --- the upload ---------------------------------------------------------------------------------


def test_the_upload_page_takes_a_photo_or_a_pdf_and_says_what_it_accepts(client, clerk):
    client.force_login(clerk)
    html = client.get(reverse("licences:upload")).content.decode()
    assert 'accept="image/*,application/pdf"' in html
    assert 'capture="environment"' in html
    assert "data-licence-drop" in html and "licences/licences.js" in html
    assert "电子营业执照导出的 PDF" in html and "不超过 20 MB" in html
    # One park: nothing to choose.
    assert '<select name="park"' not in html


def test_someone_working_in_several_parks_chooses_the_park(client, clerk, other_park):
    grant_also(clerk, Role.BUSINESS_STAFF, other_park)
    client.force_login(clerk)
    html = client.get(reverse("licences:upload")).content.decode()
    assert '<select name="park"' in html


def test_uploading_goes_to_the_readings_page(client, clerk, park):
    client.force_login(clerk)
    response = client.post(reverse("licences:upload"), {"park": park.pk, "file": licence_upload()})
    reading = LicenceReading.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("licences:reading", args=[reading.token])


def test_a_refused_file_is_said_on_the_upload_form(client, clerk, park):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    response = client.post(
        reverse("licences:upload"),
        {"park": park.pk, "file": SimpleUploadedFile("营业执照.png", b"<html>nope</html>")},
    )
    assert response.status_code == 400
    assert "只接受 PDF、JPG、PNG" in response.content.decode()
    assert not LicenceReading.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_my_recent_readings_run_a_constant_number_of_queries(
    client, monkeypatch, clerk, park, rows, django_assert_max_num_queries
):
    for n in range(rows):
        if n % 3 == 0:
            reading = read(monkeypatch, clerk, park)
            if n % 2 == 0:
                services.enterprise_register_from_licence(
                    actor=clerk,
                    reading=reading,
                    **_values(park, n),
                )
        else:
            submitted(clerk, park)
    client.force_login(clerk)
    url = reverse("licences:upload")
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["recent"]) == min(rows, 8)


def _values(park, n):
    from parkflow.enterprises.tests.factories import make_credit_code

    from .factories import register_values

    return register_values(park, name=f"苏州云帆{n}号科技有限公司", credit_code=make_credit_code(n))


# --- progress -------------------------------------------------------------------------------------


def test_a_queued_reading_shows_its_progress_polled_every_second(client, clerk, park):
    reading = submitted(clerk, park)
    client.force_login(clerk)
    html = _page(client, reading).content.decode()
    assert 'id="reading-progress"' in html
    assert 'hx-trigger="every 1s"' in html
    assert f'hx-get="{reverse("licences:reading", args=[reading.token])}"' in html
    assert "排队等待识别" in html


def test_the_poll_shows_the_stage_the_worker_reports_and_reloads_when_done(
    client, monkeypatch, clerk, park
):
    reading = submitted(clerk, park)
    client.force_login(clerk)
    LicenceReading.objects.filter(pk=reading.pk).update(
        status="running", progress=40, stage="detect"
    )
    partial = _page(client, reading, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    assert 'value="40"' in html and "检测文字" in html
    assert re.search(r'<li class="done"[^>]*>读取文件', html)
    assert re.search(r'<li class="current"[^>]*>检测文字', html)

    LicenceReading.objects.filter(pk=reading.pk).update(status="queued", progress=0, stage="")
    use_reader(monkeypatch)
    services.reading_execute(reading_id=reading.pk)
    done = _page(client, reading, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


# --- the confirm form -----------------------------------------------------------------------------


def test_the_confirm_form_is_the_register_form_filled_from_the_licence(
    client, monkeypatch, clerk, park
):
    reading = read(
        monkeypatch,
        clerk,
        park,
        licence_result(legal_representative="王立新", representative_label="负责人"),
    )
    client.force_login(clerk)
    response = _page(client, reading)
    html = response.content.decode()
    form = response.context["form"]
    assert form["name"].value() == "苏州云帆智能科技有限公司"
    assert form["credit_code"].value() == LICENCE_CODE
    assert str(form["registered_capital"].value()) == "500"
    assert form["park"].value() == park.pk
    assert form["licence_long_term"].value() is True
    assert str(form["licence_valid_from"].value()) == "2019-03-12"
    assert html.count("识别自执照") >= 5  # four register fields + the licence's term
    assert "执照写作“负责人”" in html
    # The licence beside the form, served by the access-checked view.
    assert f'src="{reverse("licences:reading_file", args=[reading.token])}"' in html
    # The contacts are not on a licence: asked for.
    assert 'name="contact_phone"' in html
    # A sure code: no warning.
    assert 'id="credit-code-verify"' not in html


def test_the_unsure_characters_of_the_code_are_marked_and_a_confirmation_is_asked(
    client, monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park, licence_result(unsure=[3, 4, 9]))
    client.force_login(clerk)
    html = _page(client, reading).content.decode()
    code = LICENCE_CODE
    marked = (
        f'{code[:3]}<mark title="识别不确定">{code[3:5]}</mark>{code[5:9]}'
        f'<mark title="识别不确定">{code[9]}</mark>{code[10:]}'
    )
    assert marked in html
    assert 'id="credit-code-verify"' in html
    assert 'name="credit_code_confirmed"' in html
    assert "已对照执照原件核对统一社会信用代码" in html


def test_confirming_on_the_page_without_the_checkbox_is_refused_inline_then_accepted(
    client, monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park, licence_result(unsure=[6]))
    client.force_login(clerk)
    url = reverse("licences:reading", args=[reading.token])
    refused = client.post(url, confirm_form(park))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'id="id_credit_code_error"' in html and "第 7 位识别不确定" in html
    assert not Enterprise.objects.exists()

    accepted = client.post(url, confirm_form(park, credit_code_confirmed="on"))
    enterprise = Enterprise.objects.get()
    assert accepted.status_code == 302
    assert accepted["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    page = client.get(accepted["Location"]).content.decode()
    assert "已按营业执照建档" in page
    assert enterprise.documents.get().version == 1


def test_an_altered_code_is_marked_failing_its_check_digit_and_refused_on_the_page(
    client, monkeypatch, clerk, park
):
    misread = altered(LICENCE_CODE)
    reading = read(monkeypatch, clerk, park, licence_result(credit_code=misread))
    client.force_login(clerk)
    url = reverse("licences:reading", args=[reading.token])
    html = client.get(url).content.decode()
    assert "校验位不符" in html and 'id="credit-code-verify"' in html
    for data in (
        confirm_form(park, credit_code=misread),
        confirm_form(park, credit_code=misread, credit_code_confirmed="on"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "校验" in response.content.decode()
    assert not Enterprise.objects.exists()


def test_a_used_reading_shows_its_enterprise_and_refuses_a_second_registration(
    client, monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park)
    client.force_login(clerk)
    url = reverse("licences:reading", args=[reading.token])
    client.post(url, confirm_form(park))
    html = client.get(url).content.decode()
    assert 'id="reading-used"' in html and 'id="licence-confirm"' not in html
    from parkflow.enterprises.tests.factories import make_credit_code

    again = client.post(url, confirm_form(park, name="另一家公司", credit_code=make_credit_code(9)))
    assert again.status_code == 409
    assert "一次识别只能建档一次" in again.content.decode()
    assert Enterprise.objects.count() == 1


def test_a_colleague_sees_the_reading_but_no_form_to_register_from_it(
    client, monkeypatch, clerk, colleague, park
):
    reading = read(monkeypatch, clerk, park)
    client.force_login(colleague)
    response = _page(client, reading)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="licence-confirm"' not in html
    assert 'id="read-fields"' in html and LICENCE_CODE in html
    refused = client.post(reverse("licences:reading", args=[reading.token]), confirm_form(park))
    assert refused.status_code == 403
    assert not Enterprise.objects.exists()


def test_a_failed_reading_says_why_and_offers_typing_or_uploading_again(
    client, monkeypatch, clerk, park
):
    reading = read(monkeypatch, clerk, park, error=OSError("broken"))
    client.force_login(clerk)
    html = _page(client, reading).content.decode()
    assert 'id="reading-failed"' in html and "未能从该文件中识别出营业执照" in html
    assert f'href="{reverse("enterprises:create")}"' in html and "手工填写" in html
    assert f'href="{reverse("licences:upload")}"' in html and "重新上传" in html


# --- the licence file -------------------------------------------------------------------------------


def test_the_licence_file_is_shown_to_who_may_see_the_reading_and_audited_for_others(
    client, monkeypatch, clerk, colleague, park, other_park
):
    reading = read(monkeypatch, clerk, park)
    url = reverse("licences:reading_file", args=[reading.token])
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    b"".join(response.streaming_content)
    assert not AuditEvent.objects.filter(action="licence_reading.file_open").exists()

    client.force_login(colleague)
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.get(action="licence_reading.file_open").actor_id == colleague.pk

    client.force_login(staff(Role.BUSINESS_STAFF, other_park))
    assert client.get(url).status_code == 404


def test_a_pdf_licence_is_downloaded_not_shown_inline(client, clerk, park):
    from parkflow.enterprises.tests.factories import pdf_upload

    reading = services.reading_submit(
        actor=clerk, upload=pdf_upload("电子营业执照.pdf"), purpose="new_enterprise", park=park
    )
    client.force_login(clerk)
    response = client.get(reverse("licences:reading_file", args=[reading.token]))
    assert response["Content-Disposition"].startswith("attachment")


# --- the ways in from the register's pages ------------------------------------------------------


@pytest.mark.parametrize("page", ["enterprises:create", "enterprises:list"])
def test_the_registers_pages_offer_reading_a_licence_to_who_may(client, clerk, park, page):
    client.force_login(clerk)
    html = client.get(reverse(page)).content.decode()
    assert f'href="{reverse("licences:upload")}" data-page-action="licences:upload"' in html
    assert "上传营业执照自动识别" in html

    client.force_login(staff(Role.AUDITOR, park))
    if page == "enterprises:list":
        assert "上传营业执照自动识别" not in client.get(reverse(page)).content.decode()


def test_the_sidebar_has_the_entry_for_who_may(client, clerk, park):
    client.force_login(clerk)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert "识别营业执照建档" in html
    client.force_login(staff(Role.AUDITOR, park))
    assert "识别营业执照建档" not in client.get(reverse("enterprises:list")).content.decode()
