"""Organisation's part of the service table (see ``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers this module in every installed app)."""

import datetime

from parkflow.core.tests.service_table import Service, _anonymous, _nobody, _s, _today
from parkflow.org.choices import ComplianceKind, Role

SERVICE_MODULES = [
    "parkflow.org.services",
    "parkflow.org.tokens",
]


def _pdf():
    """A compliance evidence file (a minimal valid PDF)."""
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload()


SERVICES: dict[str, Service] = {
    # --- organisation ---------------------------------------------------------------------------
    "parkflow.org.services.emergency_contact_create": Service(
        "emergency_contact.create",
        lambda w: {"unit": w.park, "name": "值班经理", "phone": "13800138000"},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR), _nobody(w)],
    ),
    "parkflow.org.services.emergency_contact_confirm": Service(
        "emergency_contact.confirm",
        lambda w: {"contact": w.contact()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.org.services.compliance_record_add": Service(
        "compliance_record.add",
        lambda w: {
            "person": w.clerk(),
            "kind": ComplianceKind.COMMITMENT,
            "completed_on": _today() - datetime.timedelta(days=1),
        },
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [
            _s(w, Role.OFFICE_STAFF, w.other_park),
            _s(w, Role.BUSINESS_STAFF),
            w.clerk(),  # nobody vouches for himself
        ],
    ),
    "parkflow.org.services.compliance_evidence_open": Service(
        "compliance_record.evidence_download",
        lambda w: {"record": _compliance_record(w)},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.enterprise_user()],
    ),
    # A predicate for the page: it answers, never raises (``test_service_permissions`` checks
    # its answers against the service).
    "parkflow.org.services.may_record_compliance_for": Service(
        None,
        lambda w: {"person": w.clerk()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        after=False,
    ),
    "parkflow.org.services.role_assign": Service(
        "role.assign",
        lambda w: {"person": w.clerk(), "role": Role.RISK_OFFICER, "unit": w.park},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.SYSTEM_ADMIN, w.other_park), _s(w, Role.OFFICE_STAFF)],
    ),
    "parkflow.org.services.role_revoke": Service(
        "role.revoke",
        lambda w: {"assignment": w.clerk().role_assignments.get()},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.SYSTEM_ADMIN, w.other_park), _s(w, Role.OFFICE_STAFF)],
        before=True,
        after=False,
    ),
    "parkflow.org.services.user_save": Service(
        "user.create",
        lambda w: {"person": lambda: _new_user(), "change": False},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
    ),
    # --- API tokens: the owner acts on his own; anyone else finds nothing ------------------------
    "parkflow.org.tokens.issue": Service(
        "api_token.create",
        lambda w: {"name": "服务表令牌"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_anonymous(), _inactive(w)],
    ),
    "parkflow.org.tokens.revoke": Service(
        "api_token.revoke",
        lambda w: {"token": _api_token(w)},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.SYSTEM_ADMIN), _anonymous()],
        before=True,
    ),
    "parkflow.org.tokens.revoke_all_for_user": Service(
        "api_token.revoke_all",
        lambda w: {"user": _api_token(w).user, "reason": "password_changed"},
        system=True,
    ),
    "parkflow.org.tokens.for_user": Service(
        None, lambda w: {"user": w.clerk()}, system=True, after=False
    ),
    "parkflow.org.tokens.live": Service(None, lambda w: {}, system=True, after=False),
    "parkflow.org.tokens.digest": Service(
        None, lambda w: {"key": "pf_abc"}, system=True, after=False
    ),
}


def _compliance_record(w):
    from parkflow.org import services

    return services.compliance_record_add(
        actor=_s(w, Role.OFFICE_STAFF),
        person=w.clerk(),
        kind=ComplianceKind.COMMITMENT,
        completed_on=_today() - datetime.timedelta(days=3),
        evidence=_pdf(),
    )


def _new_user():
    from parkflow.org.models import User

    return User(username="new_colleague", display_name="新同事")


def _inactive(w):
    from parkflow.org.tests.factories import UserFactory

    return UserFactory(is_active=False)


def _api_token(w):
    from parkflow.org import tokens

    if "api_token" not in w._cache:
        w._cache["api_token"] = tokens.issue(actor=w.clerk(), name="服务表令牌")[0]
    return w._cache["api_token"]
