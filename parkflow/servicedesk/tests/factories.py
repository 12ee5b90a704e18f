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
