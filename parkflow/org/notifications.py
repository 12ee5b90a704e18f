"""Who is told of the kernel's events by default (R-MON-2): roles are org's concept, so org
names them here as plain data; the notifications app reads it (org imports nothing of it)."""

from .choices import Role

EVENT_ROLES = {
    # An alert nobody handles yet goes to the park's special management office and risk officers.
    "alert.opened": (Role.OFFICE_STAFF, Role.RISK_OFFICER),
    # An escalation also reaches the level up: the deputy in charge (分管领导).
    "alert.escalated": (Role.OFFICE_STAFF, Role.RISK_OFFICER, Role.DEPUTY),
}
