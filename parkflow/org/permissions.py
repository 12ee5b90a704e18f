"""Who may do what to org's models — and to the kernel's, because roles are org's concept and
the kernel knows none (D30): the kernel's own actions (alerts, reviews, audit, rules, regulation,
calendar) get their roles here. Role sets used by other apps' declarations live here too."""

from parkflow.core.access import Permissions

from .choices import Role

R = Role
ALL_STAFF = frozenset(Role.values)
OPERATORS = ALL_STAFF - {R.AUDITOR}
LEADERS = frozenset({R.PRINCIPAL, R.DEPUTY, R.GROUP_MEMBER})

PERMISSIONS = [
    # --- org's own models
    Permissions(
        model="org.OrgUnit",
        park="park",
        actions={"org.view": ALL_STAFF, "org.manage": frozenset({R.SYSTEM_ADMIN})},
    ),
    Permissions(
        model="org.EmergencyContact",
        park="park",
        actions={
            "contact.manage": frozenset(
                {R.OFFICE_STAFF, R.LEAD_STAFF, R.SYSTEM_ADMIN, R.BUSINESS_STAFF}
            )
        },
    ),
    # A person's records: the park is each park the person works in, so the service asks with
    # ``park=`` for every one of them (D21).
    Permissions(
        model="org.ComplianceRecord",
        scoped=True,
        actions={"compliance.record": frozenset({R.OFFICE_STAFF, R.LEAD_STAFF, R.SYSTEM_ADMIN})},
    ),
    # The admin site (headquarters system administrators; superusers by Django's own flag).
    Permissions(model="org.User", actions={"admin.site": frozenset({R.SYSTEM_ADMIN})}),
    # --- the kernel's models (core knows no roles)
    Permissions(
        model="core.Alert",
        park="park",
        actions={"alert.view": ALL_STAFF, "alert.handle": OPERATORS},
    ),
    Permissions(model="core.Review", park="park", actions={"review.view": ALL_STAFF}),
    Permissions(
        model="core.AuditEvent",
        actions={
            "audit.view": frozenset({R.AUDITOR, R.SYSTEM_ADMIN, R.OFFICE_STAFF, R.PRINCIPAL}),
            "audit.verify": frozenset({R.AUDITOR, R.SYSTEM_ADMIN}),
        },
    ),
    Permissions(
        model="core.RuleSetting",
        actions={"rules.view": ALL_STAFF, "rules.configure": frozenset({R.SYSTEM_ADMIN})},
    ),
    Permissions(model="core.Regulation", actions={"regulation.view": ALL_STAFF}),
    # --- the notifications' models (a kernel-level app that knows no roles either)
    # One's own inbox: no role gives it, the recipient's grant does (staff without a role too).
    Permissions(
        model="notifications.Notification",
        actions={"notification.read": frozenset()},
        grants={"notification.read": "recipient"},
    ),
    # Channel settings per park (a group-wide one needs the role at headquarters).
    Permissions(
        model="notifications.ChannelConfig",
        park="park",
        actions={"notification.configure": frozenset({R.SYSTEM_ADMIN})},
    ),
    Permissions(
        model="notifications.Delivery",
        park="park",
        view="notification.deliveries",
        actions={
            "notification.deliveries": frozenset({R.SYSTEM_ADMIN, R.AUDITOR}),
            "notification.resend": frozenset({R.SYSTEM_ADMIN}),
        },
    ),
    # Default subscriptions of a role are group-wide: headquarters business.
    Permissions(
        model="notifications.Subscription",
        actions={"notification.defaults": frozenset({R.SYSTEM_ADMIN})},
    ),
    # The holiday calendar is national: everyone reads it; entering a year's State Council
    # schedule needs the role at headquarters (the calendar belongs to no park, D19).
    Permissions(
        model="core.CalendarYear",
        actions={
            "calendar.view": ALL_STAFF,
            "calendar.manage": frozenset({R.SYSTEM_ADMIN, R.OFFICE_STAFF}),
        },
    ),
    # SLA settings (business hours, each clock's targets) are group-wide: everyone reads them,
    # a system administrator at headquarters changes them (core.sla, issue 8 §2).
    Permissions(
        model="core.SlaSetting",
        actions={"sla.view": ALL_STAFF, "sla.configure": frozenset({R.SYSTEM_ADMIN})},
    ),
]
