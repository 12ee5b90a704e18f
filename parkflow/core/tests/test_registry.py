"""The discovery registry (issue 7 §2): what apps declare is collected, ordered and looked up
by the kernel without the kernel naming any app. Declarations are fed in as fake modules."""

import random
import types

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from parkflow.core import audit, registry
from parkflow.core.choices import ReviewDecision, Severity
from parkflow.core.models import CalendarYear
from parkflow.core.registry import DemoContext, DemoStep, NavEntry, NavSection, WorkbenchCard
from parkflow.core.templatetags.parkflow import object_url, tag


@pytest.fixture
def declared(monkeypatch):
    """Add fake app modules to what discovery finds: ``declared("navigation", SECTIONS=[...])``."""
    extra: dict[str, list] = {}
    real = registry._app_modules

    def fake(name):
        return [*real(name), *extra.get(name, [])]

    monkeypatch.setattr(registry, "_app_modules", fake)
    registry.clear()

    def add(module_name, **attributes):
        extra.setdefault(module_name, []).append(types.SimpleNamespace(**attributes))
        registry.clear()

    yield add
    registry.clear()


def test_sections_and_entries_come_in_declared_order_whatever_the_app_order(declared):
    declared(
        "navigation",
        SECTIONS=[NavSection("zz", "测试区", order=1)],
        NAVIGATION=[
            NavEntry("zz", "第二", "core:rules", "bi-2", order=20),
            NavEntry("zz", "第一", "core:audit", "bi-1", order=10),
        ],
    )
    sections = registry.nav_sections()
    assert [s.key for s, _entries in sections][:2] == ["home", "zz"]  # home is order 0
    zz = {s.key: entries for s, entries in sections}["zz"]
    assert [e.label for e in zz] == ["第一", "第二"]


def test_an_entry_in_an_undeclared_section_is_a_configuration_error(declared):
    declared("navigation", NAVIGATION=[NavEntry("nowhere", "孤儿", "core:audit", "bi-x")])
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        registry.nav_sections()


def test_workbench_cards_are_ordered(declared):
    declared(
        "navigation",
        WORKBENCH_CARDS=[
            WorkbenchCard("t.b", "side", "b.html", order=999),
            WorkbenchCard("t.a", "side", "a.html", order=-1),
        ],
    )
    names = [c.name for c in registry.workbench_cards()]
    assert names[0] == "t.a" and names[-1] == "t.b"


def test_gate_panel_is_found_by_gate_code_and_declared_once(declared):
    def panel(user, review, subject):
        return {"template": "x.html"}

    declared("panels", GATE_PANELS={"test.gate": panel})
    assert registry.gate_panel("test.gate") is panel
    assert registry.gate_panel("test.unknown") is None
    declared("panels", GATE_PANELS={"test.gate": panel})
    with pytest.raises(ImproperlyConfigured, match="test.gate"):
        registry.gate_panel("test.gate")


def test_detail_panels_are_looked_up_by_model_and_slot(declared):
    declared(
        "panels",
        DETAIL_PANELS=[
            registry.DetailPanel("core.CalendarYear", "t.side", "s.html", slot="side"),
            registry.DetailPanel("core.CalendarYear", "t.main2", "m2.html", order=200),
            registry.DetailPanel("core.CalendarYear", "t.main1", "m1.html", order=1),
            registry.DetailPanel("core.Alert", "t.other", "o.html"),
        ],
    )
    assert [p.name for p in registry.detail_panels_for(CalendarYear)] == ["t.main1", "t.main2"]
    assert [p.name for p in registry.detail_panels_for(CalendarYear, "side")] == ["t.side"]


def _step(name, log, **kwargs):
    return DemoStep(name, lambda ctx: log.append(name), **kwargs)


def test_demo_steps_run_after_what_they_name_and_otherwise_in_declaration_order():
    log = []
    steps = [
        _step("a.last", log, after=("b.first",)),
        _step("b.first", log),
        _step("c.middle", log, before=("a.last",)),
        _step("d.free", log),
    ]
    ordered = registry.order_steps(steps)
    assert [s.name for s in ordered] == ["b.first", "c.middle", "a.last", "d.free"]
    ctx = DemoContext(seed=1, rng=random.Random(1))
    for step in ordered:
        step.run(ctx)
    assert log == ["b.first", "c.middle", "a.last", "d.free"]


def test_a_cycle_or_an_unknown_step_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="cycle"):
        registry.order_steps(
            [DemoStep("x", print, after=("y",)), DemoStep("y", print, after=("x",))]
        )
    with pytest.raises(ImproperlyConfigured, match="unknown"):
        registry.order_steps([DemoStep("x", print, after=("missing",))])
    with pytest.raises(ImproperlyConfigured, match="twice"):
        registry.order_steps([DemoStep("x", print), DemoStep("x", print)])


def test_the_discovered_demo_steps_form_one_order():
    names = [step.name for step in registry.demo_steps()]
    assert len(names) == len(set(names))


def test_status_colours_live_on_the_choices_and_drive_the_tag():
    assert Severity.colours["critical"] == "critical"
    assert registry.tag_kind("review") is ReviewDecision
    assert 'class="tag tag-orange"' in tag("return", "review")
    with pytest.raises(ImproperlyConfigured):
        registry.tag_kind("no-such-kind")


def test_a_new_choices_class_declares_its_own_colours():
    @registry.status_colours("test-kind", {"on": "success"})
    class Switch(models.TextChoices):
        ON = "on", "开"
        OFF = "off", "关"

    try:
        assert 'class="tag tag-success">开<' in tag("on", "test-kind")
        assert 'class="tag tag-slate">关<' in tag("off", "test-kind")
    finally:
        registry.TAG_KINDS.pop("test-kind")


@pytest.mark.django_db
def test_object_links_come_from_get_absolute_url_without_loading_the_row(
    django_assert_num_queries,
):
    year = CalendarYear.objects.create(year=2031)
    content_type = ContentType.objects.get_for_model(CalendarYear)
    with django_assert_num_queries(0):
        assert object_url(content_type, str(year.pk)) == year.get_absolute_url()
    # A model without a page (no get_absolute_url) gets no link.
    event = audit.record(None, "audit.verify", None, after={"ok": True})
    assert object_url(ContentType.objects.get_for_model(type(event)), str(event.pk)) == ""


@pytest.mark.django_db
def test_the_audit_page_links_an_event_to_its_object_through_get_absolute_url(client):
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import OrgUnitFactory, staff

    auditor = staff(Role.AUDITOR, OrgUnitFactory(name="集团总部"))
    year = CalendarYear.objects.create(year=2032)
    audit.record(None, "calendar.schedule_enter", year, after={"year": 2032})
    client.force_login(auditor)
    html = client.get("/audit/").content.decode()
    assert f'href="{year.get_absolute_url()}"' in html


def test_page_actions_are_declared_for_a_page_and_shown_to_who_may_take_them(
    declared, client, park
):
    """``PAGE_ACTIONS``: an app puts a button in another page's header without that page
    naming it; each shows to users the policy lets take its action somewhere, in order, on
    that page only."""
    from django.urls import reverse

    from parkflow.core.registry import PageAction
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    declared(
        "navigation",
        PAGE_ACTIONS=[
            PageAction("core:rules", "配置门槛", "core:gates", "bi-sliders", "rules.configure", 20),
            PageAction("core:rules", "查看审计", "core:audit", "bi-journal", "audit.view", 10),
        ],
    )
    assert [a.label for a in registry.page_actions_for("core:rules")] == ["查看审计", "配置门槛"]
    assert registry.page_actions_for("core:audit") == []

    client.force_login(staff(Role.AUDITOR, park))
    html = client.get(reverse("core:rules")).content.decode()
    button = f'<a class="btn btn-outline-primary" href="{reverse("core:audit")}"'
    assert button in html and "查看审计" in html
    assert "配置门槛" not in html  # rules.configure is the system administrators'
    assert "查看审计" not in client.get(reverse("core:alert_list")).content.decode()

    client.force_login(staff(Role.BUSINESS_STAFF, park))
    assert "查看审计" not in client.get(reverse("core:rules")).content.decode()
