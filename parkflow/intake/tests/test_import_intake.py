"""R-PLT-5 meets intake: names imported from a park's Excel register are brand-checked, and a
legacy resident is in good standing once its licence is on file. Moved from
enterprises/tests/test_import.py (intake's behaviour, D37)."""

import pytest

from parkflow.enterprises.choices import ImportStatus
from parkflow.enterprises.models import Enterprise
from parkflow.enterprises.tests import ledgers
from parkflow.enterprises.tests.factories import pdf_upload
from parkflow.intake import guards
from parkflow.intake.models import ProtectedBrand
from parkflow.org.choices import Role
from parkflow.org.tests.factories import staff


@pytest.fixture
def importer(park):
    return staff(Role.OFFICE_STAFF, park, display_name="吴静")


def test_the_brand_check_runs_on_imported_names(importer, park, django_capture_on_commit_callbacks):
    ProtectedBrand.objects.create(name="华为", aliases="HUAWEI")
    row = ledgers.enterprise_row(1, park.name, status="意向")
    row[0] = "苏州华为通信技术有限公司"
    batch = ledgers.run_import(
        importer, ledgers.workbook([row]), django_capture_on_commit_callbacks
    )
    assert batch.status == ImportStatus.IMPORTED
    enterprise = Enterprise.objects.get(name=row[0])
    assert enterprise.brand_flags.filter(status="open").exists()


def test_a_legacy_resident_is_in_good_standing_once_its_licence_is_on_file(
    importer, park, django_capture_on_commit_callbacks
):
    from parkflow.core.errors import Conflict
    from parkflow.intake import services as intake_services

    row = ledgers.enterprise_row(7, park.name, status="在园")
    ledgers.run_import(importer, ledgers.workbook([row]), django_capture_on_commit_callbacks)
    enterprise = Enterprise.objects.get(credit_code=row[1])
    assert enterprise.legacy_admission.admitted_on.isoformat() == "2021-03-01"
    with pytest.raises(Conflict, match="未上传营业执照"):
        guards.ensure_in_good_standing(enterprise)

    intake_services.document_upload(
        actor=importer,
        enterprise=enterprise,
        upload=pdf_upload(),
        doc_type="business_licence",
        valid_until="2030-12-31",
    )
    guards.ensure_in_good_standing(enterprise)  # admission predates ParkFlow; licence on file
