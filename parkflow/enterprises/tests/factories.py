import random
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum.cn import uscc

from parkflow.enterprises.choices import EnterpriseGrade, Industry
from parkflow.enterprises.models import Enterprise, PortalAccount
from parkflow.org.tests.factories import ParkFactory, UserFactory

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_credit_code(seed: int | None = None) -> str:
    """A well-formed 统一社会信用代码 with a correct GB 32100 check digit."""
    rng = random.Random(seed)
    body = (
        "91"
        + rng.choice(["310115", "320505", "440305", "110108"])
        + "".join(rng.choices(_ALPHABET, k=9))
    )
    return body + uscc.calc_check_digit(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"苏州测试科技有限公司{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(n))
    legal_representative = "张三"
    registered_capital = Decimal("500.00")
    industry = Industry.IT
    grade = EnterpriseGrade.B
    contact_name = "李四"
    contact_phone = "13912345678"
    park = factory.SubFactory(ParkFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)


def enterprise_values(**overrides) -> dict:
    """What a clerk types for a new enterprise — the keyword arguments of ``enterprise_create``
    and the body of ``POST /api/v1/enterprises/`` (plus its park) — with ``overrides``."""
    return {
        "name": "苏州星河智能科技有限公司",
        "credit_code": make_credit_code(7),
        "legal_representative": "周明",
        "registered_capital": "800",
        "industry": "it",
        "contact_name": "陈静",
        "contact_phone": "13912345678",
        **overrides,
    }


def enterprise_form_values(park=None, **overrides) -> dict:
    """A filled-in enterprise form (the register page's create and edit forms)."""
    values = {
        "name": "苏州纳微光电科技有限公司",
        "credit_code": make_credit_code(4242),
        "legal_representative": "林峰",
        "registered_capital": "1200.50",
        "industry": "it",
        "grade": "a",
        "contact_name": "许婷",
        "contact_phone": "13812345678",
        "contact_email": "",
        "address": "",
        "account_manager": "",
    }
    if park is not None:
        values["park"] = park.pk
    values.update(overrides)
    return values


def prospect_create(*, actor, park, **overrides) -> Enterprise:
    """A prospect registered through the service, as a clerk registers one."""
    from parkflow.enterprises import services

    return services.enterprise_create(actor=actor, park=park, **enterprise_values(**overrides))


def enterprise_user(enterprise: Enterprise, **kwargs):
    user = UserFactory(compliant=False, **kwargs)
    PortalAccount.objects.create(user=user, enterprise=enterprise)
    return user


def build_pdf(*objects: bytes, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct cross-reference
    table, so a PDF library parses it like a real file. Tests craft active content with it."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R " % (len(objects) + 1, root) + trailer_extra
    out += b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


MINIMAL_PDF = build_pdf(
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
)


def pdf_upload(name: str = "营业执照.pdf", content: bytes = MINIMAL_PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")
