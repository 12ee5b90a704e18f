"""Import of existing agreements from the park's Excel ledger (R-PLT-5): row-level errors in
Chinese naming the column, nothing written while any row fails, signed and migrated agreements
audited one by one, the worker and its progress for a large file."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parkflow.core.errors import Conflict, PermissionDenied
from parkflow.core.models import AuditEvent
from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .. import documents, imports
from ..choices import AgreementStatus, FeeKind, FeePeriod
from ..models import Agreement, FeeLine
from .factories import Org, draft

pytestmark = pytest.mark.django_db

HEADERS = [c.header + ("*" if c.required else "") for c in imports.COLUMNS]


def row(n, enterprise, **changes):
    values = {
        "number": f"LY2023-{n:04d}",
        "credit_code": enterprise.credit_code,
        "kind": "入驻服务协议",
        "title": f"{enterprise.name}入驻服务协议",
        "start_date": "2023-03-01",
        "end_date": "2026年2月28日",
        "signed_on": datetime.date(2023, 2, 20),
        "enterprise_signatory": "王建华",
        "monthly_rent": 9600,
        "area": 120,
        "note": "原纸质台账第 3 册",
    }
    values.update(changes)
    return [values[c.key] for c in imports.COLUMNS]


def ledger(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "历史协议"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="历史协议台账.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def importer(park):
    return staff(Role.LEAD_STAFF, park, display_name="导入人")


@pytest.fixture
def enterprise(park):
    return EnterpriseFactory(park=park, name="苏州恒远科技有限公司")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts():
    return Agreement.objects.count(), FeeLine.objects.count(), AuditEvent.objects.count()


# ---------------------------------------------------------------------------------------------
# The happy path


def test_a_clean_ledger_is_checked_then_imported_as_signed_migrated_agreements(
    importer, enterprise
):
    content = ledger([row(1, enterprise), row(2, enterprise, monthly_rent=None, area=None)])
    before = _counts()
    job = imports.agreement_import_check(actor=importer, upload=upload(content))
    assert job["status"] == imports.CHECKED and job["rows"] == 2 and not job["errors"]
    assert _counts() == before  # the check writes nothing
    job = imports.agreement_import_confirm(actor=importer, token=job["token"])
    assert job["status"] == imports.DONE and job["imported"] == 2
    first = Agreement.objects.get(number="LY2023-0001")
    assert first.status == AgreementStatus.SIGNED and first.migrated
    assert first.migration_reviewed_at is None and not first.signed_scan
    assert first.enterprise == enterprise and first.park == enterprise.park
    assert (first.start_date, first.end_date) == (
        datetime.date(2023, 3, 1),
        datetime.date(2026, 2, 28),
    )
    assert first.signed_on == datetime.date(2023, 2, 20)
    assert first.enterprise_signatory == "王建华"
    (rent,) = first.fees.all()
    assert (rent.kind, rent.period, rent.unit_price, rent.quantity) == (
        FeeKind.RENT,
        FeePeriod.MONTHLY,
        Decimal("9600.00"),
        Decimal("1.00"),
    )
    assert rent.label == "租金（面积 120 平方米）"
    assert not Agreement.objects.get(number="LY2023-0002").fees.exists()
    events = AuditEvent.objects.filter(action="agreement.import").order_by("id")
    assert [e.after["number"] for e in events] == ["LY2023-0001", "LY2023-0002"]
    assert events[0].actor_id == importer.pk
    assert events[0].after["sha256"] == job["sha256"] and events[0].after["row"] == 2
    assert events[0].after["note"] == "原纸质台账第 3 册"


def test_an_imported_agreement_prints_as_migrated_and_not_reviewed(importer, enterprise):
    job = imports.agreement_import_check(
        actor=importer, upload=upload(ledger([row(1, enterprise)]))
    )
    imports.agreement_import_confirm(actor=importer, token=job["token"])
    agreement = Agreement.objects.get(number="LY2023-0001")
    from .test_documents import pdf_text

    flat = pdf_text(documents.render_pdf(agreement)).replace("\n", "")
    assert "历史导入，未经审查" in flat and "¥9,600.00" in flat


# ---------------------------------------------------------------------------------------------
# Row-level errors: nothing is written


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    importer, enterprise, park
):
    org = Org(park)
    existing = draft(org, enterprise=None)
    elsewhere = EnterpriseFactory(park=ParkFactory())
    rows = [
        row(1, enterprise),  # fine
        row(2, enterprise, credit_code="91320594MA1XXXXX0X"),
        row(3, elsewhere),
        row(4, enterprise, start_date="2024-05-01", end_date="2024-04-30"),
        row(5, enterprise, number="LY2023-0001"),
        row(6, enterprise, number=existing.number),
        row(7, enterprise, signed_on="2023-13-40"),
        row(8, enterprise, kind="租赁合同"),
        row(9, enterprise, signed_on=datetime.date.today() + datetime.timedelta(days=3)),
        row(10, enterprise, monthly_rent="九千六"),
        row(11, enterprise, title=""),
    ]
    before = _counts()
    job = imports.agreement_import_check(actor=importer, upload=upload(ledger(rows)))
    assert job["status"] == imports.INVALID and job["rows"] == 1
    found = {(e["row"], e["column"]): e["message"] for e in job["errors"]}
    assert "请先导入企业名录" in found[(3, "企业统一社会信用代码")]
    assert "其他园区" in found[(4, "企业统一社会信用代码")]
    assert found[(5, "终止日期")] == "终止日期不能早于起始日期。"
    assert "与第 2 行的协议编号重复" in found[(6, "协议编号")]
    assert "在系统中已存在" in found[(7, "协议编号")]
    assert "日期格式不正确" in found[(8, "签署日期")]
    assert "不在可选范围内" in found[(9, "协议类型")]
    assert found[(10, "签署日期")] == "签署日期不能晚于今天。"
    assert "数字" in found[(11, "月租金（元）")]
    assert found[(12, "协议名称")] == "必填。"
    assert job["error_count"] == 10
    assert _counts() == before
    with pytest.raises(Conflict):
        imports.agreement_import_confirm(actor=importer, token=job["token"])
    assert _counts() == before


def test_a_number_taken_between_check_and_confirm_fails_the_whole_file(importer, enterprise):
    job = imports.agreement_import_check(
        actor=importer, upload=upload(ledger([row(1, enterprise), row(2, enterprise)]))
    )
    other = imports.agreement_import_check(
        actor=importer, upload=upload(ledger([row(2, enterprise)]))
    )
    imports.agreement_import_confirm(actor=importer, token=other["token"])
    before = _counts()
    job = imports.agreement_import_confirm(actor=importer, token=job["token"])
    assert job["status"] == imports.FAILED
    assert job["errors"][0]["row"] == 3 and job["errors"][0]["column"] == "协议编号"
    assert _counts() == before


def test_a_file_without_the_required_columns_is_refused_with_their_names(importer):
    book = Workbook()
    book.active.append(["协议编号", "协议名称"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(imports.UnreadableWorkbook) as refused:
        imports.agreement_import_check(actor=importer, upload=upload(out.getvalue()))
    assert "企业统一社会信用代码" in str(refused.value.errors["file"][0])


def test_someone_who_may_not_import_is_refused_and_nothing_is_kept(park, enterprise):
    with pytest.raises(PermissionDenied):
        imports.agreement_import_check(
            actor=staff(Role.BUSINESS_STAFF, park), upload=upload(ledger([row(1, enterprise)]))
        )


def test_the_rows_service_checks_the_importers_park(importer, enterprise):
    job = imports.agreement_import_check(
        actor=importer, upload=upload(ledger([row(1, enterprise)]))
    )
    ledger_ = imports._read_job_file(job, importer)
    outsider = staff(Role.LEAD_STAFF, ParkFactory())
    before = _counts()
    with pytest.raises(PermissionDenied):
        imports.agreement_import_rows(actor=outsider, rows=ledger_.rows, source=job)
    assert _counts() == before


# ---------------------------------------------------------------------------------------------
# Large files: the worker, with progress


def test_more_than_two_hundred_rows_are_imported_by_the_worker_with_progress(
    importer, enterprise, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    save = imports._save

    def spy(job):
        if job["status"] == imports.RUNNING:
            seen.append(job["done"])
        return save(job)

    monkeypatch.setattr(imports, "_save", spy)
    rows = [row(n, enterprise) for n in range(1, imports.BACKGROUND_FROM + 2)]
    job = imports.agreement_import_check(actor=importer, upload=upload(ledger(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.agreement_import_confirm(actor=importer, token=job["token"])
        assert job["status"] == imports.RUNNING
        assert Agreement.objects.count() == 0
    finished = imports._load(job["token"])
    assert finished["status"] == imports.DONE and finished["imported"] == 201
    assert Agreement.objects.filter(migrated=True).count() == 201
    assert AuditEvent.objects.filter(action="agreement.import").count() == 201
    assert 100 in seen and 200 in seen  # progress reported as the chunks are written


# ---------------------------------------------------------------------------------------------
# The pages


def test_the_pages_check_show_errors_in_chinese_and_import_on_confirmation(importer, enterprise):
    client = _client(importer)
    assert client.get(reverse("agreements:import")).status_code == 200
    bad = ledger([row(1, enterprise, end_date="2020-01-01")])
    response = client.post(reverse("agreements:import"), {"file": upload(bad)})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "终止日期不能早于起始日期。" in page.content.decode()
    assert Agreement.objects.count() == 0

    response = client.post(
        reverse("agreements:import"), {"file": upload(ledger([row(1, enterprise)]))}
    )
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "确认导入" in page and "LY2023-0001" in page
    token = job_url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("agreements:import_commit", kwargs={"token": token}))
    assert response.status_code == 302
    assert Agreement.objects.filter(number="LY2023-0001", migrated=True).exists()
    assert "已导入 1 份历史协议" in client.get(job_url).content.decode()


def test_another_importers_job_is_404(importer, enterprise, park):
    job = imports.agreement_import_check(
        actor=importer, upload=upload(ledger([row(1, enterprise)]))
    )
    other = _client(staff(Role.LEAD_STAFF, park))
    url = reverse("agreements:import_job", kwargs={"token": job["token"]})
    assert other.get(url).status_code == 404
    commit = reverse("agreements:import_commit", kwargs={"token": job["token"]})
    assert other.post(commit).status_code == 404
    assert Agreement.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(importer):
    client = _client(importer)
    response = client.post(reverse("agreements:import"), {"file": upload(b"not excel")})
    assert response.status_code == 400
    assert "Excel" in response.content.decode()


def test_the_template_has_the_headers_and_reads_back_clean(importer, enterprise):
    response = _client(importer).get(reverse("agreements:import_template"))
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["历史协议"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert enterprise.park.name in str([c.value for c in book["填写说明"]["B"]])
    sheet.append(row(1, enterprise))
    out = io.BytesIO()
    book.save(out)
    job = imports.agreement_import_check(actor=importer, upload=upload(out.getvalue()))
    assert job["status"] == imports.CHECKED, job["errors"]
