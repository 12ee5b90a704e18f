"""No staff page shows the regulation's article codes (issue 6 §9): citations read as the
regulation writes them (第十条), on the kernel's pages and every domain's — moved from
core/tests/test_wording.py (the sweep spans every installed app)."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.models import Alert, Review
from parkflow.intake.tests.factories import application_under_review, upload_licence
from parkflow.org.choices import Role
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff

ART = re.compile(r"Art\.\d+")


def test_no_staff_page_shows_article_codes(client, park, django_capture_on_commit_callbacks):
    admin = staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="园区运营公司"))
    clerk = staff(Role.BUSINESS_STAFF, park)
    for name in ("陈静", "赵磊"):
        staff(Role.RISK_OFFICER, park, display_name=name)
    EmergencyContactFactory(unit=park, confirmed_at=timezone.now() - datetime.timedelta(days=200))
    enterprise = application_under_review(park, clerk)
    with django_capture_on_commit_callbacks(execute=True):
        upload_licence(
            enterprise, clerk, valid_until=timezone.localdate() + datetime.timedelta(days=5)
        )
    rules.sweep_all()
    alert = Alert.objects.filter(rule_code="enterprises.licence_expiring").first()
    assert alert is not None
    review = Review.objects.first()
    client.force_login(admin)
    pages = [
        reverse("workbench:home"),
        reverse("core:alert_list"),
        reverse("core:alert_detail", args=[alert.pk]),
        reverse("core:rules"),
        reverse("core:rule_edit", args=["enterprises.licence_expiring"]),
        reverse("core:review_detail", args=[review.pk]),
        reverse("core:audit"),
        reverse("enterprises:detail", args=[enterprise.pk]),
        reverse("intake:applications"),
        reverse("org:contacts"),
        reverse("org:people"),
    ]
    seen_citation = False
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not ART.search(html), (url, ART.search(html).group(0))
        seen_citation |= "第十条" in html
    assert seen_citation


def test_requirement_codes_sit_in_tooltips_not_in_the_sentence(client, park):
    """第十条 in the text, the R-… code only in a tooltip (issue 6 §9)."""
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get(reverse("enterprises:list")).content.decode()
    assert '您管理范围内的入驻企业与意向客户<span class="req-tip" title="R-ENT-1"' in html
    assert "（R-ENT-1）" not in html
