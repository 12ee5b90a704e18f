"""Import of a park's unit ledger from Excel (R-RES-1, R-PLT-5): row-level errors in Chinese
naming the column and the problem, nothing written while any row fails, every unit audited, the
worker and its progress for a large file, the importer's park only."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parkflow.core.errors import Conflict, PermissionDenied, ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.factories import ParkFactory, staff

from .. import imports
from ..choices import ResourceKind, ResourceStatus
from ..models import Resource
from .factories import Org, unit

pytestmark = pytest.mark.django_db

HEADERS = [c.header + ("*" if c.required else "") for c in imports.COLUMNS]


def row(n, **changes):
    values = {
        "building": "A栋",
        "floor": "3",
        "number": f"3{n:02d}",
        "code": f"A-3{n:02d}",
        "name": f"A栋3{n:02d}室",
        "area": 120.5,
        "value": "10,242.50",
        "status": "可用",
    }
    values.update(changes)
    return [values[c.key] for c in imports.COLUMNS]


def ledger(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = imports.SHEET
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="办公单元台账.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def importer(park):
    return staff(Role.LEAD_STAFF, park, display_name="资源台账导入人")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts():
    return Resource.objects.count(), AuditEvent.objects.count()


def test_r_res_1_a_clean_ledger_is_checked_then_imported_unit_by_unit_and_audited(importer, park):
    content = ledger([row(1), row(2, value=None, status="维护中", area="85㎡")])
    before = _counts()
    job = imports.resource_import_check(actor=importer, park=park, upload=upload(content))
    assert job["status"] == imports.CHECKED and job["rows"] == 2 and not job["errors"]
    assert _counts() == before  # the check writes nothing
    job = imports.resource_import_confirm(actor=importer, token=job["token"])
    assert job["status"] == imports.DONE and job["imported"] == 2
    first = Resource.objects.get(code="A-301")
    assert first.park == park and first.kind == ResourceKind.UNIT
    assert (first.building, first.floor, first.number, first.name) == (
        "A栋",
        "3",
        "301",
        "A栋301室",
    )
    assert first.area == Decimal("120.50") and first.value == Decimal("10242.50")
    assert first.status == ResourceStatus.AVAILABLE
    second = Resource.objects.get(code="A-302")
    assert second.value is None and second.status == ResourceStatus.MAINTENANCE
    assert second.area == Decimal("85")
    events = AuditEvent.objects.filter(action="resource.import").order_by("id")
    assert [e.after["code"] for e in events] == ["A-301", "A-302"]
    assert events[0].actor_id == importer.pk and events[0].after["row"] == 2
    assert events[0].after["sha256"] == job["sha256"]


def test_r_pl_5_every_bad_row_is_named_by_row_and_column_in_chinese_and_nothing_is_written(
    importer, park
):
    org = Org(park)
    unit(org, code="A-399")
    content = ledger(
        [
            row(1),
            row(2, code="A-301"),  # the same code as row 2 of the sheet
            row(3, area="一百"),
            row(4, area=0),
            row(5, status="出租中"),
            row(6, code="A-399"),  # already in the catalogue
            row(7, name="", building=None),
            row(8, value=-5),
            row(9, number="301"),  # the same building, floor and number as row 2
        ]
    )
    before = _counts()
    job = imports.resource_import_check(actor=importer, park=park, upload=upload(content))
    assert job["status"] == imports.INVALID
    errors = {(e["row"], e["column"]): e["message"] for e in job["errors"]}
    assert errors[(3, "编号")] == "与第 2 行的编号“A-301”重复。"
    assert errors[(4, "面积（平方米）")] == "“一百”不是数字。"
    assert errors[(5, "面积（平方米）")] == "面积应大于 0。"
    assert "不在可选范围内" in errors[(6, "状态")]
    assert errors[(7, "编号")] == "编号“A-399”在本园区已存在。"
    assert errors[(8, "名称")] == "必填，不能为空。"
    assert errors[(8, "楼栋")] == "必填，不能为空。"
    assert "不小于 0" in errors[(9, "价值（元）")]
    assert errors[(10, "房号")] == "与第 2 行是同一楼栋、楼层和房号。"
    assert job["rows"] == 1  # only the first row is clean …
    assert _counts() == before  # … and nothing is written, nor can be confirmed
    with pytest.raises(Conflict):
        imports.resource_import_confirm(actor=importer, token=job["token"])
    assert _counts() == before


def test_a_code_taken_between_check_and_confirm_fails_the_whole_file(importer, park):
    job = imports.resource_import_check(
        actor=importer, park=park, upload=upload(ledger([row(1), row(2)]))
    )
    unit(Org(park), code="A-302")
    before = _counts()
    job = imports.resource_import_confirm(actor=importer, token=job["token"])
    assert job["status"] == imports.FAILED
    assert job["errors"][0]["column"] == "编号" and job["errors"][0]["row"] == 3
    assert _counts() == before
    assert not Resource.objects.filter(code="A-301").exists()


def test_a_file_without_the_required_columns_is_refused_with_their_names(importer, park):
    content = ledger([["A栋", "3"]], headers=["楼栋", "楼层"])
    with pytest.raises(ValidationFailed) as refused:
        imports.resource_import_check(actor=importer, park=park, upload=upload(content))
    message = refused.value.errors["file"][0]
    assert "房号" in message and "编号" in message and "面积（平方米）" in message


def test_someone_who_may_not_manage_the_catalogue_is_refused(park):
    clerk = staff(Role.BUSINESS_STAFF, park)
    with pytest.raises(PermissionDenied):
        imports.resource_import_check(actor=clerk, park=park, upload=upload(ledger([row(1)])))


def test_the_importer_imports_only_into_a_park_he_keeps(importer, park):
    other = ParkFactory(name="外园")
    with pytest.raises(ValidationFailed):
        imports.resource_import_check(actor=importer, park=other, upload=upload(ledger([row(1)])))
    job = imports.resource_import_check(actor=importer, park=park, upload=upload(ledger([row(1)])))
    rows = imports._read_job_file(job).rows
    with pytest.raises(PermissionDenied):
        imports.resource_import_rows(
            actor=staff(Role.LEAD_STAFF, other), park=park, rows=rows, source=job
        )
    assert not Resource.objects.exists()


def test_more_than_two_hundred_rows_are_imported_by_the_worker_with_progress(
    importer, park, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    save = imports._save

    def spy(job):
        if job["status"] == imports.RUNNING:
            seen.append(job["done"])
        return save(job)

    monkeypatch.setattr(imports, "_save", spy)
    rows = [
        row(1, code=f"U-{n:04d}", number=f"{n:04d}") for n in range(1, imports.BACKGROUND_FROM + 2)
    ]
    job = imports.resource_import_check(actor=importer, park=park, upload=upload(ledger(rows)))
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.resource_import_confirm(actor=importer, token=job["token"])
        assert job["status"] == imports.RUNNING
        assert Resource.objects.count() == 0
    finished = imports._load(job["token"])
    assert finished["status"] == imports.DONE and finished["imported"] == 201
    assert Resource.objects.filter(park=park, kind=ResourceKind.UNIT).count() == 201
    assert AuditEvent.objects.filter(action="resource.import").count() == 201
    assert 100 in seen and 200 in seen  # progress reported as the chunks are written


def test_the_pages_check_show_errors_in_chinese_and_import_on_confirmation(importer, park):
    client = _client(importer)
    page = client.get(reverse("resources:import"))
    assert page.status_code == 200 and park.name in page.content.decode()
    bad = ledger([row(1, area=-3)])
    response = client.post(reverse("resources:import"), {"park": park.pk, "file": upload(bad)})
    assert response.status_code == 302
    assert "面积应大于 0。" in client.get(response["Location"]).content.decode()
    assert Resource.objects.count() == 0

    good = ledger([row(1)])
    response = client.post(reverse("resources:import"), {"park": park.pk, "file": upload(good)})
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "确认导入" in page and "A-301" in page
    token = job_url.rstrip("/").rsplit("/", 1)[1]
    response = client.post(reverse("resources:import_commit", kwargs={"token": token}))
    assert response.status_code == 302
    assert Resource.objects.filter(code="A-301", park=park).exists()
    assert "登记 1 个办公单元" in client.get(job_url).content.decode()


def test_another_importers_job_is_404(importer, park):
    job = imports.resource_import_check(actor=importer, park=park, upload=upload(ledger([row(1)])))
    other = _client(staff(Role.LEAD_STAFF, park))
    assert (
        other.get(reverse("resources:import_job", kwargs={"token": job["token"]})).status_code
        == 404
    )
    commit = reverse("resources:import_commit", kwargs={"token": job["token"]})
    assert other.post(commit).status_code == 404
    assert Resource.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused_on_the_page(importer, park):
    response = _client(importer).post(
        reverse("resources:import"), {"park": park.pk, "file": upload(b"not excel")}
    )
    assert response.status_code == 400
    assert "Excel" in response.content.decode()


def test_the_template_has_the_headers_and_reads_back_clean(importer, park):
    response = _client(importer).get(reverse("resources:import_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    sheet = book[imports.SHEET]
    assert [c.value for c in sheet[1]] == HEADERS
    sheet.append(row(1))
    out = io.BytesIO()
    book.save(out)
    ledger_ = imports.read_units(out.getvalue(), park=park, max_rows=10)
    assert not ledger_.errors and len(ledger_.rows) == 1
