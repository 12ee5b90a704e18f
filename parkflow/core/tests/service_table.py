"""The service table the generated service permission tests run (§5 of issue 6, D21;
``test_service_permissions``).

``SERVICES`` has one entry per public function of the service modules (``SERVICE_MODULES``). The
table is split by app like the route table (``routes.py``): this module holds the machinery
(``Service``, ``ACCESS_CALLS``, the helpers) and the kernel's own modules; each app's
``<app>/tests/service_table.py`` exposes ``SERVICE_MODULES`` and ``SERVICES`` for its own, and
``all_services()`` merges the parts of every installed app (a module or an entry declared twice is
an error). The builders are the route table's: ``w`` is its ``World``. For each entry, the
generated tests call the function

* as every actor of ``refused(w)``: refused with PermissionDenied/NotFound, no row of any
  ParkFlow table changed, no audit event;
* as ``allowed(w)``: exactly one audit event of the declared action ``code``, with ``after``
  (and ``before`` where the service changes an existing row).

A public function missing from the table fails the suite, and a static check (``ast``) proves
each one either calls the access layer (directly or through a helper of its module) or is
listed with a reason in its module's ``SYSTEM_OPERATIONS``. System operations are in the table
too (``allowed`` is the system, ``refused`` is empty) so that their audit record is checked.

To add a service: ``"module.function": Service(code=..., allowed=..., refused=..., args=...)``;
``args(w)`` returns the keyword arguments except ``actor``; a value that is a zero-argument
callable is called afresh for each call (an upload, say).
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.utils import timezone

from parkflow.org.choices import Role

SERVICE_MODULES = [
    "parkflow.core.alerts",
    "parkflow.core.audit_verify",
    "parkflow.core.calendar_schedule",
    "parkflow.core.maintained",
    "parkflow.core.reviews",
    "parkflow.core.sla",
]
ACCESS_CALLS = {
    "ensure",
    "ensure_somewhere",
    "may",
    "may_somewhere",
    "get_for_user",
    "get_restricted",
    "scope",
    "restrict",
}


@dataclasses.dataclass(frozen=True)
class Service:
    code: str | None  # the audit action of a success (None: a read, nothing audited)
    args: Callable  # w -> kwargs (without actor)
    allowed: Callable | None = None  # w -> the actor who may (None: a system operation)
    refused: Callable = lambda w: []  # w -> actors who may not
    before: bool = False  # the event carries "before" (the service changes an existing row)
    after: bool = True
    system: bool = False  # called without an actor


def _signoff():
    from parkflow.testdomain.gates import SIGNOFF

    return SIGNOFF


def _large_amount():
    from parkflow.testdomain.gates import LARGE_AMOUNT

    return LARGE_AMOUNT


def _open_signature(w):
    """The open sign-off signature of a submitted errand of park A, requested by the clerk."""
    from parkflow.testdomain.tests.factories import submitted

    if "open_signature" not in w._cache:
        errand = submitted(w.park, w.clerk(), title="服务表事项")
        (w._cache["open_signature"],) = _signoff().request(actor=w.clerk(), obj=errand)
    return w._cache["open_signature"]


def _today():
    return timezone.localdate()


def _verification(w):
    """A verification an auditor queued: its id, for the worker's ``run``."""
    from parkflow.core import clock
    from parkflow.core.models import AuditVerification

    return AuditVerification.objects.create(
        kind="incremental", requested_by=_s(w, Role.AUDITOR), requested_at=clock.now()
    ).pk


def _s(w, role, park=None):
    return w.staff(role, park or w.park)


def _nobody(w):
    from parkflow.org.tests.factories import UserFactory

    return UserFactory()


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


SERVICES: dict[str, Service] = {
    # --- kernel: the lists maintained in the admin ----------------------------------------------
    "parkflow.core.maintained.maintained_save": Service(
        "calendar_day.create",
        lambda w: {"obj": lambda: _calendar_day(), "label": "calendar_day", "change": False},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
    ),
    "parkflow.core.maintained.maintained_delete": Service(
        "calendar_day.delete",
        lambda w: {"obj": _stored_calendar_day(), "label": "calendar_day"},
        allowed=lambda w: _s(w, Role.SYSTEM_ADMIN),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF), _nobody(w)],
        before=True,
        after=False,
    ),
    # --- the holiday schedule: headquarters only ------------------------------------------------
    "parkflow.core.calendar_schedule.calendar_schedule_enter": Service(
        "calendar.schedule_enter",
        lambda w: {"year": 2027, "rows": _schedule_rows(), "notice": "国办发明电〔2026〕9号"},
        allowed=lambda w: w.hq_staff(Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN),
            _s(w, Role.OFFICE_STAFF),
            w.hq_staff(Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    # A predicate (named ``user``, so called as the system with the user in its arguments).
    "parkflow.core.calendar_schedule.may_manage": Service(
        None, lambda w: {"user": w.hq_staff(Role.OFFICE_STAFF)}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.weekday_label": Service(
        None, lambda w: {"day": _today()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.date_label": Service(
        None, lambda w: {"day": _today()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.parse_text": Service(
        None, lambda w: {"year": 2027, "text": SCHEDULE_2027}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.file_to_text": Service(
        None, lambda w: {"upload": _schedule_csv}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.template_workbook": Service(
        None, lambda w: {}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.validate": Service(
        None, lambda w: {"year": 2027, "rows": _schedule_rows()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.plan": Service(
        None, lambda w: {"rows": _schedule_rows()}, system=True, after=False
    ),
    "parkflow.core.calendar_schedule.preview": Service(
        None, lambda w: {"year": 2027, "rows": _schedule_rows()}, system=True, after=False
    ),
    # --- reviews (R-CPL-1, R-ORG-4) and the gates' parameters -----------------------------------
    "parkflow.core.reviews.review_request": Service(
        "review.request",
        lambda w: {"obj": w.errand(), "gate": _signoff()},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _s(w, Role.AUDITOR),
            _nobody(w),
            w.stranger_enterprise_user(),
        ],
    ),
    "parkflow.core.reviews.review_claim": Service(
        "review.claim",
        lambda w: {"review": _open_signature(w)},
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [
            _s(w, Role.RISK_OFFICER, w.other_park),
            _s(w, Role.FINANCE_STAFF),
            w.clerk(),
            _nobody(w),
        ],
    ),
    "parkflow.core.reviews.review_decide": Service(
        "review.approve",
        lambda w: {"review": _open_signature(w), "decision": "approve", "opinion": "同意"},
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [
            _s(w, Role.RISK_OFFICER, w.other_park),
            _s(w, Role.FINANCE_STAFF),
            w.clerk(),
            _nobody(w),
        ],
    ),
    "parkflow.core.reviews.decide": Service(
        "review.approve",
        lambda w: {"review": _open_signature(w), "decision": "approve", "opinion": "同意"},
        allowed=lambda w: _s(w, Role.RISK_OFFICER),
        refused=lambda w: [_s(w, Role.RISK_OFFICER, w.other_park), w.clerk(), _nobody(w)],
    ),
    "parkflow.core.reviews.review_withdraw": Service(
        "review.withdraw_round",
        lambda w: {"review": _open_signature(w), "reason": "资料需补充"},
        allowed=lambda w: w.clerk(),
        refused=lambda w: [
            _s(w, Role.RISK_OFFICER),
            _s(w, Role.BUSINESS_STAFF, w.other_park),
            _nobody(w),
        ],
    ),
    # A domain step's effect: the reviewed object was withdrawn, its open rounds go with it.
    "parkflow.core.reviews.withdraw_open": Service(
        "review.withdraw",
        lambda w: {
            "actor": w.clerk(),
            "obj": lambda: _open_signature(w).subject,
            "reason": "申请人撤回",
        },
        system=True,
    ),
    # Runs the gate's declared consequence (the sign-off declares none: nothing happens).
    "parkflow.core.reviews.apply_consequence": Service(
        None,
        lambda w: {"actor": w.clerk(), "review": _open_signature(w)},
        system=True,
        after=False,
    ),
    "parkflow.core.reviews.gate_setting_update": Service(
        "gate.configure",
        lambda w: {"gate": _large_amount(), "params": {"threshold": 60000}, "reason": "调整"},
        allowed=lambda w: w.hq_staff(Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN),
            _s(w, Role.OFFICE_STAFF),
            w.hq_staff(Role.AUDITOR),
            _nobody(w),
        ],
        before=True,
    ),
    # --- verifying the audit chain (group-wide: any auditor may ask; the worker runs it) --------
    "parkflow.core.audit_verify.start": Service(
        "audit.verify_request",
        lambda w: {"full": False},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.BUSINESS_STAFF), _s(w, Role.OFFICE_STAFF), _nobody(w)],
    ),
    "parkflow.core.audit_verify.run": Service(
        "audit.verify", lambda w: {"run_id": lambda: _verification(w)}, system=True
    ),
    "parkflow.core.audit_verify.run_now": Service(
        None, lambda w: {"full": False}, system=True, after=False
    ),
    "parkflow.core.audit_verify.latest_checkpoint": Service(
        None, lambda w: {}, system=True, after=False
    ),
    "parkflow.core.audit_verify.current": Service(None, lambda w: {}, system=True, after=False),
    "parkflow.core.audit_verify.latest_finished": Service(
        None, lambda w: {}, system=True, after=False
    ),
    # --- alerts -----------------------------------------------------------------------------------
    "parkflow.core.alerts.alert_list": Service(
        None,
        lambda w: {},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [],
        after=False,
    ),
    "parkflow.core.alerts.alert_get_for_user": Service(
        None,
        lambda w: {"pk": w.alert().pk},
        allowed=lambda w: _s(w, Role.AUDITOR),
        refused=lambda w: [_s(w, Role.AUDITOR, w.other_park), _nobody(w), w.enterprise_user()],
        after=False,
    ),
    "parkflow.core.alerts.alert_acknowledge": Service(
        "alert.acknowledge",
        lambda w: {"alert": w.alert()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
    "parkflow.core.alerts.alert_assign": Service(
        "alert.assign",
        lambda w: {"alert": w.alert(), "assignee": w.clerk()},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
        before=True,
    ),
    "parkflow.core.alerts.alert_resolve": Service(
        "alert.resolve",
        lambda w: {"alert": w.alert(resolvable=True), "note": "已核实"},
        allowed=lambda w: _s(w, Role.OFFICE_STAFF),
        refused=lambda w: [_s(w, Role.OFFICE_STAFF, w.other_park), _s(w, Role.AUDITOR)],
    ),
}


# --- SLA clocks (issue 8 §2): the kernel's services on the test domain's declared clock ----------


def _response():
    from parkflow.testdomain.clocks import RESPONSE

    return RESPONSE


def _running(w):
    """An errand of park A just submitted: its response clock runs (started by the step)."""
    if "running" not in w._cache:
        from parkflow.testdomain.tests.factories import submitted

        w._cache["running"] = submitted(w.park, w.clerk(), enterprise=w.enterprise())
    return w._cache["running"]


def _paused(w):
    if "paused" not in w._cache:
        from parkflow.core import sla
        from parkflow.testdomain.tests.factories import submitted

        made = submitted(w.park, w.clerk(), enterprise=w.enterprise())
        sla.pause(actor=w.clerk(), obj=made, clock=_response(), reason="等待材料")
        w._cache["paused"] = made
    return w._cache["paused"]


def _errand_qs(w):
    from parkflow.testdomain.models import Errand

    _running(w)
    return Errand.objects.all()


def _clock_row(w):
    from parkflow.core.models import SlaClock

    return SlaClock.objects.get(object_id=_running(w).pk)


def _time_left(w):
    from parkflow.core import sla

    return sla.remaining(_clock_row(w))


def _sla_refused(w):
    return [
        _s(w, Role.BUSINESS_STAFF, w.other_park),
        _s(w, Role.AUDITOR),
        _nobody(w),
        w.stranger_enterprise_user(),
    ]


def _lead(w):
    return _s(w, Role.LEAD_STAFF)


SLA_SERVICES = {
    "parkflow.core.sla.start": Service(
        "sla.start",
        lambda w: {"obj": w.errand(), "clock": _response()},
        allowed=lambda w: w.clerk(),
        refused=_sla_refused,
    ),
    "parkflow.core.sla.pause": Service(
        "sla.pause",
        lambda w: {"obj": _running(w), "clock": _response(), "reason": "等待企业补充材料"},
        allowed=lambda w: w.clerk(),
        refused=_sla_refused,
        before=True,
    ),
    "parkflow.core.sla.resume": Service(
        "sla.resume",
        lambda w: {"obj": _paused(w), "clock": _response()},
        allowed=lambda w: w.clerk(),
        refused=_sla_refused,
        before=True,
    ),
    "parkflow.core.sla.regrade": Service(
        "sla.regrade",
        lambda w: {"obj": _running(w), "clock": _response(), "grade": "urgent", "reason": "加急"},
        allowed=_lead,
        refused=lambda w: [*_sla_refused(w), w.clerk()],
        before=True,
    ),
    "parkflow.core.sla.stop": Service(
        "sla.stop",
        lambda w: {"obj": _running(w), "clock": _response()},
        allowed=_lead,
        refused=lambda w: [*_sla_refused(w), w.clerk()],
        before=True,
    ),
    "parkflow.core.sla.setting_update": Service(
        "sla.configure",
        lambda w: {
            "code": "core.business_hours",
            "params": {"opens": "08:30", "closes": "17:00"},
            "reason": "按集团作息调整",
        },
        allowed=lambda w: w.hq_staff(Role.SYSTEM_ADMIN),
        refused=lambda w: [
            _s(w, Role.SYSTEM_ADMIN),
            w.hq_staff(Role.AUDITOR),
            w.hq_staff(Role.OFFICE_STAFF),
            _nobody(w),
        ],
    ),
    # Declarations, pure functions and selectors on a queryset the caller scoped: the system.
    "parkflow.core.sla.register": Service(None, lambda w: {"declared": _response()}, system=True),
    "parkflow.core.sla.autodiscover": Service(None, lambda w: {}, system=True),
    "parkflow.core.sla.get_clock": Service(
        None, lambda w: {"code": "testdomain.errand_response"}, system=True
    ),
    "parkflow.core.sla.business_hours": Service(None, lambda w: {}, system=True),
    "parkflow.core.sla.clock_settings": Service(
        None, lambda w: {"declared": _response()}, system=True
    ),
    "parkflow.core.sla.compute": Service(
        None,
        lambda w: {"unit": "working_days", "target": 3, "started_at": timezone.now()},
        system=True,
    ),
    "parkflow.core.sla.recalculate": Service(
        None, lambda w: {"since": _today()}, system=True, after=False
    ),
    **{
        f"parkflow.core.sla.{name}": Service(
            None, lambda w: {"queryset": _errand_qs(w), "clock": _response()}, system=True
        )
        for name in ("overdue", "due_soon", "critical", "clocks_for", "with_clock", "attainment")
    },
    "parkflow.core.sla.clocks_of": Service(None, lambda w: {"obj": _running(w)}, system=True),
    "parkflow.core.sla.remaining": Service(None, lambda w: {"row": _clock_row(w)}, system=True),
    "parkflow.core.sla.remaining_text": Service(
        None, lambda w: {"left": _time_left(w)}, system=True
    ),
}
SERVICES.update(SLA_SERVICES)


SCHEDULE_2027 = """元旦, 2027-01-01~2027-01-03
春节, 2027-02-05~2027-02-12, 2027-02-14 2027-02-20
国庆节, 2027-10-01~2027-10-07, 2027-09-26 2027-10-09
"""


def _schedule_rows():
    from parkflow.core import calendar_schedule

    rows, errors = calendar_schedule.parse_text(2027, SCHEDULE_2027)
    assert not errors, errors
    return rows


def _schedule_csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = "名称,放假开始日期,放假结束日期,调休上班日\n元旦,2027-01-01,2027-01-03,\n"
    return SimpleUploadedFile("schedule.csv", text.encode("utf-8"), content_type="text/csv")


def _calendar_day():
    from parkflow.core.models import CalendarDay

    return CalendarDay(date=datetime.date(2031, 10, 8), is_working_day=False, name="国庆节")


def _stored_calendar_day():
    day = _calendar_day()
    day.save()
    return day


def all_services() -> tuple[list[str], dict[str, Service]]:
    """This table and every installed app's ``tests/service_table.py`` part, merged: the service
    modules and the entries."""
    from .routes import app_parts, merge

    parts = list(app_parts("service_table"))
    modules = merge(
        [
            (__name__, dict.fromkeys(SERVICE_MODULES)),
            *((app, dict.fromkeys(part.SERVICE_MODULES)) for app, part in parts),
        ],
        "service modules",
    )
    services = merge(
        [(__name__, SERVICES), *((app, part.SERVICES) for app, part in parts)], "services"
    )
    return list(modules), services
