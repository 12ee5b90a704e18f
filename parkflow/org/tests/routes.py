"""The organisation routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app)."""

import datetime

from parkflow.core.tests.routes import (
    ALLOWED,
    API,
    HIDDEN,
    PUBLIC,
    REFUSED,
    SIGNED_IN,
    STAFF,
    Case,
    Route,
    _nothing,
    _today,
)
from parkflow.org.choices import Role


def _pdf():
    """A compliance evidence file (a minimal valid PDF)."""
    from parkflow.enterprises.tests.factories import pdf_upload

    return pdf_upload()


def _contact_case(w):
    contact = w.contact()
    return Case({"pk": contact.pk}, marker=contact.name)


def _contact_create_case(w):
    return Case(
        data={"POST": {"unit": w.park.pk, "name": "新值班经理", "phone": "13800138001"}},
        actor=w.staff(Role.OFFICE_STAFF),
    )


def _people_case(w):
    w.staff(Role.BUSINESS_STAFF, display_name="甲园标记员工")
    return Case(marker="甲园标记员工")


def _api_contacts(w):
    contact = w.contact()
    return Case(
        marker=contact.name,
        data={"POST": {"unit": w.park.pk, "name": "新值班经理", "phone": "13800138001"}},
        actor=w.staff(Role.OFFICE_STAFF),
    )


def _api_contact(w):
    contact = w.contact()
    return Case({"pk": contact.pk}, data={"POST": {}}, actor=w.staff(Role.OFFICE_STAFF))


def _api_unit(w):
    return Case({"pk": w.park.pk}, marker=w.park.name)


def _person(w):
    if "person" not in w._cache:
        w._cache["person"] = w.staff(Role.BUSINESS_STAFF, display_name="甲园标记员工")
    return w._cache["person"]


def _compliance_form(w, person=None):
    return {
        "kind": "commitment",
        "completed_on": (_today() - datetime.timedelta(days=3)).isoformat(),
        "evidence": _pdf(),
        "note": "",
        **({"person": person.pk} if person else {}),
    }


def _compliance_record(w):
    from parkflow.org import services

    if "compliance_record" not in w._cache:
        w._cache["compliance_record"] = services.compliance_record_add(
            actor=w.staff(Role.OFFICE_STAFF),
            person=_person(w),
            kind="commitment",
            completed_on=_today() - datetime.timedelta(days=10),
            evidence=_pdf(),
        )
    return w._cache["compliance_record"]


def _person_compliance_case(w):
    person = _person(w)
    return Case({"pk": person.pk}, marker=person.display_name, data={"POST": _compliance_form})


def _compliance_record_case(w):
    record = _compliance_record(w)
    person = record.user
    return Case(
        {"pk": record.pk},
        marker=person.display_name,
        data={"POST": lambda w: _compliance_form(w, person)},
        multipart=True,
    )


def _token_case(w):
    """An API token of one auditor of park A: only its owner sees or revokes it."""
    from parkflow.org import tokens

    owner = w.staff(Role.AUDITOR)
    token, _key = tokens.issue(actor=owner, name="甲园标记令牌", days=30)
    return Case({"pk": token.pk}, marker=token.name, actor=owner, data={"POST": {}})


R = Role
ROUTES = {
    "api:token": Route(PUBLIC, {"POST": 400}),
    # --- organisation -----------------------------------------------------------------------
    "org:contacts": Route(
        STAFF, {"GET": 200}, "org.view", R.AUDITOR, _contact_case, other_park=HIDDEN
    ),
    "org:contact_create": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        "contact.manage",
        R.OFFICE_STAFF,
        _contact_create_case,
        other_park={"GET": ALLOWED, "POST": REFUSED},
    ),
    "org:contact_confirm": Route(
        STAFF, {"POST": 302}, "contact.manage", R.OFFICE_STAFF, _contact_case
    ),
    "org:people": Route(
        STAFF, {"GET": 200}, "org.view", R.AUDITOR, _people_case, other_park=HIDDEN
    ),
    # --- API ------------------------------------------------------------------------------------
    "api:me": Route(API, {"GET": 200}, "*", R.AUDITOR, _nothing, other_park=ALLOWED, no_role=None),
    "api:org-unit-list": Route(
        API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit, other_park=HIDDEN
    ),
    "api:org-unit-tree": Route(
        API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit, other_park=HIDDEN
    ),
    "api:org-unit-detail": Route(API, {"GET": 200}, "org.view", R.AUDITOR, _api_unit),
    "api:emergency-contact-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "org.view", "POST": "contact.manage"},
        R.OFFICE_STAFF,
        _api_contacts,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:emergency-contact-detail": Route(API, {"GET": 200}, "org.view", R.AUDITOR, _api_contact),
    "api:emergency-contact-confirm": Route(
        API, {"POST": 200}, "contact.manage", R.OFFICE_STAFF, _api_contact
    ),
    # --- compliance records (R-ORG-5) ------------------------------------------------------
    # Reading a person's page needs org.view; recording needs compliance.record over every
    # park the person works in: the table checks the recording role (office staff).
    "org:person_compliance": Route(
        STAFF,
        {"GET": 200, "POST": 302},
        {"GET": "org.view", "POST": "compliance.record"},
        R.OFFICE_STAFF,
        _person_compliance_case,
    ),
    "org:compliance_evidence": Route(
        STAFF, {"GET": 200}, "org.view", R.AUDITOR, _compliance_record_case
    ),
    "api:compliance-record-list": Route(
        API,
        {"GET": 200, "POST": 201},
        {"GET": "org.view", "POST": "compliance.record"},
        R.OFFICE_STAFF,
        _compliance_record_case,
        other_park={"GET": HIDDEN, "POST": REFUSED},
    ),
    "api:compliance-record-detail": Route(
        API, {"GET": 200}, "org.view", R.AUDITOR, _compliance_record_case
    ),
    # --- API tokens: each user's own (D23) ---------------------------------------------------
    # Every signed-in user (staff or enterprise) keeps their own tokens; the list shows only
    # them (the API list below checks another user's token is absent).
    "org:api_tokens": Route(SIGNED_IN, {"GET": 200, "POST": 302}, no_role=None),
    # The token's owner is the only one it is for: any other user, whatever their role or
    # park (no role, another enterprise's user, park B staff), gets 404. The role is that of
    # the owner the table builds; any signed-in user may hold tokens.
    "org:api_token_revoke": Route(
        STAFF, {"GET": 200, "POST": 302}, None, R.AUDITOR, _token_case, no_role=404
    ),
    "api:api-token-list": Route(
        API, {"GET": 200}, "*", R.AUDITOR, _token_case, other_park=HIDDEN, no_role=None
    ),
    "api:api-token-detail": Route(API, {"GET": 200}, "*", R.AUDITOR, _token_case, no_role=404),
    "api:api-token-revoke": Route(API, {"POST": 200}, "*", R.AUDITOR, _token_case, no_role=404),
}
