"""An organisation for the compliance calendar's tests: headquarters (company, the special office
in the lead department, the legal and risk departments), two parks with a business department
each, and the people who own their duties."""

from dataclasses import dataclass, field

from parkflow.org.choices import DepartmentKind, Role, UnitKind
from parkflow.org.tests.factories import OrgUnitFactory, ParkFactory, staff


@dataclass
class Org:
    company: object
    office: object  # the lead department, hosting the special management office
    legal: object
    risk: object
    park: object
    other_park: object
    business: object  # park A's business department
    other_business: object
    people: dict = field(default_factory=dict)

    def person(self, key):
        return self.people[key]


def build_org(park=None, other_park=None) -> Org:
    company = OrgUnitFactory(name="苏湖产业园运营管理有限公司", kind=UnitKind.COMPANY)

    def hq_department(name, kind, **extra):
        return OrgUnitFactory(
            name=name, kind=UnitKind.DEPARTMENT, parent=company, department_kind=kind, **extra
        )

    office = hq_department("综合管理部", DepartmentKind.LEAD, hosts_special_office=True)
    legal = hq_department("法务部", DepartmentKind.LEGAL)
    risk = hq_department("风控部", DepartmentKind.RISK)
    park = park or ParkFactory(name="苏州工业园A区")
    other_park = other_park or ParkFactory(name="无锡科创园B区")

    def business(of):
        return OrgUnitFactory(
            name=f"{of.name}招商服务部",
            kind=UnitKind.DEPARTMENT,
            parent=of,
            park=of,
            department_kind=DepartmentKind.BUSINESS,
        )

    org = Org(
        company,
        office,
        legal,
        risk,
        park,
        other_park,
        business(park),
        business(other_park),
    )
    org.people = {
        "office": staff(Role.OFFICE_STAFF, office, display_name="吴静"),
        "lead": staff(Role.LEAD_STAFF, office, display_name="郑磊"),
        "legal": staff(Role.LEGAL_OFFICER, legal, display_name="何雪"),
        "risk": staff(Role.RISK_OFFICER, risk, display_name="冯晓"),
        "deputy": staff(Role.DEPUTY, company, display_name="刘海波"),
        "biz_a": staff(Role.BUSINESS_STAFF, org.business, display_name="王磊"),
        "biz_b": staff(Role.BUSINESS_STAFF, org.other_business, display_name="李娜"),
    }
    return org


def pdf_upload(name="记录.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..demo import demo_pdf

    return SimpleUploadedFile(name, demo_pdf("记录", ["测试"]), content_type="application/pdf")
