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
    body = "91" + rng.choice(["310115", "320505", "440305", "110108"]) + "".join(rng.choices(_ALPHABET, k=9))
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


def enterprise_user(enterprise: Enterprise, **kwargs):
    user = UserFactory(compliant=False, **kwargs)
    PortalAccount.objects.create(user=user, enterprise=enterprise)
    return user
