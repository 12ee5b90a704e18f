"""The bank-statement pages and API (R-BIL-4, R-PLT-5, R-ORG-3): upload and check (nothing
written), confirm, the statement's lines, the review list and a line's page where finance
matches or excludes it — refusals inline, writes through the services, lists in a constant
number of queries, no other park's statement seen; the same through the API, with no DELETE."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parkflow.billing.choices_bank import BankLineStatus
from parkflow.billing.models import Payment
from parkflow.billing.models_bank import BankLine, BankStatementImport
from parkflow.core.models import AuditEvent
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for, login
from parkflow.org.tests.factories import ParkFactory, staff

from .factories import finance, resident
from .factories_bank import imported, issue, left, rent_agreement, row, statement_csv, upload

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 3)
NAME = "苏州星河智能科技有限公司"


@pytest.fixture
def clerk(park):
    return finance(park)


@pytest.fixture
def bills(park, clerk):
    return issue(rent_agreement(resident(park, name=NAME)), 9, 10, actor=clerk)


def content(bills):
    september, _october = bills
    return statement_csv(
        [
            row(DAY, "8000.00", payer="代付单位", summary=f"缴{september.number}", serial="P1"),
            row(DAY, "8000.00", payer=NAME, serial="P2"),  # fits September? paid; October: yes
            row(DAY, "321.00", payer="某供应商", summary="退款", serial="P3"),
            row(DAY, "", payer="电费", debit="88.00", serial="P4"),
        ]
    )


def test_upload_check_and_confirm_through_the_pages(
    client, park, clerk, bills, django_capture_on_commit_callbacks
):
    login(client, clerk)
    assert client.get(reverse("billing:bank_import_upload")).status_code == 200

    response = client.post(
        reverse("billing:bank_import_upload"),
        {"park": park.pk, "file": upload(content(bills), "11月流水.csv")},
    )

    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "按账单号入账" in html and "按户名和金额入账" in html and "待人工核对" in html
    assert "确认入账" in html and bills[0].number in html
    assert not BankStatementImport.objects.exists()  # nothing written by the check
    token = response["Location"].rstrip("/").split("/")[-1]

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("billing:bank_import_confirm", args=[token]), follow=True)

    html = done.content.decode()
    run = BankStatementImport.objects.get()
    assert done.redirect_chain[-1][0] == reverse("billing:bank_import", args=[run.pk])
    assert "已导入 3 笔收入：自动入账 2 笔，待人工核对 1 笔。" in html
    assert "¥16,000.00" in html and "某供应商" in html
    assert left(bills[0]) == 0 and left(bills[1]) == 0
    # The check page of a confirmed file leads to the import.
    assert client.get(response["Location"])["Location"] == reverse(
        "billing:bank_import", args=[run.pk]
    )


def test_the_upload_page_refuses_a_file_imported_before_inline(client, park, clerk, bills):
    imported(clerk, park, content(bills))
    login(client, clerk)

    response = client.post(
        reverse("billing:bank_import_upload"), {"park": park.pk, "file": upload(content(bills))}
    )

    assert response.status_code == 400
    assert "同一文件不能重复导入" in response.content.decode()
    assert BankStatementImport.objects.count() == 1


def test_the_check_page_lists_errors_by_row_and_column(client, park, clerk):
    login(client, clerk)
    bad = statement_csv([row("昨天", "10.00", payer="甲")])
    response = client.post(
        reverse("billing:bank_import_upload"), {"park": park.pk, "file": upload(bad)}, follow=True
    )
    html = response.content.decode()
    assert "检查未通过" in html and "“昨天”不是日期" in html and "交易日期" in html
    assert "确认入账" not in html


@pytest.fixture
def waiting(park, clerk, bills):
    run = imported(clerk, park, content(bills))
    return BankLine.objects.get(statement=run, status=BankLineStatus.REVIEW)


def test_the_review_list_shows_lines_waiting_with_why(client, clerk, waiting):
    html = login(client, clerk).get(reverse("billing:bank_review")).content.decode()

    assert "某供应商" in html and "付款户名不是本园区企业" in html
    assert NAME not in html  # matched lines are not in the review list


def test_finance_matches_a_line_on_its_page_by_a_suggested_bill_or_a_number(
    client, park, clerk, waiting
):
    (november,) = issue(rent_agreement(resident(park, name="苏州另一家有限公司")), 11, actor=clerk)
    login(client, clerk)
    page = client.get(reverse("billing:bank_line", args=[waiting.pk])).content.decode()
    assert "核对入账" in page and "标为非本园区款项" in page

    wrong = client.post(
        reverse("billing:bank_line_match", args=[waiting.pk]), {"number": "ZD209901-0000001"}
    )
    assert wrong.status_code == 400 and "本园区没有这个账单号" in wrong.content.decode()
    assert not Payment.objects.filter(bill=november).exists()

    response = client.post(
        reverse("billing:bank_line_match", args=[waiting.pk]),
        {"number": november.number.lower(), "note": "电话确认代付"},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == BankLineStatus.MATCHED and waiting.bill == november
    assert left(november) == Decimal("7679.00")
    assert AuditEvent.objects.filter(action="bank_line.match").count() == 1


def test_excluding_a_line_needs_a_reason_on_the_page(client, clerk, waiting):
    login(client, clerk)
    refused = client.post(reverse("billing:bank_line_ignore", args=[waiting.pk]), {"reason": ""})
    assert refused.status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == BankLineStatus.REVIEW

    client.post(reverse("billing:bank_line_ignore", args=[waiting.pk]), {"reason": "供应商退款"})

    waiting.refresh_from_db()
    assert waiting.status == BankLineStatus.IGNORED


def test_readers_see_the_line_but_cannot_act_on_it(client, park, waiting):
    auditor = staff(Role.AUDITOR, park)
    login(client, auditor)
    page = client.get(reverse("billing:bank_line", args=[waiting.pk])).content.decode()
    assert "某供应商" in page and "核对入账" not in page
    assert (
        client.post(
            reverse("billing:bank_line_ignore", args=[waiting.pk]), {"reason": "不是我们的"}
        ).status_code
        == 403
    )
    assert client.get(reverse("billing:bank_import_upload")).status_code == 403


def test_another_parks_staff_see_nothing_of_this_parks_statements(client, park, waiting):
    theirs = finance(ParkFactory(name="无锡科创园B区"))
    login(client, theirs)
    for url in (reverse("billing:bank_imports"), reverse("billing:bank_review")):
        html = client.get(url).content.decode()
        assert "某供应商" not in html and "苏州工业园A区" not in html
    assert client.get(reverse("billing:bank_line", args=[waiting.pk])).status_code == 404
    assert (
        client.get(reverse("billing:bank_import", args=[waiting.statement_id])).status_code == 404
    )
    assert (
        client.post(
            reverse("billing:bank_line_ignore", args=[waiting.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    api = client_for(theirs)
    assert api.get("/api/v1/bank-lines/").json()["count"] == 0
    assert api.get(f"/api/v1/bank-lines/{waiting.pk}/").status_code == 404
    assert api.post(f"/api/v1/bank-lines/{waiting.pk}/ignore/", {"reason": "x"}).status_code == 404


def _statements(park, clerk, n):
    """``n`` lines waiting for review, in statements of ten."""
    for start in range(0, n, 10):
        rows = [
            row(DAY, f"{i + 1}.00", payer=f"付款单位{i}", serial=f"Q{i}")
            for i in range(start, min(n, start + 10))
        ]
        imported(clerk, park, statement_csv(rows), name=f"流水{start}.csv")


@pytest.mark.parametrize("rows", [3, 30])
def test_the_review_list_runs_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    _statements(park, clerk, rows)
    login(client, clerk)
    url = reverse("billing:bank_review")
    client.get(url)
    with django_assert_max_num_queries(11):
        response = client.get(url)
    assert len(response.context["lines"]) == min(rows, 20)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_statement_list_and_page_run_a_constant_number_of_queries(
    client, park, clerk, rows, django_assert_max_num_queries
):
    _statements(park, clerk, rows)
    login(client, clerk)
    client.get(reverse("billing:bank_imports"))
    with django_assert_max_num_queries(11):
        client.get(reverse("billing:bank_imports"))
    run = BankStatementImport.objects.first()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("billing:bank_import", args=[run.pk]))
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# API


def test_the_api_checks_confirms_and_matches_with_the_same_services(park, clerk, bills):
    api = client_for(clerk)

    checked = api.post(
        "/api/v1/bank-import-checks/",
        {"park": park.pk, "file": upload(content(bills))},
        format="multipart",
    )
    assert checked.status_code == 201, checked.json()
    body = checked.json()
    assert body["status"] == "checked" and body["lines"] == 3 and body["debit_lines"] == 1
    assert [p["outcome"] for p in body["preview"]] == [
        "按账单号入账",
        "按户名和金额入账",
        "待人工核对",
    ]
    assert (
        api.get(f"/api/v1/bank-import-checks/{body['token']}/").json()["sha256"] == body["sha256"]
    )

    confirmed = api.post(f"/api/v1/bank-import-checks/{body['token']}/confirm/", {}, format="json")
    assert confirmed.status_code == 201
    assert confirmed.json()["matched"] == 2 and confirmed.json()["status_label"] == "已完成"
    again = api.post(f"/api/v1/bank-import-checks/{body['token']}/confirm/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "statement_already_imported"

    waiting = api.get("/api/v1/bank-lines/", {"status": "review"}).json()["results"]
    assert [w["payer_name"] for w in waiting] == ["某供应商"]
    assert waiting[0]["review_reason_label"] == "付款户名不是本园区企业"
    (november,) = issue(rent_agreement(resident(park)), 11, actor=clerk)
    matched = api.post(
        f"/api/v1/bank-lines/{waiting[0]['id']}/match/", {"bill": november.pk}, format="json"
    )
    assert matched.status_code == 200 and matched.json()["status"] == "matched"
    assert matched.json()["bill_number"] == november.number
    repeated = api.post(
        f"/api/v1/bank-lines/{waiting[0]['id']}/match/", {"bill": november.pk}, format="json"
    )
    assert repeated.status_code == 200
    assert Payment.objects.filter(bill=november).count() == 1
    refused = api.post(f"/api/v1/bank-lines/{waiting[0]['id']}/ignore/", {"reason": "x"})
    assert refused.status_code == 409


def test_the_api_has_no_delete_and_no_edit(park, clerk, waiting):
    api = client_for(clerk)
    for url in (
        f"/api/v1/bank-lines/{waiting.pk}/",
        f"/api/v1/bank-imports/{waiting.statement_id}/",
    ):
        assert api.delete(url).status_code in (403, 405)
        assert api.patch(url, {"status": "matched"}, format="json").status_code in (403, 405)
        assert api.put(url, {"status": "matched"}, format="json").status_code in (403, 405)
    waiting.refresh_from_db()
    assert waiting.status == BankLineStatus.REVIEW


def test_the_api_lists_run_a_constant_number_of_queries(park, clerk):
    api = client_for(clerk)
    counts = []
    for n in (3, 27):  # 3 lines, then 30
        _statements(park, clerk, n)
        sizes = []
        for url in ("/api/v1/bank-lines/", "/api/v1/bank-imports/"):
            api.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert api.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1], counts
