"""The to-do centre's page (待办中心, issue 8 §5): four tabs, items of every declared source with
their next step, overdue in red, the sidebar badge fetched after the page loads, the top items on
the workbench; a page's queries do not grow with the items."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parkflow.core import todo
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff
from parkflow.testdomain.gates import SIGNOFF
from parkflow.testdomain.tests.factories import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(park):
    return staff(Role.BUSINESS_STAFF, park, display_name="王晓明")


@pytest.fixture
def risk(park):
    return staff(Role.RISK_OFFICER, park, display_name="风控李")


def _ask(park, clerk, risk, n=1):
    handler = staff(Role.BUSINESS_STAFF, park, display_name="经办赵")
    for i in range(n):
        made = submitted(park, clerk, title=f"甲园待审事项{i}", assignee=handler)
        SIGNOFF.request(actor=clerk, obj=made)


def test_the_pending_tab_lists_my_reviews_with_the_next_step(client, park, clerk, risk):
    _ask(park, clerk, risk)
    client.force_login(risk)
    html = client.get(reverse("workbench:todo")).content.decode()
    assert "甲园待审事项0" in html and ">审查<" in html
    for label in ("待我处理", "我已处理", "我发起的", "抄送我"):
        assert label in html


def test_the_initiated_tab_shows_what_i_submitted_and_where_it_stands(client, park, clerk, risk):
    _ask(park, clerk, risk)
    client.force_login(clerk)
    assert "甲园待审事项0" not in client.get(reverse("workbench:todo")).content.decode()
    html = client.get(reverse("workbench:todo"), {"tab": "initiated"}).content.decode()
    assert "甲园待审事项0" in html and "待审查" in html


def test_an_overdue_item_is_marked_in_red(client, park, clerk, monkeypatch):
    late = todo.TodoItem(
        "core.review",
        "逾期的合规任务",
        "/",
        timezone.now() - datetime.timedelta(days=3),
        due_at=timezone.localdate() - datetime.timedelta(days=1),
    )
    source = todo.TodoSource("late", "合规任务", "bi-calendar", {todo.PENDING: lambda u, n: [late]})
    monkeypatch.setattr(todo, "sources_for", lambda user: [source])
    client.force_login(clerk)
    html = client.get(reverse("workbench:todo")).content.decode()
    assert "list-row-overdue" in html and "已逾期" in html


def test_the_sidebar_badge_is_fetched_after_the_page_and_counts_what_waits(
    client, park, clerk, risk
):
    _ask(park, clerk, risk, n=3)
    client.force_login(risk)
    html = client.get(reverse("workbench:home")).content.decode()
    assert f'hx-get="{reverse("workbench:todo_count")}"' in html
    assert client.get(reverse("workbench:todo_count")).content.decode() == (
        '<span class="nav-badge">3</span>'
    )
    client.force_login(clerk)
    assert client.get(reverse("workbench:todo_count")).content == b""


def test_the_workbench_shows_the_top_items_and_links_the_centre(client, park, clerk, risk):
    _ask(park, clerk, risk)
    client.force_login(risk)
    html = client.get(reverse("workbench:home")).content.decode()
    assert "甲园待审事项0" in html and reverse("workbench:todo") in html


def test_an_enterprise_user_has_no_to_do_centre(client, park):
    from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user

    client.force_login(enterprise_user(EnterpriseFactory(park=park)))
    assert client.get(reverse("workbench:todo")).status_code == 404
    assert client.get(reverse("workbench:todo_count")).status_code == 404


@pytest.mark.parametrize("rows", [1, 12])
def test_the_page_runs_a_constant_number_of_queries(
    client, park, clerk, risk, rows, django_assert_max_num_queries
):
    _ask(park, clerk, risk, n=rows)
    client.force_login(risk)
    with django_assert_max_num_queries(24):
        assert client.get(reverse("workbench:todo")).status_code == 200


def test_a_source_cut_at_the_limit_links_its_full_list(client, park, clerk, monkeypatch):
    now = timezone.now()
    many = [todo.TodoItem("core.alert", f"预警{i}", "/", now) for i in range(todo.LIMIT)]
    source = todo.TodoSource(
        "core.alert",
        "预警",
        "bi-bell",
        {todo.PENDING: lambda u, n: many[:n]},
        more_url="core:alert_list",
    )
    monkeypatch.setattr(todo, "sources_for", lambda user: [source])
    client.force_login(clerk)
    html = client.get(reverse("workbench:todo")).content.decode()
    assert f"只列出最近 {todo.LIMIT} 条预警" in html and reverse("core:alert_list") in html
