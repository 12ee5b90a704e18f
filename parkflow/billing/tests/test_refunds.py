"""R-BIL-4 双签, Art.14, R-ORG-4: money leaves the park only after its signatures — one approver
below the large-amount threshold; at or above it two distinct people, the second a leader;
never the initiator; nobody twice — judged on the refund as stored, whatever its status says.
Releasing moves the ledger in the same transaction and never takes the prepaid balance below
zero. These are the service-level proofs; the pages, the API and the admin are in
test_refunds_interfaces.py."""

import dataclasses
from decimal import Decimal

import pytest

from parkflow.billing import services, services_refunds
from parkflow.billing.choices import BillStatus, CreditReason
from parkflow.billing.choices_refunds import RefundKind, RefundStatus
from parkflow.billing.gates import REFUND_APPROVAL, SECOND_SIGNATURE
from parkflow.billing.models import Adjustment, Bill, CreditEntry, Payment
from parkflow.billing.models_refunds import Refund
from parkflow.billing.selectors_refunds import signature_progress
from parkflow.core import reviews, workflow
from parkflow.core.choices import ReviewDecision
from parkflow.core.errors import Conflict, GateNotPassed, PermissionDenied, ValidationFailed
from parkflow.core.gates import Gate
from parkflow.core.models import AuditEvent
from parkflow.notifications.models import Notification
from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff

from .factories import finance, resident
from .factories_refunds import (
    leader,
    open_signature,
    paid_deposit,
    prepaid,
    refund,
    sign,
    submitted,
)

pytestmark = pytest.mark.django_db
LARGE, SMALL = Decimal("68000.00"), Decimal("3560.00")


@pytest.fixture
def enterprise():
    return resident()


@pytest.fixture
def clerk(enterprise):
    """Finance of the enterprise's park: initiates the refunds."""
    return finance(enterprise.park)


@pytest.fixture
def colleague(enterprise):
    """Another finance clerk of the park: may give the first signature."""
    return staff(Role.FINANCE_STAFF, enterprise.park, display_name="财务同事")


@pytest.fixture
def deputy(enterprise):
    return leader(enterprise.park, Role.DEPUTY, display_name="分管领导")


@pytest.fixture
def principal(enterprise):
    return leader(enterprise.park, Role.PRINCIPAL, display_name="主要负责人")


@pytest.fixture
def funded(enterprise, clerk):
    """The enterprise has ¥100,000.00 of prepaid balance."""
    prepaid(enterprise, "100000", clerk=clerk)
    return enterprise


def _refunded(enterprise):
    return CreditEntry.objects.filter(enterprise=enterprise, reason=CreditReason.REFUNDED)


def _released_events(refund):
    return AuditEvent.objects.filter(action="refund.release", object_id=str(refund.pk))


def assert_not_released(refund, enterprise, balance):
    """Nothing written: the refund is not released, no ledger entry, no audit of a release, the
    balance as it was."""
    refund.refresh_from_db()
    assert refund.status != RefundStatus.RELEASED
    assert refund.released_at is None and refund.credit_entry_id is None
    assert not _refunded(enterprise).exists()
    assert not _released_events(refund).exists()
    assert services.credit_balance(enterprise) == balance


def ledger_identity(enterprise):
    """billing_context.md: Σ bill.amount + Σ adjustments (debit +, credit −) − Σ money received
    (payments not by credit) + Σ money refunded out == Σ bill.outstanding − Σ prepaid entries."""
    bills = list(Bill.objects.filter(enterprise=enterprise))
    adjustments = Adjustment.objects.filter(bill__enterprise=enterprise)
    received = Payment.objects.filter(enterprise=enterprise).exclude(method="credit")
    left = (
        sum((b.amount for b in bills), Decimal(0))
        + sum((a.signed_amount for a in adjustments), Decimal(0))
        - sum((p.amount for p in received), Decimal(0))
        - sum((e.amount for e in _refunded(enterprise)), Decimal(0))
    )
    right = sum((b.outstanding for b in bills), Decimal(0)) - services.credit_balance(enterprise)
    return left, right


# ---------------------------------------------------------------------------------------------
# Below the threshold: one signature


def test_below_the_threshold_one_signature_releases_a_refund_off_the_prepaid_balance(
    funded, clerk, colleague
):
    made = submitted(clerk, funded, SMALL)
    assert not SECOND_SIGNATURE.applies_to(made)

    sign(made, colleague)
    assert made.status == RefundStatus.APPROVED
    done = services_refunds.refund_release(actor=clerk, refund=made, reference="HX001")

    assert done.status == RefundStatus.RELEASED
    assert done.released_by == clerk and done.release_reference == "HX001"
    assert services.credit_balance(funded) == Decimal("100000.00") - SMALL
    entry = _refunded(funded).get()
    assert entry.amount == -SMALL and done.credit_entry == entry
    assert _released_events(done).count() == 1
    left, right = ledger_identity(funded)
    assert left == right


def test_a_leader_alone_may_give_the_one_signature_of_a_small_refund(funded, clerk, deputy):
    made = submitted(clerk, funded, SMALL)

    sign(made, deputy)

    assert services_refunds.refund_release(actor=clerk, refund=made).status == "released"


# ---------------------------------------------------------------------------------------------
# At or above it: two distinct people, the second a leader, never the initiator


def test_a_large_refund_with_one_signature_is_not_released(funded, clerk, colleague):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    assert made.status == RefundStatus.PENDING  # the leader's second signature is open

    with pytest.raises(GateNotPassed) as refused:
        services_refunds.refund_release(actor=clerk, refund=made)

    assert refused.value.requirement == "R-BIL-4"
    assert "须 2 名不同人员签署，已签 1 人" in refused.value.message
    assert_not_released(made, funded, Decimal("100000.00"))


def test_the_initiator_may_not_sign_his_own_refund_and_it_is_not_released(funded, clerk, deputy):
    made = submitted(clerk, funded, LARGE)

    with pytest.raises(PermissionDenied) as refused:
        sign(made, clerk)
    assert refused.value.code == "self_review" and refused.value.requirement == "R-ORG-4"

    sign(made, deputy)  # one real signature
    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_a_leader_who_initiated_nothing_but_signed_first_may_not_sign_again(funded, clerk, deputy):
    """The same person twice: the first signer is refused the second signature (two gates are
    two rounds: the refund's gate excludes him, and he requested the second round)."""
    made = submitted(clerk, funded, LARGE)
    sign(made, deputy)

    with pytest.raises(PermissionDenied) as refused:
        sign(made, deputy)
    assert refused.value.requirement == "R-ORG-4"

    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_the_first_signer_is_excluded_from_the_second_even_when_someone_else_asked_for_it(
    funded, clerk, deputy
):
    """Whoever opened the second round, its exclusion still bars the first signer."""
    made = submitted(clerk, funded, LARGE)
    sign(made, deputy)
    review = open_signature(made, SECOND_SIGNATURE)
    reviews.review_withdraw(actor=deputy, review=review, reason="")
    services_refunds.refund_resubmit(actor=clerk, refund=made)  # the clerk asks again
    again = open_signature(made, SECOND_SIGNATURE)
    assert again.requested_by == clerk

    with pytest.raises(PermissionDenied) as refused:
        sign(made, deputy)
    assert refused.value.code == "reviewer_excluded"


def test_finance_may_not_give_the_second_signature_of_a_large_refund(
    funded, clerk, colleague, deputy
):
    made = submitted(clerk, funded, LARGE)
    sign(made, deputy)

    with pytest.raises(PermissionDenied) as refused:
        sign(made, colleague)
    assert refused.value.code == "reviewer_role"
    assert_not_released(made, funded, Decimal("100000.00"))


def test_two_distinct_signatures_the_second_a_leaders_release_a_large_refund(
    funded, clerk, colleague, principal
):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    sign(made, principal)
    assert made.status == RefundStatus.APPROVED
    assert signature_progress(made)["signed"] == signature_progress(made)["required"] == 2

    services_refunds.refund_release(actor=clerk, refund=made)

    assert services.credit_balance(funded) == Decimal("100000.00") - LARGE
    left, right = ledger_identity(funded)
    assert left == right


def test_the_inbox_offers_the_second_signature_to_other_leaders_only(
    funded, clerk, colleague, deputy, principal
):
    from parkflow.core.gates import pending_for

    made = submitted(clerk, funded, LARGE)
    assert pending_for(clerk).count() == 0  # the initiator is never asked
    assert pending_for(colleague).count() == pending_for(deputy).count() == 1
    sign(made, deputy)

    assert not pending_for(deputy).exists()  # signed first: not asked again
    assert not pending_for(colleague).exists()  # finance: not a leader
    assert list(pending_for(principal).values_list("gate", flat=True)) == [SECOND_SIGNATURE.code]


# ---------------------------------------------------------------------------------------------
# The threshold (a gate parameter changed on the kernel's 审查节点 page)


@pytest.fixture
def administrator(db):
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def _threshold(administrator, value):
    reviews.gate_setting_update(
        actor=administrator, gate=SECOND_SIGNATURE, params={"threshold": value}, reason="调整"
    )


def test_a_lowered_threshold_asks_two_signatures_of_a_smaller_refund(
    funded, clerk, colleague, administrator
):
    _threshold(administrator, 10000)
    made = submitted(clerk, funded, "20000")
    sign(made, colleague)

    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_a_raised_threshold_lets_one_signature_release_a_larger_refund(
    funded, clerk, colleague, administrator
):
    _threshold(administrator, 100000)
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)

    assert made.status == RefundStatus.APPROVED
    assert services_refunds.refund_release(actor=clerk, refund=made).status == "released"


def test_a_threshold_lowered_after_the_approval_is_honoured_at_release(
    funded, clerk, colleague, principal, administrator
):
    made = submitted(clerk, funded, "30000")
    sign(made, colleague)
    assert made.status == RefundStatus.APPROVED  # one signature was enough then

    _threshold(administrator, 20000)
    with pytest.raises(GateNotPassed) as refused:
        services_refunds.refund_release(actor=clerk, refund=made)
    assert SECOND_SIGNATURE.code and "第二签" in refused.value.message
    assert_not_released(made, funded, Decimal("100000.00"))

    services_refunds.refund_resubmit(actor=clerk, refund=made)  # asks the leader
    sign(made, principal)
    assert services_refunds.refund_release(actor=clerk, refund=made).status == "released"


# ---------------------------------------------------------------------------------------------
# The content signed is the content paid


def test_an_edit_behind_the_services_after_a_signature_voids_it(
    funded, clerk, colleague, principal
):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    Refund.objects.filter(pk=made.pk).update(payee_account="6222000000009999")

    # The first signature no longer counts, so the leader cannot give the second one.
    with pytest.raises(Conflict) as refused:
        sign(made, principal)
    assert refused.value.code == "gate_prerequisite_open"
    with pytest.raises(GateNotPassed) as refused:
        services_refunds.refund_release(actor=clerk, refund=made)
    assert refused.value.code == "gate_stale"
    assert signature_progress(made)["signed"] == 0
    assert_not_released(made, funded, Decimal("100000.00"))


def test_a_refund_sent_back_and_edited_needs_its_signatures_again(
    funded, clerk, colleague, principal
):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    sign(made, principal, ReviewDecision.RETURN, "请附银行回单后重新提交。")
    assert made.status == RefundStatus.DRAFT
    assert made.return_opinion == "请附银行回单后重新提交。"

    services_refunds.refund_update(
        actor=clerk,
        refund=made,
        kind=RefundKind.REFUND,
        amount="67000",
        reason=made.reason + "（已附回单）",
        payee_name=made.payee_name,
        payee_bank=made.payee_bank,
        payee_account=made.payee_account,
    )
    services_refunds.refund_submit(actor=clerk, refund=made)

    progress = signature_progress(made)
    assert (progress["signed"], progress["required"]) == (0, 2)
    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)


def test_only_the_initiator_edits_and_only_a_draft(funded, clerk, colleague):
    made = refund(clerk, funded, SMALL)
    values = {
        "kind": RefundKind.REFUND,
        "amount": "100",
        "reason": "改",
        "payee_name": "某公司",
        "payee_bank": "某银行",
        "payee_account": "12345678",
    }
    with pytest.raises(PermissionDenied):
        services_refunds.refund_update(actor=colleague, refund=made, **values)
    services_refunds.refund_submit(actor=clerk, refund=made)
    with pytest.raises(Conflict) as refused:
        services_refunds.refund_update(actor=clerk, refund=made, **values)
    assert refused.value.code == "refund_not_editable"
    made.refresh_from_db()
    assert made.amount == SMALL


def test_release_requires_the_signatures_whatever_the_status_column_says(funded, clerk, colleague):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    Refund.objects.filter(pk=made.pk).update(status=RefundStatus.APPROVED)  # behind the services

    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


# ---------------------------------------------------------------------------------------------
# The gate's require is what stops it (the checks above bite)


def _one_signature_large_refund(funded, clerk, colleague):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    return made


def test_the_service_requires_the_signatures_even_if_the_step_declared_none(
    funded, clerk, colleague, monkeypatch
):
    made = _one_signature_large_refund(funded, clerk, colleague)
    key = (Refund._meta.label, "release")
    monkeypatch.setitem(
        workflow.REGISTRY, key, dataclasses.replace(workflow.REGISTRY[key], gates=())
    )

    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_the_declared_step_requires_the_signatures_even_if_the_service_forgot(
    funded, clerk, colleague, monkeypatch
):
    made = _one_signature_large_refund(funded, clerk, colleague)
    monkeypatch.setattr(services_refunds, "_require_signatures", lambda refund: None)

    with pytest.raises(GateNotPassed):
        services_refunds.refund_release(actor=clerk, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_without_the_gates_require_a_large_refund_with_one_signature_would_be_released(
    funded, clerk, colleague, monkeypatch
):
    """The proof that the refusals above come from ``Gate.require``: with it neutralised (in
    the service and in the declared step alike) the refund of the must-show case is paid —
    so every test above that expects it refused would fail."""
    made = _one_signature_large_refund(funded, clerk, colleague)
    monkeypatch.setattr(Gate, "require", lambda self, obj: [])

    released = services_refunds.refund_release(actor=clerk, refund=made)

    assert released.status == RefundStatus.RELEASED
    assert services.credit_balance(funded) == Decimal("100000.00") - LARGE


# ---------------------------------------------------------------------------------------------
# The prepaid balance never goes negative


def test_a_refund_beyond_the_prepaid_balance_is_refused_when_written(funded, clerk):
    with pytest.raises(ValidationFailed) as refused:
        refund(clerk, funded, "100000.01")
    assert "amount" in refused.value.errors
    assert not Refund.objects.exists()


def test_refunds_in_flight_count_against_the_balance(funded, clerk):
    submitted(clerk, funded, "60000")

    with pytest.raises(ValidationFailed) as refused:
        refund(clerk, funded, "40000.01")
    assert "减去审批中的其他退款" in refused.value.errors["amount"][0]
    refund(clerk, funded, "40000.00")  # exactly what is left


def test_a_release_the_balance_no_longer_covers_is_refused_with_nothing_written(
    enterprise, clerk, colleague
):
    prepaid(enterprise, "5000", clerk=clerk)
    made = submitted(clerk, enterprise, "5000")
    sign(made, colleague)
    # Meanwhile the balance pays a bill (credit applied): less than the refund is left.
    agreement_bill = Bill.objects.filter(enterprise=enterprise).first()
    services.adjustment_make(
        actor=clerk, bill=agreement_bill, kind="debit", amount="2000", reason="补收"
    )
    services.credit_apply(actor=clerk, bill=agreement_bill, idempotency_key="apply-1")
    balance = services.credit_balance(enterprise)
    assert balance == Decimal("3000.00")

    with pytest.raises(Conflict) as refused:
        services_refunds.refund_release(actor=clerk, refund=made)

    assert refused.value.code == "insufficient_balance"
    assert_not_released(made, enterprise, balance)
    assert services.credit_balance(enterprise) >= 0


# ---------------------------------------------------------------------------------------------
# Deposit returns and payouts


def test_a_deposit_return_credits_the_paid_deposit_bill_and_pays_the_credit_out(
    enterprise, clerk, colleague, principal
):
    bill = paid_deposit(enterprise, clerk=clerk)
    made = submitted(clerk, enterprise, LARGE, kind=RefundKind.DEPOSIT_RETURN, deposit_bill=bill)
    sign(made, colleague)
    sign(made, principal)

    done = services_refunds.refund_release(actor=clerk, refund=made)

    bill.refresh_from_db()
    assert bill.adjusted == -LARGE and bill.paid == 0 and bill.status == BillStatus.PAID
    assert done.adjustment.kind == "credit" and done.adjustment.amount == LARGE
    assert services.credit_balance(enterprise) == 0  # in by the credit, out by the refund
    assert done.credit_entry.amount == -LARGE
    left, right = ledger_identity(enterprise)
    assert left == right


def test_a_deposit_return_never_exceeds_the_deposit_received(enterprise, clerk):
    bill = paid_deposit(enterprise, amount="20000", clerk=clerk)

    with pytest.raises(ValidationFailed) as refused:
        refund(clerk, enterprise, "20000.01", kind=RefundKind.DEPOSIT_RETURN, deposit_bill=bill)
    assert "amount" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        refund(clerk, enterprise, "100", kind=RefundKind.DEPOSIT_RETURN)  # no bill named
    assert "deposit_bill" in refused.value.errors
    other = paid_deposit(resident(park=enterprise.park), amount="5000", clerk=clerk)
    with pytest.raises(ValidationFailed) as refused:
        refund(clerk, enterprise, "100", kind=RefundKind.DEPOSIT_RETURN, deposit_bill=other)
    assert "deposit_bill" in refused.value.errors


def test_a_payout_is_recorded_with_the_refund_only(enterprise, clerk, colleague):
    made = submitted(clerk, enterprise, "8800", kind=RefundKind.PAYOUT)
    sign(made, colleague)

    done = services_refunds.refund_release(actor=clerk, refund=made)

    assert done.status == RefundStatus.RELEASED
    assert done.credit_entry is None and done.adjustment is None
    assert not CreditEntry.objects.filter(enterprise=enterprise).exists()


def test_bad_input_is_refused_field_by_field(enterprise, clerk):
    with pytest.raises(ValidationFailed) as refused:
        services_refunds.refund_create(
            actor=clerk,
            enterprise=enterprise,
            kind="gift",
            amount="1.005",
            reason="",
            payee_name="",
            payee_bank="银行",
            payee_account="6222-abc",
        )
    assert set(refused.value.errors) == {"kind", "amount", "reason", "payee_name", "payee_account"}


def test_an_account_written_with_spaces_is_kept_as_digits_and_masked(enterprise, clerk):
    made = refund(
        clerk, enterprise, "100", kind=RefundKind.PAYOUT, payee_account="6222 0210 0112 3456 789"
    )
    assert made.payee_account == "6222021001123456789"
    assert made.masked_account == "6222 **** **** 6789"
    event = AuditEvent.objects.get(action="refund.create", object_id=str(made.pk))
    assert event.after["payee_account"] == "6222 **** **** 6789"


# ---------------------------------------------------------------------------------------------
# Decisions: sent back, rejected, withdrawn — the initiator is told


def _told(person):
    return list(
        Notification.objects.filter(recipient=person)
        .order_by("id")
        .values_list("message__title", flat=True)
    )


def test_a_return_sends_it_back_to_draft_with_the_opinion_and_tells_the_initiator(
    funded, clerk, colleague
):
    made = submitted(clerk, funded, SMALL)

    sign(made, colleague, ReviewDecision.RETURN, "收款账号与企业开户许可证不一致。")

    assert made.status == RefundStatus.DRAFT
    assert made.return_opinion == "收款账号与企业开户许可证不一致。"
    assert any("退回修改" in title for title in _told(clerk))


def test_a_rejection_ends_it_and_tells_the_initiator(funded, clerk, colleague, deputy):
    made = submitted(clerk, funded, LARGE)
    sign(made, colleague)
    assert any("第一签已通过" in title for title in _told(clerk))

    sign(made, deputy, ReviewDecision.REJECT, "不符合退款条件。")

    assert made.status == RefundStatus.REJECTED
    assert any("未通过审批" in title for title in _told(clerk))
    with pytest.raises(Conflict):
        services_refunds.refund_release(actor=clerk, refund=made)


def test_an_approval_tells_the_initiator_it_may_be_released(funded, clerk, colleague):
    made = submitted(clerk, funded, SMALL)
    sign(made, colleague)
    assert any("审批通过，待放款" in title for title in _told(clerk))


def test_withdrawing_withdraws_its_open_signatures(funded, clerk, colleague):
    made = submitted(clerk, funded, SMALL)

    services_refunds.refund_withdraw(actor=clerk, refund=made, reason="企业撤回申请")

    made.refresh_from_db()
    assert made.status == RefundStatus.WITHDRAWN
    assert not REFUND_APPROVAL.state(made).pending
    with pytest.raises(Conflict):
        services_refunds.refund_release(actor=clerk, refund=made)


# ---------------------------------------------------------------------------------------------
# Other parks, other enterprises


def test_staff_of_another_park_neither_start_sign_nor_release_a_parks_refund(
    funded, clerk, colleague
):
    other_park = ParkFactory()
    other_finance = finance(other_park)
    other_leader = leader(other_park, Role.PRINCIPAL)
    made = submitted(clerk, funded, SMALL)

    with pytest.raises(PermissionDenied):
        refund(other_finance, funded, "100", kind=RefundKind.PAYOUT)
    with pytest.raises(PermissionDenied):
        sign(made, other_leader)
    sign(made, colleague)
    with pytest.raises(PermissionDenied):
        services_refunds.refund_release(actor=other_finance, refund=made)
    assert_not_released(made, funded, Decimal("100000.00"))


def test_the_enterprise_itself_neither_sees_nor_touches_its_refunds(funded, clerk):
    from parkflow.billing.selectors_refunds import refund_list
    from parkflow.enterprises.tests.factories import enterprise_user

    made = submitted(clerk, funded, SMALL)
    user = enterprise_user(funded)

    assert not refund_list(actor=user).exists()
    with pytest.raises(PermissionDenied):
        services_refunds.refund_withdraw(actor=user, refund=made)
    with pytest.raises(PermissionDenied):
        services_refunds.refund_release(actor=user, refund=made)
