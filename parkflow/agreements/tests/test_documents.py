"""The agreement's documents out (R-AGR-6): the PDF and the .docx say what the agreement says, in
Chinese, and the downloads are scoped, audited and kept off shared caches."""

import datetime
import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_user
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .. import documents, services
from ..choices import AgreementKind, ClauseKind, FeeKind, FeePeriod, TariffUnit, VenueKind
from ..gates import LEGAL_REVIEW
from .factories import (
    ARBITRATION,
    Org,
    approved_template,
    clause,
    decide_all,
    good_standing,
    sign,
    submitted,
)

pytestmark = pytest.mark.django_db

SCREENSHOT = Path(__file__).resolve().parents[3] / "docs/screenshots/agreements"

CLAUSES = [
    clause(
        ClauseKind.TERM,
        "协议期限",
        "本协议期限自协议约定的起始日期起至终止日期止。期限届满前六十日内，双方可协商续签；"
        "乙方未提出续签且未办理退出手续的，甲方有权书面催告。",
    ),
    clause(
        ClauseKind.FEES,
        "费用及支付",
        "乙方应按附件二《费用明细表》约定的金额与周期，于每期开始前十个工作日内向甲方支付相应费用。"
        "甲方在收款后五个工作日内向乙方开具合法有效的发票。\n"
        "甲方收取的押金在协议终止、乙方结清全部费用并办理退出手续后三十日内无息退还。",
    ),
    clause(
        ClauseKind.CONFIDENTIALITY,
        "保密",
        "双方对在履行本协议过程中知悉的对方商业秘密、技术资料和经营信息负有保密义务，"
        "未经对方书面同意不得向任何第三方披露，本条款在协议终止后继续有效。",
    ),
    clause(
        ClauseKind.BREACH,
        "违约责任",
        "任何一方违反本协议约定的，应赔偿守约方因此遭受的直接损失。乙方逾期支付费用的，"
        "每逾期一日按应付未付金额的万分之五向甲方支付违约金。",
    ),
    clause(
        ClauseKind.DISPUTE,
        "争议解决",
        "因本协议引起的或与本协议有关的争议，双方应友好协商解决；协商不成的，提交约定机构解决。",
        venue_kind=VenueKind.ARBITRATION,
        venue_name=ARBITRATION,
    ),
    clause(
        ClauseKind.DATA_ON_EXIT,
        "退出时数据处理",
        "乙方退出园区时，甲方应按乙方要求返还或删除其在园区服务系统中留存的企业数据，并出具书面确认。",
    ),
]


def _full_agreement(org, *, signed=True):
    """A residency agreement with required and requested services, rent with a yearly rise, a
    property fee and a deposit — signed unless asked otherwise."""
    park = org.park
    services.service_item_save(
        actor=org.lead,
        park=park,
        code="RZ-01",
        name="工商注册代办",
        description="协助办理企业设立、变更登记",
        required_for=[AgreementKind.RESIDENCY],
    )
    requested = services.service_item_save(
        actor=org.lead,
        park=park,
        code="ZZ-02",
        name="人才公寓申请",
        description="协助员工申请园区人才公寓",
    )
    template = approved_template(org, clauses=CLAUSES)
    for kind, unit, price in (
        (FeeKind.RENT, TariffUnit.PER_SQM_MONTH, "80.00"),
        (FeeKind.PROPERTY, TariffUnit.PER_SQM_MONTH, "6.50"),
        (FeeKind.DEPOSIT, TariffUnit.PER_ITEM, "28800.00"),
    ):
        services.tariff_publish(
            actor=org.lead,
            park=park,
            fee_kind=kind,
            unit=unit,
            price=price,
            effective_from=datetime.date.today(),
        )
    enterprise = good_standing(park, org.drafter, name="苏州博瑞精密机械有限公司")
    start = datetime.date.today()
    agreement = services.agreement_create(
        actor=org.drafter,
        enterprise=enterprise,
        template_version=template,
        title="苏州博瑞精密机械有限公司入驻服务协议",
        start_date=start,
        end_date=start.replace(year=start.year + 3) - datetime.timedelta(days=1),
    )
    line = services.service_line_add(actor=org.drafter, agreement=agreement, item=requested)
    services.service_line_confirm(actor=enterprise_user(enterprise), line=line)
    end = agreement.end_date
    for kind, label, quantity, period, escalation in (
        (
            FeeKind.RENT,
            "办公室租金（星湖街328号创意产业园3号楼506室）",
            "120",
            FeePeriod.MONTHLY,
            "3",
        ),
        (FeeKind.PROPERTY, "物业管理费", "120", FeePeriod.QUARTERLY, "0"),
        (FeeKind.DEPOSIT, "租赁押金", "1", FeePeriod.ONCE, "0"),
    ):
        services.fee_line_add(
            actor=org.drafter,
            agreement=agreement,
            kind=kind,
            label=label,
            quantity=Decimal(quantity),
            period=period,
            start_date=start,
            end_date=start if period == FeePeriod.ONCE else end,
            escalation_percent=escalation,
        )
    if not signed:
        return agreement
    from parkflow.core import workflow

    agreement = workflow.transition(actor=org.drafter, obj=agreement, name="submit")
    decide_all(agreement, LEGAL_REVIEW, org.legal)
    agreement.refresh_from_db()
    return sign(org, agreement)


def pdf_text(content: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def first_page_png(content: bytes, path: Path) -> None:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        image = document[0].render(scale=1.6).to_pil()
        image.quantize(colors=48).save(path, optimize=True)
    finally:
        document.close()


# ---------------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五"), (100, "一百"),
     (105, "一百零五"), (110, "一百一十"), (999, "九百九十九")],
)  # fmt: skip
def test_clause_numbers_are_written_in_chinese(n, text):
    assert documents.chinese_number(n) == text
    assert documents.article(n) == f"第{text}条"


def test_money_and_dates_are_written_the_chinese_way():
    assert documents.money(Decimal("12345.6")) == "¥12,345.60"
    assert documents.chinese_date(datetime.date(2026, 11, 28)) == "2026年11月28日"


# ---------------------------------------------------------------------------------------------
# PDF


def test_the_pdf_says_what_the_agreement_says_with_chinese_clause_numbers(park):
    org = Org(park)
    agreement = _full_agreement(org)
    content = documents.render_pdf(agreement)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    flat = text.replace("\n", "").replace("\r", "")
    assert agreement.title in flat
    assert agreement.number in flat
    assert "第一条　协议期限" in flat and "第六条　退出时数据处理" in flat
    assert "双方对在履行本协议过程中知悉的对方商业秘密" in flat
    assert f"约定的争议解决机构：{ARBITRATION}" in flat
    assert agreement.enterprise.credit_code in flat
    assert park.name in flat
    # The term, the services (required and requested) and the fee schedule.
    assert documents.chinese_date(agreement.start_date) in flat
    assert "工商注册代办" in flat and "协议类型必备" in flat
    assert "人才公寓申请" in flat and "企业自主申请" in flat
    assert "¥80.00" in flat and "¥28,800.00" in flat and "3.00%" in flat
    # Page numbers and the signature block.
    pages = text.count("第 1 页 / 共 ")
    assert pages == 1 and "页 / 共 " in text
    assert "甲方（盖章）" in flat and "乙方（盖章）" in flat
    assert "企业法定代表人" in flat  # the enterprise's signatory, as recorded at signing


def test_the_pdf_embeds_its_fonts_so_every_reader_prints_the_same(park):
    from pypdf import PdfReader

    content = documents.render_pdf(_full_agreement(Org(park), signed=False))
    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile3")), font
            fonts.add(str(font["/BaseFont"]))
    assert any("NotoSerifCJK" in name for name in fonts), fonts


def test_a_draft_pdf_says_it_is_not_for_signing(park):
    agreement = _full_agreement(Org(park), signed=False)
    flat = pdf_text(documents.render_pdf(agreement)).replace("\n", "")
    assert "仅供审阅，不作签署之用" in flat


def test_the_first_page_of_the_pdf_is_rendered_for_the_docs(park):
    """Writes docs/screenshots/agreements/agreement-pdf-page1.png when asked
    (PARKFLOW_SCREENSHOTS=1); always checks page 1 renders with ink on it."""
    content = documents.render_pdf(_full_agreement(Org(park)))
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(content)
    try:
        image = document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    dark = sum(image.histogram()[:128])
    assert dark > 3000, dark  # a page of text, not an empty one
    if os.environ.get("PARKFLOW_SCREENSHOTS"):
        SCREENSHOT.mkdir(parents=True, exist_ok=True)
        first_page_png(content, SCREENSHOT / "agreement-pdf-page1.png")


def test_missing_fonts_are_named_with_the_package_to_install(settings):
    documents.font_files.cache_clear()
    settings.PARKFLOW_CJK_FONT_DIRS = ["/nonexistent"]
    try:
        with pytest.raises(documents.FontsMissing, match="fonts-noto-cjk"):
            documents.font_files()
    finally:
        documents.font_files.cache_clear()


# ---------------------------------------------------------------------------------------------
# Word


def test_the_docx_has_the_clauses_the_fee_table_and_a_chinese_font(park):
    from docx import Document
    from docx.oxml.ns import qn

    agreement = _full_agreement(Org(park))
    document = Document(io.BytesIO(documents.render_docx(agreement)))
    paragraphs = [p.text for p in document.paragraphs]
    assert agreement.title in paragraphs
    assert "第一条　协议期限" in paragraphs and "第三条　保密" in paragraphs
    assert any(p.startswith("双方对在履行本协议过程中") for p in paragraphs)
    fees = next(t for t in document.tables if t.rows[0].cells[1].text == "费用名称")
    assert fees.rows[1].cells[4].text.startswith("¥80.00")
    assert len(fees.rows) == 4
    services_table = next(t for t in document.tables if t.rows[0].cells[1].text == "服务项目")
    bases = {row.cells[1].text: row.cells[3].text for row in services_table.rows[1:]}
    assert bases == {"工商注册代办": "协议类型必备", "人才公寓申请": "企业自主申请"}
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    footer = document.sections[0].footer._element.xml
    assert "NUMPAGES" in footer and "第 " in footer


# ---------------------------------------------------------------------------------------------
# Downloads


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name, agreement):
    return reverse(f"agreements:{name}", args=[agreement.pk])


@pytest.mark.parametrize(("name", "mime"), [("pdf", documents.PDF), ("docx", documents.DOCX)])
def test_staff_download_is_audited_private_and_named_in_chinese(park, name, mime):
    org = Org(park)
    agreement = submitted(org)
    client = login_client(staff(Role.AUDITOR, park))
    before = AuditEvent.objects.filter(action="agreement.download").count()
    response = client.get(_url(name, agreement))
    assert response.status_code == 200
    assert response["Content-Type"] == mime
    assert "private" in response["Cache-Control"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert "%E5%85%A5%E9%A9%BB" in response["Content-Disposition"]  # 入驻, percent-encoded
    event = AuditEvent.objects.filter(action="agreement.download").latest("id")
    assert AuditEvent.objects.filter(action="agreement.download").count() == before + 1
    assert event.after["format"] == name


@pytest.mark.parametrize("name", ["pdf", "docx", "scan"])
def test_another_parks_staff_get_404_and_nothing_is_audited(park, name):
    org = Org(park)
    agreement = sign(org, submitted_and_approved(org))
    other = ParkFactory()
    client = login_client(staff(Role.LEAD_STAFF, other))
    events = AuditEvent.objects.count()
    assert client.get(_url(name, agreement)).status_code == 404
    assert AuditEvent.objects.count() == events


def submitted_and_approved(org):
    from .factories import legally_approved

    return legally_approved(org)


def test_the_enterprises_own_user_gets_404_from_the_staff_download(park):
    org = Org(park)
    agreement = submitted(org)
    client = login_client(enterprise_user(agreement.enterprise))
    assert client.get(_url("pdf", agreement)).status_code == 404


def test_the_signed_scan_is_served_for_a_signed_agreement_only(park):
    org = Org(park)
    agreement = submitted(org)
    client = login_client(staff(Role.AUDITOR, park))
    assert client.get(_url("scan", agreement)).status_code == 404
    decide_all(agreement, LEGAL_REVIEW, org.legal)
    agreement.refresh_from_db()
    signed = sign(org, agreement)
    response = client.get(_url("scan", signed))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.filter(action="agreement.download").latest("id")
    assert event.after["format"] == "scan"


def test_the_portal_helper_serves_the_enterprise_its_own_pdf_and_refuses_a_stranger(park, rf):
    from parkflow.core.errors import PermissionDenied

    org = Org(park)
    agreement = submitted(org)
    request = rf.get("/")
    request.user = enterprise_user(agreement.enterprise)
    response = documents.agreement_pdf_response(request, agreement)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    stranger = enterprise_user(EnterpriseFactory(park=park))
    request.user = stranger
    with pytest.raises(PermissionDenied):
        documents.agreement_pdf_response(request, agreement)
