"""The enterprise's agreements in the portal (R-AGR-3, R-AGR-6, R-PLT-3): its own only, no
internal drafts or review opinions, and the services it asked for confirmed by it alone."""

import pytest
from django.urls import reverse

from parkflow.agreements import services
from parkflow.agreements.models import ServiceItem, ServiceLine
from parkflow.agreements.tests.factories import Org, draft, legally_approved, sign
from parkflow.core.errors import PermissionDenied
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import enterprise_user
from parkflow.org.tests.clients import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(park):
    return Org(park)


def _portal_user(enterprise):
    user = enterprise_user(enterprise)
    user.save()
    return user


def _requested(org, agreement, name="会议室预订"):
    item = ServiceItem.objects.create(park=org.park, code=f"item-{name}", name=name)
    return services.service_line_add(actor=org.drafter, agreement=agreement, item=item)


def test_r_agr_6_the_enterprise_sees_its_signed_agreement_with_clauses_and_fees(client, org):
    signed = sign(org, legally_approved(org))
    response = login(client, _portal_user(signed.enterprise)).get(
        reverse("portal:agreement", args=[signed.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "第一条" in html and "保密" in html
    assert "办公室租金" in html and "¥" in html
    assert "法务" not in html  # who reviewed it stays internal


def test_another_enterprises_agreement_is_not_found(client, org):
    signed = sign(org, legally_approved(org))
    other = legally_approved(org)
    user = _portal_user(other.enterprise)
    response = login(client, user).get(reverse("portal:agreement", args=[signed.pk]))
    assert response.status_code == 404
    listed = client.get(reverse("portal:agreements")).content.decode()
    assert signed.number not in listed


def test_an_internal_draft_is_hidden_until_it_asks_the_enterprise_to_confirm_a_service(client, org):
    made = draft(org)
    client = login(client, _portal_user(made.enterprise))
    assert made.number not in client.get(reverse("portal:agreements")).content.decode()
    assert client.get(reverse("portal:agreement", args=[made.pk])).status_code == 404
    _requested(org, made)
    listed = client.get(reverse("portal:agreements")).content.decode()
    assert made.number in listed and "待您确认服务项" in listed


def test_r_agr_3_the_enterprise_confirms_the_service_it_asked_for_and_it_is_audited(client, org):
    made = draft(org)
    line = _requested(org, made)
    client = login(client, _portal_user(made.enterprise))
    response = client.post(reverse("portal:agreement_line_confirm", args=[made.pk, line.pk]))
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.confirmed_at is not None and line.confirmed_via == "portal"
    event = AuditEvent.objects.filter(action="agreement.line_confirm").get()
    assert event.after == {"item": line.item_id, "via": "portal"}


def test_r_agr_3_staff_cannot_confirm_a_service_for_the_enterprise(org):
    made = draft(org)
    line = _requested(org, made)
    for person in (org.drafter, org.lead, org.deputy):
        with pytest.raises(PermissionDenied):
            services.service_line_confirm(actor=person, line=line)
    assert ServiceLine.objects.get(pk=line.pk).confirmed_at is None


def test_another_enterprise_cannot_confirm_a_line(client, org):
    made = draft(org)
    line = _requested(org, made)
    other = draft(org)
    _requested(org, other, "法律咨询")  # so the stranger has a portal-visible agreement too
    client = login(client, _portal_user(other.enterprise))
    response = client.post(reverse("portal:agreement_line_confirm", args=[made.pk, line.pk]))
    assert response.status_code == 404
    assert ServiceLine.objects.get(pk=line.pk).confirmed_at is None


def test_the_portal_list_costs_the_same_queries_for_one_agreement_or_five(
    client, org, django_assert_max_num_queries
):
    first = sign(org, legally_approved(org))
    client = login(client, _portal_user(first.enterprise))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("portal:agreements"))
    template = first.template_version
    for _ in range(4):
        sign(org, legally_approved(org, enterprise=first.enterprise, template=template))
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("portal:agreements"))
    assert response.content.decode().count("bi-chevron-right") == 5


def test_r_agr_6_the_enterprise_downloads_its_agreement_as_a_pdf_and_it_is_audited(client, org):
    signed = sign(org, legally_approved(org))
    client = login(client, _portal_user(signed.enterprise))
    response = client.get(reverse("portal:agreement_pdf", args=[signed.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:5]
        == b"%PDF-"
    )
    assert AuditEvent.objects.filter(action="agreement.download").count() == 1
    other = legally_approved(org)
    assert client.get(reverse("portal:agreement_pdf", args=[other.pk])).status_code == 404
