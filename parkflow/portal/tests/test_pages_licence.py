"""上传营业执照自动识别 on the public apply page (issue 13, R-PLT-3, R-ENT-1, R-ENT-2): the applicant
photographs the licence, follows its reading, gets the apply form pre-filled, and one submission
registers the portal account, the application and the licence document version 1 — or nothing.
The reading is the uploading session's alone. The reader is a fake (``use_reader``); under pytest
huey runs the reading inline when the upload commits."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.intake.models import QualificationDocument
from parkflow.licences.models import LicenceReading
from parkflow.licences.tests.factories import (
    LICENCE_CODE,
    LICENCE_NAME,
    altered,
    licence_result,
    licence_upload,
    use_reader,
)
from parkflow.org.models import User

pytestmark = pytest.mark.django_db


def account_values(park, **overrides):
    """What the applicant adds to the pre-filled form (the licence's fields kept as read)."""
    return {
        "park": park.pk,
        "name": LICENCE_NAME,
        "credit_code": LICENCE_CODE,
        "legal_representative": "王立新",
        "registered_capital": "500",
        "company_type": "有限责任公司(自然人投资或控股)",
        "established_on": "2019-03-12",
        "registered_address": "苏州工业园区星湖街328号",
        "business_scope": "软件开发；信息技术咨询服务",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        "contact_email": "",
        "address": "",
        "username": "yunfan",
        "password": "Yunfan@2026park",
        "password_confirm": "Yunfan@2026park",
        "email": "apply@yunfan.example",
        "licence_valid_from": "2019-03-12",
        "licence_valid_until": "",
        "licence_long_term": "on",
        **overrides,
    }


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """The applicant uploads a licence photo: the (fake) reader reads it as the upload commits
    (huey is immediate under pytest: the task runs in the on-commit callback)."""

    def send(client) -> LicenceReading:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("portal:apply_licence_upload"), {"file": licence_upload()}
            )
        reading = LicenceReading.objects.order_by("-id").first()
        assert response.status_code == 302, response.content.decode()[:500]
        assert response["Location"] == reverse("portal:apply_licence", args=[reading.token])
        return reading

    return send


def apply_url(reading) -> str:
    return f"{reverse('portal:apply')}?reading={reading.token}"


def nothing_registered(reading):
    reading.refresh_from_db()
    assert reading.used_at is None
    assert not User.objects.filter(username="yunfan").exists()
    assert not Enterprise.objects.exists()
    assert not PortalAccount.objects.exists()
    assert not QualificationDocument.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["licence_reading.apply", "enterprise.create", "document.upload"]
    ).exists()


# ---------------------------------------------------------------------------------------------
# The way through


def test_the_apply_page_offers_licence_reading_with_one_tap_on_a_phone(client, park):
    html = client.get(reverse("portal:apply")).content.decode()
    assert "上传营业执照自动识别" in html
    assert reverse("portal:apply_licence_upload") in html
    assert 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html


def test_an_upload_is_read_for_this_session_and_its_page_shows_the_progress_then_the_form(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch)
    reading = upload(client)
    reading.refresh_from_db()
    assert reading.purpose == "application" and reading.status == "done"
    assert reading.owner_key and reading.owner_key != client.session.session_key  # hashed

    # Finished: the progress page sends the browser to the pre-filled form (HTMX or not).
    progress = reverse("portal:apply_licence", args=[reading.token])
    assert client.get(progress)["Location"] == apply_url(reading)
    assert client.get(progress, headers={"HX-Request": "true"})["HX-Redirect"] == apply_url(reading)
    # While it is read: the progress card with its stage, polled.
    LicenceReading.objects.filter(pk=reading.pk).update(
        status="running", progress=35, stage="detect"
    )
    html = client.get(progress).content.decode()
    assert "检测文字" in html and "35%" in html and 'hx-trigger="every 1s"' in html
    partial = client.get(progress, headers={"HX-Request": "true"}).content.decode()
    assert 'id="licence-progress"' in partial and "<html" not in partial
    # A finished reading goes from the pre-filled page back to its progress while unfinished.
    assert client.get(apply_url(reading))["Location"] == progress


def test_the_apply_page_is_pre_filled_from_the_reading_with_each_field_marked(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch)
    reading = upload(client)
    response = client.get(apply_url(reading))
    html = response.content.decode()
    form = response.context["form"]
    assert form.initial["name"] == LICENCE_NAME
    assert form.initial["credit_code"] == LICENCE_CODE
    assert form.initial["legal_representative"] == "王立新"
    assert form.initial["licence_long_term"] is True
    assert html.count("识别自执照") >= 8  # the licence's fields and 营业期限
    assert f'value="{LICENCE_NAME}"' in html
    # A code read with confidence and a valid check digit asks for nothing.
    assert 'id="credit-code-verify"' not in html
    assert "<mark" not in html


def test_submitting_the_pre_filled_form_registers_account_application_and_licence_at_once(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch)
    reading = upload(client)
    response = client.post(apply_url(reading), account_values(park))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(reverse("portal:home"))
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.credit_code) == (LICENCE_NAME, LICENCE_CODE)
    assert enterprise.status == "applying"
    user = User.objects.get(username="yunfan")
    assert PortalAccount.objects.get(user=user).enterprise == enterprise
    (document,) = QualificationDocument.objects.filter(enterprise=enterprise)
    assert (document.doc_type, document.version) == ("business_licence", 1)
    assert document.uploaded_by == user
    assert document.sha256 == reading.sha256
    assert (document.valid_from, document.valid_until) == (
        datetime.date(2019, 3, 12),
        datetime.date(2099, 12, 31),
    )
    reading.refresh_from_db()
    assert reading.used_for == enterprise and reading.used_at is not None
    event = AuditEvent.objects.get(action="licence_reading.apply")
    assert event.actor_id == user.pk and event.after["document"] == document.pk
    # Signed in, in the portal, the licence listed as version 1 — and not read again as a
    # "renewal" of itself.
    home = client.get(reverse("portal:home")).content.decode()
    assert LICENCE_NAME in home and "v1" in home
    assert not LicenceReading.objects.filter(purpose="renewal").exists()


def test_an_uncertain_code_without_the_checkbox_is_refused_and_nothing_is_written(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch, licence_result(unsure=[4, 11]))
    reading = upload(client)
    html = client.get(apply_url(reading)).content.decode()
    assert 'id="credit-code-verify"' in html
    assert "已对照执照原件核对统一社会信用代码" in html
    assert html.count("<mark") == 2

    response = client.post(apply_url(reading), account_values(park))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "第 5、12 位识别不确定" in errors["credit_code"][0]
    assert "申请未提交，未创建任何账号或记录" in response.content.decode()
    nothing_registered(reading)

    # Ticked: taken.
    response = client.post(apply_url(reading), account_values(park, credit_code_confirmed="on"))
    assert response.status_code == 302
    assert QualificationDocument.objects.filter(enterprise__name=LICENCE_NAME).count() == 1


def test_a_code_failing_its_check_digit_must_be_corrected_not_just_ticked(
    client, park, monkeypatch, upload
):
    wrong = altered(LICENCE_CODE)
    use_reader(monkeypatch, licence_result(credit_code=wrong, unsure=[5]))
    reading = upload(client)
    html = client.get(apply_url(reading)).content.decode()
    assert 'id="credit-code-verify"' in html and "校验位不符" in html

    response = client.post(apply_url(reading), account_values(park, credit_code=wrong))
    assert response.status_code == 400
    assert "校验位" in response.context["form"].errors["credit_code"][0]
    nothing_registered(reading)
    # Corrected to the licence's own code: taken.
    response = client.post(apply_url(reading), account_values(park, credit_code=LICENCE_CODE))
    assert response.status_code == 302
    assert Enterprise.objects.get().credit_code == LICENCE_CODE


def test_an_account_error_keeps_the_code_problem_and_writes_nothing(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch, licence_result(unsure=[3]))
    reading = upload(client)
    response = client.post(
        apply_url(reading), account_values(park, password_confirm="Other@2026park")
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "credit_code" in errors and "password_confirm" in errors
    nothing_registered(reading)


def test_a_reading_is_used_once(client, park, monkeypatch, upload):
    use_reader(monkeypatch)
    reading = upload(client)
    client.post(apply_url(reading), account_values(park))
    other = Client()
    # The applicant is now signed in (a new session key): the apply pages send them home.
    assert client.get(apply_url(reading))["Location"] == reverse("portal:home")
    assert other.get(apply_url(reading)).status_code == 404


def test_a_failed_reading_says_why_and_leaves_the_form_to_fill_by_hand(
    client, park, monkeypatch, upload
):
    use_reader(monkeypatch, error=ValueError("图像过于模糊，无法识别文字"))
    reading = upload(client)
    response = client.get(apply_url(reading))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="licence-failed"' in html and "图像过于模糊" in html
    assert "手工填写" in html
    assert "识别自执照" not in html
    assert 'name="username"' in html and "提交入驻申请" in html


# ---------------------------------------------------------------------------------------------
# Another session


def test_another_session_can_neither_see_nor_use_the_reading(client, park, monkeypatch, upload):
    use_reader(monkeypatch)
    reading = upload(client)
    stranger = Client()
    stranger.get(reverse("portal:apply"))  # a session of its own
    progress = reverse("portal:apply_licence", args=[reading.token])

    assert stranger.get(progress).status_code == 404
    assert stranger.get(progress, headers={"HX-Request": "true"}).status_code == 404
    assert stranger.post(progress).status_code == 405
    assert stranger.get(apply_url(reading)).status_code == 404
    assert stranger.post(apply_url(reading), account_values(park)).status_code == 404
    # No session at all.
    assert Client().get(progress).status_code == 404
    assert Client().post(apply_url(reading), account_values(park)).status_code == 404
    nothing_registered(reading)
    # The uploader still can.
    assert client.get(apply_url(reading)).status_code == 200


def test_the_service_refuses_a_reading_of_another_session(park, monkeypatch, client, upload):
    from parkflow.core.errors import NotFound
    from parkflow.licences import services_portal

    use_reader(monkeypatch)
    reading = upload(client)
    values = account_values(park)
    values.update(park=park, licence_valid_from=None, licence_long_term=None)
    values.pop("licence_long_term")
    values.pop("licence_valid_until")
    with pytest.raises(NotFound):
        services_portal.portal_application_from_licence(
            reading=reading, owner_key="another-session", **values
        )
    nothing_registered(reading)


def test_the_upload_route_takes_posts_only_and_sends_signed_in_people_away(client, park, upload):
    from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
    from parkflow.org.tests.clients import login

    assert client.get(reverse("portal:apply_licence_upload")).status_code == 405
    user = enterprise_user(EnterpriseFactory(park=park))
    user.save()
    response = login(client, user).post(
        reverse("portal:apply_licence_upload"), {"file": licence_upload()}
    )
    assert response["Location"] == reverse("portal:home")
    assert not LicenceReading.objects.exists()


def test_an_upload_that_is_not_a_licence_file_is_refused_on_the_page(client, park):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("licence.exe", b"MZ\x90\x00" * 10, content_type="image/png")
    response = client.post(reverse("portal:apply_licence_upload"), {"file": bad})
    assert response.status_code == 400
    assert 'id="id_licence_file_error"' in response.content.decode()
    assert not LicenceReading.objects.exists()


def test_licence_uploads_are_throttled_per_address(client, park, settings, monkeypatch, upload):
    settings.PARKFLOW_PORTAL_APPLY_PER_HOUR = 2
    use_reader(monkeypatch)
    for _attempt in range(2):
        upload(client)
    response = client.post(reverse("portal:apply_licence_upload"), {"file": licence_upload()})
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert LicenceReading.objects.count() == 2


def test_the_pre_filled_application_is_throttled_like_the_plain_one(
    client, park, settings, monkeypatch, upload
):
    use_reader(monkeypatch)
    reading = upload(client)
    settings.PARKFLOW_PORTAL_APPLY_PER_HOUR = 1
    client.post(apply_url(reading), account_values(park, username=""))
    response = client.post(apply_url(reading), account_values(park))
    assert response.status_code == 429
    nothing_registered(reading)


# ---------------------------------------------------------------------------------------------
# The portal home: a renewed licence


@pytest.fixture
def resident(park):
    from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user

    enterprise = EnterpriseFactory(
        park=park,
        name="苏州云帆智能科技有限公司（苏州）",
        legal_representative="张三",
        registered_capital="500",
        company_type="有限责任公司（自然人投资或控股）",
        established_on=datetime.date(2019, 3, 12),
        registered_address="苏州工业园区星湖街328号",
        business_scope="软件开发；信息技术咨询服务",
    )
    user = enterprise_user(enterprise)
    user.save()
    return enterprise, user


def _portal_upload_licence(client, django_capture_on_commit_callbacks):
    from parkflow.enterprises.tests.factories import pdf_upload

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:document_upload"),
            {
                "doc_type": "business_licence",
                "file": pdf_upload("新营业执照.pdf"),
                "valid_from": "2026-01-01",
                "valid_until": "2046-01-01",
            },
        )
    assert response.status_code == 302, response.content.decode()[:1000]


def test_the_portal_home_shows_what_a_renewed_licence_changes_in_plain_words(
    client, resident, monkeypatch, django_capture_on_commit_callbacks
):
    from parkflow.org.tests.clients import login

    enterprise, user = resident
    use_reader(
        monkeypatch,
        licence_result(
            name="苏州云帆智能科技有限公司(苏州)",
            credit_code=enterprise.credit_code,
            legal_representative="赵新民",
        ),
    )
    login(client, user)
    _portal_upload_licence(client, django_capture_on_commit_callbacks)
    reading = LicenceReading.objects.get(purpose="renewal")
    assert reading.status == "done"

    html = client.get(reverse("portal:home")).content.decode()
    assert "新营业执照识别结果" in html
    assert "法定代表人" in html and "登记为“张三”，新执照为“赵新民”" in html
    assert "园区工作人员核对后将按新执照更新登记信息" in html
    # The name differs only in bracket width: not a difference.
    assert "登记为“苏州云帆" not in html
    # Nothing internal: no polling once finished, no staff page link.
    card = html[html.index('id="licence-renewal"') :]
    card = card[: card.index("</div>\n</div>") + 12]
    assert "hx-get" not in card
    assert "/licences/" not in card


def test_the_portal_home_card_polls_while_the_new_licence_is_read(
    client, resident, monkeypatch, django_capture_on_commit_callbacks
):
    from parkflow.org.tests.clients import login

    enterprise, user = resident
    use_reader(monkeypatch, licence_result(credit_code=enterprise.credit_code))
    login(client, user)
    _portal_upload_licence(client, django_capture_on_commit_callbacks)
    LicenceReading.objects.filter(purpose="renewal").update(
        status="running", progress=70, stage="recognise", result=None, finished_at=None
    )
    html = client.get(reverse("portal:home")).content.decode()
    assert "新营业执照识别结果" in html
    assert 'hx-select="#licence-renewal"' in html and "识别文字" in html and "70%" in html
    assert "园区工作人员核对后" not in html


def test_the_portal_home_has_no_renewal_card_without_a_new_licence(client, resident):
    from parkflow.org.tests.clients import login

    _enterprise, user = resident
    html = login(client, user).get(reverse("portal:home")).content.decode()
    assert "新营业执照识别结果" not in html


def test_another_enterprises_renewal_is_not_on_my_portal_home(
    client, resident, park, monkeypatch, django_capture_on_commit_callbacks
):
    from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
    from parkflow.org.tests.clients import login

    enterprise, user = resident
    use_reader(monkeypatch, licence_result(legal_representative="赵新民"))
    login(client, user)
    _portal_upload_licence(client, django_capture_on_commit_callbacks)
    neighbour = EnterpriseFactory(park=park, name="苏州邻居科技有限公司")
    other_user = enterprise_user(neighbour)
    other_user.save()
    html = login(Client(), other_user).get(reverse("portal:home")).content.decode()
    assert "新营业执照识别结果" not in html and "赵新民" not in html
