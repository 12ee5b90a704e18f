"""seed_demo builds the demo park (R-PLT-6) through every app's services: org's people, the
enterprises, customer intake in every state (issue 3), alerts and a verifiable audit chain —
moved from core/tests/test_commands.py (the command and the data span every installed app)."""

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import F
from stdnum.cn import uscc

from parkflow.agreements.models import Agreement
from parkflow.billing.models_bank import BankStatementImport
from parkflow.core import access, audit, audit_digest, clock, gates
from parkflow.core.errors import Conflict
from parkflow.core.models import Alert, AuditEvent, Review
from parkflow.core.tests.command_output import run_command
from parkflow.duties.models import DutyTask
from parkflow.enterprises import demo
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.intake import brands, guards
from parkflow.intake import demo as intake_demo
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DocumentType
from parkflow.intake.gates import ADMISSION, SPOT_CHECK
from parkflow.intake.models import (
    AdmissionFee,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.org.choices import DepartmentKind, Role
from parkflow.org.compliance import lapse_reason
from parkflow.org.models import OrgUnit, User
from parkflow.workbench.management.commands.seed_demo import SEED

DEMO_USERNAMES = {
    *("admin", "principal", "deputy", "member", "office", "lead", "risk", "legal"),
    *("biz_a", "biz_b", "finance", "auditor", "ent_a"),
}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"core", "org", "enterprises", "auth"}
    }


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(f.relative_to(root)) for f in root.rglob("*") if f.is_file())


@pytest.mark.django_db
def test_seed_demo_twice_loads_the_park_once_and_changes_nothing_the_second_time():
    first = run_command("seed_demo")
    counts = _row_counts()
    files = _stored_files()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()

    second = run_command("seed_demo")

    assert "demo data loaded" in first
    assert "demo data already loaded" in second
    assert _row_counts() == counts
    assert _stored_files() == files
    documents = [f for f in files if f.startswith("documents/")]
    evidence = [f for f in files if f.startswith("duties/")]
    assert len(documents) == QualificationDocument.objects.count()
    assert len(evidence) == DutyTask.objects.exclude(evidence="").count() > 0
    scans = [f for f in files if f.startswith("agreements/")]
    signed = Agreement.objects.exclude(signed_scan="").values_list("signed_scan", flat=True)
    assert sorted(scans) == sorted(signed) and scans
    # The demo park's bank statement, kept as it was imported (billing, receivables part).
    statements = [f for f in files if f.startswith("imports/bank/")]
    stored = BankStatementImport.objects.values_list("stored", flat=True)
    assert sorted(statements) == sorted(stored) and statements
    assert len(files) == len(documents) + len(evidence) + len(scans) + len(statements)
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() == last_event
    # Both runs print what the intake demo contains (read from the database, so the same).
    summary = first[first.index("入驻审核演示") : first.index("演示账号")]
    assert summary in second
    assert "open brand flags: 1" in summary and "1 active, 1 withdrawn" in summary
    # Both runs print the accounts with the password, as make run does.
    assert "Demo@2026" in first and "Demo@2026" in second and "ent_a" in second


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_park_accounts_alerts_and_a_verifiable_chain(client):
    """One load, several properties (loading the park is the slow part, on PostgreSQL above all)."""
    run_command("seed_demo")

    _assert_realistic_park_built_through_the_services()
    _assert_every_account_logs_in_and_holds_its_role(client)
    _assert_an_open_stale_contact_alert_and_a_verifiable_chain()
    _assert_applications_in_every_intake_state()
    _assert_every_draw_reruns_to_its_selection_and_keeps_conflicts_out()
    _assert_one_brand_hit_blocks_its_approval()
    _assert_licence_expiry_alerts_and_the_guard_blocks_the_expired_one()
    _assert_published_results_tariffs_fee_and_spot_check()
    _assert_documents_are_pdfs_with_versions()
    _assert_compliance_tasks_of_two_months_in_every_state()


def _assert_realistic_park_built_through_the_services():
    enterprises = list(Enterprise.objects.select_related("park"))
    assert len(enterprises) >= 30
    assert all(uscc.is_valid(e.credit_code) for e in enterprises)
    assert {e.park.name for e in enterprises} == {"苏州工业园A区", "无锡科创园B区"}
    assert {e.status for e in enterprises} == set(EnterpriseStatus.values)
    # Approvals came from real reviews by someone other than the creator (R-ORG-4).
    decided = Review.objects.exclude(decision="pending")
    assert decided.count() >= 20
    assert not decided.filter(reviewer=F("requested_by")).exists()
    assert Review.objects.filter(decision="pending").exists()
    # Every department kind, and the special management office hosted by the lead department.
    kinds = set(
        OrgUnit.objects.exclude(department_kind="").values_list("department_kind", flat=True)
    )
    assert kinds >= {
        DepartmentKind.LEAD,
        DepartmentKind.RISK,
        DepartmentKind.LEGAL,
        DepartmentKind.BUSINESS,
        DepartmentKind.FINANCE,
    }
    assert OrgUnit.objects.get(hosts_special_office=True).department_kind == DepartmentKind.LEAD


def _assert_every_account_logs_in_and_holds_its_role(client):
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    for username in DEMO_USERNAMES:
        assert client.login(username=username, password="Demo@2026"), username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and access.roles_of(admin) == {Role.SYSTEM_ADMIN}
    assert access.roles_of(User.objects.get(username="biz_a")) == {Role.BUSINESS_STAFF}
    portal = PortalAccount.objects.get(user__username="ent_a")
    assert portal.enterprise.name == "苏州纳微光电科技有限公司"
    assert portal.enterprise.status == EnterpriseStatus.RESIDENT
    # One leader's training has lapsed, so the lapse shows (R-ORG-5); the others are current.
    assert lapse_reason(User.objects.get(username="member"), Role.GROUP_MEMBER)
    assert lapse_reason(User.objects.get(username="deputy"), Role.DEPUTY) is None
    assert lapse_reason(User.objects.get(username="risk"), Role.RISK_OFFICER) is None


def _assert_an_open_stale_contact_alert_and_a_verifiable_chain():
    stale = Alert.objects.filter(rule_code="org.emergency_contact_stale", status="open")
    assert stale.count() == 1
    assert stale.get().park.name == "苏州工业园A区"
    assert not Alert.objects.filter(
        rule_code="org.emergency_contact_missing", status="open"
    ).exists()
    report = audit.verify_chain()
    assert report.ok, report
    assert "OK:" in run_command("verify_audit")
    # seed_demo anchored the chain outside the database: the audit page names the digest.
    assert audit_digest.verify().anchor.sequence == 1
    # A sweep later finds the same thing and opens nothing new (de-duplicated).
    assert "0 opened" in run_command("sweep_rules")
    assert stale.count() == 1


def _enterprise(name: str) -> Enterprise:
    return Enterprise.objects.get(name=name)


def _latest_admission_round(enterprise) -> list[str]:
    return [r.decision for r in gates.latest_round(enterprise, ADMISSION)]


def _assert_applications_in_every_intake_state():
    S = EnterpriseStatus
    statuses = set(Enterprise.objects.values_list("status", flat=True))
    assert statuses >= {S.PROSPECT, S.APPLYING, S.UNDER_REVIEW, S.APPROVED, S.REJECTED, S.RESIDENT}
    plans = {name: plan for name, _industry, _park, plan in demo.ENTERPRISES}
    by_plan = {}
    for name, plan in plans.items():
        by_plan.setdefault(plan, []).append(_enterprise(name))
    # 意向: nothing uploaded yet; 申请中: a licence, no draw yet.
    for enterprise in by_plan[demo.PROSPECT]:
        assert enterprise.status == S.PROSPECT and not enterprise.documents.exists()
    for enterprise in by_plan[demo.APPLYING]:
        assert enterprise.status == S.APPLYING
        assert guards.current_document(enterprise, DocumentType.BUSINESS_LICENCE) is not None
        assert not enterprise.draws.exists()
    # 审核中: both drawn reviewers pending, or one of the two approved.
    for enterprise in by_plan[demo.UNDER_REVIEW]:
        assert enterprise.status == S.UNDER_REVIEW
        assert _latest_admission_round(enterprise) == ["pending", "pending"]
    for enterprise in by_plan[demo.HALF_APPROVED]:
        assert enterprise.status == S.UNDER_REVIEW
        assert sorted(_latest_admission_round(enterprise)) == ["approve", "pending"]
    # Decided both ways, each published ("一公开") without the opinion.
    for plan, status, decision in (
        (demo.APPROVED, S.APPROVED, "approve"),
        (demo.REJECTED, S.REJECTED, "reject"),
        (demo.RETURNED, S.REJECTED, "return"),
    ):
        for enterprise in by_plan[plan]:
            assert enterprise.status == status
            assert decision in _latest_admission_round(enterprise)
            assert enterprise.published_results.filter(
                purpose="admission", decision=decision
            ).exists()
    returned = Review.objects.get(
        object_id=str(by_plan[demo.RETURNED][0].pk), gate=ADMISSION.code, decision="return"
    )
    assert returned.opinion == intake_demo.RETURN_OPINION
    # Returned, corrected, resubmitted: two draws and two rounds; the first round stays.
    resubmitted = _enterprise(intake_demo.RESUBMITTED_ENTERPRISE)
    assert resubmitted.status == S.UNDER_REVIEW
    assert list(resubmitted.draws.order_by("round").values_list("round", flat=True)) == [1, 2]
    rounds = gates.reviews_of(resubmitted, ADMISSION).values_list("round", "decision")
    assert sorted(rounds) == [(1, "return"), (1, "withdrawn"), (2, "pending"), (2, "pending")]
    assert resubmitted.published_results.get().decision == "return"
    assert resubmitted.industry == "services"


def _assert_every_draw_reruns_to_its_selection_and_keeps_conflicts_out():
    draws = list(ReviewDraw.objects.all())
    assert len(draws) >= 25
    for draw in draws:
        assert intake_services.draw_rerun(draw) == draw.selected, draw
    # The fixed seeds make the admission draws the same on every load.
    for draw in ReviewDraw.objects.filter(purpose="admission"):
        assert draw.seed.startswith(f"demo-{SEED}-")
    active = ConflictDeclaration.objects.filter(withdrawn_at__isnull=True)
    withdrawn = ConflictDeclaration.objects.filter(withdrawn_at__isnull=False)
    assert active.count() >= 1 and withdrawn.count() >= 1
    for declaration in active:
        # Declared before the draw: the declarer was left out, and the reason is on record.
        for draw in declaration.enterprise.draws.all():
            assert declaration.person_id not in draw.selected
            assert str(declaration.person_id) in draw.excluded
            assert "利益冲突" in draw.excluded[str(declaration.person_id)]


def _assert_one_brand_hit_blocks_its_approval():
    assert ProtectedBrand.objects.count() >= 15
    assert set(ProtectedBrand.objects.values_list("name", flat=True)) >= {
        "华为",
        "阿里巴巴",
        "腾讯",
        "宁德时代",
        "中国平安",
    }
    flag = BrandFlag.objects.get(status="open")
    assert flag.enterprise.name == intake_demo.BRAND_HIT_ENTERPRISE
    assert (flag.brand.name, flag.method) == ("华为", "pinyin")
    assert flag.enterprise.status == EnterpriseStatus.UNDER_REVIEW
    with pytest.raises(Conflict) as exc:
        guards.ensure_admissible(flag.enterprise)
    assert "品牌冒用嫌疑" in str(exc.value) and "华为" in str(exc.value)
    # Every other demo name is ordinary: the threshold does not trip on it (R-ENT-6).
    protected = list(ProtectedBrand.objects.all())
    for name, *_rest in demo.ENTERPRISES:
        if name != intake_demo.BRAND_HIT_ENTERPRISE:
            assert brands.find_hits(name, protected) == [], name


def _assert_licence_expiry_alerts_and_the_guard_blocks_the_expired_one():
    expiring = Alert.objects.get(rule_code="enterprises.licence_expiring", status="open")
    assert intake_demo.EXPIRING_LICENCE_ENTERPRISE in expiring.message
    expired = Alert.objects.get(rule_code="enterprises.licence_expired", status="open")
    assert expired.severity == "high"
    enterprise = _enterprise(intake_demo.EXPIRED_LICENCE_ENTERPRISE)
    assert enterprise.name in expired.message
    assert enterprise.status == EnterpriseStatus.RESIDENT
    # The admission-time version stays; the current one has expired.
    licences = enterprise.documents.filter(doc_type=DocumentType.BUSINESS_LICENCE)
    assert list(licences.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert guards.current_document(enterprise, "business_licence").valid_until < clock.today()
    with pytest.raises(Conflict) as exc:
        guards.ensure_in_good_standing(enterprise, purpose="办理新的服务")
    assert "营业执照" in str(exc.value) and "过期" in str(exc.value)
    # The enterprises still in business are in good standing.
    guards.ensure_in_good_standing(_enterprise(demo.PORTAL_ENTERPRISE))
    guards.ensure_in_good_standing(_enterprise(intake_demo.EXPIRING_LICENCE_ENTERPRISE))


def _assert_published_results_tariffs_fee_and_spot_check():
    assert PublishedResult.objects.filter(purpose="admission").count() >= 20
    spot_result = PublishedResult.objects.get(purpose="spot_check")
    assert spot_result.decision == "approve"
    # Tariffs in force for both parks, the fee charged at exactly the published amount.
    for park in {e.park for e in Enterprise.objects.select_related("park")}:
        tariff = intake_services.tariff_in_force(park)
        assert tariff is not None and tariff.amount > 0, park
    fee = AdmissionFee.objects.select_related("enterprise", "tariff").get()
    assert fee.enterprise.name == intake_demo.FEE_ENTERPRISE
    assert (
        fee.amount
        == fee.tariff.amount
        == intake_services.tariff_in_force(fee.enterprise.park).amount
    )
    # This quarter's spot check: fixed seed, a reviewer drawn for every sampled enterprise.
    campaign = SpotCheckCampaign.objects.get()
    assert campaign.quarter == intake_services.quarter_of(clock.today())
    assert campaign.seed == f"demo-{SEED}-spot-check" and campaign.sample
    reviews = Review.objects.filter(gate=SPOT_CHECK.code)
    assert sorted(int(pk) for pk in reviews.values_list("object_id", flat=True)) == sorted(
        campaign.sample
    )
    assert not reviews.filter(assigned_to__isnull=True).exists()
    assert reviews.filter(decision="approve").count() == 1
    assert str(spot_result.enterprise_id) == reviews.get(decision="approve").object_id


def _assert_documents_are_pdfs_with_versions():
    admitted = Enterprise.objects.exclude(status__in=["prospect"])
    for enterprise in admitted:
        licence = guards.current_document(enterprise, DocumentType.BUSINESS_LICENCE)
        assert licence is not None and licence.mime_type == "application/pdf", enterprise
        with licence.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    statements = QualificationDocument.objects.filter(doc_type=DocumentType.FINANCIAL_STATEMENT)
    assert statements.filter(version=2).count() >= 2
    # The portal enterprise: several documents (its audited statements uploaded by itself), a
    # published result and its admission fee — what ent_a sees in the portal.
    portal = PortalAccount.objects.select_related("enterprise", "user").get(user__username="ent_a")
    documents = portal.enterprise.documents.all()
    assert documents.count() >= 3
    assert documents.get(doc_type="financial_statement", version=2).uploaded_by == portal.user
    assert portal.enterprise.published_results.filter(decision="approve").exists()
    assert guards.standing_problems(portal.enterprise) == []


def _assert_compliance_tasks_of_two_months_in_every_state():
    """R-MON-3: last month's and this month's tasks — done (on time and late), open past the
    due date with its alert, open ahead of it."""
    today = clock.today()
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    tasks = list(DutyTask.objects.filter(period_start__gte=last_month))
    assert {t.period_start for t in tasks} >= {last_month, this_month}
    states = {t.state_on(today) for t in tasks}
    assert states == {"pending", "late", "done"}
    assert any(t.completed_late for t in tasks) and any(
        t.status == "done" and not t.completed_late for t in tasks
    )
    late = [t for t in tasks if t.state_on(today) == "late"]
    assert Alert.objects.filter(
        rule_code="duties.task_late", object_id__in=[str(t.pk) for t in late], status="open"
    ).count() == len(late)
