"""Builders for the notifications' tests: channel settings through the service, messages
through ``publish``."""

from parkflow.org.choices import Role
from parkflow.org.tests.factories import OrgUnitFactory, staff

from .. import services
from ..choices import Channel


def hq_admin():
    return staff(Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"))


def channel(kind=Channel.WECOM, *, park=None, url="", secret="", enabled=True, name="", actor=None):
    """A channel setting saved by a headquarters administrator (audited like any other)."""
    return services.channel_config_save(
        actor=actor or hq_admin(),
        kind=kind,
        park=park,
        enabled=enabled,
        name=name or f"{Channel(kind).label}测试群",
        webhook_url=url or None,
        secret=secret or None,
    )


def assigned_errand(park, *, assignee=None, clerk=None, title="甲园标记事项"):
    """A draft errand re-assigned by its clerk: the test domain publishes
    ``testdomain.errand_assigned`` to the new assignee (e-mail and WeCom by default)."""
    from parkflow.testdomain import services as errands
    from parkflow.testdomain.tests.factories import errand

    clerk = clerk or staff(Role.BUSINESS_STAFF, park)
    assignee = assignee or staff(Role.BUSINESS_STAFF, park)
    made = errand(park, clerk, title=title)
    return errands.errand_assign(actor=clerk, errand=made, assignee=assignee), assignee
