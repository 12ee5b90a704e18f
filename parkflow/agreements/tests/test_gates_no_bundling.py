"""R-AGR-3 no bundling, through every interface: a service the agreement's kind does not require
is the enterprise's request, and nobody can make it "required" — not through the service, not
through the API (a line posted as required, a line patched), not through the admin (read-only for
the agreement's content). Each attempt is refused and writes nothing."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from parkflow.core.errors import Conflict
from parkflow.core.models import AuditEvent, Review

from .. import services
from ..choices import LineBasis
from ..models import Agreement, AgreementClause, FeeLine, ServiceLine
from .factories import draft, submitted
from .interfaces import INTERFACES, admin_change_url, admin_client, api, snapshot, url

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [Agreement, AgreementClause, ServiceLine, FeeLine, Review]


@pytest.fixture
def optional_item(org):
    return services.service_item_save(
        actor=org.lead, park=org.park, code="MEET", name="会议室服务", required_for=["property"]
    )


@pytest.fixture
def required_item(org):
    return services.service_item_save(
        actor=org.lead, park=org.park, code="SEC", name="安保服务", required_for=["residency"]
    )


def _lines(agreement):
    return list(ServiceLine.objects.filter(agreement=agreement).values_list("item_id", "basis"))


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_3_an_optional_service_cannot_be_added_as_required(org, optional_item, interface):
    agreement = draft(org)
    before = snapshot(agreement)
    if interface == "service":
        with pytest.raises(Conflict) as refused:
            services.service_line_add(
                actor=org.drafter, agreement=agreement, item=optional_item, basis="required"
            )
        assert refused.value.code == "line_cannot_be_required"
        assert refused.value.requirement == "R-AGR-3"
    elif interface == "api":
        response = api(org.drafter).post(
            url(agreement, "lines"), {"item": optional_item.pk, "basis": "required"}, "json"
        )
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["code"] == "line_cannot_be_required"
        assert body["requirement"] == "R-AGR-3"
        assert "禁止捆绑服务" in body["detail"]
    else:
        client = admin_client(org.drafter)
        add = f"/admin/agreements/serviceline/add/?agreement={agreement.pk}"
        response = client.post(
            add, {"agreement": agreement.pk, "item": optional_item.pk, "basis": "required"}
        )
        assert response.status_code == 403
    assert snapshot(agreement) == before
    assert _lines(agreement) == []


@pytest.mark.parametrize("interface", INTERFACES)
def test_r_agr_3_a_requested_line_cannot_be_turned_into_a_required_one(
    org, optional_item, interface
):
    agreement = draft(org)
    line = services.service_line_add(actor=org.drafter, agreement=agreement, item=optional_item)
    assert line.basis == LineBasis.REQUESTED
    before = snapshot(agreement)
    if interface == "service":
        # No service changes a line's basis: adding it again as required is refused.
        with pytest.raises(Conflict):
            services.service_line_add(
                actor=org.drafter, agreement=agreement, item=optional_item, basis="required"
            )
    elif interface == "api":
        client = api(org.drafter)
        patched = client.patch(url(agreement, f"lines/{line.pk}"), {"basis": "required"}, "json")
        # No route changes a line: its basis is never an input (no such route).
        assert patched.status_code in (403, 404, 405)
        via_agreement = client.patch(url(agreement), {"basis": "required"}, "json")
        assert via_agreement.status_code == 400
        assert via_agreement.json()["code"] == "invalid"
    else:
        client = admin_client(org.drafter)
        response = client.post(admin_change_url(line), {"basis": "required"})
        assert response.status_code == 403
    assert snapshot(agreement) == before
    assert _lines(agreement) == [(optional_item.pk, LineBasis.REQUESTED)]


def test_r_agr_3_the_basis_follows_from_the_kind_never_from_the_caller(
    org, optional_item, required_item
):
    agreement = draft(org)
    # Created with the kind's required line already in it.
    assert _lines(agreement) == [(required_item.pk, LineBasis.REQUIRED)]
    response = api(org.drafter).post(url(agreement, "lines"), {"item": optional_item.pk}, "json")
    assert response.status_code == 201, response.content
    assert response.json()["basis"] == LineBasis.REQUESTED
    assert response.json()["is_confirmed"] is False
    # A required line stays: removing it is refused.
    required = ServiceLine.objects.get(agreement=agreement, item=required_item)
    removed = api(org.drafter).post(url(agreement, f"lines/{required.pk}/remove"), {}, "json")
    assert removed.status_code == 409
    assert removed.json()["code"] == "line_required"


def test_r_agr_3_an_unconfirmed_request_stops_submission_until_the_enterprise_confirms(
    org, optional_item
):
    from parkflow.enterprises.tests.factories import enterprise_user

    agreement = draft(org)
    line = services.service_line_add(actor=org.drafter, agreement=agreement, item=optional_item)
    refused = api(org.drafter).post(url(agreement, "submit"), {}, "json")
    assert refused.status_code == 409
    assert "尚待企业确认" in refused.json()["detail"]
    # Staff cannot confirm on the enterprise's behalf…
    confirm = url(agreement, f"lines/{line.pk}/confirm")
    assert api(org.drafter).post(confirm, {}, "json").status_code == 403
    assert ServiceLine.objects.get(pk=line.pk).confirmed_at is None
    # …the enterprise's own portal user does.
    response = api(enterprise_user(agreement.enterprise)).post(confirm, {}, "json")
    assert response.status_code == 200, response.content
    assert response.json()["confirmed_via"] == "portal"
    assert api(org.drafter).post(url(agreement, "submit"), {}, "json").status_code == 200


def test_r_agr_3_the_admin_offers_no_add_change_or_delete_of_the_agreements_content(
    org, admin_user
):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    for model in CONTENT_MODELS:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.has_view_permission(request), model


def test_the_admin_shows_an_agreement_and_its_content_read_only(org, optional_item):
    agreement = submitted(org)
    services.service_line_add(actor=org.drafter, agreement=agreement, item=optional_item)
    client = admin_client(org.lead)
    events = AuditEvent.objects.count()
    objects = [
        agreement,
        agreement.clauses.first(),
        agreement.lines.first(),
        agreement.fees.first(),
        agreement.template_version,
        agreement.template_version.template,
    ]
    for obj in objects:
        meta = obj._meta
        changelist = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert changelist.status_code == 200, meta.label
        page = client.get(admin_change_url(obj))
        assert page.status_code == 200, meta.label
        assert b'name="_save"' not in page.content, meta.label
        delete = client.post(admin_change_url(obj).replace("/change/", "/delete/"), {"post": "yes"})
        assert delete.status_code == 403, meta.label
    # The agreement page names no link to the signed scan (only the audited download serves it).
    assert b"signed_scan" not in client.get(admin_change_url(agreement)).content
    assert AuditEvent.objects.count() == events
