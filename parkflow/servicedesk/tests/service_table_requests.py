"""The service-request UI's entries of the service desk's part of the service table
(core/tests/service_table.py): filing a request with photos, opening a photo, the list's
export; merged into ``service_table.py`` (``SERVICE_MODULES += …``, ``SERVICES |= …``)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.servicedesk.services_photos",
    "parkflow.servicedesk.exports_requests",
]


def _filing(w):
    from .factories import png

    return {
        "enterprise": w.enterprise(),
        "category": "repair",
        "title": "门禁故障",
        "description": "南门门禁刷卡无反应，见照片。",
        "photos": lambda: [png()],
    }


P = "parkflow.servicedesk.services_photos."
X = "parkflow.servicedesk.exports_requests."

SERVICES = {
    P + "request_submit_with_photos": Service(
        "service_request.photos_add",
        _filing,
        allowed=lambda w: w.enterprise_user(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "photo_open": Service(
        None,
        lambda w: {"photo": w.desk_photo()},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [
            _s(w, Role.AUDITOR, w.other_park),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    P + "check_photo": Service(None, lambda w: {"upload": _png()}, system=True, after=False),
    X + "request_export": Service(
        "service_request.export",
        lambda w: {"filters": {}},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_nobody(w), w.enterprise_user()],
    ),
    X + "request_workbook": Service(
        None, lambda w: {"requests": [], "target": _buffer()}, system=True, after=False
    ),
    X + "filename": Service(None, lambda w: {"title": "服务请求"}, system=True, after=False),
}


def _png():
    from .factories import png

    return png()


def _buffer():
    import io

    return io.BytesIO()
