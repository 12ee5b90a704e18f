"""R-ENT-6: brand-impersonation check. Threshold: NEAR_MISS_THRESHOLD = 90 (rapidfuzz ratio over
toneless pinyin, brands of three or more syllables); two-syllable brands match only exactly or
as tone-exact homophones, so ordinary names built from common syllables do not trip it."""

import pytest

from parkflow.core import gates
from parkflow.core.errors import Conflict
from parkflow.enterprises import brands, services
from parkflow.enterprises.choices import BrandMatch, EnterpriseStatus
from parkflow.enterprises.gates import BRAND_AUTHORISATION
from parkflow.enterprises.models import BrandFlag, ProtectedBrand
from parkflow.enterprises.tests.factories import application_under_review, pdf_upload
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
    found = brands.match(name, brand, aliases)
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
        assert brands.match(name, brand, aliases) is None, f"{name} wrongly matched {brand}"


def test_trade_name_strips_region_and_legal_form():
    assert brands.trade_name("江苏省苏州市华为智能科技股份有限公司") == "华为智能科技"
    assert brands.trade_name("HUAWEI（苏州）科技有限公司") == "HUAWEI科技"


@pytest.fixture
def protected(db):
    return {
        name: ProtectedBrand.objects.create(name=name, aliases=",".join(aliases))
        for name, aliases in BRANDS
    }


def test_a_brand_hit_blocks_approval_until_an_authorisation_is_approved(park, protected):
    clerk = staff(Role.BUSINESS_STAFF, park)
    reviewers = [staff(Role.RISK_OFFICER, park) for _ in range(3)]
    enterprise = application_under_review(park, clerk, name="苏州华维通信有限公司")
    flag = BrandFlag.objects.get(enterprise=enterprise)
    assert (flag.brand.name, flag.method, flag.status) == ("华为", BrandMatch.PINYIN, "open")

    first, second = gates.latest_round(enterprise, "enterprise.admission")
    gates.review_decide(actor=first.assigned_to, review=first, decision="approve")
    with pytest.raises(Conflict) as exc:
        gates.review_decide(actor=second.assigned_to, review=second, decision="approve")
    assert "品牌冒用嫌疑" in str(exc.value)
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.UNDER_REVIEW

    document = services.document_upload(
        actor=clerk,
        enterprise=enterprise,
        doc_type="brand_authorisation",
        upload=pdf_upload("授权书.pdf"),
    )
    review = gates.reviews_of(document, BRAND_AUTHORISATION).get()
    reviewer = next(r for r in reviewers if r.pk not in (first.assigned_to_id,))
    gates.review_decide(actor=reviewer, review=review, decision="approve", opinion="授权书真实有效")
    flag.refresh_from_db()
    assert flag.status == "cleared" and flag.cleared_by_document == document

    second.refresh_from_db()
    gates.review_decide(actor=second.assigned_to, review=second, decision="approve")
    enterprise.refresh_from_db()
    assert enterprise.status == EnterpriseStatus.APPROVED


def test_the_uploader_of_an_authorisation_cannot_approve_it(park, protected):
    clerk = staff(Role.LEAD_STAFF, park)
    for _ in range(2):
        staff(Role.RISK_OFFICER, park)
    enterprise = application_under_review(park, clerk, name="苏州华为智能科技有限公司")
    document = services.document_upload(
        actor=clerk, enterprise=enterprise, doc_type="brand_authorisation", upload=pdf_upload()
    )
    from parkflow.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        gates.review_decide(
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
