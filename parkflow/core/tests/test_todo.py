"""The to-do centre's sources (issue 8 §5): what waits for me, what I handled, what I started —
from the kernel's reviews and alerts and a domain's declared source (the test domain's errands),
each only to the person it is for and only inside their parks."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from parkflow.core import alerts, reviews, rules, todo
from parkflow.core.models import Alert
from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, staff
from parkflow.testdomain.gates import SIGNOFF
from parkflow.testdomain.tests.factories import errand, submitted

pytestmark = pytest.mark.django_db


def _titles(user, tab):
    return [(source.code, item.title) for source, item in todo.items(user, tab)]


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def risk(park):
    return staff(Role.RISK_OFFICER, park, display_name="风控李")


def test_a_review_waits_for_its_reviewer_and_is_started_by_its_requester(park, clerk, risk):
    made = submitted(park, clerk, title="甲园待审事项")
    SIGNOFF.request(actor=clerk, obj=made)
    assert ("core.review", "甲园待审事项") in _titles(risk, todo.PENDING)
    assert ("core.review", "甲园待审事项") not in _titles(clerk, todo.PENDING)
    assert ("core.review", "甲园待审事项") in _titles(clerk, todo.INITIATED)
    assert todo.pending_count(risk) == 1


def test_a_decided_review_moves_to_the_reviewers_handled_tab(park, clerk, risk):
    made = submitted(park, clerk, title="甲园已审事项")
    (review,) = SIGNOFF.request(actor=clerk, obj=made)
    reviews.review_decide(actor=risk, review=review, decision="approve", opinion="同意")
    assert ("core.review", "甲园已审事项") not in _titles(risk, todo.PENDING)
    assert ("core.review", "甲园已审事项") in _titles(risk, todo.DONE)


def test_an_alert_assigned_to_me_waits_for_me_and_not_for_a_colleague(park):
    old = timezone.now() - datetime.timedelta(days=400)
    EmergencyContactFactory(unit=park, name="值班甲", confirmed_at=old)
    rules.sweep_rule("org.emergency_contact_stale")
    alert = Alert.objects.get(park=park)
    officer, colleague = staff(Role.OFFICE_STAFF, park), staff(Role.OFFICE_STAFF, park)
    alerts.alert_assign(actor=officer, alert=alert, assignee=officer)
    assert [code for code, _t in _titles(officer, todo.PENDING)] == ["core.alert"]
    assert _titles(colleague, todo.PENDING) == []
    assert todo.pending_count(officer) == 1 and todo.pending_count(colleague) == 0


def test_a_domains_declared_source_lists_its_items_for_the_assignee_only(park, other_park, clerk):
    assignee = staff(Role.BUSINESS_STAFF, park, display_name="经办赵")
    submitted(park, clerk, title="甲园转办事项", assignee=assignee)
    errand(park, clerk, title="甲园草稿事项", assignee=assignee)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    assert _titles(assignee, todo.PENDING) == [("testdomain.errand", "甲园转办事项")]
    assert ("testdomain.errand", "甲园草稿事项") in _titles(clerk, todo.INITIATED)
    assert _titles(outsider, todo.PENDING) == [] and _titles(outsider, todo.INITIATED) == []


def test_overdue_items_come_first_then_the_soonest_due_then_the_newest(monkeypatch):
    now = timezone.now()

    def item(title, due=None, hours_ago=0):
        return todo.TodoItem("x", title, "/", now - datetime.timedelta(hours=hours_ago), due_at=due)

    listed = [
        item("new, no due date"),
        item("due tomorrow", due=now + datetime.timedelta(days=1), hours_ago=5),
        item("late", due=now - datetime.timedelta(days=1), hours_ago=9),
        item("due in a week", due=(now + datetime.timedelta(days=7)).date()),
        item("older, no due date", hours_ago=3),
    ]
    source = todo.TodoSource("x", "X", "bi-x", tabs={todo.PENDING: lambda user, limit: listed})
    monkeypatch.setattr(todo, "sources_for", lambda user: [source])
    assert [i.title for _s, i in todo.items(None, todo.PENDING)] == [
        "late",
        "due tomorrow",
        "due in a week",
        "new, no due date",
        "older, no due date",
    ]
    assert listed[2].overdue and not listed[1].overdue


def test_a_source_declared_twice_is_an_error(monkeypatch):
    source = todo.TodoSource("twice", "X", "bi-x")
    monkeypatch.setattr(todo.registry, "declared", lambda module, attribute: [source, source])
    with pytest.raises(ValueError, match="twice"):
        todo.sources()


@time_machine.travel(datetime.datetime(2026, 11, 28, 20, 40, tzinfo=datetime.UTC), tick=False)
def test_a_due_date_ends_at_midnight_in_shanghai_not_in_utc():
    """04:40 on 29 November in Shanghai: yesterday's date is past due, today's is not."""
    now = timezone.now()
    yesterday = todo.TodoItem("x", "yesterday", "/", now, due_at=datetime.date(2026, 11, 28))
    today = todo.TodoItem("x", "today", "/", now, due_at=datetime.date(2026, 11, 29))
    assert yesterday.overdue and not today.overdue
