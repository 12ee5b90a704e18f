"""R-ENT-1: enterprise records — validated input, audited changes, a guarded life cycle."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.choices import EnterpriseStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests.factories import (
    EnterpriseFactory,
    enterprise_values,
    make_credit_code,
)
from parkflow.enterprises.validators import validate_credit_code
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

S = EnterpriseStatus


def _values(**overrides):
    return enterprise_values(
        **{"name": "苏州纳微光电科技有限公司", "credit_code": make_credit_code(42), **overrides}
    )


def test_a_valid_enterprise_is_created_as_a_prospect_and_audited(park, clerk):
    enterprise = services.enterprise_create(
        actor=clerk, park=park, **_values(credit_code=" " + make_credit_code(1).lower())
    )
    assert enterprise.status == S.PROSPECT
    assert enterprise.credit_code == make_credit_code(1)
    event = AuditEvent.objects.get(action="enterprise.create")
    assert event.after["name"] == "苏州纳微光电科技有限公司"
    assert event.actor == clerk


@pytest.mark.parametrize(
    ("credit_code", "message"),
    [
        ("91310115MA1K3ABC0", "18位"),
        ("91310115MA1K3ABC0E", "校验位"),
        ("91310115MA1K3ABCOD", "格式"),
        ("", "不能为空"),
    ],
    ids=["too-short", "wrong-check-digit", "letter-O-not-allowed", "empty"],
)
def test_an_invalid_credit_code_is_refused_naming_the_field_and_nothing_is_written(
    park, clerk, credit_code, message
):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **_values(credit_code=credit_code))
    assert "credit_code" in exc.value.errors
    assert message in " ".join(exc.value.errors["credit_code"])
    assert exc.value.requirement == "R-ENT-1"
    assert not Enterprise.objects.exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "field", ["name", "legal_representative", "contact_name", "contact_phone", "industry"]
)
def test_an_empty_required_field_is_refused(park, clerk, field):
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **_values(**{field: ""}))
    assert field in exc.value.errors
    assert not Enterprise.objects.exists()


def test_a_credit_code_can_be_registered_only_once(park, clerk):
    services.enterprise_create(actor=clerk, park=park, **_values())
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **_values(name="另一家公司"))
    assert "credit_code" in exc.value.errors
    assert Enterprise.objects.count() == 1


def test_a_duplicate_credit_code_names_who_registered_it_and_when(park, clerk):
    """The refusal reads naturally (issue 6 §9; moved from core/tests/test_wording.py)."""
    first = EnterpriseFactory(
        park=park,
        name="苏州云帆智能科技有限公司",
        credit_code=make_credit_code(77),
        created_at=datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(
            actor=clerk, park=park, **_values(name="另一家", credit_code=first.credit_code)
        )
    assert exc.value.errors["credit_code"] == [
        "该统一社会信用代码已由“苏州云帆智能科技有限公司”于 2026年3月2日 登记，不能重复建档。"
    ]


def test_negative_registered_capital_is_refused(park, clerk):
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **_values(registered_capital="-1"))
    assert "registered_capital" in exc.value.errors


def test_unknown_fields_cannot_be_smuggled_in(park, clerk):
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_create(actor=clerk, park=park, **_values(status="resident"))
    assert "status" in exc.value.errors


def test_staff_of_another_park_cannot_create_or_edit_here(park, other_park):
    outsider = staff(Role.BUSINESS_STAFF, other_park)
    with pytest.raises(PermissionDenied):
        services.enterprise_create(actor=outsider, park=park, **_values())
    enterprise = EnterpriseFactory(park=park)
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=outsider, enterprise=enterprise, name="改名")


def test_an_edit_records_only_what_changed(park, clerk):
    enterprise = services.enterprise_create(actor=clerk, park=park, **_values())
    services.enterprise_update(
        actor=clerk, enterprise=enterprise, contact_phone="13700000000", reason="联系人换号"
    )
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before == {"contact_phone": "13912345678"}
    assert event.after == {"contact_phone": "13700000000"}
    assert event.reason == "联系人换号"


def test_status_cannot_be_assigned_by_hand(park):
    enterprise = EnterpriseFactory(park=park)
    with pytest.raises(AttributeError):
        enterprise.status = S.RESIDENT


# Transition table (STYLE.md 15): (from, action) → allowed or refused; refusals write nothing.
ALLOWED = {
    (S.PROSPECT, "apply"),
    (S.REJECTED, "apply"),
    (S.RESIDENT, "start_exit"),
    (S.EXITING, "complete_exit"),
}
# move_in and approve are gated (licence + admission review): see intake/tests/test_standing.py
# and core/tests/test_gates.py;
# start_review from applying needs a licence on file (its guard) and draws reviewers.
REFUSED_BY_GUARD = {(S.APPLYING, "start_review"): "licence_required"}
UNGATED_ACTIONS = ["apply", "start_review", "start_exit", "complete_exit"]


def _at(park, status):
    enterprise = EnterpriseFactory(park=park)
    Enterprise.objects.filter(pk=enterprise.pk).update(status=status)
    return Enterprise.objects.get(pk=enterprise.pk)


@pytest.mark.parametrize("status", S.values)
@pytest.mark.parametrize("action", UNGATED_ACTIONS)
def test_transition_table(park, clerk, status, action):
    enterprise = _at(park, status)
    events = AuditEvent.objects.count()
    if (status, action) in ALLOWED:
        result = services.enterprise_transition(actor=clerk, enterprise=enterprise, action=action)
        assert result.status != status
        assert AuditEvent.objects.filter(action=f"enterprise.{action}").count() == 1
    else:
        with pytest.raises(Conflict) as exc:
            services.enterprise_transition(actor=clerk, enterprise=enterprise, action=action)
        assert exc.value.code == REFUSED_BY_GUARD.get((status, action), "invalid_transition")
        assert Enterprise.objects.get(pk=enterprise.pk).status == status
        assert AuditEvent.objects.count() == events


def test_auditors_cannot_move_an_application(park):
    enterprise = _at(park, S.PROSPECT)
    with pytest.raises(PermissionDenied):
        services.enterprise_transition(
            actor=staff(Role.AUDITOR, park), enterprise=enterprise, action="apply"
        )


def test_an_exited_enterprise_record_cannot_be_edited(park, clerk):
    enterprise = _at(park, S.EXITED)
    with pytest.raises(Conflict):
        services.enterprise_update(actor=clerk, enterprise=enterprise, name="新名称")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=16),
    st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXY"),
)
def test_credit_code_check_digit_catches_every_single_character_change(seed, position, replacement):
    code = make_credit_code(seed)
    validate_credit_code(code)
    if code[position] == replacement or (position < 8 and not replacement.isdigit()):
        return
    mutated = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(mutated)


def _portal_values(park, **overrides):
    values = _values(contact_email="apply@example.cn")
    values.pop("contact_email")
    return {
        "park": park,
        "username": "xinghe_apply",
        "password": "Xinghe@2026park",
        "password_confirm": "Xinghe@2026park",
        "email": "apply@example.cn",
        **values,
        **overrides,
    }


def test_an_enterprise_applies_through_the_portal_and_sees_only_itself(park):
    from parkflow.core import access

    user, enterprise = services.portal_application_register(**_portal_values(park))
    assert enterprise.status == S.APPLYING
    assert enterprise.created_by == user
    assert list(access.scope(user, Enterprise.objects.all())) == [enterprise]
    assert user.check_password("Xinghe@2026park")
    assert AuditEvent.objects.filter(action="enterprise.apply", actor=user).exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"password_confirm": "different"}, "password_confirm"),
        ({"password": "123", "password_confirm": "123"}, "password"),
        ({"credit_code": "91310115MA1K3ABC0E"}, "credit_code"),
        ({"username": ""}, "username"),
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_portal_application_creates_neither_account_nor_enterprise(park, overrides, field):
    from parkflow.org.models import User

    users = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.portal_application_register(**_portal_values(park, **overrides))
    assert field in exc.value.errors
    assert User.objects.count() == users
    assert not Enterprise.objects.exists()


def test_a_portal_username_cannot_be_taken_twice(park):
    services.portal_application_register(**_portal_values(park))
    with pytest.raises(ValidationFailed) as exc:
        services.portal_application_register(
            **_portal_values(park, credit_code=make_credit_code(77))
        )
    assert "username" in exc.value.errors
