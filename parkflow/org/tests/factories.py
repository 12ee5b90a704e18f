import datetime

import factory
from django.utils import timezone

from parkflow.org.choices import ComplianceKind, DepartmentKind, Role, UnitKind
from parkflow.org.compliance import valid_until
from parkflow.org.models import ComplianceRecord, EmergencyContact, OrgUnit, RoleAssignment, User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = UnitKind.COMPANY


class ParkFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"第{n}产业园")
    code = factory.Sequence(lambda n: f"park-{n}")
    kind = UnitKind.PARK

    @factory.post_generation
    def own_park(obj, create, extracted, **kwargs):
        obj.park = obj
        if create:
            obj.save(update_fields=["park"])


class DepartmentFactory(OrgUnitFactory):
    name = factory.Sequence(lambda n: f"业务{n}部")
    code = factory.Sequence(lambda n: f"dept-{n}")
    kind = UnitKind.DEPARTMENT
    department_kind = DepartmentKind.BUSINESS
    parent = factory.SubFactory(ParkFactory)
    park = factory.LazyAttribute(lambda o: o.parent.park if o.parent else None)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@park.example")
    password = factory.PostGenerationMethodCall("set_password", "Park-2026!")

    @factory.post_generation
    def compliant(obj, create, extracted, **kwargs):
        """Staff are compliant by default (commitment, onboarding and manager training current)."""
        if not create:
            return
        if extracted is False:
            obj.save()  # keep the password set by the post-generation call
            return
        today = timezone.localdate()
        done = today - datetime.timedelta(days=10)
        for kind in ComplianceKind.values:
            ComplianceRecord.objects.create(
                user=obj, kind=kind, completed_on=done, valid_until=valid_until(kind, done)
            )
        obj.save()


def staff(role: str = Role.BUSINESS_STAFF, unit: OrgUnit | None = None, **kwargs) -> User:
    """A compliant staff member holding ``role`` in ``unit`` (a park, or a headquarters unit)."""
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, unit=unit or ParkFactory())
    return user


class EmergencyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyContact

    unit = factory.SubFactory(ParkFactory)
    park = factory.LazyAttribute(lambda o: o.unit.park)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = "13800138000"
    confirmed_at = factory.LazyFunction(timezone.now)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.BUSINESS_STAFF
    unit = factory.SubFactory(ParkFactory)


def grant_also(user: User, role: str, unit: OrgUnit) -> RoleAssignment:
    """Give a staff member a further role (e.g. a reviewer who is also an account manager)."""
    from parkflow.core import access

    assignment = RoleAssignment.objects.create(user=user, role=role, unit=unit)
    access.forget(user)
    return assignment
