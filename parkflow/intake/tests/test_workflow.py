"""The enterprise lifecycle on the workflow engine (core.workflow, D32): every step is declared
once (workflows.py), the API offers all of them, and the same guards decide the buttons and
the refusals."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parkflow.core import gates, workflow
from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import AuditEvent
from parkflow.enterprises import workflows
from parkflow.enterprises.choices import EnterpriseStatus as S
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import MINIMAL_PDF, make_credit_code, prospect_create
from parkflow.intake.gates import ADMISSION
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

LIFECYCLE = ["apply", "start_review", "approve", "reject", "move_in", "start_exit", "complete_exit"]
API = "/api/v1/enterprises/"


def _post(client, pk, step, body=None):
    return client.post(f"{API}{pk}/{step}/", body or {}, format="json")


@pytest.fixture
def no_automatic_outcome(monkeypatch):
    """The reviewers' decision is not followed by intake's consequence, so a person approves
    or rejects it through the API (the step the gate guards)."""
    replaced = dataclasses.replace(ADMISSION, consequence=None)
    monkeypatch.setitem(gates.GATES, ADMISSION.code, replaced)


def _application_through_the_api(client, park) -> int:
    response = client.post(
        API,
        {
            "park": park.pk,
            "name": "苏州流程科技有限公司",
            "credit_code": make_credit_code(4711),
            "legal_representative": "周明",
            "registered_capital": "800.00",
            "industry": "it",
            "contact_name": "陈静",
            "contact_phone": "13912345678",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _licence_through_the_api(client, pk):
    response = client.post(
        f"{API}{pk}/documents/",
        {
            "doc_type": "business_licence",
            "file": SimpleUploadedFile("营业执照.pdf", MINIMAL_PDF),
            "valid_from": "2024-01-01",
            "valid_until": "2034-12-31",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content


def _decide_through_the_api(pk, decision):
    enterprise = Enterprise.objects.get(pk=pk)
    for review in gates.latest_round(enterprise, ADMISSION):
        review.refresh_from_db()
        if review.is_pending:
            response = client_for(review.assigned_to).post(
                f"/api/v1/reviews/{review.pk}/decide/",
                {"decision": decision, "opinion": "意见"},
                format="json",
            )
            assert response.status_code == 200, response.content


# ---------------------------------------------------------------------------------------------
# Declared once, offered everywhere


def test_each_lifecycle_step_is_declared_exactly_once_in_workflows_py():
    declared = [t.name for t in workflow.for_model(Enterprise) if t.routes]
    assert sorted(declared) == sorted(LIFECYCLE)
    # enterprises declares the lifecycle, intake its admission steps (D33).
    from django.apps import apps

    sources = [
        Path(apps.get_app_config(label).path, "workflows.py").read_text(encoding="utf-8")
        for label in ("enterprises", "intake")
    ]
    for name in LIFECYCLE:
        assert sum(len(re.findall(rf'name="{name}"', source)) for source in sources) == 1
    # No other module of the app declares or lists them.
    app = Path(workflows.__file__).parent
    for path in app.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "workflows.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"TRANSITION_LABELS|def ({})\(self".format("|".join(LIFECYCLE)), text)


def test_the_api_offers_all_seven_steps_in_the_schema(client):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for name in LIFECYCLE:
        url_path = workflow.get(Enterprise, name).url_path
        assert f"/api/v1/enterprises/{{id}}/{url_path}/" in paths, name
        assert "post" in paths[f"/api/v1/enterprises/{{id}}/{url_path}/"]


# ---------------------------------------------------------------------------------------------
# The lifecycle through the API alone


def test_the_whole_lifecycle_through_the_api_alone(park, clerk, reviewers, no_automatic_outcome):
    client = client_for(clerk)
    pk = _application_through_the_api(client, park)

    # A refused guard answers with the one error shape, and nothing moves.
    response = _post(client, pk, "apply")
    assert response.json()["status"] == S.APPLYING
    refused = _post(client, pk, "submit-for-review")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "licence_required",
        "detail": "未上传营业执照，不能提交审核。",
        "requirement": "R-ENT-2",
    }
    assert Enterprise.objects.get(pk=pk).status == S.APPLYING

    _licence_through_the_api(client, pk)
    response = _post(client, pk, "submit-for-review")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.UNDER_REVIEW

    # The gate refuses the approval until the drawn reviewers approved.
    refused = _post(client, pk, "approve")
    assert refused.status_code == 409
    assert refused.json()["code"] == "gate_not_passed"
    assert refused.json()["requirement"] == "R-ENT-3"

    _decide_through_the_api(pk, "approve")
    for step, status in [
        ("approve", S.APPROVED),
        ("move-in", S.RESIDENT),
        ("start-exit", S.EXITING),
        ("complete-exit", S.EXITED),
    ]:
        response = _post(client, pk, step, {"reason": f"{step} 说明"})
        assert response.status_code == 200, (step, response.content)
        assert response.json()["status"] == status
    actions = list(
        AuditEvent.objects.filter(object_id=str(pk), action__startswith="enterprise.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "enterprise.create",
        "enterprise.apply",
        "enterprise.start_review",
        "enterprise.approve",
        "enterprise.move_in",
        "enterprise.start_exit",
        "enterprise.complete_exit",
    ]
    event = AuditEvent.objects.get(object_id=str(pk), action="enterprise.move_in")
    assert event.before == {"status": S.APPROVED} and event.after == {"status": S.RESIDENT}
    assert event.reason == "move-in 说明"

    # Exited is final: every step is refused from here, with the state named.
    refused = _post(client, pk, "apply")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert "已退出" in refused.json()["detail"]


def test_the_rejection_path_through_the_api(park, clerk, reviewers, no_automatic_outcome):
    client = client_for(clerk)
    pk = _application_through_the_api(client, park)
    _licence_through_the_api(client, pk)
    _post(client, pk, "apply")
    assert _post(client, pk, "submit-for-review").status_code == 200
    refused = _post(client, pk, "reject")
    assert refused.status_code == 409 and refused.json()["code"] == "reject_needs_review"
    _decide_through_the_api(pk, "reject")
    response = _post(client, pk, "reject", {"reason": "资质不符"})
    assert response.status_code == 200 and response.json()["status"] == S.REJECTED
    # A rejected application may apply again.
    assert _post(client, pk, "apply").json()["status"] == S.APPLYING


# ---------------------------------------------------------------------------------------------
# The engine: same guards for buttons and refusals; refusals write nothing


def test_a_disabled_buttons_reason_is_the_refusal_the_step_gives(park, clerk, reviewers):
    enterprise = application_under_review(park, clerk, reviewers=1)
    offered = {a.name: a for a in workflow.available_transitions(clerk, enterprise)}
    assert set(offered) == {"approve", "reject"}
    assert not offered["approve"].enabled and not offered["reject"].enabled
    for name, refusal in [("approve", "gate_not_passed"), ("reject", "reject_needs_review")]:
        with pytest.raises(Conflict) as exc:
            workflow.transition(actor=clerk, obj=enterprise, name=name)
        assert exc.value.code == refusal
        assert offered[name].reasons == [str(exc.value.message)]


def test_the_page_shows_the_disabled_step_with_its_reason(client, park, clerk, reviewers):
    enterprise = application_under_review(park, clerk, reviewers=1)
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    reason = workflow.available_transitions(clerk, enterprise)[0].reason
    assert reason and reason in html
    assert reverse("enterprises:transition", args=[enterprise.pk, "approve"]) not in html


def test_a_step_from_the_wrong_state_is_refused_with_nothing_written(park, clerk, reviewers):
    enterprise = Enterprise.objects.get(pk=application_under_review(park, clerk, reviewers=1).pk)
    events = AuditEvent.objects.count()
    for name in ("apply", "move_in", "start_exit", "complete_exit"):
        with pytest.raises(Conflict) as exc:
            workflow.transition(actor=clerk, obj=enterprise, name=name)
        assert exc.value.code == "invalid_transition"
        assert exc.value.requirement == "R-ENT-1"
    assert AuditEvent.objects.count() == events
    assert Enterprise.objects.get(pk=enterprise.pk).status == S.UNDER_REVIEW
    assert name not in {a.name for a in workflow.available_transitions(clerk, enterprise)}


def test_a_permission_refusal_writes_no_audit_event(park, other_park, clerk):
    enterprise, _licence = _licensed(park, clerk)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    auditor = staff(Role.AUDITOR, park)
    events = AuditEvent.objects.count()
    for actor in (outsider, auditor):
        with pytest.raises(PermissionDenied):
            workflow.transition(actor=actor, obj=enterprise, name="apply")
        assert workflow.available_transitions(actor, enterprise) == []
    assert AuditEvent.objects.count() == events
    assert Enterprise.objects.get(pk=enterprise.pk).status == S.PROSPECT


def test_without_its_guard_the_step_would_go_ahead(park, clerk, reviewers, monkeypatch):
    """The guard is what refuses: taken away, a licence-less application goes under review —
    so a test that asserts the refusal bites when the guard is removed."""
    enterprise = _prospect(park, clerk)
    workflow.transition(actor=clerk, obj=enterprise, name="apply")
    with pytest.raises(Conflict) as exc:
        workflow.transition(actor=clerk, obj=enterprise, name="start_review")
    assert exc.value.code == "licence_required"
    declared = workflow.get(Enterprise, "start_review")
    monkeypatch.setitem(
        workflow.REGISTRY,
        (Enterprise._meta.label, "start_review"),
        dataclasses.replace(declared, guards=()),
    )
    assert workflow.available_transitions(clerk, enterprise)[0].enabled
    workflow.transition(actor=clerk, obj=enterprise, name="start_review")
    assert Enterprise.objects.get(pk=enterprise.pk).status == S.UNDER_REVIEW


def test_the_side_effect_runs_in_the_same_transaction(park, clerk):
    """No eligible reviewer: the draw refuses, and the status change is rolled back with it."""
    enterprise, _licence = _licensed(park, clerk)
    workflow.transition(actor=clerk, obj=enterprise, name="apply")
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        workflow.transition(actor=clerk, obj=enterprise, name="start_review")
    assert exc.value.code == "reviewer_pool_too_small"
    assert Enterprise.objects.get(pk=enterprise.pk).status == S.APPLYING
    assert AuditEvent.objects.count() == events


def test_unknown_steps_and_inputs_are_refused(park, clerk):
    enterprise = _prospect(park, clerk)
    from parkflow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        workflow.transition(actor=clerk, obj=enterprise, name="demolish")
    with pytest.raises(ValidationFailed):
        workflow.transition(actor=clerk, obj=enterprise, name="apply", seed="x")
    with pytest.raises(ValueError):
        workflow.perform(actor=clerk, obj=enterprise, name="apply", authorised_by="")


def test_the_portal_offers_only_portal_visible_steps(park, clerk):
    from parkflow.enterprises.tests.factories import enterprise_user

    enterprise, _licence = _licensed(park, clerk)
    enterprise = workflow.transition(actor=clerk, obj=enterprise, name="apply")
    user = enterprise_user(enterprise)
    assert [a.name for a in workflow.available_transitions(user, enterprise, portal=True)] == [
        "start_review"
    ]
    assert [a.name for a in workflow.available_transitions(user, enterprise)] == ["start_review"]


def _prospect(park, clerk):
    return prospect_create(
        actor=clerk, park=park, name="苏州守卫科技有限公司", credit_code=make_credit_code(4712)
    )


def _licensed(park, clerk):
    enterprise = _prospect(park, clerk)
    return enterprise, upload_licence(enterprise, clerk)
