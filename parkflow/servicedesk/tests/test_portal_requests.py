"""The service desk in the portal (R-SVC-1, R-SVC-2, R-PLT-3): an enterprise files a request from
its phone with photos — a non-image or a photo over 5 MB is refused on the field with nothing
written — follows its own requests only (another enterprise's request or photo is a 404 on every
route), sees who is responsible and the result, confirms and rates it, and answers this month's
call-back."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.tests.clients import login

from .. import services, services_photos
from ..choices import RequestStatus
from ..models import CallBack, ServiceRequest
from ..models_photos import RequestPhoto
from .factories import jpeg, png, submitted, taken

pytestmark = pytest.mark.django_db
# A working Monday mid-month: the month's call-backs exist (none before its first working day).
MID_MONTH = time_machine.travel(
    datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
    tick=False,
)


@pytest.fixture
def company(desk):
    return EnterpriseFactory(
        park=desk.park, name="苏州星河半导体有限公司", account_manager=desk.first
    )


@pytest.fixture
def tenant(company):
    return enterprise_user(company)


def _form(**photos):
    return {"category": "repair", "title": "空调不制冷", "description": "三楼会议室", **photos}


def test_the_request_form_takes_photos_from_the_phones_camera(client, tenant):
    login(client, tenant)
    html = client.get(reverse("portal:servicedesk_request_create")).content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html and "multiple" in html
    assert 'enctype="multipart/form-data"' in html


def test_an_enterprise_files_a_request_with_photos_and_sees_it(client, tenant, company, desk):
    login(client, tenant)
    response = client.post(
        reverse("portal:servicedesk_request_create"), _form(photos=[png(), jpeg()])
    )
    made = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert made.enterprise == company and made.channel == "portal"
    photos = list(RequestPhoto.objects.filter(request=made))
    assert {p.mime_type for p in photos} == {"image/png", "image/jpeg"}
    # Stored under the server's names, never the uploaded ones.
    assert all(p.file.name.startswith(f"servicedesk/{company.pk}/") for p in photos)
    assert not any("photo" in p.file.name.rsplit("/", 1)[-1] for p in photos)
    assert AuditEvent.objects.filter(action="service_request.photos_add").count() == 1
    page = client.get(reverse("portal:servicedesk_request", args=[made.pk])).content.decode()
    assert "空调不制冷" in page and "等待受理" in page
    photo = client.get(reverse("portal:servicedesk_photo", args=[made.pk, photos[0].pk]))
    assert photo.status_code == 200 and photo["Content-Type"].startswith("image/")
    # Staff of the park open it from the request page too.
    login(client, desk.first)
    staff_photo = client.get(reverse("servicedesk:request_photo", args=[made.pk, photos[0].pk]))
    assert staff_photo.status_code == 200


def test_a_non_image_is_refused_on_the_photo_field_and_nothing_is_written(client, tenant):
    login(client, tenant)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image at all", "image/jpeg")
    response = client.post(reverse("portal:servicedesk_request_create"), _form(photos=[fake]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_photos_error"' in html and "不是 JPG 或 PNG" in html
    assert not ServiceRequest.objects.exists() and not RequestPhoto.objects.exists()


def test_an_oversized_photo_is_refused_on_the_photo_field(client, tenant, monkeypatch):
    monkeypatch.setattr(services_photos, "MAX_BYTES", 1024)
    login(client, tenant)
    big = png(size=(400, 400))
    assert big.size > 1024
    response = client.post(reverse("portal:servicedesk_request_create"), _form(photos=[big]))
    assert response.status_code == 400
    assert (
        "超过" in response.content.decode() and 'id="id_photos_error"' in response.content.decode()
    )
    assert not ServiceRequest.objects.exists()


def test_a_photo_of_more_than_five_megabytes_is_refused_by_the_service(tenant, company):
    from parkflow.core.errors import ValidationFailed

    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), "image/png")
    with pytest.raises(ValidationFailed) as refused:
        services_photos.request_submit_with_photos(
            actor=tenant, enterprise=company, photos=[big], **_form()
        )
    assert "photos" in refused.value.errors


def test_four_photos_are_refused(client, tenant):
    login(client, tenant)
    response = client.post(
        reverse("portal:servicedesk_request_create"), _form(photos=[png() for _ in range(4)])
    )
    assert response.status_code == 400 and "最多上传 3 张照片" in response.content.decode()


def test_another_enterprises_request_and_photo_are_404_on_every_route(client, desk, company):
    other = EnterpriseFactory(park=desk.park, name="同园其他企业")
    made = services_photos.request_submit_with_photos(
        actor=enterprise_user(other),
        enterprise=other,
        category="repair",
        title="他人报修",
        description="……",
        photos=[png()],
    )
    photo = made.photos.get()
    services.request_take(actor=desk.first, request=made)
    services.request_resolve(actor=desk.first, request=made, resolution="已处理")
    login(client, enterprise_user(company))
    assert "他人报修" not in client.get(reverse("portal:servicedesk_requests")).content.decode()
    for method, url in (
        ("get", reverse("portal:servicedesk_request", args=[made.pk])),
        ("post", reverse("portal:servicedesk_request_confirm", args=[made.pk])),
        ("get", reverse("portal:servicedesk_photo", args=[made.pk, photo.pk])),
        ("get", reverse("servicedesk:request", args=[made.pk])),
        ("get", reverse("servicedesk:request_photo", args=[made.pk, photo.pk])),
    ):
        response = getattr(client, method)(url, {"rating": "5"} if method == "post" else None)
        assert response.status_code == 404, url
    made.refresh_from_db()
    assert made.status == RequestStatus.RESOLVED


def test_the_enterprise_sees_the_owner_and_the_result_and_confirms_and_rates(
    client, desk, company, tenant
):
    made = taken(desk, enterprise=company, title="灯不亮")
    services.request_resolve(actor=desk.first, request=made, resolution="已更换灯管")
    login(client, tenant)
    listing = client.get(reverse("portal:servicedesk_requests")).content.decode()
    assert "首问人" in listing and "已更换灯管" in listing and "待您确认" in listing
    url = reverse("portal:servicedesk_request_confirm", args=[made.pk])
    refused = client.post(url, {"rating": ""})
    assert refused.status_code == 400 and "id_rating_error" in refused.content.decode()
    client.post(url, {"rating": "4", "comment": "处理及时"})
    made.refresh_from_db()
    assert (made.status, made.rating, made.rating_comment) == ("closed", 4, "处理及时")


@MID_MONTH
def test_the_enterprise_answers_this_months_call_back(client, desk, company, tenant):
    EnterpriseFactory(park=desk.park, status=EnterpriseStatus.RESIDENT)
    type(company).objects.filter(pk=company.pk).update(status=EnterpriseStatus.RESIDENT)
    login(client, tenant)
    before = client.get(reverse("portal:servicedesk_callback")).content.decode()
    assert "本月回访尚未开始" in before
    services.callbacks_generate()
    url = reverse("portal:servicedesk_callback")
    refused = client.post(url, {"score": "1", "comment": ""})
    assert refused.status_code == 400 and 'id="id_comment_error"' in refused.content.decode()
    client.post(url, {"score": "5", "comment": ""})
    callback = CallBack.objects.get(enterprise=company)
    assert callback.score == 5 and callback.channel == "portal"
    assert "回访已完成" in client.get(url).content.decode()


def test_the_portal_pages_fit_a_phone_and_have_a_tab(client, tenant, desk, company):
    submitted(desk, enterprise=company)
    login(client, tenant)
    html = client.get(reverse("portal:servicedesk_requests")).content.decode()
    assert reverse("portal:servicedesk_requests") in html and "服务请求" in html
    assert 'name="viewport"' in html
