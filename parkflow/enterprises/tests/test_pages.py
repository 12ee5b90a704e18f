"""Enterprise register pages (R-ENT-1, R-ENT-4, R-ORG-3, R-PLT-5): list, export, detail, forms,
transitions — scoped, validated by the services, audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core.models import AuditEvent
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_form_values,
    enterprise_user,
)
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff


@pytest.fixture
def theirs(other_park):
    return EnterpriseFactory(park=other_park, name="无锡太湖光电科技有限公司")


def portal_user(enterprise):
    user = enterprise_user(enterprise)
    user.save()  # the factory does not save the password when compliant=False
    return user


# ---------------------------------------------------------------------------------------------
# Scoping (R-ORG-3)


def test_park_staff_list_only_enterprises_of_their_park(client, clerk, mine, theirs):
    html = login(client, clerk).get(reverse("enterprises:list")).content.decode()
    assert mine.name in html
    assert theirs.name not in html


def test_park_staff_cannot_open_an_enterprise_of_another_park(client, clerk, theirs):
    login(client, clerk)
    assert client.get(reverse("enterprises:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(reverse("enterprises:transition", args=[theirs.pk, "apply"])).status_code == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == EnterpriseStatus.PROSPECT


def test_unknown_enterprise_id_is_the_same_404_as_another_parks(client, clerk):
    assert login(client, clerk).get(reverse("enterprises:detail", args=[987654])).status_code == 404


def test_park_staff_export_excludes_enterprises_of_another_park(client, clerk, mine, theirs):
    response = login(client, clerk).get(reverse("enterprises:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [mine.name]
    assert sheet.cell(row=1, column=2).value == "统一社会信用代码"


def test_enterprise_user_gets_404_for_another_enterprise_and_for_staff_pages(client, park, mine):
    neighbour = EnterpriseFactory(park=park, name="苏州邻居科技有限公司")
    user = portal_user(neighbour)
    login(client, user)
    assert client.get(reverse("enterprises:detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("enterprises:detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("enterprises:list")).status_code == 404
    assert client.get(reverse("enterprises:export")).status_code == 404
    assert client.get(reverse("enterprises:create")).status_code == 404


def test_headquarters_staff_see_every_park(client, mine, theirs):
    hq = staff(Role.LEAD_STAFF, OrgUnitFactory(name="园区运营公司"))
    html = login(client, hq).get(reverse("enterprises:list")).content.decode()
    assert mine.name in html and theirs.name in html


# ---------------------------------------------------------------------------------------------
# List, filters, export


def test_list_filters_by_status_grade_industry_park_and_search(client, park, clerk):
    EnterpriseFactory(park=park, name="苏州博瑞生物医药有限公司", industry="biomed", grade="key")
    EnterpriseFactory(park=park, name="苏州墨韵文化创意有限公司", industry="creative", grade="c")
    login(client, clerk)

    def names(**query):
        return {
            e.name for e in client.get(reverse("enterprises:list"), query).context["enterprises"]
        }

    assert names() == {"苏州博瑞生物医药有限公司", "苏州墨韵文化创意有限公司"}
    assert names(industry="biomed") == {"苏州博瑞生物医药有限公司"}
    assert names(grade="c") == {"苏州墨韵文化创意有限公司"}
    assert names(q="博瑞") == {"苏州博瑞生物医药有限公司"}
    assert names(status="resident") == set()
    assert names(park=park.pk) == {"苏州博瑞生物医药有限公司", "苏州墨韵文化创意有限公司"}


def test_list_shows_coloured_status_tags_and_paginates_twenty_per_page(client, park, clerk):
    Enterprise.objects.bulk_create(EnterpriseFactory.build(park=park) for _ in range(25))
    login(client, clerk)
    first = client.get(reverse("enterprises:list"))
    assert len(first.context["enterprises"]) == 20
    assert "tag tag-slate" in first.content.decode()  # 意向
    assert len(client.get(reverse("enterprises:list"), {"page": 2}).context["enterprises"]) == 5


def test_export_uses_the_filters_and_is_audited(client, park, clerk):
    EnterpriseFactory(park=park, name="苏州博瑞生物医药有限公司", industry="biomed")
    EnterpriseFactory(park=park, name="苏州墨韵文化创意有限公司", industry="creative")
    response = login(client, clerk).get(reverse("enterprises:export"), {"industry": "biomed"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "苏州博瑞生物医药有限公司"
    ]
    event = AuditEvent.objects.get(action="enterprise.export")
    assert event.actor == clerk
    assert event.after == {"count": 1, "filters": {"industry": "biomed"}}


def test_export_button_is_offered_with_the_current_filters(client, clerk, mine):
    html = login(client, clerk).get(reverse("enterprises:list"), {"grade": "b"}).content.decode()
    assert f"{reverse('enterprises:export')}?grade=b" in html


def _bulk(park, count):
    Enterprise.objects.bulk_create(EnterpriseFactory.build(park=park) for _ in range(count))


@pytest.mark.parametrize("rows", [10, 200])
def test_enterprise_list_runs_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    _bulk(park, rows)
    login(client, clerk)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("enterprises:list"))
    assert response.status_code == 200
    assert len(response.context["enterprises"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [10, 200])
def test_enterprise_export_runs_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    _bulk(park, rows)
    login(client, clerk)
    # 12, not 11: on PostgreSQL the audit event takes the chain's advisory lock.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:export"))
    assert AuditEvent.objects.get(action="enterprise.export").after["count"] == rows
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# Forms (R-ENT-1): errors on the named field, nothing written


def test_creating_an_enterprise_through_the_form_records_it_and_audits(client, park, clerk):
    response = login(client, clerk).post(
        reverse("enterprises:create"), enterprise_form_values(park)
    )
    enterprise = Enterprise.objects.get(name="苏州纳微光电科技有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert enterprise.status == EnterpriseStatus.PROSPECT
    assert enterprise.created_by == clerk
    assert AuditEvent.objects.filter(
        action="enterprise.create", object_id=str(enterprise.pk)
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_code", "91310115MA1K3ABC0E", "校验位"),
        ("credit_code", "91310115MA1K3ABC0", "18位"),
        ("contact_phone", "12345", "手机号"),
        ("name", "", "必填"),
        ("legal_representative", "", "必填"),
        ("registered_capital", "-5", "大于或等于"),
    ],
    ids=[
        "credit-code-check-digit",
        "credit-code-length",
        "bad-phone",
        "empty-name",
        "empty-legal-rep",
        "negative-capital",
    ],
)
def test_invalid_input_in_the_create_form_shows_the_field_error_and_writes_nothing(
    client, park, clerk, field, value, message
):
    enterprises, events = Enterprise.objects.count(), AuditEvent.objects.count()
    response = login(client, clerk).post(
        reverse("enterprises:create"), enterprise_form_values(park, **{field: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert any(message in str(e) for e in errors[field])
    assert message in response.content.decode()
    assert Enterprise.objects.count() == enterprises
    assert AuditEvent.objects.count() == events


def test_duplicate_credit_code_is_refused_on_the_credit_code_field(client, park, clerk, mine):
    response = login(client, clerk).post(
        reverse("enterprises:create"), enterprise_form_values(park, credit_code=mine.credit_code)
    )
    message = " ".join(response.context["form"].errors["credit_code"])
    assert f"该统一社会信用代码已由“{mine.name}”于" in message and "登记" in message
    assert "具有" not in message
    html = response.content.decode()
    assert reverse("enterprises:detail", args=[mine.pk]) in html
    assert Enterprise.objects.count() == 1


def test_creating_in_a_park_the_user_does_not_serve_is_impossible(client, clerk, other_park):
    response = login(client, clerk).post(
        reverse("enterprises:create"), enterprise_form_values(other_park)
    )
    assert response.status_code == 200
    assert "park" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_editing_an_enterprise_through_the_form_is_audited_with_the_reason(client, clerk, mine):
    values = enterprise_form_values(
        credit_code=mine.credit_code,
        name=mine.name,
        contact_phone="13900001111",
        reason="联系人换号",
    )
    response = login(client, clerk).post(reverse("enterprises:edit", args=[mine.pk]), values)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.contact_phone == "13900001111"
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.reason == "联系人换号"
    assert event.after["contact_phone"] == "13900001111"


def test_invalid_edit_shows_the_field_error_and_changes_nothing(client, clerk, mine):
    before = mine.credit_code
    response = login(client, clerk).post(
        reverse("enterprises:edit", args=[mine.pk]),
        enterprise_form_values(name=mine.name, credit_code="91310115MA1K3ABC0E"),
    )
    assert "credit_code" in response.context["form"].errors
    mine.refresh_from_db()
    assert mine.credit_code == before
    assert not AuditEvent.objects.filter(action="enterprise.update").exists()


def test_read_only_staff_see_the_enterprise_but_no_edit_or_actions(client, park, mine):
    auditor = staff(Role.AUDITOR, park)
    login(client, auditor)
    html = client.get(reverse("enterprises:detail", args=[mine.pk])).content.decode()
    assert reverse("enterprises:edit", args=[mine.pk]) not in html
    assert reverse("enterprises:transition", args=[mine.pk, "apply"]) not in html
    assert client.get(reverse("enterprises:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("enterprises:create")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Detail and transitions


def test_detail_offers_only_the_transitions_valid_now(client, clerk, mine):
    response = login(client, clerk).get(reverse("enterprises:detail", args=[mine.pk]))
    assert [a.name for a in response.context["actions"]] == ["apply"]
    html = response.content.decode()
    assert reverse("enterprises:transition", args=[mine.pk, "apply"]) in html
    assert reverse("enterprises:transition", args=[mine.pk, "move_in"]) not in html


def test_applying_through_the_page_changes_the_status_and_is_audited(client, clerk, mine):
    response = login(client, clerk).post(
        reverse("enterprises:transition", args=[mine.pk, "apply"]), {"reason": "企业提交入驻意向书"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.APPLYING
    assert AuditEvent.objects.get(action="enterprise.apply").reason == "企业提交入驻意向书"


def test_a_transition_not_valid_now_is_refused_inline_naming_the_requirement(client, clerk, mine):
    events = AuditEvent.objects.count()
    response = login(client, clerk).post(
        reverse("enterprises:transition", args=[mine.pk, "move_in"])
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "不能办理入驻" in html
    assert "R-ENT-1" in html
    mine.refresh_from_db()
    assert mine.status == EnterpriseStatus.PROSPECT
    assert AuditEvent.objects.count() == events


def test_irreversible_steps_ask_for_confirmation_in_a_modal(client, park, clerk):
    enterprise = EnterpriseFactory(park=park)
    Enterprise.objects.filter(pk=enterprise.pk).update(status=EnterpriseStatus.RESIDENT)
    html = (
        login(client, clerk)
        .get(reverse("enterprises:detail", args=[enterprise.pk]))
        .content.decode()
    )
    assert 'data-bs-target="#action-start_exit"' in html
    assert 'id="action-start_exit"' in html
    assert "此操作不可撤销" in html


@pytest.mark.parametrize(
    "name",
    [
        "enterprises:list",
        "enterprises:create",
        "enterprises:detail",
        "enterprises:edit",
        "enterprises:export",
    ],
)
def test_every_enterprise_page_renders_for_a_permitted_user(client, clerk, mine, name):
    args = [mine.pk] if name in ("enterprises:detail", "enterprises:edit") else []
    assert login(client, clerk).get(reverse(name, args=args)).status_code == 200
