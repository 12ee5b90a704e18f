"""Templates (R-AGR-1; Art.11, Art.18(三)): usable only after a compliance review by legal,
re-reviewed every quarter with a written opinion; a lapsed one starts no agreement and alerts;
the quarter's task on the compliance calendar is done once every template in force has its
opinion."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from parkflow.core import rules
from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import Alert
from parkflow.duties.models import DutyTask
from parkflow.duties.services import duty_tasks_generate
from parkflow.org.choices import DepartmentKind, Role, UnitKind
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import AgreementKind, ClauseKind, TemplateStatus
from ..gates import TEMPLATE_REVIEW
from ..models import TemplateVersion
from .factories import approved_template, complete_clauses, decide_all, good_standing, venues

pytestmark = pytest.mark.django_db
OVERDUE = "agreements.template_review_overdue"


def _draft_template(org, name="模板甲", clauses=None):
    venues()
    return services.template_create(
        actor=org.lead,
        park=org.park,
        name=name,
        kind=AgreementKind.RESIDENCY,
        clauses=clauses or complete_clauses(),
    )


def _agreement_from(org, version):
    return services.agreement_create(
        actor=org.drafter,
        enterprise=good_standing(org.park, org.drafter),
        template_version=version,
        title="入驻服务协议",
        start_date=timezone.localdate(),
        end_date=timezone.localdate() + datetime.timedelta(days=364),
    )


def test_r_agr_1_a_template_is_usable_only_after_its_compliance_review(org):
    version = _draft_template(org)
    with pytest.raises(Conflict) as refused:
        _agreement_from(org, version)
    assert refused.value.code == "template_not_approved"
    services.template_submit(actor=org.lead, version=version)
    decide_all(version, TEMPLATE_REVIEW, org.legal)
    version.refresh_from_db()
    assert version.status == TemplateStatus.APPROVED
    assert version.last_reviewed_on == timezone.localdate()
    assert _agreement_from(org, version).clauses.count() == len(complete_clauses())


def test_r_agr_1_a_template_lacking_a_mandatory_clause_cannot_go_to_review(org):
    clauses = [c for c in complete_clauses() if c["kind"] != ClauseKind.BREACH]
    version = _draft_template(org, clauses=clauses)
    with pytest.raises(Conflict) as refused:
        services.template_submit(actor=org.lead, version=version)
    assert "缺少必备条款：违约责任" in refused.value.message
    assert TemplateVersion.objects.get(pk=version.pk).status == TemplateStatus.DRAFT


def test_r_agr_1_a_rejected_template_returns_to_draft_and_a_new_version_retires_the_old(org):
    first = approved_template(org)
    second = services.template_version_create(actor=org.lead, template=first.template)
    assert second.number == 2 and second.clauses.count() == first.clauses.count()
    services.template_submit(actor=org.lead, version=second)
    decide_all(second, TEMPLATE_REVIEW, org.legal, decision="reject", opinion="争议条款需修改")
    second.refresh_from_db()
    assert second.status == TemplateStatus.DRAFT
    services.template_submit(actor=org.lead, version=second)
    decide_all(second, TEMPLATE_REVIEW, org.legal2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (TemplateStatus.RETIRED, TemplateStatus.APPROVED)


def test_r_agr_1_an_approved_template_cannot_be_edited_in_place(org):
    version = approved_template(org)
    with pytest.raises(Conflict):
        services.template_clauses_set(actor=org.lead, version=version, clauses=complete_clauses())


def test_r_agr_1_a_lapsed_template_alerts_and_starts_no_agreement_until_re_reviewed(org):
    version = approved_template(org)
    later = timezone.now() + datetime.timedelta(days=101)
    with time_machine.travel(later):
        with pytest.raises(Conflict) as refused:
            _agreement_from(org, version)
        assert refused.value.code == "template_review_lapsed"
        assert "季度合规复核已逾期" in refused.value.message
        rules.sweep_rule(OVERDUE)
        assert Alert.objects.filter(rule_code=OVERDUE, object_id=str(version.pk)).exists()
        services.template_rereview(
            actor=org.legal, version=version, opinion="核心条款经复核仍符合法律规定。"
        )
        rules.sweep_rule(OVERDUE)
        alert = Alert.objects.get(rule_code=OVERDUE, object_id=str(version.pk))
        assert alert.status == "resolved"
        assert _agreement_from(org, version).template_version == version


def test_r_agr_1_the_re_review_needs_a_written_opinion_by_legal_not_the_drafter(org):
    version = approved_template(org)
    with pytest.raises(PermissionDenied):
        services.template_rereview(actor=org.lead, version=version, opinion="同意")
    drafting_legal = staff(Role.LEGAL_OFFICER, org.park)
    own = TemplateVersion.objects.filter(pk=version.pk)
    own.update(created_by=drafting_legal)
    with pytest.raises(PermissionDenied):
        services.template_rereview(actor=drafting_legal, version=own.get(), opinion="同意")
    from parkflow.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.template_rereview(actor=org.legal, version=version, opinion="  ")


def _first_of_next_quarter(day):
    month = (day.month - 1) // 3 * 3 + 4
    return datetime.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)


def test_art_18_the_quarterly_task_is_done_when_every_template_in_force_has_its_opinion(org):
    legal_department = OrgUnitFactory(
        name="法律事务部", kind=UnitKind.DEPARTMENT, department_kind=DepartmentKind.LEGAL
    )
    head_legal = staff(Role.LEGAL_OFFICER, legal_department)
    first = approved_template(org)
    second = approved_template(org, name="物业服务协议模板", kind=AgreementKind.PROPERTY)
    # The next quarter: the task appears; both templates' approvals lie in the last quarter.
    next_quarter = _first_of_next_quarter(timezone.localdate()) + datetime.timedelta(days=14)
    noon = datetime.datetime.combine(next_quarter, datetime.time(12))
    with time_machine.travel(timezone.make_aware(noon)):
        duty_tasks_generate(today=next_quarter)
        task = DutyTask.objects.get(duty="agreements.quarterly_legal_review")
        services.template_rereview(actor=head_legal, version=first, opinion="第一份模板复核意见")
        task.refresh_from_db()
        assert task.completed_at is None  # one template still waits
        record = services.template_rereview(
            actor=head_legal, version=second, opinion="第二份模板复核意见"
        )
        task.refresh_from_db()
        assert task.completed_at is not None
        assert task.link_id == str(record.pk)
