"""The compliance calendar's part of the service table (``parkflow.core.tests.service_table``;
``test_service_permissions`` discovers it in every installed app)."""

from parkflow.core.tests.service_table import Service, _nobody, _s
from parkflow.org.choices import Role

SERVICE_MODULES = ["parkflow.duties.services"]


def _pdf():
    from .factories import pdf_upload

    return pdf_upload("回访记录.pdf")


def _review_args(w):
    w.duty_review()  # the task exists (owned by a lead staff member of park A)
    return {"duty": "testdomain.errand_review", "obj": w.errand(), "unit": w.park}


SERVICES: dict[str, Service] = {
    "parkflow.duties.services.duty_tasks_generate": Service(
        "duty_calendar.generate", lambda w: {}, system=True
    ),
    "parkflow.duties.services.duty_tasks_remind": Service(
        None, lambda w: {}, system=True, after=False
    ),
    "parkflow.duties.services.task_complete": Service(
        "duty_task.complete",
        lambda w: {"task": w.duty_task(), "note": "本月回访已完成", "file": _pdf},
        allowed=lambda w: w.duty_task().owner,
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF),  # a colleague in the park: not the owner
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.enterprise_user(),
        ],
        before=True,
    ),
    "parkflow.duties.services.task_fulfil": Service(
        "duty_task.complete",
        lambda w: _review_args(w),
        allowed=lambda w: w.duty_review().owner,
        refused=lambda w: [
            _s(w, Role.LEAD_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    "parkflow.duties.services.task_reassign": Service(
        "duty_task.reassign",
        lambda w: {"task": w.duty_task(), "owner": _s(w, Role.BUSINESS_STAFF)},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [
            _s(w, Role.OFFICE_STAFF, w.other_park),
            _s(w, Role.BUSINESS_STAFF),
            _s(w, Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    "parkflow.duties.services.task_evidence_open": Service(
        "duty_task.evidence_download",
        lambda w: {"task": w.duty_task_done()},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.enterprise_user()],
    ),
}
