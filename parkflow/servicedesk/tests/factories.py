"""Service-desk test data, through the services."""

from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff

from .. import services


class Desk:
    """One park's front office: three handlers and their department head."""

    def __init__(self, park):
        self.park = park
        self.first = staff(Role.BUSINESS_STAFF, park, display_name="首问人")
        self.second = staff(Role.BUSINESS_STAFF, park, display_name="同事乙")
        self.third = staff(Role.LEAD_STAFF, park, display_name="同事丙")
        self.head = staff(Role.DEPT_HEAD, park, display_name="部门负责人")


def submitted(desk, *, enterprise=None, category="repair", title="空调不制冷"):
    enterprise = enterprise or EnterpriseFactory(park=desk.park)
    return services.request_submit(
        actor=desk.first,
        enterprise=enterprise,
        category=category,
        title=title,
        description="三楼会议室空调不制冷，室温 30 度。",
    )


def taken(desk, **values):
    return services.request_take(actor=desk.first, request=submitted(desk, **values))


def complaint(
    desk, *, enterprise=None, actor=None, topic="property", title="电梯多次困人", **values
):
    """A complaint taken by phone, received an hour ago, recorded by the desk's first responder."""
    import datetime

    from django.utils import timezone

    from .. import services_complaints

    enterprise = enterprise or EnterpriseFactory(park=desk.park)
    values.setdefault("channel", "phone")
    values.setdefault("received_at", timezone.now() - datetime.timedelta(hours=1))
    return services_complaints.complaint_record(
        actor=actor or desk.first,
        enterprise=enterprise,
        topic=topic,
        title=title,
        text="三号楼电梯本月第三次困人，物业到场超过 40 分钟。",
        complainant="张经理",
        contact="13800000000",
        **values,
    )


class Leaders:
    """A park's principal, in-charge leader and a leading-group member."""

    def __init__(self, park):
        self.principal = staff(Role.PRINCIPAL, park, display_name="园区总经理")
        self.deputy = staff(Role.DEPUTY, park, display_name="分管副总")
        self.member = staff(Role.GROUP_MEMBER, park, display_name="领导小组成员")


def decide_all(obj, gate, reviewer, decision="approve", opinion="同意"):
    """Every open signature of the gate's latest round on ``obj``, by ``reviewer`` — as the
    review page does it (the consequence applied after the decision)."""
    from parkflow.core import gates as core_gates
    from parkflow.core import reviews

    for review in core_gates.latest_round(obj, gate):
        if review.decision != "pending":
            continue
        if review.assigned_to_id is None:
            review = reviews.review_claim(actor=reviewer, review=review)
        reviews.decide(actor=reviewer, review=review, decision=decision, opinion=opinion)
    obj.refresh_from_db()
    return obj


def png(name="photo.png", size=(8, 8)):
    """A small real PNG, as a phone's upload."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def jpeg(name="photo.jpg", size=(8, 8)):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (60, 60, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
