"""The portal's self-service application from a licence (issue 13, R-PLT-3, R-ENT-1):
``services_portal.portal_application_from_licence`` — the account, the application and the licence
document version 1 at once or nothing, the uncertain-code rule, the reading the session's own —
and, with the REAL offline reader, a licence whose credit code has one character altered: the
portal page demands verification and submitting it is refused."""

import dataclasses

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from parkflow.core.errors import Conflict, NotFound, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.intake.models import QualificationDocument
from parkflow.org.models import User

from .. import services, services_portal, testset
from ..models import LicenceReading
from .factories import licence_result, licence_upload, register_values, use_reader

pytestmark = pytest.mark.django_db

SESSION = "applicant-session-key"


def _account(**overrides):
    return {
        "username": "yunfan",
        "password": "Yunfan@2026park",
        "password_confirm": "Yunfan@2026park",
        "email": "",
        **overrides,
    }


def _read_for(monkeypatch, result=None, owner_key=SESSION) -> LicenceReading:
    use_reader(monkeypatch, result)
    reading = services.reading_submit_public(upload=licence_upload(), owner_key=owner_key)
    services.reading_execute(reading_id=reading.pk)
    reading.refresh_from_db()
    return reading


def _nothing_written(reading):
    reading.refresh_from_db()
    assert reading.used_at is None
    assert not User.objects.filter(username="yunfan").exists()
    assert not Enterprise.objects.exists()
    assert not PortalAccount.objects.exists()
    assert not QualificationDocument.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["licence_reading.apply", "enterprise.create", "document.upload"]
    ).exists()


def test_one_call_registers_account_application_and_licence_version_one(monkeypatch, park):
    reading = _read_for(monkeypatch)
    user, enterprise = services_portal.portal_application_from_licence(
        reading=reading, owner_key=SESSION, **_account(), **register_values(park)
    )
    assert PortalAccount.objects.get(user=user).enterprise == enterprise
    assert enterprise.status == "applying" and enterprise.created_by == user
    document = QualificationDocument.objects.get(enterprise=enterprise)
    assert (document.doc_type, document.version, document.uploaded_by) == (
        "business_licence",
        1,
        user,
    )
    reading.refresh_from_db()
    assert reading.used_for == enterprise
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"enterprise.create", "document.upload", "licence_reading.apply"} <= actions


def test_an_uncertain_code_unconfirmed_is_a_field_error_and_nothing_is_written(monkeypatch, park):
    reading = _read_for(monkeypatch, licence_result(unsure=[6]))
    with pytest.raises(ValidationFailed) as refused:
        services_portal.portal_application_from_licence(
            reading=reading, owner_key=SESSION, **_account(), **register_values(park)
        )
    assert "第 7 位识别不确定" in refused.value.errors["credit_code"][0]
    _nothing_written(reading)


def test_a_reading_of_another_session_or_a_staff_reading_is_not_found(monkeypatch, park, clerk):
    reading = _read_for(monkeypatch)
    for key in ("another-session", ""):
        with pytest.raises(NotFound):
            services_portal.portal_application_from_licence(
                reading=reading, owner_key=key, **_account(), **register_values(park)
            )
    from .factories import read

    staff_reading = read(monkeypatch, clerk, park)
    with pytest.raises(NotFound):
        services_portal.portal_application_from_licence(
            reading=staff_reading, owner_key=SESSION, **_account(), **register_values(park)
        )
    _nothing_written(reading)


def test_a_reading_registers_once(monkeypatch, park):
    from parkflow.enterprises.tests.factories import make_credit_code

    reading = _read_for(monkeypatch)
    services_portal.portal_application_from_licence(
        reading=reading, owner_key=SESSION, **_account(), **register_values(park)
    )
    with pytest.raises(Conflict):
        services_portal.portal_application_from_licence(
            reading=reading,
            owner_key=SESSION,
            **_account(username="other"),
            **register_values(park, name="另一家公司", credit_code=make_credit_code(77)),
        )
    assert Enterprise.objects.count() == 1


def test_a_failing_document_upload_undoes_the_account_and_the_application(monkeypatch, park):
    """All or nothing: the licence refused by intake's upload rules leaves no account behind."""
    from parkflow.intake import services as intake_services

    reading = _read_for(monkeypatch)

    def refuse(**kwargs):
        raise ValidationFailed({"file": ["文件已损坏"]}, requirement="R-ENT-2")

    monkeypatch.setattr(intake_services, "document_upload", refuse)
    with pytest.raises(ValidationFailed):
        services_portal.portal_application_from_licence(
            reading=reading, owner_key=SESSION, **_account(), **register_values(park)
        )
    _nothing_written(reading)


# ---------------------------------------------------------------------------------------------
# The real reader


def test_real_reader_a_licence_with_one_code_character_altered_demands_verification_on_the_portal(
    park, django_capture_on_commit_callbacks
):
    """A light-degraded photo of a generated licence whose printed credit code has one character
    changed (its check digit fails), read by the real offline OCR through the portal's own
    pages: the form warns, highlights characters, and refuses the code as read."""
    sample = next(s for s in testset.samples(12, seed=29) if s.kind == "company")
    misprinted = testset.altered_code(sample.credit_code)
    sample = dataclasses.replace(sample, credit_code=misprinted)
    photo = testset.render_licence(sample, degrade=testset.Degradation.preset("light", 29), seed=29)
    kind = "image/jpeg" if photo[:3] == b"\xff\xd8\xff" else "image/png"
    upload = SimpleUploadedFile(
        "营业执照.jpg" if kind == "image/jpeg" else "营业执照.png", photo, content_type=kind
    )

    client = Client()
    client.get(reverse("portal:apply"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:apply_licence_upload"), {"file": upload})
    assert response.status_code == 302
    reading = LicenceReading.objects.get()
    assert reading.status == "done", reading.error
    read_code = reading.result["fields"]["credit_code"]["value"]
    assert read_code == misprinted  # the OCR read what is printed …
    page = client.get(response["Location"], follow=True)
    html = page.content.decode()
    # … and the page does not take it: a warning, the checkbox, highlighted characters.
    assert 'id="credit-code-verify"' in html
    assert "已对照执照原件核对统一社会信用代码" in html and "校验位不符" in html
    assert "<mark" in html
    form = page.context["form"]
    assert form.initial["credit_code"] == misprinted
    assert form.initial["name"] == sample.name

    values = {
        name: form.initial.get(name, "")
        for name in (
            "name",
            "credit_code",
            "legal_representative",
            "registered_capital",
            "company_type",
            "established_on",
            "registered_address",
            "business_scope",
            "licence_valid_from",
            "licence_valid_until",
        )
    }
    values = {k: ("" if v is None else v) for k, v in values.items()}
    if form.initial.get("licence_long_term"):
        values["licence_long_term"] = "on"
    values.update(
        park=park.pk,
        industry="it",
        contact_name="陈静",
        contact_phone="13912345678",
        **_account(),
    )
    url = f"{reverse('portal:apply')}?reading={reading.token}"
    for extra in ({}, {"credit_code_confirmed": "on"}):
        refused = client.post(url, {**values, **extra})
        assert refused.status_code == 400
        assert "校验" in " ".join(refused.context["form"].errors["credit_code"])
    _nothing_written(reading)
