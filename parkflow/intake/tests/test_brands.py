"""R-ENT-6: brand-impersonation check (D15, D20). A brand is found only as a whole word of the
segmented name; homophones are compared with the brand's own stored reading, tone for tone.
Threshold: NEAR_MISS_THRESHOLD = 90 (rapidfuzz ratio over toneless pinyin, brands of three or
more syllables). The labelled list (brand_cases.py) is held to recall 100 % and precision ≥ 95 %.

Adjusted for D20: the brands below carry their readings. The earlier cases relied on every
reading of the brand counting (华为 read huá wèi as well), which is what the issue calls wrong."""

import pytest
from django.urls import reverse

from parkflow.core import gates, reviews
from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.tests.factories import pdf_upload
from parkflow.intake import brands
from parkflow.intake import services as intake_services
from parkflow.intake.choices import BrandMatch
from parkflow.intake.gates import ADMISSION, BRAND_AUTHORISATION
from parkflow.intake.models import BrandFlag, ProtectedBrand
from parkflow.intake.tests import brand_cases
from parkflow.intake.tests.factories import application_under_review
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

BRANDS = [
    ("华为", ["HUAWEI"]),
    ("阿里巴巴", ["Alibaba"]),
    ("腾讯", ["Tencent"]),
    ("海尔", []),
    ("京东", ["JD"]),
    ("比亚迪", ["BYD"]),
    ("格力", []),
]
READINGS = {
    "华为": "hua2 wei2",
    "阿里巴巴": "a1 li3 ba1 ba1",
    "腾讯": "teng2 xun4",
    "海尔": "hai3 er3",
    "京东": "jing1 dong1",
    "比亚迪": "bi3 ya4 di2",
    "格力": "ge2 li4",
}


@pytest.mark.parametrize(
    ("name", "brand", "method"),
    [
        ("苏州华为智能科技有限公司", "华为", BrandMatch.EXACT),
        ("HUAWEI（苏州）科技有限公司", "华为", BrandMatch.EXACT),
        ("蘇州華為科技有限公司", "华为", BrandMatch.TRADITIONAL),
        ("苏州華為通信設備有限公司", "华为", BrandMatch.TRADITIONAL),
        ("苏州华维通信有限公司", "华为", BrandMatch.PINYIN),
        ("苏州腾迅网络科技有限公司", "腾讯", BrandMatch.PINYIN),
        ("Tengxun（无锡）信息技术有限公司", "腾讯", BrandMatch.PINYIN),
        ("常州比亚笛汽车配件有限公司", "比亚迪", BrandMatch.PINYIN),
        ("杭州阿里爸爸网络有限公司", "阿里巴巴", BrandMatch.NEAR_MISS),
        ("苏州阿哩巴巴电子商务有限公司", "阿里巴巴", BrandMatch.PINYIN),
    ],
)
def test_impersonating_names_are_caught(name, brand, method):
    aliases = dict(BRANDS)[brand]
    found = brands.match(name, brand, aliases, READINGS[brand])
    assert found is not None, f"{name} should match {brand}"
    assert found[0] == method


@pytest.mark.parametrize(
    "name",
    [
        "苏州华伟机电有限公司",  # huá wěi ≠ huá wéi/wèi
        "上海尔康生物科技有限公司",  # 上海 + 尔康, not 海尔
        "苏州京动物流有限公司",  # jīng dòng ≠ jīng dōng
        "苏州纳微光电科技有限公司",
        "无锡美达纺织有限公司",
        "常州天合光能有限公司",
        "南通海宏纺织有限公司",
        "苏州格林环保科技有限公司",
        "无锡比特数据服务有限公司",
        "江苏阿尔法医疗器械有限公司",
    ],
)
def test_ordinary_names_are_not_flagged(name):
    for brand, aliases in BRANDS:
        found = brands.match(name, brand, aliases, READINGS[brand])
        assert found is None, f"{name} wrongly matched {brand}: {found}"


def test_trade_name_strips_region_and_legal_form():
    assert brands.trade_name("江苏省苏州市华为智能科技股份有限公司") == "华为智能科技"
    assert brands.trade_name("HUAWEI（苏州）科技有限公司") == "HUAWEI科技"


@pytest.fixture
def protected(db):
    return {
        name: ProtectedBrand.objects.create(
            name=name, aliases=",".join(aliases), reading=READINGS[name]
        )
        for name, aliases in BRANDS
    }


def test_a_brand_hit_blocks_approval_until_an_authorisation_is_approved(park, protected):
    clerk = staff(Role.BUSINESS_STAFF, park)
    reviewers = [staff(Role.RISK_OFFICER, park) for _ in range(3)]
    enterprise = application_under_review(park, clerk, name="苏州华维通信有限公司")
    flag = BrandFlag.objects.get(enterprise=enterprise)
    assert (flag.brand.name, flag.method, flag.status) == ("华为", BrandMatch.PINYIN, "open")

    first, second = gates.latest_round(enterprise, ADMISSION)
    reviews.decide(actor=first.assigned_to, review=first, decision="approve")
    decided = reviews.decide(actor=second.assigned_to, review=second, decision="approve")
    # The reviewers approved the content; admission is held back by the flag, and said so.
    assert isinstance(decided.consequence_error, Conflict)
    assert "品牌冒用嫌疑" in str(decided.consequence_error)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW

    document = intake_services.document_upload(
        actor=clerk,
        enterprise=enterprise,
        doc_type="brand_authorisation",
        upload=pdf_upload("授权书.pdf"),
    )
    review = gates.reviews_of(document, BRAND_AUTHORISATION).get()
    reviewer = next(r for r in reviewers if r.pk not in (first.assigned_to_id,))
    reviews.decide(actor=reviewer, review=review, decision="approve", opinion="授权书真实有效")
    flag.refresh_from_db()
    assert flag.status == "cleared" and flag.cleared_by_document == document
    # Clearing the flag lets the reviewers' approval take effect (intake's consequence).
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED


def test_the_uploader_of_an_authorisation_cannot_approve_it(park, protected):
    clerk = staff(Role.LEAD_STAFF, park)
    for _ in range(2):
        staff(Role.RISK_OFFICER, park)
    enterprise = application_under_review(park, clerk, name="苏州华为智能科技有限公司")
    document = intake_services.document_upload(
        actor=clerk, enterprise=enterprise, doc_type="brand_authorisation", upload=pdf_upload()
    )
    with pytest.raises(PermissionDenied):
        reviews.decide(
            actor=clerk,
            review=gates.reviews_of(document, BRAND_AUTHORISATION).get(),
            decision="approve",
        )


def test_renaming_to_a_brand_raises_a_flag(park, protected):
    from parkflow.enterprises.tests.factories import EnterpriseFactory

    clerk = staff(Role.BUSINESS_STAFF, park)
    enterprise = EnterpriseFactory(park=park, name="苏州普通科技有限公司")
    services.enterprise_update(actor=clerk, enterprise=enterprise, name="苏州格力电器销售有限公司")
    assert BrandFlag.objects.get(enterprise=enterprise).brand.name == "格力"


# --- D20: whole words, the brand's own reading, the labelled list, the evidence ----------------


def test_the_labelled_list_is_caught_with_full_recall_and_at_least_95_percent_precision():
    result = brand_cases.evaluate()
    assert result["names"] >= 100
    assert result["impersonations"] >= 40 and result["ordinary"] >= 60
    assert result["brands"] == 15  # every demo brand has impersonations on the list
    patterns = {case[2] for case in brand_cases.IMPERSONATIONS}
    assert {
        brand_cases.HOMOPHONE,
        brand_cases.TRADITIONAL,
        brand_cases.LATIN,
        brand_cases.NEAR_MISS,
        brand_cases.WORD,
    } <= patterns
    assert {brand_cases.TRAP, brand_cases.TONE} <= {case[2] for case in brand_cases.ORDINARY}
    assert result["recall"] == 1.0, result["misclassified"]
    assert result["precision"] >= 0.95, result["misclassified"]


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("精华为本美容店", "华为"),  # 精华 | 为本
        ("苏州中华为民物业管理有限公司", "华为"),  # 中华 | 为民
        ("苏州乐百度假村有限公司", "百度"),  # 乐百 | 度假村
        ("苏州美的确良服装有限公司", "美的"),  # 美 | 的确良
    ],
)
def test_a_brand_straddling_a_word_boundary_is_not_flagged(name, brand):
    spec = next(s for s in brand_cases.demo_brands() if s.name == brand)
    assert brands.find_hits(name, [spec]) == []
    # The old plain-substring reading would have flagged it.
    assert brand in brands.simplified(name)


def test_homophones_compare_with_the_brands_stored_reading_tone_for_tone():
    assert brands.match("苏州华卫药业有限公司", "华为", (), "hua2 wei2") is None
    assert brands.match("苏州华维通信有限公司", "华为", (), "hua2 wei2").method == BrandMatch.PINYIN
    # The stored reading decides: read the brand huá wèi and 华卫 becomes its homophone.
    assert brands.match("苏州华卫药业有限公司", "华为", (), "hua2 wei4").method == BrandMatch.PINYIN


def test_a_distinct_word_containing_the_brand_is_not_flagged_but_a_brand_compound_is():
    assert brands.match("京东方科技集团股份有限公司", "京东", (), "jing1 dong1", ["京东方"]) is None
    found = brands.match("无锡华为技术服务有限公司", "华为", (), "hua2 wei2")
    assert found.evidence["path"] == "compound" and found.evidence["word"] == "华为技术"


def test_every_hit_explains_why_in_chinese():
    found = brands.match("苏州华维通信设备有限公司", "华为", ("HUAWEI",), "hua2 wei2")
    assert found.evidence["path"] == "homophone"
    assert found.evidence["span"] == "华维"
    assert found.evidence["segments"] == ["苏州", "华维", "通信", "设备"]
    assert found.evidence["brand_reading"] == found.evidence["span_reading"] == "hua2 wei2"
    why = brands.explain(found.evidence)
    assert "华维" in why and "huá wéi" in why and "华为" in why
    near = brands.match("杭州阿里爸爸网络有限公司", "阿里巴巴", (), "a1 li3 ba1 ba1")
    assert near.method == BrandMatch.NEAR_MISS
    assert "阿里爸爸" in brands.explain(near.evidence)
    assert f"阈值 {brands.NEAR_MISS_THRESHOLD}" in brands.explain(near.evidence)


def test_a_new_brand_joins_the_segmenter_dictionary():
    assert (
        brands.match("苏州蔚来汽车销售有限公司", "蔚来", (), "wei4 lai2").evidence["path"] == "word"
    )
    # A brand dropped from the list leaves the dictionary (the segmenter is rebuilt).
    specs = [brands.BrandSpec("华为", (), "hua2 wei2")]
    brands.find_hits("苏州华为科技有限公司", specs)
    assert "蔚来" not in brands._segmenter["words"]


@pytest.mark.parametrize(
    ("reading", "problem"),
    [
        ("hua2", "2 个汉字，读音有 1 个音节"),
        ("hua2 wei6", "wei6"),
        ("hua2 wex2", "wex2"),
        ("huá wéi", "huá"),
    ],
)
def test_a_bad_reading_is_refused_naming_the_field(park, reading, problem):
    admin = staff(Role.SYSTEM_ADMIN, park)
    with pytest.raises(ValidationFailed) as exc:
        intake_services.protected_brand_create(actor=admin, name="华为", reading=reading)
    assert problem in " ".join(exc.value.errors["reading"])
    assert not ProtectedBrand.objects.exists()


def test_the_reading_defaults_to_the_most_common_and_is_editable_and_audited(park):
    admin = staff(Role.SYSTEM_ADMIN, park)
    brand = intake_services.protected_brand_create(actor=admin, name="华为")
    assert brand.reading == "hua2 wei4"  # pypinyin's guess: why the reading is editable
    brand = intake_services.protected_brand_update(actor=admin, brand=brand, reading=" Hua2  WEI2 ")
    assert brand.reading == "hua2 wei2" and brand.reading_display == "huá wéi"
    event = AuditEvent.objects.filter(action="brand.update").latest("id")
    assert event.before["reading"] == "hua2 wei4" and event.after["reading"] == "hua2 wei2"
    renamed = intake_services.protected_brand_update(actor=admin, brand=brand, name="腾讯")
    assert renamed.reading == "teng2 xun4"  # a new name without a reading takes its default


def test_only_brand_managers_edit_a_brand(park):
    brand = intake_services.protected_brand_create(
        actor=staff(Role.SYSTEM_ADMIN, park), name="华为"
    )
    with pytest.raises(PermissionDenied):
        intake_services.protected_brand_update(
            actor=staff(Role.BUSINESS_STAFF, park), brand=brand, reading="hua2 wei2"
        )
    brand.refresh_from_db()
    assert brand.reading == "hua2 wei4"


def test_a_flag_keeps_the_evidence_found_at_check_time(park, protected):
    clerk = staff(Role.BUSINESS_STAFF, park)
    for _ in range(3):
        staff(Role.RISK_OFFICER, park)
    enterprise = application_under_review(park, clerk, name="苏州华维通信设备有限公司")
    flag = BrandFlag.objects.get(enterprise=enterprise)
    assert flag.evidence["path"] == "homophone" and flag.evidence["span"] == "华维"
    why = flag.why
    intake_services.protected_brand_update(
        actor=staff(Role.SYSTEM_ADMIN, park), brand=protected["华为"], reading="hua2 wei4"
    )
    flag.refresh_from_db()
    assert flag.why == why and "huá wéi" in why
    event = AuditEvent.objects.filter(action="brand.flag").latest("id")
    assert event.after["path"] == "homophone" and event.after["span"] == "华维"


# --- the brands page, the flag card and the API show the reading and the evidence -----------


def test_the_brands_page_edits_a_reading_through_the_service(client, park):
    office = staff(Role.OFFICE_STAFF, park)
    brand = intake_services.protected_brand_create(
        actor=staff(Role.SYSTEM_ADMIN, park), name="华为"
    )
    client.force_login(office)
    url = reverse("intake:brands")
    opened = client.get(url, {"edit": brand.pk})
    assert opened.context["editing"] == brand
    assert opened.context["form"].initial["reading"] == "hua2 wei4"
    refused = client.post(
        url, {"brand": brand.pk, "name": "华为", "reading": "hua2", "is_active": "on"}
    )
    assert refused.status_code == 200
    assert "读音" in " ".join(refused.context["form"].errors["reading"])
    brand.refresh_from_db()
    assert brand.reading == "hua2 wei4"
    saved = client.post(
        url,
        {
            "brand": brand.pk,
            "name": "华为",
            "reading": "hua2 wei2",
            "distinct_words": "华为民",
            "is_active": "on",
        },
    )
    assert saved.status_code == 302
    brand.refresh_from_db()
    assert (brand.reading, brand.distinct_word_list, brand.is_active) == (
        "hua2 wei2",
        ["华为民"],
        True,
    )
    assert AuditEvent.objects.filter(action="brand.update", actor=office).exists()
    html = client.get(url).content.decode()
    assert "huá wéi" in html and "华为民" in html


def test_the_flag_card_and_the_brand_list_show_why_it_matched(client, park, protected):
    clerk = staff(Role.BUSINESS_STAFF, park)
    for _ in range(3):
        staff(Role.RISK_OFFICER, park)
    enterprise = application_under_review(park, clerk, name="苏州华维通信设备有限公司")
    client.force_login(clerk)
    html = client.get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "命中依据" in html and "“华维”可读作 huá wéi" in html
    client.force_login(staff(Role.OFFICE_STAFF, park))
    html = client.get(reverse("intake:brands")).content.decode()
    assert "“华维”可读作 huá wéi" in html


def test_the_api_edits_a_reading_and_refuses_a_bad_one_naming_the_field(park):
    from rest_framework.test import APIClient

    admin = staff(Role.SYSTEM_ADMIN, park)
    brand = intake_services.protected_brand_create(actor=admin, name="华为")
    api = APIClient()
    api.force_login(admin)
    url = f"/api/v1/protected-brands/{brand.pk}/"
    bad = api.patch(url, {"reading": "hua2 wei9"}, format="json")
    assert bad.status_code == 400 and "reading" in str(bad.json())
    good = api.patch(url, {"reading": "hua2 wei2"}, format="json")
    assert good.status_code == 200
    assert (good.json()["reading"], good.json()["reading_display"]) == ("hua2 wei2", "huá wéi")
    clerk = APIClient()
    clerk.force_login(staff(Role.BUSINESS_STAFF, park))
    assert clerk.patch(url, {"reading": "hua2 wei4"}, format="json").status_code == 403
    brand.refresh_from_db()
    assert brand.reading == "hua2 wei2"


def test_the_admin_saves_a_brand_through_the_service_with_its_reading(client, park):
    admin_user = staff(Role.SYSTEM_ADMIN, park, is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:intake_protectedbrand_add")
    values = {"name": "华为", "aliases": "", "owner": "", "distinct_words": "", "is_active": "on"}
    refused = client.post(url, {**values, "reading": "hua2 wei7"})
    assert refused.status_code == 200 and not ProtectedBrand.objects.exists()
    assert client.post(url, {**values, "reading": ""}).status_code == 302
    brand = ProtectedBrand.objects.get()
    assert brand.reading == "hua2 wei4"  # blank: the most common reading
    change = reverse("admin:intake_protectedbrand_change", args=[brand.pk])
    assert client.post(change, {**values, "reading": "hua2 wei2"}).status_code == 302
    brand.refresh_from_db()
    assert brand.reading == "hua2 wei2"
    event = AuditEvent.objects.filter(action="brand.update").latest("id")
    assert (event.before["reading"], event.after["reading"]) == ("hua2 wei4", "hua2 wei2")


def test_a_latin_brand_name_is_matched_as_a_whole_latin_word():
    assert brands.match("OPPO（苏州）通信设备有限公司", "OPPO").evidence["path"] == "latin_alias"
    assert brands.match("Oppositive（苏州）咨询有限公司", "OPPO") is None
