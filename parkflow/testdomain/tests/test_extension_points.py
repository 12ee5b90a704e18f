"""The test-only domain works through every extension point with no edit to core or org
(issue 7 §2): navigation, workbench card, audit labels, the workflow (page and API, one error
shape), the gate's review panel, a detail panel, a rule, permissions, the route policy table and
the demo step. The last test checks that core and org never name this app."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import access, audit_actions, gates, registry, rules, workflow
from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import Alert
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from ..choices import ErrandStatus
from ..gates import SIGNOFF
from ..models import Errand
from .factories import errand, signed_off, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


# --- navigation.py ------------------------------------------------------------------------------


def test_the_sidebar_shows_the_entry_to_a_permitted_role_only(client, park, clerk):
    url = reverse("testdomain:list")
    client.force_login(clerk)
    html = client.get(reverse("workbench:home")).content.decode()
    assert f'href="{url}"' in html and "园区事项" in html and "事项清单" in html
    client.force_login(staff(Role.RISK_OFFICER, park))
    html = client.get(reverse("workbench:home")).content.decode()
    assert f'href="{url}"' not in html and "事项清单" not in html


def test_the_entry_is_active_on_the_detail_page(client, park, clerk):
    made = errand(park, clerk)
    client.force_login(clerk)
    html = client.get(made.get_absolute_url()).content.decode()
    assert re.search(r'<a[^>]*active[^>]*href="/testdomain/"|href="/testdomain/"[^>]*active', html)


def test_the_workbench_card_renders_for_a_permitted_role(client, park, clerk):
    submitted(park, clerk)
    client.force_login(clerk)
    html = client.get(reverse("workbench:home")).content.decode()
    assert 'data-card="testdomain.open"' in html and "待办结事项" in html
    client.force_login(staff(Role.RISK_OFFICER, park))
    html = client.get(reverse("workbench:home")).content.decode()
    assert 'data-card="testdomain.open"' not in html


# --- audit_actions.py and workflows.py ------------------------------------------------------


def test_audit_labels_show_on_the_audit_page(client, park, clerk):
    made = submitted(park, clerk, title="消防通道检查")
    assert audit_actions.label("errand.create") == "登记事项"
    assert audit_actions.label("errand.submit") == "提交事项"  # declared by the transition
    assert audit_actions.label("errand.complete") == "办结事项"
    client.force_login(staff(Role.AUDITOR, OrgUnitFactory(name="园区运营公司")))  # headquarters
    html = client.get(reverse("core:audit")).content.decode()
    assert "王晓明 登记了事项“消防通道检查”" in html
    assert "王晓明 提交了事项“消防通道检查”" in html
    assert "事项名称：消防通道检查" in html  # AUDIT_DETAILS
    assert made.get_absolute_url() in html  # get_absolute_url links the event
    assert '<option value="errand.complete">办结事项</option>' in html


def test_a_step_through_the_page(client, park, clerk):
    made = errand(park, clerk)
    client.force_login(clerk)
    url = reverse("testdomain:transition", args=[made.pk, "submit"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == ErrandStatus.SUBMITTED and made.submitted_at is not None


def test_a_refused_guard_is_shown_on_the_page_with_its_code(client, park, clerk):
    made = Errand.objects.get(pk=errand(park, clerk).pk)
    Errand.objects.filter(pk=made.pk).update(assignee=None)
    client.force_login(clerk)
    url = reverse("testdomain:transition", args=[made.pk, "submit"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 409
    assert 'data-code="assignee_required"' in response.content.decode()
    made.refresh_from_db()
    assert made.status == ErrandStatus.DRAFT


def test_steps_and_refusals_through_the_api(client, park, clerk):
    lead = staff(Role.LEAD_STAFF, park)
    made = submitted(park, clerk)
    client.force_login(lead)
    url = reverse("api:errand-complete", args=[made.pk])
    # The gate is required: the one error shape, with the gate's code and requirement.
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "gate_not_passed"
    assert response.json()["requirement"] == "R-CPL-1"
    signed_off(made)
    response = client.post(url, {"reason": "已整改"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ErrandStatus.DONE
    back = submitted(park, clerk)
    response = client.post(
        reverse("api:errand-send-back", args=[back.pk]), {}, content_type="application/json"
    )
    assert response.json()["status"] == ErrandStatus.RETURNED


def test_a_refused_guard_through_the_api_has_the_one_error_shape(client, park, clerk):
    made = errand(park, clerk)
    Errand.objects.filter(pk=made.pk).update(assignee=None)
    client.force_login(clerk)
    response = client.post(
        reverse("api:errand-submit", args=[made.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 409
    body = response.json()
    assert set(body) >= {"code", "detail", "requirement"}
    assert body["code"] == "assignee_required"


def test_available_transitions_explains_a_disabled_step(park, clerk):
    made = submitted(park, clerk)
    lead = staff(Role.LEAD_STAFF, park)
    offered = {a.name: a for a in workflow.available_transitions(lead, made)}
    assert set(offered) == {"complete", "send_back", "wait_for_materials"}
    assert not offered["complete"].enabled and "园区事项办结审查" in offered["complete"].reason
    assert offered["send_back"].enabled
    # No permission to complete or send back: not offered; waiting for documents is his step.
    assert [a.name for a in workflow.available_transitions(clerk, made)] == ["wait_for_materials"]


# --- permissions.py -----------------------------------------------------------------------------


def test_permissions_roles_park_grants_and_per_object_check(park, other_park, clerk):
    made = submitted(park, clerk)
    assert access.may(staff(Role.LEAD_STAFF, park), "errand.complete", made)
    assert not access.may(staff(Role.LEAD_STAFF, other_park), "errand.complete", made)
    # The assignee may sign off without the role (grants) ...
    helper = staff(Role.AUDITOR, park)
    Errand.objects.filter(pk=made.pk).update(assignee=helper)
    made.refresh_from_db()
    assert access.may(helper, "errand.complete", made)
    # ... but whoever raised it may not, even as assignee (checks).
    Errand.objects.filter(pk=made.pk).update(assignee=clerk)
    made.refresh_from_db()
    assert not access.may(clerk, "errand.complete", made)
    with pytest.raises(PermissionDenied):
        workflow.transition(actor=clerk, obj=made, name="complete")
    # A park-scoped action asked about without an object is a programming error.
    with pytest.raises(access.ScopeRequired):
        access.may(clerk, "errand.create")
    assert list(access.restrict(staff(Role.BUSINESS_STAFF, other_park), None, Errand)) == []


# --- gates.py and panels.py ---------------------------------------------------------------------


def test_the_gate_panel_shows_on_the_review_page(client, park, clerk):
    made = submitted(park, clerk, title="消防通道检查")
    reviewer = staff(Role.RISK_OFFICER, park)
    (review,) = SIGNOFF.request(actor=clerk, obj=made)
    client.force_login(reviewer)
    html = client.get(reverse("core:review_detail", args=[review.pk])).content.decode()
    assert 'data-panel="testdomain.signoff"' in html and "消防通道检查" in html
    assert "园区事项办结审查" in html


def test_the_gate_refuses_the_requester_as_reviewer(park, clerk):
    made = submitted(park, clerk)
    reviewer = staff(Role.RISK_OFFICER, park)
    assert gates.reviewer_refusal(clerk, made, SIGNOFF).code == "reviewer_role"
    assert gates.reviewer_refusal(reviewer, made, SIGNOFF) is None


def test_the_detail_panel_and_status_colour_render(client, park, clerk):
    made = errand(park, clerk)
    client.force_login(clerk)
    html = client.get(made.get_absolute_url()).content.decode()
    assert 'data-panel="testdomain.handling"' in html
    assert "tag-muted" in html and "草稿" in html  # @status_colours
    assert registry.tag_kind("errand") is ErrandStatus


# --- rules.py -----------------------------------------------------------------------------------


def test_the_rule_raises_an_alert_for_a_stale_errand(park, clerk):
    made = submitted(park, clerk, title="消防通道检查")
    rule = rules.get_rule("testdomain.errand_stale")
    assert rule.param_specs["days"].type is int
    assert rule.defaults == {"days": 7, "serious_days": 14, "critical_days": 28}
    rules.sweep_rule("testdomain.errand_stale")
    assert not Alert.objects.filter(rule_code="testdomain.errand_stale").exists()
    Errand.objects.filter(pk=made.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=8)
    )
    rules.sweep_rule("testdomain.errand_stale")
    alert = Alert.objects.get(rule_code="testdomain.errand_stale")
    assert "消防通道检查" in alert.message and alert.assignee == clerk
    assert alert.park == park


# --- tests/routes.py, demo.py -------------------------------------------------------------------


def test_the_route_policy_part_is_merged():
    from parkflow.core.tests.routes import all_routes

    merged = all_routes()
    for name in ("testdomain:list", "testdomain:transition", "api:errand-complete"):
        assert name in merged


def test_the_builders_part_gives_every_case_maker_an_errand(park, other_park, monkeypatch):
    from parkflow.core.tests.routes import World

    w = World(park, other_park, monkeypatch)
    made = w.errand()
    assert made.park == park and made.status == ErrandStatus.DRAFT
    assert w.errand() == made  # one per world, like the other builders


def test_the_service_table_part_is_merged():
    from parkflow.core.tests.service_table import all_services

    modules, services = all_services()
    assert "parkflow.testdomain.services" in modules
    for name in ("errand_create", "errand_assign"):
        assert f"parkflow.testdomain.services.{name}" in services


def test_the_demo_step_runs_after_orgs_people(park, clerk):
    names = [step.name for step in registry.demo_steps()]
    assert names.index("testdomain.errands") > names.index("org.people")
    step = next(s for s in registry.demo_steps() if s.name == "testdomain.errands")
    ctx = registry.DemoContext(seed=1, rng=None, units={"a": park}, users={"biz_a": clerk})
    step.run(ctx)
    assert Errand.objects.filter(park=park, created_by=clerk).count() == 1


def test_the_workflow_refuses_a_wrong_state(park, clerk):
    made = errand(park, clerk)
    with pytest.raises(Conflict) as refused:
        workflow.transition(actor=staff(Role.LEAD_STAFF, park), obj=made, name="send_back")
    assert refused.value.code == "invalid_transition"


# --- no edit to core or org ---------------------------------------------------------------------

SOURCE = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("app", ["core", "org"])
def test_core_and_org_never_name_the_test_domain(app):
    named = [
        str(path.relative_to(SOURCE))
        for path in (SOURCE / app).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".html", ".txt", ".json"}
        and "tests" not in path.relative_to(SOURCE / app).parts
        and "testdomain" in path.read_text(encoding="utf-8", errors="ignore")
    ]
    assert named == []


# --- gates.py: the chain on the errand's page ----------------------------------------------------


def test_the_errand_page_shows_where_each_gate_of_its_chain_stands(client, park, clerk):
    from decimal import Decimal

    from .factories import signed_off

    large = submitted(park, clerk, amount=Decimal("80000"))
    signed_off(large)
    small = submitted(park, clerk, amount=Decimal("100"))
    client.force_login(clerk)
    html = client.get(large.get_absolute_url()).content.decode()
    assert "¥80,000.00" in html
    assert '园区事项办结审查 <span class="tag tag-success">已通过</span>' in html
    assert '大额事项财务双签 <span class="tag tag-warning">未完成</span>' in html
    html = client.get(small.get_absolute_url()).content.decode()
    assert '大额事项财务双签 <span class="tag tag-muted">不适用</span>' in html
