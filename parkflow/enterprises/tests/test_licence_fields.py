"""Issue 13 (licence-first intake), part B: the register holds what a business licence (营业执照)
says besides name, code, legal representative and capital — 类型, 成立日期, 住所 and 经营范围 —
through the service, the staff pages, the API, the Excel export and import, and the portal's
self-service application (R-ENT-1, R-PLT-2, R-PLT-3, R-PLT-5)."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core import clock
from parkflow.core.errors import ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises import imports, services
from parkflow.enterprises.choices import ImportStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests import ledgers
from parkflow.enterprises.tests.enterprise_api import URL, detail, payload, writes
from parkflow.enterprises.tests.factories import (
    enterprise_form_values,
    enterprise_values,
    make_credit_code,
)
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for, login
from parkflow.org.tests.factories import staff

LICENCE_FIELDS = ("company_type", "established_on", "registered_address", "business_scope")
SCOPE = (
    "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；"
    "信息系统集成服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
)
LICENCE = {
    "company_type": "有限责任公司（自然人投资或控股）",
    "established_on": datetime.date(2019, 3, 12),
    "registered_address": "上海市浦东新区张江路665号3层",
    "business_scope": SCOPE,
}


def _events() -> int:
    return AuditEvent.objects.count()


# ---------------------------------------------------------------------------------------------
# The record and its service


def test_the_licence_fields_are_editable_register_fields_outside_the_admission_review():
    assert set(LICENCE_FIELDS) <= set(Enterprise.EDITABLE_FIELDS)
    assert not set(LICENCE_FIELDS) & set(Enterprise.REVIEWED_FIELDS)
    labels = {name: str(Enterprise._meta.get_field(name).verbose_name) for name in LICENCE_FIELDS}
    assert labels == {
        "company_type": "类型",
        "established_on": "成立日期",
        "registered_address": "住所（执照登记）",
        "business_scope": "经营范围",
    }
    assert str(Enterprise._meta.get_field("address").verbose_name) == "入驻地址"


def test_creating_an_enterprise_stores_the_licence_fields_and_audits_them(park, clerk):
    enterprise = services.enterprise_create(
        actor=clerk, park=park, **enterprise_values(**LICENCE, address="星湖街328号5幢302室")
    )
    enterprise.refresh_from_db()
    assert {name: getattr(enterprise, name) for name in LICENCE_FIELDS} == LICENCE
    assert enterprise.address == "星湖街328号5幢302室"
    after = AuditEvent.objects.get(action="enterprise.create").after
    assert after["company_type"] == "有限责任公司（自然人投资或控股）"
    assert after["established_on"] == "2019-03-12"
    assert after["registered_address"] == "上海市浦东新区张江路665号3层"
    assert after["business_scope"] == SCOPE


def test_editing_the_licence_fields_audits_only_what_changed_before_and_after(park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values(**LICENCE))
    services.enterprise_update(
        actor=clerk,
        enterprise=enterprise,
        reason="按换发的营业执照更新",
        established_on="2019-03-15",
        registered_address="  苏州工业园区金鸡湖大道88号G1-1501  ",
        business_scope=SCOPE,  # unchanged
    )
    enterprise.refresh_from_db()
    assert enterprise.established_on == datetime.date(2019, 3, 15)
    assert enterprise.registered_address == "苏州工业园区金鸡湖大道88号G1-1501"
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.reason == "按换发的营业执照更新"
    assert event.before == {
        "established_on": "2019-03-12",
        "registered_address": "上海市浦东新区张江路665号3层",
    }
    assert event.after == {
        "established_on": "2019-03-15",
        "registered_address": "苏州工业园区金鸡湖大道88号G1-1501",
    }


def test_the_licence_fields_are_optional(park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values())
    assert enterprise.company_type == enterprise.registered_address == ""
    assert enterprise.business_scope == ""
    assert enterprise.established_on is None


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("established_on", "2019-02-30", "日期"),
        ("established_on", "2019年3月12日", "日期"),
        ("established_on", "tomorrow", "日期"),
        ("business_scope", "经" * 2001, "2000"),
        ("company_type", "有" * 61, "60"),
        ("registered_address", "住" * 201, "200"),
    ],
    ids=[
        "no-such-day",
        "not-iso",
        "not-a-date",
        "scope-too-long",
        "type-too-long",
        "address-too-long",
    ],
)
def test_bad_licence_input_is_refused_in_chinese_naming_the_field_and_nothing_is_written(
    park, clerk, field, value, words
):
    events = _events()
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **enterprise_values(**{field: value}))
    assert list(exc.value.errors) == [field]
    message = " ".join(exc.value.errors[field])
    assert words in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    assert not Enterprise.objects.exists()
    assert _events() == events


def test_a_business_scope_of_exactly_2000_characters_is_taken(park, clerk):
    enterprise = services.enterprise_create(
        actor=clerk, park=park, **enterprise_values(business_scope="经" * 2000)
    )
    enterprise.refresh_from_db()
    assert len(enterprise.business_scope) == 2000


def test_an_established_date_after_today_is_refused_and_today_is_taken(park, clerk):
    tomorrow = clock.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(
            actor=clerk, park=park, **enterprise_values(established_on=tomorrow)
        )
    assert exc.value.errors == {"established_on": ["成立日期不能晚于今天。"]}
    assert not Enterprise.objects.exists()
    enterprise = services.enterprise_create(
        actor=clerk, park=park, **enterprise_values(established_on=clock.today())
    )
    assert enterprise.established_on == clock.today()


def test_a_refused_licence_edit_changes_nothing(park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values(**LICENCE))
    events = _events()
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_update(
            actor=clerk,
            enterprise=enterprise,
            company_type="股份有限公司",
            business_scope="x" * 2001,
        )
    assert "business_scope" in exc.value.errors
    enterprise.refresh_from_db()
    assert enterprise.company_type == LICENCE["company_type"]
    assert enterprise.business_scope == SCOPE
    assert _events() == events


# ---------------------------------------------------------------------------------------------
# Staff pages


def _form(park=None, **overrides):
    values = {
        "company_type": "股份有限公司（非上市）",
        "established_on": "2019-03-12",
        "registered_address": "上海市浦东新区张江路665号3层",
        "business_scope": SCOPE,
        "address": "苏州工业园区星湖街328号5幢302室",
        **overrides,
    }
    return enterprise_form_values(park, **values)


def test_the_create_form_has_a_licence_group_with_both_addresses_told_apart(client, clerk):
    html = login(client, clerk).get(reverse("enterprises:create")).content.decode()
    group = html[html.index('id="licence-facts"') :]
    group = group[: group.index("联系与服务")]
    assert "营业执照信息" in group
    for name in LICENCE_FIELDS:
        assert f'name="{name}"' in group, name
    assert "住所（执照登记）" in group
    assert 'name="address"' not in group  # 入驻地址 stays with the contact and service facts
    assert "入驻地址" in html


def test_creating_through_the_form_stores_the_licence_fields_and_audits_them(client, park, clerk):
    response = login(client, clerk).post(reverse("enterprises:create"), _form(park))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.company_type == "股份有限公司（非上市）"
    assert enterprise.established_on == datetime.date(2019, 3, 12)
    assert enterprise.registered_address == "上海市浦东新区张江路665号3层"
    assert enterprise.address == "苏州工业园区星湖街328号5幢302室"
    assert enterprise.business_scope == SCOPE
    after = AuditEvent.objects.get(action="enterprise.create").after
    assert after["established_on"] == "2019-03-12"


def test_editing_through_the_form_audits_the_licence_fields_and_the_timeline_names_them(
    client, park, clerk
):
    login(client, clerk).post(reverse("enterprises:create"), _form(park))
    enterprise = Enterprise.objects.get()
    values = _form(
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        registered_address="苏州工业园区金鸡湖大道88号G1-1501",
        reason="住所变更",
    )
    response = client.post(reverse("enterprises:edit", args=[enterprise.pk]), values)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.reason == "住所变更"
    assert event.after == {"registered_address": "苏州工业园区金鸡湖大道88号G1-1501"}
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    timeline = html[html.index("审计时间线") :]
    assert "住所（执照登记）：" in timeline
    assert "上海市浦东新区张江路665号3层" in timeline


def test_the_edit_form_is_filled_in_with_the_licence_fields(client, park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values(**LICENCE))
    response = login(client, clerk).get(reverse("enterprises:edit", args=[enterprise.pk]))
    html = response.content.decode()
    assert 'value="2019-03-12"' in html
    assert 'value="有限责任公司（自然人投资或控股）"' in html
    assert SCOPE in html


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("established_on", "2019-02-30", "有效的日期"),
        ("established_on", "2999-01-01", "不能晚于今天"),
        ("business_scope", "经" * 2001, "2000"),
    ],
    ids=["no-such-day", "future", "scope-too-long"],
)
def test_bad_licence_input_in_the_create_form_shows_a_chinese_field_error_and_writes_nothing(
    client, park, clerk, field, value, words
):
    events = _events()
    response = login(client, clerk).post(
        reverse("enterprises:create"), _form(park, **{field: value})
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    assert words in response.content.decode()
    assert not Enterprise.objects.exists()
    assert _events() == events


def test_the_detail_page_shows_the_licence_card_apart_from_the_park_address(client, park, clerk):
    enterprise = services.enterprise_create(
        actor=clerk,
        park=park,
        **enterprise_values(**LICENCE, address="苏州工业园区星湖街328号5幢302室"),
    )
    html = login(client, clerk).get(reverse("enterprises:detail", args=[enterprise.pk]))
    html = html.content.decode()
    card = html[html.index('id="licence-facts"') :]
    card = card[: card.index("审计时间线")]
    assert "营业执照信息" in card
    assert "有限责任公司（自然人投资或控股）" in card
    assert "2019年3月12日" in card
    assert "住所（执照登记）" in card and "上海市浦东新区张江路665号3层" in card
    assert "苏州工业园区星湖街328号5幢302室" not in card  # 入驻地址 is in 基本信息
    assert "data-clamp" in card and "展开全部" in card and SCOPE in card
    basics = html[: html.index('id="licence-facts"')]
    assert "入驻地址" in basics and "苏州工业园区星湖街328号5幢302室" in basics


def test_the_detail_page_says_when_no_licence_facts_are_recorded(client, park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values())
    html = login(client, clerk).get(reverse("enterprises:detail", args=[enterprise.pk]))
    html = html.content.decode()
    assert "尚未登记营业执照上的类型、成立日期、住所和经营范围" in html
    assert reverse("enterprises:edit", args=[enterprise.pk]) + "#licence-facts" in html


# ---------------------------------------------------------------------------------------------
# API (R-PLT-2)


def test_the_api_creates_and_shows_the_licence_fields(park, clerk):
    body = payload(park, **{**LICENCE, "established_on": "2019-03-12"})
    response = client_for(clerk).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["company_type"] == "有限责任公司（自然人投资或控股）"
    assert data["established_on"] == "2019-03-12"
    assert data["registered_address"] == "上海市浦东新区张江路665号3层"
    assert data["business_scope"] == SCOPE
    enterprise = Enterprise.objects.get(pk=data["id"])
    assert enterprise.established_on == datetime.date(2019, 3, 12)
    after = AuditEvent.objects.get(action="enterprise.create").after
    assert after["business_scope"] == SCOPE
    assert client_for(clerk).get(detail(enterprise.pk)).json()["established_on"] == "2019-03-12"


def test_the_api_edits_the_licence_fields_and_audits_them(park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **enterprise_values(**LICENCE))
    response = client_for(clerk).patch(
        detail(enterprise.pk),
        {"company_type": "有限责任公司（法人独资）", "established_on": None, "reason": "OCR 复核"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["company_type"] == "有限责任公司（法人独资）"
    assert response.json()["established_on"] is None
    enterprise.refresh_from_db()
    assert enterprise.business_scope == SCOPE  # not sent, not touched
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before == {
        "company_type": "有限责任公司（自然人投资或控股）",
        "established_on": "2019-03-12",
    }
    assert event.after == {"company_type": "有限责任公司（法人独资）", "established_on": None}
    assert event.reason == "OCR 复核"


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("established_on", "2019-13-45", "日期"),
        ("established_on", "2999-01-01", "不能晚于今天"),
        ("business_scope", "经" * 2001, "2000"),
    ],
    ids=["bad-date", "future-date", "scope-too-long"],
)
def test_bad_licence_input_through_the_api_is_a_400_naming_the_field_in_chinese(
    park, clerk, field, value, words
):
    before = writes()
    response = client_for(clerk).post(URL, payload(park, **{field: value}), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert words in " ".join(body["errors"][field])
    assert writes() == before


def test_the_openapi_schema_documents_the_licence_fields():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for serializer in ("Enterprise", "EnterpriseCreateRequest", "PatchedEnterpriseUpdateRequest"):
        properties = components[serializer]["properties"]
        assert set(LICENCE_FIELDS) <= set(properties), serializer
    assert components["EnterpriseCreateRequest"]["properties"]["established_on"]["format"] == "date"


# ---------------------------------------------------------------------------------------------
# Excel export and import (R-PLT-5)


def test_the_export_has_the_licence_columns_under_the_headers_the_import_reads(client, park, clerk):
    services.enterprise_create(actor=clerk, park=park, **enterprise_values(**LICENCE))
    response = login(client, clerk).get(reverse("enterprises:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert row["类型"] == "有限责任公司（自然人投资或控股）"
    assert row["成立日期"].date() == datetime.date(2019, 3, 12)
    assert row["住所"] == "上海市浦东新区张江路665号3层"
    assert row["经营范围"] == SCOPE
    assert sheet.cell(row=2, column=header.index("成立日期") + 1).number_format == "yyyy-mm-dd"
    importable = {c.header for c in imports._enterprise_columns()}
    assert {"类型", "成立日期", "住所", "经营范围"} <= importable


def test_the_import_template_offers_the_optional_licence_columns(client, park):
    importer = staff(Role.OFFICE_STAFF, park)
    response = login(client, importer).get(reverse("enterprises:import_template"))
    book = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in book["企业名录"][1]]
    assert headers[-4:] == ["类型", "成立日期", "住所", "经营范围"]  # no "*": optional
    guide = "\n".join(str(c.value) for row in book["填写说明"].iter_rows() for c in row)
    assert "2019年3月12日" in guide


def _licence_row(n, park, company_type, established_on, registered_address, scope):
    return [
        *ledgers.enterprise_row(n, park.name, status="意向"),
        company_type,
        established_on,
        registered_address,
        scope,
    ]


def test_the_import_takes_the_licence_columns_with_dates_in_chinese_and_iso_forms(
    park, django_capture_on_commit_callbacks
):
    importer = staff(Role.OFFICE_STAFF, park)
    headers = [*ledgers.ENTERPRISE_HEADERS, "类型", "成立日期", "住所", "经营范围"]
    rows = [
        _licence_row(
            0, park, "有限责任公司（法人独资）", "2019年3月12日", "上海市张江路1号", SCOPE
        ),
        _licence_row(1, park, "", "2019-03-12", "", ""),
        _licence_row(2, park, "", datetime.datetime(2018, 7, 1), "", ""),  # a date cell
        _licence_row(3, park, "", " 2017 年 1 月 5 日 ", "", ""),
        _licence_row(4, park, "", "", "", ""),  # all optional
    ]
    batch = ledgers.run_import(
        importer, ledgers.workbook(rows, headers=headers), django_capture_on_commit_callbacks
    )
    assert batch.status == ImportStatus.IMPORTED, batch.errors or batch.failure
    imported = list(Enterprise.objects.order_by("name").values(*LICENCE_FIELDS, "name"))
    by_row = {int(row["name"].rsplit("公司", 1)[1]): row for row in imported}
    assert by_row[0]["company_type"] == "有限责任公司（法人独资）"
    assert by_row[0]["registered_address"] == "上海市张江路1号"
    assert by_row[0]["business_scope"] == SCOPE
    assert [by_row[n]["established_on"] for n in range(5)] == [
        datetime.date(2019, 3, 12),
        datetime.date(2019, 3, 12),
        datetime.date(2018, 7, 1),
        datetime.date(2017, 1, 5),
        None,
    ]
    created = AuditEvent.objects.filter(action="enterprise.create")
    assert {e.after["established_on"] for e in created} >= {"2019-03-12", "2017-01-05"}


def test_the_import_reads_a_ledger_that_calls_the_address_zhu_suo_or_zhu_ce_di_zhi(
    park, django_capture_on_commit_callbacks
):
    importer = staff(Role.OFFICE_STAFF, park)
    headers = [*ledgers.ENTERPRISE_HEADERS, "企业类型", "注册日期", "注册地址", "经营范围"]
    rows = [
        _licence_row(0, park, "有限责任公司（自然人独资）", "2020-05-06", "无锡市长江路7号", "")
    ]
    batch = ledgers.run_import(
        importer, ledgers.workbook(rows, headers=headers), django_capture_on_commit_callbacks
    )
    assert batch.status == ImportStatus.IMPORTED, batch.errors or batch.failure
    enterprise = Enterprise.objects.get()
    assert enterprise.company_type == "有限责任公司（自然人独资）"
    assert enterprise.established_on == datetime.date(2020, 5, 6)
    assert enterprise.registered_address == "无锡市长江路7号"


@pytest.mark.parametrize(
    ("cell", "value", "words"),
    [
        ("成立日期", "2019-02-30", "日期格式不正确"),
        ("成立日期", "去年三月", "日期格式不正确"),
        ("成立日期", "2999年1月1日", "不能晚于今天"),
        ("经营范围", "经" * 2001, "2000"),
    ],
    ids=["no-such-day", "words", "future", "scope-too-long"],
)
def test_a_bad_licence_cell_is_a_row_error_naming_the_column_and_nothing_is_imported(
    park, django_capture_on_commit_callbacks, cell, value, words
):
    importer = staff(Role.OFFICE_STAFF, park)
    headers = [*ledgers.ENTERPRISE_HEADERS, "类型", "成立日期", "住所", "经营范围"]
    good = _licence_row(0, park, "", "2019-03-12", "", "")
    bad = _licence_row(1, park, "", "", "", "")
    bad[headers.index(cell)] = value
    batch = ledgers.run_import(
        importer, ledgers.workbook([good, bad], headers=headers), django_capture_on_commit_callbacks
    )
    assert batch.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, cell)]
    assert words in batch.errors[0]["message"]
    assert not Enterprise.objects.exists()


# ---------------------------------------------------------------------------------------------
# Portal self-service application (R-PLT-3)


def _application(park, **overrides):
    return {
        "park": park.pk,
        "name": "苏州星澜光电科技有限公司",
        "credit_code": make_credit_code(31338),
        "legal_representative": "沈毅",
        "registered_capital": "800",
        "industry": "it",
        "contact_name": "沈毅",
        "contact_phone": "13912345678",
        "contact_email": "",
        "address": "",
        "username": "xinglan",
        "password": "Xinglan@2026park",
        "password_confirm": "Xinglan@2026park",
        "email": "",
        **overrides,
    }


def test_the_portal_application_offers_the_licence_fields_as_optional(client, park):
    from parkflow.enterprises.forms import PortalApplicationForm

    form = PortalApplicationForm()
    assert set(LICENCE_FIELDS) <= set(form.ENTERPRISE_FIELDS)
    assert [name for name in LICENCE_FIELDS if form.fields[name].required] == []
    html = client.get(reverse("portal:apply")).content.decode()
    for name in LICENCE_FIELDS:
        assert f'name="{name}"' in html, name
    assert "（选填）" in html


def test_the_portal_application_stores_the_licence_fields(client, park):
    response = client.post(
        reverse("portal:apply"),
        _application(
            park,
            company_type="有限责任公司（自然人投资或控股）",
            established_on="2019-03-12",
            registered_address="苏州工业园区星湖街328号",
            business_scope=SCOPE,
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    enterprise = Enterprise.objects.get(name="苏州星澜光电科技有限公司")
    assert enterprise.company_type == "有限责任公司（自然人投资或控股）"
    assert enterprise.established_on == datetime.date(2019, 3, 12)
    assert enterprise.registered_address == "苏州工业园区星湖街328号"
    assert enterprise.business_scope == SCOPE
    after = AuditEvent.objects.get(action="enterprise.create").after
    assert after["established_on"] == "2019-03-12"


def test_a_bad_licence_field_in_the_portal_application_creates_nothing(client, park):
    from parkflow.org.models import User

    users = User.objects.count()
    response = client.post(reverse("portal:apply"), _application(park, business_scope="经" * 2001))
    assert response.status_code == 200
    assert "2000" in " ".join(response.context["form"].errors["business_scope"])
    assert not Enterprise.objects.exists()
    assert User.objects.count() == users
