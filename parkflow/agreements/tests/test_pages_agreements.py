"""The agreement pages (R-AGR-2 … R-AGR-6, R-ORG-3): the ledger scoped and exported, the page
showing clauses, lines, fees and reviews, and each action refused on the page with nothing
written."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core.models import AuditEvent, Review
from parkflow.enterprises.tests.factories import EnterpriseFactory, pdf_upload
from parkflow.org.choices import Role
from parkflow.org.tests.clients import login
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import AgreementStatus, ClauseKind
from ..gates import LEGAL_REVIEW
from ..models import Agreement
from .factories import (
    Org,
    approved_template,
    complete_clauses,
    draft,
    good_standing,
    legally_approved,
    sign,
    submitted,
    today,
    unadmitted,
)
from .routes_pages import clause_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(org):
    return approved_template(org)


def _bare(org, template, n, **values):
    """An agreement without fee lines (fast to make in numbers)."""
    enterprise = values.pop("enterprise", None) or EnterpriseFactory(park=org.park)
    start = values.pop("start_date", today())
    return services.agreement_create(
        actor=org.drafter,
        enterprise=enterprise,
        template_version=template,
        title=values.pop("title", f"入驻服务协议{n}"),
        start_date=start,
        end_date=values.pop("end_date", start + datetime.timedelta(days=364)),
    )


# ---------------------------------------------------------------------------------------------
# The ledger: scoped, filtered, exported, constant queries


def test_the_ledger_lists_only_the_agreements_of_the_users_parks(client, org, template, other_park):
    mine = _bare(org, template, 1, title="甲园入驻协议")
    other = Org(other_park)
    theirs = _bare(other, approved_template(other), 2, title="乙园入驻协议")
    html = login(client, org.drafter).get(reverse("agreements:list")).content.decode()
    assert mine.number in html and "甲园入驻协议" in html
    assert "乙园入驻协议" not in html and theirs.number not in html
    assert "入驻服务协议" in html  # the kind, by its label
    assert 'name="park"' not in html  # one park: no park filter


def test_headquarters_filter_the_ledger_by_park(client, org, template, other_park):
    _bare(org, template, 1, title="甲园入驻协议")
    other = Org(other_park)
    _bare(other, approved_template(other), 2, title="乙园入驻协议")
    hq_user = staff(Role.AUDITOR, OrgUnitFactory(name="集团总部"))
    login(client, hq_user)
    both = client.get(reverse("agreements:list")).content.decode()
    assert "甲园入驻协议" in both and "乙园入驻协议" in both and 'name="park"' in both
    only_b = client.get(reverse("agreements:list"), {"park": other_park.pk}).content.decode()
    assert "乙园入驻协议" in only_b and "甲园入驻协议" not in only_b


def test_the_ledger_filters_by_status_search_and_expiry(client, org, template):
    enterprise = good_standing(org.park, org.drafter, name="苏州云帆智能科技有限公司")
    ending = legally_approved(
        org,
        enterprise=enterprise,
        template=template,
        title="即将到期协议",
        with_rent=False,
        start_date=today() - datetime.timedelta(days=300),
        end_date=today() + datetime.timedelta(days=40),
    )
    sign(org, ending)
    _bare(org, template, 2, title="草稿协议", end_date=today() + datetime.timedelta(days=20))
    login(client, staff(Role.AUDITOR, org.park))
    url = reverse("agreements:list")
    soon = client.get(url, {"expiry": "60"}).content.decode()
    assert "即将到期协议" in soon and "草稿协议" not in soon  # a draft is not "in force"
    assert "即将到期协议" not in client.get(url, {"expiry": "30"}).content.decode()
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert "草稿协议" in drafts and "即将到期协议" not in drafts
    found = client.get(url, {"q": "云帆"}).content.decode()
    assert "即将到期协议" in found and "草稿协议" not in found


@pytest.mark.parametrize("rows", [3, 30])
def test_the_ledger_runs_a_constant_number_of_queries(
    client, org, template, rows, django_assert_max_num_queries
):
    for n in range(rows):
        _bare(org, template, n)
    reader = staff(Role.AUDITOR, org.park)
    login(client, reader)
    client.get(reverse("agreements:list"))  # warm the session and the role cache
    with django_assert_max_num_queries(9):
        response = client.get(reverse("agreements:list"))
    assert len(response.context["agreements"]) == min(rows, 20)


def test_the_export_is_scoped_filtered_and_audited(client, org, template, other_park):
    _bare(org, template, 1, title="甲园入驻协议")
    _bare(org, template, 2, title="甲园另一份协议")
    other = Org(other_park)
    _bare(other, approved_template(other), 3, title="乙园入驻协议")
    login(client, org.drafter)
    response = client.get(reverse("agreements:export"), {"q": "入驻"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    titles = [row[2] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert titles == ["甲园入驻协议"]
    event = AuditEvent.objects.get(action="agreement.export")
    assert event.after["count"] == 1 and event.after["filters"] == {"search": "入驻"}


@pytest.mark.parametrize("rows", [3, 30])
def test_the_export_runs_a_constant_number_of_queries(
    client, org, template, rows, django_assert_max_num_queries
):
    for n in range(rows):
        _bare(org, template, n)
    login(client, org.drafter)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("agreements:export"))
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="agreement.export").after["count"] == rows


# ---------------------------------------------------------------------------------------------
# The agreement page


def test_the_page_shows_numbered_clauses_the_venue_lines_and_priced_fees(client, org):
    agreement = draft(org, unit_price="96.00")  # above the 80.00 tariff
    html = login(client, org.drafter).get(agreement.get_absolute_url()).content.decode()
    assert "第一条" in html and "第五条" in html and "第六条" in html
    assert "仲裁委员会：苏州仲裁委员会" in html
    assert "高于标准" in html and "价格例外，须领导审批" in html
    assert "¥96.00" in html and "标准 ¥80.00" in html
    assert "¥11,520.00" in html  # the first month: 120 m² × ¥96.00
    assert "协议法律审查" in html and "价格例外领导审批" in html
    assert agreement.number in html


def test_a_discount_is_marked_with_its_percent(client, org):
    agreement = draft(org, unit_price="72.00")
    html = login(client, org.drafter).get(agreement.get_absolute_url()).content.decode()
    assert "折扣 10%" in html


def test_another_parks_agreement_is_a_404_on_every_page(client, org, other_park):
    agreement = draft(org)
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    login(client, outsider)
    for name in ("detail", "edit", "clauses", "fee_add", "sign"):
        assert client.get(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 404


def test_submitting_an_incomplete_agreement_names_every_gap_on_the_page(client, org):
    agreement = draft(org)
    without_dispute = [c for c in complete_clauses() if c["kind"] != ClauseKind.DISPUTE]
    without_dispute = [c for c in without_dispute if c["kind"] != ClauseKind.BREACH]
    services.agreement_clauses_set(actor=org.drafter, agreement=agreement, clauses=without_dispute)
    login(client, org.drafter)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "缺少必备条款：违约责任" in page and "缺少必备条款：争议解决" in page
    response = client.post(
        reverse("agreements:transition", args=[agreement.pk, "submit"]), {"reason": ""}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "协议不能提交审查" in html and "违约责任" in html and "争议解决" in html
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT
    assert not Review.objects.filter(gate=LEGAL_REVIEW.code).exists()


def test_submitting_a_complete_agreement_opens_the_legal_review(client, org):
    agreement = draft(org)
    login(client, org.drafter)
    response = client.post(
        reverse("agreements:transition", args=[agreement.pk, "submit"]), {"reason": ""}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_REVIEW
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "待认领" in html


def test_a_return_opinion_is_shown_on_the_draft(client, org):
    from .factories import decide_all

    agreement = submitted(org)
    decide_all(agreement, LEGAL_REVIEW, org.legal, decision="reject", opinion="违约金比例过高")
    html = login(client, org.drafter).get(agreement.get_absolute_url()).content.decode()
    assert "审查退回意见" in html and "违约金比例过高" in html


def test_a_clause_error_is_shown_inline_and_nothing_changes(client, org):
    agreement = draft(org)
    before = list(agreement.clauses.values_list("title", flat=True))
    clauses = complete_clauses()
    clauses[0]["venue_kind"] = "court"
    clauses[0]["venue_name"] = "苏州工业园区人民法院"
    login(client, org.drafter)
    response = client.post(reverse("agreements:clauses", args=[agreement.pk]), clause_post(clauses))
    assert response.status_code == 200
    assert "只有争议解决条款可以约定管辖机构" in response.content.decode()
    assert list(agreement.clauses.values_list("title", flat=True)) == before


def test_the_clause_editor_reorders_and_deletes(client, org):
    agreement = draft(org)
    clauses = complete_clauses()
    data = clause_post(clauses)
    data["clauses-0-ORDER"] = "9"  # 协议期限 last
    data["clauses-1-DELETE"] = "on"  # 费用及支付 dropped
    login(client, org.drafter)
    response = client.post(reverse("agreements:clauses", args=[agreement.pk]), data)
    assert response.status_code == 302
    titles = list(agreement.clauses.order_by("position").values_list("title", flat=True))
    assert titles == ["保密", "违约责任", "争议解决", "退出时数据处理", "协议期限"]


def test_a_fee_above_the_tariff_is_added_and_flagged(client, org):
    agreement = draft(org, with_rent=False)
    from .factories import rent_tariff

    rent_tariff(org)
    login(client, org.drafter)
    response = client.post(
        reverse("agreements:fee_add", args=[agreement.pk]),
        {
            "kind": "rent",
            "label": "办公室租金",
            "quantity": "100",
            "unit_price": "90",
            "period": "monthly",
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
            "escalation_percent": "3",
        },
    )
    assert response.status_code == 302
    fee = agreement.fees.get()
    assert fee.unit_price == Decimal("90.00") and fee.tariff_price == Decimal("80.00")
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "高于标准" in html and "每年递增 3%" in html


def test_a_fee_without_a_tariff_is_refused_on_its_field(client, org):
    agreement = draft(org, with_rent=False)
    login(client, org.drafter)
    response = client.post(
        reverse("agreements:fee_add", args=[agreement.pk]),
        {
            "kind": "property",
            "quantity": "100",
            "period": "monthly",
            "start_date": agreement.start_date.isoformat(),
            "end_date": agreement.end_date.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "请先公布收费标准" in response.content.decode()
    assert not agreement.fees.exists()


def test_a_requested_line_needs_the_enterprises_signed_note(client, org):
    agreement = draft(org)
    item = services.service_item_save(actor=org.lead, park=org.park, code="S9", name="法律咨询")
    login(client, org.drafter)
    client.post(reverse("agreements:line_add", args=[agreement.pk]), {"item": item.pk})
    line = agreement.lines.get(item=item)
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert "企业自主申请" in html and "待企业确认" in html
    assert "服务项“法律咨询”为企业自主申请，尚待企业确认" in html
    response = client.post(
        reverse("agreements:line_note", args=[agreement.pk, line.pk]), {"upload": pdf_upload()}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.confirmed_via == "signed_note" and line.signed_note


# ---------------------------------------------------------------------------------------------
# Signing (R-AGR-6, R-AGR-4, R-ENT-5)


def _sign_form(name="协议签署件.pdf"):
    return {
        "signed_on": today().isoformat(),
        "enterprise_signatory": "张总",
        "scan": pdf_upload(name),
    }


def _stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("signed.*")) if root.exists() else []


def test_signing_without_the_legal_review_is_refused_and_stores_nothing(client, org, settings):
    agreement = submitted(org)
    login(client, org.drafter)
    page = client.get(reverse("agreements:sign", args=[agreement.pk])).content.decode()
    assert "当前不能登记签署" in page and "协议法律审查" in page
    response = client.post(reverse("agreements:sign", args=[agreement.pk]), _sign_form())
    assert response.status_code == 200
    assert "协议法律审查" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_REVIEW and not agreement.signed_scan
    assert _stored_files(settings) == []


def test_signing_for_an_enterprise_not_in_good_standing_is_refused(client, org, settings):
    agreement = legally_approved(org, enterprise=unadmitted(org.park))
    login(client, org.drafter)
    response = client.post(reverse("agreements:sign", args=[agreement.pk]), _sign_form())
    assert "企业不符合签约条件" in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED and not agreement.signed_on
    assert _stored_files(settings) == []


def test_signing_records_date_signatories_and_scan(client, org):
    agreement = legally_approved(org)
    login(client, org.drafter)
    html = client.get(agreement.get_absolute_url()).content.decode()
    assert reverse("agreements:sign", args=[agreement.pk]) in html
    response = client.post(reverse("agreements:sign", args=[agreement.pk]), _sign_form())
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    assert agreement.enterprise_signatory == "张总" and agreement.park_signatory == org.drafter
    assert agreement.scan_name == "协议签署件.pdf"


# ---------------------------------------------------------------------------------------------
# Amendments (R-AGR-6): a new version, its clause diff


def test_an_amendment_shows_what_it_changes_clause_by_clause(client, org):
    agreement = sign(org, legally_approved(org))
    login(client, org.drafter)
    response = client.post(reverse("agreements:amend", args=[agreement.pk]), {"title": ""})
    amendment = Agreement.objects.get(amends=agreement)
    assert response["Location"] == amendment.get_absolute_url()
    clauses = complete_clauses()
    clauses[3]["text"] = "任何一方违约，应赔偿守约方因此遭受的全部损失。"
    clauses.append({"kind": "other", "title": "附则", "text": "本补充协议与原协议具有同等效力。"})
    services.agreement_clauses_set(actor=org.drafter, agreement=amendment, clauses=clauses)
    html = client.get(amendment.get_absolute_url()).content.decode()
    assert "与第1版相比的条款变更" in html
    assert "修改 1" in html and "新增 1" in html
    assert "<ins>全部</ins>" in html
    assert "补充协议1" in html  # the versions card
    original = client.get(agreement.get_absolute_url()).content.decode()
    assert "与第1版相比" not in original


def test_an_agreement_that_is_not_signed_cannot_be_amended(client, org):
    agreement = draft(org)
    login(client, org.drafter)
    response = client.post(reverse("agreements:amend", args=[agreement.pk]), {"title": ""})
    assert response.status_code == 409
    assert "只有已签署的协议可以起草补充协议" in response.content.decode()
    assert not Agreement.objects.filter(amends=agreement).exists()


# ---------------------------------------------------------------------------------------------
# A new agreement


def test_only_approved_current_templates_are_offered_and_a_lapsed_one_says_why(
    client, org, template
):
    lapsed = approved_template(org, kind="property", name="物业服务协议模板")
    lapsed.last_reviewed_on = today() - datetime.timedelta(days=400)
    lapsed.save(update_fields=["last_reviewed_on"])
    enterprise = EnterpriseFactory(park=org.park)
    login(client, org.drafter)
    response = client.get(reverse("agreements:create"))
    choices = [pk for pk, _label in response.context["form"].fields["template_version"].choices]
    assert template.pk in [getattr(c, "value", c) for c in choices]
    assert lapsed.pk not in [getattr(c, "value", c) for c in choices]
    html = response.content.decode()
    assert "暂不可用的模板" in html and "物业服务协议模板" in html and "复核逾期" in html
    refused = client.post(
        reverse("agreements:create"),
        {
            "enterprise": enterprise.pk,
            "template_version": lapsed.pk,
            "title": "物业服务协议",
            "start_date": today().isoformat(),
            "end_date": (today() + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert refused.status_code == 200 and not Agreement.objects.exists()


def test_a_new_agreement_is_drafted_from_the_template(client, org, template):
    enterprise = EnterpriseFactory(park=org.park)
    login(client, org.drafter)
    response = client.post(
        reverse("agreements:create"),
        {
            "enterprise": enterprise.pk,
            "template_version": template.pk,
            "title": "入驻服务协议",
            "start_date": today().isoformat(),
            "end_date": (today() + datetime.timedelta(days=364)).isoformat(),
        },
    )
    agreement = Agreement.objects.get()
    assert response["Location"] == agreement.get_absolute_url()
    assert agreement.clauses.count() == template.clauses.count()


def test_the_end_before_the_start_is_refused_on_its_field(client, org, template):
    enterprise = EnterpriseFactory(park=org.park)
    login(client, org.drafter)
    response = client.post(
        reverse("agreements:create"),
        {
            "enterprise": enterprise.pk,
            "template_version": template.pk,
            "title": "入驻服务协议",
            "start_date": today().isoformat(),
            "end_date": (today() - datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert "终止日期不能早于起始日期" in response.content.decode()
    assert not Agreement.objects.exists()


# ---------------------------------------------------------------------------------------------
# The reviewer's panel and the workbench


def test_the_legal_reviewer_sees_the_clauses_and_fees_on_the_review_page(client, org):
    from parkflow.core import workflow

    agreement = draft(org, unit_price="96.00")
    services.agreement_update(actor=org.drafter, agreement=agreement, price_approver=org.deputy)
    workflow.transition(actor=org.drafter, obj=agreement, name="submit")
    review = Review.objects.get(gate=LEGAL_REVIEW.code)
    html = login(client, org.legal).get(reverse("core:review_detail", args=[review.pk]))
    text = html.content.decode()
    assert "协议内容" in text and "第三条" in text and "办公室租金" in text
    assert "高于标准" in text


def test_the_workbench_counts_agreements_awaiting_signature(client, org):
    legally_approved(org)
    html = login(client, org.drafter).get(reverse("workbench:home")).content.decode()
    assert "协议待签署" in html


def test_the_blank_rows_of_the_clause_editor_are_left_out(client, org):
    """The editor's page posts two untouched extra rows: saving adds nothing for them."""
    agreement = draft(org)
    login(client, org.drafter)
    page = client.get(reverse("agreements:clauses", args=[agreement.pk]))
    formset = page.context["formset"]
    data = {}
    for form in formset.forms:
        for name in form.fields:
            value = form[name].value()
            if name == "DELETE":
                continue
            data[form.add_prefix(name)] = "" if value is None else value
    data.update({f"clauses-{k}": v for k, v in formset.management_form.initial.items()})
    response = client.post(reverse("agreements:clauses", args=[agreement.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert agreement.clauses.count() == 6
