"""The enterprise portal routes of the permission table (see ``parkflow.core.tests.routes``;
``test_route_permissions`` discovers this module in every installed app)."""

from parkflow.core.tests.routes import (
    ALLOWED,
    HIDDEN,
    PORTAL,
    PUBLIC,
    Case,
    Route,
)
from parkflow.enterprises.tests.routes import _doc_form
from parkflow.org.choices import Role


def _portal_case(w):
    e = w.enterprise()
    return Case(marker=e.name, enterprise=e, actor=w.enterprise_user(e))


def _portal_upload_case(w):
    e = w.enterprise()
    return Case(data={"POST": _doc_form}, enterprise=e, actor=w.enterprise_user(e), multipart=True)


def _portal_download_case(w):
    enterprise, licence = w.licensed()
    return Case(
        {"document_pk": licence.pk},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
    )


def _portal_submit_case(w):
    enterprise, _licence = w.licensed()
    from parkflow.enterprises import services

    services.enterprise_apply(actor=w.clerk(), enterprise=enterprise)
    for _i in range(2):
        w.staff(Role.RISK_OFFICER)  # the eligible reviewers the draw needs
    return Case(
        {"name": "start_review"},
        enterprise=enterprise,
        actor=w.enterprise_user(enterprise),
        names_no_object=True,
    )


R = Role
ROUTES = {
    "portal:apply": Route(PUBLIC, {"GET": 200}),
    # 上传营业执照自动识别 (issue 13): public, the reading the uploading session's alone (404 for
    # any other session on every method: test_pages_licence.py), throttled per address.
    "portal:apply_licence_upload": Route(PUBLIC, {"POST": 302}),
    "portal:apply_licence": Route(PUBLIC, {"GET": 200}),
    # --- portal -----------------------------------------------------------------------------
    "portal:home": Route(
        PORTAL, {"GET": 200}, "enterprise.view", make=_portal_case, other_park=HIDDEN
    ),
    "portal:results": Route(
        PORTAL, {"GET": 200}, "enterprise.view", make=_portal_case, other_park=ALLOWED
    ),
    "portal:document_upload": Route(
        PORTAL, {"POST": 302}, "document.upload", make=_portal_upload_case, other_park=ALLOWED
    ),
    "portal:document_download": Route(
        PORTAL, {"GET": 200}, "document.download", make=_portal_download_case
    ),
    "portal:transition": Route(
        PORTAL, {"POST": 302}, "enterprise.submit", make=_portal_submit_case, other_park=ALLOWED
    ),
    "portal:invitation_accept": Route(PUBLIC, {"GET": 200, "POST": 302}),
}
