"""The sidebar and the workbench are rendered from what the apps declare (core.registry)."""

from django.urls import reverse

from parkflow.core.registry import NavEntry, NavSection, WorkbenchCard
from parkflow.core.tests import test_registry
from parkflow.org.choices import Role
from parkflow.org.tests.factories import UserFactory, staff
from parkflow.workbench.context_processors import sections_for

# Fake app modules added to what discovery finds, as in the kernel's own registry tests.
declared = test_registry.declared


def _labels(sections):
    return [[str(item.label) for item in section.items] for section in sections]


def test_an_entry_shows_only_to_users_the_policy_lets_do_its_action(park):
    business = staff(Role.BUSINESS_STAFF, park)
    nobody = UserFactory()
    assert "企业名录" in sum(_labels(sections_for(business)), [])
    assert "企业名录" not in sum(_labels(sections_for(nobody)), [])
    # With no role, only what needs no permission is left: the workbench and one's to-do
    # centre, one's own messages and subscriptions, and the API docs.
    assert _labels(sections_for(nobody)) == [
        ["工作台", "待办中心"],
        ["消息中心", "我的订阅"],
        ["API 文档"],
    ]


def test_the_entry_for_the_current_page_is_active_and_external_ones_never_are(park):
    business = staff(Role.BUSINESS_STAFF, park)
    items = [i for s in sections_for(business, "enterprises:detail") for i in s.items]
    assert [str(i.label) for i in items if i.active] == ["企业名录"]
    items = [i for s in sections_for(business, "api-docs") for i in s.items]
    assert not any(i.active for i in items)


def test_a_declared_section_and_entry_appear_in_order_for_permitted_users(declared, park):
    declared(
        "navigation",
        SECTIONS=[NavSection("test", "测试模块", order=35)],
        NAVIGATION=[
            NavEntry("test", "后一个", "core:rules", "bi-2", action="rules.view", order=2),
            NavEntry("test", "前一个", "core:audit", "bi-1", action="rules.view", order=1),
            NavEntry("test", "看不到", "core:audit", "bi-3", visible=lambda user: False),
        ],
    )
    auditor = staff(Role.AUDITOR, park)
    sections = sections_for(auditor)
    labels = [str(s.label) for s in sections]
    assert labels.index("测试模块") == labels.index("企业管理") + 1  # order 35: after 30
    test = sections[labels.index("测试模块")]
    assert [str(i.label) for i in test.items] == ["前一个", "后一个"]
    assert test.items[0].url == reverse("core:audit")
    assert "测试模块" not in [str(s.label) for s in sections_for(UserFactory())]


def test_the_sidebar_html_is_rendered_from_the_registry(client, park):
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get(reverse("enterprises:list")).content.decode()
    assert 'class="nav-link active" href="/enterprises/" aria-current="page"' in html
    assert html.index("企业名录") < html.index("入驻申请") < html.index("应急联系人")


def test_a_declared_workbench_card_renders_with_its_context_and_permission(
    declared, client, park, tmp_path, settings
):
    (tmp_path / "test_card.html").write_text('<div class="card" id="t">卡片 {{ card.n }}</div>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    declared(
        "navigation",
        WORKBENCH_CARDS=[
            WorkbenchCard("t.card", "side", "test_card.html", lambda request: {"n": 42}),
            WorkbenchCard(
                "t.hidden", "side", "test_card.html", lambda r: {"n": 1}, action="rules.configure"
            ),
            WorkbenchCard("t.none", "side", "test_card.html", lambda request: None),
        ],
    )
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get(reverse("workbench:home")).content.decode()
    assert html.count('id="t"') == 1
    assert "卡片 42" in html


def test_the_enterprise_cards_show_for_enterprise_viewers_and_compliance_otherwise(client, park):
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get(reverse("workbench:home")).content.decode()
    assert "辖区企业（按状态）" in html and "我的合规履职状态" not in html
    client.force_login(UserFactory())
    html = client.get(reverse("workbench:home")).content.decode()
    assert "辖区企业（按状态）" not in html and "我的合规履职状态" in html
